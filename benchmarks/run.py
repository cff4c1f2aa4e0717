"""`make bench`: runs every benchmark, prints the figures, and keeps them in
benchmarks/results.json and benchmarks/RESULTS.md (committed, so a change shows in review).

    .venv/bin/python -m benchmarks.run [--skip-dashboard] [--skip-exports]
    .venv/bin/python -m benchmarks.run --markdown-only   # RESULTS.md again from results.json
    .venv/bin/python -m benchmarks.run --only national-names  # one case, into the kept figures
    .venv/bin/python -m benchmarks.run --only load            # the loader: templates, the commune sheet
    .venv/bin/python -m benchmarks.run --only publish         # snapshot publishing (issue 11)

Order: the loader (benchmarks.bench_load), national district tables by name
(benchmarks.bench_names), the dashboard (benchmarks.bench_dashboard.run()
on the national warehouse of benchmarks.national) and the exports
(benchmarks.bench_exports.run(db) on a generated Gia Lai warehouse, a province quarter).
A benchmark module that is missing, or fails, is reported and the others still run.
"""
from __future__ import annotations

import importlib
import inspect
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPORTS_PERIOD = "2025Q3"


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the dashboard bench's server logs each request
    results: dict = {"date": datetime.now().isoformat(timespec="seconds"), "machine": _machine(),
                     "command": ".venv/bin/python -m benchmarks.run  (make bench)"}
    from benchmarks import bench_load

    print("== loader: 1,000 templates and a 3,321-commune consolidated sheet ==", flush=True)
    results["load"] = _timed(lambda: bench_load.run(profile=True))
    _print_load(results["load"])
    print("\n== memory of loading (child processes) ==", flush=True)
    from benchmarks import bench_memory

    results["memory"] = _timed(bench_memory.run)
    _print_memory(results["memory"])
    if "--skip-names" not in argv:
        results["national_names"] = run_names()
    if "--skip-publish" not in argv:
        results["publish"] = run_publish()
    if "--skip-dashboard" not in argv:
        results["dashboard"] = run_dashboard()
    if "--skip-exports" not in argv:
        results["exports"] = run_exports()
    results["machine"]["load_average_end"] = _loadavg()
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    (HERE / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n")
    (HERE / "RESULTS.md").write_text(render_markdown(results))
    print(f"\nTotal {results['total_seconds']} s. Written: benchmarks/results.json, benchmarks/RESULTS.md")
    return 0


# --- running --------------------------------------------------------------------------------

def run_load() -> dict:
    """Runs the loader case (1,000 templates, the 3,321-commune sheet) and prints its figures."""
    from benchmarks import bench_load

    print("== loader: 1,000 templates and a 3,321-commune consolidated sheet ==", flush=True)
    section = _timed(lambda: bench_load.run(profile=True))
    _print_load(section)
    return section


def run_names() -> dict:
    """Runs the national by-name case (1,512 district tables) and prints its figures."""
    print("\n== loader: 1,512 district tables by name, every old province 2019–2024, national warehouse ==", flush=True)
    section = _optional("benchmarks.bench_names", lambda module: module.run())
    _print_section("benchmarks.bench_names", section)
    return section


def run_dashboard() -> dict:
    """Runs the dashboard case (page misses and hits on the national warehouse) and prints its figures."""
    print("\n== dashboard (national warehouse) ==", flush=True)
    section = _optional("benchmarks.bench_dashboard", _run_dashboard)
    _print_section("benchmarks.bench_dashboard", section)
    return section


def run_exports() -> dict:
    """Runs the exports case (a province quarter, cold and kept, CLI and dashboard) and prints it."""
    print("\n== exports (generated Gia Lai warehouse, one province quarter) ==", flush=True)
    section = _optional("benchmarks.bench_exports", _run_exports)
    _print_section("benchmarks.bench_exports", section)
    return section


def run_publish() -> dict:
    """Runs the publishing case (a province and the national warehouse, a burst of 100 uploads)."""
    print("\n== publishing the read snapshot: province and national warehouses, a burst of 100 uploads ==", flush=True)
    section = _optional("benchmarks.bench_publish", lambda module: module.run())
    _print_section("benchmarks.bench_publish", section)
    return section


def only(case: str) -> int:
    """Runs one case and writes it into the kept results.json and RESULTS.md (the rest kept)."""
    runners = {"load": ("load", run_load), "national-names": ("national_names", run_names), "dashboard": ("dashboard", run_dashboard),
               "exports": ("exports", run_exports), "publish": ("publish", run_publish)}
    if case not in runners:
        print(f"unknown case {case!r}; known: {', '.join(runners)}")
        return 2
    key, runner = runners[case]
    results = json.loads((HERE / "results.json").read_text())
    results[key] = runner()
    results[key]["date"] = datetime.now().isoformat(timespec="seconds")
    results[key]["command"] = f".venv/bin/python -m benchmarks.run --only {case}"
    results[key]["load_average_end"] = _loadavg()
    (HERE / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n")
    (HERE / "RESULTS.md").write_text(render_markdown(results))
    print("Written: benchmarks/results.json, benchmarks/RESULTS.md")
    return 0


def _timed(function) -> dict:
    started = time.perf_counter()
    result = function()
    result["bench_seconds"] = round(time.perf_counter() - started, 1)
    return result


def _optional(module_name: str, runner) -> dict:
    """Runs another engineer's benchmark when its module and its run() exist."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        note = f"skipped: {module_name} does not exist yet"
        print(note)
        return {"skipped": note}
    if not callable(getattr(module, "run", None)):
        note = f"skipped: {module_name} has no run()"
        print(note)
        return {"skipped": note}
    try:
        return _timed(lambda: runner(module))
    except Exception as error:  # one broken benchmark must not lose the others' figures
        traceback.print_exc()
        return {"failed": f"{type(error).__name__}: {error}"}


def _run_dashboard(module) -> dict:
    from benchmarks.national import build_national_warehouse

    started = time.perf_counter()
    db = build_national_warehouse()
    built = round(time.perf_counter() - started, 1)
    takes_db = any(p.default is inspect.Parameter.empty or p.name in ("db", "db_path")
                   for p in inspect.signature(module.run).parameters.values())
    result = module.run(str(db)) if takes_db else module.run()
    return {"national_warehouse": db.name, "national_warehouse_seconds": built, **result}


def _run_exports(module) -> dict:
    from benchmarks.national import build_national_warehouse

    with tempfile.TemporaryDirectory(prefix="govkpi-bench-exports-") as work:
        db = build_national_warehouse(Path(work) / "gia_lai.duckdb", province="Gia Lai")
        # A fresh process, as `govkpi export` is: in this one the dashboard benchmark's browser
        # and server threads are still about and slow Chromium's start for the chart pictures.
        code = (f"import json; from {module.__name__} import run; "
                f"print(json.dumps(run({str(db)!r}, {EXPORTS_PERIOD!r})))")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=HERE.parent)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {"warehouse": "benchmarks.national, province='Gia Lai', 2019Q1–2026Q3", "period": EXPORTS_PERIOD,
            **figures}


def _machine() -> dict:
    return {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "packages": {name: _version(name) for name in ("duckdb", "python-calamine", "openpyxl", "pandas", "dash")},
            "load_average_start": _loadavg()}


def _version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# --- printing -------------------------------------------------------------------------------

def _load_rows(load: dict) -> list[tuple]:
    rows = []
    for kind, label in (("templates", "1,000 templates"), ("consolidated", "1 sheet, 3,321 communes")):
        for path, name in (("loader", "etl.load.Loader"), ("naive", "naive pandas+openpyxl+executemany"),
                           ("calamine", "bare python-calamine read")):
            figures = load[kind][path]
            rows.append((label, name, figures["seconds"], figures["files_per_s"], figures.get("values_per_s", "")))
    return rows


def _print_memory(memory: dict) -> None:
    for kind in ("templates", "consolidated"):
        for path in ("loader", "naive"):
            figures = memory[kind][path]
            print(f"{kind:14} {path:8} peak {figures['peak_mb']:7.1f} MB, added by the load {figures['added_mb']:7.1f} MB")


def _memory_markdown(memory: dict | None) -> list[str]:
    if not memory:
        return []
    out = ["", "## Memory of loading", "",
           "Each path runs in a fresh child process; the resident set is sampled every 2 ms during the "
           "load (`benchmarks/bench_memory.py`). 'Added' is the peak over the resident set just before "
           "the load, after the libraries were imported.", "",
           "| input | path | peak MB | added by the load MB |", "|---|---|---:|---:|"]
    for kind in ("templates", "consolidated"):
        for path in ("loader", "naive"):
            figures = memory[kind][path]
            out.append(f"| {kind} | {path} | {figures['peak_mb']} | {figures['added_mb']} |")
    return out


def _print_load(load: dict) -> None:
    print(f"{'input':26} {'path':36} {'seconds':>9} {'files/s':>9} {'values/s':>9}")
    for label, name, seconds, fps, vps in _load_rows(load):
        print(f"{label:26} {name:36} {seconds:9.2f} {fps:9.2f} {vps!s:>9}")
    for kind in ("templates", "consolidated"):
        figures = load[kind]
        print(f"{kind}: loader {figures['speedup_over_naive']}x faster than naive (aim >= 10x); "
              f"loader / bare read = {figures['loader_over_bare_read']}x")
        print(f"  loader stages (ms per file): {figures['loader']['stages_ms_per_file']}")


def _print_section(module_name: str | None, section: dict) -> None:
    """Prints with the benchmark's own printer when it has one, else as short JSON."""
    if "skipped" in section or "failed" in section:
        print(section.get("skipped") or f"failed: {section['failed']}")
        return
    printer = getattr(sys.modules.get(module_name or ""), "print_figures", None)
    if printer:
        printer(section)
        return
    print(json.dumps(section, indent=1, ensure_ascii=False, default=str)[:3000])


def render_markdown(results: dict) -> str:
    """Gives RESULTS.md: the figures of the last run, readable in review."""
    machine, load = results["machine"], results["load"]
    out = [
        "# Benchmark results", "",
        f"Last run: {results['date']} · `{results['command']}` · {results['total_seconds']} s in all.", "",
        f"Machine: {machine['nproc']} cores (nproc), Python {machine['python']}, {machine['platform']}; "
        + ", ".join(f"{k} {v}" for k, v in machine["packages"].items() if v) + ". "
        f"Load average at start {machine['load_average_start']}, at end {machine.get('load_average_end')} "
        "(other work on the machine slows every figure; compare ratios rather than seconds).", "",
        "## Loading workbooks (issue 2)", "",
        "Fixtures (written once, cached in `benchmarks/.cache/`): 1,000 filled templates "
        "(`write_template` + `unit_values`) for real Gia Lai units in 2025Q2 (old Gia Lai and Bình Định) "
        "and 2025Q3–2026Q2 (the merged province); one consolidated sheet (`write_consolidated`, "
        "code column) of all 3,321 communes of the country for 2025Q3, loaded into a whole-country "
        "warehouse (`init_warehouse(db, 'all')`).", "",
        "| input | path | seconds | files/s | values/s |", "|---|---|---:|---:|---:|",
    ]
    for label, name, seconds, fps, vps in _load_rows(load):
        out.append(f"| {label} | {name} | {seconds:.2f} | {fps:.2f} | {vps} |")
    out += ["", "| input | loader vs naive (aim ≥ 10×) | loader time / bare calamine read |", "|---|---:|---:|"]
    for kind in ("templates", "consolidated"):
        out.append(f"| {kind} | {load[kind]['speedup_over_naive']}× | {load[kind]['loader_over_bare_read']}× |")
    out += ["", "Where the loader's time goes (ms per file; `commit` = writing submissions, values, unit "
            "reports, cleared cells, supersession and the derived tables of the units and periods touched, "
            "one transaction per group of files; `other` = the rest of the loop):", "",
            "| input | " + " | ".join(load["templates"]["loader"]["stages_ms_per_file"]) + " |",
            "|---|" + "---:|" * len(load["templates"]["loader"]["stages_ms_per_file"])]
    for kind in ("templates", "consolidated"):
        stages = load[kind]["loader"]["stages_ms_per_file"]
        out.append(f"| {kind} | " + " | ".join(f"{stages.get(k, 0):.2f}" for k in load["templates"]["loader"]["stages_ms_per_file"]) + " |")
    statements = load["templates"]["loader"].get("statements_ms_per_file")
    if statements:
        out += ["", "The loader's SQL statements on templates (ms per file, 300 files; a timing proxy on the "
                "loader's connection, since cProfile cannot see inside DuckDB):", "", "| ms/file | statement |", "|---:|---|"]
        out += [f"| {ms:.2f} | `{sql}` |" for sql, ms in statements.items()]
    out += ["", "Naive path: `pd.read_excel(engine='openpyxl', sheet_name=None)` per file, find the header, "
            "`executemany` row by row, one transaction per file, no checks. Bare read: "
            "`CalamineWorkbook.from_path` + `to_python()` of every sheet."]
    profile = load.get("profile")
    if profile:
        for kind, tables in profile.items():
            out += ["", f"<details><summary>cProfile of the loader, {kind} ({tables['files']} files), "
                    "by own time (DuckDB's work shows as the own time of the Python function that called it)"
                    "</summary>", "", "```", tables["tottime"], "```", "</details>"]
    out += _memory_markdown(results.get("memory"))
    out += ["", "## National district tables by name (issue 8)", ""] + _names_markdown(results.get("national_names"))
    out += ["", "## Publishing the read snapshot (issue 11)", ""] + _publish_markdown(results.get("publish"))
    out += ["", "## Dashboard (issue 3)", ""] + _dashboard_markdown(results.get("dashboard"))
    out += ["", "## Exports (issues 4 and 8)", ""] + _exports_markdown(results.get("exports"))
    return "\n".join(out) + "\n"


def _names_markdown(section: dict | None) -> list[str]:
    from benchmarks import bench_names

    if section and "command" in section:  # run alone: say when and how
        note = [f"Run alone: `{section['command']}` at {section['date']}, load average at end "
                f"{section.get('load_average_end')}.", ""]
    else:
        note = []
    return note + bench_names.markdown(section)


def _publish_markdown(section: dict | None) -> list[str]:
    from benchmarks import bench_publish

    note = ([f"Run alone: `{section['command']}` at {section['date']}, load average at end "
             f"{section.get('load_average_end')}.", ""] if section and "command" in section else [])
    return note + bench_publish.markdown(section)


def _dashboard_markdown(section: dict | None) -> list[str]:
    if not section:
        return ["Not run (`--skip-dashboard`)."]
    if "skipped" in section or "failed" in section:
        return [section.get("skipped") or f"Failed: {section['failed']}"]
    from benchmarks import bench_dashboard

    note = [f"Run alone: `{section['command']}` at {section['date']}, load average at end "
            f"{section.get('load_average_end')}.", ""] if "command" in section else []
    out = note + [f"Warehouse: {section.get('warehouse', section.get('national_warehouse'))} "
           f"(generated in {section.get('national_warehouse_seconds')} s, or taken from the cache). "
           "Targets: each callback p95 ≤ 150 ms, each figure ≤ 300 kB, first page interactive ≤ 2 s.", ""]
    if section.get("pages"):
        out += bench_dashboard.markdown(section) + [""]
    callbacks = section.get("callbacks") or {}
    if callbacks:
        out += ["| callback | p95 ms | cold max ms | n |", "|---|---:|---:|---:|"]
        for name, row in callbacks.items():
            flag = " ⚠" if row.get("p95_ms", 0) > 150 else ""
            out.append(f"| {name} | {row.get('p95_ms', 0):.1f}{flag} | {row.get('cold_max_ms', 0):.1f} | {row.get('n')} |")
    figures = section.get("figures") or {}
    if figures:
        largest = max(figures.items(), key=lambda kv: kv[1])
        out += ["", f"Figures: {len(figures)}, largest {largest[1] / 1000:.1f} kB ({largest[0]}); "
                f"over 300 kB: {len(section.get('figures_over_target') or {})}."]
    out.append(f"First page interactive (headless Chromium): {section.get('first_page_interactive_s')} s.")
    extra = {k: v for k, v in section.items() if k not in {"callbacks", "figures", "figures_over_target", "pages",
                                                          "command", "date", "load_average_end",
                                                          "first_page_interactive_s", "warehouse",
                                                          "national_warehouse", "national_warehouse_seconds"}}
    if extra:
        out.append(f"Other: `{json.dumps(extra, ensure_ascii=False, default=str)}`")
    return out


def _exports_markdown(section: dict | None) -> list[str]:
    from benchmarks import bench_exports

    if section and "command" in section:  # run alone: say when and how
        note = [f"Run alone: `{section['command']}` at {section['date']}, load average at end "
                f"{section.get('load_average_end')}.", ""]
    else:
        note = []
    if section and "seconds" in section and "cli_cold" not in section:  # an older run's figures
        return note + [f"| {name} | {seconds:.2f} |" for name, seconds in section["seconds"].items()]
    return note + bench_exports.markdown(section)


if __name__ == "__main__":
    if sys.argv[1:] == ["--markdown-only"]:  # re-render RESULTS.md from results.json
        (HERE / "RESULTS.md").write_text(render_markdown(json.loads((HERE / "results.json").read_text())))
        sys.exit(0)
    if sys.argv[1:2] == ["--only"] and len(sys.argv) == 3:
        sys.exit(only(sys.argv[2]))
    sys.exit(main(sys.argv[1:]))
