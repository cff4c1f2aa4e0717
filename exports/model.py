"""The report model: one frozen snapshot of a province's period, read from the public views only,
that every export (deck, workbook, report) writes from, so their numbers are the dashboard's."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from vocab.findings import grade_legend, indicator_sentence, level_finding
from vocab.levels import LEVELS, STATUSES
from vocab.periods import Period, latest_ending_by, parse_code, quarter_range, today
from warehouse.reader import connect_read_only, fetch_rows
from warehouse.sqlfiles import query_sql

LEVEL_ORDER = LEVELS
STATUS_ORDER = STATUSES
TREND_QUARTERS = 8

# The agency that owns the data and writes the report: the Department of Information and
# Communications until the 2025 merger, the Department of Science and Technology after it.
AGENCIES = {
    "old": ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "STTTT", "Sở Thông tin và Truyền thông"),
    "new": ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "SKHCN", "Sở Khoa học và Công nghệ"),
}
_ROOT_PREFIX = {"tinh": "Tỉnh", "thanh_pho_tw": "Thành phố"}


@dataclass(frozen=True)
class LevelResult:
    """One level of one indicator against its target in force (a level_progress row)."""

    level: str
    value: float | None
    target: float | None
    status: str
    numerator: float | None = None
    denominator: float | None = None
    expected: float | None = None
    plan_code: str | None = None
    doc_number: str | None = None
    deadline: date | None = None
    units_reporting: int | None = None
    units_expected: int | None = None
    partial: bool = False  # fewer units reported than settings.coverage_threshold asks

    @property
    def expired_on(self) -> date | None:
        """The deadline of a target that has expired (status 'expired'), else None."""
        return self.deadline if self.status == "expired" else None


@dataclass(frozen=True)
class TrendPoint:
    """A level's value and target in one quarter (a level_progress row)."""

    period: str
    level: str
    value: float | None
    target: float | None
    status: str

    @property
    def target_in_force(self) -> float | None:
        """The target, unless it expired (its deadline passed, no later plan): a trend does not
        draw an expired target on as if it were still to be met."""
        return None if self.status == "expired" else self.target


@dataclass(frozen=True)
class UnitResult:
    """One unit against its level's target in one period (a target_progress row)."""

    unit_key: str
    unit_code: str
    unit_name: str
    level: str
    parent_name: str | None
    period: str
    value: float | None
    target: float | None
    status: str


@dataclass(frozen=True)
class IndicatorReport:
    """An indicator a plan targets: its levels in the period, their trend and every unit."""

    code: str
    name: str
    group: str
    levels: tuple[LevelResult, ...]
    trend: tuple[TrendPoint, ...] = ()
    units: tuple[UnitResult, ...] = ()

    def finding(self, lang: str = "vi") -> str:
        """Gives the slide title: each level's finding, joined ('Cấp tỉnh đạt …; cấp xã …')."""
        parts = [level_finding(r.level, r.value, r.target, lang, r.expired_on) for r in self.levels]
        parts = [p if i == 0 else p[0].lower() + p[1:] for i, p in enumerate(parts)]
        return "; ".join(parts)

    def sentences(self, lang: str = "vi") -> list[str]:
        """Gives the report's sentences, one a level (indicator_sentence, shared with the dashboard)."""
        return [
            indicator_sentence(self.name, r.level, r.value, r.target, r.doc_number, lang, r.expired_on)
            for r in self.levels
        ]

    @property
    def has_data(self) -> bool:
        """Whether any level has a value in the period (a target without data gets no chart)."""
        return any(r.value is not None for r in self.levels)

    def trend_periods(self) -> list[str]:
        return sorted({p.period for p in self.trend})

    def trend_levels(self) -> list[str]:
        present = {p.level for p in self.trend}
        return [level for level in LEVEL_ORDER if level in present]


@dataclass(frozen=True)
class CompletenessRow:
    """Who reported at a level ('total' sums the levels) over the period's quarters."""

    level: str
    units_expected: int
    units_reported: int
    units_on_time: int
    rate: float | None
    on_time_rate: float | None


@dataclass(frozen=True)
class MissingReport:
    """A unit expected to report in a quarter that did not."""

    period: str
    level: str
    unit_key: str
    unit_code: str
    unit_name: str
    parent_name: str | None
    due_date: date | None


