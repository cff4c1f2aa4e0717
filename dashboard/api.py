"""The JSON API for machines (the province's data-sharing platform, scripts): send a workbook,
list and read submissions, read the figures the pages show. Mounted at /api/v1 on the
dashboard's Flask server, behind the same sign-in (a Bearer token from `govkpi token create`).

Every answer is JSON; an error is {"error": {"code", "message"}} with the message in Vietnamese
(English with ?lang=en), never a traceback. Workbooks go through dashboard.submitting, the same
door as the upload page; figures come from the queries the pages use (dashboard.data)."""
from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

import pandas as pd
from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from dashboard import data
from dashboard.auth import current_user
from dashboard.submitting import WAIT_S, Outcome, outcome_of, submit
from ops.accounts import ALL_UNITS_ROLES, UPLOAD_ROLES, User, may_see_unit
from ops.intake import MAX_FILE_BYTES
from ops.queue import UploadQueue
from vocab.i18n import norm_lang, t
from vocab.levels import LEVELS, level_name
from vocab.periods import parse_code
from warehouse.reader import Warehouse, WarehouseUnavailable

PREFIX = "/api/v1"
# What became of a sent file → the HTTP status that says it (a refusal at the door: by its code).
STATUS_CODES = {"accepted": 201, "duplicate": 200, "rejected": 422, "forbidden": 403, "queued": 202,
                "failed": 500}
REFUSAL_CODES = {"too_large": 413}  # any other refusal at the door is the file's type: 415
LIST_LIMIT, MOST_LISTED = 200, 2000
# A multipart body carries a little more than its file: past this the request is refused unread.
MAX_BODY_BYTES = MAX_FILE_BYTES + (1 << 20)
log = logging.getLogger(__name__)

api = Blueprint("govkpi_api", __name__, url_prefix=PREFIX)


class ApiError(Exception):
    """A refusal the caller caused: an HTTP status, a code and the message in the caller's language."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def register_api(server: Flask) -> None:
    """Mounts the API on the dashboard's Flask server, with JSON answers for unknown API paths."""
    server.register_blueprint(api)
    for status in (404, 405):
        server.register_error_handler(status, _routing_error)


# Routes -------------------------------------------------------------------------------------

@api.post("/submissions")
def post_submission() -> Response:
    """Checks, loads and answers one workbook (multipart field `file`; optional `period`, `submitted`)."""
    lang = _lang()
    user = _caller(UPLOAD_ROLES)
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", t("api_too_large", lang, most=MAX_FILE_BYTES // (1 << 20)))
    sent = request.files.get("file")
    if sent is None:
        raise ApiError(400, "no_file", t("api_no_file", lang))
    period = _period(request.form.get("period"), "period", required=False)
    submitted = _day(request.form.get("submitted"))
    most = current_app.config.get("GOVKPI_SUBMIT_WAIT_S", WAIT_S)
    outcome = submit(sent.stream, sent.filename, user, _warehouse().path, period, submitted,
                     wait_s=_wait(request.form.get("wait"), most))
    answer = _json(outcome.as_json(lang), _status_of(outcome))
    if outcome.status == "queued" and outcome.job_id is not None:
        answer.headers["Location"] = f"{request.script_root}{PREFIX}/jobs/{outcome.job_id}"
        answer.headers["Retry-After"] = "2"
    return answer


@api.get("/jobs/<int:job_id>")
def get_job(job_id: int) -> Response:
    """Gives what became of a queued file: 202 while it waits for the writer, then 200 with its
    status, submission and problems. Only its sender and admins may ask (403 for any other id,
    known or not, so ids cannot be probed)."""
    lang = _lang()
    user = _caller(UPLOAD_ROLES)
    try:
        result = UploadQueue(_warehouse().path).result(job_id)
    except KeyError:
        result = None
    if user.role != "admin" and (result is None or result.submitted_by != user.name):
        raise ApiError(403, "forbidden", t("api_job_forbidden", lang, value=job_id))
    if result is None:
        raise ApiError(404, "not_found", t("api_job_unknown", lang, value=job_id))
    body = outcome_of(result).as_json(lang)
    body["state"] = result.state
    answer = _json(body, 200 if result.done else 202)
    if not result.done:
        answer.headers["Retry-After"] = "2"
    return answer


