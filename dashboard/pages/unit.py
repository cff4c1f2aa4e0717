"""One unit's page (/don-vi/<unit_key>): its trend, the units under it, its submissions."""
from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import dcc, html

from dashboard import data, figures, ids
from dashboard.components import chart, data_table, filter_bar, note, page, safe_page, site_path, warehouse
from dashboard.review_notes import comments_list
from dashboard.figures import coverage_text
from dashboard.filter_checks import checked_filters, unit_exists_in
from vocab.levels import STATUS_COLOURS, STATUS_NAMES
from vocab.vnformat import fmt_pct, fmt_rate
from vocab.levels import level_name
from vocab.i18n import t
from dashboard.tables import display, submission_status
from vocab.periods import parse_code
from vocab.vnformat import fmt_date

dash.register_page(__name__, path_template="/don-vi/<unit_key>", name="Đơn vị", title="Đơn vị", order=9)

TREND_COLUMNS = {"period": ("col_period", "period"), "value": ("col_value", "pct"),
                 "target": ("col_target", "pct"), "status": ("col_status", "status")}
SUBMISSION_COLUMNS = {"period": ("col_period", "period"), "file_name": ("col_file", "text"),
                      "submitted_at": ("col_submitted", "date"), "status": ("col_state", "text")}


def layout(unit_key: str | None = None, **query: Any) -> html.Div:
    """The remembered page (a function of the URL and the warehouse), then the comment form,
    built per request: it carries the session's CSRF token and depends on who is signed in."""
    built = _layout(unit_key=unit_key, **query)
    form = _comment_form(unit_key, query)
    return html.Div([built, form]) if form is not None else built


def _comment_form(unit_key: str | None, query: dict[str, Any]) -> html.Form | None:
    """'Thêm ghi chú' on the figure shown (the page's indicator and period), for an account that
    may comment on this unit (ops.accounts.may_comment); posts to dashboard/reviews.py."""
    from flask import has_request_context
    from flask_wtf.csrf import generate_csrf

    from dashboard.auth import current_user
    from dashboard.reviews import COMMENT_PATH
    from ops.accounts import may_comment

    if not unit_key or not has_request_context():
        return None
    user = current_user()
    if not may_comment(user, unit_key):
        return None
    try:
        f, _ = checked_filters(warehouse(), query)
    except Exception:  # the warehouse is unavailable: the page says so already
        return None
    if f.period is None or f.indicator is None:
        return None
    lang = f.lang
    return html.Form([
        html.H2(t("comment_add", lang), className="section-title"),
        dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
        dcc.Input(type="hidden", name="unit_key", value=unit_key),
        dcc.Input(type="hidden", name="indicator", value=f.indicator),
        dcc.Input(type="hidden", name="period", value=f.period),
        dcc.Textarea(name="text", placeholder=t("comment_hint", lang), className="review-comment", maxLength=2000),
        html.Button(t("comment_add", lang), type="submit", id="comment-submit"),
    ], method="POST", action=site_path(COMMENT_PATH) + ("?lang=en" if lang == "en" else ""),
        className="review-form", id="comment-form")


