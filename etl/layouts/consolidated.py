"""Reads a consolidated table (bảng tổng hợp) as ICT departments build them: title rows, a
header over one or two rows (merged group cells above metric names, an STT column, a row of
column numbers), one row per unit, total rows, then notes and a signature block."""
from __future__ import annotations

import functools
import re

from etl.catalog import Catalog
from etl.layouts.common import find_report_date, fold, is_date_line, text_of
from vocab.periods import parse_text
from etl.read import SheetGrid
from etl.records import Issue, RawRate, RawRow, RawValue, RecognisedSheet, a1
from vocab.vnformat import parse_count

HEADER_SCAN_ROWS = 40
NAME_HEADERS = {"don vi", "ten don vi", "dia phuong", "ten dia phuong", "co quan", "co quan don vi", "ten co quan",
                "don vi bao cao", "huyen", "xa", "huyen thi xa thanh pho", "xa phuong thi tran", "ten huyen", "ten xa",
                "don vi hanh chinh", "ten don vi hanh chinh"}
CODE_HEADERS = {"ma", "ma don vi", "ma dvhc", "ma so", "ma don vi hanh chinh", "ma hanh chinh", "ma gso", "ma co quan"}
TOTAL_WORDS = ("tong cong", "cong", "tong so", "tong", "toan tinh", "tong toan tinh")
STOP_WORDS = ("ghi chu", "nguoi lap", "nguoi lap bieu", "thu truong", "giam doc", "kt giam doc", "pho giam doc",
              "chu tich", "kt chu tich", "tm uy ban", "tm ubnd", "noi nhan", "luu vt")
_COLUMN_NUMBER = re.compile(r"^\(?\s*\d{1,2}\s*\)?$")


_INDEXES: dict[str, list] = {}  # per kind: the last catalog seen and its index (a load uses one catalog)


def _kept(kind: str, catalog: Catalog, build) -> dict[str, str]:
    kept = _INDEXES.get(kind)
    if kept is None or kept[0] is not catalog:
        kept = _INDEXES[kind] = [catalog, build(catalog)]
    return kept[1]


def header_index(catalog: Catalog) -> dict[str, str]:
    """Maps every folded metric code, Vietnamese name and alias to its metric code."""
    return _kept("headers", catalog, _header_index)


def _header_index(catalog: Catalog) -> dict[str, str]:
    index = {}
    for metric in catalog.metrics.values():
        for label in (metric.code, metric.name_vi, *metric.aliases):
            index[fold(label)] = metric.code
    return index


def rate_index(catalog: Catalog) -> dict[str, str]:
    """Maps every folded indicator code and Vietnamese name to its indicator code."""
    return _kept("rates", catalog, _rate_index)


def _rate_index(catalog: Catalog) -> dict[str, str]:
    return {fold(label): i.code for i in catalog.indicators.values() for label in (i.code, i.name_vi)}


def recognise(sheet: SheetGrid, catalog: Catalog, headers: dict[str, str] | None = None) -> RecognisedSheet | None:
    """Gives the sheet's unit rows, or None when the sheet has no metric header at all."""
    headers = headers or header_index(catalog)
    metric_cols, header_rows = _metric_columns(sheet, headers)
    if not metric_cols:
        return None
    first_header, last_header = min(header_rows), max(header_rows)
    band = range(max(first_header - 1, 0), last_header + 1)
    name_col = _find_col(sheet, band, NAME_HEADERS)
    code_col = _find_col(sheet, band, CODE_HEADERS)
    issues: list[Issue] = []
    if name_col is None and code_col is None:
        issues.append(Issue("error", "unit_column_missing", sheet.name, a1(last_header, 0),
                            "Không tìm thấy cột tên đơn vị (\"Đơn vị\", \"Tên đơn vị\") hoặc mã đơn vị (\"Mã đơn vị\").",
                            "No unit name column (\"Đơn vị\") or unit code column (\"Mã đơn vị\") was found."))
        return RecognisedSheet("consolidated", sheet.name, None, None, None, (), (), tuple(issues))
    period, period_cell = _stated_period(sheet, first_header)
    rate_cols = _rate_columns(sheet, range(first_header, last_header + 1), rate_index(catalog))
    rows, totals = _unit_rows(sheet, last_header + 1, metric_cols, name_col, code_col, rate_cols)
    return RecognisedSheet(
        layout="consolidated", sheet=sheet.name, period=period, period_cell=period_cell,
        report_date=find_report_date(sheet, ()), rows=tuple(rows), totals=tuple(totals), issues=tuple(issues),
        metric_columns=tuple(metric_cols.values()), **_title_scope(sheet, first_header),
    )


