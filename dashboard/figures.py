"""Pure figure builders: a frame shaped like a public view in, a plotly figure out.

Every figure's title states the finding; axes carry their units; numbers print the
Vietnamese way (the layout's `separators` for ticks, etl.vnformat for hover and titles).
A builder given no rows returns `empty_figure`, which says so instead of drawing axes.
"""
from __future__ import annotations

import math

from datetime import date
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.findings import STATUS_COLOURS, STATUS_NAMES, level_finding, level_name
from dashboard.i18n import series_name, t
from etl.periods import REFORM_DATE, parse_code
from etl.vnformat import vn_sort_key, fmt_int as _fmt_int
from etl.vnformat import fmt_pct as _fmt_pct

LEVELS = ("province", "district", "commune")
LEVEL_COLOURS = {"province": "#0072B2", "district": "#CC79A7", "commune": "#56B4E9"}
SERVICES_OLD = ("services_level2", "services_level3", "services_level4")
SERVICES_NEW = ("services_full_online", "services_partial_online")
SERVICES_ERA_DATE = date(2022, 8, 15)  # Decree 42/2022/NĐ-CP
SERIES_COLOURS = {
    "services_level2": "#BBBBBB",
    "services_level3": "#56B4E9",
    "services_level4": "#0072B2",
    "services_full_online": "#009E73",
    "services_partial_online": "#F0E442",
}
STATUS_ORDER = {"no_data": 0, "behind": 1, "near": 2, "met": 3}
HEATMAP_ORDER = {"no_data": 0, "behind": 2, "near": 3, "met": 4}  # 1: a value with no target
NO_TARGET_COLOUR = "#E3E3E3"
AXIS_STYLE = {"gridcolor": "#E5E5E5", "linecolor": "#444444", "zerolinecolor": "#CCCCCC",
              "ticks": "outside", "tickcolor": "#BBBBBB", "automargin": True}
BASE_FONT = 18
TITLE_FONT = 22


def empty_figure(message: str) -> go.Figure:
    """Gives a figure with no axes that only says `message` (a period with no data)."""
    fig = go.Figure()
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[{"text": message, "showarrow": False, "font": {"size": TITLE_FONT}}],
        height=220,
        margin={"l": 20, "r": 20, "t": 20, "b": 20},
        template="none",
    )
    return fig


def level_chart(rows: pd.DataFrame, indicator_name: str, lang: str = "vi") -> go.Figure:
    """Gives actual against target and trajectory per level (the 90/70/30 chart) for one
    indicator and period; rows: level_progress (level, value, target, expected, status)."""
    rows = _levels_sorted(rows[rows["value"].notna() | rows["target"].notna()])
    if rows.empty:
        return empty_figure(t("no_data", lang))
    names = [level_name(level, lang, capitalise=True) for level in rows["level"]]
    statuses = [s if s in STATUS_COLOURS else "no_data" for s in rows["status"]]
    fig = go.Figure()
    fig.add_bar(
        x=names,
        y=rows["value"],
        name=t("actual", lang),
        marker_color=[STATUS_COLOURS[s] for s in statuses],
        text=[fmt_pct(v, lang) for v in _nones(rows["value"])],
        textposition="inside",
        insidetextanchor="middle",
        textfont={"size": TITLE_FONT, "color": "#ffffff"},
        hovertemplate="%{x}: %{text}<extra></extra>",
    )
    fig.add_scatter(
        x=names,
        y=rows["target"],
        name=t("target", lang),
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 60, "color": "#222222", "line": {"width": 4, "color": "#222222"}},
        customdata=[fmt_pct(v, lang, 0) for v in _nones(rows["target"])],
        hovertemplate="%{x}: " + t("target", lang) + " %{customdata}<extra></extra>",
    )
    if "expected" in rows and rows["expected"].notna().any():
        fig.add_scatter(
            x=names,
            y=rows["expected"],
            name=t("expected", lang),
            mode="markers",
            marker={"symbol": "diamond", "size": 16, "color": "#444444"},
            customdata=[fmt_pct(v, lang) for v in _nones(rows["expected"])],
            hovertemplate="%{x}: " + t("expected", lang) + " %{customdata}<extra></extra>",
        )
    findings = [level_finding(r.level, _none(r.value), _none(r.target), lang) for r in rows.itertuples()]
    _finish(fig, "<br>".join(findings), lang, y_title=t("rate_axis", lang), percent=True,
            height=470 + 24 * max(0, len(findings) - 2))
    fig.update_layout(margin={"t": 40 + 30 * len(findings)}, meta={"indicator": indicator_name})
    fig.update_xaxes(title_text=t("level", lang))
    return fig