@safe_page
def _layout(unit_key: str | None = None, **query: Any) -> html.Div:
    wh = warehouse()
    f, notices = checked_filters(wh, query)
    lang = f.lang
    info = data.unit(wh, unit_key) if unit_key else None
    if info is None:
        return page(t("nav_units", lang), note(t("unknown_unit", lang, unit=unit_key or ""), "warning"),
                    filters=filter_bar(wh, f, ["period"], path="/don-vi"))
    if f.period and not unit_exists_in(info, parse_code(f.period).start, parse_code(f.period).end):
        notices.append(t("filter_unit_other_era", lang, unit=info["unit_name"], period=parse_code(f.period).label(lang))
                       .split(";")[0] + ".")
    bar = filter_bar(wh, f, ["period", "indicator"], notices, path=f"/don-vi/{unit_key}")
    names = data.indicator_names(wh, lang)
    name = names.get(f.indicator, f.indicator)
    label = parse_code(f.period).label(lang) if f.period else ""
    trend = data.as_it_stood(data.unit_trend(wh, unit_key), f.period)
    trend = trend[trend["indicator_code"] == f.indicator]
    scope = "unit" if (trend["scope"] == "unit").any() and not info["is_root"] else "area"
    trend = trend[trend["scope"] == scope]
    header = _header(info, lang)
    children = data.unit_children(wh, unit_key, f.period) if f.period else pd.DataFrame()
    body = [header, _headline(trend, children, f.period, label, lang), chart(ids.UNIT_TREND, figures.unit_trend_chart(trend, name, lang, f.period) if trend["value"].notna().any() else None,
                          display(trend, TREND_COLUMNS, lang), lang)]
    if not children.empty:
        kids = children[children["indicator_code"].notna()].assign(
            indicator=lambda d: d["indicator_code"].map(names))
        body.append(html.H2(t("units_below", lang), className="section-title"))
        if kids.empty:
            body.append(note(t("no_data_period", lang, period=label)))
        else:
            body.append(chart(ids.UNIT_CHILDREN, figures.heatmap_chart(kids, names, lang, label),
                              display(kids, {"unit_name": ("col_unit", "text"), "indicator": ("col_indicator", "text"),
                                             "value": ("col_value", "pct"), "target": ("col_target", "pct"),
                                             "status": ("col_status", "status")}, lang), lang,
                              hint=t("click_hint", lang)))
    if f.period:
        body.append(comments_list(wh.query("unit_comments", unit_key=unit_key, period=f.period), names, lang,
                                  ident="unit-comments"))
    submissions = data.as_it_stood(data.unit_submissions(wh, unit_key), f.period)  # its periods up to the one shown
    submissions = submissions.assign(status=submissions["status"].map(lambda s: submission_status(s, lang)))
    body.append(html.H2(t("submissions", lang), className="section-title"))
    body.append(data_table(ids.UNIT_SUBMISSIONS, display(submissions, SUBMISSION_COLUMNS, lang), lang)
                if not submissions.empty else note(t("no_data", lang)))
    return page(t("unit_page_title", lang, unit=info["unit_name"], period=label), *body, filters=bar)


def _header(info: dict[str, Any], lang: str) -> html.Div:
    parts: list[Any] = [dcc.Link(t("back_to_units", lang), href=site_path("/don-vi") + f"?lang={lang}", className="back")]
    facts = [level_name(info["level"], lang, capitalise=True), info["unit_code"]]
    # The old era's start (2000-01-01) is a placeholder, not a founding date: leave it out.
    start = pd.Timestamp(info["valid_from"])
    valid = (f"{fmt_date(start.date(), lang)} " if start.year > 2000 else "") + "– " + (
        fmt_date(pd.Timestamp(info["valid_to"]).date(), lang) if pd.Timestamp(info["valid_to"]).year < 9000 else "")
    facts.append(valid)
    parts.append(html.Span(" · ".join(str(x) for x in facts), className="unit-facts"))
    if isinstance(info.get("parent_key"), str) and info["parent_key"]:
        parts.append(html.Span([f" · {t('parent', lang)}: ",
                                dcc.Link(info["parent_name"], href=site_path(f"/don-vi/{info['parent_key']}") + f"?lang={lang}")]))
    return html.Div(parts, className="unit-header")


def _headline(trend: pd.DataFrame, children: pd.DataFrame, period: str | None, label: str, lang: str) -> html.Div:
    """The unit's figure for the chosen period, its status (expired targets say so), its target
    and, for an area, how many units under it reported."""
    row = trend[trend["period"] == period] if period else trend.iloc[0:0]
    if row.empty:
        return html.Div(note(t("no_data_period", lang, period=label)), className="unit-headline")
    r = row.iloc[-1]
    value, target = _num(r.get("value")), _num(r.get("target"))
    status = r.get("status") if isinstance(r.get("status"), str) else "no_data"
    parts: list[Any] = [html.Span(label, className="card-level"),
                        html.Span(fmt_rate(value, target, lang), className="card-value")]
    if target is not None or value is None:  # an area's value has no target of its own: no badge
        parts.append(html.Span(STATUS_NAMES[lang].get(status, status), className="badge",
                               style={"backgroundColor": STATUS_COLOURS.get(status, STATUS_COLOURS["no_data"])}))
    if target is not None:
        parts.append(html.Span(f"{t('target', lang)} {fmt_pct(target, lang, 0)}", className="card-target"))
    if r.get("scope") == "area" and not children.empty and pd.notna(r.get("units_reporting")):
        parts.append(html.Span(coverage_text(r["units_reporting"], children["unit_key"].nunique(), lang),
                               className="card-coverage"))
    return html.Div(parts, className="unit-headline card-line-head", id="unit-headline")


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
