"""The upload queue: where web workers and `govkpi load` leave workbooks for the one writer.

A DuckDB file has one writing process, so nobody but etl.writer opens the warehouse for
writing while it runs. A sender saves the file under uploads/<sha256>.xlsx (its name comes
from its content, never from the sender's file name, so no name can escape the folder), adds a
row to a SQLite table beside the warehouse (SQLite takes many small writes from many
processes), and may wait on the row for the writer's result."""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path

UPLOAD_SUFFIX = ".xlsx"


@dataclass(frozen=True)
class JobResult:
    """One queued file's outcome as the writer stored it (`state` 'done' once loaded)."""

    job_id: int
    state: str  # queued | loading | done
    status: str | None = None  # accepted | rejected | duplicate | forbidden | failed
    submission_id: int | None = None
    problems: list[dict] = field(default_factory=list)  # severity, sheet, cell, code, message_vi, message_en
    published: bool = False  # the read snapshot the pages use holds it
    units: int = 0  # units and values loaded
    values: int = 0
    submitted_by: str | None = None
    file_name: str | None = None
    file_sha256: str | None = None
    enqueued_at: str | None = None

    @property
    def done(self) -> bool:
        return self.state == "done"


@dataclass(frozen=True)
class QueuedFile:
    """A row the writer took: what to load and how."""

    job_id: int
    file_path: Path
    file_name: str
    submitted_by: str
    unit_hint: str | None
    period: str | None
    submitted: date | None
    province: str | None
    allowed_units: tuple[str, ...] | None = None  # a reporter's unit_keys; None: any unit


def queue_path(db_path: str | Path) -> Path:
    """Gives the queue's SQLite file beside a warehouse (or its read snapshot):
    data/warehouse.duckdb and data/warehouse.read.duckdb → data/warehouse.queue.sqlite."""
    path = Path(db_path)
    stem = path.stem[: -len(".read")] if path.stem.endswith(".read") else path.stem
    return path.with_name(stem + ".queue.sqlite")


def uploads_dir(db_path: str | Path) -> Path:
    """Gives the folder of stored uploads beside a warehouse: data/uploads/."""
    return Path(db_path).with_name("uploads")


class UploadQueue:
    """The queue of one warehouse; every call opens a short SQLite connection (safe across
    processes and threads)."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = Path(db_path)
        self.path = queue_path(db_path)
        self.uploads = uploads_dir(db_path)
        with self._connect() as con:
            _migrate(con)
            con.executescript(_schema())

    def enqueue(self, path: str | Path, submitted_by: str, unit_hint: str | None = None,
                period: str | None = None, submitted: date | None = None, province: str | None = None,
                file_name: str | None = None, allowed_units: list[str] | None = None) -> int:
        """Stores a copy of the workbook under uploads/<sha256>.xlsx and queues it; gives its job id.
        `allowed_units` (a reporter's unit_keys) makes the writer refuse a file holding any other unit."""
        source = Path(path)
        digest = _sha256(source)
        stored = self.uploads / f"{digest}{UPLOAD_SUFFIX}"
        if not stored.exists():
            self.uploads.mkdir(parents=True, exist_ok=True)
            handle, staging = tempfile.mkstemp(dir=self.uploads, suffix=".part")
            with os.fdopen(handle, "wb") as out, source.open("rb") as into:
                while block := into.read(1 << 20):
                    out.write(block)
            os.replace(staging, stored)  # a reader of uploads/ never sees half a file
        params = {"file_path": str(stored), "file_name": safe_name(file_name or source.name, digest),
                  "file_sha256": digest, "submitted_by": submitted_by, "unit_hint": unit_hint, "period": period,
                  "submitted": submitted.isoformat() if submitted else None, "province": province,
                  "allowed_units": json.dumps(sorted(allowed_units)) if allowed_units is not None else None,
                  "now": _now()}
        with self._connect() as con:
            return con.execute(_statement("enqueue"), params).fetchone()[0]

    def wait(self, job_id: int, timeout: float, published: bool = False, poll: float = 0.1) -> JobResult:
        """Gives the job's result once the writer has loaded it (and published it, when asked),
        or its state so far when `timeout` seconds pass first."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.result(job_id)
            if result.done and (result.published or not published) or time.monotonic() >= deadline:
                return result
            time.sleep(poll)

    def result(self, job_id: int) -> JobResult:
        """Gives the job's state and, when done, its result."""
        with self._connect() as con:
            row = con.execute(_statement("job"), {"job_id": job_id}).fetchone()
        if row is None:
            raise KeyError(job_id)
        _, state, status, submission_id, result_json, published_at, submitted_by, file_name, digest, enqueued = row
        stored = json.loads(result_json) if result_json else {}
        return JobResult(job_id, state, status, submission_id, stored.get("problems", []), published_at is not None,
                         stored.get("units", 0), stored.get("values", 0), submitted_by, file_name, digest, enqueued)

    def unpublished_job(self, submission_id: int) -> int | None:
        """Gives the job that loaded this submission while the writer has not published it yet:
        the pages and a reviewer's decision read the snapshot, which holds it a moment later."""
        with self._connect() as con:
            row = con.execute(_statement("unpublished_job"), {"submission_id": submission_id}).fetchone()
        return row[0] if row else None

    def jobs_by(self, submitted_by: str, limit: int = 50) -> list[JobResult]:
        """Gives a sender's latest jobs, newest first."""
        with self._connect() as con:
            rows = con.execute(_statement("jobs_by"), {"submitted_by": submitted_by, "limit": limit}).fetchall()
        return [self.result(row[0]) for row in rows]

    def recent_jobs(self, limit: int = 100) -> list[JobResult]:
        """Gives every sender's latest jobs, newest first (for an admin's history)."""
        with self._connect() as con:
            rows = con.execute(_statement("recent_jobs"), {"limit": limit}).fetchall()
        return [self.result(row[0]) for row in rows]

    def stored_file(self, job_id: int) -> Path | None:
        """Gives the stored copy of a job's workbook, when it is still kept."""
        result = self.result(job_id)
        path = self.uploads / f"{result.file_sha256}{UPLOAD_SUFFIX}"
        return path if result.file_sha256 and path.exists() else None

    def pending(self) -> int:
        """Gives how many jobs are queued or loading."""
        with self._connect() as con:
            return con.execute(_statement("pending")).fetchone()[0]

    # The writer's side ------------------------------------------------------------------------

    def take(self, limit: int = 1000) -> list[QueuedFile]:
        """Marks up to `limit` queued jobs as loading and gives them, oldest first."""
        with self._connect() as con:
            rows = con.execute(_statement("take"), {"now": _now(), "limit": limit}).fetchall()
        return sorted((QueuedFile(r[0], Path(r[1]), r[2], r[3], r[4], r[5],
                                  date.fromisoformat(r[6]) if r[6] else None, r[7],
                                  tuple(json.loads(r[8])) if r[8] is not None else None) for r in rows),
                      key=lambda job: job.job_id)

    def finish(self, job_id: int, status: str, submission_id: int | None, result: dict) -> None:
        """Stores a job's result on its row."""
        with self._connect() as con:
            con.execute(_statement("finish"), {"job_id": job_id, "status": status, "submission_id": submission_id,
                                               "result_json": json.dumps(result, ensure_ascii=False),
                                               "now": _now()})

    def forget_refused_file(self, job_id: int) -> None:
        """Deletes the stored copy of a forbidden upload (another unit's figures) unless another
        job still needs the same file: nothing of a refused sender's file is kept."""
        result = self.result(job_id)
        with self._connect() as con:
            needed = con.execute(_statement("file_still_needed"), {"file_sha256": result.file_sha256}).fetchone()[0]
        if not needed:
            (self.uploads / f"{result.file_sha256}{UPLOAD_SUFFIX}").unlink(missing_ok=True)

    def mark_published(self) -> None:
        """Marks every loaded job as visible: the snapshot just swapped in holds it."""
        with self._connect() as con:
            con.execute(_statement("mark_published"), {"now": _now()})

    def requeue_interrupted(self) -> None:
        """Puts back jobs a killed writer left half-done (their transaction rolled back)."""
        with self._connect() as con:
            con.execute(_statement("requeue_interrupted"))

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)  # autocommit: one statement each
        con.execute("PRAGMA busy_timeout = 30000")
        return _Closing(con)


