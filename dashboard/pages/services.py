"""Dịch vụ công trực tuyến: services by level per unit, the two eras side by side, dossier rates."""
from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboard import data, ids, service_figures
from dashboard.components import chart, filter_bar, note, page, safe_page, warehouse
from vocab.i18n import series_name, t
from dashboard.tables import display
from vocab.periods import parse_code

MAX_UNITS = 150
dash.register_page(__name__, path="/dich-vu-cong", name="Dịch vụ công trực tuyến",
                   title="Dịch vụ công trực tuyến", order=3)


@safe_page
def layout(**query: Any) -> html.Div:
    wh = warehouse()
    f = data.resolve_filters(wh, query)
    lang = f.lang
    bar = filter_bar(wh, f, ["period", "level"])
    if f.period is None:
        return page(t("nav_services", lang), note(t("no_data", lang)), filters=bar)
    period = parse_code(f.period)
    label = period.label(lang)
    by_unit = data.services_by_unit(wh, period.code, f.level)
    by_unit = by_unit.assign(series=by_unit["metric_code"].map(lambda c: series_name(c, lang)))
    capped = None
    if by_unit["unit_key"].nunique() > MAX_UNITS:
        totals_by_unit = by_unit.groupby("unit_key")["value"].sum().sort_values()
        capped = note(t("units_capped_top", lang, shown=MAX_UNITS, total=len(totals_by_unit)), "muted")
        by_unit = by_unit[by_unit["unit_key"].isin(totals_by_unit.index[-MAX_UNITS:])]
    totals = data.services_totals(wh)
    totals = totals.assign(series=totals["metric_code"].map(lambda c: series_name(c, lang)))
    names = data.indicator_names(wh, lang)
    root = data.root(wh)
    rates = data.area_trend(wh, root["unit_key"]) if root else totals.iloc[0:0]
    rates = rates[rates["indicator_code"].isin(data.DOSSIER_INDICATORS)] if not rates.empty else rates
    rates = rates.assign(indicator=rates["indicator_code"].map(names)) if not rates.empty else rates
    body = [
        capped or html.Div(),
        chart(ids.SERVICES_UNITS, service_figures.services_units_chart(by_unit, label, lang),
              display(by_unit, {"unit_name": ("col_unit", "text"), "series": ("col_series", "text"),
                                "value": ("col_count", "int")}, lang), lang,
              t("no_data_period", lang, period=label)),
        chart(ids.SERVICES_ERAS, service_figures.services_eras_chart(totals, lang),
              display(totals, {"period": ("col_period", "period"), "series": ("col_series", "text"),
                               "value": ("col_count", "int"), "units_reporting": ("col_units", "int")}, lang), lang),
        chart(ids.SERVICES_RATES, service_figures.dossier_rates_chart(rates, names, lang) if not rates.empty else None,
              display(rates, {"period": ("col_period", "period"), "indicator": ("col_indicator", "text"),
                              "value": ("col_rate", "pct"), "numerator": ("col_numerator", "int"),
                              "denominator": ("col_denominator", "int")}, lang), lang),
    ]
    return page(t("services_title", lang, period=label), *body, filters=bar)
