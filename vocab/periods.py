"""Reporting periods: '2025Q3' ⇄ 'Quý III/2025', their dates, and how they contain each other.

Quarters, half-years and years are the reporting periods; months (2026M10), ISO weeks (2026W44)
and the cumulative nine months (2026Q1-Q3) are the periods composite indices are reviewed in."""
from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass
from datetime import date, timedelta

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_ROMAN_TO_INT = {v: k for k, v in ROMAN.items()}
# The kinds of period units report metrics for; months, weeks and the nine months are the
# periods composite indices are reviewed in.
REPORTING_PERIOD_TYPES = ("quarter", "half", "year")
REFORM_DATE = date(2025, 7, 1)  # two-tier local government (Resolution 202/2025/QH15)
# The units of each era are valid between these dates: the district tier and the 63 provinces
# ended on the day before the reform.
ERA_VALIDITY: dict[str, tuple[date, date]] = {
    "old": (date(2000, 1, 1), REFORM_DATE - timedelta(days=1)),
    "new": (REFORM_DATE, date(9999, 12, 31)),
}


@dataclass(frozen=True, order=True)
class Period:
    """A quarter, half-year, year, month, ISO week or the first nine months of a year; `code` is
    the warehouse label (2025Q3, 2025H1, 2025, 2026M10, 2026W44, 2026Q1-Q3). A week's year is
    its ISO year (2026W53 may end in January 2027)."""

    year: int
    period_type: str  # quarter | half | year | month | week | nine_months
    number: int  # the quarter, half, month or week; 1 for a year and for the nine months

    @property
    def code(self) -> str:
        if self.period_type == "quarter":
            return f"{self.year}Q{self.number}"
        if self.period_type == "half":
            return f"{self.year}H{self.number}"
        if self.period_type == "month":
            return f"{self.year}M{self.number}"
        if self.period_type == "week":
            return f"{self.year}W{self.number:02d}"
        if self.period_type == "nine_months":
            return f"{self.year}Q1-Q3"
        return str(self.year)

    @property
    def start(self) -> date:
        if self.period_type == "week":
            return date.fromisocalendar(self.year, self.number, 1)
        if self.period_type == "nine_months":
            return date(self.year, 1, 1)
        months = _MONTHS[self.period_type]
        return date(self.year, (self.number - 1) * months + 1, 1)

    @property
    def end(self) -> date:
        if self.period_type == "week":
            return date.fromisocalendar(self.year, self.number, 7)
        if self.period_type == "nine_months":
            return date(self.year, 9, 30)
        months = _MONTHS[self.period_type]
        last_month = self.number * months
        if last_month == 12:
            return date(self.year, 12, 31)
        return date(self.year, last_month + 1, 1) - timedelta(days=1)

    @property
    def sort_key(self) -> tuple[date, date]:
        """Orders periods of any kinds: by end, then the longer first (a year before its Q4)."""
        return (self.end, self.start)

    def label(self, lang: str = "vi") -> str:
        if self.period_type in _OTHER_LABELS:
            return _OTHER_LABELS[self.period_type][lang == "vi"].format(p=self)
        if lang == "vi":
            if self.period_type == "quarter":
                return f"Quý {ROMAN[self.number]}/{self.year}"
            if self.period_type == "half":
                return f"6 tháng {'đầu' if self.number == 1 else 'cuối'} năm {self.year}"
            return f"Năm {self.year}"
        if self.period_type == "quarter":
            return f"Q{self.number}/{self.year}"
        if self.period_type == "half":
            return f"H{self.number}/{self.year}"
        return str(self.year)

    def previous(self) -> "Period":
        """Gives the period of the same type just before this one."""
        if self.period_type in ("year", "nine_months"):
            return Period(self.year - 1, self.period_type, 1)
        if self.period_type == "week":
            return week_of(self.start - timedelta(days=7))
        per_year = {"quarter": 4, "half": 2, "month": 12}[self.period_type]
        if self.number == 1:
            return Period(self.year - 1, self.period_type, per_year)
        return Period(self.year, self.period_type, self.number - 1)

    def year_before(self) -> "Period":
        if self.period_type == "week":  # not every ISO year has a week 53: then its week 52
            return _week(self.year - 1, self.number) or Period(self.year - 1, "week", 52)
        return Period(self.year - 1, self.period_type, self.number)

    def quarters(self) -> list["Period"]:
        """Gives the quarters this period is made of (none for a month or a week)."""
        if self.period_type == "quarter":
            return [self]
        if self.period_type in ("month", "week"):
            return []
        if self.period_type == "nine_months":
            return [Period(self.year, "quarter", q) for q in (1, 2, 3)]
        first = 1 if self.period_type == "year" or self.number == 1 else 3
        count = 4 if self.period_type == "year" else 2
        return [Period(self.year, "quarter", q) for q in range(first, first + count)]

    def era(self) -> str:
        """'old' before the 1 July 2025 reform, 'new' from it on ('both' for the year 2025)."""
        if self.end < REFORM_DATE:
            return "old"
        if self.start >= REFORM_DATE:
            return "new"
        return "both"


