"""The one read-only reader of the warehouse, used by the dashboard, the exports, the
notebooks and the command line: which file to open (the read snapshot when there is one), a
read-only connection that waits while a writer holds the file, and per-thread connections that
reopen when the file changes (the loader replaces the snapshot), with query results cached per
file version."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from warehouse.paths import DEFAULT_DB, reading_path, snapshot_path  # noqa: F401 (the reader's names, as before)
from warehouse.sqlfiles import query_sql

if TYPE_CHECKING:  # pandas costs ~0.3 s to import: a CLI export that never makes a frame skips it
    import pandas as pd

log = logging.getLogger(__name__)


def connect_read_only(db_path: str | Path, attempts: int = 20, wait_s: float = 0.5) -> duckdb.DuckDBPyConnection:
    """Opens the warehouse read-only, retrying while a writer holds it (a rebuild in progress)."""
    if not Path(db_path).exists():
        raise FileNotFoundError(f"Không tìm thấy kho dữ liệu: {db_path}")
    for attempt in range(attempts):
        try:
            return open_file_read_only(db_path)
        except duckdb.IOException:
            if attempt == attempts - 1:
                raise
            time.sleep(wait_s)
    raise AssertionError("unreachable")


def open_file_read_only(db_path: str | Path, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """Opens the file as it is now, read-only, as the default database of a new connection (or
    of `con`, a fresh in-memory one made ahead).

    Not `duckdb.connect(path)`: DuckDB keeps one database per path in a process, so while any
    thread still holds a connection to a snapshot that was since replaced, connect(path) hands
    out that old database again and a busy server never sees a new publish. ATTACH opens the
    file anew (the current inode); the old one lives on for whoever still reads it."""
    con = con or duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS warehouse (READ_ONLY)", [str(db_path)])
        con.execute("USE warehouse")
    except BaseException:
        con.close()
        raise
    return con


def fetch_rows(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> list[dict]:
    """Runs warehouse/queries/<name>.sql with named parameters; gives rows as dicts."""
    cursor = con.execute(query_sql(name), params) if params else con.execute(query_sql(name))
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


class _SpareInstances:
    """In-memory DuckDB instances made ahead, in a background thread: making one costs ~25 ms,
    attaching the file to it ~5 ms (measured on the national warehouse), and every new warehouse
    version needs one per serving thread, on the first request after a load."""

    def __init__(self, keep: int = 2):
        self._ready: queue.SimpleQueue = queue.SimpleQueue()
        self._keep = keep
        self._making = 0
        self._lock = threading.Lock()

    def take(self) -> duckdb.DuckDBPyConnection:
        try:
            con = self._ready.get_nowait()
        except queue.Empty:
            con = duckdb.connect(":memory:")
        self.refill()
        return con

    def refill(self) -> None:
        with self._lock:
            if self._ready.qsize() + self._making >= self._keep:
                return
            self._making += 1
        # not a daemon: DuckDB aborts the process if an instance is made or closed while the
        # interpreter shuts down; Python waits for these ~25 ms threads before it does
        threading.Thread(target=self._make, name="govkpi-spare-instance").start()

    def _make(self) -> None:
        try:
            self._ready.put(duckdb.connect(":memory:"))
        finally:
            with self._lock:
                self._making -= 1


_SPARES = _SpareInstances()


# Read queries over what only `govkpi init` writes: the catalog (plans, their targets,
# indicators, metrics), the units, their places and the period calendar. A load never changes
# them; init writes a new file with a new WAREHOUSE_ID, and an upgrade that changes the units'
# places or the calendar (etl/migrate.py) sets REFERENCE_CHANGED. They are cached per catalog,
# so the first page after a load does not read them again (the units page's map and filter).
CATALOG_QUERIES = frozenset({"plans", "plan_targets", "indicators", "catalog_metrics", "units", "unit", "unit_points"})
REFERENCE_CHANGED = "reference_changed_at"  # the meta key
WAREHOUSE_ID = "warehouse_id"  # the meta key: a new random id at each init (a warehouse older than it has created_at only)


class WarehouseUnavailable(RuntimeError):
    """The warehouse file is missing or held by a writer longer than we wait."""


class Warehouse:
    """Read access to one warehouse file: per-thread connections and cached queries."""

    def __init__(self, path: str | os.PathLike, cache: Any = None, retries: int = 10, wait: float = 0.2):
        self.path = str(path)
        self.cache = cache
        self.retries = retries
        self.wait = wait
        self._local = threading.local()
        self._catalog_of: tuple[str, str] | None = None  # (file version, catalog version) last seen

    def prepare(self) -> None:
        """Makes the spare instances now, in the background: a server calls it as it starts, so
        its first page does not make one (~25 ms)."""
        _SPARES.refill()

    def version(self) -> str:
        """Gives the file's mtime and size: a new load changes it."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError as error:
            raise WarehouseUnavailable(self.path) from error
        return f"{stat.st_mtime_ns}-{stat.st_size}"

    def connection(self) -> duckdb.DuckDBPyConnection:
        """Gives this thread's read-only connection, reopened when the file changed."""
        version = self.version()
        held = getattr(self._local, "held", None)
        if held and held[0] == version:
            return held[1]
        if held:  # closed beside the request: closing a big file's connection takes ~15 ms
            threading.Thread(target=_close, args=(held[1],), name="govkpi-close-stale").start()  # not a daemon: see _SpareInstances
        con = self._open()
        self._local.held = (version, con)
        return con

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """Gives the rows of warehouse/queries/<name>.sql with the named parameters, cached per file version."""
        version = self.version()
        if name in CATALOG_QUERIES and self.cache is not None:
            version = self._catalog_version(version)
        key = _cache_key(self.path, version, name, params)
        if self.cache is not None:
            found = self.cache.get(key)
            if found is not None:
                return found
        frame = self._run(name, params)
        if self.cache is not None:
            self.cache.set(key, frame)
        return frame

    def _catalog_version(self, version: str) -> str:
        """Gives the catalog's version in the file of `version`: which init made the warehouse,
        and when an upgrade last changed its reference tables (REFERENCE_CHANGED)."""
        if self._catalog_of and self._catalog_of[0] == version:
            return self._catalog_of[1]
        rows = self.connection().execute("SELECT string_agg(value, '|' ORDER BY key) FROM meta WHERE key IN "
                                          "('created_at', ?, ?) HAVING bool_or(key = 'created_at')",
                                          [WAREHOUSE_ID, REFERENCE_CHANGED]).fetchall()
        catalog = f"catalog-{rows[0][0]}" if rows else version
        self._catalog_of = (version, catalog)
        return catalog

    def close(self) -> None:
        held = getattr(self._local, "held", None)
        if held:
            _close(held[1])
            self._local.held = None

    def _run(self, name: str, params: dict[str, Any]) -> pd.DataFrame:
        sql = query_sql(name)
        for attempt in range(2):
            try:
                return self.connection().execute(sql, params or None).df()
            except duckdb.IOException:
                # The file was replaced under an open connection: reopen once.
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _open(self) -> duckdb.DuckDBPyConnection:
        last: Exception | None = None
        for attempt in range(self.retries):
            try:
                return open_file_read_only(self.path, _SPARES.take())
            except (duckdb.IOException, duckdb.Error) as error:  # held by the writer
                last = error
                time.sleep(self.wait * (attempt + 1))
        raise WarehouseUnavailable(f"{self.path}: {last}")


def _cache_key(path: str, version: str, name: str, params: dict[str, Any]) -> str:
    text = json.dumps([path, version, name, params], sort_keys=True, default=str)
    return "govkpi:" + hashlib.sha1(text.encode()).hexdigest()


def _close(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.close()
    except duckdb.Error:
        log.warning("closing a stale warehouse connection failed", exc_info=True)
