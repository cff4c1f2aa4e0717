"""Records that cross the loader's steps: issues found, and values as a layout read them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple


@dataclass(frozen=True)
class Issue:
    """Something wrong or worth a look in a file; an error stops the whole file loading."""

    severity: str  # error | warning
    code: str
    sheet: str | None
    cell: str | None
    message_vi: str
    message_en: str

    def message(self, lang: str = "vi") -> str:
        return self.message_vi if lang == "vi" else self.message_en


class RawValue(NamedTuple):
    """One metric cell as found: raw is the cell's content, not yet parsed (a named tuple: a
    national load reads hundreds of thousands)."""

    metric_code: str
    raw: object
    cell: str


@dataclass(frozen=True)
class RawRate:
    """A rate a table states beside its counts ("8,5%"): checked against the counts, never loaded."""

    indicator_code: str
    raw: object
    cell: str


@dataclass(frozen=True)
class RawRow:
    """One unit's row (or the one unit of a template) before the unit is resolved."""

    unit_code: str | None
    unit_name: str | None
    cell: str
    values: tuple[RawValue, ...]
    within: tuple[str, ...] = ()  # the district a group row above it names
    rates: tuple[RawRate, ...] = ()


@dataclass(frozen=True)
class RecognisedSheet:
    """What a layout read from one sheet."""

    layout: str  # template | consolidated
    sheet: str
    period: str | None  # the period the sheet states, as a code (2025Q3)
    period_cell: str | None
    report_date: date | None
    rows: tuple[RawRow, ...]
    totals: tuple[RawRow, ...] = ()
    issues: tuple[Issue, ...] = ()
    metric_columns: tuple[str, ...] = field(default=())
    scope: tuple[str, ...] = ()  # the province or district the title rows name ("UBND TỈNH BÌNH ĐỊNH")
    scope_cells: tuple[str, ...] = ()  # the cell of each, for messages


def a1(row: int, col: int) -> str:
    """Gives the A1 reference of a zero-based (row, col): (0, 0) → 'A1', (9, 27) → 'AB10'."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"
