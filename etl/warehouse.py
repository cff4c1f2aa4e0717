"""The warehouse's writer: creating it for a province, opening it read-write (schema and
migrations applied), publishing the read snapshot that warehouse.reader opens, and its meta."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from etl.catalog import Catalog, catalog_frames, load_catalog
from etl.derived import kept_progress_rules, refresh_kept_progress
from etl.migrate import migrate
from etl.index_catalog import install_indices
from etl.review_sync import start_from_now
from ops.store import ops_path
from vocab.periods import Period, all_periods, cutoff_date
from warehouse.reader import WAREHOUSE_ID, connect_read_only, snapshot_path
from warehouse.sqlfiles import contract_sql



def connect(db_path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Opens the warehouse; a writer gets the schema and views applied if missing."""
    if read_only:
        return connect_read_only(db_path)
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path))
    con.execute(contract_sql("schema.sql"))
    migrate(con)
    return con


def init_warehouse(db_path: str | Path, province: str, catalog: Catalog | None = None) -> dict:
    """Creates (or recreates) the warehouse for the current province containing `province`
    (old or new name or code, or 'all'), with every predecessor's units before 1 July 2025."""
    from etl.unit_points import install_points
    from etl.units import install_units, resolve_province

    catalog = catalog or load_catalog()
    province_codes = resolve_province(None, province)
    path = Path(db_path)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = connect(path)
    try:
        con.execute("BEGIN")
        unit_counts = install_units(con, province_codes)
        unit_counts["points"] = install_points(con)
        roots = {row[0] for row in con.execute("SELECT unit_key FROM units WHERE is_root").fetchall()}
        install_catalog(con, catalog, roots)
        install_periods(con, catalog)
        con.execute(contract_sql("views.sql"))
        refresh_kept_progress(con)
        set_meta(con, "province_arg", province)
        set_meta(con, "province_codes", ",".join(province_codes))
        set_meta(con, "created_at", datetime.now().isoformat(timespec="seconds"))
        set_meta(con, WAREHOUSE_ID, uuid.uuid4().hex)  # two inits within a second differ too
        start_from_now(con, ops_path(path))  # decisions of a warehouse this one replaces do not apply
        con.execute("COMMIT")
    finally:
        con.close()
    return {"provinces": province_codes, **unit_counts}


def install_catalog(con: duckdb.DuckDBPyConnection, catalog: Catalog, root_keys: set[str]) -> None:
    """Replaces the catalog tables with the catalog's current content."""
    for table, frame in catalog_frames(catalog, root_keys).items():
        con.execute(f"DELETE FROM {table}")
        if len(frame):
            con.register("catalog_frame", frame)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM catalog_frame")
            con.unregister("catalog_frame")
    install_indices(con)
    con.execute("DELETE FROM settings")
    con.execute("INSERT INTO settings VALUES ('status_margin', ?)", [str(catalog.settings.get("status_margin", 0.1))])
    con.execute("INSERT INTO settings VALUES ('coverage_threshold', ?)", [str(catalog.settings.get("coverage_threshold", 0.8))])
    # Review, from settings.yaml; the warehouse keeps it in its own settings table, where the
    # loader and derived.sql read it (`govkpi demo` sets it with set_review: off unless --review).
    con.execute("INSERT INTO settings VALUES ('review', ?)", [catalog.settings["review"]])
    con.execute("INSERT INTO settings VALUES ('review_swing_threshold', ?)",
                [str(catalog.settings["review_swing_threshold"])])


def install_periods(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """Writes every period of the configured years with its due date."""
    due_days = catalog.settings.get("due_days", {"quarter": 15, "half": 20, "year": 30})
    cutoff_day = catalog.settings.get("cutoff_day_of_last_month", 14)
    first, last = catalog.settings.get("first_year", 2015), catalog.settings.get("last_year", 2035)
    # The nine months (Q1-Q3) are derived like half-years; they fall due with their third quarter.
    periods = all_periods(first, last) + [Period(year, "nine_months", 1) for year in range(first, last + 1)]
    due_days = {"nine_months": due_days["quarter"], **due_days}
    frame = pd.DataFrame(  # DuckDB reads the data frames below by their variable names
        [
            (p.code, p.period_type, p.year, p.number, p.start, p.end, p.end + timedelta(days=due_days[p.period_type]),
             p.label("vi"), p.label("en"), cutoff_date(p, cutoff_day))
            for p in periods
        ],
        columns=["period", "period_type", "year", "number", "start_date", "end_date", "due_date", "label_vi", "label_en",
                 "cutoff_date"],
    )
    parts = pd.DataFrame(
        [(p.code, q.code) for p in periods if p.period_type != "quarter" for q in p.quarters()],
        columns=["period", "quarter"],
    )
    con.execute("DELETE FROM periods")
    con.execute("DELETE FROM period_parts")
    con.execute("INSERT INTO periods SELECT * FROM frame")
    con.execute("INSERT INTO period_parts SELECT * FROM parts")


def publish_snapshot(db_path: str | Path, con: duckdb.DuckDBPyConnection | None = None) -> Path:
    """Copies the warehouse to its read snapshot and swaps it in atomically.

    DuckDB lets one process write a file or many read it, never both: the dashboard and the
    exports read the snapshot, so a load can run while they serve, and they see the new data
    when the file changes (they reopen on a new mtime). `con`: the caller's open writing
    connection (etl.writer keeps one), checkpointed instead of opening the file again."""
    import os
    import shutil

    path = Path(db_path)
    if con is not None:
        con.execute("CHECKPOINT")
    else:
        con = duckdb.connect(str(path))
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()
    snapshot = snapshot_path(path)
    staging = snapshot.with_name(snapshot.name + ".tmp")
    shutil.copyfile(path, staging)
    os.replace(staging, snapshot)
    return snapshot


def snapshot_outdated(db_path: str | Path) -> bool:
    """True when the read snapshot is missing or was published by a govkpi with other kept
    tables (meta 'kept_progress_rules'): its pages would ask for tables it lacks until the next
    load, so the writer publishes again as it starts."""
    snapshot = snapshot_path(Path(db_path))
    if not snapshot.exists():
        return True
    con = duckdb.connect(":memory:")  # not connect(path): see warehouse.reader.open_file_read_only
    try:
        con.execute("ATTACH ? AS snapshot (READ_ONLY)", [str(snapshot)])
        rows = con.execute("SELECT value FROM snapshot.meta WHERE key = 'kept_progress_rules'").fetchall()
    except duckdb.Error:
        return True
    finally:
        con.close()
    return rows != [(kept_progress_rules(),)]


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_review(con: duckdb.DuckDBPyConnection, mode: str) -> None:
    """Sets the warehouse's review setting ('required' | 'off'): files loaded from now on wait
    for review (or not); files loaded before keep counting as they did."""
    if mode not in ("required", "off"):
        raise ValueError(mode)
    con.execute("INSERT OR REPLACE INTO settings VALUES ('review', ?)", [mode])
