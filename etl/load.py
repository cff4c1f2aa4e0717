"""Loading files into the warehouse: each file whole or not at all.

A rejected file changes no data but is recorded with its issues; identical content is a
duplicate; a later file for the same unit and period supersedes the earlier one cell by cell
(the earlier stays, marked superseded, so every value's history can be read)."""
from __future__ import annotations

import gc
import getpass
import hashlib
import os
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb

from etl.catalog import Catalog, load_catalog
from etl.checks import CheckedValue, MatcherCache, check_sheet
from etl.batch_write import BATCH_FILES, BATCH_VALUES, Batch, FileReport, PreparedFile, write_batch
from etl.index_checks import check_score_sheet
from etl.index_catalog import indices_with_settings
from etl.indices import Index
from etl.layouts import recognise_workbook
from etl.layouts.index_scores import ScoreSheet
from etl.read import read_workbook
from ops.intake import MAX_FILE_BYTES
from vocab.periods import today as current_day
from etl.records import Issue
from etl.units import UnitError, province_scope
from warehouse.sqlfiles import read_sql


def review_required(con: duckdb.DuckDBPyConnection) -> bool:
    """The warehouse's own review setting ('required' | 'off', settings table; an older warehouse
    without it: off, so its figures keep counting as before)."""
    row = con.execute("SELECT value FROM settings WHERE key = 'review'").fetchone()
    return bool(row) and row[0] == "required"

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}


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
    """Loads files into one open warehouse; keeps the catalog and unit matchers between files.

    Files are read and checked one by one, then written in groups (group commit): a group is
    one transaction, so each file is still whole or absent, with its derived rows, even after a
    kill, while the cost of a transaction is shared by many small files. `batch_files` = 1 gives a transaction per file.

    A load of several groups writes each group on one background thread while the next group
    is read and checked (DuckDB releases the GIL while it executes): groups commit one at a
    time and in order, and a group that fails to write stops the load before any later one."""

    def __init__(self, con: duckdb.DuckDBPyConnection, catalog: Catalog | None = None,
                 submitted_by: str | None = None, batch_files: int | None = None,
                 province: str | None = None, today: date | None = None,
                 indices: dict[str, Index] | None = None) -> None:
        """`province` (as `govkpi load --province` takes it) is where units are looked for when a
        table's header names no province; raises UnitError when it names none. `today` judges
        report dates and data cut-offs."""
        self.con = con
        self.today = today or current_day()
        self.province = province_scope(province) if province else None
        if province and self.province is None:
            raise UnitError(f"Không có tỉnh/thành phố nào tên hoặc mã «{province}» (no province named {province!r}).")
        self.catalog = catalog or load_catalog()
        # The province's own figures (govkpi index-settings) are checked like the decisions' own.
        self.indices = indices_with_settings(con) if indices is None else indices
        self.matchers = MatcherCache(con)
        self.submitted_by = submitted_by or _user()
        self.batch_files = batch_files or int(os.environ.get("GOVKPI_LOAD_BATCH", BATCH_FILES))
        # The writer thread owns the connection while a group is in flight; the reading side
        # takes this lock for its own (rare) queries.
        self._con_lock = threading.Lock()
        self._in_flight: tuple[Batch, Future] | None = None
        # Read once per Loader: the writer copies new locks and the setting from the ops file
        # (etl/review_sync.py) before it makes the Loader of each group.
        self.needs_review = review_required(con)
        self.locked = {r[0]: r[1:] for r in con.execute(read_sql("etl/sql/locked_periods.sql")).fetchall()}
        self._loaded_hashes = dict(con.execute(
            "SELECT file_sha256, min(submission_id) FROM submissions WHERE status IN ('accepted', 'superseded') "
            "GROUP BY file_sha256").fetchall())

    def load_files(self, files: list[Path], period: str | None = None, submitted: date | None = None,
                   on_file: Callable[[FileReport], None] | None = None,
                   allowed_units: Iterable[str] | None = None) -> list[FileReport]:
        """Loads the files (each whole or not at all, with its derived rows in the same transaction).
        With `allowed_units` (a reporter's unit_keys), a file holding any other unit is 'forbidden':
        refused whole and recorded nowhere in the warehouse."""
        allowed = frozenset(allowed_units) if allowed_units is not None else None
        reports: list[FileReport] = []
        batch = Batch()
        groups = _Groups(len(files), self.batch_files)
        with ExitStack() as writer, _fewer_collections():
            pool = None
            try:
                for number, path in enumerate(files, 1):
                    prepared = self._prepare(path, period, submitted, batch)
                    if allowed is not None and prepared.report.status == "accepted":
                        prepared = self._refuse_other_units(prepared, allowed)
                    reports.append(prepared.report)
                    if on_file:
                        on_file(prepared.report)
                    groups.seen(prepared)
                    if prepared.report.status == "forbidden":
                        continue
                    batch.add(prepared)
                    if groups.full(batch, number):
                        pool = pool or self._start_writer(writer)  # a load of one group needs none
                        self._hand_over(batch, pool)
                        batch = Batch()
                self._wait_in_flight()
                self._write(batch)
            finally:
                # Never leave a group half-way on another thread: wait for it (its error, if
                # the load is failing already, is the second one and stays in its future).
                in_flight, self._in_flight = self._in_flight, None
                if in_flight:
                    in_flight[1].exception()
        return reports

    def _start_writer(self, stack: ExitStack) -> ThreadPoolExecutor:
        """The writer thread, for a load of more than one group."""
        self.matchers.index  # built before the writer thread owns the connection
        stack.enter_context(_writer_beside_reader(self.con))
        return stack.enter_context(ThreadPoolExecutor(max_workers=1, thread_name_prefix="govkpi-writer"))

    def _hand_over(self, batch: Batch, pool: ThreadPoolExecutor) -> None:
        """Writes the group on the writer thread once the group before it has committed."""
        self._wait_in_flight()
        self._in_flight = (batch, pool.submit(self._write, batch))

    def _wait_in_flight(self) -> None:
        """Waits for the group being written; its error stops the load here, so no later
        group is written."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight:
            in_flight[1].result()

    def _write(self, batch: Batch) -> None:
        with self._con_lock:
            write_batch(self.con, batch, self.submitted_by, self.needs_review)
        for prepared in batch.files:
            if prepared.report.status == "accepted":
                self._loaded_hashes.setdefault(prepared.digest, prepared.report.submission_id)

    def load_file(self, path: Path, period: str | None = None, submitted: date | None = None) -> FileReport:
        """Loads one file, with its derived rows, in one transaction."""
        return self.load_files([path], period, submitted)[0]

    def _refuse_other_units(self, prepared: PreparedFile, allowed: frozenset[str]) -> PreparedFile:
        """Names each unit of the file the sender may not report for, at its first cell."""
        others = sorted({unit for unit, _ in prepared.unit_periods} - allowed)
        if not others:
            return prepared
        first_cell = {}
        for value in prepared.values:
            first_cell.setdefault(value.unit_key, (value.sheet, value.cell))
        with self._con_lock:
            names = dict(self.con.execute("SELECT unit_key, unit_name || ' (mã ' || unit_code || ')' FROM units "
                                          "WHERE list_contains($keys, unit_key)", {"keys": others}).fetchall())
        issues = []
        for unit in others:
            sheet, cell = first_cell.get(unit, (None, None))
            name = names.get(unit, unit)
            issues.append(Issue("error", "unit_not_allowed", sheet, cell,
                                f"Tài khoản {self.submitted_by} không được nộp số liệu của {name}; "
                                "chỉ nộp cho đơn vị được giao. Tệp không được nạp.",
                                f"Account {self.submitted_by} may not report for {name}; "
                                "it reports only for its own units. Nothing was loaded."))
        return PreparedFile(FileReport(prepared.report.file, "forbidden", issues=issues), prepared.digest)

    def _prepare(self, path: Path, period: str | None, submitted: date | None, batch: "Batch") -> PreparedFile:
        """Reads and checks a file without writing: what the batch will write for it."""
        name = path.name
        if not path.exists():
            return PreparedFile(FileReport(name, "rejected", issues=[Issue("error", "missing", None, None,
                                f"Không tìm thấy tệp {path}.", f"File not found: {path}.")]), "")
        content = _content(path)
        digest = _sha256(path, content)
        if self._in_flight and digest in self._in_flight[0].accepted_hashes:
            self._wait_in_flight()  # its twin is being written: say so as of a loaded file, as without overlap
        if digest in self._loaded_hashes or digest in batch.accepted_hashes:
            earlier = self._loaded_hashes.get(digest)
            if earlier:
                said_vi = f"Tệp trùng nội dung với lần nộp số {earlier} đã nạp trước đó; không nạp lại."
                said_en = f"Identical to submission {earlier}, loaded earlier; nothing loaded."
            else:
                twin = batch.accepted_hashes[digest]
                said_vi = f"Tệp trùng nội dung với tệp {twin} vừa nạp trong lần này; không nạp lại."
                said_en = f"Identical to {twin}, loaded just before in this run; nothing loaded."
            issue = Issue("warning", "duplicate", None, None, said_vi, said_en)
            return PreparedFile(FileReport(name, "duplicate", issues=[issue]), digest, duplicate_of=earlier,
                                duplicate_in_batch=None if earlier else digest)
        if submitted and submitted > self.today:
            return PreparedFile(FileReport(name, "rejected", issues=[Issue(
                "error", "submitted_future", None, None,
                f"Ngày nộp --submitted {submitted:%d/%m/%Y} ở sau ngày hôm nay ({self.today:%d/%m/%Y}).",
                f"The --submitted date {submitted:%d/%m/%Y} is after today ({self.today:%d/%m/%Y}).")]), digest)
        checked = self._check(path, period, content)
        if isinstance(checked, FileReport):
            return PreparedFile(checked, digest)
        values, unit_periods, issues, layout, report_date = checked
        refused = self._refuse_locked(name, values, unit_periods)
        if refused is not None:
            return PreparedFile(refused, digest)
        scores = values if layout == "index_scores" else []
        values = [] if scores else values
        report = FileReport(name, "accepted", units=len(unit_periods),
                            values=len(scores) or len(values) - [v.value for v in values].count(None), issues=issues)
        return PreparedFile(report, digest, layout=layout, values=values, unit_periods=sorted(unit_periods),
                            submitted_at=_submitted_at(report_date, submitted), scores=scores)

    def _refuse_locked(self, name: str, values, unit_periods) -> FileReport | None:
        """A file with any unit-period of a locked period is refused whole: one error per locked
        period, at its first cell, saying when it was locked and who can unlock it."""
        hit = sorted({period for _, period in unit_periods if period in self.locked})
        if not hit:
            return None
        first_cell = {}
        for value in values:
            first_cell.setdefault(value.period, (value.sheet, value.cell))
        issues = []
        for period in hit:
            locked_period, label_vi, label_en, locked_on, contacts = self.locked[period]
            sheet, cell = first_cell.get(period, (None, None))
            who_vi = f"quản trị viên ({contacts})" if contacts else "quản trị viên"
            who_en = f"an admin ({contacts})" if contacts else "an admin"
            issues.append(Issue("error", "period_locked", sheet, cell,
                                f"Kỳ {label_vi} đã chốt số liệu ngày {locked_on:%d/%m/%Y}; liên hệ {who_vi} để mở khóa. "
                                "Tệp không được nạp.",
                                f"{label_en} was locked on {locked_on:%d/%m/%Y}; ask {who_en} to unlock it. "
                                "Nothing was loaded."))
        return FileReport(name, "rejected", issues=issues, refused_unit_periods=sorted(unit_periods))

    def _check(self, path: Path, period: str | None, content: bytes | None = None):
        """Reads, recognises and checks a file: its values, or a rejected report."""
        book = read_workbook(path, content)
        if isinstance(book, Issue):
            return FileReport(path.name, "rejected", issues=[book])
        recognised = recognise_workbook(book, self.catalog, self.indices)
        if isinstance(recognised, Issue):
            return FileReport(path.name, "rejected", issues=[recognised])
        if isinstance(recognised[0], ScoreSheet):
            return self._check_scores(path, recognised, period)
        grids = {sheet.name: sheet for sheet in book.sheets}
        values: dict[tuple[str, str, str], CheckedValue] = {}
        single: list[CheckedValue] | None = None
        unit_periods: set[tuple[str, str]] = set()
        issues: list[Issue] = []
        report_date = None
        for sheet in recognised:
            result = check_sheet(sheet, grids[sheet.sheet], self.catalog, self.matchers, period, self.province,
                                 self.today)
            issues += result.issues
            report_date = report_date or sheet.report_date
            if len(recognised) == 1 and sheet.layout == "consolidated":
                # one table: check_sheet keeps one row per unit and the table one column per
                # metric, so no two values share a key (no dict of hundreds of keys per file)
                single = result.values
                unit_periods |= result.unit_periods
                continue
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
        return single if single is not None else list(values.values()), unit_periods, issues, recognised[0].layout, report_date


    def _check_scores(self, path: Path, sheets: list[ScoreSheet], period: str | None):
        """Checks the sheets of published index scores: their scores, or a rejected report."""
        scores, unit_periods, issues = [], set(), []
        report_date = None
        for sheet in sheets:
            checked = check_score_sheet(sheet, self.indices, self.matchers, period, self.province, self.today)
            scores += checked.scores
            unit_periods |= checked.unit_periods
            issues += checked.issues
            report_date = report_date or (sheet.report_date if isinstance(sheet.report_date, date) else None)
        if not unit_periods and not any(i.severity == "error" for i in issues):
            issues.append(Issue("error", "no_rows", sheets[0].sheet, None,
                                "Không có dòng điểm nào của đơn vị để nạp.", "No unit rows with scores to load."))
        if any(i.severity == "error" for i in issues):
            return FileReport(path.name, "rejected", issues=issues)
        return scores, unit_periods, issues, "index_scores", report_date


class _Groups:
    """Where a load's groups end. A group holds at most `batch_files` files and BATCH_VALUES
    values; the last group is written after the reading, with nothing to overlap. A load of
    several full groups (a national load of district tables) makes its first group a quarter
    of the size, so the writer starts early instead of idling through a whole group's
    reading, and splits off its last quarter-group, so little is left to write once the
    reading ends. Sizes follow the values per file read so far."""

    def __init__(self, files: int, batch_files: int) -> None:
        self.files, self.batch_files = files, batch_files
        self.values = 0
        self.handed = 0
        self.tail_split = False

    def seen(self, prepared: PreparedFile) -> None:
        self.values += len(prepared.values)

    def full(self, batch: Batch, number: int) -> bool:
        """Whether the group ends after file `number` (1-based); never after the last file."""
        if number >= self.files:
            return False
        if len(batch.files) >= self.batch_files or batch.value_count >= BATCH_VALUES:
            return self._handed()
        per_file = self.values / number
        if per_file * self.files <= 2 * BATCH_VALUES:  # one or two groups: as they come
            return False
        quarter = BATCH_VALUES // 4
        if not self.handed and batch.value_count >= quarter:
            return self._handed()
        if not self.tail_split and per_file * (self.files - number) <= quarter and batch.value_count >= quarter // 2:
            self.tail_split = True
            return self._handed()
        return False

    def _handed(self) -> bool:
        self.handed += 1
        return True


# A group holds ~100,000 checked values, named tuples the garbage collector tracks (CPython
# untracks plain tuples of atoms, not named ones): at Python's default of a collection per
# 700 new objects, a national load spent ~0.5 ms a file (a fifth of its reading) in full
# collections walking them again and again; a load makes almost no reference cycles.
_LOAD_GC_THRESHOLD = 10_000


@contextmanager
def _fewer_collections():
    """During a load: the garbage collector runs after 10,000 new objects instead of 700."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], _LOAD_GC_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@contextmanager
def _writer_beside_reader(con: duckdb.DuckDBPyConnection):
    """While groups are written beside the reading: DuckDB leaves the reading thread a core,
    and the GIL changes hands every 0.5 ms instead of 5, so that the writer's short Python
    steps between its statements do not queue behind the reading (measured: the overlap
    gains nothing on two cores without both)."""
    interval = sys.getswitchinterval()
    threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
    con.execute(f"SET threads = {max(1, min(threads, (os.cpu_count() or 2) - 1))}")
    sys.setswitchinterval(min(interval, 0.0005))
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        con.execute(f"SET threads = {threads}")


def _content(path: Path) -> bytes | None:
    """The file's bytes, read once for its hash, the zip scan and the parser; None for a file
    too large to load (it is hashed from disk, and read_workbook refuses it by its size)."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return None
    return path.read_bytes()


def _sha256(path: Path, content: bytes | None = None) -> str:
    if content is not None:
        return hashlib.sha256(content).hexdigest()
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _submitted_at(report_date: date | None, submitted: date | None) -> datetime:
    """The date the workbook states, else --submitted, else now."""
    chosen = report_date or submitted
    return datetime.combine(chosen, datetime.min.time()) if chosen else datetime.now()


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
