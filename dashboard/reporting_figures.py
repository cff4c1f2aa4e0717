"""Pure figure builders for reporting: who was expected to report, who did, who was on time."""
from __future__ import annotations

import pandas as pd

from dashboard.plain_figure import Figure
from dashboard.chart_style import dated, LEVEL_COLOURS, LEVELS, empty_figure, finish, fmt_int, fmt_pct, levels_sorted, mark_reform, quarter_ticks
from vocab.levels import level_name
from vocab.i18n import t
from vocab.periods import parse_code


def completeness_chart(rows: pd.DataFrame, period_label: str, lang: str = "vi") -> Figure:
    """Gives expected, reported and on-time units per level for one period;
    rows: the completeness query's rows of the period (each level and the 'total' row)."""
    total = rows[rows["level"] == "total"]
    rows = rows[rows["level"] != "total"]
    if rows.empty:
        return empty_figure(t("no_data_period", lang, period=period_label))
    rows = levels_sorted(rows)
    names = [level_name(level, lang, capitalise=True) for level in rows["level"]]
    fig = Figure()
    for column, key, colour in (
        ("units_expected", "units_expected", "#BBBBBB"),
        ("units_reported", "units_reported", "#0072B2"),
        ("units_on_time", "units_on_time", "#009E73"),
    ):
        fig.add_bar(x=names, y=rows[column], name=t(key, lang), marker_color=colour,
                    text=[fmt_int(v, lang) for v in rows[column]], textposition="outside",
                    hovertemplate="%{x}: %{text}<extra>" + t(key, lang) + "</extra>")
    whole = total.iloc[0]
    title = t("completeness_title", lang, reported=fmt_int(int(whole["units_reported"]), lang),
              expected=fmt_int(int(whole["units_expected"]), lang), rate=fmt_pct(whole["rate"], lang),
              on_time=fmt_int(int(whole["units_on_time"]), lang))
    finish(fig, f"{title}<br><sup>{period_label}</sup>", lang, y_title=t("units_count_axis", lang), height=440)
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text=t("level", lang))
    return fig

def completeness_trend_chart(rows: pd.DataFrame, lang: str = "vi") -> Figure:
    """Gives the share of units that reported, per level and quarter;
    rows: the completeness query's rows (per quarter each level and its 'total' row)."""
    rows = rows[rows["period"].notna()]
    totals = rows[rows["level"] == "total"].set_index("period")["rate"]
    rows = dated(rows[rows["level"] != "total"], "rate")
    if rows.empty:
        return empty_figure(t("no_data", lang))
    fig = Figure()
    for level in LEVELS:
        part = rows[rows["level"] == level]
        if part.empty:
            continue
        labels = [parse_code(p).label(lang) for p in part["period"]]
        fig.add_scatter(
            x=part["day"], y=part["rate"], name=level_name(level, lang, capitalise=True),
            mode="lines+markers", line={"color": LEVEL_COLOURS[level], "width": 3},
            customdata=list(zip(labels, [fmt_pct(v, lang) for v in part["rate"]])),
            hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
        )
    title = t("completeness_trend_title", lang, latest=fmt_pct(totals.get(rows["period"].iloc[-1]), lang),
              period=parse_code(rows["period"].iloc[-1]).label(lang))
    finish(fig, title, lang, y_title=t("rate_axis", lang), percent=True, height=420)
    fig.update_xaxes(title_text=t("period_axis", lang))
    quarter_ticks(fig, rows["period"], lang)
    mark_reform(fig, lang, days=rows["day"])
    return fig