@api.get("/submissions")
def list_submissions() -> Response:
    """Gives the caller's visible submissions, newest first (?unit=CODE, ?period=2025Q3, ?limit=)."""
    lang = _lang()
    user = _caller()
    wh = _warehouse()
    period = _period(request.args.get("period"), "period", required=False)
    units = None
    if request.args.get("unit"):
        units = _unit_keys(wh, request.args["unit"].strip(), period, lang)
        units = [key for key in units if may_see_unit(user, key)]
        if not units:
            raise ApiError(403, "forbidden", t("api_unit_forbidden", lang, value=request.args["unit"].strip()))
    rows = _submissions(wh, user, units=units, period=period, limit=_limit(lang))
    for row in rows:
        row.pop("visible", None)
    return _json({"count": len(rows), "submissions": rows}, 200)


@api.get("/submissions/<int:submission_id>")
def get_submission(submission_id: int) -> Response:
    """Gives one submission with its problems: 404 when unknown, 403 when not the caller's to see."""
    lang = _lang()
    user = _caller()
    wh = _warehouse()
    rows = _submissions(wh, user, submission=submission_id, limit=1)
    if not rows:
        raise ApiError(404, "not_found", t("api_submission_unknown", lang, value=submission_id))
    row = rows[0]
    if not row.pop("visible"):
        raise ApiError(403, "forbidden", t("api_submission_forbidden", lang, value=submission_id))
    issues = _records(wh.query("api_submission_issues", submission=submission_id))
    row["problems"] = [{"severity": i["severity"], "sheet": i["sheet"], "cell": i["cell"], "code": i["code"],
                        "message": i["message_en" if lang == "en" else "message_vi"]} for i in issues]
    return _json(row, 200)


@api.get("/indicators")
def indicators() -> Response:
    """Gives the figures the pages show for a period and a level, one entry per indicator."""
    lang = _lang()
    _caller()
    period = _period(request.args.get("period"), "period", required=True)
    level = (request.args.get("level") or "").strip()
    if not level:
        raise ApiError(400, "missing_parameter", t("api_missing_param", lang, name="level"))
    if level not in LEVELS:
        raise ApiError(400, "bad_parameter", t("api_bad_level", lang, value=level))
    wh = _warehouse()
    names = data.indicator_names(wh, lang)
    frame = data.progress(wh, [period])
    frame = frame[frame["level"] == level]
    rows = {row["indicator_code"]: row for row in _records(frame)}
    answer: dict[str, Any] = {"period": period, "period_label": parse_code(period).label(lang), "level": level,
                              "indicators": [_indicator(code, name, rows[code]) for code, name in names.items()
                                             if code in rows]}
    if not answer["indicators"]:
        answer["message"] = t("api_no_data", lang, period=parse_code(period).label(lang),
                              level=level_name(level, lang))
    return _json(answer, 200)


@api.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str) -> Response:
    """Any other address under /api/v1 (else Dash's page route would answer it with HTML)."""
    raise ApiError(404, "not_found", t("api_not_found", _lang()))


@api.errorhandler(ApiError)
def refused(error: ApiError) -> Response:
    return _error(error.status, error.code, error.message)


@api.errorhandler(WarehouseUnavailable)
def unavailable(error: WarehouseUnavailable) -> Response:
    return _error(503, "unavailable", t("api_unavailable", _lang()))


@api.errorhandler(Exception)
def failed(error: Exception) -> Response:
    if isinstance(error, HTTPException):  # e.g. abort() from the sign-in helpers: keep its status
        return _error(error.code or 500, "http_error", t("api_failed", _lang()) if (error.code or 500) >= 500
                      else error.description or "")
    log.exception("API request failed: %s %s", request.method, request.path)
    return _error(500, "failed", t("api_failed", _lang()))


# Helpers ------------------------------------------------------------------------------------

def _caller(roles: tuple[str, ...] | None = None) -> User:
    """Gives the signed-in caller; 401 without one, 403 when the role is not among `roles`."""
    user = current_user()
    if user is None:
        raise ApiError(401, "unauthorized", t("need_login", _lang()))
    if roles is not None and user.role not in roles:
        raise ApiError(403, "forbidden", t("forbidden", _lang()))
    return user


def _submissions(wh: Warehouse, user: User, units: list[str] | None = None, period: str | None = None,
                 submission: int | None = None, limit: int = LIST_LIMIT) -> list[dict]:
    """Runs api_submissions for the caller: every unit for roles that see all, else their units
    and what they sent (the rule lives in the query)."""
    visible = None if user.role in ALL_UNITS_ROLES else list(user.units)
    frame = wh.query("api_submissions", visible_units=visible, submitted_by=user.name, units=units,
                     period=period, submission=submission, limit=limit)
    rows = _records(frame)
    for row in rows:
        row["periods"] = row["periods"].split(",") if row["periods"] else []
    return rows


