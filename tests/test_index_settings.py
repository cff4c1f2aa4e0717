"""The province's own settings for the index figures no cited text gives (766 grade thresholds,
a step's threshold, a criterion's weight, DTI maxima): filled in from a file the province
keeps, installed into the warehouse by `govkpi index-settings FILE`, recorded with who set
them and from which file and entry, labelled "do tỉnh điền" wherever they appear; a figure a
decision's text already gives is never overridden."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_index_scores_load import OCTOBER, score_table  # noqa: E402
from workbooks import *  # noqa: E402,F403

from etl.catalog import load_catalog  # noqa: E402
from etl.index_settings import PROVINCE_SET_VI, SettingsError, apply_settings, read_settings  # noqa: E402
from etl.indices import criterion_score, grade_of, load_indices, missing_settings  # noqa: E402
from etl.load import Loader  # noqa: E402
from etl.warehouse import connect  # noqa: E402
from vocab.periods import parse_code  # noqa: E402
from warehouse.reader import snapshot_path  # noqa: E402

GOVKPI = str(Path(sys.executable).with_name("govkpi"))

GRADES = """set_by: Sở Khoa học và Công nghệ tỉnh Gia Lai
basis: Kế hoạch số 12/KH-UBND (thử)
settings:
  - {index: "766", version: "2022", grade: Xuất sắc, min_score: 90}
  - {index: "766", version: "2022", grade: Tốt, min_score: 80}
  - {index: "766", version: "2022", grade: Khá, min_score: 65}
  - {index: "766", version: "2022", grade: Trung bình, min_score: 50}
"""
MORE = GRADES + """  - {index: "766", version: "2022", criterion: ho_so_truc_tuyen, max_score: 10}
  - {index: "766", version: "2022", criterion: hai_long_tthc, step: 1, at_least: 0.9}
  - {index: dti, version: "2025", group: nhan_thuc_so, max_score: 100}
