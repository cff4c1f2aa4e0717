"""Duyệt số liệu: the reviewer's queue (earliest deadline first, then province, district,
commune), each waiting submission's values beside the unit's previous period and the same period
last year with large swings flagged, and a form to accept it or send it back with a comment;
the lock and unlock of a period. Reviewers and admins; built per user, never cached.

The forms post to Flask routes (dashboard/reviews.py); this page only reads."""
from __future__ import annotations

import logging
from typing import Any

import dash
import pandas as pd
from dash import dcc, html
from flask_wtf.csrf import generate_csrf

from dashboard import reviews
from dashboard.auth import LOGIN_PATH, current_user
from dashboard.components import note, page, site_path, warehouse
from ops.accounts import may_review, may_unlock
from vocab.i18n import norm_lang, t
from vocab.periods import parse_code
from vocab.vnformat import fmt_int, fmt_pct

QUEUE = "review-queue"
log = logging.getLogger(__name__)

dash.register_page(__name__, path=reviews.PAGE_PATH, name="Duyệt số liệu", title="Duyệt số liệu", order=7)


def layout(**query: Any) -> html.Div:
    lang = norm_lang(query.get("lang"))
    try:
        return _layout(query, lang)
    except Exception:  # a bug: log it, show a sentence
        log.exception("review page failed: %s", query)
        return note(t("page_error", lang), "error")


def _layout(query: dict[str, Any], lang: str) -> html.Div:
    user = current_user()
    title = t("review_title", lang)
    if user is None:
        target = site_path(LOGIN_PATH) + "?next=" + reviews.PAGE_PATH
        return page(title, html.Div([t("upload_need_login", lang) + " ", html.A(t("upload_login_link", lang), href=target)],
                                    className="note", id="review-need-login"))
    if not may_review(user):
        return page(title, html.Div(t("review_forbidden", lang, name=user.name, role=user.role),
                                    className="note note-error", id="review-forbidden", role="alert"))
    body: list[Any] = []
    shown = reviews.notice(query.get(reviews.NOTICE_PARAM))
    if shown:
        body.append(html.Div(shown["text"], className="note" + (" note-error" if shown["kind"] == "error" else ""),
                             id="review-notice", role="status"))
    wh = warehouse()
    rows = wh.query("review_queue", period=None)
    body += [_locks(user, lang), html.H2(t("review_queue_title", lang), className="section-title")]
    if rows.empty:
        body.append(note(t("review_queue_empty", lang), "muted"))
    else:
        body.append(html.Div([_submission(group, lang) for _, group in rows.groupby("submission_id", sort=False)],
                             id=QUEUE))
    return page(title, *body)


def _submission(rows: pd.DataFrame, lang: str) -> html.Div:
    """One waiting submission: who sent what, its values against the past, the decision form."""
    first = rows.iloc[0]
    submission_id = int(first["submission_id"])
    head = html.Div([html.Strong(f"#{submission_id} {first['unit_name']} ({first['unit_code']})"), " – ",
                     parse_code(first["period"]).label(lang), " – ", str(first["file_name"]), ", ",
                     str(first["submitted_by"]), ", ", f"{pd.Timestamp(first['loaded_at']):%d/%m/%Y %H:%M}"],
                    className="review-head")
    heads = ["col_metric", "review_value", "review_previous", "review_change", "review_last_year", "review_change"]
    lines = []
    for r in rows.itertuples():
        flagged = bool(r.flagged)
        lines.append(html.Tr([
            html.Td(("⚠ " if flagged else "") + str(r.metric_name)),
            html.Td(_num(r.value, lang)), html.Td(_num(r.previous_value, lang)), html.Td(_pct(r.change_previous, lang)),
            html.Td(_num(r.last_year_value, lang)), html.Td(_pct(r.change_last_year, lang)),
        ], className="review-flagged" if flagged else None))
    table = html.Table([html.Thead(html.Tr([html.Th(t(h, lang)) for h in heads])), html.Tbody(lines)],
                       className="review-values")
    form = html.Form([
        dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
        dcc.Textarea(name="comment", placeholder=t("review_comment_hint", lang), className="review-comment"),
        html.Button(t("review_accept", lang), type="submit", name="decision", value="accept",
                    id=f"review-accept-{submission_id}"),
        html.Button(t("review_send_back", lang), type="submit", name="decision", value="send_back",
                    id=f"review-send-back-{submission_id}"),
    ], method="POST", action=site_path(f"{reviews.DECIDE_PATH}{submission_id}") + ("?lang=en" if lang == "en" else ""),
        className="review-form")
    return html.Div([head, table, form], className="review-submission", id=f"review-{submission_id}")


def _locks(user, lang: str) -> html.Div:
    """The periods locked now, the lock form, and (admins) the unlock form with its reason."""
    locked = warehouse().query("period_locks_now")
    items = [html.Li(t("locked_banner", lang, date=f"{pd.Timestamp(r.changed_at):%d/%m/%Y}") + f" – "
                     f"{parse_code(r.period).label(lang)} ({r.changed_by})") for r in locked.itertuples()]
    suffix = "?lang=en" if lang == "en" else ""
    parts: list[Any] = [html.H2(t("review_locks_title", lang), className="section-title"),
                        html.Ul(items, id="review-locked") if items else note(t("review_none_locked", lang), "muted"),
                        html.Form([dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
                                   dcc.Input(name="period", placeholder="2025Q3", className="upload-period"),
                                   dcc.Input(name="reason", placeholder=t("review_reason", lang)),
                                   html.Button(t("review_lock", lang), type="submit", id="review-lock")],
                                  method="POST", action=site_path(reviews.LOCK_PATH) + suffix, className="review-form")]
    if may_unlock(user):
        parts.append(html.Form([dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
                                dcc.Input(name="period", placeholder="2025Q3", className="upload-period"),
                                dcc.Input(name="reason", placeholder=t("review_reason_required", lang)),
                                html.Button(t("review_unlock", lang), type="submit", id="review-unlock")],
                               method="POST", action=site_path(reviews.UNLOCK_PATH) + suffix, className="review-form"))
    return html.Div(parts, id="review-locks")


def _num(value: Any, lang: str) -> str:
    return "–" if value is None or pd.isna(value) else fmt_int(value, lang)


def _pct(value: Any, lang: str) -> str:
    return "–" if value is None or pd.isna(value) else fmt_pct(value, lang)
