"""Tự đánh giá DTI: the province's self-assessment of a year, item by item (a sub-index, or a main
index while the version lists none): its score against its maximum, who entered it and when, its
evidence files with their downloads, the verifying unit's sign-off (who, when); the total and the
national rank. Admins and reviewers also get the forms that enter them (they post to Flask
routes, dashboard/dti_forms.py); every other signed-in role reads. Built per request from the
ops file, never cached: people type here between loads."""
from __future__ import annotations

import logging
from datetime import date
from typing import Any

import dash
from dash import dcc, html
from flask import current_app
from flask_wtf.csrf import generate_csrf

from dashboard import dti_forms, reviews
from dashboard.auth import LOGIN_PATH, current_user
from dashboard.components import note, page, site_path, warehouse
from dashboard.evidence import evidence_href
from ops import dti
from ops.intake import EVIDENCE_MAX_BYTES
from vocab.i18n import norm_lang, t
from vocab.vnformat import fmt_score

FIRST_YEAR = 2022  # the first DTI version in the catalog (Decision 922/QĐ-BTTTT, May 2022)
log = logging.getLogger(__name__)

dash.register_page(__name__, path=dti_forms.PAGE_PATH, name="Tự đánh giá DTI", title="Tự đánh giá DTI", order=9)


def layout(**query: Any) -> html.Div:
    lang = norm_lang(query.get("lang"))
    try:
        return _layout(query, lang)
    except Exception:  # a bug: log it, show a sentence
        log.exception("DTI entry page failed: %s", query)
        return note(t("page_error", lang), "error")


def _layout(query: dict[str, Any], lang: str) -> html.Div:
    user = current_user()
    if user is None and current_app.config.get("GOVKPI_PRODUCTION"):
        target = site_path(LOGIN_PATH) + "?next=" + dti_forms.PAGE_PATH
        return page(t("nav_dti_entry", lang),
                    html.Div([t("upload_need_login", lang) + " ", html.A(t("upload_login_link", lang), href=target)],
                             className="note", id="dti-need-login"))
    ops_db = current_app.config["GOVKPI_OPS_DB"]
    this_year = date.today().year
    years = list(range(this_year, FIRST_YEAR - 1, -1))
    year = int(query["year"]) if str(query.get("year")) in {str(y) for y in years} else _default_year(ops_db, this_year)
    suffix = "?lang=en" if lang == "en" else ""
    back = dcc.Link(t("dti_entry_back", lang), href=site_path("/chi-so") + f"?index=dti&year={year}"
                    + ("&lang=en" if lang == "en" else ""), className="drill-back", id="dti-entry-back")
    picker = html.Div([t("dti_entry_years", lang), " "] + [
        item for y in years for item in (" · " if y != years[0] else "",
                                          html.Strong(str(y)) if y == year else dcc.Link(
                                              str(y), href=site_path(dti_forms.PAGE_PATH) + f"?year={y}"
                                              + ("&lang=en" if lang == "en" else ""), id=f"dti-year-{y}"))],
        className="drill-links", id="dti-entry-years")
    body: list[Any] = [back, picker]
    shown = reviews.notice(query.get(reviews.NOTICE_PARAM))
    if shown:
        body.append(html.Div(shown["text"], className="note" + (" note-error" if shown["kind"] == "error" else ""),
                             id="dti-notice", role="status"))
    wh = warehouse()
    version, items = dti_forms.year_items(dti_forms.warehouse_reader(wh), year)
    title = t("dti_entry_title", lang, year=year)
    if version is None:
        return page(title, *body, note(t("dti_entry_no_version", lang, year=year), "muted"))
    may_enter = user is not None and user.role in dti.ENTRY_ROLES
    versions = wh.query("index_versions", index="dti")
    source = versions.loc[versions["version"] == version, "source"]
    body.append(html.Div(t("dti_entry_version", lang, version=version, source=source.iloc[0] if not source.empty else ""),
                         className="scope-line"))
    body.append(note(t("dti_entry_who", lang, mb=EVIDENCE_MAX_BYTES // 1048576) if may_enter
                     else t("dti_entry_read_only", lang), "muted"))
    entered = dti.assessment(ops_db, year)
    files = dti.evidence(ops_db, year)
    scores = dti.pillar_scores(entered, dti_forms.pillars_of(items))
    got = [s for s in scores.values() if s is not None]
    total = sum(got) if got else None
    top = versions.loc[versions["version"] == version, "max_score"]
    top = top.iloc[0] if not top.empty and top.iloc[0] == top.iloc[0] else None
    rank = dti.national_rank(ops_db, year)
    body.append(html.Div(t("dti_entry_total", lang, year=year, total=fmt_score(total, lang) if total is not None else "–",
                           max=fmt_score(top, lang) if top is not None else t("index_no_basis", lang),
                           signed=sum(1 for i in items if entered.get(i.code) and entered[i.code].signed_by),
                           items=len(items), rank=str(rank) if rank else t("dti_rank_unpublished", lang)),
                         id="dti-entry-total", className="scope-line"))
    csrf = dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()) if may_enter else None
    may_read = user is not None and user.role in dti.EVIDENCE_READERS  # a reporter sees the names, no link
    cards = [_item_card(item, entered.get(item.code), [e for e in files if e.item_code == item.code],
                        year, lang, suffix, may_enter, may_read) for item in items]
    body.append(html.Div(cards, id="dti-entry-items"))
    if may_enter:
        body.append(html.Form([csrf, _hidden("year", year),
                               html.Label(t("dti_entry_rank_label", lang, year=year), htmlFor="dti-rank-input",
                                          className="filter-label"),
                               dcc.Input(id="dti-rank-input", name="rank", type="text", inputMode="numeric",
                                         placeholder="32", className="upload-period", autoComplete="off"),
                               html.Button(t("dti_entry_rank_save", lang), type="submit", id="dti-rank-save")],
                              method="POST", action=site_path(dti_forms.RANK_PATH) + suffix, className="review-form",
                              id="dti-rank-form"))
    return page(title, *body)


