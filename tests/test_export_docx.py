"""The report: Decree 30/2020/NĐ-CP header, title and fonts; its sentences are the dashboard's
(indicator_sentence) over the numbers of level_progress; tables and chart pictures per group."""
from __future__ import annotations

import io
from datetime import date

import duckdb
import pytest
from docx import Document
from PIL import Image, ImageColor

from exports import export
from exports.text import level_label
from vocab.levels import STATUS_COLOURS
from vocab.findings import indicator_sentence, level_finding
from vocab.vnformat import fmt_date_long, fmt_pct, fmt_rate

PERIOD, OLD_PERIOD = "2025Q3", "2024Q4"
MADE_ON = date(2026, 11, 23)


def description(png: bytes) -> str:
    """The Description a chart picture carries (exports.charts.drawn_text: what its bars say)."""
    return Image.open(io.BytesIO(png)).text.get("Description", "")


@pytest.fixture(scope="module")
def warehouse(demo_db):
    """The demo warehouse: built through the real loader, read through the real views."""
    return demo_db


@pytest.fixture(scope="module")
def report(warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.docx"
    return Document(str(export("docx", PERIOD, str(warehouse), str(out), made_on=MADE_ON)))


@pytest.fixture(scope="module")
def old_report(warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "old.docx"
    return Document(str(export("docx", OLD_PERIOD, str(warehouse), str(out), made_on=MADE_ON)))


def _header_text(doc) -> str:
    return "\n".join(cell.text for row in doc.tables[0].rows for cell in row.cells)


def _paragraphs(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def test_header_follows_decree_30(report):
    header = _header_text(report)
    for line in ("UBND TỈNH GIA LAI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "/BC-SKHCN", f"Gia Lai, {fmt_date_long(MADE_ON)}"):
        assert line in header
    assert header.index("Số:") >= 0


def test_agency_before_the_merger_is_the_ict_department(old_report):
    header = _header_text(old_report)
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in header and "/BC-STTTT" in header


def test_title_names_the_quarter(report):
    paragraphs = _paragraphs(report)
    i = paragraphs.index("BÁO CÁO")
    assert paragraphs[i + 1].replace("\n", " ").startswith("Kết quả thực hiện")
    assert paragraphs[i + 1].endswith("quý III/2025")


def test_body_is_times_new_roman_13_to_14(report):
    normal = report.styles["Normal"].font
    assert normal.name == "Times New Roman" and 13 <= normal.size.pt <= 14
    for p in report.paragraphs:
        for run in p.runs:
            assert run.font.name in (None, "Times New Roman")
            assert run.font.size is None or 11 <= run.font.size.pt <= 14


def test_sentences_are_the_dashboards_over_level_progress(report, warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute("SELECT i.name_vi, l.level, l.value, l.target, l.doc_number, "
                       "CASE WHEN l.status = 'expired' THEN l.deadline END "
                       "FROM level_progress l JOIN catalog_indicators i USING (indicator_code) "
                       "WHERE l.period = ? AND l.target IS NOT NULL", [PERIOD]).fetchall()
    con.close()
    paragraphs = set(_paragraphs(report))
    assert rows
    for name, level, value, target, doc_number, expired_on in rows:
        sentence = indicator_sentence(name, level, value, target, doc_number, expired_on=expired_on)
        assert f"- {sentence}" in paragraphs
        # An expired target is never reported as met (issue 10: 17/NQ-CP's 20% of 2020).
        assert expired_on is None or ("hết hạn" in sentence and "đạt chỉ tiêu" not in sentence)


def test_an_expired_target_is_said_to_be_expired_never_met():
    sentence = indicator_sentence("Tỷ lệ hồ sơ tiếp nhận trực tuyến", "province", 0.562, 0.2, "17/NQ-CP",
                                  expired_on=date(2020, 12, 31))
    assert sentence == ("Tỷ lệ hồ sơ tiếp nhận trực tuyến cấp tỉnh đạt 56,2%; chỉ tiêu 20% của "
                        "Nghị quyết 17/NQ-CP đã hết hạn ngày 31/12/2020.")
    assert level_finding("province", 0.562, 0.2, "vi", date(2020, 12, 31)) == \
        "Cấp tỉnh đạt 56,2%; chỉ tiêu 20% đã hết hạn 31/12/2020"
    assert level_finding("province", 0.562, 0.2, "vi") == "Cấp tỉnh đạt 56,2%, đạt chỉ tiêu 20%"


def test_tables_carry_the_same_percentages(report, warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    values = [v for (v,) in con.execute("SELECT value FROM level_progress WHERE period = ? "
                                       "AND target IS NOT NULL AND value IS NOT NULL", [PERIOD]).fetchall()]
    con.close()
    cells = {cell.text for table in report.tables[1:] for row in table.rows for cell in row.cells}
    for value in values:
        assert fmt_pct(value) in cells


def test_sections_in_order(report):
    heads = [p for p in _paragraphs(report) if p[:3] in ("I. ", "II.", "III", "IV.")]
    assert [h.split(".")[0] for h in heads] == ["I", "II", "III", "IV"]


def _pictures(doc) -> list[tuple[str, bytes]]:
    """Each chart picture of the report: its alt text and its PNG bytes, read back from the file."""
    out = []
    for shape in doc.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        out.append((shape._inline.docPr.get("descr"), doc.part.related_parts[blip.embed].blob))
    return out


def test_one_chart_picture_per_group_with_data(report, warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    groups = con.execute("SELECT count(DISTINCT i.group_vi) FROM level_progress l "
                         "JOIN catalog_indicators i USING (indicator_code) "
                         "WHERE l.period = ? AND l.target IS NOT NULL AND l.value IS NOT NULL",
                         [PERIOD]).fetchone()[0]
    con.close()
    assert groups and len(report.inline_shapes) == groups


def test_each_chart_prints_sharply_at_the_size_it_is_placed(report):
    """A chart picture carries at least 150 pixels per inch of the width the page gives it."""
    for shape, (_, png) in zip(report.inline_shapes, _pictures(report)):
        placed_inches = shape.width / 914400  # EMU per inch
        assert placed_inches == pytest.approx(16 / 2.54, rel=0.01)  # 16 cm: the text's width
        assert Image.open(io.BytesIO(png)).size[0] / placed_inches >= 150


def test_the_charts_draw_each_levels_value_against_its_target_in_its_status_colour(report, warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute("SELECT level, value, target, status FROM level_progress "
                       "WHERE period = ? AND target IS NOT NULL AND value IS NOT NULL", [PERIOD]).fetchall()
    con.close()
    pictures = _pictures(report)
    drawn = " ".join(description(png) for _, png in pictures)
    assert [alt for alt, _ in pictures] == [description(png) for _, png in pictures]  # alt text: what is drawn
    for level, value, target, status in rows:  # "Cấp xã: 48,0% (chỉ tiêu 60%)", as the page writes it
        assert f"{level_label(level, 'vi')}: {fmt_rate(value, target)} (chỉ tiêu {fmt_pct(target, digits=0)})" in drawn
    colours = set()
    for _, png in pictures:
        image = Image.open(io.BytesIO(png)).convert("RGB")
        assert image.size[0] / image.size[1] == pytest.approx(900 / 420, rel=0.01)
        colours |= {colour for _, colour in image.getcolors(maxcolors=1 << 20)}
    for status in {status for *_, status in rows}:  # every status shown is painted in its colour
        assert ImageColor.getrgb(STATUS_COLOURS[status]) in colours, status


def test_the_report_is_written_in_vietnamese_whatever_language_is_asked(report, warehouse, tmp_path):
    """An administrative document in Decree 30/2020's form: asked for in English (the English
    dashboard's link), it is the same Vietnamese report, never a half-translated one."""
    asked_en = Document(str(export("docx", PERIOD, str(warehouse), str(tmp_path / "en.docx"), "en",
                                   made_on=MADE_ON, cache=False)))
    assert [p.text for p in asked_en.paragraphs] == [p.text for p in report.paragraphs]
    text = "\n".join(p.text for p in asked_en.paragraphs)
    assert "ĐÁNH GIÁ CHUNG" in text and "province level" not in text and "Commune level" not in text


def test_each_result_row_says_how_many_units_of_its_level_it_stands_on(report, warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    counts = con.execute("SELECT level, units_reporting, units_expected FROM level_progress WHERE period = ? "
                         "AND target IS NOT NULL AND value IS NOT NULL", [PERIOD]).fetchall()
    con.close()
    cells = {cell.text for table in report.tables[1:] for row in table.rows for cell in row.cells}
    assert "Cấp (đơn vị có số liệu)" in cells
    for level, reporting, expected in counts:
        assert f"{level_label(level, 'vi')} ({reporting}/{expected})" in cells, (level, reporting, expected)


def test_the_on_time_share_says_its_base_the_units_expected(report, warehouse):
    """'143/149 đơn vị đã gửi báo cáo (96,0%), 134/149 đơn vị gửi đúng hạn (89,9%)': the share on
    time is of the units expected, as the rate is, never 'of which' (of those that reported)."""
    from exports.model import build_model

    total = build_model(str(warehouse), PERIOD, "vi", MADE_ON).completeness_total()
    text = " ".join(_paragraphs(report))
    assert (f"{total.units_reported}/{total.units_expected} đơn vị đã gửi báo cáo ({fmt_pct(total.rate)}), "
            f"{total.units_on_time}/{total.units_expected} đơn vị gửi đúng hạn ({fmt_pct(total.on_time_rate)})") in text
    assert total.on_time_rate == pytest.approx(total.units_on_time / total.units_expected)
    assert "trong đó" not in text.split("Về tình hình gửi báo cáo")[1].split(";")[0]
