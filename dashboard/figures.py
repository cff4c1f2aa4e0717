"""Pure figure builders for targets and units: a frame shaped like a public view in, a plotly
figure out. Every title states the finding; axes carry their units; a builder given no rows
returns `empty_figure`, which says so instead of drawing axes. Services and reporting charts
live in service_figures.py and reporting_figures.py; the shared look in chart_style.py."""
from __future__ import annotations

import math

import pandas as pd

from dashboard.plain_figure import Figure
from dashboard.chart_style import (
    title_at_top,
    dated, records, missing, Rows,
    BASE_FONT, HEATMAP_ORDER, LEVEL_COLOURS, LEVELS, NO_TARGET_COLOUR, STATUS_ORDER, TITLE_FONT, add_status_legend,
    empty_figure, finish, fmt_int, fmt_pct, fmt_rate, levels_sorted, mark_reform, none_if_nan, nones_if_nan, quarter_ticks,
    vn_sort_key, wrap,
)
from vocab.findings import level_finding
from vocab.levels import STATUS_COLOURS, STATUS_NAMES, level_name
from vocab.i18n import t
from vocab.periods import parse_code
from vocab.vnformat import fmt_date

FEW_QUARTERS = 6  # a trend of fewer quarters names each one on its axis, not only the years
HEADER_LINES = 3  # a heatmap column's name: a fourth line runs into the next column's


def level_chart(rows: Rows, indicator_name: str, lang: str = "vi", period_label: str | None = None) -> Figure:
    """Gives actual against target and trajectory per level (the 90/70/30 chart) for one
    indicator and period; rows: level_progress (level, value, target, expected, status)."""
    rows = levels_sorted([r for r in records(rows) if not (missing(r.get("value")) and missing(r.get("target")))])
    if not rows:
        return empty_figure(t("no_data", lang))
    names = [level_label(row, lang) for row in rows]
    statuses = [r.get("status") if r.get("status") in STATUS_COLOURS else "no_data" for r in rows]
    values = [none_if_nan(r.get("value")) for r in rows]
    targets = [none_if_nan(r.get("target")) for r in rows]
    fig = Figure()
    fig.add_bar(
        x=names,
        y=values,
        name=t("actual", lang),
        marker_color=[STATUS_COLOURS[s] for s in statuses],
        text=[fmt_rate(v, g, lang) for v, g in zip(values, targets)],
        textposition="inside",
        insidetextanchor="middle",
        textfont={"size": TITLE_FONT, "color": "#ffffff"},
        hovertemplate="%{x}: %{text}<extra></extra>",
    )
    # An expired target (its deadline passed, no later plan) is said in the title, not drawn as
    # a mark still to reach; neither is its lộ trình.
    in_force = [None if s == "expired" else g for s, g in zip(statuses, targets)]
    fig.add_scatter(
        x=names,
        y=in_force,
        name=t("target", lang),
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 60, "color": "#222222", "line": {"width": 4, "color": "#222222"}},
        customdata=[fmt_pct(v, lang, 0) for v in in_force],
        hovertemplate="%{x}: " + t("target", lang) + " %{customdata}<extra></extra>",
    )
    expected = [None if s == "expired" else none_if_nan(r.get("expected")) for s, r in zip(statuses, rows)]
    if any(v is not None for v in expected):
        fig.add_scatter(
            x=names,
            y=expected,
            name=t("expected", lang),
            mode="markers",
            marker={"symbol": "diamond", "size": 16, "color": "#444444"},
            customdata=[fmt_pct(v, lang) for v in expected],
            hovertemplate="%{x}: " + t("expected", lang) + " %{customdata}<extra></extra>",
        )
    # Each finding wrapped to the half-width card of a 1280-pixel projector, never cut off.
    findings = "<br>".join(_break_finding(row_finding(r, lang)) for r in rows)
    lines = findings.count("<br>") + 1
    dated_px = 0
    if period_label:  # the period the findings are of, under them
        findings, dated_px = f"{findings}<br><sup>{period_label}</sup>", 24
    finish(fig, findings, lang, y_title=t("rate_axis", lang), percent=True,
            height=470 + 30 * max(0, lines - 2) + dated_px)
    fig.update_layout(margin={"t": 50 + 31 * lines + dated_px}, meta={"indicator": indicator_name})
    title_at_top(fig)
    fig.update_xaxes(title_text=t("level", lang))
    return fig