def today() -> date:
    """Gives today, or the day GOVKPI_TODAY states (YYYY-MM-DD): tests and demos name the day
    they stand on instead of depending on the clock."""
    stated = os.environ.get("GOVKPI_TODAY")
    return date.fromisoformat(stated) if stated else date.today()


def cutoff_date(period: Period, day_of_last_month: int) -> date:
    """Gives the day a period's data run to (Decree 09/2019/NĐ-CP: a quarter to the 14th of its
    last month, a half-year to 14 June / 14 December, a year to 14 December)."""
    return date(period.end.year, period.end.month, day_of_last_month)


@lru_cache(maxsize=4096)
def parse_code(code: str) -> Period:
    """Reads a warehouse label or a common written form: 2025Q3, Q3/2025, III/2025, Quý III/2025.
    Remembered: charts turn the same few hundred labels into periods thousands of times."""
    period = parse_text(code)
    if period is None:
        raise ValueError(f"Kỳ báo cáo không hợp lệ: {code!r} (ví dụ: 2025Q3, 2025H1, 2025, 2026M10, 2026W44, "
                         "2026Q1-Q3)")
    return period


_ROMAN_RE = r"(IV|I{1,3})"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.replace("đ", "d").replace("Đ", "D").upper()


# Quarters and half-years come before months and weeks so that titles read as before; a month
# in a date line ("ngày 15 tháng 7 năm 2021") is no period, and the layouts skip date lines.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(\d{4})\s*Q1\s*-\s*Q3\b"), "y9"),
    (re.compile(r"\b9\s*THANG\s+(?:DAU\s+)?NAM\s+(\d{4})"), "y9"),
    (re.compile(r"\b(\d{4})\s*Q([1-4])\b"), "yq"),
    (re.compile(r"\b(\d{4})\s*H([12])\b"), "yh"),
    (re.compile(r"\bQUY\s+" + _ROMAN_RE + r"\s*(?:/|NAM|-)\s*(\d{4})"), "rq"),
    (re.compile(r"\bQUY\s+([1-4])\s*(?:/|NAM|-)\s*(\d{4})"), "nq"),
    (re.compile(r"\bQ([1-4])\s*[/-]\s*(\d{4})"), "nq"),
    (re.compile(r"(?:^|\s)" + _ROMAN_RE + r"\s*/\s*(\d{4})"), "rq"),
    (re.compile(r"\b6\s*THANG\s+(DAU|CUOI)\s+NAM\s+(\d{4})"), "half"),
    (re.compile(r"\b(?:H|6T)([12])\s*[/-]\s*(\d{4})"), "nh"),
    (re.compile(r"\b(\d{4})\s*M(1[0-2]|0?[1-9])\b"), "ym"),
    (re.compile(r"\bTHANG\s+(1[0-2]|0?[1-9])\s*(?:/|NAM|-)\s*(\d{4})"), "nm"),
    (re.compile(r"\b(\d{4})\s*-?W(5[0-3]|[1-4]\d|0?[1-9])\b"), "yw"),
    (re.compile(r"\bTUAN\s+(5[0-3]|[1-4]\d|0?[1-9])\s*(?:/|NAM|-)\s*(\d{4})"), "nw"),
    (re.compile(r"^\s*(\d{4})\s*$"), "y"),
    (re.compile(r"\bNAM\s+(\d{4})\b"), "y"),
]