def _metric_columns(sheet: SheetGrid, headers: dict[str, str]) -> tuple[dict[int, str], list[int]]:
    """Finds the columns headed by a metric code or name (a trailing '(3)' or '(hồ sơ)' ignored)."""
    columns: dict[int, str] = {}
    rows: list[int] = []
    for row_index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        # most cells are figures or empty: keep the text cells in one pass
        for col, value in [(col, value) for col, value in enumerate(row) if value and isinstance(value, str)]:
            if not value.strip():
                continue
            label, whole = _header_forms(value)
            code = headers.get(label) or headers.get(whole)
            if code and col not in columns and code not in columns.values():
                columns[col] = code
                rows.append(row_index)
    return columns, rows


def _rate_columns(sheet: SheetGrid, band: range, rates: dict[str, str]) -> dict[int, str]:
    """Finds the columns headed by an indicator's name: rates the table states beside the counts."""
    columns: dict[int, str] = {}
    for row_index in band:
        for col, value in enumerate(sheet.rows[row_index]):
            if isinstance(value, str) and value.strip():
                label, whole = _header_forms(value)
                code = rates.get(label) or rates.get(whole)
                if code and code not in columns.values():
                    columns[col] = code
    return columns


@functools.lru_cache(maxsize=1 << 14)  # the same headers head every file of a load
def _header_forms(value: str) -> tuple[str, str]:
    """A header cell folded without its trailing '(3)' or '(hồ sơ)', and folded whole."""
    return fold(re.sub(r"\([^)]*\)\s*$", "", value)), fold(value)


def _find_col(sheet: SheetGrid, band: range, wanted: set[str]) -> int | None:
    for row_index in band:
        for col, value in enumerate(sheet.rows[row_index] if row_index < len(sheet.rows) else []):
            if isinstance(value, str) and fold(value) in wanted:
                return col
    return None


def _stated_period(sheet: SheetGrid, first_header: int) -> tuple[str | None, str | None]:
    """Gives the period the title rows state; a quarter or half-year beats a bare year, and a
    date line ('ngày 15 tháng 7 năm 2021') states no period."""
    found = []
    for row_index in range(0, first_header):
        for col, value in enumerate(sheet.rows[row_index]):
            if value == "" or value is None:
                continue
            period = _period_in_title(text_of(value))
            if period:
                found.append((period.period_type == "year", row_index, period.code, a1(row_index, col)))
    if not found:
        return None, None
    _, _, code, cell = min(found)
    return code, cell


@functools.lru_cache(maxsize=1 << 12)  # titles repeat across a load's files
def _period_in_title(text: str):
    """The period a title cell states; a date line states none."""
    if not text or is_date_line(text):
        return None
    return parse_text(text)


def _unit_rows(sheet, start, metric_cols, name_col, code_col, rate_cols=None) -> tuple[list[RawRow], list[RawRow]]:
    rows, totals = [], []
    within: tuple[str, ...] = ()
    letters = {col: _letters(col) for col in (*metric_cols, *(rate_cols or {}))}  # A1 refs without a1() per cell
    first_metric = min(metric_cols)
    columns = list(metric_cols)
    # (metric, column letters) per metric column, in the columns' order; RawValue is a named
    # tuple, built with tuple.__new__ (hundreds of thousands per national load)
    heads = [(metric, letters[col]) for col, metric in metric_cols.items()]
    last_col = max(columns)
    new_value = tuple.__new__
    for row_index in range(start, len(sheet.rows)):
        line = sheet.rows[row_index]
        width = len(line)
        number = row_index + 1
        name = _text(line[name_col] if name_col < width else "") if name_col is not None else ""
        code = _text(line[code_col] if code_col < width else "") if code_col is not None else ""
        cells = [line[col] for col in columns] if last_col < width else \
            [line[col] if col < width else "" for col in columns]
        typed_number = False
        for value in cells:
            if type(value) in (int, float):
                typed_number = True
                break
        has_values = typed_number or any(_filled(value) for value in cells)
        # Notes and the signature block end the table: a row with a stop phrase anywhere (the
        # signer's title often sits above a metric column) and no number in a metric cell.
        if not typed_number and any(fold(v).startswith(STOP_WORDS) for v in line if isinstance(v, str) and v.strip()) \
                and not any(parse_count(v).value is not None for v in cells):
            break
        if not has_values and not code:
            # A blank row, or a group row ("I. Huyện Chư Prông") naming the district of the rows below.
            group = _GROUP_NUMBER.sub("", name)
            if group and not _is_total_label(group):
                within = (group,)
            continue
        if not rows and not totals and _is_column_numbers(line):  # the "(1) (2) (3)" row under the header
            continue
        suffix = str(number)
        values = tuple([new_value(RawValue, (metric, raw, letter + suffix)) for (metric, letter), raw in zip(heads, cells)])
        cell = a1(row_index, name_col if name_col is not None else code_col)
        # A total row's label may sit in the name, the code or the STT column (often merged);
        # only a text cell can hold one.
        total_label = next((t for t in map(_total_label, (v for v in line[:first_metric] if isinstance(v, str))) if t),
                           None)
        if total_label:
            totals.append(RawRow(None, total_label, cell, values))
        else:
            rates = tuple(RawRate(indicator, sheet.cell(row_index, col), f"{letters[col]}{number}")
                          for col, indicator in (rate_cols or {}).items() if _filled(sheet.cell(row_index, col)))
            rows.append(RawRow(code or None, name or None, cell, values, within, rates))
    return rows, totals


