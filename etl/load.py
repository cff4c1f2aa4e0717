"""Loading files into the warehouse: each file in one transaction or not at all.

A rejected file changes no data but is recorded with its issues; identical content is a
duplicate; a later file for the same unit and period supersedes the earlier one cell by cell
(the earlier stays, marked superseded, so every value's history can be read)."""
from __future__ import annotations

import getpass
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl.catalog import Catalog, load_catalog
from etl.checks import CheckedValue, MatcherCache, check_sheet
from etl.derived import refresh_pending
from etl.layouts import recognise_workbook
from etl.read import read_workbook
from etl.records import Issue

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}


@dataclass
class FileReport:
    """What happened to one file; `units` and `values` count what was loaded."""

    file: str
    status: str  # accepted | rejected | duplicate
    units: int = 0
    values: int = 0
    issues: list[Issue] = field(default_factory=list)
    submission_id: int | None = None

    def as_json(self, lang: str = "vi") -> dict:
        return {
            "file": self.file, "status": self.status, "units": self.units, "values": self.values,
            "issues": [{"severity": i.severity, "sheet": i.sheet, "cell": i.cell, "code": i.code,
                        "message": i.message(lang)} for i in self.issues],
        }


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Gives the workbooks named or found in folders (sorted; Excel's ~$ lock files skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix.lower() in WORKBOOK_SUFFIXES
                            and p.is_file() and not p.name.startswith("~$"))
        else:
            files.append(path)
    return files