def trend_chart(rows: pd.DataFrame, indicator_name: str, lang: str = "vi") -> go.Figure:
    """Gives the value per level over every quarter with the target in force as dashed steps
    and the 1 July 2025 reform marked; rows: level_progress (period, level, value, target)."""
    rows = rows[rows["value"].notna()].copy()
    if rows.empty:
        return empty_figure(t("no_data", lang))
    rows["day"] = [parse_code(p).start for p in rows["period"]]
    rows = rows.sort_values("day")
    fig = go.Figure()
    for level in LEVELS:
        part = rows[rows["level"] == level]
        if part.empty:
            continue
        name = level_name(level, lang, capitalise=True)
        labels = [parse_code(p).label(lang) for p in part["period"]]
        fig.add_scatter(
            x=part["day"],
            y=part["value"],
            name=name,
            mode="lines+markers",
            line={"color": LEVEL_COLOURS[level], "width": 3},
            customdata=list(zip(labels, [fmt_pct(v, lang) for v in part["value"]])),
            hovertemplate=name + " %{customdata[0]}: %{customdata[1]}<extra></extra>",
        )
        if part["target"].notna().any():
            fig.add_scatter(
                x=part["day"],
                y=part["target"],
                name=f"{t('target', lang)} {level_name(level, lang)}",
                mode="lines",
                line={"color": LEVEL_COLOURS[level], "width": 2, "dash": "dash", "shape": "hv"},
                hoverinfo="skip",
            )
    latest = rows[rows["period"] == rows["period"].iloc[-1]]
    title = levels_title(indicator_name, latest, lang, period=rows["period"].iloc[-1])
    _finish(fig, title, lang, y_title=t("rate_axis", lang), percent=True, height=480)
    fig.update_xaxes(title_text=t("period_axis", lang), tickformat="%Y", dtick="M12")
    mark_reform(fig, lang)
    return fig


def ranking_chart(
    rows: pd.DataFrame, level: str, indicator_name: str, lang: str = "vi"
) -> go.Figure:
    """Gives units ranked on one indicator with the target line, bars coloured by status;
    rows: target_progress (unit_key, unit_name, value, target, status). Clicks carry unit_key."""
    rows = rows[rows["value"].notna()].sort_values("value")
    if rows.empty:
        return empty_figure(t("no_data", lang))
    statuses = [s if s in STATUS_COLOURS else "no_data" for s in rows["status"]]
    fig = go.Figure()
    fig.add_bar(
        x=rows["value"],
        y=rows["unit_name"],
        orientation="h",
        marker_color=[STATUS_COLOURS[s] for s in statuses],
        customdata=list(zip(rows["unit_key"], [fmt_pct(v, lang) for v in rows["value"]])),
        text=[fmt_pct(v, lang) for v in rows["value"]],
        textposition="inside",
        insidetextanchor="end",
        textfont={"color": "#ffffff"},
        hovertemplate="%{y}: %{customdata[1]}<extra></extra>",
        showlegend=False,
    )
    targets = rows["target"].dropna()
    who = level_name(level, lang)
    if not targets.empty:
        target = float(targets.iloc[0])
        fig.add_vline(x=target, line={"color": "#222222", "width": 3, "dash": "dash"})
        met = int((rows["status"] == "met").sum())
        finding = t("ranking_title", lang, met=met, total=len(rows), level=who, target=fmt_pct(target, lang, 0))
    else:
        best, worst = rows.iloc[-1], rows.iloc[0]
        finding = t(
            "ranking_title_no_target", lang, level=level_name(level, lang, capitalise=True),
            best=best["unit_name"], best_value=fmt_pct(best["value"], lang),
            worst=worst["unit_name"], worst_value=fmt_pct(worst["value"], lang),
        )
    _add_status_legend(fig, lang, statuses)
    height = max(360, 26 * len(rows) + 160)
    _finish(fig, f"{indicator_name}<br><sup>{finding}</sup>", lang, y_title=t("unit_axis", lang), height=height)
    fig.update_xaxes(title_text=t("rate_axis", lang), tickformat=".0%", range=[0, 1.12])
    fig.update_yaxes(tickfont={"size": 14 if len(rows) > 40 else BASE_FONT - 2}, dtick=1)
    return fig


