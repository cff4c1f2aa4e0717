"""Danh mục: the metrics, the indicators, the plans and their source documents."""
from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import html

from dashboard import data, ids
from dashboard.components import data_table, page, safe_page, warehouse
from dashboard.data import resolve_filters
from vocab.i18n import t
from vocab.vnformat import fmt_date
from dashboard.tables import display

dash.register_page(__name__, path="/danh-muc", name="Danh mục", title="Danh mục", order=5)


@safe_page
def layout(**query: Any) -> html.Div:
    wh = warehouse()
    lang = resolve_filters(wh, query).lang
    en = lang == "en"
    metrics = data.catalog_metrics(wh)
    metrics = metrics.assign(
        name=metrics["name_en" if en else "name_vi"], unit=metrics["unit_en" if en else "unit_vi"],
        kind_text=metrics["kind"].map(lambda k: t(f"kind_{k}", lang)),
        valid=[validity(since, until, lang) for since, until in zip(metrics["valid_since"], metrics["valid_until"])])
    indicators = data.indicators(wh)
    indicators = indicators.assign(name=indicators["name_en" if en else "name_vi"],
                                   group=indicators["group_en" if en else "group_vi"],
                                   formula=[formula(n, d) for n, d in zip(indicators["numerator"], indicators["denominator"])])
    targets = data.plan_targets(wh)
    names = data.indicator_names(wh, lang)
    targets = targets.assign(title=targets["title_en" if en else "title_vi"],
                             indicator=targets["indicator_code"].map(names))
    return page(
        t("catalog_title", lang),
        html.H2(t("plans", lang), className="section-title"),
        data_table(ids.CATALOG_PLANS, display(targets, {
            "doc_number": ("col_doc", "text"), "title": ("col_name", "text"), "issuer": ("col_issuer", "text"),
            "indicator": ("col_indicator", "text"), "level": ("col_level", "level"), "target": ("col_target", "pct"),
            "deadline": ("col_deadline", "date"), "source": ("col_source", "text")}, lang), lang),
        html.H2(t("indicators", lang), className="section-title"),
        data_table(ids.CATALOG_INDICATORS, display(indicators, {
            "indicator_code": ("col_code", "text"), "name": ("col_name", "text"), "formula": ("col_formula", "text"),
            "group": ("col_group", "text")}, lang), lang),
        html.H2(t("metrics", lang), className="section-title"),
        data_table(ids.CATALOG_METRICS, display(metrics, {
            "metric_code": ("col_code", "text"), "name": ("col_name", "text"), "unit": ("col_unit_of_measure", "text"),
            "kind_text": ("col_kind", "text"), "valid": ("col_valid", "text"), "group_vi": ("col_group", "text")},
            lang), lang),
    )


def formula(numerator: str, denominator: str) -> str:
    """'(services_level3 + services_level4) / services_total': a sum is bracketed, so the
    formula does not read as if only its last term were divided."""
    def term(side: str) -> str:
        return f"({side})" if any(op in side for op in ("+", " - ")) else side
    return f"{term(numerator)} / {term(denominator)}"


def validity(since, until, lang: str) -> str:
    """'từ 15/08/2022', 'đến 14/08/2022', both, or '' for a metric valid as long as the catalog."""
    since = None if since is None or pd.isna(since) else fmt_date(since, lang)
    until = None if until is None or pd.isna(until) else fmt_date(until, lang)
    if since and until:
        return f"{since} – {until}"
    if since:
        return t("valid_since", lang, day=since)
    return t("valid_until", lang, day=until) if until else ""
