"""Copies review decisions, period locks and comments from the ops file into the warehouse.

Web workers write them to the ops file at once (SQLite takes many small writers); the one
writer calls `apply_ops` on each step (and `govkpi load`, review, lock and comment commands
call it when no writer runs), so the pages and the exports, which read the warehouse's
snapshot, count them. Rows are taken by `seq` above the largest already in the warehouse,
inserted in ONE DuckDB transaction with the derived rows of the (unit, period) pairs whose
submissions were reviewed: none is applied twice, none half, and a killed writer catches up
from where its last commit stands. Times are stored in the server's local time, like loaded_at."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl.derived import refresh_in_transaction
from ops.store import OpsDb, connection


_SOURCES = {
    # warehouse table: (ops query, warehouse columns)
    "submission_reviews": ("SELECT seq, submission_id, decision, comment, actor, at FROM review_decisions "
                           "WHERE seq > ? ORDER BY seq",
                           ["seq", "submission_id", "decision", "comment", "reviewed_by", "reviewed_at"]),
    "period_locks": ("SELECT seq, period, action, reason, contacts, actor, at FROM period_locks WHERE seq > ? ORDER BY seq",
                     ["seq", "period", "action", "reason", "contacts", "actor", "changed_at"]),
    "value_comments": ("SELECT seq, unit_key, indicator_code, period, text, actor, role, at FROM value_comments "
                       "WHERE seq > ? ORDER BY seq",
                       ["seq", "unit_key", "indicator_code", "period", "text", "author", "author_role", "written_at"]),
}
_TIME_COLUMNS = {"reviewed_at", "changed_at", "written_at"}


def local_time(utc_text: str) -> datetime:
    """'2026-12-03T05:00:00.000Z' → the server's wall clock, as submissions.loaded_at is kept
    (2026-12-03 12:00:00 on a server set to Vietnam's time)."""
    return datetime.fromisoformat(utc_text.replace("Z", "+00:00")).astimezone().replace(tzinfo=None)


def start_from_now(con: duckdb.DuckDBPyConnection, ops_db: OpsDb) -> None:
    """A warehouse created anew beside an ops file that already holds decisions, locks and
    comments (of the warehouse it replaces, whose submission ids it reuses) ignores them: it
    records the ops file's current seq of each as already passed."""
    if isinstance(ops_db, (str, Path)) and not Path(ops_db).exists():
        return
    with connection(ops_db) as ops:
        for table, source in (("submission_reviews", "review_decisions"), ("period_locks", "period_locks"),
                              ("value_comments", "value_comments")):
            floor = ops.execute(f"SELECT coalesce(max(seq), 0) FROM {source}").fetchone()[0]
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [f"ops_seq_{table}", str(floor)])


def apply_ops(con: duckdb.DuckDBPyConnection, ops_db: OpsDb) -> int:
    """Applies every new decision, lock and comment of the ops file; gives how many rows."""
    if isinstance(ops_db, (str, Path)) and not Path(ops_db).exists():
        return 0
    new: dict[str, pd.DataFrame] = {}
    with connection(ops_db) as ops:
        for table, (query, columns) in _SOURCES.items():
            applied = con.execute(f"SELECT greatest(coalesce(max(seq), 0), coalesce((SELECT CAST(value AS BIGINT) "
                                  f"FROM meta WHERE key = 'ops_seq_{table}'), 0)) FROM {table}").fetchone()[0]
            rows = [tuple(r) for r in ops.execute(query, (applied,)).fetchall()]
            if rows:
                frame = pd.DataFrame(rows, columns=columns)
                for column in _TIME_COLUMNS & set(columns):
                    frame[column] = frame[column].map(local_time)
                new[table] = frame
    if not new:
        return 0
    con.execute("BEGIN")
    try:
        for table, frame in new.items():
            con.register("new_rows", frame)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM new_rows")
            con.unregister("new_rows")
        if "submission_reviews" in new:
            reviewed = new["submission_reviews"][["submission_id"]].drop_duplicates()  # read by name below
            con.execute("INSERT INTO pending_refresh SELECT DISTINCT r.unit_key, r.period FROM unit_reports r "
                        "JOIN reviewed USING (submission_id)")
            refresh_in_transaction(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return sum(len(frame) for frame in new.values())


def audit_loads(ops_db: OpsDb, con: duckdb.DuckDBPyConnection, reports, actor: str | None,
                address: str | None = None, job_ids: list[int | None] | None = None) -> None:
    """Records each file's load outcome in the audit trail (one 'upload' row per unit and period
    an accepted file reported, one for a refused file), and each submission it superseded."""
    from ops import audit
    from ops.store import transaction

    ids = [r.submission_id for r in reports if r.submission_id is not None]
    pairs: dict[int, list[tuple[str, str]]] = {}
    superseded: list[tuple[int, int, str, str]] = []
    if ids:
        for sid, unit, period in con.execute(
                "SELECT submission_id, unit_key, period FROM unit_reports WHERE list_contains($ids, submission_id) "
                "ORDER BY submission_id, unit_key, period", {"ids": ids}).fetchall():
            pairs.setdefault(sid, []).append((unit, period))
        superseded = con.execute(
            "SELECT s.submission_id, s.superseded_by, r.unit_key, r.period FROM submissions s "
            "JOIN unit_reports r USING (submission_id) WHERE list_contains($ids, s.superseded_by) "
            "ORDER BY s.submission_id", {"ids": ids}).fetchall()
    job_ids = job_ids or [None] * len(reports)
    with transaction(ops_db) as ops:
        for report, job_id in zip(reports, job_ids):
            detail = {"file": report.file, "status": report.status, "units": report.units, "values": report.values,
                      "job_id": job_id, "problems": sorted({i.code for i in report.issues})}
            for unit, period in pairs.get(report.submission_id) or report.refused_unit_periods or [(None, None)]:
                audit.record(ops, "upload", actor, address=address, unit_key=unit, period=period,
                             submission_id=report.submission_id, detail=detail)
        for earlier, later, unit, period in superseded:
            audit.record(ops, "supersede", actor, address=address, unit_key=unit, period=period,
                         submission_id=earlier, detail={"superseded_by": later})
