"""So sánh đơn vị: units of a level ranked on one indicator, a status heatmap, and a map of points."""
from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import html

from dashboard import data, figures, ids
from dashboard.chart_style import vietnamese_order
from dashboard.components import chart, filter_bar, note, page, partial_notes, plan_label, safe_page, scope_line, warehouse
from dashboard.filter_checks import checked_filters
from vocab.vnformat import fmt_date, fmt_pct
from vocab.levels import level_name
from vocab.i18n import t
from dashboard.tables import display
from vocab.periods import parse_code
from vocab.vnformat import fmt_int

dash.register_page(__name__, path="/don-vi", name="So sánh đơn vị", title="So sánh đơn vị", order=2)

MAX_UNITS = 150
UNITS_COUNT = "units-count"  # the page's one count: met over every unit of the level
MAX_MAP_POINTS = 1500  # a whole country's communes would weigh ~750 kB: show the laggards
RANK_COLUMNS = {
    "unit_name": ("col_unit", "text"), "parent_name": ("col_parent", "text"), "value": ("col_value", "pct"),
    "target": ("col_target", "pct"), "status": ("col_status", "status"), "unit_key": ("col_code", "text"),
}
MAP_COLUMNS = {
    "unit_name": ("col_unit", "text"), "value": ("col_value", "pct"), "status": ("col_status", "status"),
    "lat": ("latitude", "coord"), "lon": ("longitude", "coord"),
}
HEAT_COLUMNS = {
    "unit_name": ("col_unit", "text"), "indicator": ("col_indicator", "text"), "value": ("col_value", "pct"),
    "target": ("col_target", "pct"), "status": ("col_status", "status"),
}


@safe_page
def layout(**query: Any) -> html.Div:
    wh = warehouse()
    f, notices = checked_filters(wh, query)
    lang = f.lang
    bar = filter_bar(wh, f, ["period", "level", "unit", "indicator"], notices, path="/don-vi")
    if f.period is None:
        return page(t("nav_units", lang), note(t("no_data", lang)), filters=bar)
    label = parse_code(f.period).label(lang)
    names = data.indicator_names(wh, lang)
    parent = f.unit if f.level == "commune" else None
    # Every unit on the chosen indicator (count, ranking, map) and every indicator for the units
    # shown (heatmap), in one read: a whole level's indicators at once is ~100,000 rows nationally.
    read = data.unit_progress(wh, f.period, f.level, parent, laggards_of=f.indicator, laggards=MAX_UNITS)
    one = read[read["indicator_code"] == f.indicator].reset_index(drop=True)
    if one.empty and not data.level_has_values(wh, f.period, f.level, parent):
        message = t("no_data_period", lang, period=f"{level_name(f.level, lang, capitalise=True)}, {label}")
        return page(t("units_title", lang, period=label), note(message), filters=bar)
    every_unit = one  # the map shows them all; the bar charts at most MAX_UNITS
    level_rows = data.progress(wh, [f.period], f.plan)
    level_rows = level_rows[(level_rows["level"] == f.level) & (level_rows["indicator_code"] == f.indicator)]
    name = names.get(f.indicator, f.indicator)
    head = [html.Div(units_count(one, f.level, name, label, lang), id=UNITS_COUNT, className="summary"),
            scope_line(level_rows, label, plan_label(wh, f.plan, lang), lang) if not parent else html.Div(),
            *partial_notes(level_rows, label, lang)]
    shown, notes = one, []
    if one["unit_key"].nunique() > MAX_UNITS:
        # A chart of thousands of units says nothing and weighs megabytes: show the laggards.
        shown = one.sort_values(["value", "unit_key"], na_position="first").head(MAX_UNITS)
        notes.append(note(t("units_capped", lang, shown=fmt_int(MAX_UNITS, lang),
                            total=fmt_int(one["unit_key"].nunique(), lang)), "muted"))
    rows = read[read["unit_key"].isin(shown["unit_key"])].reset_index(drop=True) if not shown.empty else shown
    heat = rows.assign(indicator=rows["indicator_code"].map(names))
    one = shown
    # Every unit of the level is on the map; those that did not report show as "no data".
    placed = data.unit_points(wh, f.period, f.level).merge(every_unit, on="unit_key", how="left")
    if parent:
        placed = placed[placed["unit_key"].isin(every_unit["unit_key"])]
    placed = placed.assign(unit_name=placed["unit_name"].fillna(placed["point_name"]),
                           status=placed["status"].fillna("no_data"))
    map_notes = []
    if len(placed) > MAX_MAP_POINTS:
        map_notes.append(note(t("units_capped", lang, shown=fmt_int(MAX_MAP_POINTS, lang),
                                total=fmt_int(len(placed), lang)), "muted"))
        placed = placed.sort_values("value", na_position="first").head(MAX_MAP_POINTS)
    body = [
        *head,
        *notes,
        chart(ids.UNITS_RANKING, figures.ranking_chart(one, f.level, f"{name}, {label}", lang, counted=every_unit)
              if one["value"].notna().any() else None,
              display(one.sort_values(["value", "unit_key"], ascending=[False, True]), RANK_COLUMNS, lang), lang,
              t("no_data_period", lang, period=f"{name}, {label}"), hint=t("click_hint", lang)),
        chart(ids.UNITS_HEATMAP, figures.heatmap_chart(heat, names, lang, label),
              display(by_name(heat), HEAT_COLUMNS, lang), lang,
              hint=t("click_hint", lang)),
        *map_notes,
        chart(ids.UNITS_MAP, figures.map_chart(placed, f.level, f"{name}, {label}", lang),
              display(placed.sort_values("unit_name", key=vietnamese_order), MAP_COLUMNS, lang), lang,
              t("no_data_period", lang, period=f"{name}, {label}"), hint=t("click_hint", lang)),
        note(t("map_note", lang), "muted"),
    ]
    return page(t("units_title", lang, period=label), *body, filters=bar)


def by_name(heat: "pd.DataFrame") -> "pd.DataFrame":
    """The heatmap's rows in Vietnamese order of unit and indicator; namesakes (a Ban Quản lý
    Khu kinh tế in every province) by unit key, as the heatmap orders them, not by read order."""
    return heat.sort_values("unit_key", kind="stable").sort_values(["unit_name", "indicator"], key=vietnamese_order)


def units_count(rows: "pd.DataFrame", level: str, indicator: str, label: str, lang: str) -> str:
    """The page's one count: units of the level meeting the target over ALL its units with a
    value in the period (not only the worst shown); an expired target counts none as met."""
    with_value = rows[rows["value"].notna()]
    who = level_name(level, lang)
    targets = with_value["target"].dropna()
    if targets.empty:
        return t("units_count_no_target", lang, total=fmt_int(len(with_value), lang), level=who,
                 indicator=indicator, period=label)
    target = fmt_pct(float(targets.iloc[0]), lang, 0)
    if (with_value["status"] == "expired").all():
        deadline = with_value["deadline"].dropna()
        return t("units_count_expired", lang, total=fmt_int(len(with_value), lang), level=who, indicator=indicator,
                 period=label, target=target,
                 deadline=fmt_date(pd.Timestamp(deadline.iloc[0]).date(), lang) if not deadline.empty else "–")
    met = int((with_value["status"] == "met").sum())
    return t("units_count", lang, met=fmt_int(met, lang), total=fmt_int(len(with_value), lang), level=who,
             target=target, indicator=indicator, period=label)
