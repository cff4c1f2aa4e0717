"""Published 766 scores through the real loader: a consolidated table per unit (unit code or
name, one column per group by its name, "Tổng điểm", the period in the title) lands in
index_scores and index_group_scores, ranked within each level, with the change of rank since
the previous month; a group above its maximum and a total the groups do not add up to are
named by their cells."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from workbooks import *  # noqa: E402,F403

GROUPS = ["Công khai, minh bạch", "Tiến độ, kết quả giải quyết", "Số hóa hồ sơ", "Cung cấp dịch vụ trực tuyến",
          "Mức độ hài lòng"]


def score_table(path: Path, title: str, rows: list[tuple], headers: list[str] = GROUPS,
                unit_header: str = "Mã đơn vị") -> Path:
    """Writes a table as provinces publish it: titles, a header row, one row per unit."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Điểm 766"
    sheet["A1"] = "UBND TỈNH GIA LAI"
    sheet["A2"] = title
    sheet.append([])
    sheet.append(["STT", unit_header, *headers, "Tổng điểm"])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    book.save(path)
    return path


OCTOBER = [("52-SNV", 17, 19.5, 20, 21, 17.5, 95), ("52-STP", 15, 18, 19, 20, 16, 88),
           ("52-STC", 12, 15, 16, 18, 14, 75)]
NOVEMBER = [("52-SNV", 15, 18, 19, 20, 16, 88), ("52-STP", 12, 15, 16, 18, 14, 75),
            ("52-STC", 17, 19.5, 20, 21, 17.5, 95)]


def test_published_scores_are_ranked_within_the_level_with_the_change_since_last_month(loader, con, tmp_path):
    first = loader.load_file(score_table(tmp_path / "t10.xlsx", "KẾT QUẢ CHỈ SỐ 766 THÁNG 10/2026", OCTOBER))
    second = loader.load_file(score_table(tmp_path / "t11.xlsx", "KẾT QUẢ CHỈ SỐ 766 THÁNG 11/2026", NOVEMBER))
    assert (first.status, first.units, second.status) == ("accepted", 3, "accepted")
    rows = con.execute("""SELECT unit_code, score, max_score, rank_in_level, rank_change, source, level, version
                          FROM index_scores WHERE period = '2026M11' ORDER BY rank_in_level""").fetchall()
    assert rows == [("52-STC", 95, 100, 1, 2, "reported", "province", "2022"),   # third → first: up two
                    ("52-SNV", 88, 100, 2, -1, "reported", "province", "2022"),
                    ("52-STP", 75, 100, 3, -1, "reported", "province", "2022")]
    groups = con.execute("""SELECT group_name_vi, score, max_score FROM index_group_scores
                            WHERE period = '2026M10' AND unit_code = '52-SNV' ORDER BY group_order""").fetchall()
    assert groups == [("Công khai, minh bạch", 17, 18), ("Tiến độ, kết quả giải quyết", 19.5, 20),
                      ("Số hóa hồ sơ", 20, 22), ("Cung cấp dịch vụ trực tuyến", 21, 22), ("Mức độ hài lòng", 17.5, 18)]
    assert con.execute("SELECT DISTINCT as_of FROM index_scores WHERE period = '2026M10'").fetchall() == \
        [(date(2026, 10, 31),)]


def test_headers_match_group_names_ignoring_case_diacritics_and_spacing(loader, con, tmp_path):
    headers = ["CONG KHAI,  MINH BACH", "tiến độ, kết quả giải quyết", "Số hoá hồ sơ", "Cung cấp dịch vụ trực tuyến",
               "MỨC ĐỘ HÀI LÒNG"]
    report = loader.load_file(score_table(tmp_path / "t.xlsx", "THÁNG 10/2026", OCTOBER[:1], headers))
    assert report.status == "accepted", messages(report)
    assert con.execute("SELECT count(*) FROM index_group_scores WHERE period = '2026M10'").fetchall()[0][0] == 5


def test_a_total_the_groups_do_not_add_up_to_is_a_warning_on_the_total_cell(loader, con, tmp_path):
    # 83,63 = 16 + 18 + 19 + 16,63 + 14 while the published total says 86,94
    rows = [("52-SNV", 16, 18, 19, 16.63, 14, 86.94)]
    report = loader.load_file(score_table(tmp_path / "t.xlsx", "THÁNG 10/2026", rows))
    assert report.status == "accepted"
    found = issue(report, "index_sum_mismatch")
    assert (found.severity, found.sheet, found.cell) == ("warning", "Điểm 766", "H5")
    assert found.message_vi == "Ô H5: tổng các nhóm 83,63 khác Tổng điểm 86,94."


def test_a_rounding_difference_within_one_hundredth_is_no_warning(loader, tmp_path):
    rows = [("52-SNV", 16.333, 18, 19, 16.333, 14, 83.67)]
    report = loader.load_file(score_table(tmp_path / "t.xlsx", "THÁNG 10/2026", rows))
    assert "index_sum_mismatch" not in codes(report)


