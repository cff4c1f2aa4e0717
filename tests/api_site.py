"""A real govkpi site for the API and security tests: `govkpi serve` on a copy of the Gia Lai
warehouse, `govkpi writer` beside it (the one process that loads the upload queue), and one
account of each role with its API token, all made through the CLI.

Import after putting this folder on sys.path, as workbooks.py."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import requests

from etl.warehouse import connect, publish_snapshot, set_review

GOVKPI = str(Path(sys.executable).with_name("govkpi"))
PASSWORD = "mật-khẩu-thử-nghiệm"
# role → (user name, role, units): the reporter reports for Huyện Chư Sê (old era), the second
# reporter for Thành phố Pleiku.
ACCOUNTS = {
    "admin": ("so-khcn", "admin", ()),
    "reviewer": ("tham-dinh", "reviewer", ()),
    "viewer": ("uy-ban", "viewer", ()),
    "reporter": ("ubnd-chu-se", "reporter", ("old:633",)),
    "pleiku": ("ubnd-pleiku", "reporter", ("old:622",)),
}


@dataclass
class Site:
    base: str
    db: Path
    tokens: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def name(self, role: str) -> str:
        return ACCOUNTS[role][0]

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            process.wait(timeout=60)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def govkpi(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([GOVKPI, *args], input=stdin, capture_output=True, text=True, timeout=120)


def start_site(base_db: Path, folder: Path) -> Site:
    """Copies the warehouse into folder, makes the accounts and tokens, starts writer and server."""
    db = folder / "warehouse.duckdb"
    shutil.copy(base_db, db)
    publish_snapshot(db)  # the server reads the snapshot; the writer holds the warehouse
    tokens = {}
    for role, (name, kind, units) in ACCOUNTS.items():
        unit_args = [arg for unit in units for arg in ("--unit", unit)]
        done = govkpi("user", "add", name, "--role", kind, *unit_args, "--password-stdin", "--db", str(db),
                      stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
        tokens[role] = govkpi("token", "create", name, "--db", str(db)).stdout.strip()
    log = (folder / "site.log").open("w")
    port = free_port()
    site = Site(f"http://127.0.0.1:{port}", db, tokens)
    # --wait: if `govkpi serve` starts a writer of its own, one of the two loads and the other waits.
    site.processes.append(subprocess.Popen([GOVKPI, "writer", "--wait", "--publish-interval", "0.5", "--db", str(db)],
                                           stdout=log, stderr=subprocess.STDOUT))
    site.processes.append(subprocess.Popen([GOVKPI, "serve", "--port", str(port), "--db", str(db)],
                                           stdout=log, stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            requests.get(site.base + "/dang-nhap", timeout=10)
            return site
        except requests.ConnectionError:
            time.sleep(0.5)
    site.stop()
    raise AssertionError((folder / "site.log").read_text())


def start_reviewed_site(base_db: Path, folder: Path) -> Site:
    """A site whose warehouse requires review: a copy of the base warehouse with review switched
    on, served by start_site (uploads wait for a reviewer's decision)."""
    reviewed = folder / "reviewed.duckdb"
    shutil.copy(base_db, reviewed)
    con = connect(reviewed)
    set_review(con, "required")
    con.close()
    site_folder = folder / "site"
    site_folder.mkdir()
    return start_site(reviewed, site_folder)


def login(base: str, name: str) -> requests.Session:
    """A browser session signed in through the form (with the page's CSRF token)."""
    import re

    client = requests.Session()
    page = client.get(base + "/dang-nhap", timeout=60).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(base + "/dang-nhap", data={"name": name, "password": PASSWORD, "csrf_token": token},
                           allow_redirects=False, timeout=60)
    assert response.status_code == 302, response.text
    return client


def page(client: requests.Session, base: str, pathname: str, search: str = "") -> str:
    """A page's content (JSON text) as the browser gets it: Dash pages' routing callback."""
    outputs = [("_pages_content", "children"), ("_pages_store", "data")]
    payload = {"output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
               "outputs": [{"id": i, "property": p} for i, p in outputs],
               "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                          {"id": "_pages_location", "property": "search", "value": search}],
               "changedPropIds": ["_pages_location.pathname"], "state": []}
    client.get(base + "/_dash-layout", timeout=60)
    response = client.post(base + "/_dash-update-component", json=payload, timeout=60,
                           headers={"X-CSRFToken": client.cookies["_csrf_token"]})
    assert response.status_code == 200, response.text
    import json

    return json.dumps(response.json(), ensure_ascii=False)


def browser_sign_in(duo, base: str, name: str, target: str) -> None:
    """Signs in through the sign-in form in the test browser and goes on to `target`."""
    from selenium.webdriver.common.by import By

    duo.driver.delete_all_cookies()
    duo.driver.get(f"{base}/dang-nhap?next={target}")
    duo.driver.find_element(By.ID, "name").send_keys(name)
    duo.driver.find_element(By.ID, "password").send_keys(PASSWORD)
    duo.driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def post_workbook(site: Site, role: str | None, path: Path, name: str | None = None, lang: str = "vi",
                  **form: str) -> requests.Response:
    """Sends a workbook to POST /api/v1/submissions with the role's token (None: no token)."""
    headers = site.auth(role) if role else {}
    with path.open("rb") as stream:
        return requests.post(site.base + "/api/v1/submissions" + ("?lang=en" if lang == "en" else ""),
                             headers=headers, files={"file": (name or path.name, stream)}, data=form, timeout=180)


def until(check: Callable[[], object], timeout: float = 15.0) -> object:
    """Gives check()'s first true answer, asking again until timeout (a publish is coalesced)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(0.3)


def queue_jobs(db: Path) -> int:
    """How many files were ever queued for the writer."""
    import sqlite3

    from ops.queue import queue_path

    if not queue_path(db).exists():
        return 0
    con = sqlite3.connect(queue_path(db))
    try:
        return con.execute("SELECT count(*) FROM upload_jobs").fetchone()[0]
    except sqlite3.OperationalError:  # no table yet: nothing was ever queued
        return 0
    finally:
        con.close()