class Loader:
    """Loads files into one open warehouse; keeps the catalog and unit matchers between files."""

    def __init__(self, con: duckdb.DuckDBPyConnection, catalog: Catalog | None = None,
                 submitted_by: str | None = None) -> None:
        self.con = con
        self.catalog = catalog or load_catalog()
        self.matchers = MatcherCache(con)
        self.submitted_by = submitted_by or _user()

    def load_files(self, files: list[Path], period: str | None = None, submitted: date | None = None,
                   on_file: Callable[[FileReport], None] | None = None) -> list[FileReport]:
        """Loads each file in its own transaction, then brings the derived tables up to date."""
        reports = []
        for path in files:
            report = self._load_one(path, period, submitted)
            reports.append(report)
            if on_file:
                on_file(report)
        refresh_pending(self.con)
        return reports

    def load_file(self, path: Path, period: str | None = None, submitted: date | None = None) -> FileReport:
        """Loads one file in one transaction, then brings the derived tables up to date."""
        report = self._load_one(path, period, submitted)
        refresh_pending(self.con)
        return report

    def _load_one(self, path: Path, period: str | None, submitted: date | None) -> FileReport:
        name = path.name
        if not path.exists():
            return FileReport(name, "rejected", issues=[Issue("error", "missing", None, None,
                              f"Không tìm thấy tệp {path}.", f"File not found: {path}.")])
        digest = _sha256(path)
        earlier = self.con.execute(
            "SELECT submission_id FROM submissions WHERE file_sha256 = ? AND status IN ('accepted', 'superseded') "
            "ORDER BY submission_id LIMIT 1", [digest]).fetchone()
        if earlier:
            issue = Issue("warning", "duplicate", None, None,
                          f"Tệp trùng nội dung với lần nộp số {earlier[0]} đã nạp trước đó; không nạp lại.",
                          f"Identical to submission {earlier[0]}, loaded earlier; nothing loaded.")
            report = FileReport(name, "duplicate", issues=[issue])
            self._record(report, digest, None, None, [], duplicate_of=earlier[0])
            return report
        checked = self._check(path, period)
        if isinstance(checked, FileReport):
            self._record(checked, digest, None, None, [])
            return checked
        values, unit_periods, issues, layout, report_date = checked
        submitted_at = _submitted_at(report_date, submitted)
        return self._commit(name, digest, layout, values, unit_periods, issues, submitted_at)

    def _check(self, path: Path, period: str | None):
        """Reads, recognises and checks a file: its values, or a rejected report."""
        book = read_workbook(path)
        if isinstance(book, Issue):
            return FileReport(path.name, "rejected", issues=[book])
        recognised = recognise_workbook(book, self.catalog)
        if isinstance(recognised, Issue):
            return FileReport(path.name, "rejected", issues=[recognised])
        grids = {sheet.name: sheet for sheet in book.sheets}
        values: dict[tuple[str, str, str], CheckedValue] = {}
        unit_periods: set[tuple[str, str]] = set()
        issues: list[Issue] = []
        report_date = None
        for sheet in recognised:
            result = check_sheet(sheet, grids[sheet.sheet], self.catalog, self.matchers, period)
            issues += result.issues
            report_date = report_date or sheet.report_date
            for value in result.values:
                key = (value.unit_key, value.period, value.metric_code)
                if key in values and values[key].value != value.value:
                    issues.append(Issue("error", "duplicate_row_conflict", value.sheet, value.cell,
                                        f"Số liệu ở {value.sheet}!{value.cell} trùng đơn vị và kỳ với {values[key].sheet}!{values[key].cell} nhưng khác giá trị.",
                                        f"{value.sheet}!{value.cell} repeats the unit and period of {values[key].sheet}!{values[key].cell} with another value."))
                values[key] = value
            unit_periods |= result.unit_periods
        if not unit_periods and not any(i.severity == "error" for i in issues):
            issues.append(Issue("error", "no_rows", recognised[0].sheet, None,
                                "Không có dòng số liệu nào của đơn vị để nạp.", "No unit rows with figures to load."))
        if any(i.severity == "error" for i in issues):
            return FileReport(path.name, "rejected", issues=issues)
        return list(values.values()), unit_periods, issues, recognised[0].layout, report_date

    def _commit(self, name, digest, layout, values: list[CheckedValue], unit_periods, issues, submitted_at) -> FileReport:
        con = self.con
        frame = pd.DataFrame(
            [(v.unit_key, v.period, v.metric_code, v.value, v.sheet, v.cell) for v in values],
            columns=["unit_key", "period", "metric_code", "value", "sheet", "cell"],
        ).astype({"value": "Int64"})
        reports = pd.DataFrame(sorted(unit_periods), columns=["unit_key", "period"])
        con.execute("BEGIN")
        try:
            cleared = _cleared_values(con, frame)
            for unit_name, period, metric, cell, sheet in cleared:
                issues.append(Issue("warning", "blank_clears", sheet, cell,
                                    f"Ô {cell} để trống: xóa giá trị đã nạp trước đó của {unit_name}, kỳ {period} ({metric}).",
                                    f"Cell {cell} is blank: it clears the earlier value of {unit_name}, {period} ({metric})."))
            loaded = int(frame["value"].notna().sum())
            report = FileReport(name, "accepted", units=len(reports), values=loaded, issues=issues)
            submission_id = self._record(report, digest, layout, submitted_at, sorted({p for _, p in unit_periods}),
                                         in_transaction=True)
            frame.insert(0, "submission_id", submission_id)
            reports.insert(0, "submission_id", submission_id)
            reports["submitted_at"] = submitted_at
            con.execute("INSERT INTO reported_values SELECT submission_id, unit_key, period, metric_code, value, sheet, cell FROM frame")
            con.execute("INSERT INTO unit_reports SELECT submission_id, unit_key, period, submitted_at FROM reports")
            con.execute("INSERT INTO pending_refresh SELECT unit_key, period FROM reports")
            con.execute(
                "UPDATE submissions SET status = 'superseded', superseded_by = $new "
                "WHERE status = 'accepted' AND submission_id <> $new AND submission_id IN "
                "(SELECT r.submission_id FROM unit_reports r JOIN reports n USING (unit_key, period))",
                {"new": submission_id})
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return report

    def _record(self, report: FileReport, digest: str, layout: str | None, submitted_at: datetime | None,
                periods: list[str], duplicate_of: int | None = None, in_transaction: bool = False) -> int:
        """Writes the submission row and its issues; gives the submission id."""
        con = self.con
        if not in_transaction:
            con.execute("BEGIN")
        submission_id = con.execute("SELECT nextval('submission_seq')").fetchone()[0]
        errors = sum(i.severity == "error" for i in report.issues)
        con.execute(
            "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
            [submission_id, report.file, digest, layout, self.submitted_by, submitted_at or datetime.now(),
             datetime.now(), report.status, duplicate_of, ",".join(periods) or None, report.units, report.values,
             errors, len(report.issues) - errors])
        if report.issues:
            issues = pd.DataFrame(
                [(submission_id, i.severity, i.sheet, i.cell, i.code, i.message_vi, i.message_en) for i in report.issues],
                columns=["submission_id", "severity", "sheet", "cell", "code", "message_vi", "message_en"])
            con.execute("INSERT INTO submission_issues SELECT * FROM issues")
        if not in_transaction:
            con.execute("COMMIT")
        report.submission_id = submission_id
        return submission_id


def _cleared_values(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> list[tuple]:
    """Finds the blank cells of this file that clear a value loaded earlier."""
    blanks = frame[frame["value"].isna()]
    if blanks.empty:
        return []
    return con.execute("""
        WITH current AS (
            SELECT rv.unit_key, rv.period, rv.metric_code, rv.value
            FROM reported_values rv
            JOIN blanks b USING (unit_key, period, metric_code)
            JOIN submissions s USING (submission_id)
            WHERE s.status IN ('accepted', 'superseded')
            QUALIFY row_number() OVER (PARTITION BY rv.unit_key, rv.period, rv.metric_code
                                       ORDER BY rv.submission_id DESC) = 1
        )
        SELECT u.unit_name, c.period, c.metric_code, b.cell, b.sheet
        FROM current c JOIN blanks b USING (unit_key, period, metric_code) JOIN units u USING (unit_key)
        WHERE c.value IS NOT NULL ORDER BY b.sheet, b.cell
    """).fetchall()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _submitted_at(report_date: date | None, submitted: date | None) -> datetime:
    """The date the workbook states, else --submitted, else now."""
    chosen = report_date or submitted
    return datetime.combine(chosen, datetime.min.time()) if chosen else datetime.now()


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
