"""The error report of an upload: the sender's own workbook back, every problem cell filled
(errors red-ish, warnings amber) and commented with its Vietnamese message, plus a first sheet
"Danh sách lỗi" that lists every problem with a link to its cell.

A pure function of bytes and problems, so the web route, a test or a script can build it alike."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from typing import Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.hyperlink import Hyperlink

from vocab.i18n import t

PROBLEMS_SHEET = "Danh sách lỗi"
FILLS = {"error": PatternFill("solid", fgColor="F4B6B0"), "warning": PatternFill("solid", fgColor="FFD98A")}
HEAD_FILL = PatternFill("solid", fgColor="0B4F8A")
HEAD_FONT = Font(bold=True, color="FFFFFF")
LINK_FONT = Font(color="0563C1", underline="single")
COLUMNS = (("STT", 6), ("col_severity", 12), ("col_sheet", 22), ("col_cell", 8), ("col_message", 90))
COMMENT_AUTHOR = "govkpi"
_A1 = re.compile(r"^\$?[A-Z]{1,3}\$?[1-9][0-9]*$")


def error_report(workbook: bytes | None, problems: Iterable[dict], file_name: str | None = None) -> bytes:
    """Gives the error report as .xlsx bytes: `workbook` (the sender's file; None when its stored
    copy is gone, or bytes openpyxl cannot open) with each problem cell filled and commented,
    and the sheet "Danh sách lỗi" first. `problems`: dicts with severity, sheet, cell, message_vi.
    A problem without a cell, or naming a cell the workbook lacks, is listed only."""
    problems = [_clean(p) for p in problems]
    book = _open(workbook)
    marked = _mark_cells(book, problems) if book is not None else set()
    if book is None:
        book = Workbook()
        book.remove(book.active)
    _problems_sheet(book, problems, marked, file_name)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Helpers ------------------------------------------------------------------------------------


def _clean(problem: dict) -> dict:
    nfc = lambda v: unicodedata.normalize("NFC", str(v)) if v not in (None, "") else None  # noqa: E731
    severity = problem.get("severity") if problem.get("severity") in FILLS else "error"
    cell = (nfc(problem.get("cell")) or "").replace("$", "").upper() or None
    return {"severity": severity, "sheet": nfc(problem.get("sheet")), "cell": cell,
            "message": nfc(problem.get("message_vi") or problem.get("message")) or ""}


def _open(data: bytes | None) -> Workbook | None:
    if not data:
        return None
    try:
        return load_workbook(io.BytesIO(data))
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None  # not a workbook openpyxl reads: the problems alone still help


def _mark_cells(book: Workbook, problems: list[dict]) -> set[int]:
    """Fills and comments every problem cell the workbook has; gives the indexes of those problems."""
    by_cell: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, problem in enumerate(problems):
        if problem["sheet"] in book.sheetnames and problem["cell"] and _A1.match(problem["cell"]):
            by_cell[(problem["sheet"], _top_left(book[problem["sheet"]], problem["cell"]))].append(index)
    for (sheet, coordinate), indexes in by_cell.items():
        cell = book[sheet][coordinate]
        worst = "error" if any(problems[i]["severity"] == "error" for i in indexes) else "warning"
        cell.fill = FILLS[worst]
        text = "\n".join(f"{t('severity_' + problems[i]['severity'])}: {problems[i]['message']}" for i in indexes)
        comment = Comment(text, COMMENT_AUTHOR)
        comment.width, comment.height = 320, 60 + 40 * len(indexes)
        cell.comment = comment
    return {i for indexes in by_cell.values() for i in indexes}


def _top_left(sheet, coordinate: str) -> str:
    """A cell inside a merged range is written through the range's first cell."""
    for merged in sheet.merged_cells.ranges:
        if coordinate in merged:
            return merged.start_cell.coordinate
    return coordinate


def _problems_sheet(book: Workbook, problems: list[dict], marked: set[int], file_name: str | None) -> None:
    sheet = book.create_sheet(PROBLEMS_SHEET, 0)
    for column, (key, width) in enumerate(COLUMNS, start=1):
        head = sheet.cell(1, column, key if key == "STT" else t(key))
        head.fill, head.font = HEAD_FILL, HEAD_FONT
        sheet.column_dimensions[head.column_letter].width = width
    for row, problem in enumerate(problems, start=2):
        values = (row - 1, t("severity_" + problem["severity"]), problem["sheet"], problem["cell"], problem["message"])
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row, column, value)
            cell.alignment = Alignment(vertical="top", wrap_text=column == 5)
        sheet.cell(row, 2).fill = FILLS[problem["severity"]]
        if row - 2 in marked:
            link = sheet.cell(row, 4)
            column_letters, number = coordinate_from_string(problem["cell"])
            target = f"'{problem['sheet'].replace(chr(39), chr(39) * 2)}'!{column_letters}{number}"
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target, display=problem["cell"])
            link.font = LINK_FONT
    if not problems:
        sheet.cell(2, 5, "Không có lỗi nào.")
    if file_name:
        sheet.cell(len(problems) + 3, 5, f"Tệp: {unicodedata.normalize('NFC', file_name)}").font = Font(italic=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:E{max(2, len(problems) + 1)}"
    for other in book.worksheets:
        other.sheet_view.tabSelected = False
    book.active = 0
    sheet.sheet_view.tabSelected = True
