"""Each domain rule as given/expect cases run on the REAL views: a warehouse made by
init_warehouse for Gia Lai (its real units, catalog, periods, views), given a few rows in the
reported tables (and, for targets, the plans), derived tables refreshed as a load leaves them,
then a query of the public views whose rows are the expectation.

Units used (real GSO units of the province's predecessors):
  old:622 Thành phố Pleiku (district, old Gia Lai)    old:623 Thị xã An Khê (district, old Gia Lai)
  old:540 Thành phố Quy Nhơn (district, old Bình Định) new:52 Tỉnh Gia Lai (the new root)
Before the reform old Gia Lai has 17 district-level units and old Bình Định 11: 28 in all."""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from etl.derived import rebuild_all
from etl.warehouse import init_warehouse
from warehouse.sqlfiles import query_sql


@dataclass
class Given:
    """Input rows: values (unit_key, period, metric_code, value) reported in one accepted file
    (each unit-period submitted on `submitted`, or on the date in `reports`), plans and targets
    replacing the catalog's, settings replacing the catalog's."""

    values: list[tuple] = field(default_factory=list)
    reports: dict[tuple[str, str], str] = field(default_factory=dict)  # (unit, period) -> submitted date
    submitted: str = "2024-04-10"
    plans: list[tuple] = field(default_factory=list)  # plan_code, scope
    targets: list[tuple] = field(default_factory=list)  # plan_code, indicator, level, target, deadline
    settings: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="session")
def empty_warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "rules.duckdb"
    init_warehouse(path, "Gia Lai")
    return path


def run(empty_warehouse: Path, tmp_path: Path, given: Given, query: str, params: dict | None = None) -> list[tuple]:
    """Copies the empty warehouse, writes the given rows, refreshes the derived tables and
    gives the query's rows."""
    path = tmp_path / "case.duckdb"
    shutil.copy(empty_warehouse, path)
    con = duckdb.connect(str(path))
    try:
        if given.values:
            con.execute("INSERT INTO submissions (submission_id, file_name, file_sha256, loaded_at, status,"
                        " units_count, values_count, errors_count, warnings_count)"
                        " VALUES (1, 'given.xlsx', 'x', now(), 'accepted', 0, 0, 0, 0)")
            con.executemany("INSERT INTO reported_values (submission_id, unit_key, period, metric_code, value)"
                            " VALUES (1, ?, ?, ?, ?)", given.values)
            pairs = sorted({(u, p) for u, p, _, _ in given.values})
            con.executemany("INSERT INTO unit_reports VALUES (1, ?, ?, ?)",
                            [(u, p, datetime.fromisoformat(given.reports.get((u, p), given.submitted)))
                             for u, p in pairs])
            rebuild_all(con)
        if given.plans:
            con.execute("DELETE FROM targets")
            con.execute("DELETE FROM plans")
            con.executemany("INSERT INTO plans (plan_code, doc_number, title_vi, title_en, issuer, scope)"
                            " VALUES (?, ?, 't', 't', 'i', ?)", [(c, c, s) for c, s in given.plans])
            con.executemany("INSERT INTO targets (plan_code, indicator_code, level, target, deadline)"
                            " VALUES (?, ?, ?, ?, ?)", given.targets)
        for key, value in given.settings.items():
            con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [key, value])
        return [tuple(round(v, 6) if isinstance(v, float) else v for v in row)
                for row in con.execute(query, params).fetchall()]
    finally:
        con.close()


# sum/sum ------------------------------------------------------------------------------------

SUM_OVER_SUM = [
    pytest.param(
        Given(values=[("old:622", "2024Q1", "work_records_online", 90), ("old:622", "2024Q1", "work_records_total", 100),
                      ("old:623", "2024Q1", "work_records_online", 10), ("old:623", "2024Q1", "work_records_total", 900)]),
        # 100 / 1000, not the mean of 90% and 1.1% (45.6%)
        [("district", 100.0, 1000.0, 0.1, 2, 28)],
        id="a level's rate is the sum of its numerators over the sum of its denominators"),
    pytest.param(
        Given(values=[("old:622", "2024Q1", "work_records_online", 90), ("old:622", "2024Q1", "work_records_total", 100),
                      ("old:623", "2024Q1", "work_records_online", 10)]),
        [("district", 90.0, 100.0, 0.9, 1, 28)],
        id="a unit counts only when it reported both parts"),
]


