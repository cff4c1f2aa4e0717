"""Keeps the derived tables (current values, derived periods, unit indicators) current.

Each load group records the (unit, period) pairs it touched in `pending_refresh` and, in the
same transaction, recomputes exactly those pairs (and their half-years and years) and empties
the table: a reader never sees a committed file without its derived rows, even after a kill
between groups. `refresh_pending` in its own transaction is the recovery path for a warehouse
left by an earlier govkpi, which refreshed once at the end of a load."""
from __future__ import annotations

import hashlib

import duckdb

from warehouse.sqlfiles import contract_sql

_TOUCHED = """
CREATE OR REPLACE TEMP TABLE touched AS
SELECT DISTINCT unit_key, period FROM (
    SELECT unit_key, period FROM pending_refresh
    UNION ALL
    SELECT r.unit_key, pp.period FROM pending_refresh r JOIN period_parts pp ON pp.quarter = r.period
)
"""


def refresh_pending(con: duckdb.DuckDBPyConnection) -> int:
    """Recomputes the derived rows of every pending (unit, period) in a transaction of its own;
    gives how many pairs."""
    pending = con.execute("SELECT count(*) FROM pending_refresh").fetchall()[0][0]
    if not pending:
        return 0
    con.execute("BEGIN")
    try:
        refresh_in_transaction(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return pending


def refresh_in_transaction(con: duckdb.DuckDBPyConnection) -> None:
    """Recomputes the derived rows of every pending (unit, period) and empties `pending_refresh`,
    inside the caller's transaction (so they commit, or vanish, with the writes that caused them)."""
    con.execute(_TOUCHED)
    for statement in _derived_statements():
        con.execute(statement)
    con.execute("DROP TABLE touched")
    con.execute("DELETE FROM pending_refresh")
    refresh_kept_progress(con, after_load=True)


# targets_in_force reads the plans, their targets and the periods, never a reported value:
# a load group rebuilds its kept table only when these differ from what it was built from.
_TARGET_INPUTS = """
SELECT (SELECT count(*) || ':' || coalesce(sum(hash(t)), 0) FROM targets t) || '/'
    || (SELECT count(*) || ':' || coalesce(sum(hash(p)), 0) FROM plans p) || '/'
    || (SELECT count(*) || ':' || coalesce(sum(hash(p)), 0) FROM periods p)
"""


def refresh_kept_progress(con: duckdb.DuckDBPyConnection, after_load: bool = False) -> None:
    """Rebuilds the kept progress tables (warehouse/sql/kept_progress.sql) from their views, in
    the caller's transaction: the views read every period, so they are kept whole. Notes which
    rules built them (meta 'kept_progress_rules'), so a govkpi with other views rebuilds them.
    `after_load`: a load group's refresh, which skips the targets in force when the plans,
    targets and periods they are built from are unchanged (meta 'targets_in_force_inputs')."""
    inputs = con.execute(_TARGET_INPUTS).fetchone()[0]
    unchanged = after_load and con.execute(
        "SELECT value FROM meta WHERE key = 'targets_in_force_inputs'").fetchall() == [(inputs,)]
    for statement in _statements("kept_progress.sql"):
        if unchanged and "targets_in_force_kept" in statement:
            continue
        con.execute(statement)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('kept_progress_rules', ?), ('targets_in_force_inputs', ?)",
                [kept_progress_rules(), inputs])


def kept_progress_rules() -> str:
    """Gives a digest of the views and the script the kept progress tables are built by."""
    text = contract_sql("views.sql") + contract_sql("kept_progress.sql")
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def rebuild_all(con: duckdb.DuckDBPyConnection) -> int:
    """Recomputes every derived row from the reported values (after a catalog change)."""
    con.execute("INSERT INTO pending_refresh SELECT DISTINCT unit_key, period FROM reported_values")
    return refresh_pending(con)


def _derived_statements() -> list[str]:
    return _statements("derived.sql")


def _statements(name: str) -> list[str]:
    script = "\n".join(line for line in contract_sql(name).splitlines() if not line.lstrip().startswith("--"))
    return [statement for statement in script.split(";") if statement.strip()]
