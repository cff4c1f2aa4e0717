"""Nhật ký: the audit trail for admins, newest first, filtered by unit, period, action and actor
(a plain GET form: the filters are the URL), and the history of one value (unit × metric ×
period): every version, who sent it, who reviewed it, which one counts. Built per request."""
from __future__ import annotations

import json
import logging
from typing import Any

import dash
import pandas as pd
from dash import dcc, html
from flask import current_app

from dashboard.auth import LOGIN_PATH, current_user
from dashboard.components import note, page, site_path, warehouse
from ops import audit
from vocab.i18n import norm_lang, t
from vocab.periods import parse_code
from vocab.vnformat import fmt_int

PATH = "/nhat-ky"
SHOWN = 500
FILTERS = ("unit", "period", "action", "actor")
HISTORY = ("h_unit", "h_metric", "h_period")
log = logging.getLogger(__name__)

dash.register_page(__name__, path=PATH, name="Nhật ký", title="Nhật ký", order=8)


def layout(**query: Any) -> html.Div:
    lang = norm_lang(query.get("lang"))
    try:
        return _layout(query, lang)
    except Exception:  # a bug: log it, show a sentence
        log.exception("audit page failed: %s", query)
        return note(t("page_error", lang), "error")


def _layout(query: dict[str, Any], lang: str) -> html.Div:
    user = current_user()
    title = t("audit_title", lang)
    if user is None:
        target = site_path(LOGIN_PATH) + "?next=" + PATH
        return page(title, html.Div([t("upload_need_login", lang) + " ", html.A(t("upload_login_link", lang), href=target)],
                                    className="note", id="audit-need-login"))
    if user.role != "admin":
        return page(title, html.Div(t("audit_forbidden", lang), className="note note-error", id="audit-forbidden",
                                    role="alert"))
    wh = warehouse()
    got = {name: str(query.get(name) or "").strip() for name in FILTERS + HISTORY}
    problems: list[str] = []
    period = _period(got["period"], problems, lang)
    unit_keys = _unit_keys(wh, got["unit"], problems) if got["unit"] else [None]
    action = got["action"] if got["action"] in audit.ACTIONS else None
    if got["action"] and action is None:
        problems.append(t("api_bad_action", lang, value=got["action"], actions=", ".join(audit.ACTIONS)))
    ops_db = current_app.config["GOVKPI_OPS_DB"]
    events = [] if problems else sorted(
        (e for key in unit_keys for e in audit.events(ops_db, unit_key=key, period=period, action=action,
                                                     actor=got["actor"] or None, limit=SHOWN)),
        key=lambda e: e.seq, reverse=True)[:SHOWN]
    body: list[Any] = [_form(got, FILTERS, lang, "audit-filters")]
    body += [note(p, "warning") for p in problems]
    body.append(_events(events, lang))
    body += [html.H2(t("audit_history_title", lang), className="section-title"), _form(got, HISTORY, lang, "audit-history-form")]
    if all(got[name] for name in HISTORY):
        body.append(_history(wh, got, lang))
    return page(title, *body)


def _form(got: dict[str, str], names: tuple[str, ...], lang: str, ident: str) -> html.Form:
    placeholders = {"unit": "633", "period": "2025Q3", "action": "upload", "actor": "cntt",
                    "h_unit": "633", "h_metric": "work_records_online", "h_period": "2025Q3"}
    fields: list[Any] = [dcc.Input(type="hidden", name="lang", value=lang)] if lang == "en" else []
    for name in names:
        fields.append(dcc.Input(name=name, value=got[name], placeholder=placeholders[name], className="upload-period"))
    fields.append(html.Button(t("audit_show", lang), type="submit"))
    return html.Form(fields, method="GET", action=site_path(PATH), className="review-form", id=ident)


def _events(events: list[audit.AuditEvent], lang: str) -> html.Div:
    if not events:
        return note(t("audit_empty", lang), "muted")
    heads = ["audit_at", "audit_actor", "audit_address", "audit_action", "audit_where", "audit_detail"]
    rows = [html.Tr([html.Td(e.at[:19].replace("T", " ")), html.Td(f"{e.actor}" + (f" ({e.role})" if e.role else "")),
                     html.Td(e.address or ""), html.Td(e.action),
                     html.Td(" ".join(x for x in (e.unit_key, e.period, e.indicator_code,
                                                  f"#{e.submission_id}" if e.submission_id else None) if x)),
                     html.Td(json.dumps(e.detail, ensure_ascii=False) if e.detail else "")]) for e in events]
    return html.Table([html.Thead(html.Tr([html.Th(t(h, lang)) for h in heads])), html.Tbody(rows)],
                      className="upload-history", id="audit-events")


def _history(wh, got: dict[str, str], lang: str) -> html.Div:
    problems: list[str] = []
    period = _period(got["h_period"], problems, lang)
    keys = _unit_keys(wh, got["h_unit"], problems)
    if problems:
        return html.Div([note(p, "warning") for p in problems])
    frames = [wh.query("value_history", unit_key=key, metric_code=got["h_metric"], period=period) for key in keys]
    rows = pd.concat(frames) if frames else pd.DataFrame()
    if rows.empty:
        return note(t("audit_empty", lang), "muted", )
    heads = ["audit_version", "review_value", "col_file", "audit_sent_by", "audit_state", "audit_reviewed_by"]
    lines = []
    for r in rows.itertuples():
        reviewed = "" if pd.isna(r.reviewed_by) or r.reviewed_by is None else (
            f"{r.reviewed_by} ({r.decision}) {pd.Timestamp(r.reviewed_at):%d/%m/%Y %H:%M}"
            + (f": {r.review_comment}" if isinstance(r.review_comment, str) else ""))
        lines.append(html.Tr([html.Td(("→ " if r.current else "") + f"#{r.submission_id}"),
                              html.Td("–" if pd.isna(r.value) else fmt_int(r.value, lang)), html.Td(r.file_name),
                              html.Td(f"{r.submitted_by}, {pd.Timestamp(r.loaded_at):%d/%m/%Y %H:%M}"),
                              html.Td(f"{r.status}; {r.review_state or '–'}"), html.Td(reviewed)]))
    return html.Table([html.Thead(html.Tr([html.Th(t(h, lang)) for h in heads])), html.Tbody(lines)],
                      className="upload-history", id="audit-value-history")


def _period(value: str, problems: list[str], lang: str) -> str | None:
    if not value:
        return None
    try:
        return parse_code(value).code
    except ValueError:
        problems.append(t("review_bad_period", lang, value=value))
        return None


def _unit_keys(wh, code: str, problems: list[str]) -> list[str]:
    """Every unit_key a code (or a unit_key) names, in any era."""
    keys = [row["unit_key"] for row in wh.query("unit_lookup", unit=code).to_dict("records")]
    if not keys:
        problems.append(t("api_unknown_unit", "vi", value=code, era=""))
    return keys
