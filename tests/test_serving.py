"""Production serving: `govkpi serve --production` runs the dashboard under gunicorn with
several workers at a URL prefix, with the one writer beside it; pages keep answering while a
burst of workbooks is sent through the API and loaded, and the new figures show once the writer
has published. Every link of every page stays under the prefix."""
from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest

from etl.template import DATA_SHEET
from etl.warehouse import publish_snapshot
from ops.queue import UploadQueue

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

GOVKPI = str(Path(sys.executable).with_name("govkpi"))
# --production always asks who is calling: the clients below are a viewer with an API token.
AUTH: dict[str, str] = {}
PAGES = ["/", "/bao-cao", "/chi-tieu", "/don-vi"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ProductionServer:
    """`govkpi serve --production` in a subprocess, stopped as systemd stops it (SIGTERM)."""

    def __init__(self, db: Path, workers: int = 2, prefix: str = "/kpi") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}{prefix}"
        self.log = db.with_name("serve.log").open("w")
        self.process = subprocess.Popen([GOVKPI, "serve", "--production", "--workers", str(workers), "--prefix", prefix,
                                         "--port", str(self.port), "--db", str(db)],
                                        stdout=self.log, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if get(self.base + "/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise AssertionError(db.with_name("serve.log").read_text())

    def page(self, path: str, search: str = "") -> tuple[int, str]:
        """Asks the page's content as the browser does after loading the shell (Dash pages' callback)."""
        body = {"output": ".._pages_content.children..._pages_store.data..",
                "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
                "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/kpi" + path},
                           {"id": "_pages_location", "property": "search", "value": search}],
                "changedPropIds": ["_pages_location.pathname"], "state": []}
        request = urllib.request.Request(self.base + "/_dash-update-component", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json", **AUTH})
        with urllib.request.urlopen(request, timeout=60) as response:  # text unescaped, to find words in it
            return response.status, json.dumps(json.loads(response.read()), ensure_ascii=False)

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        self.log.close()
        return Path(self.log.name).read_text()


def get(url: str, auth: bool = True) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=AUTH if auth else {}), timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.fixture
def served(db):
    publish_snapshot(db)
    subprocess.run([GOVKPI, "user", "add", "uyban", "--role", "viewer", "--password-stdin", "--db", str(db)],
                   input="mat-khau-du-dai-2025\n", text=True, check=True, capture_output=True)
    token = subprocess.run([GOVKPI, "token", "create", "uyban", "--db", str(db)],
                           text=True, check=True, capture_output=True).stdout.strip()
    AUTH["Authorization"] = f"Bearer {token}"
    server = ProductionServer(db)
    yield server
    server.stop()
    AUTH.clear()


def test_production_serving_answers_under_the_prefix_with_its_assets_and_pages(served):
    status, html = get(served.base + "/")
    assert status == 200
    scripts = re.findall(r'src="([^"]+)"', html)
    assert scripts and all(src.startswith("/kpi/") for src in scripts)
    root = served.base.removesuffix("/kpi")
    assert get(root + scripts[0])[0] == 200  # the browser asks for exactly these
    assert get(root + "/kpi/_dash-layout")[0] == 200 and get(root + "/kpi/_dash-dependencies")[0] == 200
    assert get(root + "/")[0] == 404 and get(root + "/_dash-layout")[0] == 404  # nothing outside the prefix
    assert get(root + "/kpi/_dash-layout", auth=False)[0] == 401  # --production: nobody unnamed
    status, content = served.page("/bao-cao")
    assert status == 200 and "Tình hình báo cáo" in json.loads(content)["response"]["_pages_store"]["data"]["title"]
    log = served.stop()
    assert log.count("Booting worker") >= 2