@dataclass(frozen=True)
class LaggingUnit:
    """A unit behind its target on at least one indicator, with its widest gap."""

    unit_key: str
    unit_code: str
    unit_name: str
    level: str
    parent_name: str | None
    indicators_behind: int
    worst_indicator: str
    worst_indicator_name: str
    worst_value: float | None
    worst_target: float | None


@dataclass(frozen=True)
class Agency:
    """The reporting agency of the administrative header (Decree 30/2020/NĐ-CP)."""

    parent: str  # UBND TỈNH GIA LAI
    name: str  # SỞ KHOA HỌC VÀ CÔNG NGHỆ
    short: str  # SKHCN, used in the document number: Số: /BC-SKHCN
    place: str  # Gia Lai, on the date line
    title: str = ""  # Sở Khoa học và Công nghệ, in running text


@dataclass(frozen=True)
class ValueComment:
    """A comment on a unit's indicator in the period (ops/comments.py, copied by the writer)."""

    indicator_code: str
    unit_code: str
    unit_name: str
    level: str
    text: str
    author: str
    written_at: object  # datetime, the server's local time

    def line(self, lang: str = "vi") -> str:
        """'Huyện Chư Sê: giảm do mất điện hai tuần (chuse, 03/12/2026)'."""
        day = self.written_at.strftime("%d/%m/%Y") if hasattr(self.written_at, "strftime") else str(self.written_at)
        return f"{self.unit_name}: {self.text} ({self.author}, {day})"


@dataclass(frozen=True)
class IndexUnitScore:
    """One unit's total on a composite index (index_scores)."""

    unit_code: str
    unit_name: str
    level: str
    score: float
    max_score: float | None
    grade: str | None  # None: not graded (the province has not filled in the thresholds)
    rank_in_level: int
    rank_change: int | None


@dataclass(frozen=True)
class IndexGroupScore:
    """One unit's score in one group of an index (index_group_scores)."""

    unit_code: str
    unit_name: str
    level: str
    group_name: str
    group_order: int
    score: float
    max_score: float | None
    source: str


@dataclass(frozen=True)
class IndexReport:
    """A composite index (766, DTI) in its latest period that ends by the report's period:
    where each unit stands, graded and ranked, with the coverage and the version in force."""

    code: str
    name: str
    period: str
    period_label: str
    as_of: date
    version: str
    version_source: str
    graded: bool  # every grade threshold is filled in
    has_grades: bool  # the index grades at all (DTI only ranks)
    scores: tuple[IndexUnitScore, ...]
    groups: tuple[IndexGroupScore, ...]
    expected: tuple[tuple[str, int], ...]  # (level, units expected) for each level scored
    grade_legend: str = ""  # the thresholds and who filled them in (vocab.findings.grade_legend)

    def levels(self) -> list[str]:
        return [lv for lv in LEVELS if any(s.level == lv for s in self.scores)]

    def of_level(self, level: str) -> list[IndexUnitScore]:
        return sorted((s for s in self.scores if s.level == level), key=lambda s: (s.rank_in_level, s.unit_name))

    def expected_in(self, level: str) -> int:
        return dict(self.expected).get(level, 0)

    def grade_counts(self, level: str) -> list[tuple[str | None, int]]:
        """Gives (grade, units) best first; None counts the units not graded."""
        from vocab.levels import GRADES

        units = self.of_level(level)
        counts = [(g, sum(1 for s in units if s.grade == g)) for g in GRADES]
        counts = [(g, n) for g, n in counts if n]
        ungraded = sum(1 for s in units if not s.grade)
        return counts + ([(None, ungraded)] if ungraded else [])

    def group_means(self, level: str) -> list[tuple[str, float, float | None]]:
        """Gives (group, mean score, maximum) over the level's units, in the decision's order."""
        found: dict[str, list] = {}
        for g in sorted((g for g in self.groups if g.level == level), key=lambda g: g.group_order):
            found.setdefault(g.group_name, [[], g.max_score])[0].append(g.score)
        return [(name, sum(v) / len(v), top) for name, (v, top) in found.items()]


