"""Uploads from the browser: the upload form's POST and the downloadable error report, as Flask
routes (state changes never go through a Dash callback; see auth._gate).

POST /nop-bao-cao/tai-len takes one or many workbooks, sends each through dashboard.submitting
(the same door as the API), then redirects (303) to /nop-bao-cao?lan=<job ids>, so a reload
sends nothing twice. GET /nop-bao-cao/bao-cao-loi/<job_id> gives the sender (or an admin) the
error report of one job: their own workbook with the problems marked."""
from __future__ import annotations

import io
import secrets
from pathlib import Path, PurePath
from urllib.parse import urlencode

from flask import Flask, Response, abort, redirect, request, send_file, session

from dashboard.auth import require
from dashboard.submitting import submit
from exports.error_report import error_report
from ops.accounts import UPLOAD_ROLES, User
from ops.queue import JobResult, UploadQueue
from vocab.i18n import norm_lang, t
from vocab.periods import parse_code

PAGE_PATH = "/nop-bao-cao"
POST_PATH = "/nop-bao-cao/tai-len"
REPORT_PATH = "/nop-bao-cao/bao-cao-loi/"
JOBS_PARAM = "lan"          # ?lan=12,13: the jobs of the upload just sent
REFUSED_PARAM = "lo"        # ?lo=<key>: the files refused at the door, kept in the session under that key
REFUSED_SESSION = "govkpi_refused_uploads"
MAX_REFUSED_KEPT = 5        # the session is a cookie (a browser drops one over 4 kB, and the login with it)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUSES = ("accepted", "rejected", "duplicate", "forbidden", "failed", "refused")


def register_uploads(server: Flask, db_path: str) -> None:
    """Adds the upload POST and the error report download to the dashboard's Flask server."""
    server.config["GOVKPI_UPLOAD_DB"] = db_path  # the queue and uploads/ lie beside it (or its snapshot)

    @server.post(POST_PATH)
    def upload_post() -> Response:
        user = require(UPLOAD_ROLES)
        lang = norm_lang(request.args.get("lang") or request.form.get("lang"))
        files = [f for f in request.files.getlist("file") if f and f.filename]
        period, refused, job_ids = _period(request.form.get("period")), [], []
        if not files:
            refused.append({"file_name": "", "problems": [_problem(t("upload_no_file", "vi"), t("upload_no_file", "en"))]})
        elif isinstance(period, dict):  # a period that does not parse: no file is queued
            refused += [{"file_name": PurePath(f.filename).name, "problems": [period]} for f in files]
        else:
            for sent in files:
                outcome = submit(sent.stream, sent.filename, user, db_path, period=period)
                if outcome.job_id is None:
                    refused.append({"file_name": outcome.file_name, "problems": outcome.problems})
                else:
                    job_ids.append(outcome.job_id)
        return redirect(_result_url(job_ids, refused, lang), 303)

    @server.get(REPORT_PATH + "<int:job_id>")
    def error_report_download(job_id: int) -> Response:
        user = require(UPLOAD_ROLES)
        queue = UploadQueue(db_path)
        result = job_for(queue, user, job_id)
        stored = queue.stored_file(job_id)
        body = error_report(stored.read_bytes() if stored else None, result.problems, result.file_name)
        name = f"{Path(result.file_name or 'tep').stem}_bao-cao-loi.xlsx"
        return send_file(io.BytesIO(body), mimetype=XLSX, as_attachment=True, download_name=name)


def job_for(queue: UploadQueue, user: User, job_id: int) -> JobResult:
    """Gives a job the user may see (its sender, or an admin), or stops the request: 403 for
    anyone else, whether the job exists or not (no probing of other senders' ids); 404 for an
    admin asking a job that does not exist."""
    try:
        result = queue.result(job_id)
    except KeyError:
        result = None
    if user.role == "admin":
        if result is None:
            abort(Response(t("error_report_not_found", _lang()), 404, mimetype="text/plain; charset=utf-8"))
        return result
    if result is None or result.submitted_by != user.name:
        abort(Response(t("forbidden", _lang()), 403, mimetype="text/plain; charset=utf-8"))
    return result


def visible_jobs(queue: UploadQueue, user: User, job_ids: list[int]) -> list[JobResult]:
    """Gives the jobs among job_ids the user may see, in that order (others are left out silently)."""
    shown = []
    for job_id in job_ids:
        try:
            result = queue.result(job_id)
        except KeyError:
            continue
        if user.role == "admin" or result.submitted_by == user.name:
            shown.append(result)
    return shown


def history(queue: UploadQueue, user: User, limit: int = 50) -> list[JobResult]:
    """Gives the user's upload history, newest first: a reporter's own jobs, every job for an admin."""
    return queue.recent_jobs(limit) if user.role == "admin" else queue.jobs_by(user.name, limit)


def status_of(result: JobResult) -> str:
    """Gives the word key of a job's state: a final status, or 'processing' while queued or loading."""
    return result.status if result.done and result.status in STATUSES else "processing"


def refused_outcomes(key: str | None) -> list[dict]:
    """Gives the files of the last upload refused at the door (never queued), when `key` is its key."""
    kept = session.get(REFUSED_SESSION) or {}
    return list(kept.get("outcomes", [])) if key and kept.get("key") == key else []


# Helpers ------------------------------------------------------------------------------------


def _result_url(job_ids: list[int], refused: list[dict], lang: str) -> str:
    query: dict[str, str] = {}
    if job_ids:
        query[JOBS_PARAM] = ",".join(str(j) for j in job_ids)
    if refused:
        key = secrets.token_urlsafe(6)
        kept = [{"file_name": item["file_name"][:120],
                 "problems": [{k: p.get(k) for k in ("severity", "code", "message_vi", "message_en")}
                              for p in item["problems"][:2]]} for item in refused[:MAX_REFUSED_KEPT]]
        session[REFUSED_SESSION] = {"key": key, "outcomes": kept}
        query[REFUSED_PARAM] = key
    if lang == "en":
        query["lang"] = "en"
    return request.script_root + PAGE_PATH + ("?" + urlencode(query) if query else "")


def _period(value: str | None) -> str | None | dict:
    """Gives the period code typed in the form, None when empty, or a problem when it does not parse."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parse_code(value).code
    except ValueError:
        return _problem(t("upload_bad_period", "vi", period=value), t("upload_bad_period", "en", period=value))


def _problem(message_vi: str, message_en: str) -> dict:
    return {"severity": "error", "sheet": None, "cell": None, "code": "upload_form",
            "message_vi": message_vi, "message_en": message_en}


def _lang() -> str:
    return norm_lang(request.args.get("lang"))
