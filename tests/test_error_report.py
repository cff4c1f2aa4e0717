"""The error report hands a unit its own workbook back with every problem marked where it lies:
the cell filled and commented in Vietnamese, and a first sheet listing every problem with a
link to its cell. Real templates, real problems from the real loader."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl

from etl.load import Loader
from etl.template import DATA_SHEET
from exports.error_report import FILLS, PROBLEMS_SHEET, error_report

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403


def _problems(report) -> list[dict]:
    return [{"severity": i.severity, "sheet": i.sheet, "cell": i.cell, "code": i.code,
             "message_vi": i.message_vi, "message_en": i.message_en} for i in report.issues]


def test_a_text_in_a_number_cell_is_filled_commented_and_listed_with_a_link(con, tmp_path):
    path = filled_template(tmp_path / "chu_se.xlsx", CHU_SE, "2021Q2", {"work_records_total": "mười"})
    report = Loader(con, CATALOG, submitted_by="xa").load_files([path])[0]
    assert report.status == "rejected"
    problems = _problems(report)
    cell = template_cell(path, "work_records_total")

    book = openpyxl.load_workbook(io.BytesIO(error_report(path.read_bytes(), problems, "chu_se.xlsx")))

    assert book.sheetnames[0] == PROBLEMS_SHEET and book.active.title == PROBLEMS_SHEET
    marked = book[DATA_SHEET][cell]
    assert marked.value == "mười"  # the sender's own content, untouched
    assert marked.fill.fgColor.rgb.endswith(FILLS["error"].fgColor.rgb[-6:])
    assert "không phải là số" in marked.comment.text and marked.comment.text.startswith("Lỗi: ")
    listing = book[PROBLEMS_SHEET]
    assert [c.value for c in listing[1]] == ["STT", "Mức độ", "Trang tính", "Ô", "Nội dung"]
    row = next(r for r in listing.iter_rows(min_row=2) if r[3].value == cell)
    assert row[1].value == "Lỗi" and row[2].value == DATA_SHEET and "mười" in row[4].value
    assert row[3].hyperlink.location == f"'{DATA_SHEET}'!{cell}"


def test_a_warning_is_amber_and_a_problem_without_a_cell_is_listed_only(tmp_path):
    path = filled_template(tmp_path / "chu_se.xlsx", CHU_SE, "2021Q2", {"work_records_total": 5})
    problems = [
        {"severity": "warning", "sheet": DATA_SHEET, "cell": "E10", "message_vi": "Giá trị giảm mạnh so với quý trước."},
        {"severity": "error", "sheet": None, "cell": None, "message_vi": "Tệp thiếu ngày báo cáo."},
        {"severity": "error", "sheet": "Không có trang này", "cell": "A1", "message_vi": "Trang tính lạ."},
    ]
    book = openpyxl.load_workbook(io.BytesIO(error_report(path.read_bytes(), problems)))
    assert book[DATA_SHEET]["E10"].fill.fgColor.rgb.endswith("FFD98A")
    assert book[DATA_SHEET]["E10"].comment.text.startswith("Cảnh báo: ")
    listing = book[PROBLEMS_SHEET]
    assert listing.cell(3, 5).value == "Tệp thiếu ngày báo cáo." and listing.cell(3, 4).hyperlink is None
    assert listing.cell(4, 3).value == "Không có trang này" and listing.cell(4, 4).hyperlink is None
    assert listing.max_row >= 4


def test_without_the_stored_workbook_the_problems_sheet_stands_alone():
    problems = [{"severity": "error", "sheet": "Báo cáo", "cell": "E9", "message_vi": "Ô E9: không phải là số."}]
    for workbook in (None, b"not a zip at all"):
        book = openpyxl.load_workbook(io.BytesIO(error_report(workbook, problems, "x.xlsx")))
        assert book.sheetnames == [PROBLEMS_SHEET]
        assert book[PROBLEMS_SHEET].cell(2, 5).value == "Ô E9: không phải là số."