@dataclass(frozen=True)
class ReportModel:
    """Everything an export writes, for one province, period and language."""

    province_name: str  # Tỉnh Gia Lai
    period: str  # 2025Q3
    period_label: str  # Quý III/2025
    era: str  # old | new | both
    lang: str
    made_on: date
    agency: Agency
    indicators: tuple[IndicatorReport, ...]
    status_counts: tuple[tuple[str, int], ...]  # (status, targets) in STATUS_ORDER
    completeness: tuple[CompletenessRow, ...] = ()
    missing: tuple[MissingReport, ...] = ()
    lagging: tuple[LaggingUnit, ...] = ()
    unit_periods: tuple[str, ...] = field(default=())
    locked_on: date | None = None  # the period's figures were locked (chốt) this day
    comments: tuple[ValueComment, ...] = ()
    indices: tuple[IndexReport, ...] = ()

    def lock_line(self) -> str | None:
        """'Số liệu đã chốt ngày 03/12/2026' for a locked period, else None."""
        if self.locked_on is None:
            return None
        if self.lang == "vi":
            return f"Số liệu đã chốt ngày {self.locked_on:%d/%m/%Y}"
        return f"Figures locked on {self.locked_on:%d/%m/%Y}"

    def comments_on(self, indicator_code: str) -> list[ValueComment]:
        return [c for c in self.comments if c.indicator_code == indicator_code]

    def count(self, status: str) -> int:
        return dict(self.status_counts).get(status, 0)

    def met_by_level(self) -> list[tuple[str, int, int]]:
        """Gives (level, indicators met, indicators with a target) per level, in level order:
        '2/5 chỉ tiêu cấp tỉnh đạt' counts indicators, not indicator × level pairs."""
        counts: dict[str, list[int]] = {}
        for indicator in self.indicators:
            for row in indicator.levels:
                pair = counts.setdefault(row.level, [0, 0])
                pair[0] += row.status == "met"
                pair[1] += 1
        return [(level, *counts[level]) for level in LEVEL_ORDER if level in counts]

    def partial_levels(self) -> list[tuple[str, int, int]]:
        """Gives (level, units reporting, units expected) for each level whose figures stand for
        too few of its units (level_progress.partial), the best-covered indicator's count."""
        found: dict[str, tuple[int, int]] = {}
        for indicator in self.indicators:
            for row in indicator.levels:
                if row.partial and (row.units_reporting or 0) >= found.get(row.level, (-1, 0))[0]:
                    found[row.level] = (row.units_reporting or 0, row.units_expected or 0)
        return [(level, *found[level]) for level in LEVEL_ORDER if level in found]

    @property
    def targets_total(self) -> int:
        return sum(n for _, n in self.status_counts)

    def completeness_total(self) -> CompletenessRow | None:
        return next((row for row in self.completeness if row.level == "total"), None)

    def groups(self) -> list[tuple[str, list[IndicatorReport]]]:
        """Gives the indicators by target group, in catalog order."""
        grouped: dict[str, list[IndicatorReport]] = {}
        for indicator in self.indicators:
            grouped.setdefault(indicator.group, []).append(indicator)
        return list(grouped.items())


class NoData(LookupError):
    """The warehouse has no figures for the period asked: nothing to export (message in Vietnamese
    first, then English, naming the period and the latest period that has data)."""


def build_model(db_path: str | Path, period: str, lang: str = "vi", made_on: date | None = None) -> ReportModel:
    """Gives the report model of a period, read from the warehouse's public views (read-only).
    Raises NoData when the warehouse has no figures for the period."""
    the_period = parse_code(period)
    with connect_read_only(db_path) as con:
        if not fetch_rows(con, "has_data", period=the_period.code)[0]["has_data"]:
            opening = fetch_rows(con, "opening_period", today=today())
            hint_vi = f" Kỳ có số liệu gần nhất: {parse_code(opening[0]['period']).label('vi')} ({opening[0]['period']})." if opening else ""
            hint_en = f" Latest period with data: {opening[0]['period']}." if opening else ""
            raise NoData(f"Kỳ {the_period.label('vi')} chưa có số liệu trong kho; không có gì để xuất.{hint_vi}"
                         f" / {the_period.label('en')} has no data in the warehouse; nothing to export.{hint_en}")
        return _build(con, the_period, lang, made_on or today())