def test_a_group_above_its_maximum_rejects_the_whole_file_naming_the_cell(loader, con, tmp_path):
    rows = [("52-SNV", 17, 19.5, 20, 21, 17.5, 95), ("52-STP", 19.5, 18, 19, 20, 16, 92.5)]
    report = loader.load_file(score_table(tmp_path / "t.xlsx", "THÁNG 10/2026", rows))
    assert report.status == "rejected"
    found = issue(report, "index_group_above_max")
    assert found.cell == "C6"
    assert found.message_vi == "Ô C6: điểm nhóm «Công khai, minh bạch» 19,5 vượt điểm tối đa 18."
    assert con.execute("SELECT count(*) FROM index_score_values").fetchall()[0][0] == 0  # nothing of the file


def test_a_column_not_among_the_groups_of_the_version_in_force_is_an_error(loader, tmp_path):
    headers = [*GROUPS[:4], "Thanh toán trực tuyến"]
    report = loader.load_file(score_table(tmp_path / "t.xlsx", "THÁNG 10/2026", OCTOBER[:1], headers))
    assert report.status == "rejected"
    found = issue(report, "index_group_unknown")
    assert found.cell == "G4" and "Thanh toán trực tuyến" in found.message_vi and "phiên bản 2022" in found.message_vi


def test_units_named_instead_of_coded_and_communes_ranked_apart(loader, con, tmp_path):
    rows = [("Sở Nội vụ", 17, 19.5, 20, 21, 17.5, 95), ("Phường Quy Nhơn", 15, 18, 19, 20, 16, 88),
            ("Phường Quy Nhơn Đông", 16, 18, 19, 20, 16, 89)]
    report = loader.load_file(score_table(tmp_path / "t.xlsx", "TUẦN 44/2026", rows, unit_header="Tên đơn vị"))
    assert report.status == "accepted", messages(report)
    ranks = con.execute("SELECT unit_name, level, rank_in_level FROM index_scores WHERE period = '2026W44' "
                        "ORDER BY level, rank_in_level").fetchall()
    assert ranks == [("Phường Quy Nhơn Đông", "commune", 1), ("Phường Quy Nhơn", "commune", 2),
                     ("Sở Nội vụ", "province", 1)]


def test_a_later_table_for_the_same_month_replaces_the_earlier(loader, con, tmp_path):
    loader.load_file(score_table(tmp_path / "a.xlsx", "THÁNG 10/2026", OCTOBER))
    fixed = [("52-SNV", 17, 19.5, 20, 21, 16.5, 94)]
    assert loader.load_file(score_table(tmp_path / "b.xlsx", "THÁNG 10/2026", fixed)).status == "accepted"
    assert con.execute("SELECT score FROM index_scores WHERE unit_code = '52-SNV' AND period = '2026M10'"
                       ).fetchall() == [(94,)]


def test_no_grade_until_the_province_fills_in_every_threshold(loader, con, tmp_path):
    loader.load_file(score_table(tmp_path / "t10.xlsx", "THÁNG 10/2026", OCTOBER))
    assert con.execute("SELECT DISTINCT grade FROM index_scores").fetchall() == [(None,)]  # never 'Yếu' by default
    # the province's thresholds (as it would write them into 766.yaml)
    for grade, minimum in [("Xuất sắc", 90), ("Tốt", 80), ("Khá", 70), ("Trung bình", 50)]:
        con.execute("UPDATE index_grade_bands SET min_score = ? WHERE index_code = '766' AND grade = ?",
                    [minimum, grade])
    assert con.execute("SELECT unit_code, grade FROM index_scores ORDER BY unit_code").fetchall() == \
        [("52-SNV", "Xuất sắc"), ("52-STC", "Khá"), ("52-STP", "Tốt")]


def test_a_group_defined_on_held_metrics_is_computed_from_them(loader, con, tmp_path):
    # "Tiến độ, kết quả giải quyết" (20 points) is linear on dossiers_on_time / dossiers_resolved
    metrics = ["dossiers_resolved", "dossiers_on_time"]
    path = consolidated(tmp_path / "q3.xlsx", [(("52-SNV", "Sở Nội vụ"), {"dossiers_resolved": 200,
                                                                         "dossiers_on_time": 180})],
                        metrics, title="BẢNG TỔNG HỢP QUÝ III/2026", code_header="Mã đơn vị")
    assert loader.load_file(path).status == "accepted"
    rows = con.execute("""SELECT group_code, score, max_score, source, as_of FROM index_group_scores
                          WHERE index_code = '766' AND unit_code = '52-SNV' AND period = '2026Q3'""").fetchall()
    assert rows == [("tien_do", pytest.approx(18.0), 20, "computed", date(2026, 9, 30))]  # 20 × 90%


def test_the_province_dti_is_loaded_against_the_version_in_force_that_year(loader, con, tmp_path):
    groups = ["Nhận thức số", "Thể chế số", "Hạ tầng số", "Nhân lực số", "An toàn thông tin mạng",
              "Đô thị thông minh", "Hoạt động chính quyền số", "Hoạt động kinh tế số", "Hoạt động xã hội số"]
    rows = [("Tỉnh Gia Lai", 80, 75, 70, 60, 85, 0, 150, 90, 100, 710)]
    report = loader.load_file(score_table(tmp_path / "dti.xlsx", "KẾT QUẢ DTI CẤP TỈNH NĂM 2024", rows, groups,
                                          unit_header="Tên đơn vị"))
    assert report.status == "accepted", messages(report)
    assert con.execute("SELECT index_code, version, score, max_score FROM index_scores WHERE period = '2024'"
                       ).fetchall() == [("dti", "2022", 710, 1000)]
