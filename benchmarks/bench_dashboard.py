"""Times the dashboard: each page's server time (through the Flask test client, as the browser
calls it) on cache MISSES apart from HITS, each figure's JSON size (target ≤ 300 kB) and the
first page's time to interactive in headless Chromium.

A miss is what the committee waits for: a filter combination seen for the first time. Per page,
≥ 30 varied combinations (periods of both eras, half-years and years, levels, units of both
eras, indicators, plans, lang) are each requested (a) for the first time in a fresh process
(one child process per page, so no other page warmed its cache) and (b) right after a new load
(the warehouse file's version changes before each request, so every cache key is new and the
read connection reopens, as after the loader replaces the file). Hits are the same
combinations requested again. Each page's pass runs in REPEATS fresh processes in turn, and
the figures are over their samples pooled. Aim: miss p95 ≤ 150 ms per page.

    .venv/bin/python -m benchmarks.bench_dashboard [DB]

Without DB it uses the national warehouse (benchmarks.national), else the demo.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

FIGURE_TARGET_BYTES = 300_000
PAGES = ["/", "/chi-tieu", "/don-vi", "/dich-vu-cong", "/bao-cao", "/danh-muc"]
MISS_AIM_MS = 150
COMBINATIONS = 30
# Each page's pass runs in this many fresh processes, one after another, and their samples are
# pooled: one pass's p95 of 30 swung by ±50 ms between runs on a shared machine.
REPEATS = 3
# Periods of both eras (the reform is 1 July 2025): quarters, half-years and years.
PERIODS = ["2019Q1", "2019H2", "2020", "2020Q4", "2021H1", "2021Q3", "2022Q2", "2022Q3", "2022",
           "2023H2", "2023Q1", "2024Q4", "2024", "2025Q1", "2025Q2", "2025Q3", "2025H2", "2025",
           "2026Q1", "2026H1", "2026Q2", "2026Q3", "2024H1", "2021", "2023Q4"]
LEVELS = ["province", "district", "commune"]


def run(db_path: str | None = None) -> dict:
    """Gives {'warehouse', 'pages': {path: {miss_fresh_process, miss_after_load: {p50_ms, p95_ms,
    max_ms, n}, hit: {p95_ms, n}, aim_ms, aim_met}}, 'callbacks': {shell callbacks}, 'figures',
    'figures_over_target', 'first_page_interactive_s'}."""
    db_path, source = _warehouse(db_path)
    from dashboard.app import create_app

    app = create_app(db_path)
    client = app.server.test_client()
    client.get("/")  # the first request sets up the pages router
    router = _router_key(app)
    result: dict[str, Any] = {"warehouse": source, "callbacks": {}, "figures": {}}
    result["pages"] = _page_misses_and_hits(db_path, result["figures"])
    _attach_before(result["pages"])
    result["callbacks"].update(_shell_callbacks(app, client))
    result["figures_over_target"] = {k: v for k, v in result["figures"].items() if v > FIGURE_TARGET_BYTES}
    result["first_page_interactive_s"] = _first_page_interactive(app)
    return result


def _attach_before(pages: dict) -> None:
    """Puts beside each page the figures of an earlier run of this bench (the results.json that
    $GOVKPI_BENCH_DASHBOARD_BEFORE names, labelled by $GOVKPI_BENCH_DASHBOARD_BEFORE_LABEL), so
    RESULTS.md shows a change's before and after per page."""
    path = os.environ.get("GOVKPI_BENCH_DASHBOARD_BEFORE")
    if not path or not Path(path).exists():
        return
    kept = json.loads(Path(path).read_text())
    section = kept.get("dashboard") or {}
    label = os.environ.get("GOVKPI_BENCH_DASHBOARD_BEFORE_LABEL") or section.get("date") or "earlier run"
    for name, row in (section.get("pages") or {}).items():
        if name in pages and "miss_fresh_process" in row:
            pages[name]["before"] = {key: row[key] for key in ("miss_fresh_process", "miss_after_load", "hit", "aim_met")}
            pages[name]["before"].update(label=label, load_average_end=section.get("load_average_end"))