def opening_period(db_path: str | Path, on: date | None = None) -> str | None:
    """Gives the period an export is for when none is asked: the latest quarter with data whose
    due date has passed (views.sql opening_period), None for an empty warehouse."""
    with connect_read_only(db_path) as con:
        rows = fetch_rows(con, "opening_period", today=on or today())
    return rows[0]["period"] if rows else None


def _build(con: duckdb.DuckDBPyConnection, the_period: Period, lang: str, made_on: date) -> ReportModel:
    code = the_period.code
    last_quarter = the_period.quarters()[-1]
    quarters = [q.code for q in the_period.quarters()]
    province = _province(con)
    names = {r["indicator_code"]: r for r in fetch_rows(con, "indicators")}
    name_col, group_col = ("name_vi", "group_vi") if lang == "vi" else ("name_en", "group_en")

    first = _minus_quarters(last_quarter, TREND_QUARTERS - 1)
    progress = fetch_rows(con, "progress", period=code, first=first.code, last=last_quarter.code)
    level_rows: dict[str, list[LevelResult]] = {}
    for r in progress:
        if r["period"] != code or r["target"] is None:
            continue
        level_rows.setdefault(r["indicator_code"], []).append(
            LevelResult(
                level=r["level"], value=_num(r["value"]), target=_num(r["target"]), status=r["status"],
                numerator=_num(r["numerator"]), denominator=_num(r["denominator"]),
                expected=_num(r["expected"]), plan_code=r["plan_code"], doc_number=r["doc_number"],
                deadline=r["deadline"], units_reporting=r["units_reporting"], units_expected=r["units_expected"],
                partial=bool(r["partial"]),
            )
        )
    targeted = [c for c in names if c in level_rows] + sorted(c for c in level_rows if c not in names)

    trends: dict[str, list[TrendPoint]] = {}
    for r in progress:
        if r["period_type"] == "quarter" and r["indicator_code"] in level_rows:
            trends.setdefault(r["indicator_code"], []).append(
                TrendPoint(r["period"], r["level"], _num(r["value"]), _num(r["target"]), r["status"])
            )

    unit_periods = _unit_periods(the_period)
    units: dict[str, list[UnitResult]] = {}
    for r in fetch_rows(con, "unit_rows", periods=list(unit_periods), indicators=targeted):
        units.setdefault(r["indicator_code"], []).append(
            UnitResult(
                r["unit_key"], r["unit_code"], r["unit_name"], r["level"], r["parent_name"],
                r["period"], _num(r["value"]), _num(r["target"]), r["status"],
            )
        )

    indicators = tuple(
        IndicatorReport(
            code=c,
            name=(names.get(c) or {}).get(name_col) or c,
            group=(names.get(c) or {}).get(group_col) or "",
            levels=tuple(level_rows[c]),
            trend=tuple(trends.get(c, ())),
            units=tuple(units.get(c, ())),
        )
        for c in targeted
    )
    counts: dict[str, int] = {}
    for rows in level_rows.values():
        for row in rows:
            counts[row.status] = counts.get(row.status, 0) + 1
    completeness = tuple(
        CompletenessRow(r["level"], int(r["units_expected"] or 0), int(r["units_reported"] or 0),
                        int(r["units_on_time"] or 0), _num(r["rate"]), _num(r["on_time_rate"]))
        for r in fetch_rows(con, "completeness", periods=quarters) if r["period"] is None
    )
    missing = tuple(
        MissingReport(r["period"], r["level"], r["unit_key"], r["unit_code"], r["unit_name"],
                      r["parent_name"], r["due_date"])
        for r in fetch_rows(con, "missing_reports", periods=quarters, level=None)
    )
    lagging = tuple(
        LaggingUnit(
            r["unit_key"], r["unit_code"], r["unit_name"], r["level"], r["parent_name"],
            int(r["indicators_behind"]), r["worst_indicator"],
            (names.get(r["worst_indicator"]) or {}).get(name_col) or r["worst_indicator"],
            _num(r["worst_value"]), _num(r["worst_target"]),
        )
        for r in fetch_rows(con, "lagging", period=code)
    )
    era = the_period.era()
    agency_name, agency_short, agency_title = AGENCIES["old" if era == "old" else "new"]
    return ReportModel(
        province_name=province["name"],
        period=code,
        period_label=the_period.label(lang),
        era=era,
        lang=lang,
        made_on=made_on,
        agency=Agency(f"UBND {province['name'].upper()}", agency_name, agency_short, province["short"],
                      agency_title),
        indicators=indicators,
        status_counts=tuple((s, int(counts.get(s, 0))) for s in STATUS_ORDER),
        completeness=completeness,
        missing=missing,
        lagging=lagging,
        unit_periods=unit_periods,
        locked_on=next((r["locked_on"] for r in fetch_rows(con, "period_lock", period=code)), None),
        comments=tuple(ValueComment(r["indicator_code"], r["unit_code"], r["unit_name"], r["level"], r["text"],
                                    r["author"], r["written_at"])
                       for r in fetch_rows(con, "period_comments", period=code)),
        indices=tuple(i for i in (_index_report(con, code, the_period, lang) for code in INDEX_CODES) if i),
    )


