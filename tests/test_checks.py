"""The rules a workbook must pass (domain.md), each named: a rejected file gives a clear
Vietnamese message naming sheet and cell, and changes no data (the attempt is recorded in
submissions as rejected, with its issues)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

WR = ["work_records_total", "work_records_online"]


def rejected(loader, con, path, **kwargs):
    """Loads a file that must be rejected; checks nothing but its submission row changed."""
    before = counts(con)
    report = loader.load_file(path, **kwargs)
    assert report.status == "rejected", messages(report)
    after = counts(con)
    assert after["reported_values"] == before["reported_values"]
    assert after["unit_reports"] == before["unit_reports"]
    assert after["submissions"] == before["submissions"] + 1
    row = con.execute("SELECT file_name, status, units_count, values_count, errors_count FROM submissions "
                      "ORDER BY submission_id DESC LIMIT 1").fetchone()
    assert row[0] == path.name and row[1] == "rejected" and row[2:4] == (0, 0) and row[4] >= 1
    stored = con.execute("SELECT count(*) FROM submission_issues WHERE submission_id = ?",
                         [report.submission_id]).fetchone()[0]
    assert stored == len(report.issues)
    return report


# Units ----------------------------------------------------------------------------------

def test_unknown_unit_is_an_error_listing_the_closest_real_units(loader, con, tmp_path):
    path = consolidated(tmp_path / "u.xlsx", [("Huyện Chư Xê", {"work_records_total": 5})], WR)
    found = issue(rejected(loader, con, path), "unit_not_found")
    assert (found.sheet, found.cell) == ("Biểu 01", "B10")
    assert found.message_vi.startswith('Đơn vị "Huyện Chư Xê" không tìm thấy trong tỉnh Gia Lai ở kỳ Quý II/2021.')
    assert "Đơn vị gần nhất:" in found.message_vi and "Huyện Chư Sê" in found.message_vi


def test_prefix_is_part_of_the_identity(loader, con, tmp_path):
    path = consolidated(tmp_path / "u.xlsx", [("Thị xã Chư Sê", {"work_records_total": 5})], WR)
    found = issue(rejected(loader, con, path), "unit_prefix_mismatch")
    assert "sai loại đơn vị" in found.message_vi and "Huyện Chư Sê" in found.message_vi


def test_district_named_in_the_new_era_did_not_exist_in_the_period(loader, con, tmp_path):
    path = consolidated(tmp_path / "u.xlsx", [("Huyện Chư Sê", {"work_records_total": 5})], WR,
                        title="TỔNG HỢP QUÝ III/2025")
    found = issue(rejected(loader, con, path), "unit_not_active")
    assert found.message_vi.startswith('Đơn vị "Huyện Chư Sê" không tồn tại trong kỳ Quý III/2025')


def test_district_code_in_the_new_era_did_not_exist_in_the_period(loader, con, tmp_path):
    path = consolidated(tmp_path / "u.xlsx", [(("633", None), {"work_records_total": 5})], WR,
                        code_header="Mã đơn vị", title="TỔNG HỢP QUÝ III/2025")
    assert "không tồn tại trong kỳ Quý III/2025" in issue(rejected(loader, con, path), "unit_not_active").message_vi


def test_new_commune_reported_for_an_old_period_did_not_exist(loader, con, tmp_path):
    path = consolidated(tmp_path / "u.xlsx", [("Phường Pleiku", {"work_records_total": 5})], WR)
    assert "không tồn tại trong kỳ Quý II/2021" in issue(rejected(loader, con, path), "unit_not_active").message_vi


def test_code_and_name_naming_two_units_is_an_error(loader, con, tmp_path):
    path = consolidated(tmp_path / "u.xlsx", [(("622", "Thị xã An Khê"), {"work_records_total": 5})], WR,
                        code_header="Mã đơn vị")
    assert "chỉ hai đơn vị khác nhau" in issue(rejected(loader, con, path), "unit_code_name_conflict").message_vi


def test_unit_named_twice_with_different_values_is_an_error(loader, con, tmp_path):
    rows = [("Thành phố Pleiku", {"work_records_total": 5}), ("TP. Pleiku", {"work_records_total": 6})]
    found = issue(rejected(loader, con, consolidated(tmp_path / "d.xlsx", rows, WR)), "duplicate_row_conflict")
    assert (found.cell, found.severity) == ("B11", "error")
    assert "B10" in found.message_vi and "số liệu khác" in found.message_vi


def test_unit_named_twice_with_identical_values_is_a_warning(loader, con, tmp_path):
    rows = [("Thành phố Pleiku", {"work_records_total": 5}), ("TP. Pleiku", {"work_records_total": 5})]
    report = loader.load_file(consolidated(tmp_path / "d.xlsx", rows, WR))
    assert report.status == "accepted"
    found = issue(report, "duplicate_row_same")
    assert found.severity == "warning" and "chỉ nạp một lần" in found.message_vi
    assert report.units == 1 and current(con, "622", "2021Q2") == {"work_records_total": 5}


def test_whole_or_nothing_one_bad_row_stops_every_row(loader, con, tmp_path):
    rows = [("Thành phố Pleiku", {"work_records_total": 5}), ("Thị xã An Khê", {"work_records_total": 6}),
            ("Huyện Không Có", {"work_records_total": 7})]
    rejected(loader, con, consolidated(tmp_path / "w.xlsx", rows, WR))
    assert con.execute("SELECT count(*) FROM metric_values").fetchone()[0] == 0


# Numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,code,words", [
    ("8,5", "fraction", "không phải số nguyên"),
    (8.5, "fraction", "không phải số nguyên"),
    ("1.5", "fraction", "không phải số nguyên"),
    (-3, "negative", "số âm"),
    ("-1.200", "negative", "số âm"),
    ("khoảng 200", "not_a_number", "không phải là số"),
    ("8,5%", "not_a_number", "không phải là số"),
])
def test_counts_are_whole_and_not_negative(loader, con, tmp_path, raw, code, words):
    path = consolidated(tmp_path / "n.xlsx", [("Thành phố Pleiku", {"work_records_total": raw})], WR)
    found = issue(rejected(loader, con, path), code)
    assert (found.sheet, found.cell) == ("Biểu 01", "C10")
    assert found.message_vi.startswith("Ô C10 (Tổng số hồ sơ công việc):") and words in found.message_vi


def test_text_in_a_template_value_cell(loader, con, tmp_path):
    path = filled_template(tmp_path / "t.xlsx", CHU_SE, "2021Q2", {"docs_sent_total": "chưa có"})
    cell = template_cell(path, "docs_sent_total")
    found = issue(rejected(loader, con, path), "not_a_number")
    assert (found.sheet, found.cell) == ("Báo cáo", cell) and '"chưa có" không phải là số' in found.message_vi


def test_vietnamese_grouping_reads_as_thousands(loader, con, tmp_path):
    rows = [("Thành phố Pleiku", {"work_records_total": "12.500", "work_records_online": "1.937"})]
    assert loader.load_file(consolidated(tmp_path / "g.xlsx", rows, WR)).status == "accepted"
    assert current(con, "622", "2021Q2") == {"work_records_total": 12500, "work_records_online": 1937}


def test_blank_is_not_zero(loader, con, tmp_path):
    rows = [("Thành phố Pleiku", {"work_records_total": 10}), ("Thị xã An Khê", {"work_records_online": 0})]
    report = loader.load_file(consolidated(tmp_path / "b.xlsx", rows, WR))
    assert report.status == "accepted" and report.values == 2
    assert current(con, "622", "2021Q2") == {"work_records_total": 10}
    assert current(con, "623", "2021Q2") == {"work_records_online": 0}
    assert con.execute("SELECT count(*) FROM metric_values WHERE unit_code = '622' AND metric_code = "
                       "'work_records_online'").fetchone()[0] == 0


def test_formula_without_cached_value_is_an_error(loader, con, tmp_path):
    path = filled_template(tmp_path / "f.xlsx", CHU_SE, "2021Q2", {"work_records_total": "=1+1"})
    cell = template_cell(path, "work_records_total")
    found = issue(rejected(loader, con, path), "formula_without_value")
    assert found.cell == cell and found.message_vi.startswith(f"Ô {cell} chứa công thức nhưng chưa có giá trị tính sẵn")


def test_formula_in_a_consolidated_row_without_cached_value(loader, con, tmp_path):
    path = consolidated(tmp_path / "f.xlsx", [("Thành phố Pleiku", {"work_records_total": 5})], WR,
                        formulas={(0, "work_records_online"): "=C10-1"})
    assert issue(rejected(loader, con, path), "formula_without_value").cell == "D10"


# Parts and wholes -----------------------------------------------------------------------

def test_part_above_its_whole_names_both_cells(loader, con, tmp_path):
    rows = [("Thành phố Pleiku", {"work_records_total": 100, "work_records_online": 120})]
    found = issue(rejected(loader, con, consolidated(tmp_path / "p.xlsx", rows, WR)), "part_exceeds_whole")
    assert found.cell == "D10"
    assert found.message_vi == ("Số hồ sơ công việc được xử lý trên môi trường mạng (120, ô D10) lớn hơn "
                                "Tổng số hồ sơ công việc (100, ô C10).")


def test_service_levels_together_above_the_total(loader, con, tmp_path):
    values = {"services_total": 100, "services_level2": 50, "services_level3": 40, "services_level4": 20}
    found = issue(rejected(loader, con, filled_template(tmp_path / "s.xlsx", CHU_SE, "2021Q2", values)),
                  "part_exceeds_whole")
    assert "(110," in found.message_vi and "Tổng số thủ tục hành chính (100" in found.message_vi


def test_part_equal_to_whole_is_fine(loader, con, tmp_path):
    rows = [("Thành phố Pleiku", {"work_records_total": 100, "work_records_online": 100})]
    assert loader.load_file(consolidated(tmp_path / "p.xlsx", rows, WR)).status == "accepted"


# Metric eras ----------------------------------------------------------------------------

def test_level4_services_after_decree_42_is_an_error(loader, con, tmp_path):
    rows = [("Thành phố Pleiku", {"services_total": 100, "services_level4": 20})]
    path = consolidated(tmp_path / "e.xlsx", rows, ["services_total", "services_level4"], title="QUÝ I/2023")
    found = issue(rejected(loader, con, path), "metric_not_valid")
    assert found.cell == "D10"
    assert 'Chỉ số "Số dịch vụ công trực tuyến mức độ 4" không áp dụng cho kỳ Quý I/2023' in found.message_vi


def test_full_online_services_before_decree_42_is_an_error(loader, con, tmp_path):
    rows = [("Thành phố Pleiku", {"services_total": 100, "services_full_online": 20})]
    path = consolidated(tmp_path / "e.xlsx", rows, ["services_total", "services_full_online"], title="QUÝ I/2021")
    assert "không áp dụng cho kỳ Quý I/2021" in issue(rejected(loader, con, path), "metric_not_valid").message_vi


def test_out_of_era_column_left_blank_is_fine(loader, con, tmp_path):
    rows = [("Thành phố Pleiku", {"services_total": 100})]
    path = consolidated(tmp_path / "e.xlsx", rows, ["services_total", "services_level4"], title="QUÝ I/2023")
    assert loader.load_file(path).status == "accepted"


def test_both_eras_valid_in_the_quarter_of_the_change(loader, con, tmp_path):
    rows = [("Thành phố Pleiku", {"services_total": 100, "services_level4": 20, "services_full_online": 10})]
    path = consolidated(tmp_path / "e.xlsx", rows, ["services_total", "services_level4", "services_full_online"],
                        title="QUÝ III/2022")
    assert loader.load_file(path).status == "accepted"


# English on request ---------------------------------------------------------------------

def test_every_issue_has_an_english_message_too(loader, con, tmp_path):
    rows = [("Thành phố Pleiku", {"work_records_total": 100, "work_records_online": 120})]
    report = loader.load_file(consolidated(tmp_path / "p.xlsx", rows, WR))
    assert "exceeds" in report.issues[0].message("en")
    assert report.as_json("en")["issues"][0]["message"] == report.issues[0].message_en
