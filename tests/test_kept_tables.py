"""The sums the loader keeps for the dashboard's first look (area_indicator_values,
period_metric_totals, reporting_counts, and the progress tables of kept_progress.sql) always equal the views they stand in for, and the pages'
queries that read them (or push their filters into every part) give exactly the rows the views
give: on the demo warehouse, after a load, a reload of the same file, a later file that
supersedes an earlier one, and on an older warehouse that gains the tables when a writer opens it."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.load import Loader
from etl.warehouse import connect
from warehouse.sqlfiles import query_sql

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import CHU_SE, filled_template  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "binhdinh_huyen_q2_2021.xlsx"

# Given the views (the documented rule), expect the kept table to hold the same rows.
KEPT_EQUALS_VIEW = {
    "an area's sums are indicator_values' area rows": (
        "SELECT unit_key, period, indicator_code, numerator, denominator, units_reporting FROM area_indicator_values",
        "SELECT unit_key, period, indicator_code, numerator, denominator, units_reporting FROM indicator_values "
        "WHERE scope = 'area'"),
    "a unit's quarters are indicator_values' unit rows of the quarters": (
        "SELECT unit_key, period, indicator_code, numerator, denominator FROM unit_quarter_values",
        "SELECT unit_key, period, indicator_code, numerator, denominator FROM indicator_values "
        "WHERE scope = 'unit' AND period_type = 'quarter'"),
    "a period's metric totals are metric_values summed over every unit": (
        "SELECT period, metric_code, value, units_reporting FROM period_metric_totals",
        "SELECT period, metric_code, sum(value), count(DISTINCT unit_key) FROM metric_values GROUP BY ALL"),
    "the periods with totals are the reported periods": (
        "SELECT DISTINCT period FROM period_metric_totals", "SELECT period FROM reported_periods"),
    "who reported per period and level is reporting_completeness' count": (
        "SELECT c.period, c.level, coalesce(k.units_reported, 0), coalesce(k.units_on_time, 0) "
        "FROM reporting_completeness c LEFT JOIN reporting_counts k USING (period, level)",
        "SELECT period, level, units_reported, units_on_time FROM reporting_completeness"),
    "each level against the target in force is the level_progress view's rows": (
        "SELECT * FROM level_progress_kept", "SELECT * FROM level_progress"),
    "each level against every plan is the plan_progress view's rows": (
        "SELECT * FROM plan_progress_kept", "SELECT * FROM plan_progress"),
    "who reported per period and level is reporting_completeness' rows": (
        "SELECT period, level, units_expected, units_reported, units_on_time FROM reporting_completeness_kept",
        "SELECT period, level, units_expected, units_reported, units_on_time FROM reporting_completeness"),
    "the target in force is the targets_in_force view's rows": (
        "SELECT * FROM targets_in_force_kept", "SELECT * FROM targets_in_force"),
}

# The pages' queries as they read the views before the kept tables: each new query must give
# these rows for the same parameters.
FROM_VIEWS = {
    "completeness": """
        WITH asked AS (SELECT * FROM reporting_completeness WHERE $periods IS NULL OR list_contains($periods, period)),
        summed AS (SELECT period, coalesce(level, 'total') AS level, sum(units_expected) AS units_expected,
                          sum(units_reported) AS units_reported, sum(units_on_time) AS units_on_time
                   FROM asked GROUP BY GROUPING SETS ((period, level), (period), (level), ()))
        SELECT s.period, s.level, s.units_expected, s.units_reported, s.units_on_time,
               s.units_reported / nullif(s.units_expected, 0) AS rate,
               s.units_on_time / nullif(s.units_expected, 0) AS on_time_rate, c.due_date
        FROM summed s LEFT JOIN period_calendar c USING (period) WHERE s.units_expected IS NOT NULL""",
    "missing_reports": """
        SELECT period, level, unit_key, unit_code, unit_name, parent_name, due_date FROM missing_reports
        WHERE list_contains($periods, period) AND ($level IS NULL OR level = $level)""",
    "services_totals": """
        SELECT v.period, v.metric_code, s.era, sum(v.value) AS value, count(DISTINCT v.unit_key) AS units_reporting
        FROM metric_values v JOIN service_metrics s USING (metric_code) WHERE v.period_type = 'quarter'
        GROUP BY v.period, v.metric_code, s.era, s.sort_order""",
    "area_trend": """
        SELECT period, indicator_code, numerator, denominator, value, units_reporting FROM indicator_values
        WHERE unit_key = $unit AND scope = 'area' AND period_type = 'quarter'""",
    "unit_trend": """
        SELECT v.period, v.indicator_code, v.scope, v.value, v.units_reporting, tp.target, tp.status
        FROM indicator_values v LEFT JOIN target_progress tp ON v.scope = 'unit' AND tp.unit_key = v.unit_key
         AND tp.period = v.period AND tp.indicator_code = v.indicator_code
        WHERE v.unit_key = $unit AND v.period_type = 'quarter'""",
    "unit_children": """
        SELECT d.unit_key, d.unit_name, d.level, tp.indicator_code, tp.value, tp.target, tp.status
        FROM unit_directory d LEFT JOIN target_progress tp ON tp.unit_key = d.unit_key AND tp.period = $period
        WHERE d.parent_key = $unit""",
    "target_progress": """
        WITH asked AS (
            SELECT tp.unit_key, tp.unit_code, tp.unit_name, tp.level, tp.era, tp.period, tp.indicator_code,
                   tp.value, tp.target, tp.deadline, tp.plan_code, tp.status, tp.status_at_deadline, d.parent_key, d.parent_name
            FROM target_progress tp JOIN unit_directory d USING (unit_key)
            WHERE tp.period = $period AND tp.level = $level AND ($parent IS NULL OR d.parent_key = $parent)
              AND ($indicator IS NULL OR tp.indicator_code = $indicator)
        ), laggards AS (  -- the units lowest on one indicator: no value first, then by key
            SELECT unit_key FROM asked WHERE indicator_code = $laggards_of
            ORDER BY value NULLS FIRST, unit_key LIMIT $laggards
        )
        SELECT * FROM asked
        WHERE $laggards_of IS NULL OR indicator_code = $laggards_of OR unit_key IN (SELECT unit_key FROM laggards)""",
    "periods": """
        WITH span AS (SELECT min(c.start_date) AS first_day, max(c.end_date) AS last_day
                      FROM period_calendar c JOIN reported_periods USING (period))
        SELECT c.period, c.period_type, c.start_date, c.end_date, c.label_vi, c.label_en
        FROM period_calendar c, span WHERE c.start_date >= span.first_day AND c.end_date <= span.last_day""",
}


def _rows(con, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=repr)


def assert_kept_tables_equal_the_views(con: duckdb.DuckDBPyConnection) -> None:
    for rule, (kept, view) in KEPT_EQUALS_VIEW.items():
        expected = _rows(con, view)
        assert expected, f"{rule}: the check compared nothing"
        assert _rows(con, kept) == expected, rule


def _frame(con, sql: str, params: dict) -> pd.DataFrame:
    frame = con.execute(sql, params or None).df()
    return frame.sort_values(list(frame.columns), na_position="first", key=lambda s: s.astype(str)).reset_index(drop=True)


def _cases(con) -> list[tuple[str, dict]]:
    """Every query with parameters that reach both eras, every level, the root, a district with
    communes and a commune, an expired target and a period without reports."""
    periods = ["2019Q1", "2021Q2", "2021H1", "2021", "2023Q4", "2025Q2", "2025Q3", "2025", "2026Q3", "2030Q1"]
    units = [r[0] for r in con.execute("""
        (SELECT unit_key FROM units WHERE is_root)
        UNION ALL (SELECT unit_key FROM units WHERE level = 'district' AND era = 'old' AND unit_code = '633')
        UNION ALL (SELECT min(unit_key) FROM units WHERE level = 'commune' AND era = 'old')
        UNION ALL (SELECT min(unit_key) FROM units WHERE level = 'province' AND NOT is_root)
        UNION ALL (SELECT min(unit_key) FROM units WHERE level = 'commune' AND era = 'new')""").fetchall() if r[0]]
    cases: list[tuple[str, dict]] = [("completeness", {"periods": None}), ("completeness", {"periods": ["2021Q2"]}),
                                     ("services_totals", {}), ("periods", {})]
    cases += [("missing_reports", {"periods": [p], "level": lv}) for p in periods for lv in (None, "commune")]
    cases += [(name, {"unit": u}) for name in ("area_trend", "unit_trend") for u in units]
    cases += [("unit_children", {"unit": u, "period": p}) for u in units for p in ("2021Q2", "2025Q3", "2026Q3")]
    every = {"parent": None, "indicator": None, "laggards_of": None, "laggards": None}
    cases += [("target_progress", {"period": p, "level": lv, **every})
              for p in periods for lv in ("province", "district", "commune")]
    district = units[1] if len(units) > 1 else None
    cases += [("target_progress", {"period": "2021Q2", "level": "commune", **every, "parent": district})]
    # /don-vi: every unit on one indicator, and every indicator only for the units it shows
    cases += [("target_progress", {"period": p, "level": lv, **every, "indicator": "dossiers_online_rate"})
              for p in ("2021Q2", "2025Q3") for lv in ("province", "commune")]
    cases += [("target_progress", {"period": p, "level": lv, **every, "laggards_of": "dossiers_online_rate", "laggards": 5})
              for p in ("2021Q2", "2025Q3") for lv in ("province", "commune")]
    cases += [("target_progress", {"period": "2021Q2", "level": "commune", **every, "parent": district,
                                   "laggards_of": "work_records_online_rate", "laggards": 3})]
    return cases


def assert_queries_equal_the_views(con: duckdb.DuckDBPyConnection) -> None:
    seen_rows = set()
    for name, params in _cases(con):
        expected = _frame(con, FROM_VIEWS[name], params)
        got = _frame(con, query_sql(name), params)
        assert list(got.columns) == list(expected.columns), name
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=f"{name} {params}")
        if len(expected):
            seen_rows.add(name)
    assert seen_rows == set(FROM_VIEWS), f"queries compared only on empty results: {set(FROM_VIEWS) - seen_rows}"


def test_a_level_has_values_in_a_period_exactly_when_reading_its_every_indicator_gives_rows(demo_db):
    """/don-vi's cheap check (level_has_values.sql) against the read it replaces: target_progress
    for every indicator of the level, under a parent or not, in both eras and an empty period."""
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        district = con.execute("SELECT unit_key FROM units WHERE level = 'district' AND era = 'old' "
                               "AND unit_code = '633'").fetchone()[0]
        every = {"indicator": None, "laggards_of": None, "laggards": None}
        answers = set()
        for period in ("2019Q1", "2021Q2", "2021", "2025Q3", "2026Q3", "2030Q1"):
            for level in ("province", "district", "commune"):
                for parent in (None, district):
                    given = {"period": period, "level": level, "parent": parent}
                    has = con.execute(query_sql("level_has_values"), given).fetchone()[0]
                    rows = con.execute(query_sql("target_progress"), {**given, **every}).fetchall()
                    assert has == bool(rows), given
                    answers.add(has)
        assert answers == {True, False}, "the check compared only one answer"
    finally:
        con.close()


def test_the_map_places_the_units_the_unit_map_view_places_active_in_the_period(demo_db):
    """unit_points.sql reads the tables; the view it replaced says the same, in both eras."""
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        seen = 0
        for period in ("2021Q2", "2024", "2025Q3", "2026Q3"):
            for level in ("province", "district", "commune"):
                given = {"period": period, "level": level}
                expected = con.execute("""
                    SELECT m.unit_key, m.unit_name AS point_name, m.lat, m.lon, m.area_km2
                    FROM unit_map m JOIN unit_directory d USING (unit_key) JOIN period_calendar p ON p.period = $period
                    WHERE m.level = $level AND d.valid_from <= p.end_date AND d.valid_to >= p.start_date
                    ORDER BY 1""", given).fetchall()
                got = sorted(con.execute(query_sql("unit_points"), given).fetchall())
                assert got == expected, given
                seen += len(got)
        assert seen > 0
    finally:
        con.close()


@pytest.fixture()
def db(demo_db, tmp_path) -> Path:
    path = tmp_path / "kho.duckdb"
    shutil.copy(demo_db, path)
    return path


def test_the_kept_sums_and_the_queries_equal_the_views_after_loads_reloads_and_a_supersession(db, tmp_path):
    con = connect(db)
    try:
        assert_kept_tables_equal_the_views(con)
        assert_queries_equal_the_views(con)

        loader = Loader(con)
        assert loader.load_file(SAMPLE).status == "accepted"  # a district table of 2021Q2
        assert_kept_tables_equal_the_views(con)

        first = loader.load_file(filled_template(tmp_path / "v1.xlsx", CHU_SE, "2021Q2", {
            "work_records_total": 1000, "work_records_online": 700, "docs_sent_total": 400}))
        again = loader.load_file(tmp_path / "v1.xlsx")  # the same file again: a duplicate, nothing changes
        assert (first.status, again.status) == ("accepted", "duplicate")
        second = loader.load_file(filled_template(tmp_path / "v2.xlsx", CHU_SE, "2021Q2", {
            "work_records_total": 1100, "work_records_online": 900, "docs_sent_total": 500}))
        assert second.status == "accepted"
        status = con.execute("SELECT status FROM submissions WHERE submission_id = ?", [first.submission_id]).fetchone()
        assert status == ("superseded",)
        assert_kept_tables_equal_the_views(con)
        assert_queries_equal_the_views(con)
    finally:
        con.close()


def test_a_warehouse_without_the_kept_progress_or_built_by_other_views_rebuilds_it_when_a_writer_opens(db):
    # the table missing: all three rebuilt
    _edit(db, "DROP TABLE level_progress_kept", "DELETE FROM plan_progress_kept")
    _assert_a_writer_leaves_the_kept_tables_equal_the_views(db)
    # built by another govkpi's views: rebuilt
    _edit(db, "DELETE FROM level_progress_kept", "UPDATE meta SET value = 'older-views' WHERE key = 'kept_progress_rules'")
    _assert_a_writer_leaves_the_kept_tables_equal_the_views(db)
    # a govkpi before the kept completeness: gained
    _edit(db, "DROP TABLE reporting_completeness_kept")
    _assert_a_writer_leaves_the_kept_tables_equal_the_views(db)


def _edit(db: Path, *statements: str) -> None:
    """Changes the file as an older govkpi (or a hand) left it, without the writer's migration."""
    con = duckdb.connect(str(db))
    for statement in statements:
        con.execute(statement)
    con.close()


