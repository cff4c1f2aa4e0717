"""Loader speed: 1,000 filled templates and one consolidated sheet of all 3,321 communes,
through etl.load.Loader, through a naive pandas + openpyxl script, and as a bare
python-calamine read (what parsing alone costs).

    .venv/bin/python -m benchmarks.bench_load            # prints the figures as JSON
    .venv/bin/python -m benchmarks.bench_load --profile  # and where the loader's time goes

Each loader run also times the loader's steps (hash, read, recognise, check, commit,
refresh); --profile adds a cProfile of 200 templates and of the sheet, and the time of each
SQL statement of the commit (cProfile cannot see inside DuckDB).

The workbooks are written once (write_template / write_consolidated with unit_values) and
kept in benchmarks/.cache/ under FIXTURE_VERSION; each run loads them into fresh copies
of cached empty warehouses (Gia Lai for the templates, the whole country for the sheet).
"""
from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import python_calamine

import etl.load
from benchmarks.cache_key import ROOT, sources_digest
from etl.catalog import load_catalog
from etl.consolidated_writer import write_consolidated
from etl.demo_values import unit_values
from etl.load import Loader
from vocab.periods import parse_code
from etl.template import write_template
from etl.warehouse import connect, init_warehouse

FIXTURE_VERSION = "load-2"
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
TEMPLATE_COUNT = 1000
# One old-era quarter (old Gia Lai + old Bình Định) and four of the merged province.
TEMPLATE_QUARTERS = ("2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2")
CONSOLIDATED_PERIOD = "2025Q3"


def run(profile: bool = False) -> dict:
    """Gives the load figures: seconds, files/s, values/s per path and the ratios."""
    fixtures = ensure_fixtures()
    templates = fixtures["templates"]
    consolidated = [fixtures["consolidated"]]
    results: dict = {"fixtures": {"templates": len(templates), "consolidated_rows": fixtures["consolidated_rows"],
                                  "generated_seconds": fixtures.get("generated_seconds")}}
    with tempfile.TemporaryDirectory(prefix="govkpi-bench-") as work:
        work = Path(work)
        gia_lai = _fresh_warehouse(work / "gia_lai_empty.duckdb", "Gia Lai")
        national = _fresh_warehouse(work / "national_empty.duckdb", "all")
        results["templates"] = {
            "loader": _run_loader(templates, gia_lai, work / "templates.duckdb"),
            "naive": _run_naive(templates, work / "naive_templates.duckdb"),
            "calamine": _run_calamine(templates),
        }
        results["consolidated"] = {
            "loader": _run_loader(consolidated, national, work / "national.duckdb"),
            "naive": _run_naive(consolidated, work / "naive_consolidated.duckdb"),
            "calamine": _run_calamine(consolidated),
        }
        for kind, figures in (("templates", results["templates"]), ("consolidated", results["consolidated"])):
            loader, naive, bare = figures["loader"], figures["naive"], figures["calamine"]
            figures["speedup_over_naive"] = round(naive["seconds"] / loader["seconds"], 1)
            figures["loader_over_bare_read"] = round(loader["seconds"] / bare["seconds"], 1)
        if profile:
            results["profile"] = {
                "templates": _profile(templates[:200], gia_lai, work / "profile_t.duckdb"),
                "consolidated": _profile(consolidated, national, work / "profile_c.duckdb"),
            }
            results["templates"]["loader"]["statements_ms_per_file"] = _statement_times(
                templates[:300], gia_lai, work / "statements.duckdb")
    return results


# --- fixtures ---------------------------------------------------------------------------