def parse_text(text: str) -> Period | None:
    """Finds a period stated in free text ('BẢNG TỔNG HỢP ... QUÝ IV/2020', '6 tháng đầu năm
    2021', 'năm 2020'); None when it states none. The most specific form wins."""
    folded = _fold(str(text))
    for pattern, kind in _PATTERNS:
        found = pattern.search(folded)
        if not found:
            continue
        a, *rest = found.groups()
        if kind == "y9":
            return Period(int(a), "nine_months", 1)
        if kind in ("ym", "nm"):
            year, month = (int(a), int(rest[0])) if kind == "ym" else (int(rest[0]), int(a))
            return Period(year, "month", month)
        if kind in ("yw", "nw"):
            year, week = (int(a), int(rest[0])) if kind == "yw" else (int(rest[0]), int(a))
            return _week(year, week)
        if kind == "yq":
            return Period(int(a), "quarter", int(rest[0]))
        if kind == "yh":
            return Period(int(a), "half", int(rest[0]))
        if kind == "rq":
            return Period(int(rest[0]), "quarter", _ROMAN_TO_INT[a])
        if kind == "nq":
            return Period(int(rest[0]), "quarter", int(a))
        if kind == "half":
            return Period(int(rest[0]), "half", 1 if a == "DAU" else 2)
        if kind == "nh":
            return Period(int(rest[0]), "half", int(a))
        return Period(int(a), "year", 1)
    return None


_MONTHS = {"quarter": 3, "half": 6, "year": 12, "month": 1}
# label(lang) of the index periods: (English, Vietnamese)
_OTHER_LABELS = {
    "month": ("{p.number:02d}/{p.year}", "Tháng {p.number}/{p.year}"),
    "week": ("Week {p.number}/{p.year}", "Tuần {p.number}/{p.year}"),
    "nine_months": ("9M/{p.year}", "9 tháng đầu năm {p.year}"),
}


def _week(year: int, week: int) -> Period | None:
    """An ISO week, or None for a week 53 the year does not have."""
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        return None
    return Period(year, "week", week)


def week_of(day: date) -> Period:
    """Gives the ISO week a day falls in (31/12/2024 is in 2025W01)."""
    iso = day.isocalendar()
    return Period(iso.year, "week", iso.week)


def month_of(day: date) -> Period:
    return Period(day.year, "month", day.month)


def quarter_of(day: date) -> Period:
    return Period(day.year, "quarter", (day.month - 1) // 3 + 1)


def latest_ending_by(codes, period: Period) -> str | None:
    """Gives the latest of the period codes that ends by `period`'s end, None if none does: a
    composite index as it stood at a quarter (the 766 index of the quarter's last month, the DTI
    of the last year ended), in the report and on the indices page alike."""
    ended = [code for code in codes if parse_code(code).end <= period.end]
    return max(ended, key=lambda code: parse_code(code).sort_key, default=None)


def quarter_range(first: Period, last: Period) -> list[Period]:
    """Gives every quarter from first to last, both included."""
    quarters = []
    current = first
    while current <= last:
        quarters.append(current)
        current = Period(current.year + current.number // 4, "quarter", current.number % 4 + 1)
    return quarters


def all_periods(first_year: int, last_year: int) -> list[Period]:
    """Gives every quarter, half-year and year of the years given."""
    periods = []
    for year in range(first_year, last_year + 1):
        periods += [Period(year, "quarter", q) for q in range(1, 5)]
        periods += [Period(year, "half", h) for h in (1, 2)]
        periods.append(Period(year, "year", 1))
    return periods
