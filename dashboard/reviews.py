"""Review, lock and comments from the browser: Flask POST routes behind the forms of the review
page (/duyet) and the unit page, each with the session's CSRF token (auth._gate), each answering
with a redirect (303) back to its page (PRG: a reload sends nothing twice).

Thin over the engine: who may is ops.accounts' (may_review, may_lock, may_unlock, may_comment),
the writes are ops.review.decide, ops.locks.lock_period/unlock_period, ops.comments.add_comment,
each with its audit row and the caller's address. The outcome travels in the session under a
short key named in the redirect, so the page shows it once the browser comes back."""
from __future__ import annotations

import secrets
from urllib.parse import quote, urlencode

from flask import Flask, Response, abort, current_app, redirect, request, session

from dashboard.auth import require
from ops.accounts import may_comment, may_lock, may_review, may_unlock
from ops.comments import add_comment
from ops.locks import lock_period, unlock_period
from ops.queue import UploadQueue, queue_path
from ops.review import Forbidden, ReviewError, decide
from vocab.i18n import norm_lang, t
from vocab.periods import parse_code

PAGE_PATH = "/duyet"
DECIDE_PATH = "/duyet/quyet-dinh/"
LOCK_PATH = "/duyet/chot"
UNLOCK_PATH = "/duyet/mo-khoa"
COMMENT_PATH = "/ghi-chu"
NOTICE_PARAM = "tb"            # ?tb=<key>: the outcome kept in the session under that key
NOTICE_SESSION = "govkpi_review_notice"
# The writer publishes a loaded file within its publish interval (etl.writer.PUBLISH_INTERVAL,
# 3 s) plus one copy of the warehouse: how long a decision on a just-loaded submission waits.
PUBLISH_WAIT_S = 15.0


def register_reviews(server: Flask) -> None:
    """Adds the review, lock, unlock and comment POST routes to the dashboard's Flask server."""

    @server.post(DECIDE_PATH + "<int:submission_id>")
    def review_decide(submission_id: int) -> Response:
        user = require()
        _allowed(may_review(user))
        lang = _lang()
        decision = request.form.get("decision", "")
        units = submission_units(submission_id)
        if not units:
            return _back(PAGE_PATH, "error", t("api_submission_unknown", lang, value=submission_id), lang)
        return _engine(lambda: decide(_ops_db(), user, submission_id, decision, request.form.get("comment"),
                                      request.remote_addr, units),
                       PAGE_PATH, t("review_done_" + ("accept" if decision == "accept" else "send_back"), lang,
                                    id=submission_id), lang)

    @server.post(LOCK_PATH)
    def review_lock() -> Response:
        user = require()
        _allowed(may_lock(user))
        lang = _lang()
        period = _period_or_none(request.form.get("period"))
        if period is None:
            return _back(PAGE_PATH, "error", t("review_bad_period", lang, value=request.form.get("period", "")), lang)
        return _engine(lambda: lock_period(_ops_db(), user, period, request.form.get("reason"), request.remote_addr),
                       PAGE_PATH, t("review_locked_done", lang, period=parse_code(period).label(lang)), lang)

    @server.post(UNLOCK_PATH)
    def review_unlock() -> Response:
        user = require()
        _allowed(may_unlock(user))
        lang = _lang()
        period = _period_or_none(request.form.get("period"))
        if period is None:
            return _back(PAGE_PATH, "error", t("review_bad_period", lang, value=request.form.get("period", "")), lang)
        return _engine(lambda: unlock_period(_ops_db(), user, period, request.form.get("reason", ""),
                                             request.remote_addr),
                       PAGE_PATH, t("review_unlocked_done", lang, period=parse_code(period).label(lang)), lang)

    @server.post(COMMENT_PATH)
    def comment_post() -> Response:
        user = require()
        lang = _lang()
        unit_key = request.form.get("unit_key", "")
        back = f"/don-vi/{quote(unit_key, safe=':')}"
        _allowed(may_comment(user, unit_key))
        period = _period_or_none(request.form.get("period"))
        if period is None:
            return _back(back, "error", t("review_bad_period", lang, value=request.form.get("period", "")), lang)
        back_query = {"period": period}
        return _engine(lambda: add_comment(_ops_db(), user, unit_key, request.form.get("indicator", ""), period,
                                           request.form.get("text", ""), request.remote_addr),
                       back, t("comment_done", lang), lang, back_query)


def submission_units(submission_id: int) -> list[tuple[str, str]]:
    """The (unit_key, period) pairs a loaded submission reported, from the published snapshot.
    The upload API answers once the writer has loaded a file, the snapshot holds it after the
    next publish: a decision sent in between waits for that publish instead of calling the
    submission unknown."""
    wh = current_app.config["GOVKPI_WAREHOUSE"]
    units = _units(wh, submission_id)
    if not units and queue_path(wh.path).exists():
        queue = UploadQueue(wh.path)
        job = queue.unpublished_job(submission_id)
        if job is not None and queue.wait(job, timeout=PUBLISH_WAIT_S, published=True).published:
            units = _units(wh, submission_id)
    return units


def _units(wh, submission_id: int) -> list[tuple[str, str]]:
    frame = wh.query("submission_units", submission_id=submission_id)
    return [(row["unit_key"], row["period"]) for row in frame.to_dict("records")]


def notice(key: str | None) -> dict | None:
    """The outcome of the last form sent, when `key` is its key: {'kind': 'ok'|'error', 'text'}."""
    kept = session.get(NOTICE_SESSION) or {}
    return kept if key and kept.get("key") == key else None


def in_lang(message: str, lang: str) -> str:
    """The engine's messages are 'Vietnamese / English': the reader's half."""
    vi, _, en = message.partition(" / ")
    return en if lang == "en" and en else vi


# Helpers ------------------------------------------------------------------------------------


def _engine(call, path: str, done: str, lang: str, query: dict | None = None) -> Response:
    try:
        call()
    except Forbidden:
        abort(Response(t("forbidden", lang), 403, mimetype="text/plain; charset=utf-8"))
    except ReviewError as error:
        return _back(path, "error", in_lang(str(error), lang), lang, query)
    return _back(path, "ok", done, lang, query)


def _back(path: str, kind: str, text: str, lang: str, query: dict | None = None) -> Response:
    key = secrets.token_urlsafe(6)
    session[NOTICE_SESSION] = {"key": key, "kind": kind, "text": text[:500]}
    query = dict(query or {}, **{NOTICE_PARAM: key})
    if lang == "en":
        query["lang"] = "en"
    return redirect(request.script_root + path + "?" + urlencode(query), 303)


def _allowed(ok: bool) -> None:
    if not ok:
        abort(Response(t("forbidden", _lang()), 403, mimetype="text/plain; charset=utf-8"))


def _period_or_none(value: str | None) -> str | None:
    try:
        return parse_code((value or "").strip()).code
    except ValueError:
        return None


def _ops_db() -> str:
    return current_app.config["GOVKPI_OPS_DB"]


def _lang() -> str:
    return norm_lang(request.args.get("lang") or request.form.get("lang"))