def ensure_fixtures() -> dict:
    """Writes the workbooks once (cached under FIXTURE_VERSION and a hash of the writers);
    gives their paths."""
    folder = CACHE_DIR / f"{FIXTURE_VERSION}-{_writers_digest()}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        data = json.loads(manifest.read_text())
        paths = [folder / "templates" / name for name in data["templates"]]
        if all(p.exists() for p in paths) and (folder / data["consolidated"]).exists():
            return {**data, "templates": paths, "consolidated": folder / data["consolidated"]}
    started = time.perf_counter()
    for stale in CACHE_DIR.glob(f"{FIXTURE_VERSION.split('-')[0]}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    folder.mkdir(parents=True)
    catalog = load_catalog()
    with tempfile.TemporaryDirectory(prefix="govkpi-bench-") as work:
        gia_lai, national = Path(work) / "gia_lai.duckdb", Path(work) / "national.duckdb"
        init_warehouse(gia_lai, "Gia Lai", catalog)
        init_warehouse(national, "all", catalog)
        jobs = [(folder / "templates", unit, code) for unit, code in _template_jobs(gia_lai)]
        with ProcessPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
            names = list(pool.map(_write_one_template, jobs, chunksize=25))
        rows = _write_national_sheet(national, folder / "tong_hop_xa_toan_quoc.xlsx")
    data = {"version": FIXTURE_VERSION, "templates": names, "consolidated": "tong_hop_xa_toan_quoc.xlsx",
            "consolidated_rows": rows, "generated_seconds": round(time.perf_counter() - started, 1)}
    manifest.write_text(json.dumps(data, indent=1))
    return ensure_fixtures()


def _writers_digest() -> str:
    """A short hash of what the workbooks depend on: the writers, the catalog, the units."""
    etl = ROOT / "etl"
    return sources_digest([Path(__file__), etl / "template.py", etl / "consolidated_writer.py", etl / "demo_values.py"],
                          ("data/catalog", "data/reference"))


def _fresh_warehouse(path: Path, province: str) -> Path:
    """An empty warehouse built now (a cached one would miss later schema or view changes)."""
    init_warehouse(path, province)
    return path


def _template_jobs(db_path: Path) -> list[tuple]:
    """Gives (unit, period code) pairs: every Gia Lai unit active in each quarter, in order,
    the first TEMPLATE_COUNT."""
    con = connect(db_path, read_only=True)
    try:
        jobs = []
        for code in TEMPLATE_QUARTERS:
            period = parse_code(code)
            units = con.execute(
                "SELECT unit_key, unit_code, unit_name, level FROM units WHERE NOT is_root "
                "AND valid_from <= ? AND valid_to >= ? ORDER BY level, unit_key", [period.end, period.start]).fetchall()
            jobs += [(unit, code) for unit in units]
    finally:
        con.close()
    if len(jobs) < TEMPLATE_COUNT:
        raise RuntimeError(f"only {len(jobs)} Gia Lai unit-quarters for {TEMPLATE_QUARTERS}")
    return jobs[:TEMPLATE_COUNT]


def _write_one_template(job: tuple) -> str:
    folder, unit, code = job
    period = parse_code(code)
    catalog = _catalog()
    metrics = catalog.metrics_valid_between(period.start, period.end)
    name = f"{code}_{unit[1]}.xlsx"
    write_template(folder / name, catalog, unit[1], unit[2], period,
                   unit_values(unit, period, metrics), period.end + timedelta(days=7))
    return name


_CATALOG = None


def _catalog():
    global _CATALOG
    if _CATALOG is None:
        _CATALOG = load_catalog()
    return _CATALOG


def _write_national_sheet(db_path: Path, path: Path) -> int:
    """Writes one consolidated table of every new commune of the country for 2025Q3."""
    period = parse_code(CONSOLIDATED_PERIOD)
    catalog = _catalog()
    metrics = catalog.metrics_valid_between(period.start, period.end)
    con = connect(db_path, read_only=True)
    try:
        units = con.execute(
            "SELECT unit_key, unit_code, unit_name, level FROM units WHERE level = 'commune' AND era = 'new' "
            "ORDER BY province_key, unit_code").fetchall()
    finally:
        con.close()
    rows = [(u[1], u[2], unit_values(u, period, metrics)) for u in units]
    write_consolidated(path, "cấp xã", period, metrics, rows, period.end + timedelta(days=10),
                       agency_header=("BỘ KHOA HỌC VÀ CÔNG NGHỆ", "CỤC CHUYỂN ĐỔI SỐ QUỐC GIA"), code_column=True)
    return len(rows)


# --- the three ways to read the files ---------------------------------------------------



def _run_loader(files: list[Path], empty_db: Path, db_path: Path) -> dict:
    """Loads the files through etl.load.Loader into a fresh copy of an empty warehouse,
    timing each stage (the hooks cost microseconds a file)."""
    shutil.copyfile(empty_db, db_path)
    con = connect(db_path)
    try:
        started = time.perf_counter()
        loader = Loader(con, submitted_by="benchmark")
        setup = time.perf_counter() - started
        stages: dict[str, float] = defaultdict(float)
        with _stage_timers(loader, stages):
            started, cpu_started = time.perf_counter(), time.process_time()
            reports = loader.load_files(files)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        statuses = [r.status for r in reports]
        values = sum(r.values for r in reports)
        rejected = [r.as_json("en") for r in reports if r.status != "accepted"][:3]
    finally:
        con.close()
    accounted = sum(stages.values())
    stages = {name: stages[name] for name in dict.fromkeys([*MODULE_STAGES.values(), *METHOD_STAGES.values()])
              if name in stages}
    stages["other"] = max(seconds - accounted, 0.0)
    return {
        "files": len(files), "seconds": round(seconds, 3), "files_per_s": round(len(files) / seconds, 2),
        "cpu_ms_per_file": round(1000 * cpu / len(files), 2),  # every thread of the process: reading and writing
        "values": values, "values_per_s": round(values / seconds), "setup_seconds": round(setup, 3),
        "accepted": statuses.count("accepted"), "not_accepted_examples": rejected,
        "stages_seconds": {k: round(v, 3) for k, v in stages.items()},
        "stages_ms_per_file": {k: round(1000 * v / len(files), 2) for k, v in stages.items()},
    }


# Stage name of each function etl.load calls and each Loader method that writes; whichever
# exist are timed (the loader's internals change; a missing one is simply not reported).
MODULE_STAGES = {"_content": "read file", "_sha256": "sha256", "read_workbook": "read", "recognise_workbook": "recognise",
                 "check_sheet": "check", "refresh_pending": "refresh"}
METHOD_STAGES = {"_commit": "commit", "_write": "commit", "_record": "record", "_wait_in_flight": "wait for writer"}


@contextmanager
def _stage_timers(loader: Loader, stages: dict[str, float]):
    """Wraps the loader's steps (module functions etl.load calls, and its write methods)."""
    def timed(name, function):
        def wrapper(*args, **kwargs):
            # _commit calls _record inside its transaction: count that time once, under commit.
            if kwargs.get("in_transaction"):
                return function(*args, **kwargs)
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                stages[name] += time.perf_counter() - started
        return wrapper

    originals = {name: getattr(etl.load, name) for name in MODULE_STAGES if hasattr(etl.load, name)}
    for name, function in originals.items():
        setattr(etl.load, name, timed(MODULE_STAGES[name], function))
    methods = [name for name in METHOD_STAGES if callable(getattr(loader, name, None))]
    for name in [*(MODULE_STAGES[n] for n in originals), *(METHOD_STAGES[n] for n in methods)]:
        stages[name] += 0.0  # a hooked stage is reported even when it took no time
    for name in methods:
        setattr(loader, name, timed(METHOD_STAGES[name], getattr(loader, name)))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(etl.load, name, function)
        for name in methods:
            delattr(loader, name)


def _run_naive(files: list[Path], db_path: Path) -> dict:
    """The script a clerk's colleague writes: pandas + openpyxl per file, look for the
    header, insert values row by row with executemany. No checks at all. Each file's rows go
    in one transaction (in autocommit, DuckDB's executemany is another ~5x slower: ~470
    rows/s against ~2,500 here, which would make the 76,000-value sheet take minutes)."""
    catalog = load_catalog()
    by_name = {m.name_vi: m.code for m in catalog.metrics.values()}
    started = time.perf_counter()
    con = duckdb.connect(str(db_path))
    con.execute("CREATE TABLE naive_values (file TEXT, unit_code TEXT, period TEXT, metric_code TEXT, value BIGINT)")
    values = 0
    for path in files:
        sheets = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
        rows = _naive_template_rows(sheets) if "_govkpi" in sheets else _naive_table_rows(sheets, by_name)
        con.execute("BEGIN")
        con.executemany("INSERT INTO naive_values VALUES (?, ?, ?, ?, ?)", [(path.name, *row) for row in rows])
        con.execute("COMMIT")
        values += len(rows)
    con.close()
    seconds = time.perf_counter() - started
    return {"files": len(files), "seconds": round(seconds, 3), "files_per_s": round(len(files) / seconds, 2),
            "values": values, "values_per_s": round(values / seconds)}


def _naive_template_rows(sheets: dict[str, pd.DataFrame]) -> list[tuple]:
    meta = dict(zip(sheets["_govkpi"][0], sheets["_govkpi"][1]))
    data = sheets["Báo cáo"]
    header = data.index[data.eq("Mã chỉ số").any(axis=1)][0]
    code_col = data.columns[data.loc[header].eq("Mã chỉ số")][0]
    value_col = data.columns[data.loc[header].eq("Giá trị")][0]
    rows = []
    for _, row in data.loc[header + 1:].iterrows():
        if isinstance(row[code_col], str) and pd.notna(row[value_col]):
            rows.append((str(meta["unit_code"]), meta["period"], row[code_col], int(row[value_col])))
    return rows


def _naive_table_rows(sheets: dict[str, pd.DataFrame], by_name: dict[str, str]) -> list[tuple]:
    data = next(iter(sheets.values()))
    period = {"QUÝ III/2025": "2025Q3"}  # a hand-written script knows its one period
    header = data.index[data.eq("Mã đơn vị").any(axis=1)][0]
    code_col = data.columns[data.loc[header].eq("Mã đơn vị")][0]
    metric_cols = {col: by_name[name] for col, name in data.loc[header + 1].items() if name in by_name}
    title = " ".join(str(v) for v in data[0].dropna())
    period_code = next(code for text, code in period.items() if text in title)
    rows = []
    for _, row in data.loc[header + 3:].iterrows():
        if pd.isna(row[code_col]):
            break
        for col, metric in metric_cols.items():
            if pd.notna(row[col]):
                rows.append((str(row[code_col]), period_code, metric, int(row[col])))
    return rows


def _run_calamine(files: list[Path]) -> dict:
    """Only parsing: every sheet of every file to Python lists."""
    started, cpu_started = time.perf_counter(), time.process_time()
    cells = 0
    for path in files:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            cells += sum(len(row) for row in book.get_sheet_by_name(name).to_python())
        book.close()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {"files": len(files), "seconds": round(seconds, 3), "files_per_s": round(len(files) / seconds, 2),
            "cpu_ms_per_file": round(1000 * cpu / len(files), 2), "cells": cells}


def _statement_times(files: list[Path], empty_db: Path, db_path: Path) -> dict[str, float]:
    """Gives the milliseconds per file each SQL statement of the loader takes (the loader's
    connection behind a timing proxy; cProfile cannot see into DuckDB's calls)."""
    shutil.copyfile(empty_db, db_path)
    con = connect(db_path)
    times: dict[str, float] = defaultdict(float)
    try:
        loader = Loader(con, submitted_by="benchmark")
        loader.con = _TimedConnection(con, times)
        loader.load_files(files)
    finally:
        con.close()
    ordered = sorted(times.items(), key=lambda kv: -kv[1])
    return {sql: round(1000 * seconds / len(files), 2) for sql, seconds in ordered if seconds * 1000 / len(files) >= 0.01}


class _TimedConnection:
    """A DuckDB connection that times each execute by the statement's first words. DuckDB
    finds data frames named in SQL among the caller's local variables, so those are
    registered explicitly for the call."""

    def __init__(self, con: duckdb.DuckDBPyConnection, times: dict[str, float]) -> None:
        self._con, self._times = con, times

    def execute(self, sql: str, *args, **kwargs):
        caller = sys._getframe(1).f_locals
        frames = [name for name, value in caller.items() if isinstance(value, pd.DataFrame) and name in sql]
        for name in frames:
            self._con.register(name, caller[name])
        started = time.perf_counter()
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            self._times[" ".join(sql.split())[:70]] += time.perf_counter() - started
            for name in frames:
                self._con.unregister(name)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def _profile(files: list[Path], empty_db: Path, db_path: Path, top: int = 18) -> dict:
    """Gives the loader's cProfile top functions (by own time and by cumulative time)."""
    shutil.copyfile(empty_db, db_path)
    con = connect(db_path)
    try:
        loader = Loader(con, submitted_by="benchmark")
        profiler = cProfile.Profile()
        profiler.enable()
        loader.load_files(files)
        profiler.disable()
    finally:
        con.close()
    out = {}
    for order in ("tottime", "cumulative"):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(order).print_stats(top)
        out[order] = stream.getvalue().split("\n   ncalls", 1)[-1].join(["   ncalls", ""]).rstrip()
    out["files"] = len(files)
    return out


if __name__ == "__main__":
    figures = run(profile="--profile" in sys.argv)
    profile = figures.pop("profile", None)
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    if profile:
        for kind, tables in profile.items():
            print(f"\n== cProfile, {kind} ({tables['files']} files), by own time ==\n{tables['tottime']}")
            print(f"\n== by cumulative time ==\n{tables['cumulative']}")
