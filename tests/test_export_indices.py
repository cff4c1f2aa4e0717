"""The exports carry the composite indices: a quarter's deck, workbook and report show the 766
scores of the quarter's last month (never a later one), each written file reopened and checked
against the warehouse's index_scores and index_group_scores views."""
from __future__ import annotations

import duckdb
import openpyxl
import pytest
from docx import Document
from pptx import Presentation

from exports.docx_report import write_report
from exports.model import build_model
from exports.pptx_deck import write_deck
from exports.xlsx_book import write_workbook


@pytest.fixture(scope="module")
def model(demo_db):
    return build_model(demo_db, "2026Q3")


@pytest.fixture(scope="module")
def view(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield lambda sql: con.execute(sql).fetchall()
    con.close()


def test_a_quarters_exports_use_the_766_scores_of_its_last_month_not_a_later_one(model):
    # The demo has scores up to November 2026; the third quarter's report stops at September.
    (index,) = [i for i in model.indices if i.code == "766"]
    assert index.period == "2026M9" and index.period_label == "Tháng 9/2026"
    assert str(index.as_of) == "2026-09-30" and index.version == "2022"
    assert dict(index.expected) == {"province": 14, "commune": 135}
    assert index.graded and index.has_grades  # the demo province filled in its own grade thresholds


def test_a_period_before_any_index_score_exports_no_index(demo_db):
    assert build_model(demo_db, "2024Q4").indices == ()


def test_the_deck_ranks_each_level_and_sets_the_groups_against_their_maxima(model, view, tmp_path):
    deck = Presentation(str(write_deck(model, tmp_path / "deck.pptx")))
    titles = [s.shapes.title.text for s in deck.slides]
    assert any(t.startswith("Chỉ số 766 Cấp xã, Tháng 9/2026: 135/135 đơn vị, điểm trung bình ") for t in titles)
    commune = next(s for s in deck.slides if s.shapes.title.text.startswith("Chỉ số 766 Cấp xã"))
    best_name, best_score = view("SELECT unit_name, score FROM index_scores WHERE index_code = '766' AND "
                                 "period = '2026M9' AND level = 'commune' ORDER BY score DESC, unit_name LIMIT 1")[0]
    cells = [c.text for shape in commune.shapes if shape.has_table for row in shape.table.rows for c in row.cells]
    assert best_name in cells and f"{best_score:.2f}".replace(".", ",") in cells  # a ranking: two decimals each
    texts = " ".join(shape.text_frame.text for shape in commune.shapes if shape.has_text_frame)
    assert "Chưa xếp loại" not in texts
    assert "số liệu tính đến ngày 30/09/2026" in texts and "phiên bản 2022" in texts
    # The grades' thresholds are said on the slide, with who filled them in (no decision gives them).
    assert "Ngưỡng xếp loại: Xuất sắc từ 90 điểm; Tốt từ 80 điểm" in texts, texts
    assert "Ngưỡng do tỉnh điền: Tỉnh mẫu (govkpi demo)" in texts and "mục 1, 2, 3, 4" in texts, texts
    grades = next(shape.chart for shape in commune.shapes if shape.has_chart)
    counts = view("SELECT grade, count(*) FROM index_scores s JOIN index_grade_bands b USING (index_code, version, grade)"
                  " WHERE index_code = '766' AND period = '2026M9' AND level = 'commune'"
                  " GROUP BY grade, b.sort_order ORDER BY b.sort_order")
    assert list(zip(grades.plots[0].categories, grades.plots[0].series[0].values)) == counts
    assert sum(n for _, n in counts) == 135
    groups = next(s for s in deck.slides if "điểm từng nhóm so với điểm tối đa" in s.shapes.title.text)
    chart = next(shape.chart for shape in groups.shapes if shape.has_chart)
    assert list(chart.plots[0].categories) == ["Công khai, minh bạch", "Tiến độ, kết quả giải quyết", "Số hóa hồ sơ",
                                               "Cung cấp dịch vụ trực tuyến", "Mức độ hài lòng"]
    maxima, *levels = chart.plots[0].series
    assert list(maxima.values) == [18, 20, 22, 22, 18]
    mean = view("SELECT avg(score) FROM index_group_scores WHERE index_code = '766' AND period = '2026M9' "
                "AND level = 'commune' AND group_code = 'so_hoa'")[0][0]
    assert [s.name for s in levels] == ["Cấp tỉnh", "Cấp xã"] and levels[1].values[2] == pytest.approx(mean)


def test_the_workbook_holds_every_units_score_and_group_scores_as_the_views_give_them(model, view, tmp_path):
    book = openpyxl.load_workbook(write_workbook(model, tmp_path / "book.xlsx"))
    scores, groups = book["Chỉ số 766"], book["Chỉ số 766 - nhóm"]
    assert "Tháng 9/2026" in scores["A1"].value and "30/09/2026" in scores["A1"].value
    assert scores["A2"].value == "Cấp tỉnh: 14/14 đơn vị được chấm điểm; Cấp xã: 135/135 đơn vị được chấm điểm"
    assert not (scores["A3"].value or "").startswith("Chưa xếp loại")
    rows = [r for r in scores.iter_rows(min_row=6, values_only=True) if r[1]]
    expected = view("SELECT unit_code, score, rank_in_level, rank_change FROM index_scores "
                    "WHERE index_code = '766' AND period = '2026M9'")
    assert sorted((r[1], r[3], r[6], r[7]) for r in rows) == sorted(expected)
    assert sorted((r[1], r[5]) for r in rows) == sorted(view("SELECT unit_code, grade FROM index_scores "
                                                             "WHERE index_code = '766' AND period = '2026M9'"))
    assert scores["H6"].number_format == '"↑"0;"↓"0;"="'  # the movement stays a number
    group_rows = [r for r in groups.iter_rows(min_row=4, values_only=True) if r[1]]
    assert len(group_rows) == view("SELECT count(*) FROM index_group_scores WHERE index_code = '766' "
                                   "AND period = '2026M9'")[0][0] == 149 * 5


def test_the_report_has_a_paragraph_on_the_index_with_coverage_best_worst_and_grades(model, view, tmp_path):
    doc = Document(str(write_report(model, tmp_path / "report.docx", charts=False)))
    text = [p.text for p in doc.paragraphs]
    assert any(line.endswith("Chỉ số, xếp hạng") for line in text)
    (paragraph,) = [line for line in text if line.startswith("Bộ chỉ số phục vụ người dân, doanh nghiệp")]
    assert "tháng 9/2026 (số liệu tính đến ngày 30/09/2026; phiên bản 2022)" in paragraph
    assert "cấp tỉnh 14/14 đơn vị được chấm điểm" in paragraph and "cấp xã 135/135 đơn vị được chấm điểm" in paragraph
    best, score = view("SELECT unit_name, score FROM index_scores WHERE index_code = '766' AND period = '2026M9' "
                       "AND level = 'province' AND rank_in_level = 1")[0]
    assert f"cao nhất {best} ({score:g})".replace(".", ",") in paragraph.replace(".", ",")
    counts = view("SELECT grade, count(*) FROM index_scores s JOIN index_grade_bands b USING (index_code, version, grade)"
                  " WHERE index_code = '766' AND period = '2026M9' AND level = 'commune'"
                  " GROUP BY grade, b.sort_order ORDER BY b.sort_order")
    commune_part, legend = paragraph.split(" Ngưỡng xếp loại: ", 1)
    assert commune_part.endswith(", xếp loại " + ", ".join(f"{g} {n}" for g, n in counts) + ".")  # the communes
    assert legend.startswith("Xuất sắc từ 90 điểm") and "Ngưỡng do tỉnh điền: Tỉnh mẫu (govkpi demo)" in legend
    assert "Chưa xếp loại" not in paragraph
