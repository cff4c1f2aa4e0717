"""Tình hình báo cáo: expected, reported and on-time units; who is missing; issues of recent loads."""
from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboard import data, ids, reporting_figures
from dashboard.components import chart, data_table, filter_bar, note, page, safe_page, warehouse
from vocab.i18n import t
from dashboard.tables import display
from vocab.periods import parse_code

dash.register_page(__name__, path="/bao-cao", name="Tình hình báo cáo", title="Tình hình báo cáo", order=4)

COMPLETENESS_COLUMNS = {
    "period": ("col_period", "period"), "level": ("col_level", "level"),
    "units_expected": ("units_expected", "int"), "units_reported": ("units_reported", "int"),
    "units_on_time": ("units_on_time", "int"), "rate": ("col_rate", "pct"), "on_time_rate": ("col_on_time_rate", "pct"),
    "due_date": ("col_due", "date"),
}
MISSING_COLUMNS = {
    "unit_name": ("col_unit", "text"), "unit_code": ("col_code", "text"), "level": ("col_level", "level"),
    "parent_name": ("col_parent", "text"), "period": ("col_period", "period"), "due_date": ("col_due", "date"),
}


@safe_page
def layout(**query: Any) -> html.Div:
    wh = warehouse()
    f = data.resolve_filters(wh, query)
    lang = f.lang
    bar = filter_bar(wh, f, ["period", "level"])
    if f.period is None:
        return page(t("nav_reporting", lang), note(t("no_data", lang)), filters=bar)
    period = parse_code(f.period)
    summed = data.completeness(wh)
    every = summed[summed["period"].notna() & (summed["level"] != "total")]
    quarters = [q.code for q in period.quarters()]
    in_period = every[every["period"].isin(quarters)]
    quarter = in_period["period"].max() if not in_period.empty else period.quarters()[-1].code
    now = summed[summed["period"] == quarter]
    quarter_label = parse_code(quarter).label(lang)
    missing = data.missing_reports(wh, quarter, f.level)
    issues = data.load_issues(wh)
    message = "message_en" if lang == "en" else "message_vi"
    issues = issues.assign(message=issues[message],
                           severity_text=issues["severity"].map(lambda s: t(f"severity_{s}", lang)))
    body = [
        chart(ids.REPORTING_COMPLETENESS, reporting_figures.completeness_chart(now, quarter_label, lang),
              display(now[now["level"] != "total"], COMPLETENESS_COLUMNS, lang), lang, t("no_data_period", lang, period=quarter_label)),
        chart(ids.REPORTING_TREND, reporting_figures.completeness_trend_chart(summed, lang),
              display(every, COMPLETENESS_COLUMNS, lang), lang),
        html.H2(t("missing_title", lang, count=len(missing)) + f" ({quarter_label})", className="section-title"),
        data_table(ids.REPORTING_MISSING, display(missing, MISSING_COLUMNS, lang), lang)
        if not missing.empty else note(t("all_reported", lang)),
        html.H2(t("issues_title", lang), className="section-title"),
        data_table(ids.REPORTING_ISSUES, display(issues, {
            "loaded_at": ("col_loaded", "date"), "file_name": ("col_file", "text"),
            "severity_text": ("col_severity", "text"), "sheet": ("col_sheet", "text"), "cell": ("col_cell", "text"),
            "message": ("col_message", "text"), "code": ("col_code", "text")}, lang), lang)
        if not issues.empty else note(t("no_issues", lang)),
    ]
    return page(t("reporting_title", lang, period=quarter_label), *body, filters=bar)