"""


def settings_file(tmp_path: Path, text: str, name: str = "index_settings.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_province_fills_in_grades_a_weight_a_step_and_a_dti_maximum(tmp_path):
    indices = apply_settings(load_indices(), read_settings(settings_file(tmp_path, MORE)))
    v766 = indices["766"].version_for(parse_code("2026M10"))
    assert grade_of(v766, 91) == "Xuất sắc" and grade_of(v766, 80) == "Tốt" and grade_of(v766, 49.9) == "Yếu"
    by_code = {c.code: c for g in v766.groups for c in g.criteria}
    assert criterion_score(by_code["ho_so_truc_tuyen"], ratio=0.5) == 5.0
    assert criterion_score(by_code["hai_long_tthc"], ratio=0.9) == 6.0       # the step includes its threshold
    assert criterion_score(by_code["hai_long_tthc"], ratio=0.89) == 0.0
    band = v766.grades[0]
    assert band.set_by.startswith(PROVINCE_SET_VI) and "Sở Khoa học và Công nghệ tỉnh Gia Lai" in band.set_by
    assert "Kế hoạch số 12/KH-UBND" in band.set_by and "index_settings.yaml, mục 1" in band.set_by
    dti = indices["dti"].version_for(parse_code("2025"))
    assert dti.groups[0].max_score == 100 and dti.groups[0].set_by


def test_what_is_left_to_fill_in_shrinks_by_what_the_province_set(tmp_path):
    before = missing_settings(load_indices())
    after = missing_settings(apply_settings(load_indices(), read_settings(settings_file(tmp_path, MORE))))
    gone = set(before) - set(after)
    assert len(after) == len(before) - 7 and set(after) < set(before)
    assert any("Xuất sắc" in m for m in gone) and any("ho_so_truc_tuyen" in m for m in gone)
    assert any("hai_long_tthc ngưỡng bậc 1" in m for m in gone) and any("Nhận thức số" in m for m in gone)
    assert not any("ngưỡng xếp loại" in m and "766.yaml" in m for m in after)


@pytest.mark.parametrize("entry,message", [
    # "Yếu" from 0 is in the YAML with its source; "Công khai, minh bạch" is 18 points in the decision
    ('{index: "766", version: "2022", grade: Yếu, min_score: 10}',
     r"thiết_lập.yaml, mục 1: 766.yaml, phiên bản 2022: ngưỡng xếp loại «Yếu» đã có căn cứ \(0; .*tỉnh không ghi đè"),
    ('{index: "766", version: "2022", group: cong_khai, max_score: 20}',
     r"thiết_lập.yaml, mục 1: .*nhóm «Công khai, minh bạch» điểm tối đa đã có căn cứ \(18; Quyết định 766/QĐ-TTg"),
    ('{index: "766", version: "2022", criterion: ho_so_dung_han, max_score: 15}',
     r"mục 1: .*tiêu chí «Tỷ lệ hồ sơ giải quyết đúng hạn» điểm tối đa đã có căn cứ \(20"),
    ('{index: dti, version: "2022", max_score: 900}', r"mục 1: dti.yaml, phiên bản 2022: tổng điểm tối đa đã có căn cứ"),
])
def test_a_figure_a_decision_gives_is_not_overridden(tmp_path, entry, message):
    path = settings_file(tmp_path, f"set_by: Sở KH&CN\nsettings:\n  - {entry}\n", "thiết_lập.yaml")
    with pytest.raises(SettingsError, match=message):
        apply_settings(load_indices(), read_settings(path))


@pytest.mark.parametrize("entry,message", [
    ('{index: "766", version: "2022", grade: Giỏi, min_score: 85}',
     "phiên bản 2022 của bộ chỉ số 766 không có loại «Giỏi» (có: Xuất sắc, Tốt, Khá, Trung bình, Yếu)"),
    ('{index: "767", version: "2022", grade: Tốt, min_score: 85}', "không có bộ chỉ số «767» (có: 766, dti)"),
    ('{index: "766", version: "2030", grade: Tốt, min_score: 85}', "bộ chỉ số 766 không có phiên bản «2030» (có: 2022)"),
    ('{index: "766", version: "2022", group: so_hoa_ho_so, max_score: 22}', "không có nhóm «so_hoa_ho_so»"),
    ('{index: "766", version: "2022", criterion: hai_long_tthc, step: 2, at_least: 0.5}',
     "tiêu chí «Tỷ lệ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính» không có bậc 2 (có 1 bậc)"),
])
def test_an_unknown_index_version_grade_group_or_step_is_said_in_vietnamese(tmp_path, entry, message):
    path = settings_file(tmp_path, f"set_by: Sở KH&CN\nsettings:\n  - {entry}\n")
    with pytest.raises(SettingsError, match="index_settings.yaml, mục 1: ") as raised:
        apply_settings(load_indices(), read_settings(path))
    assert message in str(raised.value)


@pytest.mark.parametrize("text,message", [
    ("settings: []\n", "index_settings.yaml: thiếu set_by"),
    ('set_by: S\nsettings:\n  - {index: "766", version: "2022", grade: Tốt, min_score: "tám mươi"}\n',
     "index_settings.yaml, mục 1: min_score phải là một số điểm ≥ 0, không phải 'tám mươi'"),
    ('set_by: S\nsettings:\n  - {index: "766", version: "2022", criterion: hai_long_tthc, step: 1, at_least: 90}\n',
     "mục 1: at_least phải là một tỷ lệ từ 0 đến 1 (0.9 là 90%)"),
    ('set_by: S\nsettings:\n  - {index: "766", version: "2022", grade: Tốt, min_score: 80}\n'
     '  - {index: "766", version: "2022", grade: tốt, min_score: 81}\n', "index_settings.yaml, mục 2: trùng số liệu với mục 1"),
    ('set_by: S\nsettings:\n  - {index: "766", version: "2022", grade: Tốt, minscore: 80}\n',
     "mục 1: khóa không dùng được: minscore"),
])
def test_a_malformed_settings_file_names_the_file_and_entry(tmp_path, text, message):
    with pytest.raises(SettingsError) as raised:
        read_settings(settings_file(tmp_path, text))
    assert message in str(raised.value)


def test_grade_thresholds_must_still_fall_from_the_best_grade(tmp_path):
    text = GRADES.replace("grade: Tốt, min_score: 80", "grade: Tốt, min_score: 95")
    with pytest.raises(SettingsError, match=r"mục 2: ngưỡng xếp loại phải giảm dần .*Xuất sắc 90, Tốt 95"):
        apply_settings(load_indices(), read_settings(settings_file(tmp_path, text)))


# Through the command, into a real warehouse ----------------------------------------------------

def index_settings(db: Path, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([GOVKPI, "index-settings", str(path), "--db", str(db)], capture_output=True, text=True)


def test_the_command_installs_the_settings_and_published_scores_are_graded(db, tmp_path):
    con = connect(db)
    try:
        report = Loader(con, load_catalog()).load_file(
            score_table(tmp_path / "t10.xlsx", "KẾT QUẢ CHỈ SỐ 766 THÁNG 10/2026", OCTOBER))
        assert report.status == "accepted"
        assert con.execute("SELECT count(*) FROM index_scores WHERE grade IS NOT NULL").fetchone()[0] == 0
    finally:
        con.close()

    result = index_settings(db, settings_file(tmp_path, MORE))
    assert result.returncode == 0, result.stderr
    assert "Đã cài 7 số liệu do tỉnh điền" in result.stderr and "Còn chưa điền" in result.stderr

    con = duckdb.connect(str(db), read_only=True)
    try:
        graded = con.execute("SELECT unit_code, score, grade FROM index_scores WHERE period = '2026M10'"
                             " ORDER BY score DESC").fetchall()
        assert graded == [("52-SNV", 95, "Xuất sắc"), ("52-STP", 88, "Tốt"), ("52-STC", 75, "Khá")]
        assert con.execute("SELECT grade, min_score FROM index_grade_bands WHERE index_code = '766'"
                           " ORDER BY sort_order").fetchall() == [
            ("Xuất sắc", 90), ("Tốt", 80), ("Khá", 65), ("Trung bình", 50), ("Yếu", 0)]
        recorded = con.execute("SELECT target, code, value, set_by, file_name, entry FROM index_settings"
                               " WHERE code = 'Xuất sắc'").fetchone()
        assert recorded == ("grade", "Xuất sắc", 90, "Sở Khoa học và Công nghệ tỉnh Gia Lai, Kế hoạch số 12/KH-UBND (thử)",
                            "index_settings.yaml", 1)
        label = con.execute("SELECT label FROM index_province_settings WHERE target = 'grade' AND code = 'Tốt'").fetchone()
        assert label == ("do tỉnh điền: Sở Khoa học và Công nghệ tỉnh Gia Lai, Kế hoạch số 12/KH-UBND (thử) "
                         "(index_settings.yaml, mục 2)",)
        # the figure is labelled where it appears: the criteria catalog, the steps
        weight, source = con.execute("SELECT max_score, source FROM catalog_index_criteria"
                                     " WHERE criterion_code = 'ho_so_truc_tuyen'").fetchone()
        assert weight == 10 and source.startswith("do tỉnh điền: Sở Khoa học và Công nghệ tỉnh Gia Lai")
        assert "index_settings.yaml, mục 5" in source
        step = con.execute("SELECT at_least, share, source FROM index_criterion_steps"
                           " WHERE criterion_code = 'hai_long_tthc' AND NOT is_else").fetchone()
        assert step[:2] == (0.9, 1.0) and step[2].startswith("do tỉnh điền")
    finally:
        con.close()
    published = duckdb.connect(str(snapshot_path(db)), read_only=True)
    try:  # what the dashboard reads
        assert published.execute("SELECT count(*) FROM index_scores WHERE grade IS NOT NULL").fetchone()[0] == 3
    finally:
        published.close()


def test_a_refused_file_changes_nothing_and_says_why(db, tmp_path):
    assert index_settings(db, settings_file(tmp_path, GRADES)).returncode == 0
    bad = settings_file(tmp_path, GRADES + '  - {index: "766", version: "2022", grade: Yếu, min_score: 10}\n', "sai.yaml")
    result = index_settings(db, bad)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "sai.yaml, mục 5:" in result.stderr and "tỉnh không ghi đè" in result.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT DISTINCT file_name FROM index_settings").fetchall() == [("index_settings.yaml",)]
        assert con.execute("SELECT min_score FROM index_grade_bands WHERE grade = 'Xuất sắc'").fetchone() == (90,)
    finally:
        con.close()


def test_the_demo_grades_every_766_score_with_its_own_labelled_thresholds(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        total, graded = con.execute("SELECT count(*), count(grade) FROM index_scores WHERE index_code = '766'").fetchone()
        assert total > 0 and graded == total
        grades = {row[0] for row in con.execute("SELECT DISTINCT grade FROM index_scores WHERE index_code = '766'")
                  .fetchall()}
        assert len(grades) >= 3  # the demo's units lead and lag: more than one band
        set_by = {row[0] for row in con.execute("SELECT DISTINCT set_by FROM index_settings").fetchall()}
        assert set_by == {"Tỉnh mẫu (govkpi demo): ngưỡng minh họa do tỉnh mẫu tự đặt, "
                          "không phải số liệu của Quyết định 766/QĐ-TTg"}
    finally:
        con.close()


DTI_2025 = ["Nhận thức số", "Thể chế số", "Hạ tầng số", "Nhân lực số", "An toàn thông tin mạng", "Chính quyền số",
            "Kinh tế số", "Xã hội số"]


def test_a_maximum_the_province_set_is_checked_when_scores_are_loaded(db, tmp_path):
    """No text gives the DTI 2025 maxima; once the province sets Nhận thức số to 100, a published
    120 for it is an error on its cell, as a cited maximum would be."""
    table = score_table(tmp_path / "dti.xlsx", "KẾT QUẢ CHỈ SỐ DTI NĂM 2025",
                        [("52-SNV", 120, 80, 70, 60, 90, 150, 100, 100, 770)], headers=DTI_2025)
    assert index_settings(db, settings_file(tmp_path, MORE)).returncode == 0
    con = connect(db)
    try:
        report = Loader(con, load_catalog()).load_file(table)
    finally:
        con.close()
    assert report.status == "rejected", report
    errors = [i for i in report.issues if i.severity == "error"]
    assert [i.cell for i in errors] == ["C5"] and "vượt điểm tối đa 100" in errors[0].message_vi, errors


def test_the_grade_legend_names_the_thresholds_and_who_set_them_in_both_languages():
    from vocab.findings import grade_legend

    bands = [{"grade": "Xuất sắc", "min_score": 90.0, "province_set_by": "Sở KH&CN", "province_file": "s.yaml",
              "province_entry": 1},
             {"grade": "Khá", "min_score": 65.5, "province_set_by": "Sở KH&CN", "province_file": "s.yaml",
              "province_entry": 2},
             {"grade": "Yếu", "min_score": 0.0, "province_set_by": float("nan"), "province_file": None,
              "province_entry": None}]
    assert grade_legend(bands) == ("Ngưỡng xếp loại: Xuất sắc từ 90 điểm; Khá từ 65,5 điểm; Yếu từ 0 điểm. "
                                   "Ngưỡng do tỉnh điền: Sở KH&CN (s.yaml, mục 1, 2).")
    assert grade_legend(bands, "en") == ("Grade thresholds: Excellent from 90 points; Fair from 65.5 points; "
                                         "Weak from 0 points. Thresholds set by the province: Sở KH&CN (s.yaml, entries 1, 2).")
    cited = [dict(b, province_set_by=None) for b in bands]
    assert "tỉnh điền" not in grade_legend(cited)
