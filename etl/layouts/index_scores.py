"""Reads a consolidated table of published index scores: a unit column ("Mã đơn vị" or its
name), one column per group headed by the group's name, a "Tổng điểm" column, and the period
in the title ("... THÁNG 10/2023"). Which index and version it is, the checks decide."""
from __future__ import annotations

from dataclasses import dataclass

from etl.indices import Index
from etl.layouts.common import find_report_date, fold, text_of
from etl.layouts.consolidated import (CODE_HEADERS, HEADER_SCAN_ROWS, NAME_HEADERS, STOP_WORDS, _find_col,
                                      _stated_period, _title_scope)
from etl.read import SheetGrid
from etl.records import a1

TOTAL_HEADERS = {"tong diem", "tong so diem", "diem tong", "tong diem dat duoc"}


@dataclass(frozen=True)
class ScoreRow:
    unit_code: str | None
    unit_name: str | None
    cell: str                                       # the unit's cell
    groups: tuple[tuple[str, object, str], ...]     # (folded header, raw cell, A1)
    total: object
    total_cell: str


@dataclass(frozen=True)
class ScoreSheet:
    """A sheet of published scores, before the index version and the units are decided."""

    sheet: str
    index_code: str
    headers: tuple[tuple[str, str, str], ...]       # (folded header, header as written, A1)
    period: str | None
    period_cell: str | None
    report_date: object
    rows: tuple[ScoreRow, ...]
    scope: tuple[str, ...] = ()
    scope_cells: tuple[str, ...] = ()
    layout: str = "index_scores"


def group_names(indices: dict[str, Index]) -> dict[str, set[str]]:
    """Maps every folded group name of every version to the indices that use it."""
    names: dict[str, set[str]] = {}
    for index in indices.values():
        for version in index.versions:
            for group in version.groups:
                names.setdefault(fold(group.name_vi), set()).add(index.code)
    return names


_GROUP_NAMES: list = [None, {}]  # the last index catalog seen, and its group names


def _group_names(indices: dict[str, Index]) -> dict[str, set[str]]:
    """group_names once per index catalog (the loader keeps one for all its files)."""
    if _GROUP_NAMES[0] is not indices:
        _GROUP_NAMES[:] = [indices, group_names(indices)]
    return _GROUP_NAMES[1]


def recognise(sheet: SheetGrid, indices: dict[str, Index]) -> ScoreSheet | None:
    """Gives the sheet's score rows, or None when no row heads a "Tổng điểm" column beside
    columns named after an index's groups."""
    names = _group_names(indices)
    for row_index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        # Only a text cell can head the total or a group, and most rows are figures: look at
        # those first (fold folds spacing as text_of does), and read the whole row once found.
        texts = {fold(value) for value in row if value and isinstance(value, str)}
        if texts.isdisjoint(TOTAL_HEADERS) or texts.isdisjoint(names):
            continue
        folded = {col: fold(text_of(value)) for col, value in enumerate(row) if text_of(value)}
        total_col = next((col for col, text in folded.items() if text in TOTAL_HEADERS), None)
        groups = {col: text for col, text in folded.items() if text in names}
        if total_col is None or not groups:
            continue
        votes: dict[str, int] = {}
        for text in groups.values():
            for code in names[text]:
                votes[code] = votes.get(code, 0) + 1
        index_code = max(sorted(votes), key=votes.get)
        # every other header of the row left of the total and after the unit columns is a group
        band = range(max(row_index - 1, 0), row_index + 1)
        name_col, code_col = _find_col(sheet, band, NAME_HEADERS), _find_col(sheet, band, CODE_HEADERS)
        unit_cols = {c for c in (name_col, code_col) if c is not None}
        first_group = min(groups)
        headers = {col: text for col, text in folded.items()
                   if col != total_col and col not in unit_cols and col >= first_group and text != "stt"}
        period, period_cell = _stated_period(sheet, row_index)
        return ScoreSheet(
            sheet=sheet.name, index_code=index_code,
            headers=tuple((text, text_of(sheet.cell(row_index, col)), a1(row_index, col))
                          for col, text in sorted(headers.items())),
            period=period, period_cell=period_cell, report_date=find_report_date(sheet, ()),
            rows=tuple(_rows(sheet, row_index + 1, headers, total_col, name_col, code_col)),
            **_title_scope(sheet, row_index))
    return None


def _rows(sheet: SheetGrid, start: int, headers: dict[int, str], total_col: int, name_col: int | None,
          code_col: int | None) -> list[ScoreRow]:
    rows = []
    for row_index in range(start, len(sheet.rows)):
        line = sheet.rows[row_index]
        name = text_of(sheet.cell(row_index, name_col)) if name_col is not None else ""
        code = text_of(sheet.cell(row_index, code_col)) if code_col is not None else ""
        cells = [sheet.cell(row_index, col) for col in (*headers, total_col)]
        numbers = any(type(v) in (int, float) for v in cells)
        if not numbers and any(fold(v).startswith(STOP_WORDS) for v in line if isinstance(v, str) and v.strip()):
            break
        if not (name or code) or not any(text_of(v) for v in cells):
            continue  # a blank row, a group row, or the "(1) (2) (3)" row
        rows.append(ScoreRow(
            unit_code=code or None, unit_name=name or None,
            cell=a1(row_index, name_col if name_col is not None else code_col),
            groups=tuple((text, sheet.cell(row_index, col), a1(row_index, col)) for col, text in headers.items()),
            total=sheet.cell(row_index, total_col), total_cell=a1(row_index, total_col)))
    return rows
