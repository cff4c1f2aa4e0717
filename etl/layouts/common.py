"""Small helpers the layouts share: cell text, folded text for matching, report dates."""
from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime

from etl.read import SheetGrid
from vocab.vnformat import nfc

_DATE_LINE = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.I)
_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def text_of(value: object) -> str:
    """Gives a cell's text, NFC and trimmed; whole floats lose their '.0' (codes read as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(nfc(str(value)).split())


@functools.lru_cache(maxsize=1 << 16)  # headers and titles repeat across a load's files
def fold(text: str) -> str:
    """Folds text for matching headers: no case, no diacritics, đ→d, punctuation as spaces."""
    text = unicodedata.normalize("NFD", nfc(text).lower()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def parse_date_text(value: object) -> date | None:
    """Reads a report date: a date cell, '15/07/2021' or '... ngày 15 tháng 7 năm 2021'."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_of(value)
    found = _DATE_LINE.search(text) or _DMY.match(text)
    if not found:
        return None
    day, month, year = (int(x) for x in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def is_date_line(text: str) -> bool:
    return bool(_DATE_LINE.search(text))


def find_report_date(sheet: SheetGrid, cells: tuple[tuple[int, int], ...] = ((5, 2),)) -> date | None:
    """Gives the report date the sheet states: first the given cells, then any 'ngày … tháng …
    năm …' line in the sheet."""
    for row, col in cells:
        found = parse_date_text(sheet.cell(row, col))
        if found:
            return found
    for row in sheet.rows:
        for value in row:
            if isinstance(value, str) and "tháng" in value.lower():
                found = parse_date_text(value)
                if found:
                    return found
    return None
