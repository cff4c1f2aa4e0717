"""Periods a committee can trust: a report dated after today is refused, a period whose data
cut-off (Decree 09/2019/NĐ-CP: the 14th of the last month) has not passed loads with a warning,
and the opening period is the latest quarter that is due and has data, never an early trickle.
"Today" is stated (Loader(today=…), GOVKPI_TODAY), never the machine's clock."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

from etl.load import Loader  # noqa: E402
from vocab.periods import cutoff_date, parse_code, today  # noqa: E402

DEMO_DAY = date(2026, 12, 3)  # the day the issue was found
WR = {"work_records_total": 100, "work_records_online": 70}


def loader_on(con, day: date) -> Loader:
    return Loader(con, CATALOG, submitted_by="chuyên viên Sở", today=day)


def test_a_report_dated_after_today_is_an_error_naming_sheet_and_cell(con, tmp_path):
    path = consolidated(tmp_path / "som.xlsx", [("Thành phố Pleiku", WR)], list(WR),
                        title="BẢNG TỔNG HỢP KẾT QUẢ ỨNG DỤNG CNTT QUÝ III/2026",
                        date_line="Gia Lai, ngày 08 tháng 01 năm 2027")
    report = loader_on(con, DEMO_DAY).load_file(path)
    assert report.status == "rejected"
    found = issue(report, "report_date_future")
    assert found.severity == "error" and found.sheet == "Biểu 01" and found.cell
    assert "08/01/2027" in found.message_vi and "03/12/2026" in found.message_vi
    assert found.message_vi.startswith("Ngày báo cáo") and found.message_en.startswith("The report date")
    assert data_counts(con) == {"reported_values": 0, "unit_reports": 0}


def test_the_same_report_dated_today_loads(con, tmp_path):
    path = consolidated(tmp_path / "dung.xlsx", [("Thành phố Pleiku", WR)], list(WR),
                        title="BẢNG TỔNG HỢP KẾT QUẢ ỨNG DỤNG CNTT QUÝ II/2021",
                        date_line="Gia Lai, ngày 03 tháng 12 năm 2026")
    assert loader_on(con, DEMO_DAY).load_file(path).status == "accepted"


def test_a_future_date_in_the_templates_date_cell_names_that_cell(con, tmp_path):
    path = filled_template(tmp_path / "t.xlsx", CHU_SE, "2021Q2", WR, report_date=date(2027, 1, 8))
    report = loader_on(con, DEMO_DAY).load_file(path)
    assert report.status == "rejected" and issue(report, "report_date_future").cell == "C6"


def test_a_future_submitted_date_is_an_error(con, tmp_path):
    path = filled_template(tmp_path / "t.xlsx", CHU_SE, "2021Q2", WR)
    report = loader_on(con, DEMO_DAY).load_file(path, submitted=date(2027, 1, 8))
    assert report.status == "rejected" and codes(report) == ["submitted_future"]


def test_a_quarter_before_its_cutoff_loads_with_a_warning(con, tmp_path):
    # 2026Q4's data run to 14 December 2026; on 3 December the commune's report is early.
    path = filled_template(tmp_path / "q4.xlsx", NEW_CHU_SE, "2026Q4", WR)
    report = loader_on(con, DEMO_DAY).load_file(path)
    assert report.status == "accepted"
    early = issue(report, "before_cutoff")
    assert early.severity == "warning" and "14/12/2026" in early.message_vi and "09/2019/NĐ-CP" in early.message_vi


def test_after_the_cutoff_the_same_quarter_loads_without_warning(con, tmp_path):
    path = filled_template(tmp_path / "q4.xlsx", NEW_CHU_SE, "2026Q4", WR)
    report = loader_on(con, date(2026, 12, 15)).load_file(path)
    assert report.status == "accepted" and "before_cutoff" not in codes(report)


def test_cutoffs_follow_the_decree_and_are_in_the_calendar(con):
    assert cutoff_date(parse_code("2026Q4"), 14) == date(2026, 12, 14)
    assert cutoff_date(parse_code("2026H1"), 14) == date(2026, 6, 14)
    assert cutoff_date(parse_code("2026"), 14) == date(2026, 12, 14)
    rows = dict(con.execute("SELECT period, cutoff_date FROM period_calendar "
                            "WHERE period IN ('2025Q1', '2025H1', '2025')").fetchall())
    assert rows == {"2025Q1": date(2025, 3, 14), "2025H1": date(2025, 6, 14), "2025": date(2025, 12, 14)}


def test_today_is_the_day_govkpi_today_names(monkeypatch):
    monkeypatch.setenv("GOVKPI_TODAY", "2026-12-03")
    assert today() == DEMO_DAY
    monkeypatch.delenv("GOVKPI_TODAY")
    assert today() == date.today()


def opening(con, day: date) -> str | None:
    row = con.execute("SELECT period FROM opening_period(?)", [day]).fetchone()
    return row[0] if row else None


def test_an_early_trickle_never_becomes_the_opening_period(con, tmp_path):
    load = loader_on(con, DEMO_DAY)
    assert load.load_file(filled_template(tmp_path / "q3.xlsx", NEW_CHU_SE, "2026Q3", WR)).status == "accepted"
    assert load.load_file(filled_template(tmp_path / "q4.xlsx", NEW_CHU_SE, "2026Q4", WR)).status == "accepted"
    assert opening(con, DEMO_DAY) == "2026Q3"  # 2026Q4 is due 15/01/2027
    assert opening(con, date(2027, 1, 16)) == "2026Q4"


def test_with_only_a_running_quarter_the_opening_period_is_that_quarter(con, tmp_path):
    assert opening(con, DEMO_DAY) is None
    loader_on(con, DEMO_DAY).load_file(filled_template(tmp_path / "q4.xlsx", NEW_CHU_SE, "2026Q4", WR))
    assert opening(con, DEMO_DAY) == "2026Q4"


def test_a_levels_coverage_is_its_units_reporting_over_units_expected_and_partial_below_threshold(con, tmp_path):
    loader_on(con, DEMO_DAY).load_file(filled_template(tmp_path / "q3.xlsx", NEW_CHU_SE, "2026Q3", WR))
    reporting, expected, coverage, partial = con.execute(
        "SELECT units_reporting, units_expected, coverage, partial FROM level_progress "
        "WHERE period = '2026Q3' AND level = 'commune' AND indicator_code = 'work_records_online_rate'").fetchone()
    assert reporting == 1 and expected > 100
    assert coverage == reporting / expected and partial is True
    threshold = float(con.execute("SELECT value FROM settings WHERE key = 'coverage_threshold'").fetchone()[0])
    assert threshold == CATALOG.settings["coverage_threshold"] == 0.8
