"""The operational SQLite file beside the warehouse: data/warehouse.duckdb → data/warehouse.ops.sqlite.

Accounts, tokens and failed logins live here, not in DuckDB: a DuckDB file has one writing
process, while several web workers each write small rows. WAL lets readers go on while one
writes; busy_timeout makes a second writer wait instead of failing."""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Iterator, Union

OpsDb = Union[str, Path, sqlite3.Connection]
BUSY_TIMEOUT_MS = 10_000
_created: set[str] = set()
_lock = threading.Lock()


def ops_path(db_path: str | Path) -> Path:
    """Gives the ops file of a warehouse (or of its read snapshot, x.read.duckdb → x.ops.sqlite)."""
    path = Path(db_path)
    stem = path.stem[: -len(".read")] if path.stem.endswith(".read") else path.stem
    return path.with_name(stem + ".ops.sqlite")


def schema_sql() -> str:
    """The ops file's tables: accounts (ops_schema.sql), then review, locks, comments, audit, and
    the DTI self-assessment."""
    return "\n".join(files("ops").joinpath(f"sql/{name}").read_text(encoding="utf-8")
                     for name in ("ops_schema.sql", "review_schema.sql", "dti_schema.sql"))


def connect(path: str | Path) -> sqlite3.Connection:
    """Opens the ops file (creating it and its tables once per process), in WAL mode."""
    con = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    con.row_factory = sqlite3.Row
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA foreign_keys = ON")
    key = str(Path(path).resolve())
    if key not in _created:
        with _lock:
            con.execute("PRAGMA journal_mode = WAL")
            con.executescript(schema_sql())
            _created.add(key)
    return con


@contextmanager
def connection(db: OpsDb) -> Iterator[sqlite3.Connection]:
    """Gives a connection for db: the one passed, or a short-lived one on the path passed."""
    if isinstance(db, sqlite3.Connection):
        yield db
        return
    con = connect(db)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(db: OpsDb) -> Iterator[sqlite3.Connection]:
    """A write transaction taken at once (BEGIN IMMEDIATE), so counters add up across workers."""
    with connection(db) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")


def setting(db: OpsDb, key: str, make) -> str:
    """Gives a stored setting, storing make() first if there is none (the first writer wins)."""
    with transaction(db) as con:
        con.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", (key, make()))
        return con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()[0]


def now_text() -> str:
    """The time an ops row records: UTC, ISO 8601 with milliseconds, so rows sort by it."""
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