def _text(value: object) -> str:
    """text_of, kept for text cells: unit names and labels repeat across a load's files."""
    return _text_cached(value) if isinstance(value, str) else text_of(value)


@functools.lru_cache(maxsize=1 << 14)
def _text_cached(value: str) -> str:
    return text_of(value)


@functools.lru_cache(maxsize=1 << 14)
def _total_label(value: str) -> str | None:
    """The label a text cell gives a total row ("Tổng cộng"), or None."""
    text = text_of(value)
    return text if text and not text[0].isdigit() and _is_total_label(text) else None


def _filled(value: object) -> bool:
    return value is not None and value != "" and (not isinstance(value, str) or bool(value.strip()))


def _letters(col: int) -> str:
    return a1(0, col)[:-1]


_GROUP_NUMBER = re.compile(r"^\s*(?:[IVXLC]+|\d+|[a-zA-Z])\s*[.)/-]\s*")
# "UBND TỈNH BÌNH ĐỊNH", "UBND HUYỆN CHƯ SÊ", and the bare province lines of agency headers:
# "TỈNH CAO BẰNG", "SỞ TT&TT TỈNH CAO BẰNG", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG THÀNH PHỐ HÀ NỘI".
_SCOPE = re.compile(r"\b(?:UBND|ỦY BAN NHÂN DÂN)\s+((?:TỈNH|THÀNH PHỐ|HUYỆN|THỊ XÃ|QUẬN)\s+.+)$"
                    r"|^(?:[^,]*\s)?((?:TỈNH|THÀNH PHỐ)\s+[^,]+)$", re.I)


def _title_scope(sheet: SheetGrid, first_header: int) -> dict[str, tuple[str, ...]]:
    """Gives the units the agency header names ("UBND TỈNH BÌNH ĐỊNH", "TỈNH CAO BẰNG" →
    "Tỉnh Cao Bằng") and their cells: a table from one province names its units without
    saying which province. The checks read a province among them as the table's scope."""
    found, cells = [], []
    for row_index, row in enumerate(sheet.rows[:first_header]):
        for col, value in enumerate(row):
            named = _scope_named(value) if isinstance(value, str) and value else None
            if named:
                found.append(named)
                cells.append(a1(row_index, col))
    return {"scope": tuple(found), "scope_cells": tuple(cells)}


@functools.lru_cache(maxsize=1 << 12)
def _scope_named(value: str) -> str | None:
    match = _SCOPE.search(text_of(value))
    return (match.group(1) or match.group(2)).title() if match else None


def _is_total_label(text: str) -> bool:
    folded = fold(text)
    return folded in TOTAL_WORDS or folded.startswith(("tong cong", "tong so"))


def _is_column_numbers(row: list[object]) -> bool:
    """A row like '(1) (2) (3)' or 1 2 3 that only numbers the columns."""
    texts = []
    for value in row:
        text = text_of(value)
        if text:
            if not _COLUMN_NUMBER.match(text):
                return False  # a unit's row: its name or a count of more than two digits
            texts.append(text)
    return len(texts) >= 3 and \
        [int(t.strip("() ")) for t in texts] == list(range(int(texts[0].strip("() ")), int(texts[0].strip("() ")) + len(texts)))
