"""Times the dashboard: each callback's server time (p95, through the Flask test client, as the
browser calls them), each figure's JSON size (target ≤ 300 kB) and the first page's
time to interactive in headless Chromium.

    .venv/bin/python -m benchmarks.bench_dashboard [DB]

Without DB it uses the national warehouse (benchmarks.national), else the demo.
"""
from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

FIGURE_TARGET_BYTES = 300_000
PAGES = ["/", "/chi-tieu", "/don-vi", "/dich-vu-cong", "/bao-cao", "/danh-muc"]
VARIANTS = ["", "?lang=en", "?period=2020Q4&level=district", "?period=2020Q4&level=commune",
            "?period=2025&plan=QD749", "?period=2024Q4&level=commune&indicator=dossiers_online_rate"]
REPEATS = 5


def run(db_path: str | None = None) -> dict:
    """Gives {'warehouse', 'callbacks': {name: {p95_ms, cold_ms, n}}, 'figures': {...},
    'figures_over_target', 'first_page_interactive_s'}."""
    db_path, source = _warehouse(db_path)
    from dashboard.app import create_app

    app = create_app(db_path)
    client = app.server.test_client()
    client.get("/")  # the first request sets up the pages router
    router = _router_key(app)
    result: dict[str, Any] = {"warehouse": source, "callbacks": {}, "figures": {}}
    unit_key = _some_unit(app)
    paths = PAGES + [f"/don-vi/{unit_key}"]
    for path in paths:
        times, cold = [], None
        for repeat in range(REPEATS + 1):
            for variant in VARIANTS:
                started = time.perf_counter()
                response = client.post("/_dash-update-component", json=_router_payload(router, path, variant))
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise RuntimeError(f"{path}{variant}: HTTP {response.status_code}")
                if repeat == 0:
                    cold = max(cold or 0, elapsed)
                    _figure_sizes(response.get_json(), f"{path}{variant}", result["figures"])
                else:
                    times.append(elapsed)
        result["callbacks"][f"page {path}"] = {"p95_ms": _p95(times) * 1000, "cold_max_ms": (cold or 0) * 1000,
                                               "n": len(times)}
    result["callbacks"].update(_shell_callbacks(app, client))
    result["figures_over_target"] = {k: v for k, v in result["figures"].items() if v > FIGURE_TARGET_BYTES}
    result["first_page_interactive_s"] = _first_page_interactive(app)
    return result


def print_figures(result: dict) -> None:
    print(f"warehouse: {result['warehouse']}")
    print("callback server time (ms):")
    for name, row in result["callbacks"].items():
        print(f"  {name:32} p95 {row['p95_ms']:8.1f}   cold max {row.get('cold_max_ms', 0):8.1f}   n={row['n']}")
    sizes = sorted(result["figures"].items(), key=lambda kv: -kv[1])
    print(f"figure JSON size: {len(sizes)} figures, largest:")
    for name, size in sizes[:8]:
        print(f"  {name:70} {size / 1000:8.1f} kB")
    print(f"figures over {FIGURE_TARGET_BYTES // 1000} kB: {len(result['figures_over_target'])}")
    print(f"first page interactive (headless Chromium): {result['first_page_interactive_s']}")


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
                             f"{ids.APP_TITLE}.children..",
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


def _some_unit(app) -> str:
    from dashboard import data

    with app.server.app_context():
        wh = app.server.config["GOVKPI_WAREHOUSE"]
        frame = data.units(wh, "2024Q4", "district")
        return frame["unit_key"].iloc[0] if not frame.empty else "new:52"


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
