"""Nộp báo cáo: a reporting unit (or an admin) sends its workbooks in the browser, sees each file's
outcome problem by problem, downloads the error report, and reads its upload history.

The form posts to a Flask route (dashboard/uploads.py), never to a Dash callback; this page only
reads. It is built per user and never cached: a reporter sees only their own jobs."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import dash
from dash import dcc, html
from flask import current_app
from flask_wtf.csrf import generate_csrf

from dashboard import data, uploads
from dashboard.auth import LOGIN_PATH, current_user
from dashboard.components import note, page, warehouse
from dashboard.data import WarehouseUnavailable
from ops.accounts import UPLOAD_ROLES, User
from ops.intake import MAX_FILE_BYTES
from ops.queue import JobResult, UploadQueue
from ops.review import latest_decisions
from vocab.i18n import norm_lang, t
from vocab.vnformat import fmt_int

RESULTS = "upload-results"
HISTORY = "upload-history"
FORM = "upload-form"
DROP = "upload-drop"
log = logging.getLogger(__name__)

dash.register_page(__name__, path=uploads.PAGE_PATH, name="Nộp báo cáo", title="Nộp báo cáo", order=6)


def layout(**query: Any) -> html.Div:
    lang = norm_lang(query.get("lang"))
    try:
        return _layout(query, lang)
    except Exception:  # a bug: log it, show a sentence
        log.exception("upload page failed: %s", query)
        return note(t("page_error", lang), "error")


def _layout(query: dict[str, Any], lang: str) -> html.Div:
    user = current_user()
    title = t("upload_title", lang)
    if user is None:
        target = dash.get_relative_path(LOGIN_PATH) + "?next=" + uploads.PAGE_PATH + ("&lang=en" if lang == "en" else "")
        return page(title, html.Div([t("upload_need_login", lang) + " ", html.A(t("upload_login_link", lang), href=target)],
                                    className="note", id="upload-need-login"))
    if user.role not in UPLOAD_ROLES:
        return page(title, html.Div(t("upload_forbidden", lang, name=user.name, role=user.role),
                                    className="note note-error", id="upload-forbidden", role="alert"))
    queue = UploadQueue(current_app.config["GOVKPI_UPLOAD_DB"])
    replaced_by, replaces = _supersessions()
    sent = uploads.visible_jobs(queue, user, _job_ids(query.get(uploads.JOBS_PARAM)))
    refused = uploads.refused_outcomes(query.get(uploads.REFUSED_PARAM))
    results = ([_result_card(job, lang, replaced_by, replaces) for job in sent]
               + [_refused_card(item, lang) for item in refused])
    body = []
    if results:
        body += [html.H2(t("upload_results_title", lang), className="section-title"),
                 html.Div(results, id=RESULTS, className="upload-results")]
    body += [_units(user, lang), _form(lang), _history(queue, user, lang, replaced_by, replaces)]
    return page(title, *body)


# Parts of the page --------------------------------------------------------------------------


def _units(user: User, lang: str) -> html.Div:
    hint = html.P(t("upload_template_hint", lang, max_mb=fmt_int(MAX_FILE_BYTES / 1048576, lang)), className="hint")
    if user.role == "admin":
        return html.Div([html.P(t("upload_all_units", lang)), hint], className="upload-units", id="upload-units")
    items = []
    for key in user.units:
        try:
            row = data.unit(warehouse(), key)
        except WarehouseUnavailable:
            row = None
        items.append(html.Li(f"{row['unit_name']} (mã {row['unit_code']})" if row and lang == "vi"
                             else f"{row['unit_name']} (code {row['unit_code']})" if row else key))
    return html.Div([html.Strong(t("upload_units_title", lang) + ":"), html.Ul(items), hint],
                    className="upload-units", id="upload-units")


def _form(lang: str) -> html.Form:
    """The real multipart form; assets/upload.js puts the file input into the drop zone (Dash has
    no file <input>), which covers the zone, so a dropped file lands on it natively."""
    action = dash.get_relative_path(uploads.POST_PATH) + ("?lang=en" if lang == "en" else "")
    return html.Form([
        dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
        html.Label([html.Span("⬆", className="upload-drop-icon", **{"aria-hidden": "true"}),
                    html.Span(t("upload_drop", lang), className="upload-drop-text"),
                    html.Span("", className="upload-drop-files", id="upload-drop-files")],
                   id=DROP, className="upload-drop", htmlFor="upload-file"),
        html.Div([
            html.Label(t("upload_period", lang), htmlFor="upload-period", className="filter-label"),
            dcc.Input(id="upload-period", name="period", type="text", placeholder="2025Q3",
                      className="upload-period", autoComplete="off"),
            html.Button(t("upload_submit", lang), type="submit", id="upload-submit", className="upload-submit"),
        ], className="upload-controls"),
    ], id=FORM, method="POST", encType="multipart/form-data", action=action, className="upload-form")


def _result_card(job: JobResult, lang: str, replaced_by: dict[int, int], replaces: dict[int, list[int]]) -> html.Div:
    status = uploads.status_of(job)
    lines = [html.Div([html.Strong(job.file_name or ""), " ", _badge(status, lang)], className="upload-result-head")]
    if status == "accepted":
        lines.append(html.Div(t("upload_loaded", lang, units=fmt_int(job.units, lang), values=fmt_int(job.values, lang)),
                              className="upload-loaded"))
    lines += [html.Div(text, className="upload-supersede") for text in _supersede_notes(job, lang, replaced_by, replaces)]
    if status == "accepted" and not job.published:
        lines.append(html.Div(t("upload_publishing", lang), className="upload-supersede"))
    lines.append(_problems(job.problems, lang) if job.problems else
                 html.Div(t("upload_no_problems", lang), className="upload-loaded") if job.done else html.Div())
    if job.problems:
        lines.append(html.A(t("upload_error_report", lang), href=_report_href(job.job_id),
                            className="download-link upload-report-link", id=f"upload-report-{job.job_id}"))
    return html.Div(lines, className=f"upload-result status-{status}", id=f"upload-result-{job.job_id}")


def _refused_card(item: dict, lang: str) -> html.Div:
    return html.Div([html.Div([html.Strong(item.get("file_name") or ""), " ", _badge("refused", lang)],
                              className="upload-result-head"),
                     _problems(item.get("problems", []), lang)], className="upload-result status-refused")


def _problems(problems: list[dict], lang: str) -> html.Table:
    message = "message_en" if lang == "en" else "message_vi"
    head = html.Tr([html.Th(t(key, lang)) for key in ("col_severity", "col_sheet", "col_cell", "col_message")])
    rows = [html.Tr([html.Td(t("severity_" + (p.get("severity") if p.get("severity") == "warning" else "error"), lang),
                             className=f"severity-{p.get('severity')}"),
                     html.Td(p.get("sheet") or ""), html.Td(p.get("cell") or ""), html.Td(p.get(message) or "")])
            for p in problems]
    return html.Table([html.Thead(head), html.Tbody(rows)], className="upload-problems")


def _history(queue: UploadQueue, user: User, lang: str, replaced_by: dict[int, int],
             replaces: dict[int, list[int]]) -> html.Div:
    jobs = uploads.history(queue, user)
    decisions = latest_decisions(current_app.config["GOVKPI_OPS_DB"],
                                 [job.submission_id for job in jobs if job.submission_id is not None])
    title = t("upload_history_all_title" if user.role == "admin" else "upload_history_title", lang)
    if not jobs:
        return html.Div([html.H2(title, className="section-title"), note(t("upload_history_empty", lang), "muted")],
                        id=HISTORY)
    heads = ["col_submitted", "col_file"] + (["upload_by"] if user.role == "admin" else []) + ["col_state", "col_message"]
    rows = []
    for job in jobs:
        status = uploads.status_of(job)
        notes: list[Any] = [" ".join(_supersede_notes(job, lang, replaced_by, replaces))]
        if status == "accepted":
            notes.insert(0, t("upload_loaded", lang, units=fmt_int(job.units, lang), values=fmt_int(job.values, lang)) + ". ")
        if job.problems:
            notes.append(html.A(t("upload_error_report", lang), href=_report_href(job.job_id), className="upload-report-link"))
        notes += _review_note(decisions.get(job.submission_id), lang)
        cells = [_when(job.enqueued_at), job.file_name or ""] + ([job.submitted_by or ""] if user.role == "admin" else [])
        rows.append(html.Tr([html.Td(c) for c in cells] + [html.Td(_badge(status, lang)), html.Td(notes)],
                            className=f"status-{status}"))
    return html.Div([html.H2(title, className="section-title"),
                     html.Table([html.Thead(html.Tr([html.Th(t(h, lang)) for h in heads])), html.Tbody(rows)],
                                className="upload-history")], id=HISTORY)


# Helpers ------------------------------------------------------------------------------------


def _review_note(decision, lang: str) -> list[Any]:
    """A send-back and its comment (read from the ops file: shown the moment it is made), or who accepted it."""
    if decision is None:
        return []
    if decision.decision == "send_back":
        return [html.Div(t("upload_sent_back", lang, by=decision.actor, comment=decision.comment or ""),
                         className="note note-error upload-sent-back", role="alert")]
    return [html.Div(t("upload_review_accepted", lang, by=decision.actor), className="upload-review-accepted")]


def _badge(status: str, lang: str) -> html.Span:
    return html.Span(t(f"upload_status_{status}", lang), className=f"upload-status status-{status}")


def _supersede_notes(job: JobResult, lang: str, replaced_by: dict[int, int], replaces: dict[int, list[int]]) -> list[str]:
    if job.submission_id is None:
        return []
    notes = [t("upload_supersedes", lang, older=", ".join(str(o) for o in replaces.get(job.submission_id, [])))] \
        if job.submission_id in replaces else []
    if job.submission_id in replaced_by:
        notes.append(t("upload_superseded_by", lang, newer=replaced_by[job.submission_id]))
    return notes


def _supersessions() -> tuple[dict[int, int], dict[int, list[int]]]:
    """Gives superseded id → newer id and newer id → the ids it replaced, from the read snapshot
    (empty while the warehouse cannot be read: the history still shows)."""
    try:
        frame = data.supersessions(warehouse())
    except WarehouseUnavailable:
        return {}, {}
    replaced_by = {int(old): int(new) for old, new in zip(frame["submission_id"], frame["superseded_by"])}
    replaces: dict[int, list[int]] = {}
    for old, new in sorted(replaced_by.items()):
        replaces.setdefault(new, []).append(old)
    return replaced_by, replaces


def _job_ids(value: Any) -> list[int]:
    return [int(part) for part in str(value or "").split(",") if part.strip().isdigit()][:100]


def _report_href(job_id: int | None) -> str:
    return dash.get_relative_path(f"{uploads.REPORT_PATH}{job_id}")


def _when(stamp: str | None) -> str:
    try:
        return datetime.fromisoformat(stamp).strftime("%d/%m/%Y %H:%M") if stamp else ""
    except ValueError:
        return stamp or ""
