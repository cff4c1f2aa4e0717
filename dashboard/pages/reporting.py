"""Tình hình báo cáo: expected, reported and on-time units; who is missing; issues of recent loads."""
from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import html

from dashboard import data, ids, reporting_figures
from dashboard.review_notes import locked_banner, waiting_note
from dashboard.components import chart, data_table, filter_bar, note, page, safe_page, warehouse
from vocab.i18n import t
from vocab.levels import LEVELS, level_name
from vocab.vnformat import fmt_int, fmt_pct
from dashboard.tables import display
from vocab.periods import parse_code

ALL_LEVELS = "all"  # the list, the headline and the chart default to every level
HEADLINE_ID = "reporting-headline"

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
    level = query.get("level") if query.get("level") in LEVELS else None
    bar = with_all_levels(filter_bar(wh, f, ["period", "level"]), level, lang)
    if f.period is None:
        return page(t("nav_reporting", lang), note(t("no_data", lang)), filters=bar)
    period = parse_code(f.period)
    summed = data.completeness(wh)
    every = summed[summed["period"].notna() & (summed["level"] != "total")]
    quarters = [q.code for q in period.quarters()]
    in_period = every[every["period"].isin(quarters)]
    quarter = in_period["period"].max() if not in_period.empty else period.quarters()[-1].code
    now = counted(summed[summed["period"] == quarter], level)
    quarter_label = parse_code(quarter).label(lang)
    stood = data.as_it_stood(summed, quarter)  # the trend and its table, up to the quarter shown
    missing = data.missing_reports(wh, quarter, level)
    issues = data.load_issues(wh)
    message = "message_en" if lang == "en" else "message_vi"
    issues = issues.assign(message=issues[message],
                           severity_text=issues["severity"].map(lambda s: t(f"severity_{s}", lang)))
    scope = level_name(level, lang, capitalise=True) if level else t("reporting_all_levels", lang)
    body = [b for b in (locked_banner(wh, quarter, lang), waiting_note(wh, quarter, lang)) if b is not None] + [
        headline(now, quarter_label, scope, lang),
        chart(ids.REPORTING_COMPLETENESS, reporting_figures.completeness_chart(now, quarter_label, lang),
              display(now[now["level"] != "total"], COMPLETENESS_COLUMNS, lang), lang, t("no_data_period", lang, period=quarter_label)),
        chart(ids.REPORTING_TREND, reporting_figures.completeness_trend_chart(stood, lang),
              display(stood[stood["period"].notna() & (stood["level"] != "total")], COMPLETENESS_COLUMNS, lang), lang),
        html.H2(t("missing_title", lang, count=fmt_int(len(missing), lang)) + f" ({scope.lower()}, {quarter_label})",
                className="section-title", id="reporting-missing-title"),
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


def counted(rows: pd.DataFrame, level: str | None) -> pd.DataFrame:
    """Gives a quarter's completeness rows for the units counted: every level with its 'total',
    or one level whose own row is then the total, so headline, chart and list count one set."""
    if level is None:
        return rows
    own = rows[rows["level"] == level]
    return pd.concat([own, own.assign(level="total")], ignore_index=True)


def headline(rows: pd.DataFrame, quarter_label: str, scope: str, lang: str) -> html.Div:
    """Gives 'Quý III/2025, tất cả các cấp: 128/149 đơn vị đã báo cáo, 120 đúng hạn, 21 chưa báo
    cáo', then the same per level, all from the one completeness view."""
    total = rows[rows["level"] == "total"]
    if total.empty:
        return note(t("no_data_period", lang, period=quarter_label))
    whole = total.iloc[0]
    parts = [html.Div(t("reporting_headline", lang, scope=scope, period=quarter_label,
                        reported=fmt_int(int(whole["units_reported"]), lang),
                        expected=fmt_int(int(whole["units_expected"]), lang),
                        rate=fmt_pct(whole["rate"], lang),
                        on_time=fmt_int(int(whole["units_on_time"]), lang),
                        missing=fmt_int(int(whole["units_expected"] - whole["units_reported"]), lang)),
                      className="headline-total")]
    levels = rows[rows["level"].isin(LEVELS)]
    if len(levels) > 1:
        parts.append(html.Ul([html.Li(t("reporting_level_line", lang, level=level_name(r.level, lang, capitalise=True),
                                         reported=fmt_int(int(r.units_reported), lang),
                                         expected=fmt_int(int(r.units_expected), lang),
                                         on_time=fmt_int(int(r.units_on_time), lang)))
                              for r in levels.itertuples()], className="headline-levels"))
    return html.Div(parts, className="note headline", id=HEADLINE_ID, role="status")


def with_all_levels(bar: html.Div, level: str | None, lang: str) -> html.Div:
    """Gives the filter bar with 'Tất cả các cấp' first in its level list, chosen when no level is."""
    for control in bar.children:
        if getattr(control, "id", None) == "filter-wrap-level":
            dropdown = control.children[1]
            dropdown.options = [{"label": t("reporting_all_levels", lang), "value": ALL_LEVELS}, *dropdown.options]
            dropdown.value = level or ALL_LEVELS
    return bar