@pytest.mark.load
def test_twenty_clients_on_the_pages_while_two_hundred_workbooks_are_loaded_see_no_failure_and_the_new_figures(
        served, db, tmp_path):
    files = two_hundred_workbooks(tmp_path / "in")
    before = served.page("/chi-tieu", "?period=2022Q1")[1]
    assert "50,4%" not in before
    failures: list[str] = []
    answered = [0]
    stop = threading.Event()

    def client(number: int) -> None:
        turn = number
        while not stop.is_set():
            path = PAGES[turn % len(PAGES)]
            turn += 1
            try:
                status, _ = served.page(path, "?period=2024Q4") if turn % 3 else get(served.base + path)
            except Exception as error:  # a refused or reset connection is a failed request too
                failures.append(f"{path}: {type(error).__name__}: {error}")
                continue
            if status != 200:
                failures.append(f"{path}: HTTP {status}")
            answered[0] += 1

    queue = UploadQueue(db)
    sender = admin_token(db)

    def upload(path: Path) -> dict:
        """One workbook through POST /api/v1/submissions, as the province's platform sends it."""
        boundary = "govkpi-load-test"
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + path.read_bytes() + \
            f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(served.base + "/api/v1/submissions", data=body, headers={
            "Authorization": f"Bearer {sender}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())

    with ThreadPoolExecutor(20) as pool, ThreadPoolExecutor(8) as uploaders:
        for number in range(20):
            pool.submit(client, number)
        try:
            started = time.monotonic()
            # later versions of a unit's report supersede earlier ones in the order they arrive:
            # send each version as a wave, the files of one wave side by side
            waves = [[f for f in files if "_v" not in f.stem]] + [
                [f for f in files if f.stem.endswith(f"_v{version}")] for version in (2, 3, 4)]
            assert sum(len(wave) for wave in waves) == 200
            answers = [answer for wave in waves for answer in uploaders.map(upload, wave)]
            sent = time.monotonic()
            # every answer came once its file was loaded; published within 10 s of the last commit
            results = [queue.wait(a["job_id"], timeout=max(0.5, 10 - (time.monotonic() - sent)), published=True)
                       for a in answers]
            loaded_in = time.monotonic() - started
            print(f"200 uploads answered in {sent - started:.1f} s, all published after {loaded_in:.1f} s; "
                  f"{answered[0]} page requests answered meanwhile")
        finally:
            stop.set()
    # a file the writer has not reached within a request's wait is answered 202 with its job: waited for above
    assert {a["status"] for a in answers} <= {"accepted", "queued"}
    assert not failures, failures[:5]
    assert answered[0] > 40
    assert all(r.published for r in results), f"{sum(r.published for r in results)} of 200 published"
    assert {r.status for r in results} == {"accepted"}
    assert _publishes(queue) <= loaded_in / 3 + 2  # coalesced: at most one per 3 s interval
    # Each district's last version of 2022Q1 says 504 of 1,000 records online: the level's rate
    # is the sum of numerators over the sum of denominators, 2,520 / 5,000.
    after = served.page("/chi-tieu", "?period=2022Q1")[1]
    assert "Cấp huyện đạt 50,4%" in after


def admin_token(db: Path) -> str:
    """An API token of an admin (the uploads' sender), made through the CLI."""
    subprocess.run([GOVKPI, "user", "add", "so-khcn", "--role", "admin", "--password-stdin", "--db", str(db)],
                   input="mat-khau-du-dai-2025\n", text=True, check=True, capture_output=True)
    return subprocess.run([GOVKPI, "token", "create", "so-khcn", "--db", str(db)],
                          text=True, check=True, capture_output=True).stdout.strip()


def two_hundred_workbooks(folder: Path) -> list[Path]:
    """200 distinct district reports: five districts × the sixteen quarters of 2021–2024, and
    later versions that supersede them; each file has its own figure."""
    folder.mkdir(parents=True)
    districts = [PLEIKU, AN_KHE, CHU_SE, DAK_DOA, DAK_PO]
    quarters = [f"{year}Q{q}" for year in (2021, 2022, 2023, 2024) for q in (1, 2, 3, 4)]
    files = []
    for unit in districts:
        for quarter_index, period in enumerate(quarters):
            first = filled_template(folder / f"{unit[0]}_{period}.xlsx", unit, period,
                                    {"work_records_total": 1000, "work_records_online": 500})
            files.append(first)
            if quarter_index >= 8:
                continue  # 80 first versions + 120 later ones = 200
            book = openpyxl.load_workbook(first)
            cell = template_cell(first, "work_records_online")
            for version in (2, 3, 4):
                book[DATA_SHEET][cell] = 500 + version
                files.append(folder / f"{unit[0]}_{period}_v{version}.xlsx")
                book.save(files[-1])
    assert len(files) == 200
    return files


def _publishes(queue: UploadQueue) -> int:
    import sqlite3

    con = sqlite3.connect(queue.path)
    count = con.execute("SELECT count(DISTINCT published_at) FROM upload_jobs").fetchone()[0]
    con.close()
    return count


# Links under --prefix ------------------------------------------------------------------------

LINKED_PAGES = ["/", "/chi-tieu", "/don-vi", "/dich-vu-cong", "/chi-so", "/bao-cao", "/danh-muc", "/khong-co"]


@pytest.fixture
def served_demo(demo_db, tmp_path):
    """The demo warehouse (every page full of links) under --production --prefix /kpi."""
    import shutil

    for file in demo_db.parent.glob(demo_db.stem + "*.duckdb"):
        shutil.copy(file, tmp_path / file.name)
    db = tmp_path / demo_db.name
    subprocess.run([GOVKPI, "user", "add", "uyban", "--role", "viewer", "--password-stdin", "--db", str(db)],
                   input="mat-khau-du-dai-2025\n", text=True, check=True, capture_output=True)
    token = subprocess.run([GOVKPI, "token", "create", "uyban", "--db", str(db)],
                           text=True, check=True, capture_output=True).stdout.strip()
    AUTH["Authorization"] = f"Bearer {token}"
    server = ProductionServer(db)
    yield server, db
    server.stop()
    AUTH.clear()


def links_in(node) -> list[str]:
    """Every href and form action in a Dash layout or callback answer."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("href", "action") and isinstance(value, str):
                found.append(value)
            else:
                found.extend(links_in(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(links_in(value))
    return found


def shell_links(server: ProductionServer, path: str, search: str = "") -> list[str]:
    """The shell's links (navigation, language switch) as its callback draws them for the page."""
    outputs = [("shell-nav", "children"), ("shell-lang-link", "href"), ("shell-lang-link", "children"),
               ("shell-title", "children"), ("shell-open-banner", "children")]
    body = {"output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
            "outputs": [{"id": i, "property": p} for i, p in outputs],
            "inputs": [{"id": "shell-url", "property": "pathname", "value": "/kpi" + path},
                       {"id": "shell-url", "property": "search", "value": search}],
            "changedPropIds": ["shell-url.pathname"], "state": []}
    request = urllib.request.Request(server.base + "/_dash-update-component", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **AUTH})
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())["response"]
    return links_in(answer) + [answer["shell-lang-link"]["href"]]