def heatmap_chart(rows: pd.DataFrame, indicator_names: dict[str, str], lang: str = "vi") -> go.Figure:
    """Gives units × indicators coloured by status, the value written in each cell;
    rows: target_progress (unit_key, unit_name, indicator_code, value, status)."""
    if rows.empty:
        return empty_figure(t("no_data", lang))
    codes = [c for c in indicator_names if c in set(rows["indicator_code"])]
    units = rows.drop_duplicates("unit_key").sort_values("unit_name", ascending=False, key=vietnamese_order)
    status = rows.pivot_table(index="unit_key", columns="indicator_code", values="status", aggfunc="first")
    value = rows.pivot_table(index="unit_key", columns="indicator_code", values="value", aggfunc="first")
    status = status.reindex(index=units["unit_key"], columns=codes)
    value = value.reindex(index=units["unit_key"], columns=codes)
    # A value held against no target is not "no data": it gets a paler grey of its own.
    no_target = value.notna() & status.eq("no_data")
    z = status.map(lambda s: HEATMAP_ORDER.get(s, 0) if isinstance(s, str) else 0).mask(no_target, 1).to_numpy()
    text = value.map(lambda v: fmt_pct(v, lang, 0) if pd.notna(v) else "–").to_numpy()
    colours = [STATUS_COLOURS["no_data"], NO_TARGET_COLOUR, STATUS_COLOURS["behind"], STATUS_COLOURS["near"],
               STATUS_COLOURS["met"]]
    scale = [[edge, colour] for band, colour in enumerate(colours) for edge in (band / 5, (band + 1) / 5)]
    labels = [_wrap(indicator_names[c]) for c in codes]
    fig = go.Figure(
        go.Heatmap(
            z=z, x=labels, y=list(units["unit_name"]), zmin=-0.5, zmax=4.5, colorscale=scale,
            showscale=False, text=text, texttemplate="%{text}", textfont={"size": 13},
            customdata=[[key] * len(codes) for key in units["unit_key"]],
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>", xgap=2, ygap=2,
        )
    )
    with_target = rows[rows["target"].notna()] if "target" in rows else rows
    behind = int((with_target["status"] == "behind").sum())
    _add_status_legend(fig, lang, list(STATUS_ORDER))
    fig.add_scatter(x=[None], y=[None], mode="markers", name=t("no_target", lang),
                    marker={"size": 14, "color": NO_TARGET_COLOUR, "symbol": "square"})
    title = t("heatmap_title", lang, behind=fmt_int(behind, lang), total=fmt_int(len(with_target), lang))
    _finish(fig, title, lang, y_title=t("unit_axis", lang), height=max(420, 24 * len(units) + 260))
    fig.update_xaxes(title_text=t("indicator_axis", lang), side="top", tickfont={"size": 12})
    # The indicator names stand above the cells: keep the title at the very top, clear of them.
    fig.update_layout(margin={"t": 250}, title={"yref": "container", "y": 0.995, "yanchor": "top"})
    fig.update_layout(height=fig.layout.height + 60)
    return fig


