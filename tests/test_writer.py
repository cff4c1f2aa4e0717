"""One writer, loading while serving: uploads wait in a queue beside the warehouse; the one
writer loads every queued file through the real loader, in groups, writes each file's result
back on its row, and publishes the read snapshot at most once per interval; `govkpi load`
goes through the queue while a writer runs; a reader process keeps answering while snapshots
are swapped under it."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime
from pathlib import Path

import duckdb

from etl.warehouse import publish_snapshot
from ops.queue import UploadQueue, safe_name, uploads_dir
from etl.writer import Writer, WriterBusy, writer_lock, writer_running
from warehouse.reader import snapshot_path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

GOVKPI = str(Path(sys.executable).with_name("govkpi"))
DISTRICTS = [PLEIKU, AN_KHE, CHU_SE, DAK_DOA, DAK_PO]
QUARTERS = [f"{year}Q{q}" for year in (2021, 2022, 2023, 2024) for q in (1, 2, 3, 4)]


def workbooks(folder: Path, count: int) -> list[Path]:
    """Distinct district reports, one per district and quarter, each with its own figures."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(count):
        unit, period = DISTRICTS[i % len(DISTRICTS)], QUARTERS[i // len(DISTRICTS)]
        made.append(filled_template(folder / f"{unit[0]}_{period}.xlsx", unit, period,
                                    {"work_records_total": 1000 + i, "work_records_online": 500 + i}))
    return made


def snapshot_value(db: Path, unit_code: str, period: str, metric: str = "work_records_total"):
    con = duckdb.connect(str(snapshot_path(db)), read_only=True)
    try:
        row = con.execute("SELECT value FROM metric_values WHERE unit_code = ? AND period = ? AND metric_code = ?",
                          [unit_code, period, metric]).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def test_a_snapshot_an_older_govkpi_published_is_published_again_when_the_writer_starts(db):
    """After an upgrade the pages read tables the old snapshot lacks (here the kept completeness):
    the writer that migrates the warehouse publishes at once, not at the next load."""
    publish_snapshot(db)
    con = duckdb.connect(str(snapshot_path(db)))
    con.execute("DROP TABLE reporting_completeness_kept")
    con.execute("UPDATE meta SET value = 'older-views' WHERE key = 'kept_progress_rules'")
    con.close()
    writer = Writer(db)
    writer.run(until_idle=True)
    assert writer.publishes == 1
    con = duckdb.connect(str(snapshot_path(db)), read_only=True)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'reporting_completeness_kept'").fetchone()[0] == 1
    assert con.execute("SELECT value FROM meta WHERE key = 'kept_progress_rules'").fetchone()[0] != "older-views"
    con.close()
    again = Writer(db)
    again.run(until_idle=True)
    assert again.publishes == 0  # a current snapshot is left as it is


def test_a_loaded_submission_waits_for_the_publish_before_the_snapshot_holds_it(db, tmp_path):
    """A reviewer's decision reads the snapshot: between the load and the publish the queue
    names the job the decision waits for (dashboard/reviews.py submission_units)."""
    from etl.warehouse import connect

    publish_snapshot(db)
    queue = UploadQueue(db)
    job = queue.enqueue(workbooks(tmp_path / "in", 1)[0], "Sở KH&CN")
    writer = Writer(db)
    con = connect(db)
    try:
        assert writer.step(con) == 1
        loaded = queue.result(job)
        assert loaded.status == "accepted" and not loaded.published
        assert queue.unpublished_job(loaded.submission_id) == job
        writer.publish(con)
    finally:
        con.close()
    assert queue.unpublished_job(loaded.submission_id) is None
    assert queue.result(job).published and snapshot_value(db, "622", "2021Q1") == 1000


def test_the_writer_loads_a_burst_in_one_group_and_publishes_it_once(db, tmp_path):
    publish_snapshot(db)
    queue = UploadQueue(db)
    jobs = [queue.enqueue(path, "Sở KH&CN", unit_hint=path.stem.split("_")[0])
            for path in workbooks(tmp_path / "in", 12)]
    writer = Writer(db, publish_interval=3)
    writer.run(until_idle=True)
    results = [queue.result(job) for job in jobs]
    assert [r.status for r in results] == ["accepted"] * 12
    assert all(r.submission_id and r.published and r.units == 1 for r in results)
    assert writer.publishes == 1
    con = duckdb.connect(str(db), read_only=True)
    loaded_at = con.execute("SELECT count(DISTINCT loaded_at), min(file_name), min(submitted_by) FROM submissions").fetchone()
    con.close()
    assert loaded_at == (1, "622_2021Q1.xlsx", "Sở KH&CN")  # one group commit, the sender's file name kept
    assert snapshot_value(db, "622", "2021Q1") == 1000 and snapshot_value(db, "623", "2021Q3") == 1011


def test_a_rejected_file_gets_its_problems_back_on_its_row_with_sheet_cell_and_vietnamese_message(db, tmp_path):
    queue = UploadQueue(db)
    bad = filled_template(tmp_path / "sai.xlsx", CHU_SE, "2021Q2", {"work_records_total": "nhiều lắm"})
    job = queue.enqueue(bad, "chuyên viên huyện")
    Writer(db).run(until_idle=True)
    result = queue.wait(job, timeout=1)
    assert result.status == "rejected" and result.submission_id
    problem = next(p for p in result.problems if p["code"] == "not_a_number")
    assert problem["severity"] == "error" and problem["sheet"] and problem["cell"] == template_cell(bad, "work_records_total")
    assert "không phải là số" in problem["message_vi"] and problem["message_en"]


def test_an_upload_is_stored_under_its_content_hash_and_a_path_in_its_name_cannot_escape(db, tmp_path):
    queue = UploadQueue(db)
    path = workbooks(tmp_path / "in", 1)[0]
    job = queue.enqueue(path, "x", file_name="../../../bao_cao.xlsx")
    stored = list(uploads_dir(db).glob("*.xlsx"))
    assert [p.name for p in stored] == [f"{hashlib_sha256(path)}.xlsx"]
    assert safe_name("..\\..\\bao_cao.xlsx", "ab" * 32) == "bao_cao.xlsx" and safe_name("..", "ab" * 32).endswith(".xlsx")
    Writer(db).run(until_idle=True)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT file_name FROM submissions").fetchall() == [("bao_cao.xlsx",)]
    con.close()
    assert queue.result(job).status == "accepted"


def test_a_steady_stream_publishes_at_most_once_per_interval_and_each_commit_shows_within_ten_seconds(db, tmp_path):
    publish_snapshot(db)
    files = workbooks(tmp_path / "in", 30)
    queue = UploadQueue(db)
    stop = threading.Event()
    writer = Writer(db, publish_interval=1.0)
    thread = threading.Thread(target=writer.run, args=(stop,))
    thread.start()
    started = time.monotonic()
    try:
        jobs = []
        for path in files:  # one upload every 0.1 s for 3 s
            jobs.append(queue.enqueue(path, "x"))
            time.sleep(0.1)
        results = [queue.wait(job, timeout=60, published=True) for job in jobs]
    finally:
        stop.set()
        thread.join(timeout=60)
    elapsed = time.monotonic() - started
    assert all(r.status == "accepted" and r.published for r in results)
    assert writer.publishes <= elapsed / 1.0 + 1
    lag = _commit_to_publish_seconds(queue)
    assert max(lag) < 10


def test_a_writer_killed_mid_load_leaves_its_files_queued_for_the_next(db, tmp_path):
    queue = UploadQueue(db)
    job = queue.enqueue(workbooks(tmp_path / "in", 1)[0], "x")
    assert [j.job_id for j in queue.take()] == [job]  # taken, then the writer died
    Writer(db).run(until_idle=True)
    assert queue.result(job).status == "accepted"


def test_one_writer_at_a_time(db):
    with writer_lock(db):
        assert writer_running(db)
        try:
            Writer(db).run(until_idle=True)
        except WriterBusy:
            pass
        else:
            raise AssertionError("a second writer started")
    assert not writer_running(db)


def test_govkpi_load_queues_its_files_while_a_writer_runs_and_prints_their_results(db, tmp_path):
    publish_snapshot(db)
    path = workbooks(tmp_path / "in", 1)[0]
    stop = threading.Event()
    thread = threading.Thread(target=Writer(db, publish_interval=0.5).run, args=(stop,))
    thread.start()
    try:
        time.sleep(0.5)
        assert writer_running(db)
        done = subprocess.run([GOVKPI, "load", str(path), "--json", "--db", str(db)], capture_output=True,
                              text=True, timeout=120)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert "xếp hàng" in done.stderr
    [report] = json.loads(done.stdout)
    assert (report["file"], report["status"], report["units"]) == (path.name, "accepted", 1)
    assert snapshot_value(db, "622", "2021Q1") == 1000  # published before the command returned


READER = textwrap.dedent("""
    import sys, time
    from warehouse.reader import Warehouse
    wh = Warehouse(sys.argv[1])
    answers = errors = 0
    versions = set()
    end = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < end:
        try:
            frame = wh.query("root")
            versions.add(wh.version())
            answers += len(frame) == 1
        except Exception as error:
            errors += 1
            print(type(error).__name__, error, file=sys.stderr)
    print(answers, errors, len(versions))
""")


def test_a_reader_process_keeps_answering_while_snapshots_are_swapped(db, tmp_path):
    publish_snapshot(db)
    files = workbooks(tmp_path / "in", 8)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(snapshot_path(db)), "8"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    queue = UploadQueue(db)
    writer = Writer(db, publish_interval=0)
    time.sleep(1)
    for path in files:  # eight loads, eight snapshots swapped in under the reader
        queue.enqueue(path, "x")
        writer.run(until_idle=True)
    out, err_text = reader.communicate(timeout=60)
    answers, errors, versions = map(int, out.split())
    assert errors == 0, err_text
    assert answers > 10 and versions >= 2
    assert writer.publishes == 8


def _commit_to_publish_seconds(queue: UploadQueue) -> list[float]:
    import sqlite3

    con = sqlite3.connect(queue.path)
    rows = con.execute("SELECT finished_at, published_at FROM upload_jobs").fetchall()
    con.close()
    return [(datetime.fromisoformat(p) - datetime.fromisoformat(f)).total_seconds() for f, p in rows]


def hashlib_sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_thread_sees_a_new_publish_while_another_thread_still_holds_the_old_snapshot(db, tmp_path):
    # A gunicorn worker has several threads, each with its own read connection; DuckDB shares one
    # database per path within a process, so a new connection must still open the new file.
    from warehouse.reader import Warehouse

    publish_snapshot(db)
    wh = Warehouse(snapshot_path(db))
    opened, done = threading.Event(), threading.Event()

    def hold_old_snapshot() -> None:  # a thread alive with its connection open on the old file
        wh.query("root")
        opened.set()
        done.wait(60)

    holder = threading.Thread(target=hold_old_snapshot)
    holder.start()
    try:
        opened.wait(60)
        queue = UploadQueue(db)
        queue.enqueue(workbooks(tmp_path / "in", 1)[0], "x")
        Writer(db).run(until_idle=True)
        count = wh.connection().execute("SELECT count(*) FROM metric_values WHERE unit_code = '622'").fetchone()[0]
    finally:
        done.set()
        holder.join()
    assert count == 2