@pytest.mark.parametrize("given, expect", SUM_OVER_SUM)
def test_sum_over_sum(empty_warehouse, tmp_path, given, expect):
    assert run(empty_warehouse, tmp_path, given, """
        SELECT level, numerator, denominator, value, units_reporting, units_expected FROM level_progress
        WHERE period = '2024Q1' AND indicator_code = 'work_records_online_rate' AND level = 'district'
    """) == expect


def test_the_new_roots_area_sums_its_predecessors_units(empty_warehouse, tmp_path):
    """The reform: the new province's root covers the old units of both predecessors."""
    given = Given(values=[("old:622", "2024Q1", "work_records_online", 90), ("old:622", "2024Q1", "work_records_total", 100),
                          ("old:540", "2024Q1", "work_records_online", 30), ("old:540", "2024Q1", "work_records_total", 200)])
    assert run(empty_warehouse, tmp_path, given, """
        SELECT unit_key, numerator, denominator, value, units_reporting FROM indicator_values
        WHERE scope = 'area' AND period = '2024Q1' AND indicator_code = 'work_records_online_rate'
          AND unit_key IN ('new:52', 'old:64', 'old:52') ORDER BY unit_key
    """) == [("new:52", 120.0, 300.0, 0.4, 2), ("old:52", 30.0, 200.0, 0.15, 1), ("old:64", 90.0, 100.0, 0.9, 1)]


# flow vs stock --------------------------------------------------------------------------------

FLOW_STOCK = Given(values=[
    ("old:622", "2024Q1", "dossiers_total", 10), ("old:622", "2024Q2", "dossiers_total", 20),
    ("old:622", "2024Q3", "dossiers_total", 30), ("old:622", "2024Q4", "dossiers_total", 40),
    ("old:622", "2024Q1", "services_total", 100), ("old:622", "2024Q2", "services_total", 110),
    ("old:622", "2024Q3", "services_total", 120),  # no stock reported in Q4
])


@pytest.mark.parametrize("period, expect", [
    pytest.param("2024", [("dossiers_total", 100), ("services_total", 120)],
                 id="a year's flow is the sum of its quarters, its stock the last reported quarter"),
    pytest.param("2024H1", [("dossiers_total", 30), ("services_total", 110)], id="a half-year likewise"),
    pytest.param("2024H2", [("dossiers_total", 70), ("services_total", 120)], id="a stock missing in Q4 is Q3's"),
])
def test_flow_is_summed_stock_is_its_last_quarter(empty_warehouse, tmp_path, period, expect):
    assert run(empty_warehouse, tmp_path, FLOW_STOCK, f"""
        SELECT metric_code, value FROM period_metric_values
        WHERE unit_key = 'old:622' AND period = '{period}' ORDER BY metric_code
    """) == expect


# service eras -----------------------------------------------------------------------------------

def test_level_4_ends_with_decree_42_and_toan_trinh_begins_with_it(empty_warehouse, tmp_path):
    """Levels 2/3/4 are valid until 14 August 2022, toàn trình from 15 August 2022: the level-4
    indicator has rows up to 2022Q3 (which holds the change), toàn trình from 2022Q3."""
    values = [("old:622", q, m, v) for q in ("2022Q2", "2022Q3", "2022Q4")
              for m, v in (("services_total", 100), ("services_level4", 40), ("services_full_online", 50))]
    assert run(empty_warehouse, tmp_path, Given(values=values), """
        SELECT indicator_code, period FROM level_progress
        WHERE level = 'district' AND indicator_code IN ('services_level4_rate', 'services_full_online_rate')
          AND period IN ('2022Q2', '2022Q3', '2022Q4') ORDER BY indicator_code, period
    """) == [("services_full_online_rate", "2022Q3"), ("services_full_online_rate", "2022Q4"),
             ("services_level4_rate", "2022Q2"), ("services_level4_rate", "2022Q3")]


def test_the_service_metrics_take_their_era_from_the_catalog(empty_warehouse, tmp_path):
    assert run(empty_warehouse, tmp_path, Given(), "SELECT metric_code, era FROM service_metrics") == [
        ("services_level2", "old"), ("services_level3", "old"), ("services_level4", "old"),
        ("services_full_online", "new"), ("services_partial_online", "new")]


# the reform -------------------------------------------------------------------------------------