def safe_name(name: str, digest: str) -> str:
    """Gives a file name to show and record: the base name only, no folder, no control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base if base and base not in (".", "..") else f"{digest[:12]}{UPLOAD_SUFFIX}"


class _Closing:
    """A SQLite connection that closes at the end of a `with` block (sqlite3's own only commits)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def __enter__(self) -> sqlite3.Connection:
        return self.con

    def __exit__(self, *exc: object) -> None:
        self.con.close()

    def execute(self, *args, **kwargs):
        return self.con.execute(*args, **kwargs)


def _migrate(con) -> None:
    """Brings a queue file of an earlier version up to date: the allowed_units column and the
    'forbidden' status (SQLite cannot alter a CHECK, so the table is rebuilt, rows kept)."""
    row = con.execute("SELECT sql FROM sqlite_master WHERE name = 'upload_jobs'").fetchone()
    if row is None or "forbidden" in row[0]:
        return
    columns = [c[1] for c in con.execute("PRAGMA table_info(upload_jobs)").fetchall()]
    con.execute("BEGIN IMMEDIATE")
    con.execute("ALTER TABLE upload_jobs RENAME TO upload_jobs_old")
    con.execute("DROP INDEX IF EXISTS upload_jobs_state")
    for statement in _schema().split(";"):  # the schema file keeps ';' out of its comments
        if statement.strip() and "PRAGMA" not in statement:
            con.execute(statement)
    kept = ", ".join(columns)
    con.execute(f"INSERT INTO upload_jobs ({kept}) SELECT {kept} FROM upload_jobs_old")
    con.execute("DROP TABLE upload_jobs_old")
    con.execute("COMMIT")


def _schema() -> str:
    return files("ops").joinpath("sql/queue_schema.sql").read_text(encoding="utf-8")


_STATEMENTS: dict[str, str] = {}


def _statement(name: str) -> str:
    """Gives the named statement of ops/sql/queue.sql."""
    if not _STATEMENTS:
        text = files("ops").joinpath("sql/queue.sql").read_text(encoding="utf-8")
        for block in re.split(r"^-- name: ", text, flags=re.M)[1:]:
            key, _, body = block.partition("\n")
            _STATEMENTS[key.strip()] = body.strip()
    return _STATEMENTS[name]


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _now() -> str:
    return datetime.now().isoformat(timespec="milliseconds")
