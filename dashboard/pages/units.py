"""So sánh đơn vị: units of a level ranked on one indicator, a status heatmap, and a map of points."""
from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboard import data, figures, ids
from dashboard.chart_style import vietnamese_order
from dashboard.components import chart, filter_bar, note, page, safe_page, warehouse
from vocab.levels import level_name
from vocab.i18n import t
from dashboard.tables import display
from vocab.periods import parse_code
from vocab.vnformat import fmt_int

dash.register_page(__name__, path="/don-vi", name="So sánh đơn vị", title="So sánh đơn vị", order=2)

MAX_UNITS = 150
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
    f = data.resolve_filters(wh, query)
    lang = f.lang
    bar = filter_bar(wh, f, ["period", "level", "unit", "indicator"])
    if f.period is None:
        return page(t("nav_units", lang), note(t("no_data", lang)), filters=bar)
    label = parse_code(f.period).label(lang)
    names = data.indicator_names(wh, lang)
    parent = f.unit if f.level == "commune" else None
    rows = data.unit_progress(wh, f.period, f.level, parent)
    if rows.empty:
        message = t("no_data_period", lang, period=f"{level_name(f.level, lang, capitalise=True)}, {label}")
        return page(t("units_title", lang, period=label), note(message), filters=bar)
    one = rows[rows["indicator_code"] == f.indicator]
    every_unit = one  # the map shows them all; the bar charts at most MAX_UNITS
    shown, notes = one, []
    if one["unit_key"].nunique() > MAX_UNITS:
        # A chart of thousands of units says nothing and weighs megabytes: show the laggards.
        shown = one.sort_values("value", na_position="first").head(MAX_UNITS)
        notes.append(note(t("units_capped", lang, shown=MAX_UNITS, total=one["unit_key"].nunique()), "muted"))
    rows = rows[rows["unit_key"].isin(shown["unit_key"])]
    heat = rows.assign(indicator=rows["indicator_code"].map(names))
    one = shown
    name = names.get(f.indicator, f.indicator)
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
        *notes,
        chart(ids.UNITS_RANKING, figures.ranking_chart(one, f.level, name, lang) if one["value"].notna().any() else None,
              display(one.sort_values("value", ascending=False), RANK_COLUMNS, lang), lang,
              t("no_data_period", lang, period=f"{name}, {label}"), hint=t("click_hint", lang)),
        chart(ids.UNITS_HEATMAP, figures.heatmap_chart(heat, names, lang),
              display(heat.sort_values(["unit_name", "indicator"], key=vietnamese_order), HEAT_COLUMNS, lang), lang,
              hint=t("click_hint", lang)),
        *map_notes,
        chart(ids.UNITS_MAP, figures.map_chart(placed, f.level, name, lang),
              display(placed.sort_values("unit_name", key=vietnamese_order), MAP_COLUMNS, lang), lang,
              t("no_data_period", lang, period=f"{name}, {label}"), hint=t("click_hint", lang)),
        note(t("map_note", lang), "muted"),
    ]
    return page(t("units_title", lang, period=label), *body, filters=bar)