def print_figures(result: dict) -> None:
    print(f"warehouse: {result['warehouse']}")
    print(f"page server time (ms), {COMBINATIONS} filter combinations per page; aim: miss p95 <= {MISS_AIM_MS} ms")
    print(f"  {'page':24} {'fresh-process miss p50/p95/max':>32} {'after-load miss p50/p95/max':>30} {'hit p95':>8}  aim")
    for name, row in (result.get("pages") or {}).items():
        fresh, load, hit = row["miss_fresh_process"], row["miss_after_load"], row["hit"]
        print(f"  {name:24} {fresh['p50_ms']:10.1f} {fresh['p95_ms']:9.1f} {fresh['max_ms']:9.1f}   "
              f"{load['p50_ms']:9.1f} {load['p95_ms']:9.1f} {load['max_ms']:9.1f}   {hit['p95_ms']:7.1f}  "
              f"{'met' if row['aim_met'] else 'NOT met'}")
        if row.get("urls_showing_an_error"):
            print(f"    {len(row['urls_showing_an_error'])} combinations show an error, e.g. {row['urls_showing_an_error'][0]}")
    print("callback server time (ms):")
    for name, row in result["callbacks"].items():
        print(f"  {name:32} p95 {row['p95_ms']:8.1f}   n={row['n']}")
    sizes = sorted(result["figures"].items(), key=lambda kv: -kv[1])
    print(f"figure JSON size: {len(sizes)} figures, largest:")
    for name, size in sizes[:8]:
        print(f"  {name:70} {size / 1000:8.1f} kB")
    print(f"figures over {FIGURE_TARGET_BYTES // 1000} kB: {len(result['figures_over_target'])}")
    print(f"first page interactive (headless Chromium): {result['first_page_interactive_s']}")


def markdown(section: dict) -> list[str]:
    """Gives RESULTS.md's lines for the pages: misses apart from hits, each against the aim."""
    out = [f"Per page, {COMBINATIONS} filter combinations (periods of both eras incl. half-years and years, "
           "levels, units of both eras, indicators, plans, lang), each timed as a cache miss (a) the first "
           "time in a fresh process (one child process per page) and (b) right after a new load (the "
           "warehouse version changes before each request: every cache key is new), then again as a hit. "
           f"Each page's pass runs in {REPEATS} fresh processes in turn and the figures are over their samples "
           f"pooled ({REPEATS} × {COMBINATIONS} per column). "
           f"Aim: miss p95 ≤ {MISS_AIM_MS} ms per page.", "",
           "| page | miss, fresh process p50 / p95 / max ms | miss, after a load p50 / p95 / max ms "
           f"| hit p95 ms | aim (miss p95 ≤ {MISS_AIM_MS} ms) |", "|---|---:|---:|---:|---|"]
    for name, row in (section.get("pages") or {}).items():
        before = row.get("before")
        if before:
            fresh, load = before["miss_fresh_process"], before["miss_after_load"]
            out.append(f"| {name}, before ({before['label']}) | {fresh['p50_ms']:.0f} / {fresh['p95_ms']:.0f} / "
                       f"{fresh['max_ms']:.0f} | {load['p50_ms']:.0f} / {load['p95_ms']:.0f} / {load['max_ms']:.0f} "
                       f"| {before['hit']['p95_ms']:.1f} | {'met' if before['aim_met'] else 'not met ⚠'} |")
        fresh, load = row["miss_fresh_process"], row["miss_after_load"]
        out.append(f"| {name}{', after' if before else ''} | {fresh['p50_ms']:.0f} / {fresh['p95_ms']:.0f} / {fresh['max_ms']:.0f} "
                   f"| {load['p50_ms']:.0f} / {load['p95_ms']:.0f} / {load['max_ms']:.0f} "
                   f"| {row['hit']['p95_ms']:.1f} | {'met' if row['aim_met'] else 'not met ⚠'} |")
    per_run = [f"{name.removeprefix('page ')} " + ", ".join(f"{fresh:.0f}/{load:.0f}" for fresh, load in row["runs_p95_ms"])
               for name, row in (section.get("pages") or {}).items() if row.get("runs_p95_ms")]
    if per_run:
        out.append("\nEach process's own p95, fresh / after a load (ms): " + "; ".join(per_run) + ".")
    labels = {row["before"]["label"]: row["before"].get("load_average_end") for row in (section.get("pages") or {}).values()
              if row.get("before")}
    for label, load_average in labels.items():
        out.append(f"\nBefore: the same bench at {label}, on this machine (load average at its end "
                   f"{load_average}); compare the ratios, the machine is shared.")
    for name, row in (section.get("pages") or {}).items():
        if row.get("urls_showing_an_error"):
            out.append(f"\n⚠ {name}: {len(row['urls_showing_an_error'])} of {COMBINATIONS} combinations show the "
                       f"page's error sentence (a page bug, timed all the same), e.g. "
                       f"`{row['urls_showing_an_error'][0]}`.")
    return out


