"""Brings a warehouse made by an earlier govkpi up to this version when a writer opens it:
new columns and tables, the data they derive from what is already there, and the views."""
from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from etl.catalog import load_catalog
from etl.derived import kept_progress_rules, rebuild_all, refresh_kept_progress, refresh_pending
from etl.index_catalog import install_indices
from etl.unit_points import install_points
from etl.unitnames import fold_name, normalise_name
from vocab.periods import Period, cutoff_date, parse_code
from warehouse.reader import REFERENCE_CHANGED
from warehouse.sqlfiles import contract_sql

_COLUMNS = [("units", "name_key", "TEXT"), ("units", "fold_key", "TEXT"), ("periods", "cutoff_date", "DATE"),
            ("submissions", "needs_review", "BOOLEAN DEFAULT false")]


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Adds what this version's schema has and the file lacks; cheap when nothing is missing."""
    for table, column, kind in _COLUMNS:
        con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
    missing = con.execute("SELECT unit_key, short_name FROM units WHERE name_key IS NULL").fetchall()
    if missing:
        con.executemany("UPDATE units SET name_key = ?, fold_key = ? WHERE unit_key = ?",
                        [(normalise_name(short), fold_name(short).replace(" ", ""), key) for key, short in missing])
    _fill_period_settings(con)
    _fill_review_settings(con)
    reference_changed = _add_nine_months(con)
    if _empty(con, "index_versions") and not _empty(con, "metrics"):  # a warehouse from before the indices
        install_indices(con)
    if _empty(con, "unit_points") and not _empty(con, "units"):
        install_points(con)
        reference_changed = True
    if reference_changed:  # readers cache the calendar's and the units' queries per catalog (warehouse/reader.py)
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [REFERENCE_CHANGED, datetime.now().isoformat()])
    kept = ("current_values", "level_indicator_values", "area_indicator_values", "period_metric_totals", "reporting_counts")
    if (any(_empty(con, table) for table in kept) and not _empty(con, "reported_values")) or _lacks_unit_quarters(con):
        rebuild_all(con)
    elif not _empty(con, "pending_refresh"):  # left by an earlier govkpi's load killed before its refresh
        refresh_pending(con)
    if not _empty(con, "periods"):  # a warehouse being created gets its views at the end of init
        con.execute(contract_sql("views.sql"))
        built_by = con.execute("SELECT value FROM meta WHERE key = 'kept_progress_rules'").fetchall()
        kept_tables = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('level_progress_kept', "
                                  "'plan_progress_kept', 'targets_in_force_kept', 'reporting_completeness_kept')").fetchone()[0]
        if built_by != [(kept_progress_rules(),)] or kept_tables < 4:  # missing, or built by other views
            refresh_kept_progress(con)


def _lacks_unit_quarters(con: duckdb.DuckDBPyConnection) -> bool:
    """A warehouse from before unit_quarter_values: empty while a unit has a quarter's indicator
    (a warehouse of half-years and years only keeps it empty, and is not rebuilt for that)."""
    return _empty(con, "unit_quarter_values") and bool(con.execute(
        "SELECT 1 FROM unit_indicator_values JOIN periods USING (period) WHERE period_type = 'quarter' LIMIT 1").fetchall())


def _fill_period_settings(con: duckdb.DuckDBPyConnection) -> None:
    """Gives an older warehouse the data cut-offs and the coverage threshold of settings.yaml."""
    missing = con.execute("SELECT period FROM periods WHERE cutoff_date IS NULL").fetchall()
    has_threshold = con.execute("SELECT 1 FROM settings WHERE key = 'coverage_threshold'").fetchall()
    if not missing and (has_threshold or _empty(con, "settings")):
        return
    settings = load_catalog().settings
    if missing:
        day = settings["cutoff_day_of_last_month"]
        con.executemany("UPDATE periods SET cutoff_date = ? WHERE period = ?",
                        [(cutoff_date(parse_code(code), day), code) for (code,) in missing])
    if not has_threshold and not _empty(con, "settings"):
        con.execute("INSERT INTO settings VALUES ('coverage_threshold', ?)", [str(settings["coverage_threshold"])])


def _fill_review_settings(con: duckdb.DuckDBPyConnection) -> None:
    """Gives an older warehouse the review settings of settings.yaml (its files loaded before
    keep counting: only a file loaded while review is required waits for review)."""
    have = con.execute("SELECT count(*) FROM settings WHERE key IN ('review', 'review_swing_threshold')").fetchone()[0]
    if have == 2 or _empty(con, "settings"):
        return  # up to date, or being created (install_catalog writes them)
    settings = load_catalog().settings
    for key in ("review", "review_swing_threshold"):
        con.execute("INSERT OR IGNORE INTO settings VALUES (?, ?)", [key, str(settings[key])])


def _add_nine_months(con: duckdb.DuckDBPyConnection) -> bool:
    """Gives an older warehouse the cumulative nine months (2025Q1-Q3): its periods table is
    rebuilt with the wider CHECK (DuckDB cannot alter one), then the periods and their derived
    values are added. Whether it did."""
    checks = con.execute("SELECT constraint_text FROM duckdb_constraints() WHERE table_name = 'periods' "
                         "AND constraint_type = 'CHECK'").fetchall()
    if _empty(con, "periods") or any("nine_months" in text for (text,) in checks):
        return False
    con.execute("ALTER TABLE periods RENAME TO periods_before_nine_months")
    con.execute(contract_sql("schema.sql"))  # creates periods anew, the other tables exist
    con.execute("INSERT INTO periods SELECT * FROM periods_before_nine_months")
    con.execute("DROP TABLE periods_before_nine_months")
    settings = load_catalog().settings
    due = settings.get("due_days", {}).get("quarter", 15)
    years = [y for (y,) in con.execute("SELECT DISTINCT year FROM periods ORDER BY year").fetchall()]
    rows = []
    for year in years:
        period = Period(year, "nine_months", 1)
        rows.append((period.code, period.period_type, year, 1, period.start, period.end,
                     period.end + timedelta(days=due), period.label("vi"), period.label("en"),
                     cutoff_date(period, settings["cutoff_day_of_last_month"])))
    con.executemany("INSERT INTO periods VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.executemany("INSERT INTO period_parts VALUES (?, ?)",
                    [(code, f"{code[:4]}Q{q}") for code, *_ in rows for q in (1, 2, 3)])
    con.execute("INSERT INTO pending_refresh SELECT DISTINCT unit_key, period FROM reported_values "
                "WHERE regexp_full_match(period, '[0-9]{4}Q[1-3]')")
    refresh_pending(con)
    return True


def _empty(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return not con.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchall()