def trend_chart(rows: Rows, indicator_name: str, lang: str = "vi", period: str | None = None,
                current: Rows | None = None) -> Figure:
    """Gives the value per level over every quarter, one colour per level: the target in force
    as thin dashed steps and the plan's trajectory (lộ trình) dotted in the level's colour,
    both explained by one legend entry, and the 1 July 2025 reform marked. The title states
    the chosen period's findings (`current`: its level_progress rows, which for a half-year or
    year are not among the quarters), else the latest quarter's;
    rows: level_progress (period, level, value, target, expected)."""
    rows = dated(records(rows))
    if not rows:
        return empty_figure(t("no_data", lang))
    fig = Figure()
    for level in LEVELS:
        part = [r for r in rows if r["level"] == level]
        if not part:
            continue
        name = level_name(level, lang, capitalise=True)
        days = [r["day"] for r in part]
        values = [none_if_nan(r["value"]) for r in part]
        labels = [parse_code(r["period"]).label(lang) for r in part]
        fig.add_scatter(
            x=days,
            y=values,
            name=name,
            mode="lines+markers",
            line={"color": LEVEL_COLOURS[level], "width": 3},
            customdata=list(zip(labels, [fmt_pct(v, lang) for v in values])),
            hovertemplate=name + " %{customdata[0]}: %{customdata[1]}<extra></extra>",
        )
        # an expired target (past its deadline, no later plan) is not drawn as if in force
        targets = [None if r.get("status") == "expired" else none_if_nan(r.get("target")) for r in part]
        if any(v is not None for v in targets):
            lone = sum(v is not None for v in targets) == 1  # one quarter: a line needs two points
            fig.add_scatter(
                x=days,
                y=targets,
                name=f"{t('target', lang)} {level_name(level, lang)}",
                mode="markers" if lone else "lines",
                line={"color": LEVEL_COLOURS[level], "width": 1.5, "dash": "dash", "shape": "hv"},
                marker={"symbol": "line-ew-open", "size": 30, "line": {"width": 2, "color": LEVEL_COLOURS[level]}},
                hoverinfo="skip", showlegend=False, legendgroup=level,
            )
        on_path = [r for r in part if not missing(r.get("expected")) and r.get("status") != "expired"]
        if on_path:  # the plan's lộ trình to its deadline
            days, expected = _trajectory_segments(on_path)
            fig.add_scatter(
                x=days, y=expected, name=f"{t('expected', lang)} {level_name(level, lang)}",
                mode="lines", line={"color": LEVEL_COLOURS[level], "width": 2, "dash": "dot"}, connectgaps=False,
                showlegend=False, legendgroup=level,
                customdata=[fmt_pct(v, lang) for v in expected],
                hovertemplate=f"{t('expected', lang)} {level_name(level, lang)}: %{{customdata}}<extra></extra>",
            )
    if any(tr.showlegend is False for tr in fig.data):  # the levels' thin lines, explained once
        fig.add_scatter(x=[None], y=[None], mode="lines", name=t("target_and_trajectory", lang),
                        line={"color": "#666666", "width": 1.5, "dash": "dash"})
    in_current = [r for r in records(current) if r["period"] == period] if period else []
    in_rows = [r for r in rows if r["period"] == period] if period else []
    if in_current:
        chosen, code = in_current, period
    elif in_rows:
        chosen, code = in_rows, period
    else:
        code = rows[-1]["period"]
        chosen = [r for r in rows if r["period"] == code]
    title = levels_title(indicator_name, chosen, lang, period=code)
    lines = title.count("<br>") + 1
    finish(fig, title, lang, y_title=t("rate_axis", lang), percent=True, height=460 + 26 * lines)
    fig.update_layout(margin={"t": 70 + 26 * lines})
    title_at_top(fig)
    time_axis(fig, [r["period"] for r in rows], lang)
    return fig

def time_axis(fig: Figure, periods: list[str], lang: str) -> None:
    """A trend's time axis: a tick per year, or per quarter where the trend has only a few (one
    quarter alone had no tick at all); the reform marked only where the trend crosses it (its
    line would stretch an earlier trend's axis to 2025)."""
    quarters = sorted(set(periods))
    if len(quarters) < FEW_QUARTERS:
        quarter_ticks(fig, quarters, lang)
        fig.update_xaxes(title_text=t("period_axis", lang))
    else:
        fig.update_xaxes(title_text=t("period_axis", lang), tickformat="%Y", dtick="M12")
    mark_reform(fig, lang, days=[parse_code(p).start for p in quarters])