def combinations(db_path: str) -> dict[str, list[str]]:
    """Gives, per page path, COMBINATIONS distinct URLs (path + query string) varying the period
    (both eras), level, unit (a parent on the units page; the unit itself on the unit page),
    indicator, plan and language; units are of the period's era."""
    import duckdb

    from vocab.periods import parse_code

    con = duckdb.connect(db_path, read_only=True)
    try:
        indicators = [r[0] for r in con.execute("SELECT indicator_code FROM catalog_indicators").fetchall()]
        plans = [r[0] for r in con.execute("SELECT DISTINCT plan_code FROM plan_targets ORDER BY 1").fetchall()]
        # A spread of units per era and level (every 97th by key: deterministic, many provinces).
        sample = con.execute("""
            SELECT era, level, list(unit_key ORDER BY unit_key) FILTER (WHERE rn % 97 = 1)
            FROM (SELECT era, level, unit_key, row_number() OVER (PARTITION BY era, level ORDER BY unit_key) AS rn
                  FROM unit_directory WHERE NOT is_root)
            GROUP BY era, level""").fetchall()
    finally:
        con.close()
    units = {(era, level): keys for era, level, keys in sample if keys}
    plan_choices = [None, *plans]
    out: dict[str, list[str]] = {}
    for path in PAGES + ["/don-vi/{unit}"]:
        urls = []
        for i in range(COMBINATIONS):
            period = PERIODS[i % len(PERIODS)]
            era = parse_code(period).era()
            era = era if era in ("old", "new") else "new"  # a year across the reform: the new units
            levels = [lv for lv in LEVELS if units.get((era, lv))]
            level = levels[(i + i // len(PERIODS)) % len(levels)]
            query = {"period": period, "level": level, "indicator": indicators[(i * 7) % len(indicators)]}
            plan = plan_choices[(i // 2) % len(plan_choices)]
            if plan:
                query["plan"] = plan
            if i % 4 == 3:
                query["lang"] = "en"
            upper = {"commune": "district" if era == "old" else "province", "district": "province"}.get(level)
            if path == "/don-vi" and upper and units.get((era, upper)):
                parents = units[(era, upper)]
                query["unit"] = parents[(i * 5) % len(parents)]
            where = path
            if "{unit}" in path:
                own = units[(era, level)]
                where = path.format(unit=own[(i * 3) % len(own)])
            urls.append(where + "?" + "&".join(f"{k}={v}" for k, v in query.items()))
        out[path] = urls
    return out


def _page_misses_and_hits(db_path: str, figures: dict) -> dict:
    """Runs each page's combinations in a child process of its own (a fresh process: nothing of
    another page in its caches) on a private copy of the warehouse, whose version the child
    changes for the after-load misses; gives the figures per page."""
    pages = {}
    with tempfile.TemporaryDirectory(prefix="govkpi-bench-dash-") as work:
        copy = Path(work) / "warehouse.duckdb"
        shutil.copyfile(db_path, copy)
        for path, urls in combinations(str(copy)).items():
            runs = [_page_child(path, str(copy), urls) for _ in range(REPEATS)]
            figures.update(runs[0]["figures"])
            pooled = {way: [x for run in runs for x in run["samples_s"][way]] for way in ("fresh", "after_load", "hit")}
            worker = {"miss_fresh_process": _summary(pooled["fresh"]), "miss_after_load": _summary(pooled["after_load"]),
                      "hit": {"p95_ms": round(_p95(pooled["hit"]) * 1000, 1), "n": len(pooled["hit"])},
                      "runs_p95_ms": [[run["miss_fresh_process"]["p95_ms"], run["miss_after_load"]["p95_ms"]]
                                      for run in runs],
                      "urls_showing_an_error": sorted({url for run in runs for url in run["urls_showing_an_error"]})}
            name = path.replace("{unit}", "<unit>")
            miss_p95 = max(worker["miss_fresh_process"]["p95_ms"], worker["miss_after_load"]["p95_ms"])
            pages[f"page {name}"] = {**worker, "aim_ms": MISS_AIM_MS, "aim_met": miss_p95 <= MISS_AIM_MS}
    return pages


def _page_child(path: str, db_path: str, urls: list[str]) -> dict:
    """One fresh process's pass over a page's combinations (page_worker)."""
    code = ("import json, sys; from benchmarks.bench_dashboard import page_worker; "
            "print('" + _MARK + "' + json.dumps(page_worker(sys.argv[1], json.loads(sys.argv[2]))))")
    done = subprocess.run([sys.executable, "-c", code, db_path, json.dumps(urls)], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"{path}: {done.stderr[-2000:]}")
    # a library's print without a newline may share the result's line: read after the mark
    marked = done.stdout.rpartition(_MARK)[2]
    if not marked:
        raise RuntimeError(f"{path}: no result in the child's output: {done.stdout[-500:]!r}")
    return json.loads(marked.splitlines()[0])


_MARK = "GOVKPI-BENCH-RESULT "


def page_worker(db_path: str, urls: list[str]) -> dict:
    """In a fresh process: each URL once (a miss: first seen), again (a hit), then each once right
    after a new version of the warehouse file (a miss: every cache key new, the connection
    reopened); gives the three timings' summaries and the figure sizes of the first pass."""
    import logging

    from dashboard.app import create_app, ready_to_serve

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app(db_path)
    ready_to_serve(app)  # as `govkpi serve` and each gunicorn worker do once the app is made
    client = app.server.test_client()
    client.get("/")  # serves the HTML shell; sets up the pages router (no page layout, no query)
    router = _router_key(app)
    figures: dict[str, int] = {}
    fresh = [_timed_page(client, router, url, figures) for url in urls]
    hits = [_timed_page(client, router, url) for url in urls]
    after_load = []
    for url in urls:
        _new_version(db_path)
        after_load.append(_timed_page(client, router, url))
    return {"miss_fresh_process": _summary(fresh), "miss_after_load": _summary(after_load),
            "hit": {"p95_ms": round(_p95(hits) * 1000, 1), "n": len(hits)}, "figures": figures,
            "samples_s": {"fresh": fresh, "after_load": after_load, "hit": hits},
            "urls_showing_an_error": sorted(set(_ERRORS))}


def _timed_page(client, router: str, url: str, figures: dict | None = None) -> float:
    from vocab.i18n import t

    path, _, search = url.partition("?")
    started = time.perf_counter()
    response = client.post("/_dash-update-component", json=_router_payload(router, path, "?" + search))
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    body = response.get_json()
    text = json.dumps(body, ensure_ascii=False)
    if any(t(key, lang) in text for key in ("page_error", "no_warehouse") for lang in ("vi", "en")):
        _ERRORS.append(url)  # timed all the same; reported beside the figures, never hidden
    if figures is not None:
        _figure_sizes(body, url, figures)
    return elapsed


_ERRORS: list[str] = []


def _new_version(db_path: str) -> None:
    """Gives the warehouse file a new version (mtime), as a load replacing it does."""
    stat = os.stat(db_path)
    os.utime(db_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _summary(seconds: list[float]) -> dict:
    ms = [x * 1000 for x in seconds]
    return {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(_p95(ms), 1), "max_ms": round(max(ms), 1),
            "n": len(ms)}


def _warehouse(db_path: str | None) -> tuple[str, str]:
    if db_path:
        from benchmarks.cache_key import repo_relative

        return db_path, repo_relative(db_path)
    try:
        from benchmarks.national import build_national_warehouse

        return str(build_national_warehouse()), "national (benchmarks.national)"
    except ImportError:
        from etl.demo import build_demo_warehouse

        folder = Path(tempfile.gettempdir()) / "govkpi-bench-demo"
        folder.mkdir(exist_ok=True)
        return str(build_demo_warehouse(folder / "demo.duckdb", folder / "files")), "demo (no national generator)"


def _router_key(app) -> str:
    for key in app.callback_map:
        if "_pages_content" in key:
            return key
    raise RuntimeError("pages router not registered")


def _router_payload(key: str, path: str, search: str) -> dict:
    inputs = [{"id": "_pages_location", "property": "pathname", "value": path},
              {"id": "_pages_location", "property": "search", "value": search}]
    return {"output": key,
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": inputs, "changedPropIds": ["_pages_location.pathname"], "state": []}


def _shell_callbacks(app, client) -> dict:
    """Times the thin shell callbacks (navigation, filters → URL, click → unit page)."""
    from dashboard import ids

    cases = {
        "shell navigation": (f"..{ids.NAV}.children...{ids.LANG_LINK}.href...{ids.LANG_LINK}.children..."
                             f"{ids.APP_TITLE}.children...{ids.OPEN_BANNER}.children..",
                             [{"id": ids.URL, "property": "pathname", "value": "/don-vi"},
                              {"id": ids.URL, "property": "search", "value": "?lang=en&period=2024Q4"}], []),
    }
    out = {}
    for name, (output, inputs, state) in cases.items():
        outputs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in output.strip(".").split("...")]
        times = []
        for _ in range(50):
            started = time.perf_counter()
            response = client.post("/_dash-update-component", json={
                "output": output, "outputs": outputs, "inputs": inputs, "changedPropIds": [], "state": state})
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.data[:300]
        out[name] = {"p95_ms": _p95(times) * 1000, "n": len(times)}
    # filters → URL and click → unit page hold no I/O: time their pure parts
    from dashboard.app import clicked_unit, unit_href, with_filters

    times = []
    for _ in range(1000):
        started = time.perf_counter()
        with_filters("?lang=en&period=2024Q4", {"period": "2020Q4", "level": "commune", "unit": None})
        unit_href(clicked_unit({"points": [{"customdata": ["old:542", "x"]}]}) or "", "?lang=en&period=2024Q4")
        times.append(time.perf_counter() - started)
    out["filters/click (pure parts)"] = {"p95_ms": _p95(times) * 1000, "n": len(times)}
    return out


def _figure_sizes(node: Any, where: str, sizes: dict) -> None:
    if isinstance(node, dict):
        props = node.get("props") if node.get("type") == "Graph" else None
        if props and "figure" in props:
            ident = props.get("id")
            name = ident.get("index") if isinstance(ident, dict) else str(ident)
            sizes[f"{where} {name}"] = len(json.dumps(props["figure"], separators=(",", ":")))
        for value in node.values():
            _figure_sizes(value, where, sizes)
    elif isinstance(node, list):
        for value in node:
            _figure_sizes(value, where, sizes)


def _first_page_interactive(app) -> float | str:
    """Seconds from navigation start until the overview's cards are on screen, headless Chromium."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        return "skipped: no chromium/chromedriver"
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    options = Options()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--window-size=1600,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options)
    try:
        times = []
        for _ in range(3):
            driver.get(f"http://127.0.0.1:{server.server_port}/")
            WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".card, .note"))
            times.append(driver.execute_script("return (performance.now()) / 1000;"))
        return round(statistics.median(times), 2)
    finally:
        driver.quit()
        server.shutdown()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] if ordered else 0.0


if __name__ == "__main__":
    print_figures(run(sys.argv[1] if len(sys.argv) > 1 else None))
