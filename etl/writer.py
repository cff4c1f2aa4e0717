"""The one writer: takes every queued workbook, loads them through etl.load.Loader in groups,
writes each file's result back on its queue row, and publishes the read snapshot at most once
per `publish_interval` seconds.

Only this process opens the warehouse for writing while it runs; it says so by holding an
exclusive lock (fcntl) on data/warehouse.writer.lock, which `govkpi load` checks: when a
writer runs, the CLI queues its files and waits for their results instead of opening the file."""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from etl.load import Loader
from etl.warehouse import connect, publish_snapshot, snapshot_outdated
from etl.review_sync import apply_ops, audit_loads
from ops.queue import QueuedFile, UploadQueue
from ops.store import ops_path

PUBLISH_INTERVAL = 3.0  # seconds: a burst publishes at most once per interval, data shows within 10 s
POLL_INTERVAL = 0.2
TAKE_LIMIT = 50  # files per step: bounds how long a commit waits for its publish
log = logging.getLogger(__name__)


class WriterBusy(RuntimeError):
    """Another process holds the warehouse's writer lock."""


def lock_path(db_path: str | Path) -> Path:
    """Gives the writer's lock file beside a warehouse: data/warehouse.writer.lock."""
    path = Path(db_path)
    return path.with_name(path.stem + ".writer.lock")


