"""Loading rules: one transaction per file, duplicates, supersession with lineage, the
submissions record; and the public views computed from what was loaded (the aggregation
rule, flows and stocks over half-years and years, areas, reporting completeness)."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

import etl.batch_write
import etl.load
from etl.load import Loader, expand_paths

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

WR = ["work_records_total", "work_records_online"]
FIRST = {"work_records_total": 1000, "work_records_online": 700, "docs_sent_total": 500, "docs_sent_electronic": 450}


# Duplicates -------------------------------------------------------------------------------

def test_identical_content_is_a_duplicate_and_loads_nothing(loader, con, tmp_path):
    path = filled_template(tmp_path / "a.xlsx", CHU_SE, "2021Q2", FIRST)
    first = loader.load_file(path)
    before = data_counts(con)
    copy = tmp_path / "gui_lai.xlsx"
    copy.write_bytes(path.read_bytes())
    again = loader.load_file(copy)
    assert again.status == "duplicate" and (again.units, again.values) == (0, 0)
    assert "trùng nội dung với lần nộp số" in again.issues[0].message_vi
    assert data_counts(con) == before
    rows = con.execute("SELECT submission_id, file_name, status, duplicate_of FROM submissions ORDER BY 1").fetchall()
    assert [r[2] for r in rows] == ["accepted", "duplicate"]
    assert rows[1][1] == "gui_lai.xlsx" and rows[1][3] == first.submission_id


def test_a_rejected_file_sent_again_is_checked_again_not_a_duplicate(loader, con, tmp_path):
    path = consolidated(tmp_path / "bad.xlsx", [("Huyện Không Có", {"work_records_total": 1})], WR)
    assert loader.load_file(path).status == "rejected"
    assert loader.load_file(path).status == "rejected"


# Supersession -----------------------------------------------------------------------------

def test_later_file_supersedes_the_earlier_for_the_same_unit_and_period(loader, con, tmp_path):
    first = loader.load_file(filled_template(tmp_path / "v1.xlsx", CHU_SE, "2021Q2", FIRST))
    second_values = {"work_records_total": 1100, "work_records_online": 800, "docs_sent_total": 500}
    path = filled_template(tmp_path / "v2.xlsx", CHU_SE, "2021Q2", second_values)
    second = loader.load_file(path)
    assert second.status == "accepted"
    # docs_sent_electronic is blank in a column the file carries: it clears the earlier 450, with a warning.
    found = issue(second, "blank_clears")
    assert found.severity == "warning" and found.cell == template_cell(path, "docs_sent_electronic")
    assert "xóa giá trị đã nạp trước đó của Huyện Chư Sê" in found.message_vi
    assert current(con, "633", "2021Q2") == second_values
    rows = dict((r[0], r[1:]) for r in con.execute(
        "SELECT submission_id, status, superseded_by FROM submissions").fetchall())
    assert rows[first.submission_id] == ("superseded", second.submission_id)
    assert rows[second.submission_id] == ("accepted", None)
    history = con.execute("SELECT s.status, rv.value FROM reported_values rv JOIN submissions s USING (submission_id) "
                          "WHERE rv.metric_code = 'work_records_total' ORDER BY rv.submission_id").fetchall()
    assert history == [("superseded", 1000), ("accepted", 1100)]  # every value's history stays readable


def test_later_table_replaces_only_the_columns_it_carries(loader, con, tmp_path):
    loader.load_file(filled_template(tmp_path / "v1.xlsx", CHU_SE, "2021Q2", FIRST))
    report = loader.load_file(consolidated(tmp_path / "v2.xlsx", [("Huyện Chư Sê", {"work_records_online": 650})], WR))
    assert report.status == "accepted", messages(report)
    assert issue(report, "blank_clears").cell == "C10"  # work_records_total is a carried column, left blank
    assert current(con, "633", "2021Q2") == {"work_records_online": 650, "docs_sent_total": 500,
                                               "docs_sent_electronic": 450}


def test_other_units_and_periods_are_untouched_by_a_later_file(loader, con, tmp_path):
    loader.load_file(SAMPLE)
    report = loader.load_file(consolidated(tmp_path / "qn.xlsx", [("TP. Quy Nhơn", {"work_records_total": 4000,
                                                                                  "work_records_online": 3900})], WR))
    assert report.status == "accepted"
    assert current(con, "540", "2021Q2")["work_records_total"] == 4000
    assert current(con, "542", "2021Q2")["work_records_total"] == 4539  # An Lão still from the sample
    assert con.execute("SELECT count(*) FROM metric_values").fetchone()[0] == 44


# Whole or nothing -------------------------------------------------------------------------

def test_a_file_with_an_error_loads_nothing_even_when_other_rows_are_fine(loader, con, tmp_path):
    loader.load_file(filled_template(tmp_path / "v1.xlsx", CHU_SE, "2021Q2", FIRST))
    before, values_before = data_counts(con), current(con, "633", "2021Q2")
    rows = [("Huyện Chư Sê", {"work_records_total": 1, "work_records_online": 1}),
            ("Thành phố Pleiku", {"work_records_total": 10, "work_records_online": 11})]
    report = loader.load_file(consolidated(tmp_path / "bad.xlsx", rows, WR))
    assert report.status == "rejected" and codes(report) == ["part_exceeds_whole"]
    assert data_counts(con) == before and current(con, "633", "2021Q2") == values_before
    assert con.execute("SELECT count(*) FROM submissions WHERE status = 'superseded'").fetchone()[0] == 0


def test_a_failure_inside_the_transaction_leaves_nothing_behind(loader, con, tmp_path, monkeypatch):
    loader.load_file(filled_template(tmp_path / "v1.xlsx", CHU_SE, "2021Q2", FIRST))
    before = counts(con)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(etl.batch_write, "_add_cleared_warnings", broken)  # after the values are inserted
    with pytest.raises(RuntimeError):
        loader.load_file(filled_template(tmp_path / "v2.xlsx", CHU_SE, "2021Q2", {"work_records_total": 5}))
    assert counts(con) == before
    assert con.execute("SELECT status FROM submissions").fetchall() == [("accepted",)]


# The submissions record -------------------------------------------------------------------

def test_submission_records_file_hash_who_when_status_counts_and_issues(loader, con, tmp_path):
    path = consolidated(tmp_path / "bang.xlsx", [("Thành phố Pleiku", {"work_records_total": 10}),
                                                 ("Thị xã An Khê", {"work_records_total": 20})], WR,
                        total=("Tổng cộng", {"work_records_total": 31}), date_line="Gia Lai, ngày 05 tháng 7 năm 2021")
    report = loader.load_file(path, submitted=date(2021, 8, 1))
    row = con.execute("SELECT file_name, file_sha256, layout, submitted_by, submitted_at, loaded_at, status, periods, "
                      "units_count, values_count, errors_count, warnings_count FROM submissions").fetchone()
    assert row[0] == "bang.xlsx"
    assert row[1] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert row[2:4] == ("consolidated", "chuyên viên Sở")
    assert row[4] == datetime(2021, 7, 5)  # the report date the workbook states beats --submitted
    assert row[5] > datetime(2024, 1, 1)
    assert row[6:] == ("accepted", "2021Q2", 2, 2, 0, 1)
    assert (report.units, report.values) == (2, 2)
    stored = con.execute("SELECT severity, sheet, cell, code, message_vi FROM submission_issues").fetchall()
    assert stored == [("warning", "Biểu 01", "C12", "total_mismatch", issue(report, "total_mismatch").message_vi)]


def test_submitted_date_falls_back_to_the_option_then_to_load_time(loader, con, tmp_path):
    loader.load_file(filled_template(tmp_path / "a.xlsx", CHU_SE, "2021Q2", FIRST), submitted=date(2021, 7, 14))
    loader.load_file(filled_template(tmp_path / "b.xlsx", PLEIKU, "2021Q2", FIRST))
    dates = [r[0] for r in con.execute("SELECT submitted_at FROM submissions ORDER BY submission_id").fetchall()]
    assert dates[0] == datetime(2021, 7, 14)
    assert dates[1].date() == datetime.now().date()
    assert con.execute("SELECT min(submitted_at) FROM unit_reports").fetchone()[0] == datetime(2021, 7, 14)


def test_every_accepted_submission_row_has_all_its_values(loader, con, tmp_path):
    loader.load_file(SAMPLE)
    loader.load_file(filled_template(tmp_path / "a.xlsx", CHU_SE, "2021Q2", {"work_records_total": 3}))
    for sid, values_count, stored, non_null in con.execute(
            "SELECT s.submission_id, s.values_count, count(rv.unit_key), count(rv.value) FROM submissions s "
            "LEFT JOIN reported_values rv USING (submission_id) GROUP BY ALL").fetchall():
        assert values_count == non_null and stored >= non_null, sid


def test_folders_are_expanded_and_lock_files_skipped(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    for name in ("b.xlsx", "a.XLSX", "sub/c.xlsm", "~$a.xlsx", "notes.txt", "old.xls"):
        (tmp_path / "d" / name).write_bytes(b"x")
    found = [p.relative_to(tmp_path / "d").as_posix() for p in expand_paths([tmp_path / "d"])]
    assert sorted(found) == ["a.XLSX", "b.xlsx", "old.xls", "sub/c.xlsm"]


# Views ------------------------------------------------------------------------------------

def load_table(loader, tmp_path, name, rows, metrics, title):
    report = loader.load_file(consolidated(tmp_path / name, rows, metrics, title=title))
    assert report.status == "accepted", messages(report)
    return report


def test_a_districts_rate_is_the_sum_of_numerators_over_the_sum_of_denominators(loader, con, tmp_path):
    rows = [("Thị trấn Chư Sê", {"work_records_total": 100, "work_records_online": 90}),
            ("Xã Ia Tiêm", {"work_records_total": 900, "work_records_online": 90})]
    load_table(loader, tmp_path, "xa.xlsx", rows, WR, "QUÝ II/2021")
    own = dict(con.execute("SELECT unit_code, value FROM indicator_values WHERE scope = 'unit' AND period = '2021Q2' "
                           "AND indicator_code = 'work_records_online_rate'").fetchall())
    assert own == {"23941": pytest.approx(0.9), "23944": pytest.approx(0.1)}
    area = con.execute("SELECT numerator, denominator, value FROM indicator_values WHERE unit_key = 'old:633' "
                       "AND scope = 'area' AND period = '2021Q2' AND indicator_code = 'work_records_online_rate'").fetchone()
    assert area == (180, 1000, pytest.approx(0.18))  # not the mean of rates, 0.5
    level = con.execute("SELECT numerator, denominator, value, units_reporting, units_expected FROM level_progress "
                        "WHERE period = '2021Q2' AND level = 'commune' AND indicator_code = 'work_records_online_rate'"
                        ).fetchone()
    assert level == (180, 1000, pytest.approx(0.18), 2, 373)


def test_units_reporting_only_one_side_do_not_enter_a_rate(loader, con, tmp_path):
    rows = [("Thị trấn Chư Sê", {"work_records_total": 100, "work_records_online": 90}),
            ("Xã Ia Tiêm", {"work_records_total": 900})]
    load_table(loader, tmp_path, "xa.xlsx", rows, WR, "QUÝ II/2021")
    area = con.execute("SELECT numerator, denominator FROM indicator_values WHERE unit_key = 'old:633' "
                       "AND scope = 'area' AND period = '2021Q2' AND indicator_code = 'work_records_online_rate'").fetchone()
    assert area == (90, 100)


QUARTERS = [("QUÝ I/2021", 10, 100), ("QUÝ II/2021", 20, 110), ("QUÝ III/2021", 30, 120), ("QUÝ IV/2021", 40, 130)]


def load_quarters(loader, tmp_path, quarters=QUARTERS):
    for i, (title, flow, stock) in enumerate(quarters):
        load_table(loader, tmp_path, f"q{i}.xlsx", [("Thành phố Pleiku", {"dossiers_total": flow, "services_total": stock,
                                                                         "dossiers_online": flow // 2})],
                   ["dossiers_total", "dossiers_online", "services_total"], title)


def period_values(con, metric):
    return dict(con.execute("SELECT period, value FROM period_metric_values WHERE unit_key = 'old:622' "
                            "AND metric_code = ?", [metric]).fetchall())


def test_a_year_of_a_flow_is_the_sum_of_its_quarters_of_a_stock_its_last_quarter(loader, con, tmp_path):
    load_quarters(loader, tmp_path)
    flows, stocks = period_values(con, "dossiers_total"), period_values(con, "services_total")
    assert (flows["2021"], flows["2021H1"], flows["2021H2"]) == (100, 30, 70)
    assert (stocks["2021"], stocks["2021H1"], stocks["2021H2"]) == (130, 110, 130)
    rate = con.execute("SELECT numerator, denominator FROM indicator_values WHERE unit_key = 'old:622' AND scope = "
                       "'unit' AND period = '2021' AND indicator_code = 'dossiers_online_rate'").fetchone()
    assert rate == (50, 100)
    # metric_values holds values as reported, at the period reported for: quarters only.
    assert {r[0] for r in con.execute("SELECT DISTINCT period FROM metric_values").fetchall()} == \
        {"2021Q1", "2021Q2", "2021Q3", "2021Q4"}


def test_a_stocks_year_is_its_last_reported_quarter(loader, con, tmp_path):
    load_quarters(loader, tmp_path, QUARTERS[:3])
    assert period_values(con, "services_total")["2021"] == 120
    assert period_values(con, "dossiers_total")["2021"] == 60


def test_a_half_year_reported_directly_wins_over_the_derived_one(loader, con, tmp_path):
    load_quarters(loader, tmp_path)
    load_table(loader, tmp_path, "h1.xlsx", [("Thành phố Pleiku", {"dossiers_total": 35, "dossiers_online": 7})],
               ["dossiers_total", "dossiers_online"], "BÁO CÁO 6 THÁNG ĐẦU NĂM 2021")
    flows = period_values(con, "dossiers_total")
    assert flows["2021H1"] == 35 and flows["2021H2"] == 70
    assert current(con, "622", "2021H1") == {"dossiers_total": 35, "dossiers_online": 7}
    rate = con.execute("SELECT value FROM indicator_values WHERE unit_key = 'old:622' AND scope = 'unit' "
                       "AND period = '2021H1' AND indicator_code = 'dossiers_online_rate'").fetchone()[0]
    assert rate == pytest.approx(0.2)


def test_the_province_roots_area_covers_all_its_units(loader, con, tmp_path):
    loader.load_file(SAMPLE)  # Bình Định districts: 38,846 work records, 30,136 online
    load_table(loader, tmp_path, "gl.xlsx", [("Thành phố Pleiku", {"work_records_total": 1000, "work_records_online": 500}),
                                             ("Xã Ia Tiêm", {"work_records_total": 154, "work_records_online": 64})],
               WR, "QUÝ II/2021")
    loader.load_file(filled_template(tmp_path / "so.xlsx", ("64-STTTT", "Sở Thông tin và Truyền thông"), "2021Q2",
                                     {"work_records_total": 2000, "work_records_online": 1900}))
    area = dict((r[0], r[1:]) for r in con.execute(
        "SELECT unit_key, numerator, denominator, units_reporting FROM indicator_values WHERE scope = 'area' "
        "AND period = '2021Q2' AND indicator_code = 'work_records_online_rate' AND unit_key IN ('old:64', 'old:52', 'new:52')"
    ).fetchall())
    assert area["old:64"] == (2464, 3154, 3)
    assert area["old:52"] == (30136, 38846, 11)
    assert area["new:52"] == (30136 + 2464, 38846 + 3154, 14)  # the new province re-aggregates its predecessors
    root = con.execute("SELECT count(*) FROM indicator_values WHERE unit_key = 'old:64' AND scope = 'unit'").fetchone()
    assert root == (0,)  # the root reports nothing itself
    level = con.execute("SELECT numerator, denominator, units_reporting FROM level_progress WHERE period = '2021Q2' "
                        "AND level = 'province' AND indicator_code = 'work_records_online_rate'").fetchone()
    assert level == (1900, 2000, 1)  # cấp tỉnh is the agencies


def test_reporting_completeness_counts_expected_reported_and_on_time(loader, con, tmp_path):
    # 2021Q2 is due 15/07/2021.
    loader.load_file(filled_template(tmp_path / "a.xlsx", CHU_SE, "2021Q2", FIRST, report_date=date(2021, 7, 10)))
    loader.load_file(filled_template(tmp_path / "b.xlsx", PLEIKU, "2021Q2", FIRST, report_date=date(2021, 7, 20)))
    loader.load_file(filled_template(tmp_path / "c.xlsx", AN_KHE, "2021Q2", FIRST), submitted=date(2021, 7, 15))
    # A later correction does not make a unit late: its first submission counts.
    loader.load_file(filled_template(tmp_path / "a2.xlsx", CHU_SE, "2021Q2", {"work_records_total": 5},
                                     report_date=date(2021, 9, 1)))
    row = con.execute("SELECT units_expected, units_reported, units_on_time, rate FROM reporting_completeness "
                      "WHERE period = '2021Q2' AND level = 'district'").fetchone()
    assert row == (28, 3, 2, pytest.approx(3 / 28))
    communes = con.execute("SELECT units_expected, units_reported FROM reporting_completeness "
                           "WHERE period = '2021Q2' AND level = 'commune'").fetchone()
    assert communes == (373, 0)


def test_rejected_and_duplicate_files_never_count_as_reports(loader, con, tmp_path):
    path = filled_template(tmp_path / "a.xlsx", CHU_SE, "2021Q2", FIRST, report_date=date(2021, 7, 10))
    loader.load_file(path)
    copy = tmp_path / "a_copy.xlsx"
    copy.write_bytes(path.read_bytes())
    loader.load_file(copy)
    loader.load_file(filled_template(tmp_path / "bad.xlsx", PLEIKU, "2021Q2", {"work_records_total": -1}))
    row = con.execute("SELECT units_reported FROM reporting_completeness WHERE period = '2021Q2' "
                      "AND level = 'district'").fetchone()
    assert row == (1,)


def test_a_loader_over_a_warehouse_reopened_sees_earlier_files(db, tmp_path):
    from etl.warehouse import connect

    path = filled_template(tmp_path / "a.xlsx", CHU_SE, "2021Q2", FIRST)
    first = connect(db)
    Loader(first, CATALOG).load_file(path)
    first.close()
    second = connect(db)
    try:
        assert Loader(second, CATALOG).load_file(path).status == "duplicate"
    finally:
        second.close()