def _item_card(item: dti_forms.DtiItem, entered: dti.Item | None, files: list[dti.Evidence], year: int, lang: str,
               suffix: str, may_enter: bool, may_read: bool = True) -> html.Div:
    """One item: its score and maximum, the sign-off, the evidence, and (for those who may) the forms."""
    top = t("dti_entry_max", lang, max=fmt_score(item.max_score, lang)) if item.max_score is not None else t(
        "dti_entry_no_max", lang)
    head = html.H3([item.name(lang), html.Span(f" ({item.code}; {top})", className="muted")], className="section-subtitle")
    if entered and entered.value is not None:
        value = html.Div([html.Strong(t("dti_entry_value", lang, value=fmt_score(entered.value, lang)),
                                      id=f"dti-value-{item.code}"),
                          " ", html.Span(t("dti_entry_entered", lang, who=entered.entered_by, at=_when(entered.entered_at)),
                                         className="muted")])
    else:
        value = html.Div(t("dti_entry_no_value", lang), id=f"dti-value-{item.code}", className="muted")
    signed = (t("dti_entry_signed", lang, verifier=entered.verifier, who=entered.signed_by, at=_when(entered.signed_at))
              if entered and entered.signed_by else t("dti_entry_unsigned", lang, verifier=item.verifier or "–"))
    listed = (html.Div([t("dti_entry_evidence", lang) + " "] + [
        part for n, e in enumerate(files) for part in ([" · "] if n else []) + [
            html.A(e.file_name, href=evidence_href(e.evidence_id), id=f"dti-evidence-{e.evidence_id}")
            if may_read else html.Span(e.file_name)]])
              if files else html.Div(t("dti_entry_no_evidence", lang), className="muted"))
    parts: list[Any] = [head, value, html.Div(signed, id=f"dti-signoff-{item.code}"), listed]
    if may_enter:
        token = dcc.Input(type="hidden", name="csrf_token", value=generate_csrf())
        fields = [token, _hidden("year", year), _hidden("item", item.code)]
        parts.append(html.Div([
            html.Form(fields + [
                html.Label(t("dti_entry_value_label", lang), htmlFor=f"dti-value-input-{item.code}",
                           className="filter-label"),
                dcc.Input(name="value", type="text", inputMode="decimal", placeholder="8,5",
                          id=f"dti-value-input-{item.code}", className="upload-period", autoComplete="off"),
                html.Button(t("dti_entry_save", lang), type="submit", id=f"dti-value-save-{item.code}")],
                method="POST", action=site_path(dti_forms.VALUE_PATH) + suffix, className="review-form"),
            # assets/dti_evidence.js puts the file input (Dash has none) into the slot.
            html.Form(fields + [html.Span(className="dti-evidence-slot"),
                                html.Button(t("dti_entry_attach", lang), type="submit",
                                            id=f"dti-evidence-save-{item.code}")],
                      method="POST", encType="multipart/form-data", action=site_path(dti_forms.EVIDENCE_PATH) + suffix,
                      className="review-form"),
            html.Form(fields + [html.Button(t("dti_entry_sign", lang), type="submit", id=f"dti-sign-{item.code}")],
                      method="POST", action=site_path(dti_forms.SIGNOFF_PATH) + suffix, className="review-form"),
        ], className="dti-forms"))
    return html.Div(parts, className="card dti-item", id=f"dti-item-{item.code}")


def _default_year(ops_db, this_year: int) -> int:
    """The newest year the province has entered anything for, else last year (the one assessed now)."""
    entered = dti.years(ops_db)
    return entered[0] if entered else this_year - 1


def _hidden(name: str, value: Any) -> dcc.Input:
    return dcc.Input(type="hidden", name=name, value=str(value))


def _when(text: str | None) -> str:
    """An ops row's UTC time ('2026-12-03T08:30:00.000Z') in the server's local time: '03/12/2026 15:30'."""
    from datetime import datetime

    if not text:
        return "–"
    return f"{datetime.fromisoformat(text.replace('Z', '+00:00')).astimezone():%d/%m/%Y %H:%M}"
