"""Writing checked files to the warehouse in groups: one transaction per group (group commit).

Every file of a group is whole or absent together, so no file is ever half-loaded, and its
derived rows commit with it; a group shares the fixed cost of a transaction and of the
statements that find cleared cells, superseded submissions and derived rows, which would
otherwise cost more than reading a small file."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd

from etl.derived import refresh_in_transaction
from etl.records import Issue
from warehouse.sqlfiles import read_sql

BATCH_FILES = 1000
# A group holds at most this many values: a national load of district tables (about 265 values
# each) makes groups of some 380 files, each written while the next is read (etl/load.py),
# while 1,000 templates (about 26 values each) stay one group with nothing to overlap.
BATCH_VALUES = 100_000

_SUBMISSION_COLUMNS = ["submission_id", "file_name", "file_sha256", "layout", "submitted_by", "submitted_at",
                       "loaded_at", "status", "superseded_by", "duplicate_of", "periods", "units_count",
                       "values_count", "errors_count", "warnings_count", "needs_review"]
_ISSUE_COLUMNS = ["submission_id", "severity", "sheet", "cell", "code", "message_vi", "message_en"]
_VALUE_COLUMNS = ["submission_id", "unit_key", "period", "metric_code", "value", "sheet", "cell"]


@dataclass
class FileReport:
    """What happened to one file; `units` and `values` count what was loaded."""

    file: str
    status: str  # accepted | rejected | duplicate | forbidden (another unit's figures: not recorded)
    units: int = 0
    values: int = 0
    issues: list[Issue] = field(default_factory=list)
    submission_id: int | None = None
    # (unit_key, period) pairs of a file refused for a locked period: its audit rows name them
    refused_unit_periods: list[tuple[str, str]] = field(default_factory=list)

    def as_json(self, lang: str = "vi") -> dict:
        return {
            "file": self.file, "status": self.status, "units": self.units, "values": self.values,
            "issues": [{"severity": i.severity, "sheet": i.sheet, "cell": i.cell, "code": i.code,
                        "message": i.message(lang)} for i in self.issues],
        }


@dataclass
class PreparedFile:
    """A file read and checked, waiting to be written with its group."""

    report: FileReport
    digest: str
    layout: str | None = None
    values: list = field(default_factory=list)  # CheckedValue
    unit_periods: list[tuple[str, str]] = field(default_factory=list)
    submitted_at: datetime | None = None
    duplicate_of: int | None = None
    duplicate_in_batch: str | None = None  # the digest of an accepted file earlier in the group
    scores: list = field(default_factory=list)  # ScoreValue: a table of published index scores


@dataclass
class Batch:
    files: list[PreparedFile] = field(default_factory=list)
    accepted_hashes: dict[str, str] = field(default_factory=dict)  # digest → file name
    value_count: int = 0
    needs_review: bool = False  # its accepted files count only once a reviewer accepts them (ops/review.py)

    def add(self, prepared: PreparedFile) -> None:
        self.files.append(prepared)
        self.value_count += len(prepared.values)
        if prepared.report.status == "accepted":
            self.accepted_hashes.setdefault(prepared.digest, prepared.report.file)


def write_batch(con: duckdb.DuckDBPyConnection, batch: Batch, submitted_by: str, needs_review: bool = False) -> None:
    """Writes a group of files and their derived rows in one transaction and fills in their
    submission ids and the warnings only the warehouse can tell (a blank cell that clears an
    earlier value)."""
    if not batch.files:
        return
    con.execute("BEGIN")
    try:
        batch.needs_review = needs_review
        insert_batch(con, batch, submitted_by)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        for prepared in batch.files:
            prepared.report.submission_id = None
        raise


def insert_batch(con: duckdb.DuckDBPyConnection, batch: Batch, submitted_by: str) -> None:
    """The statements of a group's transaction (the caller begins and commits it)."""
    first_id = con.execute(f"SELECT nextval('submission_seq') FROM range({len(batch.files)})").fetchall()[0][0]
    ids_by_digest = {}
    for offset, prepared in enumerate(batch.files):
        prepared.report.submission_id = first_id + offset
        if prepared.report.status == "accepted":
            ids_by_digest.setdefault(prepared.digest, prepared.report.submission_id)
    for prepared in batch.files:
        if prepared.duplicate_in_batch:
            prepared.duplicate_of = ids_by_digest.get(prepared.duplicate_in_batch)
    # DuckDB reads the data frames below by their variable names.
    value_rows = _values_frame(batch)
    report_rows = pd.DataFrame(
        [(p.report.submission_id, unit, period, p.submitted_at) for p in batch.files for unit, period in p.unit_periods],
        columns=["submission_id", "unit_key", "period", "submitted_at"]).astype({"submission_id": "int64"})
    con.execute("INSERT INTO reported_values SELECT * FROM value_rows")
    score_rows = [(p.report.submission_id, s.index_code, s.version, s.period, s.previous_period, s.unit_key,
                   s.group_code, s.score, s.as_of, s.sheet, s.cell) for p in batch.files for s in p.scores]
    if score_rows:
        con.executemany("INSERT INTO index_score_values VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", score_rows)
    con.execute("INSERT INTO unit_reports SELECT * FROM report_rows")
    con.execute("INSERT INTO pending_refresh SELECT unit_key, period FROM report_rows")
    _add_cleared_warnings(con, batch, value_rows)
    submission_rows = _submissions_frame(batch, submitted_by, batch.needs_review)
    issue_rows = pd.DataFrame(
        [(p.report.submission_id, i.severity, i.sheet, i.cell, i.code, i.message_vi, i.message_en)
         for p in batch.files for i in p.report.issues], columns=_ISSUE_COLUMNS)
    con.execute("INSERT INTO submissions SELECT * FROM submission_rows")
    if len(issue_rows):
        con.execute("INSERT INTO submission_issues SELECT * FROM issue_rows")
    if len(report_rows):
        con.execute(read_sql("etl/sql/supersede.sql"))
    # After supersede.sql: the current values follow the statuses it sets.
    refresh_in_transaction(con)