def _unit_keys(wh: Warehouse, code: str, period: str | None, lang: str) -> list[str]:
    """Gives the unit_keys a unit code (or unit_key) names in the period's era (every era without one)."""
    era = parse_code(period).era() if period else "both"
    frame = wh.query("unit_lookup", unit=code)
    keys = [row["unit_key"] for row in frame.to_dict("records")
            if row["exact_key"] or era == "both" or row["era"] == era]
    if not keys:
        where = "" if era == "both" else (f" trong kỳ {parse_code(period).label('vi')}" if lang == "vi"
                                           else f" in {parse_code(period).label('en')}")
        raise ApiError(400, "unknown_unit", t("api_unknown_unit", lang, value=code, era=where))
    return keys


def _indicator(code: str, name: str, row: dict) -> dict:
    """One indicator's figures for a level, named as the API documents them."""
    return {"indicator_code": code, "name": name, "rate": row["value"], "numerator": _count(row["numerator"]),
            "denominator": _count(row["denominator"]), "target": row["target"], "expected": row["expected"],
            "plan_code": row["plan_code"], "doc_number": row["doc_number"],
            "deadline": row["deadline"][:10] if row["deadline"] else None,
            "status": row["status"], "status_at_deadline": row["status_at_deadline"],
            "units_reported": _count(row["units_reporting"]), "units_expected": _count(row["units_expected"]),
            "coverage": row["coverage"], "partial": row["partial"]}


def _count(value: float | int | None) -> int | None:
    """A count read through pandas (a float beside NULLs) as the whole number it is."""
    return None if value is None else int(value)


def _period(raw: str | None, name: str, required: bool) -> str | None:
    """Gives the period's code (2025Q3) from a parameter; 400 naming it when missing or invalid."""
    value = (raw or "").strip()
    if not value:
        if required:
            raise ApiError(400, "missing_parameter", t("api_missing_param", _lang(), name=name))
        return None
    try:
        return parse_code(value).code
    except ValueError:
        raise ApiError(400, "bad_parameter", t("api_bad_period", _lang(), name=name, value=value)) from None


def _wait(raw: str | None, most: float) -> float:
    """Gives how long to wait for the writer: the `wait` field in seconds (0: answer 202 at once
    and let the caller ask /jobs/<id>), at most the server's own wait; 400 when not a number."""
    value = (raw or "").strip()
    if not value:
        return most
    try:
        seconds = float(value.replace(",", "."))
    except ValueError:
        raise ApiError(400, "bad_parameter", t("api_bad_wait", _lang(), value=value, most=int(most))) from None
    if not 0 <= seconds <= most or seconds != seconds:
        raise ApiError(400, "bad_parameter", t("api_bad_wait", _lang(), value=value, most=int(most)))
    return seconds


def _day(raw: str | None) -> date | None:
    value = (raw or "").strip()
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, "bad_parameter", t("api_bad_date", _lang(), value=value)) from None


def _limit(lang: str) -> int:
    raw = request.args.get("limit")
    if raw is None:
        return LIST_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MOST_LISTED:
        raise ApiError(400, "bad_parameter", t("api_bad_limit", lang, most=MOST_LISTED))
    return int(raw)


def _status_of(outcome: Outcome) -> int:
    if outcome.status == "refused":
        codes = [p.get("code") for p in outcome.problems]
        return next((REFUSAL_CODES[c] for c in codes if c in REFUSAL_CODES), 415)
    return STATUS_CODES.get(outcome.status, 500)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Gives a query's rows as JSON values: NULL/NaN → null, dates and timestamps → ISO text."""
    return json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))


def _warehouse() -> Warehouse:
    return current_app.config["GOVKPI_WAREHOUSE"]


def _lang() -> str:
    return norm_lang(request.args.get("lang"))


def _json(body: dict, status: int) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


def _error(status: int, code: str, message: str) -> Response:
    return _json({"error": {"code": code, "message": message}}, status)


def _routing_error(error: HTTPException) -> Response | HTTPException:
    """404/405 outside any route: JSON under /api/, Flask's own answer elsewhere."""
    if not request.path.startswith("/api/"):
        return error
    if error.code == 405:
        return _error(405, "method_not_allowed", t("api_method", _lang(), value=request.method))
    return _error(404, "not_found", t("api_not_found", _lang()))

