"""A target whose deadline has passed, with no later plan for that indicator and level, is
expired for the periods after its deadline: never 'met', with its deadline and its status in
the period that contains the deadline. Given/expect, in SQL on a real warehouse."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

from etl.load import Loader  # noqa: E402

OLD_COMMUNE = IA_TIEM  # a commune before the 2025 reform
NEW_COMMUNE = NEW_CHU_SE  # a commune after it
RATE = "work_records_online_rate"


@pytest.fixture
def given(con, tmp_path):
    """Given a commune-level target of 30% due 2020-12-31 (no other plan for it), a commune at
    15% in 2020Q4 (behind: more than 10 points short) and at 90% in 2026Q3."""
    con.execute("DELETE FROM targets WHERE indicator_code = ? AND level = 'commune'", [RATE])
    con.execute("INSERT INTO targets (plan_code, indicator_code, level, target, deadline) "
                "SELECT plan_code, ?, 'commune', 0.30, DATE '2020-12-31' FROM plans WHERE plan_code = 'KH648'", [RATE])
    loader = Loader(con, CATALOG, today=date(2026, 12, 3))
    for unit, period, online in ((OLD_COMMUNE, "2020Q4", 15), (NEW_COMMUNE, "2026Q3", 90)):
        path = filled_template(tmp_path / f"{period}.xlsx", unit, period,
                               {"work_records_total": 100, "work_records_online": online})
        assert loader.load_file(path).status == "accepted"
    return con


def level_row(con, period: str):
    return con.execute("SELECT status, target, deadline, status_at_deadline FROM level_progress "
                       "WHERE period = ? AND level = 'commune' AND indicator_code = ?", [period, RATE]).fetchone()


def test_an_expired_target_is_expired_not_met_with_its_status_at_the_deadline(given):
    assert level_row(given, "2026Q3") == ("expired", 0.30, date(2020, 12, 31), "behind")


def test_in_the_period_that_contains_the_deadline_the_target_is_judged_as_usual(given):
    assert level_row(given, "2020Q4") == ("behind", 0.30, date(2020, 12, 31), None)


def test_a_later_plan_keeps_the_target_in_force(given):
    given.execute("INSERT INTO targets (plan_code, indicator_code, level, target, deadline) "
                  "SELECT plan_code, ?, 'commune', 0.80, DATE '2030-12-31' FROM plans WHERE plan_code = 'QD749'", [RATE])
    assert level_row(given, "2026Q3") == ("met", 0.80, date(2030, 12, 31), None)


def test_each_unit_and_each_plan_also_see_the_target_expired(given):
    unit = given.execute("SELECT status, status_at_deadline FROM target_progress WHERE period = '2026Q3' "
                         "AND indicator_code = ? AND unit_code = ?", [RATE, NEW_COMMUNE[0]]).fetchone()
    assert unit == ("expired", "no_data")  # the new commune did not exist at the 2020 deadline
    old = given.execute("SELECT status FROM target_progress WHERE period = '2020Q4' "
                        "AND indicator_code = ? AND unit_code = ?", [RATE, OLD_COMMUNE[0]]).fetchone()
    assert old == ("behind",)
    plan = given.execute("SELECT status, status_at_deadline FROM plan_progress WHERE plan_code = 'KH648' "
                         "AND period = '2026Q3' AND level = 'commune' AND indicator_code = ?", [RATE]).fetchone()
    assert plan == ("expired", "behind")


def test_no_view_ever_calls_a_period_after_the_deadline_met(given):
    for view in ("level_progress", "plan_progress", "target_progress"):
        met = given.execute(f"SELECT count(*) FROM {view} v JOIN period_calendar p USING (period) "
                            f"WHERE v.status = 'met' AND v.deadline < p.start_date").fetchone()[0]
        assert met == 0, view