@contextmanager
def writer_lock(db_path: str | Path) -> Iterator[None]:
    """Holds the warehouse's writer lock for the block; raises WriterBusy when another holds it.
    The kernel drops the lock when its process dies, so a killed writer never blocks the next."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise WriterBusy(str(path)) from error
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the file releases the lock


def writer_running(db_path: str | Path) -> bool:
    """Tells whether a process holds the writer lock now."""
    try:
        with writer_lock(db_path):
            return False
    except WriterBusy:
        return True


class Writer:
    """Loads queued files and publishes; `publishes` counts the snapshots swapped in."""

    def __init__(self, db_path: str | Path, publish_interval: float = PUBLISH_INTERVAL,
                 poll_interval: float = POLL_INTERVAL, take_limit: int = TAKE_LIMIT,
                 after_publish: Callable[[], object] | None = None) -> None:
        self.db_path = Path(db_path)
        # Called after each publish: `govkpi serve`'s writer starts the opening quarter's exports
        # there (exports/prebuild.py); passed in, as exports sit above etl
        self.after_publish = after_publish
        self.queue = UploadQueue(db_path)
        self.ops_db = ops_path(db_path)
        self.publish_interval = publish_interval
        self.poll_interval = poll_interval
        self.take_limit = take_limit
        self.publishes = 0
        self.loaded = 0
        self._dirty = False
        self._last_publish = float("-inf")

    def run(self, stop: threading.Event | None = None, until_idle: bool = False, wait_for_lock: bool = False) -> None:
        """Holds the lock and serves the queue until `stop` is set (or, with `until_idle`, until
        the queue is empty and published). Raises WriterBusy when another process holds the
        lock, unless `wait_for_lock`: then it waits (a `govkpi load` finishing, a writer standing by)."""
        stop = stop or threading.Event()
        while True:
            try:
                with writer_lock(self.db_path):
                    return self._serve(stop, until_idle)
            except WriterBusy:
                if not wait_for_lock or stop.wait(1.0):
                    raise

    def _serve(self, stop: threading.Event, until_idle: bool) -> None:
        self.queue.requeue_interrupted()
        con = connect(self.db_path)  # migrates a warehouse left by an older govkpi
        self._dirty = self._dirty or snapshot_outdated(self.db_path)
        try:
            while not stop.is_set():
                taken = self.step(con)
                # Publish when due even while files keep coming, so a steady stream still shows
                # within publish_interval + one group's load + one copy of commit.
                if self._dirty and time.monotonic() - self._last_publish >= self.publish_interval:
                    self.publish(con)
                elif taken:
                    continue
                elif until_idle and not self._dirty:
                    return
                else:
                    stop.wait(self.poll_interval)
            if self._dirty:
                self.publish(con)
        finally:
            con.close()

    def step(self, con) -> int:
        """Applies new review decisions, locks and comments from the ops file (so a lock made a
        moment ago already refuses the next file), then loads every queued file (a Loader per
        sender and options, each in group commits); gives how many files."""
        if apply_ops(con, self.ops_db):
            self._dirty = True
        jobs = self.queue.take(self.take_limit)
        if not jobs:
            return 0
        groups: dict[tuple, list[QueuedFile]] = defaultdict(list)
        for job in jobs:
            groups[(job.submitted_by, job.province, job.period, job.submitted, job.allowed_units)].append(job)
        for (submitted_by, province, period, submitted, allowed_units), group in groups.items():
            self._load_group(con, group, submitted_by, province, period, submitted, allowed_units)
        self.loaded += len(jobs)
        self._dirty = True
        return len(jobs)

    def publish(self, con) -> None:
        """Swaps in a new read snapshot and marks the loaded jobs visible."""
        started = time.monotonic()
        publish_snapshot(self.db_path, con)
        self.queue.mark_published()
        self.publishes += 1
        self._dirty = False
        self._last_publish = time.monotonic()
        log.info("published %s in %.2f s", self.db_path, self._last_publish - started)
        if self.after_publish is not None:
            self.after_publish()

    def _load_group(self, con, jobs: list[QueuedFile], submitted_by: str, province: str | None,
                    period: str | None, submitted, allowed_units: tuple[str, ...] | None = None) -> None:
        # The loader names a file by its path: show the sender's name, not uploads/<sha256>.xlsx,
        # through hard links (or copies) named as sent, one folder per job.
        staging = Path(tempfile.mkdtemp(prefix=".loading-", dir=self.queue.uploads))
        try:
            paths = [_named_as_sent(job, staging) for job in jobs]
            try:
                loader = Loader(con, submitted_by=submitted_by, province=province)
                reports = loader.load_files(paths, period, submitted, allowed_units=allowed_units)
            except Exception as error:  # a bug or a broken file the loader did not expect: keep serving
                log.exception("loading queued files failed")
                for job in jobs:
                    self.queue.finish(job.job_id, "failed", None, _failure(job, error))
                return
            for job, report in zip(jobs, reports):
                self.queue.finish(job.job_id, report.status, report.submission_id, _result(report))
                if report.status == "forbidden":
                    self.queue.forget_refused_file(job.job_id)
            try:
                audit_loads(self.ops_db, con, reports, submitted_by, job_ids=[job.job_id for job in jobs])
            except Exception:  # the loads are committed: a failed audit write must not stop the writer
                log.exception("recording the loads in the audit trail failed")
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _named_as_sent(job: QueuedFile, staging: Path) -> Path:
    folder = staging / str(job.job_id)
    folder.mkdir()
    target = folder / job.file_name
    if not job.file_path.exists():
        return target  # the loader reports a missing file as rejected
    try:
        os.link(job.file_path, target)
    except OSError:
        shutil.copyfile(job.file_path, target)
    return target


def _result(report) -> dict:
    return {"file": report.file, "status": report.status, "units": report.units, "values": report.values,
            "submission_id": report.submission_id,
            "problems": [{"severity": i.severity, "sheet": i.sheet, "cell": i.cell, "code": i.code,
                          "message_vi": i.message("vi"), "message_en": i.message("en")} for i in report.issues]}


def _failure(job: QueuedFile, error: Exception) -> dict:
    said_vi = f"Lỗi hệ thống khi nạp tệp {job.file_name}; đã ghi nhật ký, hãy báo bộ phận CNTT."
    said_en = f"A system error stopped loading {job.file_name}; it was logged, tell the ICT department."
    return {"file": job.file_name, "status": "failed", "units": 0, "values": 0, "submission_id": None,
            "problems": [{"severity": "error", "sheet": None, "cell": None, "code": "internal",
                          "message_vi": said_vi, "message_en": said_en, "detail": f"{type(error).__name__}"}]}


def apply_ops_now(db_path: str | Path) -> bool:
    """Makes new decisions, locks and comments visible now: when no writer runs (a CLI-only
    province), applies them under the writer lock and publishes; when one runs, it applies them
    on its next step (within its poll interval) and this returns False."""
    try:
        with writer_lock(db_path):
            con = connect(db_path)
            try:
                changed = apply_ops(con, ops_path(db_path))
                if changed:
                    publish_snapshot(db_path, con)
            finally:
                con.close()
            return bool(changed)
    except WriterBusy:
        return False
