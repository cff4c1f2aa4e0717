"""Keeps the derived tables (current values, derived periods, unit indicators) current.

Each accepted file records the (unit, period) pairs it touched in `pending_refresh` inside
its own transaction; one refresh at the end of a load recomputes exactly those pairs (and
their half-years and years) in one transaction. Recomputing per file would cost more than
reading the file; a load killed before its refresh is finished by the next load."""
from __future__ import annotations

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
    """Recomputes the derived rows of every pending (unit, period); gives how many pairs."""
    pending = con.execute("SELECT count(*) FROM pending_refresh").fetchall()[0][0]
    if not pending:
        return 0
    con.execute("BEGIN")
    try:
        con.execute(_TOUCHED)
        script = "\n".join(line for line in contract_sql("derived.sql").splitlines() if not line.lstrip().startswith("--"))
        for statement in script.split(";"):
            if statement.strip():
                con.execute(statement)
        con.execute("DROP TABLE touched")
        con.execute("DELETE FROM pending_refresh")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return pending


def rebuild_all(con: duckdb.DuckDBPyConnection) -> int:
    """Recomputes every derived row from the reported values (after a catalog change)."""
    con.execute("INSERT INTO pending_refresh SELECT DISTINCT unit_key, period FROM reported_values")
    return refresh_pending(con)