def _values_frame(batch: Batch) -> pd.DataFrame:
    """The group's values, built column by column (CheckedValue: the columns after the
    submission id, in order): half the time of a frame from rows at a national load's size."""
    ids: list[int] = []
    columns: list[list] = [[] for _ in _VALUE_COLUMNS[1:]]
    for p in batch.files:
        if p.values:
            ids += [p.report.submission_id] * len(p.values)
            for column, data in zip(columns, zip(*p.values)):
                column += data
    frame = {"submission_id": np.array(ids, dtype="int64")}
    for name, column in zip(_VALUE_COLUMNS[1:], columns):
        frame[name] = pd.array(column, dtype="Int64") if name == "value" else _objects(column)
    return pd.DataFrame(frame, copy=False)


def _objects(column: list) -> np.ndarray:
    array = np.empty(len(column), dtype=object)
    array[:] = column
    return array


def _submissions_frame(batch: Batch, submitted_by: str, needs_review: bool = False) -> pd.DataFrame:
    now = datetime.now()
    rows = []
    for p in batch.files:
        report = p.report
        errors = sum(i.severity == "error" for i in report.issues)
        periods = ",".join(sorted({period for _, period in p.unit_periods})) or None
        rows.append((report.submission_id, report.file, p.digest, p.layout, submitted_by, p.submitted_at or now, now,
                     report.status, None, p.duplicate_of, periods, report.units, report.values, errors,
                     len(report.issues) - errors, needs_review and report.status == "accepted"))
    return pd.DataFrame(rows, columns=_SUBMISSION_COLUMNS).astype(
        {"superseded_by": "Int64", "duplicate_of": "Int64", "submission_id": "int64"})


def _add_cleared_warnings(con: duckdb.DuckDBPyConnection, batch: Batch, values: pd.DataFrame) -> None:
    """A blank cell in a carried column clears the value loaded before it: say so, per file."""
    blank_cells = values[values["value"].isna()]  # read by cleared.sql by name
    if blank_cells.empty:
        return
    cleared = con.execute(read_sql("etl/sql/cleared.sql")).fetchall()
    by_id = {p.report.submission_id: p.report for p in batch.files}
    for submission_id, unit_name, period, metric, sheet, cell in cleared:
        by_id[submission_id].issues.append(Issue(
            "warning", "blank_clears", sheet, cell,
            f"Ô {cell} để trống: xóa giá trị đã nạp trước đó của {unit_name}, kỳ {period} ({metric}).",
            f"Cell {cell} is blank: it clears the earlier value of {unit_name}, {period} ({metric})."))
