"""Dịch vụ công trực tuyến: services by level per unit, the two eras side by side, dossier rates."""
from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboard import data, ids, service_figures
from dashboard.components import chart, filter_bar, note, page, safe_page, warehouse
from vocab.i18n import series_name, t
from vocab.levels import STATUS_COLOURS, STATUS_NAMES, level_name
from dashboard.chart_style import levels_sorted
from vocab.vnformat import fmt_int, fmt_pct, fmt_rate
from dashboard.tables import display
from vocab.periods import parse_code

# The services rates, newest era first. The lead states the first with a target in force, else
# the first with a value. Since the 2025 reform, Decision 2629's rate over the eligible procedures
# carries the target: the lead states it, as the overview does, not the rate over all services.
SERVICE_RATES = ("services_full_online_eligible_rate", "services_full_online_rate", "services_level4_rate",
                 "services_online_rate")

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
    by_unit = data.services_by_unit(wh, period.code, f.level, most=MAX_UNITS)
    by_unit = by_unit.assign(series=by_unit["metric_code"].map(lambda c: series_name(c, lang)))
    units_total = int(by_unit["units_total"].iloc[0]) if not by_unit.empty else 0
    capped = (note(t("units_capped_top", lang, shown=MAX_UNITS, total=units_total), "muted")
              if units_total > MAX_UNITS else None)
    totals = data.as_it_stood(data.services_totals(wh), period.code)
    totals = totals.assign(series=totals["metric_code"].map(lambda c: series_name(c, lang)))
    names = data.indicator_names(wh, lang)
    root = data.root(wh)
    rates = data.as_it_stood(data.area_trend(wh, root["unit_key"]), period.code) if root else totals.iloc[0:0]
    rates = rates[rates["indicator_code"].isin(data.DOSSIER_INDICATORS)] if not rates.empty else rates
    rates = rates.assign(indicator=rates["indicator_code"].map(names)) if not rates.empty else rates
    body = [
        lead(data.progress(wh, [period.code]), names, label, lang),
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


def lead(rows, names: dict[str, str], period_label: str, lang: str) -> html.Div:
    """Gives the services rate of the period against its target, per level: value, target,
    status and how many units the value covers (rows: the progress query of the period)."""
    rows = rows[rows["indicator_code"].isin(SERVICE_RATES) & rows["value"].notna()]
    if rows.empty:
        return html.Div(id="services-lead")
    with_target = set(rows.loc[rows["target"].notna(), "indicator_code"])
    present = set(rows["indicator_code"])
    code = next((c for c in SERVICE_RATES if c in with_target), None) or next(c for c in SERVICE_RATES if c in present)
    lines = []
    for r in levels_sorted(rows[rows["indicator_code"] == code]).itertuples():
        status = r.status if r.status in STATUS_COLOURS else "no_data"
        target = None if r.target is None or r.target != r.target else float(r.target)
        values = {"indicator": names.get(code, code), "level": level_name(r.level, lang),
                  "period": period_label, "value": fmt_rate(float(r.value), target, lang),
                  "reported": fmt_int(r.units_reporting, lang), "expected": fmt_int(r.units_expected, lang)}
        if target is None:
            text = t("services_lead_no_target", lang, **values)
        else:
            text = t("services_lead", lang, target=fmt_pct(target, lang, 0), doc=r.doc_number or "",
                     status=STATUS_NAMES[lang][status], **values)
        lines.append(html.Div(text, className="note services-lead-line",
                              style={"borderLeftColor": STATUS_COLOURS[status]}))
    return html.Div(lines, id="services-lead", className="services-lead")
