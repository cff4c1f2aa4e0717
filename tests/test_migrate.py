"""A warehouse made by an earlier govkpi opens with this one: what it lacks is added."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from etl.load import Loader
from etl.warehouse import connect
from warehouse.reader import REFERENCE_CHANGED

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "binhdinh_huyen_q2_2021.xlsx"


def test_an_older_warehouse_gains_matching_keys_map_points_and_derived_values(demo_db, tmp_path):
    old = tmp_path / "cu.duckdb"
    shutil.copy(demo_db, old)
    con = duckdb.connect(str(old))
    before = con.execute("SELECT count(*) FROM metric_values").fetchall()[0][0]
    con.execute("DROP VIEW unit_map")
    con.execute("ALTER TABLE units DROP COLUMN name_key")
    con.execute("ALTER TABLE units DROP COLUMN fold_key")
    con.execute("DELETE FROM unit_points")
    con.execute("DELETE FROM current_values")
    con.execute("DELETE FROM period_values")
    con.execute("DELETE FROM unit_indicator_values")
    con.close()

    con = connect(old)
    assert con.execute("SELECT count(*) FROM metric_values").fetchall()[0][0] == before
    assert con.execute("SELECT count(*) FROM unit_map").fetchall()[0][0] > 0
    # the map's places changed: a server reading the upgraded file must not keep its old map reads
    assert con.execute("SELECT count(*) FROM meta WHERE key = ?", [REFERENCE_CHANGED]).fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM units WHERE name_key IS NULL").fetchall()[0][0] == 0
    report = Loader(con).load_file(SAMPLE)
    con.close()
    assert (report.status, report.units, report.values) == ("accepted", 11, 44)


def test_a_warehouse_of_this_version_opens_with_its_reference_unchanged(demo_db, tmp_path):
    current = tmp_path / "moi.duckdb"
    shutil.copy(demo_db, current)
    connect(current).close()
    con = duckdb.connect(str(current), read_only=True)
    assert con.execute("SELECT count(*) FROM meta WHERE key = ?", [REFERENCE_CHANGED]).fetchone()[0] == 0
    con.close()


def test_a_recomputation_an_earlier_version_left_pending_is_finished_when_a_writer_opens(demo_db, tmp_path):
    # An earlier govkpi recomputed the derived tables once at the end of a load: killed before
    # that, it left files committed, their (unit, period) pairs in pending_refresh and their
    # values missing from metric_values.
    old = tmp_path / "cu.duckdb"
    shutil.copy(demo_db, old)
    con = duckdb.connect(str(old))
    last = con.execute("SELECT max(period) FROM unit_reports WHERE period LIKE '%Q%'").fetchall()[0][0]
    before = sorted(con.execute("SELECT * FROM metric_values").fetchall(), key=repr)
    con.execute("INSERT INTO pending_refresh SELECT DISTINCT unit_key, period FROM unit_reports WHERE period = ?", [last])
    con.execute("DELETE FROM current_values WHERE period = ?", [last])
    con.execute("DELETE FROM period_values WHERE period = ?", [last])
    con.execute("DELETE FROM unit_indicator_values WHERE period = ?", [last])
    assert len(con.execute("SELECT * FROM metric_values").fetchall()) < len(before)
    con.close()

    con = connect(old)
    assert sorted(con.execute("SELECT * FROM metric_values").fetchall(), key=repr) == before
    assert con.execute("SELECT count(*) FROM pending_refresh").fetchall()[0][0] == 0
    con.close()


def test_an_older_warehouse_gains_data_cutoffs_and_the_coverage_threshold(demo_db, tmp_path):
    old = tmp_path / "cu.duckdb"
    shutil.copy(demo_db, old)
    con = duckdb.connect(str(old))
    for view in ("period_calendar", "level_progress"):  # views that read what the old file lacks
        con.execute(f"DROP VIEW {view}")
    con.execute("ALTER TABLE periods DROP COLUMN cutoff_date")
    con.execute("DELETE FROM settings WHERE key = 'coverage_threshold'")
    con.close()

    con = connect(old)
    cutoff = con.execute("SELECT cutoff_date FROM period_calendar WHERE period = '2024Q2'").fetchone()[0]
    partial = con.execute("SELECT count(*) FROM level_progress WHERE partial IS NULL").fetchone()[0]
    con.close()
    assert str(cutoff) == "2024-06-14" and partial == 0


def test_an_older_warehouse_gains_the_review_lock_and_comment_tables_and_keeps_counting(demo_db, tmp_path):
    # An earlier govkpi had no review: no needs_review column, no mirror tables, no review settings.
    old = tmp_path / "cu.duckdb"
    shutil.copy(demo_db, old)
    con = duckdb.connect(str(old))
    for view in ("review_state", "period_lock_state", "value_comment_log", "reporting_completeness",
                 "missing_reports", "expected_reports"):
        con.execute(f"DROP VIEW IF EXISTS {view}")
    for table in ("submission_reviews", "period_locks", "value_comments"):
        con.execute(f"DROP TABLE {table}")
    con.execute("ALTER TABLE submissions DROP COLUMN needs_review")
    con.execute("DELETE FROM settings WHERE key IN ('review', 'review_swing_threshold')")
    before = con.execute("SELECT count(*) FROM metric_values").fetchall()[0][0]
    con.close()

    con = connect(old)
    assert con.execute("SELECT count(*) FROM metric_values").fetchall()[0][0] == before
    assert dict(con.execute("SELECT key, value FROM settings WHERE key LIKE 'review%'").fetchall()) == {
        "review": "off", "review_swing_threshold": "0.3"}
    assert con.execute("SELECT count(*) FROM submission_reviews").fetchall()[0][0] == 0
    assert con.execute("SELECT DISTINCT review_state FROM review_state").fetchall() == [("not_required",)]
    assert con.execute("SELECT sum(units_waiting) FROM reporting_completeness").fetchall()[0][0] == 0
    report = Loader(con).load_file(SAMPLE)
    con.close()
    assert report.status == "accepted"
