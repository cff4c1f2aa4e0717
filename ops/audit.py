"""The audit trail: who did what, when, from which address, and what changed.

Append-only: `record` is the one statement that writes it (an INSERT), and SQLite triggers
(ops/sql/review_schema.sql) refuse any UPDATE or DELETE. A change and its audit row are
written in ONE transaction: callers pass the connection of their own transaction
(`ops.store.transaction`), so there is never a change without its row, nor a row without its
change. Recorded: uploads (the writer, with the load's outcome), supersessions, review
decisions, locks and unlocks, comments, account and token changes, and every export."""
from __future__ import annotations

import json
import sqlite3
import unicodedata
from dataclasses import dataclass

from ops.store import OpsDb, connection, now_text, transaction

ACTIONS = ("upload", "supersede", "review_accept", "review_send_back", "lock", "unlock", "comment",
           "user_add", "user_remove", "user_passwd", "token_create", "export",
           "dti_value", "dti_evidence", "dti_signoff", "dti_rank")  # the DTI self-assessment (ops/dti.py)
SYSTEM = "system"  # the actor of a change made with no account named (a script, the writer on its own)


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    at: str
    actor: str
    role: str | None
    address: str | None
    action: str
    unit_key: str | None
    period: str | None
    indicator_code: str | None
    metric_code: str | None
    submission_id: int | None
    detail: dict

    def as_json(self) -> dict:
        return dict(self.__dict__)


def record(con: sqlite3.Connection, action: str, actor: str | None, role: str | None = None,
           address: str | None = None, unit_key: str | None = None, period: str | None = None,
           indicator_code: str | None = None, metric_code: str | None = None,
           submission_id: int | None = None, detail: dict | None = None) -> int:
    """Appends one event on the caller's connection (inside its transaction); gives its seq."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)
    row = con.execute(
        "INSERT INTO audit_events (at, actor, role, address, action, unit_key, period, indicator_code, "
        "metric_code, submission_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
        (now_text(), unicodedata.normalize("NFC", actor or SYSTEM), role, address, action, unit_key, period,
         indicator_code, metric_code, submission_id, unicodedata.normalize("NFC", text))).fetchone()
    return row[0]


def record_now(db: OpsDb, action: str, actor: str | None, **fields) -> int:
    """Appends one event in a transaction of its own (an event that changes nothing else: an export)."""
    with transaction(db) as con:
        return record(con, action, actor, **fields)


def record_export(db: OpsDb, kind: str, period: str, actor: str | None, role: str | None = None,
                  address: str | None = None, file_name: str | None = None, lang: str = "vi") -> int:
    """Records an export: `govkpi export` calls it, and so will the download routes."""
    return record_now(db, "export", actor, role=role, address=address, period=period,
                      detail={"kind": kind, "file": file_name, "lang": lang})


def events(db: OpsDb, unit_key: str | None = None, period: str | None = None, action: str | None = None,
           actor: str | None = None, limit: int | None = None) -> list[AuditEvent]:
    """Gives the trail in order (oldest first), filtered; the latest `limit` when given."""
    with connection(db) as con:
        rows = con.execute(_EVENTS, {"unit_key": unit_key, "period": period, "action": action, "actor": actor,
                                     "limit": limit if limit is not None else -1}).fetchall()
    return [AuditEvent(r["seq"], r["at"], r["actor"], r["role"], r["address"], r["action"], r["unit_key"],
                       r["period"], r["indicator_code"], r["metric_code"], r["submission_id"],
                       json.loads(r["detail"] or "{}")) for r in reversed(rows)]


def _read_events_sql() -> str:
    from importlib.resources import files
    return files("ops").joinpath("sql/audit_events.sql").read_text(encoding="utf-8")


_EVENTS = _read_events_sql()
