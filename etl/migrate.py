"""Brings a warehouse made by an earlier govkpi up to this version when a writer opens it:
new columns and tables, the data they derive from what is already there, and the views."""
from __future__ import annotations

import duckdb

from etl.derived import rebuild_all, refresh_pending
from etl.unit_points import install_points
from etl.unitnames import fold_name, normalise_name
from warehouse.sqlfiles import contract_sql

_COLUMNS = [("units", "name_key", "TEXT"), ("units", "fold_key", "TEXT")]


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Adds what this version's schema has and the file lacks; cheap when nothing is missing."""
    for table, column, kind in _COLUMNS:
        con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
    missing = con.execute("SELECT unit_key, short_name FROM units WHERE name_key IS NULL").fetchall()
    if missing:
        con.executemany("UPDATE units SET name_key = ?, fold_key = ? WHERE unit_key = ?",
                        [(normalise_name(short), fold_name(short).replace(" ", ""), key) for key, short in missing])
    if _empty(con, "unit_points") and not _empty(con, "units"):
        install_points(con)
    if _empty(con, "current_values") and not _empty(con, "reported_values"):
        rebuild_all(con)
    elif not _empty(con, "pending_refresh"):  # left by an earlier govkpi's load killed before its refresh
        refresh_pending(con)
    if not _empty(con, "periods"):  # a warehouse being created gets its views at the end of init
        con.execute(contract_sql("views.sql"))


def _empty(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return not con.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchall()
