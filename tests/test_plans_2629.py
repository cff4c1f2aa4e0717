"""The 2026–2030 plans: Decision 2629/QĐ-TTg (Chương trình phát triển Chính phủ số, 01/12/2025)
sets targets for 2025–2027 and 2028–2030, and a period after 2025 is judged against them, not
against an expired 2020/2025 target. Catalog checks, then SQL on the real demo warehouse."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import NEW_CHU_SE, base_db, con, db, filled_template, issue, template_cell  # noqa: E402,F401

from etl.catalog import load_catalog  # noqa: E402
from etl.demo_values import unit_values  # noqa: E402
from etl.load import Loader  # noqa: E402
from etl.template import DATA_SHEET, FIRST_DATA_ROW, write_template  # noqa: E402
from vocab.periods import REFORM_DATE, parse_code  # noqa: E402

CATALOG = load_catalog()
PLAN = next(p for p in CATALOG.plans if p["code"] == "QD2629")
END_2027, END_2030 = date(2027, 12, 31), date(2030, 12, 31)
NEW_METRICS = ("services_eligible_full_online", "service_ratings_total", "service_ratings_satisfied",
               "dossiers_digitized", "results_digitized", "dossiers_data_reused")
# indicator: (2027 target, 2030 target); None where the decision sets none for that phase.
TARGETS = {
    "services_full_online_eligible_rate": (1.00, None),
    "online_service_satisfaction_rate": (0.95, 0.99),
    "dossiers_digitized_rate": (None, 1.00),
    "results_digitized_rate": (None, 1.00),
    "digitized_data_reuse_rate": (None, 0.80),
}


def test_the_programme_is_a_national_plan_of_the_prime_minister_cited_with_its_date():
    assert (PLAN["doc_number"], PLAN["scope"], PLAN["issued_on"]) == ("2629/QĐ-TTg", "national", date(2025, 12, 1))
    assert "2629/QĐ-TTg ngày 01/12/2025" in PLAN["source"]


def test_each_target_of_the_programme_cites_its_phase_and_figure():
    for target in PLAN["targets"]:
        phase = "2025-2027" if target["deadline"] == END_2027 else "2028-2030"
        assert target["deadline"] in (END_2027, END_2030)
        assert "2629/QĐ-TTg" in target["source"] and f"phase {phase}" in target["source"]
        assert f"{round(target['target'] * 100)}%" in target["source"]


@pytest.mark.parametrize("indicator", TARGETS)
def test_the_programme_sets_the_cited_figures_by_the_end_of_2027_and_2030(indicator):
    by_deadline = {t["deadline"]: t["target"] for t in PLAN["targets"] if t["indicator"] == indicator}
    expected = dict(zip((END_2027, END_2030), TARGETS[indicator]))
    assert by_deadline == {d: v for d, v in expected.items() if v is not None}


def test_the_new_metrics_are_reported_in_the_new_era_only():
    for code in NEW_METRICS:
        assert CATALOG.metrics[code].valid_from == REFORM_DATE
        assert not CATALOG.metrics[code].valid_between(date(2025, 4, 1), date(2025, 6, 30))
    assert {m.code for m in CATALOG.metrics_valid_between(date(2025, 7, 1), date(2025, 9, 30))} >= set(NEW_METRICS)


def test_a_part_never_exceeds_its_whole_for_the_new_metrics():
    rules = {(whole, parts) for whole, parts in CATALOG.part_rules()}
    assert {("services_eligible_full_online", ("services_full_online",)),
            ("services_total", ("services_eligible_full_online",)),
            ("service_ratings_total", ("service_ratings_satisfied",)),
            ("dossiers_total", ("dossiers_digitized",)),
            ("dossiers_resolved", ("results_digitized",)),
            ("dossiers_digitized", ("dossiers_data_reused",))} <= rules


@pytest.mark.parametrize("quarter", ["2025Q3", "2026Q3", "2027Q4"])
def test_the_demo_figures_for_the_new_metrics_keep_every_part_within_its_whole(quarter):
    metrics = CATALOG.metrics_valid_between(parse_code(quarter).start, parse_code(quarter).end)
    for level in ("province", "commune"):
        for n in range(20):
            values = unit_values((f"new:{level}{n}", "x", "x", level), parse_code(quarter), metrics)
            for whole, parts in CATALOG.part_rules():
                if whole in values and all(p in values for p in parts):
                    assert sum(values[p] for p in parts) <= values[whole], (quarter, whole, parts)
            assert values["service_ratings_total"] > 0 and values["services_eligible_full_online"] > 0


@pytest.fixture(scope="module")
def demo(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


def in_force(con, period: str, indicator: str):
    return con.execute("SELECT plan_code, target, deadline FROM targets_in_force "
                       "WHERE period = ? AND level = 'commune' AND indicator_code = ?", [period, indicator]).fetchone()


@pytest.mark.parametrize("indicator", TARGETS)
def test_2026q3_and_2027q4_are_held_against_the_programmes_nearest_target(demo, indicator):
    first, second = TARGETS[indicator]
    expected = ("QD2629", first, END_2027) if first is not None else ("QD2629", second, END_2030)
    assert in_force(demo, "2026Q3", indicator) == expected
    assert in_force(demo, "2027Q4", indicator) == expected


def test_from_2028_satisfaction_is_held_against_the_2030_target_of_99_percent(demo):
    assert in_force(demo, "2028Q1", "online_service_satisfaction_rate") == ("QD2629", 0.99, END_2030)


def test_on_the_demo_the_current_quarter_shows_the_2027_targets_measured_and_not_expired(demo):
    rows = demo.execute("SELECT level, indicator_code, value, target, deadline, plan_code, status FROM level_progress "
                        "WHERE period = '2026Q3' AND indicator_code IN ? AND level IN ('province', 'commune')",
                        [list(TARGETS)]).fetchall()
    assert {(r[0], r[1]) for r in rows} == {(lv, i) for lv in ("province", "commune") for i in TARGETS}
    for level, indicator, value, target, deadline, plan, status in rows:
        assert plan == "QD2629" and deadline >= date(2027, 12, 31), (level, indicator)
        assert value is not None and 0 < value <= 1 and status in ("met", "near", "behind"), (level, indicator, status)


def test_before_the_reform_the_new_indicators_have_no_rows(demo):
    assert demo.execute("SELECT count(*) FROM level_progress WHERE period = '2025Q2' AND indicator_code IN ?",
                        [list(TARGETS)]).fetchone()[0] == 0


def template_codes(tmp_path: Path, period: str) -> list[str]:
    path = write_template(tmp_path / f"{period}.xlsx", CATALOG, NEW_CHU_SE[0], NEW_CHU_SE[1], parse_code(period))
    sheet = openpyxl.load_workbook(path)[DATA_SHEET]
    return [sheet.cell(r, 2).value for r in range(FIRST_DATA_ROW, sheet.max_row + 1) if sheet.cell(r, 2).value]


def test_a_2026_template_asks_for_the_new_metrics_and_a_2025q2_one_does_not(tmp_path):
    assert set(NEW_METRICS) <= set(template_codes(tmp_path, "2026Q3"))
    assert not set(NEW_METRICS) & set(template_codes(tmp_path, "2025Q2"))


def test_more_satisfied_ratings_than_ratings_is_refused_naming_the_cell(con, tmp_path):
    path = filled_template(tmp_path / "t.xlsx", NEW_CHU_SE, "2026Q3",
                           {"service_ratings_total": 100, "service_ratings_satisfied": 120})
    report = Loader(con, CATALOG, today=date(2026, 12, 3)).load_file(path)
    found = issue(report, "part_exceeds_whole")
    part, whole = template_cell(path, "service_ratings_satisfied"), template_cell(path, "service_ratings_total")
    assert report.status == "rejected" and (found.sheet, found.cell) == ("Báo cáo", part)
    assert found.message_vi == (f"Số lượt đánh giá hài lòng khi sử dụng dịch vụ công trực tuyến (120, ô {part}) lớn hơn "
                                f"Tổng số lượt đánh giá khi sử dụng dịch vụ công trực tuyến (100, ô {whole}).")


def test_a_communes_satisfaction_is_its_satisfied_ratings_over_its_ratings(con, tmp_path):
    path = filled_template(tmp_path / "t.xlsx", NEW_CHU_SE, "2026Q3",
                           {"service_ratings_total": 400, "service_ratings_satisfied": 372,
                            "services_eligible_full_online": 80, "services_full_online": 60})
    assert Loader(con, CATALOG, today=date(2026, 12, 3)).load_file(path).status == "accepted"
    rates = dict(con.execute("SELECT indicator_code, value FROM indicator_values WHERE scope = 'unit' "
                             "AND period = '2026Q3' AND unit_code = ?", [NEW_CHU_SE[0]]).fetchall())
    assert rates["online_service_satisfaction_rate"] == pytest.approx(0.93)
    assert rates["services_full_online_eligible_rate"] == pytest.approx(0.75)