def _trajectory_segments(path: list[dict]) -> tuple[list, list]:
    """Gives the trajectory's days and values with a gap (None) wherever the target in force
    changes (a new plan or deadline starts its own lộ trình), so one trajectory does not run
    into the next. Plain lists: a page draws a dozen of these."""
    days, values = [r["day"] for r in path], [none_if_nan(r["expected"]) for r in path]
    if "deadline" not in path[0]:
        return days, values
    gapped_days: list = []
    gapped_values: list = []
    last = None
    for day, value, row in zip(days, values, path):
        deadline = row["deadline"]
        if gapped_days and (deadline != last or missing(deadline)):
            gapped_days.append(gapped_days[-1])
            gapped_values.append(None)
        gapped_days.append(day)
        gapped_values.append(value)
        last = deadline
    return gapped_days, gapped_values


def ranking_chart(
    rows: pd.DataFrame, level: str, indicator_name: str, lang: str = "vi", counted: pd.DataFrame | None = None
) -> Figure:
    """Gives units ranked on one indicator with the target line, bars coloured by status;
    rows: target_progress (unit_key, unit_name, value, target, status). Clicks carry unit_key.
    The title counts `counted` (every unit of the level) when the bars show only some of them."""
    counted = (rows if counted is None else counted)
    counted = counted[counted["value"].notna()]
    rows = rows[rows["value"].notna()].sort_values(["value", "unit_key"])  # namesakes: one order every time
    if rows.empty:
        return empty_figure(t("no_data", lang))
    statuses = [s if s in STATUS_COLOURS else "no_data" for s in rows["status"]]
    fig = Figure()
    fig.add_bar(
        x=rows["value"],
        y=rows["unit_name"],
        orientation="h",
        marker_color=[STATUS_COLOURS[s] for s in statuses],
        customdata=list(zip(rows["unit_key"], [fmt_pct(v, lang) for v in rows["value"]])),
        text=[fmt_rate(v, g, lang) for v, g in zip(nones_if_nan(rows["value"]), nones_if_nan(rows["target"]))],
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
        met = int((counted["status"] == "met").sum())
        finding = t("ranking_title", lang, met=met, total=len(counted), level=who, target=fmt_pct(target, lang, 0))
        if (rows["status"] == "expired").all():
            deadline = pd.Timestamp(rows["deadline"].iloc[0]).date() if "deadline" in rows else None
            finding = t("ranking_title_expired", lang, total=fmt_int(len(counted), lang), level=who,
                        target=fmt_pct(target, lang, 0), deadline=fmt_date(deadline, lang) if deadline else "–")
    else:
        best, worst = rows.iloc[-1], rows.iloc[0]
        finding = t(
            "ranking_title_no_target", lang, level=level_name(level, lang, capitalise=True),
            best=best["unit_name"], best_value=fmt_pct(best["value"], lang),
            worst=worst["unit_name"], worst_value=fmt_pct(worst["value"], lang),
        )
    add_status_legend(fig, lang, statuses)
    height = max(360, 26 * len(rows) + 160)
    finish(fig, f"{indicator_name}<br><sup>{finding}</sup>", lang, y_title=t("unit_axis", lang), height=height)
    fig.update_xaxes(title_text=t("rate_axis", lang), tickformat=".0%", range=[0, 1.12])
    fig.update_yaxes(tickfont={"size": 14 if len(rows) > 40 else BASE_FONT - 2}, dtick=1)
    return fig

def heatmap_chart(rows: Rows, indicator_names: dict[str, str], lang: str = "vi", period_label: str | None = None) -> Figure:
    """Gives units × indicators coloured by status, the value written in each cell;
    rows: target_progress (unit_key, unit_name, indicator_code, value, status)."""
    rows = records(rows)
    if not rows:
        return empty_figure(t("no_data", lang))
    present = {r["indicator_code"] for r in rows}
    codes = [c for c in indicator_names if c in present]
    names: dict[str, str] = {}
    cells: dict[tuple[str, str], dict] = {}
    for r in rows:
        names.setdefault(r["unit_key"], r["unit_name"])
        cells.setdefault((r["unit_key"], r["indicator_code"]), r)
    # Vietnamese order read top-down (plotly draws the first row at the bottom); namesakes by key.
    keys = sorted(names, key=lambda key: (vn_sort_key(names[key]), key), reverse=True)
    order = {**HEATMAP_ORDER, "expired": 5}  # an expired target is its own grey, never a traffic light
    z, text = [], []
    for key in keys:
        z_row, text_row = [], []
        for code in codes:
            cell = cells.get((key, code), {})
            value, target, status = none_if_nan(cell.get("value")), none_if_nan(cell.get("target")), cell.get("status")
            # A value held against no target is not "no data": it gets a paler grey of its own.
            z_row.append(1 if value is not None and status == "no_data"
                         else order.get(status, 0) if isinstance(status, str) else 0)
            text_row.append(fmt_rate(value, target, lang, 0) if value is not None else "–")
        z.append(z_row)
        text.append(text_row)
    colours = [STATUS_COLOURS["no_data"], NO_TARGET_COLOUR, STATUS_COLOURS["behind"], STATUS_COLOURS["near"],
               STATUS_COLOURS["met"], STATUS_COLOURS["expired"]]
    scale = [[edge, colour] for band, colour in enumerate(colours) for edge in (band / 6, (band + 1) / 6)]
    # at most three lines above a column: a fourth runs into the next column's name
    labels = [wrap(indicator_names[c], most_lines=HEADER_LINES) for c in codes]
    if len(set(labels)) < len(labels):  # two names alike in their first lines: whole, not merged
        labels = [wrap(indicator_names[c]) for c in codes]
    fig = Figure()
    fig.add_heatmap(
        z=z, x=labels, y=[names[key] for key in keys], zmin=-0.5, zmax=5.5, colorscale=scale,
        showscale=False, text=text, texttemplate="%{text}", textfont={"size": 13},
        customdata=[[key] * len(codes) for key in keys],
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>", xgap=2, ygap=2,
    )
    with_target = ([r for r in rows if not missing(r["target"]) and r["status"] != "expired"]
                   if "target" in rows[0] else rows)
    behind = sum(1 for r in with_target if r["status"] == "behind")
    expired = any(r["status"] == "expired" for r in rows)
    add_status_legend(fig, lang, [s for s in STATUS_ORDER if s != "expired" or expired])
    fig.add_scatter(x=[None], y=[None], mode="markers", name=t("no_target", lang),
                    marker={"size": 14, "color": NO_TARGET_COLOUR, "symbol": "square"})
    title = t("heatmap_title", lang, behind=fmt_int(behind, lang), total=fmt_int(len(with_target), lang))
    if period_label:
        title += f", {period_label}"
    finish(fig, title, lang, y_title=t("unit_axis", lang), height=max(420, 24 * len(keys) + 260))
    fig.update_xaxes(title_text=t("indicator_axis", lang), side="top", tickfont={"size": 12})
    # The indicator names stand above the cells: keep the title at the very top, clear of them.
    fig.update_layout(margin={"t": 250}, title={"yref": "container", "y": 0.995, "yanchor": "top"})
    fig.update_layout(height=fig.layout.height + 60)
    return fig

def map_chart(rows: pd.DataFrame, level: str, indicator_name: str, lang: str = "vi") -> Figure:
    """Gives the units of a level as points at their centres, coloured by status (no boundaries
    can be shipped offline); rows: target_progress with lat, lon. Clicks carry unit_key."""
    rows = rows[rows["lat"].notna() & rows["lon"].notna()]
    if rows.empty:
        return empty_figure(t("no_data", lang))
    fig = Figure()
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
    finish(fig, title, lang, y_title=t("latitude", lang), height=720)
    # One degree of latitude is longer on screen than one of longitude by 1 / cos(latitude).
    ratio = 1 / math.cos(math.radians(float(rows["lat"].mean())))
    fig.update_yaxes(scaleanchor="x", scaleratio=ratio, showgrid=False)
    fig.update_xaxes(title_text=t("longitude", lang), showgrid=False)
    return fig

def unit_trend_chart(rows: pd.DataFrame, indicator_name: str, lang: str = "vi", period: str | None = None) -> Figure:
    """Gives one unit's indicator per quarter with its target in force, the title stating the
    chosen period's value (else the latest); rows: (period, value, target) for the unit."""
    rows = dated(rows)
    if rows.empty:
        return empty_figure(t("no_data", lang))
    labels = [parse_code(p).label(lang) for p in rows["period"]]
    fig = Figure()
    fig.add_scatter(
        x=rows["day"], y=rows["value"], name=t("actual", lang), mode="lines+markers",
        line={"color": "#0072B2", "width": 3},
        customdata=list(zip(labels, [fmt_pct(v, lang) for v in rows["value"]])),
        hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
    )
    targets = rows["target"].where(rows["status"] != "expired") if "status" in rows else rows.get("target")
    if targets is not None and targets.notna().any():  # an expired target is not drawn as if in force
        fig.add_scatter(x=rows["day"], y=targets, name=t("target", lang), mode="lines",
                        line={"color": "#222222", "dash": "dash", "shape": "hv", "width": 2})
    chosen = rows[rows["period"] == period]
    last = chosen.iloc[-1] if not chosen.empty else rows.iloc[-1]
    title = t("unit_trend_title", lang, indicator=indicator_name, value=fmt_pct(last["value"], lang),
              period=parse_code(last["period"]).label(lang))
    finish(fig, title, lang, y_title=t("rate_axis", lang), percent=True, height=420)
    time_axis(fig, list(rows["period"]), lang)
    return fig

def levels_title(indicator_name: str, rows: Rows, lang: str = "vi", period: str | None = None) -> str:
    """Gives '<indicator><br><sup>Cấp tỉnh đạt …; Cấp huyện đạt 72,4%, chưa đạt chỉ tiêu 80%</sup>'."""
    findings = [row_finding(r, lang) for r in levels_sorted(records(rows))]
    suffix = f" ({parse_code(period).label(lang)})" if period else ""
    # Wrapped for a 1280-pixel projector: the period in the title is never cut off.
    heading = wrap(indicator_name, 48)
    if suffix:  # the period stays whole, on the last line or one of its own
        heading += ("<br>" + suffix.strip()) if len(heading.split("<br>")[-1] + suffix) > 48 else suffix
    notes = "<br>".join(f"<sup>{line}</sup>" for line in wrap("; ".join(findings), 80).split("<br>"))
    return f"{heading}<br>{notes}"


def row_finding(row: dict, lang: str = "vi") -> str:
    """A level's finding; for an expired target, its value and the deadline that passed, never
    'đạt chỉ tiêu' (the target no longer binds the period)."""
    value, target = none_if_nan(row.get("value")), none_if_nan(row.get("target"))
    deadline = row.get("deadline")
    expired_on = (pd.Timestamp(deadline).date() if row.get("status") == "expired" and pd.notna(deadline)
                  else None)
    return level_finding(row["level"], value, target, lang, expired_on)


def _break_finding(text: str, width: int = 36) -> str:
    """Breaks a level's finding for a half-width chart: at its clause ('…87,7%,' / 'chưa đạt …')
    when too long, then at words."""
    if len(text) <= width:
        return text
    for mark in (", ", "; "):
        if mark in text:
            head, tail = text.split(mark, 1)
            return wrap(head + mark.strip(), width) + "<br>" + wrap(tail, width)
    return wrap(text, width)


def level_label(row: dict, lang: str = "vi") -> str:
    """A level's axis label with its coverage: 'Cấp xã<br>128/149 đơn vị' and, below the
    coverage threshold, 'số liệu chưa đầy đủ'."""
    name = level_name(row["level"], lang, capitalise=True)
    reported, expected = row.get("units_reporting"), row.get("units_expected")
    if reported is None or expected is None or pd.isna(reported) or pd.isna(expected) or not expected:
        return name
    label = f"{name}<br>{coverage_text(reported, expected, lang)}"
    return label + f"<br>({t('partial_data', lang)})" if is_partial(row.get("partial")) else label


def is_partial(flag: object) -> bool:
    """Reads level_progress.partial (a boolean that may be NULL, as numpy or pandas gives it)."""
    return flag is not None and not pd.isna(flag) and bool(flag)


def coverage_text(reported: float, expected: float, lang: str = "vi") -> str:
    """'128/149 đơn vị'."""
    return t("coverage", lang, reported=fmt_int(int(reported), lang), expected=fmt_int(int(expected), lang))
