"""Publishing the read snapshot (issue 11): what one publish costs against the warehouse's
size, and how many publishes a burst of uploads makes now that the writer coalesces them.

    .venv/bin/python -m benchmarks.run --only publish

Warehouses: the generated Gia Lai one (a province, 2019Q1–2026Q3) and the national one
(benchmarks.national, cached). Each publish is etl.warehouse.publish_snapshot (a checkpoint,
a copy, an atomic os.replace), timed three times. The burst: 100 filled templates enqueued
through ops.queue evenly over `BURST_SECONDS` while etl.writer runs on the province warehouse
with its default publish interval; counted: publishes, and the seconds from each file's commit
to the snapshot that holds it."""
from __future__ import annotations

import sqlite3
import statistics
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import openpyxl

from benchmarks.national import build_national_warehouse
from etl.catalog import load_catalog
from etl.template import DATA_SHEET, FIRST_DATA_ROW, VALUE_COL, write_template
from etl.warehouse import publish_snapshot
from ops.queue import UploadQueue
from etl.writer import PUBLISH_INTERVAL, Writer
from vocab.periods import parse_code

BURST_FILES = 100
BURST_SECONDS = 60.0
REPEATS = 3
# Old Gia Lai districts (GSO codes) and quarters before the reform: 5 × 20 = 100 distinct reports.
DISTRICTS = [("622", "Thành phố Pleiku"), ("623", "Thị xã An Khê"), ("633", "Huyện Chư Sê"),
             ("626", "Huyện Đăk Đoa"), ("634", "Huyện Đăk Pơ")]
QUARTERS = [f"{year}Q{q}" for year in range(2020, 2025) for q in (1, 2, 3, 4)]


def run() -> dict:
    """Gives seconds per publish and MB for both warehouses, and the burst's publishes and lags."""
    with tempfile.TemporaryDirectory(prefix="govkpi-bench-publish-") as work:
        work = Path(work)
        province = build_national_warehouse(work / "gia_lai.duckdb", province="Gia Lai")
        national = build_national_warehouse(work / "national.duckdb")
        figures = {"province": _publish_cost(province), "national": _publish_cost(national)}
        national.unlink()
        files = _workbooks(work / "burst")
        figures["burst"] = _burst(province, files)
    burst, cost = figures["burst"], figures["province"]["seconds_per_publish"]
    burst["per_upload_publishing_seconds"] = round(BURST_FILES * cost, 1)  # what one publish per upload would cost
    burst["national_per_upload_publishing_seconds"] = round(BURST_FILES * figures["national"]["seconds_per_publish"], 1)
    return figures


def print_figures(figures: dict) -> None:
    for name in ("province", "national"):
        row = figures[name]
        print(f"{name:9} {row['mb']:8.1f} MB  {row['seconds_per_publish']:6.2f} s/publish  "
              f"({row['mb_per_second']:.0f} MB/s)")
    burst = figures["burst"]
    print(f"burst: {burst['files']} uploads over {burst['seconds_enqueuing']} s → {burst['publishes']} publishes "
          f"(interval {burst['publish_interval']} s); commit → visible max {burst['max_commit_to_visible_s']} s, "
          f"median {burst['median_commit_to_visible_s']} s; all visible {burst['last_visible_after_s']} s after the "
          f"first upload; one publish per upload would spend {burst['per_upload_publishing_seconds']} s "
          f"(national: {burst['national_per_upload_publishing_seconds']} s)")


def markdown(figures: dict | None) -> list[str]:
    if not figures:
        return ["Not run (`.venv/bin/python -m benchmarks.run --only publish`)."]
    if "skipped" in figures or "failed" in figures:
        return [figures.get("skipped") or f"Failed: {figures['failed']}"]
    out = ["| warehouse | MB | seconds per publish | MB/s |", "|---|---:|---:|---:|"]
    for name in ("province", "national"):
        row = figures[name]
        out.append(f"| {name} | {row['mb']:.1f} | {row['seconds_per_publish']:.2f} | {row['mb_per_second']:.0f} |")
    burst = figures["burst"]
    out += ["", f"Burst: {burst['files']} uploads enqueued evenly over {burst['seconds_enqueuing']} s on the province "
            f"warehouse, one writer, publish interval {burst['publish_interval']} s: **{burst['publishes']} publishes** "
            f"(one per upload would be {burst['files']}, {burst['per_upload_publishing_seconds']} s of copying; "
            f"{burst['national_per_upload_publishing_seconds']} s at national size). Commit → visible: max "
            f"{burst['max_commit_to_visible_s']} s, median {burst['median_commit_to_visible_s']} s (aim ≤ 10 s). "
            f"Accepted: {burst['accepted']}/{burst['files']}."]
    return out


def _publish_cost(db: Path) -> dict:
    publish_snapshot(db)  # the first copy warms the page cache, as a running writer's would be
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        publish_snapshot(db)
        times.append(time.perf_counter() - started)
    mb = db.stat().st_size / 1e6
    seconds = statistics.median(times)
    return {"mb": round(mb, 1), "seconds_per_publish": round(seconds, 3), "mb_per_second": round(mb / seconds),
            "runs": [round(t, 3) for t in times]}


def _burst(db: Path, files: list[Path]) -> dict:
    queue = UploadQueue(db)
    writer = Writer(db)
    stop = threading.Event()
    thread = threading.Thread(target=writer.run, args=(stop,))
    thread.start()
    started = time.monotonic()
    try:
        jobs = []
        for index, path in enumerate(files):
            time.sleep(max(0.0, started + index * BURST_SECONDS / len(files) - time.monotonic()))
            jobs.append(queue.enqueue(path, "benchmark"))
        enqueuing = time.monotonic() - started
        results = [queue.wait(job, timeout=120, published=True) for job in jobs]
        visible = time.monotonic() - started
    finally:
        stop.set()
        thread.join(timeout=120)
    con = sqlite3.connect(queue.path)
    lags = [(datetime.fromisoformat(p) - datetime.fromisoformat(f)).total_seconds()
            for f, p in con.execute("SELECT finished_at, published_at FROM upload_jobs WHERE published_at IS NOT NULL")]
    con.close()
    return {"files": len(files), "seconds_enqueuing": round(enqueuing, 1), "publish_interval": PUBLISH_INTERVAL,
            "publishes": writer.publishes, "accepted": sum(r.status == "accepted" for r in results),
            "max_commit_to_visible_s": round(max(lags), 2), "median_commit_to_visible_s": round(statistics.median(lags), 2),
            "last_visible_after_s": round(visible, 1)}


def _workbooks(folder: Path) -> list[Path]:
    """100 district templates filled in as a clerk does (openpyxl, the 'Giá trị' column)."""
    folder.mkdir(parents=True)
    catalog = load_catalog()
    files = []
    for index in range(BURST_FILES):
        (code, name), period = DISTRICTS[index % len(DISTRICTS)], QUARTERS[index // len(DISTRICTS)]
        path = folder / f"{code}_{period}.xlsx"
        write_template(path, catalog, code, name, parse_code(period))
        book = openpyxl.load_workbook(path)
        sheet = book[DATA_SHEET]
        for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
            if sheet.cell(row, 2).value == "work_records_total":
                sheet.cell(row, VALUE_COL, 2000 + index)
            elif sheet.cell(row, 2).value == "work_records_online":
                sheet.cell(row, VALUE_COL, 1500 + index)
        book.save(path)
        files.append(path)
    return files