def map_chart(rows: pd.DataFrame, level: str, indicator_name: str, lang: str = "vi") -> go.Figure:
    """Gives the units of a level as points at their centres, coloured by status (no boundaries
    can be shipped offline); rows: target_progress with lat, lon. Clicks carry unit_key."""
    rows = rows[rows["lat"].notna() & rows["lon"].notna()]
    if rows.empty:
        return empty_figure(t("no_data", lang))
    fig = go.Figure()
    for status in STATUS_ORDER:
        part = rows[rows["status"].fillna("no_data") == status]
        if part.empty:
            continue
        values = [fmt_pct(v, lang) for v in part["value"]]
        fig.add_scatter(  # coordinates to ~100 m: a country of points stays a few hundred kB
            x=part["lon"].round(3), y=part["lat"].round(3), mode="markers", name=STATUS_NAMES[lang][status],
            marker={"size": 16 if len(rows) < 600 else 8, "color": STATUS_COLOURS[status],
                    "line": {"width": 1, "color": "#FFFFFF"}},
            customdata=list(zip(part["unit_key"], part["unit_name"], values)),
            hovertemplate="%{customdata[1]}: %{customdata[2]}<extra></extra>",
        )
    with_target = rows[rows["target"].notna()]
    met = int((with_target["status"] == "met").sum())
    finding = (t("ranking_title", lang, met=met, total=len(with_target), level=level_name(level, lang),
                 target=fmt_pct(float(with_target["target"].iloc[0]), lang, 0))
               if not with_target.empty else indicator_name)
    title = f"{indicator_name}<br><sup>{t('map_title', lang, level=level_name(level, lang), finding=finding)}</sup>"
    _finish(fig, title, lang, y_title=t("latitude", lang), height=720)
    # One degree of latitude is longer on screen than one of longitude by 1 / cos(latitude).
    ratio = 1 / math.cos(math.radians(float(rows["lat"].mean())))
    fig.update_yaxes(scaleanchor="x", scaleratio=ratio, showgrid=False)
    fig.update_xaxes(title_text=t("longitude", lang), showgrid=False)
    return fig


def services_units_chart(rows: pd.DataFrame, period_label: str, lang: str = "vi") -> go.Figure:
    """Gives each unit's online services stacked by level (2/3/4 or full/partial, whichever
    the period's rows carry); rows: metric_values (unit_key, unit_name, metric_code, value)."""
    rows = rows[rows["value"].notna()]
    if rows.empty:
        return empty_figure(t("no_data_period", lang, period=period_label))
    codes = [c for c in SERVICES_OLD + SERVICES_NEW if c in set(rows["metric_code"])]
    wide = rows.pivot_table(index="unit_name", columns="metric_code", values="value", aggfunc="sum")
    wide = wide.reindex(columns=codes).fillna(0)
    online = [c for c in codes if c != "services_level2"] or codes
    wide = wide.assign(_total=wide[online].sum(axis=1)).sort_values("_total")
    fig = go.Figure()
    for code in codes:
        fig.add_bar(
            y=wide.index, x=wide[code], name=series_name(code, lang), orientation="h",
            marker_color=SERIES_COLOURS[code],
            customdata=[fmt_int(v, lang) for v in wide[code]],
            hovertemplate="%{y}: %{customdata}<extra>" + series_name(code, lang) + "</extra>",
        )
    top = wide.index[-1]
    title = t("services_units_title", lang, top=top, count=fmt_int(wide["_total"].iloc[-1], lang))
    _finish(fig, f"{title}<br><sup>{period_label}</sup>", lang, y_title=t("unit_axis", lang),
            height=max(400, 22 * len(wide) + 220))
    fig.update_layout(barmode="stack", legend={"y": 1.0, "yref": "paper", "yanchor": "bottom", "x": 1, "xanchor": "right"})
    fig.update_yaxes(tickfont={"size": 13 if len(wide) > 30 else BASE_FONT - 2}, dtick=1)
    fig.update_xaxes(title_text=t("services_axis", lang))
    return fig


def services_eras_chart(rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """Gives the province's online services over time in two panels, levels 2/3/4 before
    15 August 2022 and full/partial after, never joined into one series;
    rows: (period, metric_code, value) province totals per quarter."""
    rows = rows[rows["value"].notna()].copy()
    if rows.empty:
        return empty_figure(t("no_data", lang))
    rows["day"] = [parse_code(p).start for p in rows["period"]]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(t("era_old", lang), t("era_new", lang)),
                        shared_yaxes=False, horizontal_spacing=0.08)
    for col, codes in ((1, SERVICES_OLD), (2, SERVICES_NEW)):
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
    _finish(fig, t("services_eras_title", lang), lang, y_title=t("services_axis", lang), height=480)
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text=t("services_axis", lang), row=1, col=2)
    fig.update_xaxes(title_text=t("period_axis", lang), tickformat="%Y")
    for annotation in fig.layout.annotations:
        annotation.font = {"size": BASE_FONT}
    return fig


