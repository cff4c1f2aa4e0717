"""The API of review, locks, comments and the audit trail (issue 12): thin routes on the API's
blueprint (dashboard/api.py: the same 401/403 rules, JSON errors, ?lang=en) over the engine.

Who may do what is ops.accounts' (may_review, may_lock, may_unlock, may_comment); writes are
ops.review.decide, ops.locks.lock_period/unlock_period and ops.comments.add_comment, each with
its audit row carrying the caller's address. The role is checked before anything is read, so a
401/403 writes nothing and tells nothing about what exists."""
from __future__ import annotations

from typing import Any

from flask import Response, current_app, request

from dashboard import data
from dashboard.reviews import in_lang, submission_units
from dashboard.api import ApiError, _caller, _json, _lang, _limit, _period, _records, _unit_keys, _warehouse, api
from ops import audit
from ops.accounts import may_comment, may_lock, may_review, may_unlock
from ops.comments import add_comment
from ops.locks import lock_period, unlock_period
from ops.review import DECISIONS, Forbidden, ReviewError, decide
from vocab.i18n import t


def address() -> str | None:
    """The caller's address for the audit trail (behind the proxy, ProxyFix has set it)."""
    return request.remote_addr


def engine_call(call, lang: str):
    """Runs an engine write: Forbidden → 403, ReviewError → 400, in the caller's language."""
    try:
        return call()
    except Forbidden as error:
        raise ApiError(403, "forbidden", in_lang(str(error), lang)) from None
    except ReviewError as error:
        raise ApiError(400, "refused", in_lang(str(error), lang)) from None


def _body() -> dict[str, Any]:
    """The request's JSON object, or its form fields (curl -d/-F)."""
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        return body
    return request.form.to_dict()


def _ops_db() -> str:
    return current_app.config["GOVKPI_OPS_DB"]


@api.post("/submissions/<int:submission_id>/review")
def review_submission(submission_id: int) -> Response:
    """Accepts a submission, or sends it back with a comment (reviewers and admins)."""
    lang = _lang()
    user = _caller()
    if not may_review(user):
        raise ApiError(403, "forbidden", t("forbidden", lang))
    body = _body()
    decision = str(body.get("decision") or "").strip()
    if decision not in DECISIONS:
        raise ApiError(400, "bad_parameter", t("api_bad_decision", lang, value=decision))
    units = submission_units(submission_id)
    if not units:
        raise ApiError(404, "not_found", t("api_submission_unknown", lang, value=submission_id))
    made = engine_call(lambda: decide(_ops_db(), user, submission_id, decision, body.get("comment"),
                                      address(), units), lang)
    return _json({"submission_id": submission_id, "decision": made.decision, "comment": made.comment,
                  "reviewed_by": made.actor, "reviewed_at": made.at,
                  "units": [{"unit_key": u, "period": p} for u, p in sorted(set(units))]}, 200)


@api.post("/periods/<period>/lock")
def lock(period: str) -> Response:
    """Locks a period (reviewers and admins): uploads for it are refused from now on."""
    lang = _lang()
    user = _caller()
    if not may_lock(user):
        raise ApiError(403, "forbidden", t("forbidden", lang))
    code = _period(period, "period", required=True)
    reason = _body().get("reason")
    state = engine_call(lambda: lock_period(_ops_db(), user, code, reason, address()), lang)
    return _json(_lock_json(state), 200)


@api.post("/periods/<period>/unlock")
def unlock(period: str) -> Response:
    """Unlocks a period (admins, with a reason that goes into the audit trail)."""
    lang = _lang()
    user = _caller()
    if not may_unlock(user):
        raise ApiError(403, "forbidden", t("forbidden", lang))
    code = _period(period, "period", required=True)
    reason = str(_body().get("reason") or "")
    state = engine_call(lambda: unlock_period(_ops_db(), user, code, reason, address()), lang)
    return _json(_lock_json(state), 200)


@api.get("/audit")
def audit_trail() -> Response:
    """The audit trail for admins, newest first: ?unit=CODE&period=2025Q3&action=&actor=&limit=."""
    lang = _lang()
    user = _caller()
    if user.role != "admin":
        raise ApiError(403, "forbidden", t("forbidden", lang))
    period = _period(request.args.get("period"), "period", required=False)
    action = (request.args.get("action") or "").strip() or None
    if action is not None and action not in audit.ACTIONS:
        raise ApiError(400, "bad_parameter", t("api_bad_action", lang, value=action, actions=", ".join(audit.ACTIONS)))
    actor = (request.args.get("actor") or "").strip() or None
    unit = (request.args.get("unit") or "").strip()
    keys = _unit_keys(_warehouse(), unit, period, lang) if unit else [None]
    limit = _limit(lang)
    found = [e for key in keys for e in audit.events(_ops_db(), unit_key=key, period=period, action=action,
                                                    actor=actor, limit=limit)]
    found = sorted(found, key=lambda e: e.seq, reverse=True)[:limit]
    return _json({"count": len(found), "events": [e.as_json() for e in found]}, 200)


@api.post("/comments")
def post_comment() -> Response:
    """Adds a comment to unit × indicator × period (a reporter on its own units; reviewers and admins on any)."""
    lang = _lang()
    user = _caller()
    # a role that may comment on no unit at all (a viewer) stops here, before anything is read
    if not (may_comment(user, "") or any(may_comment(user, key) for key in user.units)):
        raise ApiError(403, "forbidden", t("forbidden", lang))
    body = _body()
    for name in ("unit", "indicator", "period"):
        if not str(body.get(name) or "").strip():
            raise ApiError(400, "missing_parameter", t("api_missing_param", lang, name=name))
    period = _period(str(body["period"]), "period", required=True)
    wh = _warehouse()
    keys = _unit_keys(wh, str(body["unit"]).strip(), period, lang)
    allowed = [key for key in keys if may_comment(user, key)]
    if not allowed:
        raise ApiError(403, "forbidden", t("forbidden", lang))
    if len(allowed) > 1:
        raise ApiError(400, "ambiguous_unit", t("api_ambiguous_unit", lang, value=body["unit"]))
    indicator = str(body["indicator"]).strip()
    if indicator not in data.indicator_names(wh, lang):
        raise ApiError(400, "bad_parameter", t("api_unknown_indicator", lang, value=indicator))
    # an empty or too long text is the engine's to refuse (400)
    made = engine_call(lambda: add_comment(_ops_db(), user, allowed[0], indicator, period, str(body.get("text") or ""),
                                           address()), lang)
    return _json({"seq": made.seq, "unit_key": made.unit_key, "indicator_code": made.indicator_code,
                  "period": made.period, "text": made.text, "author": made.actor, "written_at": made.at}, 201)


@api.get("/comments")
def list_comments() -> Response:
    """A unit's comments (?unit=CODE, optionally ?period=), oldest first, as the pages show them
    (published: within the writer's publish interval of being written)."""
    lang = _lang()
    _caller()
    unit = (request.args.get("unit") or "").strip()
    if not unit:
        raise ApiError(400, "missing_parameter", t("api_missing_param", lang, name="unit"))
    period = _period(request.args.get("period"), "period", required=False)
    wh = _warehouse()
    rows = [row for key in _unit_keys(wh, unit, period, lang)
            for row in _records(wh.query("unit_comments", unit_key=key, period=period))]
    return _json({"count": len(rows), "comments": rows}, 200)


def _lock_json(state) -> dict:
    return {"period": state.period, "locked": state.locked, "by": state.actor, "at": state.at,
            "reason": state.reason, "contacts": state.contacts}