def test_no_district_is_expected_after_the_reform(empty_warehouse, tmp_path):
    assert run(empty_warehouse, tmp_path, Given(), """
        SELECT period, level, units_expected FROM level_units_expected
        WHERE period IN ('2025Q2', '2025Q3') ORDER BY period, level
    """) == [("2025Q2", "commune", 373), ("2025Q2", "district", 28), ("2025Q2", "province", 40),
             ("2025Q3", "commune", 135), ("2025Q3", "province", 14)]


# the target in force ----------------------------------------------------------------------------

PLANS = Given(
    plans=[("OWN", "province"), ("NATIONAL", "national"), ("LATER", "national")],
    targets=[("OWN", "work_records_online_rate", "district", 0.5, "2024-12-31"),
             ("NATIONAL", "work_records_online_rate", "district", 0.6, "2024-12-31"),
             ("LATER", "work_records_online_rate", "district", 0.8, "2026-06-30")],
)


@pytest.mark.parametrize("period, expect", [
    pytest.param("2024Q2", [("OWN", 0.5)], id="nearest deadline after the period; the province's plan on a tie"),
    pytest.param("2024Q4", [("OWN", 0.5)], id="a deadline on the period's last day is in force"),
    pytest.param("2025Q1", [("LATER", 0.8)], id="once a deadline passes, the next one"),
    pytest.param("2027Q1", [("LATER", 0.8)], id="past the last deadline, the last target"),
])
def test_the_target_in_force(empty_warehouse, tmp_path, period, expect):
    assert run(empty_warehouse, tmp_path, PLANS, f"""
        SELECT plan_code, target FROM targets_in_force
        WHERE period = '{period}' AND level = 'district' AND indicator_code = 'work_records_online_rate'
    """) == expect


# the status margin ----------------------------------------------------------------------------

@pytest.mark.parametrize("margin, value, expect", [
    pytest.param("0.05", 0.80, "met", id="value equal to the target is met (>=)"),
    pytest.param("0.05", 0.81, "met", id="above the target is met"),
    pytest.param("0.05", 0.76, "near", id="within the margin below is near"),
    pytest.param("0.05", 0.75, "near", id="target minus margin is still near"),
    pytest.param("0.05", 0.74, "behind", id="below target minus margin is behind"),
    pytest.param("0.10", 0.72, "near", id="the margin is read from settings"),
    pytest.param("0.10", None, "no_data", id="no value is no data"),
])
def test_the_status_margin(empty_warehouse, tmp_path, margin, value, expect):
    given = Given(settings={"status_margin": margin})
    shown = "NULL" if value is None else repr(value)
    assert run(empty_warehouse, tmp_path, given, f"SELECT target_status({shown}, 0.8)") == [(expect,)]


# completeness -----------------------------------------------------------------------------------

COMPLETENESS = Given(
    values=[("old:622", "2024Q1", "work_records_total", 1), ("old:623", "2024Q1", "work_records_total", 1),
            ("old:540", "2024Q1", "work_records_total", 1)],
    reports={("old:622", "2024Q1"): "2024-04-15",   # on the due date: on time
             ("old:623", "2024Q1"): "2024-04-16",   # a day late
             ("old:540", "2024Q1"): "2024-04-01"},
)


def test_completeness_is_units_reported_over_units_expected(empty_warehouse, tmp_path):
    assert run(empty_warehouse, tmp_path, COMPLETENESS, """
        SELECT level, units_expected, units_reported, units_on_time, rate, on_time_rate
        FROM reporting_completeness WHERE period = '2024Q1' ORDER BY level
    """) == [("commune", 373, 0, 0, 0.0, 0.0), ("district", 28, 3, 2, round(3 / 28, 6), round(2 / 28, 6)),
             ("province", 40, 0, 0, 0.0, 0.0)]


def test_the_completeness_total_sums_units_not_rates(empty_warehouse, tmp_path):
    """The totals of the completeness query (reporting page, overview, exports): 3 of 441
    units, not the mean of the levels' rates (3.6%)."""
    rows = run(empty_warehouse, tmp_path, COMPLETENESS,
               f"SELECT period, level, units_expected, units_reported, rate FROM ({query_sql('completeness')})"
               " WHERE level = 'total'", {"periods": ["2024Q1"]})
    assert rows == [("2024Q1", "total", 441, 3, round(3 / 441, 6)), (None, "total", 441, 3, round(3 / 441, 6))]