def dossier_rates_chart(rows: pd.DataFrame, indicator_names: dict[str, str], lang: str = "vi") -> go.Figure:
    """Gives the province's online-dossier and on-time rates per quarter;
    rows: indicator_values of the root in scope area (period, indicator_code, value)."""
    rows = rows[rows["value"].notna()].copy()
    if rows.empty:
        return empty_figure(t("no_data", lang))
    rows["day"] = [parse_code(p).start for p in rows["period"]]
    rows = rows.sort_values("day")
    fig = go.Figure()
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
    _finish(fig, title, lang, y_title=t("rate_axis", lang), percent=True, height=440)
    fig.update_xaxes(title_text=t("period_axis", lang), tickformat="%Y", dtick="M12")
    mark_reform(fig, lang)
    return fig


def completeness_chart(rows: pd.DataFrame, period_label: str, lang: str = "vi") -> go.Figure:
    """Gives expected, reported and on-time units per level for one period;
    rows: reporting_completeness (level, units_expected, units_reported, units_on_time)."""
    if rows.empty:
        return empty_figure(t("no_data_period", lang, period=period_label))
    rows = _levels_sorted(rows)
    names = [level_name(level, lang, capitalise=True) for level in rows["level"]]
    fig = go.Figure()
    for column, key, colour in (
        ("units_expected", "units_expected", "#BBBBBB"),
        ("units_reported", "units_reported", "#0072B2"),
        ("units_on_time", "units_on_time", "#009E73"),
    ):
        fig.add_bar(x=names, y=rows[column], name=t(key, lang), marker_color=colour,
                    text=[fmt_int(v, lang) for v in rows[column]], textposition="outside",
                    hovertemplate="%{x}: %{text}<extra>" + t(key, lang) + "</extra>")
    expected, reported, on_time = (int(rows[c].sum()) for c in ("units_expected", "units_reported", "units_on_time"))
    title = t("completeness_title", lang, reported=fmt_int(reported, lang), expected=fmt_int(expected, lang),
              rate=fmt_pct(reported / expected if expected else None, lang), on_time=fmt_int(on_time, lang))
    _finish(fig, f"{title}<br><sup>{period_label}</sup>", lang, y_title=t("units_count_axis", lang), height=440)
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text=t("level", lang))
    return fig