def _assert_a_writer_leaves_the_kept_tables_equal_the_views(db: Path) -> None:
    con = connect(db)
    try:
        assert_kept_tables_equal_the_views(con)
    finally:
        con.close()


def test_an_older_warehouse_without_the_kept_sums_gains_them_when_a_writer_opens(db):
    _edit(db, *(f"DROP TABLE {table}" for table in (
        "area_indicator_values", "period_metric_totals", "reporting_counts", "level_progress_kept",
        "plan_progress_kept", "targets_in_force_kept", "reporting_completeness_kept", "unit_quarter_values")))
    _assert_a_writer_leaves_the_kept_tables_equal_the_views(db)


def test_a_warehouse_from_before_the_units_quarters_gains_them_when_a_writer_opens(db):
    _edit(db, "DROP TABLE unit_quarter_values")
    _assert_a_writer_leaves_the_kept_tables_equal_the_views(db)


def test_a_load_keeps_the_target_in_force_table_while_the_plans_are_unchanged_and_rebuilds_it_when_a_target_changes(db):
    """The targets in force read only the plans, their targets and the periods: a load group
    leaves that table as it was (it is the costliest of the kept tables a group would
    rebuild for nothing), and rebuilds it as soon as a target differs."""
    con = connect(db)
    try:
        table_version = _table_oid(con)
        assert Loader(con).load_file(SAMPLE).status == "accepted"
        assert _table_oid(con) == table_version, "a load rebuilt the target in force without any target changing"
        assert_kept_tables_equal_the_views(con)

        (plan, indicator, level, target), = con.execute(
            "SELECT plan_code, indicator_code, level, target FROM targets ORDER BY ALL LIMIT 1").fetchall()
        con.execute("UPDATE targets SET target = ? WHERE plan_code = ? AND indicator_code = ? AND level = ?",
                    [target / 2, plan, indicator, level])  # a plan's target changed by hand
        assert Loader(con).load_file(filled_template(Path(db).with_name("t.xlsx"), CHU_SE, "2021Q2", {
            "work_records_total": 1000, "work_records_online": 700})).status == "accepted"
        assert _table_oid(con) != table_version
        assert_kept_tables_equal_the_views(con)
    finally:
        con.close()


def _table_oid(con) -> int:
    """The kept table's identity: CREATE OR REPLACE makes a new one."""
    return con.execute("SELECT table_oid FROM duckdb_tables() WHERE table_name = 'targets_in_force_kept'").fetchone()[0]