INDEX_CODES = ("766", "dti")


def _index_report(con: duckdb.DuckDBPyConnection, index: str, the_period: Period, lang: str) -> IndexReport | None:
    """Gives the index in its latest period that ends by the report period's end (a quarter's
    report shows the 766 scores of its last month), None when it has none."""
    scored = {r["period"]: r for r in fetch_rows(con, "index_periods", index=index)}
    period = latest_ending_by(scored, the_period)
    if period is None:
        return None
    latest = scored[period]
    version = str(latest["version"])
    scores, expected = [], []
    for level in LEVELS:
        rows = fetch_rows(con, "index_level_scores", index=index, period=period, level=level)
        if not rows:
            continue
        day = parse_code(period).end.isoformat()
        expected.append((level, int(fetch_rows(con, "index_expected_units", level=level, day=day)[0]["units_expected"])))
        scores += [IndexUnitScore(r["unit_code"], r["unit_name"], r["level"], float(r["score"]), _num(r["max_score"]),
                                  r["grade"], int(r["rank_in_level"]),
                                  None if _num(r["rank_change"]) is None else int(r["rank_change"])) for r in rows]
    name_col = "group_name_en" if lang == "en" else "group_name_vi"
    groups = tuple(IndexGroupScore(r["unit_code"], r["unit_name"], r["level"], r[name_col], int(r["group_order"]),
                                   float(r["score"]), _num(r["max_score"]), r["source"])
                   for r in fetch_rows(con, "index_unit_groups", index=index, period=period) if r["score"] is not None)
    versions = {r["version"]: r for r in fetch_rows(con, "index_versions", index=index)}
    bands = fetch_rows(con, "index_grade_bands", index=index, version=version)
    info = versions.get(version, {})
    as_of = latest["as_of"]
    return IndexReport(
        code=index, name=(info.get("name_en") if lang == "en" else info.get("name_vi")) or index,
        period=period, period_label=parse_code(period).label(lang),
        as_of=as_of.date() if hasattr(as_of, "date") else as_of, version=version,
        version_source=info.get("source") or "", graded=bool(bands) and all(b["min_score"] is not None for b in bands),
        has_grades=bool(bands), scores=tuple(scores), groups=groups, expected=tuple(expected),
        grade_legend=grade_legend(bands, lang) if bands and all(b["min_score"] is not None for b in bands) else "")


def _province(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    sql = query_sql("province")
    row = con.execute(sql).fetchone()
    if row is None:
        return {"name": "Tỉnh", "short": ""}
    _, unit_name, short_name, _ = row
    return {"name": unit_name, "short": short_name or unit_name}


def _unit_periods(the_period: Period) -> tuple[str, ...]:
    """Gives the periods of the unit sheets: the year's quarters up to this period, in this
    period's era only (a unit series never mixes the old and the new units)."""
    last = the_period.quarters()[-1]
    era = last.era()
    quarters = [q for q in quarter_range(Period(last.year, "quarter", 1), last) if q.era() == era]
    codes = [q.code for q in quarters]
    if the_period.period_type != "quarter":
        codes.append(the_period.code)
    return tuple(codes)


def _minus_quarters(quarter: Period, count: int) -> Period:
    index = quarter.year * 4 + quarter.number - 1 - count
    return Period(index // 4, "quarter", index % 4 + 1)


def _num(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if number != number else number