def test_every_link_of_every_page_stays_under_the_prefix(served_demo):
    server, db = served_demo
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        commune = con.execute("SELECT unit_key FROM unit_directory WHERE level = 'commune' AND parent_key IS NOT NULL "
                              "AND valid_to >= current_date ORDER BY unit_key LIMIT 1").fetchone()[0]
    status, layout = get(server.base + "/_dash-layout")
    links = {"/_dash-layout": links_in(json.loads(layout))}
    for path in LINKED_PAGES + [f"/don-vi/{commune}"]:
        for search in ("", "?lang=en&period=2025Q2"):
            status, content = server.page(path, search)
            assert status == 200, path
            links[path + search] = links_in(json.loads(content)) + shell_links(server, path, search)
    outside = {page: [href for href in hrefs if not href.startswith("/kpi/")] for page, hrefs in links.items()}
    assert not any(outside.values()), outside
    everything = [href for hrefs in links.values() for href in hrefs]
    for expected in ("/kpi/chi-tieu", "/kpi/tai-ve/pptx", "/kpi/bao-cao?", "/kpi/don-vi?lang=", "/kpi/dang-xuat",
                     f"/kpi/don-vi/{commune.split(':')[0]}"):
        assert any(href.startswith(expected) for href in everything), expected
    # a link followed as written: the download answers through the prefix
    download = next(href for href in everything if href.startswith("/kpi/tai-ve/xlsx"))
    request = urllib.request.Request(server.base.removesuffix("/kpi") + download, headers=AUTH)
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 200 and response.read()[:2] == b"PK"


def test_sign_in_under_the_prefix_sends_the_browser_to_prefixed_addresses(served_demo):
    server, _ = served_demo
    anonymous = urllib.request.build_opener(NoRedirect)
    try:
        anonymous.open(server.base + "/chi-tieu?lang=en", timeout=60)
        raise AssertionError("no redirect")
    except urllib.error.HTTPError as error:
        assert error.code == 302 and error.headers["Location"].startswith("/kpi/dang-nhap?next=%2Fchi-tieu")
    page = urllib.request.urlopen(server.base + "/dang-nhap?lang=en", timeout=60)
    html = page.read().decode()
    session = page.headers["Set-Cookie"].split(";")[0]  # Secure under --production: a browser on HTTPS sends it
    actions = re.findall(r'(?:action|href)="([^"]+)"', html)
    assert actions and all(a.startswith("/kpi/") for a in actions), actions
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode({"name": "uyban", "password": "mat-khau-du-dai-2025", "csrf_token": token}).encode()
    request = urllib.request.Request(server.base + "/dang-nhap?next=%2Fchi-tieu", data=form,
                                     headers={"Cookie": session, "Referer": server.base + "/dang-nhap"})
    try:
        anonymous.open(request, timeout=60)
        raise AssertionError("no redirect")
    except urllib.error.HTTPError as error:
        assert error.code == 302 and error.headers["Location"] == "/kpi/chi-tieu"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_unit_links_made_by_a_chart_click_carry_the_prefix(db):
    from dashboard.app import create_app, unit_href

    create_app(str(db), prefix="/kpi/")
    try:
        assert unit_href("new:52:23404", "?lang=en&period=2025Q3&x=1") == "/kpi/don-vi/new:52:23404?lang=en&period=2025Q3"
    finally:
        create_app(str(db))  # Dash keeps the last app's prefix for the process: put back the plain one


def test_a_worker_takes_what_it_made_at_start_out_of_the_collectors_full_passes(demo_db, tmp_path):
    # A full pass over the app's ~170,000 start-up objects paused a page by up to 120 ms.
    db = tmp_path / "kho.duckdb"
    db.write_bytes(Path(demo_db).read_bytes())
    code = ("import gc, sys; from dashboard.serving import production_app; production_app(sys.argv[1]); "
            "print(gc.get_freeze_count(), len(gc.get_objects()))")
    done = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr[-2000:]
    frozen, still_walked = (int(n) for n in done.stdout.split()[-2:])
    assert frozen > 50_000 and still_walked < frozen / 10, (frozen, still_walked)