def completeness_trend_chart(rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """Gives the share of units that reported, per level and quarter;
    rows: reporting_completeness (period, level, rate)."""
    rows = rows[rows["rate"].notna()].copy()
    if rows.empty:
        return empty_figure(t("no_data", lang))
    rows["day"] = [parse_code(p).start for p in rows["period"]]
    rows = rows.sort_values("day")
    fig = go.Figure()
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
    last = rows[rows["period"] == rows["period"].iloc[-1]]
    total = last["units_reported"].sum() / last["units_expected"].sum() if "units_expected" in last and last["units_expected"].sum() else last["rate"].mean()
    title = t("completeness_trend_title", lang, latest=fmt_pct(total, lang),
              period=parse_code(rows["period"].iloc[-1]).label(lang))
    _finish(fig, title, lang, y_title=t("rate_axis", lang), percent=True, height=420)
    fig.update_xaxes(title_text=t("period_axis", lang), tickformat="%Y", dtick="M12")
    mark_reform(fig, lang)
    return fig


def unit_trend_chart(rows: pd.DataFrame, indicator_name: str, lang: str = "vi") -> go.Figure:
    """Gives one unit's indicator per quarter with its target in force;
    rows: (period, value, target) for the unit."""
    rows = rows[rows["value"].notna()].copy()
    if rows.empty:
        return empty_figure(t("no_data", lang))
    rows["day"] = [parse_code(p).start for p in rows["period"]]
    rows = rows.sort_values("day")
    labels = [parse_code(p).label(lang) for p in rows["period"]]
    fig = go.Figure()
    fig.add_scatter(
        x=rows["day"], y=rows["value"], name=t("actual", lang), mode="lines+markers",
        line={"color": "#0072B2", "width": 3},
        customdata=list(zip(labels, [fmt_pct(v, lang) for v in rows["value"]])),
        hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
    )
    if "target" in rows and rows["target"].notna().any():
        fig.add_scatter(x=rows["day"], y=rows["target"], name=t("target", lang), mode="lines",
                        line={"color": "#222222", "dash": "dash", "shape": "hv", "width": 2})
    last = rows.iloc[-1]
    title = t("unit_trend_title", lang, indicator=indicator_name, value=fmt_pct(last["value"], lang),
              period=parse_code(last["period"]).label(lang))
    _finish(fig, title, lang, y_title=t("rate_axis", lang), percent=True, height=420)
    fig.update_xaxes(title_text=t("period_axis", lang), tickformat="%Y", dtick="M12")
    mark_reform(fig, lang)
    return fig


def levels_title(indicator_name: str, rows: pd.DataFrame, lang: str = "vi", period: str | None = None) -> str:
    """Gives '<indicator><br><sup>Cấp tỉnh đạt …; Cấp huyện đạt 72,4%, chưa đạt chỉ tiêu 80%</sup>'."""
    findings = [
        level_finding(r.level, _none(r.value), _none(r.target), lang)
        for r in _levels_sorted(rows).itertuples()
    ]
    suffix = f" ({parse_code(period).label(lang)})" if period else ""
    return f"{indicator_name}{suffix}<br><sup>{'; '.join(findings)}</sup>"


def mark_reform(fig: go.Figure, lang: str = "vi") -> None:
    """Draws the 1 July 2025 reform as a vertical line labelled on the time axis."""
    fig.add_shape(type="line", x0=REFORM_DATE, x1=REFORM_DATE, y0=0, y1=1, yref="paper",
                  line={"color": "#555555", "width": 2, "dash": "dot"})
    fig.add_annotation(x=REFORM_DATE, y=1, yref="paper", text=t("reform", lang), showarrow=False,
                       xanchor="right", yanchor="bottom", font={"size": 14, "color": "#555555"})


def _finish(fig: go.Figure, title: str, lang: str, y_title: str, percent: bool = False, height: int = 450) -> None:
    fig.update_layout(
        title={"text": title, "font": {"size": TITLE_FONT}, "x": 0.01, "xanchor": "left"},
        template="none",  # plotly_white costs ~40 ms a figure to copy; the few settings we need follow
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        font={"size": BASE_FONT, "family": "Be Vietnam Pro, Segoe UI, DejaVu Sans, Arial, sans-serif"},
        separators=",." if lang == "vi" else ".,",
        height=height,
        margin={"l": 80, "r": 30, "t": 110, "b": 150},
        legend={"orientation": "h", "yanchor": "bottom", "y": 0, "x": 0, "yref": "container", "font": {"size": BASE_FONT - 2}},
        hoverlabel={"font": {"size": BASE_FONT}},
    )
    fig.update_xaxes(**AXIS_STYLE)
    fig.update_yaxes(title_text=y_title, **AXIS_STYLE)
    if percent:
        fig.update_yaxes(tickformat=".0%", rangemode="tozero", range=[0, 1.1])


def vietnamese_order(names: pd.Series) -> pd.Series:
    """Sort key for pandas: names in Vietnamese alphabetical order (a < ă < â …, d < đ)."""
    return names.map(vn_sort_key)


def _add_status_legend(fig: go.Figure, lang: str, statuses: list[str]) -> None:
    for status in STATUS_ORDER:
        if status in statuses:
            fig.add_scatter(x=[None], y=[None], mode="markers", name=STATUS_NAMES[lang][status],
                            marker={"size": 14, "color": STATUS_COLOURS[status], "symbol": "square"})


@lru_cache(maxsize=65536)
def fmt_pct(fraction: float | None, lang: str = "vi", digits: int = 1) -> str:
    """etl.vnformat.fmt_pct, remembered: babel takes ~0.1 ms a call and hovers need thousands."""
    return _fmt_pct(fraction, lang, digits)


@lru_cache(maxsize=65536)
def fmt_int(value: float | int | None, lang: str = "vi") -> str:
    return _fmt_int(value, lang)


def _levels_sorted(rows: pd.DataFrame) -> pd.DataFrame:
    order = {level: i for i, level in enumerate(LEVELS)}
    return rows.assign(_o=rows["level"].map(order)).sort_values("_o").drop(columns="_o")


def _wrap(text: str, width: int = 22) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


def _none(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _nones(values: pd.Series) -> list[float | None]:
    return [_none(v) for v in values]
