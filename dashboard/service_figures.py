"""Pure figure builders for online public services: the two eras (levels 2/3/4 until
14 August 2022, toàn trình / một phần after, Decree 42/2022/NĐ-CP) side by side, never spliced."""
from __future__ import annotations

import pandas as pd

from dashboard.plain_figure import Figure, subplots
from dashboard.chart_style import (dated, BASE_FONT, SERIES_COLOURS, empty_figure, finish, fmt_int, fmt_pct, mark_reform,
                                   panel_titles_above_marks, quarter_ticks, title_at_top)
from vocab.i18n import series_name, t
from vocab.periods import parse_code

# Which metric belongs to which era is the catalog's (the service_metrics view): the rows carry it.

def services_units_chart(rows: pd.DataFrame, period_label: str, lang: str = "vi") -> Figure:
    """Gives each unit's online services stacked by level (2/3/4 or full/partial, whichever
    the period's rows carry); rows: the services_units query (unit_name, metric_code, era, value),
    in catalog order."""
    rows = rows[rows["value"].notna()]
    if rows.empty:
        return empty_figure(t("no_data_period", lang, period=period_label))
    codes = list(dict.fromkeys(rows["metric_code"]))
    wide = rows.pivot_table(index="unit_name", columns="metric_code", values="value", aggfunc="sum")
    wide = wide.reindex(columns=codes).fillna(0)
    online = [c for c in codes if c != "services_level2"] or codes  # level 2 is information only, not online
    wide = wide.assign(_total=wide[online].sum(axis=1)).sort_values("_total")
    fig = Figure()
    for code in codes:
        fig.add_bar(
            y=wide.index, x=wide[code], name=series_name(code, lang), orientation="h",
            marker_color=SERIES_COLOURS[code],
            customdata=[fmt_int(v, lang) for v in wide[code]],
            hovertemplate="%{y}: %{customdata}<extra>" + series_name(code, lang) + "</extra>",
        )
    title = t("services_units_title_by_count", lang)  # the page leads with the rate, not the top unit
    finish(fig, f"{title}<br><sup>{period_label}</sup>", lang, y_title=t("unit_axis", lang),
            height=max(400, 22 * len(wide) + 220))
    fig.update_layout(barmode="stack", legend={"y": 1.0, "yref": "paper", "yanchor": "bottom", "x": 1, "xanchor": "right"})
    fig.update_yaxes(tickfont={"size": 13 if len(wide) > 30 else BASE_FONT - 2}, dtick=1)
    fig.update_xaxes(title_text=t("services_axis", lang))
    return fig

def services_eras_chart(rows: pd.DataFrame, lang: str = "vi") -> Figure:
    """Gives the province's online services over time in two panels, levels 2/3/4 before
    15 August 2022 and full/partial after, never joined into one series;
    rows: the services_totals query (period, metric_code, era, value), in catalog order."""
    rows = rows[rows["value"].notna()].copy()
    if rows.empty:
        return empty_figure(t("no_data", lang))
    rows["day"] = [parse_code(p).start for p in rows["period"]]
    fig = subplots(2, (t("era_old", lang), t("era_new", lang)), horizontal_spacing=0.08)
    for col, era in ((1, "old"), (2, "new")):
        codes = list(dict.fromkeys(rows.loc[rows["era"] == era, "metric_code"]))
        for code in codes:
            part = rows[rows["metric_code"] == code].sort_values("day")
            if part.empty:
                continue
            labels = [parse_code(p).label(lang) for p in part["period"]]
            fig.add_bar(
                x=part["day"], y=part["value"], name=series_name(code, lang),
                marker_color=SERIES_COLOURS[code], row=1, col=col,
                customdata=list(zip(labels, [fmt_int(v, lang) for v in part["value"]])),
                hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>" + series_name(code, lang) + "</extra>",
            )
    finish(fig, t("services_eras_title", lang), lang, y_title=t("services_axis", lang), height=480)
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="", row=1, col=2)  # the left panel's title says it; here it ran over the left bars
    fig.update_yaxes(tickformat=",d")  # 30.000 dịch vụ, as Vietnamese write it, not plotly's "30k"
    fig.update_xaxes(title_text=t("period_axis", lang))
    for annotation in fig.layout.annotations:
        annotation.font = {"size": BASE_FONT}
    panel_titles_above_marks(fig, panels=2)
    title_at_top(fig)
    for col, era in ((1, "old"), (2, "new")):
        part = rows[rows["era"] == era]
        quarter_ticks(fig, part["period"], lang, most=5, row=1, col=col)
        mark_reform(fig, lang, days=part["day"], xref="x" if col == 1 else f"x{col}")
    return fig

def dossier_rates_chart(rows: pd.DataFrame, indicator_names: dict[str, str], lang: str = "vi") -> Figure:
    """Gives the province's online-dossier and on-time rates per quarter;
    rows: indicator_values of the root in scope area (period, indicator_code, value)."""
    rows = dated(rows)
    if rows.empty:
        return empty_figure(t("no_data", lang))
    fig = Figure()
    colours = {"dossiers_online_rate": "#0072B2", "dossiers_on_time_rate": "#009E73"}
    latest: dict[str, float] = {}
    for code, colour in colours.items():
        part = rows[rows["indicator_code"] == code]
        if part.empty:
            continue
        latest[code] = part["value"].iloc[-1]
        labels = [parse_code(p).label(lang) for p in part["period"]]
        fig.add_scatter(
            x=part["day"], y=part["value"], name=indicator_names.get(code, code), mode="lines+markers",
            line={"color": colour, "width": 3},
            customdata=list(zip(labels, [fmt_pct(v, lang) for v in part["value"]])),
            hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
        )
    last_period = parse_code(rows["period"].iloc[-1]).label(lang)
    title = t("dossier_rates_title", lang, online=fmt_pct(latest.get("dossiers_online_rate"), lang),
              on_time=fmt_pct(latest.get("dossiers_on_time_rate"), lang), period=last_period)
    finish(fig, title, lang, y_title=t("rate_axis", lang), percent=True, height=440)
    fig.update_xaxes(title_text=t("period_axis", lang))
    quarter_ticks(fig, rows["period"], lang)
    mark_reform(fig, lang, days=rows["day"])
    return fig
