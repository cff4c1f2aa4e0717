"""Who gets what, through the real server: `govkpi serve` in a subprocess on a copy of the demo
warehouse, with one user of every role created through the CLI.

MATRIX is the table of record: one row per route, one column per role. Add rows for new routes
(uploads, the API) and the test below checks them the same way. A signed-in role that is let
through gets the route's own answer; for downloads a malformed period (400 from the download
itself) proves the gate let the request through without building every export."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl

import duckdb
import pytest
import requests

GOVKPI = str(Path(sys.executable).with_name("govkpi"))
ROLES = ("anonymous", "admin", "reviewer", "viewer", "reporter")
PASSWORD = "mật-khẩu-thử-nghiệm"
CALLBACK = "/_dash-update-component"
UNIT = "{unit}"  # filled with a commune of the demo, the reporter's own unit
# The API's rows: the reporter's own unit (by code) and another's, a submission that reported the
# reporter's unit and one that did not (filled from the demo warehouse).
OWN_CODE, OTHER_CODE = "{own_code}", "{other_code}"
OWN_SUBMISSION, OTHER_SUBMISSION = "{own_submission}", "{other_submission}"

#  method, path,                          anonymous, admin, reviewer, viewer, reporter
MATRIX = [
    ("GET", "/",                              302, 200, 200, 200, 200),
    ("GET", "/chi-tieu",                      302, 200, 200, 200, 200),
    ("GET", "/don-vi",                        302, 200, 200, 200, 200),
    ("GET", f"/don-vi/{UNIT}",                302, 200, 200, 200, 200),
    ("GET", "/dich-vu-cong",                  302, 200, 200, 200, 200),
    ("GET", "/chi-so",                        302, 200, 200, 200, 200),
    ("GET", "/bao-cao",                       302, 200, 200, 200, 200),
    ("GET", "/danh-muc",                      302, 200, 200, 200, 200),
    ("GET", "/_dash-layout",                  401, 200, 200, 200, 200),
    ("GET", "/_dash-dependencies",            401, 200, 200, 200, 200),
    ("GET", "/assets/style.css",              401, 200, 200, 200, 200),
    ("POST", CALLBACK,                        401, 200, 200, 200, 200),
    # Downloads: the province's published figures, so reporters may take them too.
    ("GET", "/tai-ve/pptx?period=x",          401, 400, 400, 400, 400),
    ("GET", "/tai-ve/xlsx?period=x",          401, 400, 400, 400, 400),
    ("GET", "/tai-ve/docx?period=x",          401, 400, 400, 400, 400),
    ("GET", "/tai-ve/pdf?period=x",           401, 400, 400, 400, 400),
    ("GET", "/dang-nhap",                     200, 200, 200, 200, 200),
    # The JSON API: published figures for every signed-in role; submissions per unit; sending for
    # reporters and admins (no file field: the 400 proves the sender was let through).
    ("GET", "/api/v1/indicators?period=2026Q3&level=commune",  401, 200, 200, 200, 200),
    ("GET", "/api/v1/submissions",                             401, 200, 200, 200, 200),
    ("GET", f"/api/v1/submissions?unit={OWN_CODE}",            401, 200, 200, 200, 200),
    ("GET", f"/api/v1/submissions?unit={OTHER_CODE}",          401, 200, 200, 200, 403),
    ("GET", f"/api/v1/submissions/{OWN_SUBMISSION}",           401, 200, 200, 200, 200),
    ("GET", f"/api/v1/submissions/{OTHER_SUBMISSION}",         401, 200, 200, 200, 403),
    ("POST", "/api/v1/submissions",                            401, 400, 403, 403, 400),
    # A queued file's job: its sender's and the admins'; an id nobody sent is 403 to a reporter.
    ("GET", "/api/v1/jobs/999999",                             401, 404, 403, 403, 403),
    # Review, lock, comments, audit (issue 12): a 400 (no decision, a malformed period, no text)
    # proves the caller was let through without writing anything. A POST row's query is sent as
    # its form body.
    ("POST", f"/api/v1/submissions/{OWN_SUBMISSION}/review",   401, 400, 400, 403, 403),
    ("POST", "/api/v1/periods/x/lock",                         401, 400, 400, 403, 403),
    ("POST", "/api/v1/periods/x/unlock",                       401, 400, 403, 403, 403),
    ("GET", "/api/v1/audit?period=x",                          401, 400, 403, 403, 403),
    ("POST", f"/api/v1/comments?unit={OWN_CODE}&indicator=work_records_online_rate&period=2026Q3",
                                                               401, 400, 400, 403, 400),
    ("POST", f"/api/v1/comments?unit={OTHER_CODE}&indicator=work_records_online_rate&period=2026Q3",
                                                               401, 400, 400, 403, 403),
    ("GET", f"/api/v1/comments?unit={OWN_CODE}",               401, 200, 200, 200, 200),
    # The review page and its forms (with the session's token): a refused form comes back to its
    # page (303, nothing written: no decision, no period); a role that may not, 403.
    ("GET", "/duyet",                                          302, 200, 200, 200, 200),
    ("GET", "/nhat-ky",                                        302, 200, 200, 200, 200),
    ("POST", f"/duyet/quyet-dinh/{OWN_SUBMISSION}",            401, 303, 303, 403, 403),
    ("POST", "/duyet/chot",                                    401, 303, 303, 403, 403),
    ("POST", "/duyet/mo-khoa",                                 401, 303, 403, 403, 403),
    ("POST", f"/ghi-chu?unit_key={UNIT}",                      401, 303, 303, 403, 303),
    ("POST", "/ghi-chu?unit_key=old:622",                      401, 303, 303, 403, 403),
    # Uploads: the page answers every signed-in role (others read a refusal in it); a POST with the
    # session's token (send() adds it) but no file: the upload roles are redirected to the page
    # with the refusal (303), others 403; a job's error report is its sender's and the admins'.
    ("GET", "/nop-bao-cao",                   302, 200, 200, 200, 200),
    ("POST", "/nop-bao-cao/tai-len",          401, 303, 403, 403, 303),
    ("GET", "/nop-bao-cao/bao-cao-loi/999999", 401, 404, 403, 403, 403),
    # The DTI self-assessment (issue 13): every signed-in role reads the page and downloads evidence
    # but a reporter (an evidence id that does not exist: 404 proves the reader was let through);
    # its forms are admins' and reviewers' (a form with no year comes back to the page, 303,
    # nothing written), others 403.
    ("GET", "/chi-so/dti",                    302, 200, 200, 200, 200),
    ("GET", "/chi-so/tai-lieu/999999",        302, 404, 404, 404, 403),
    ("POST", "/chi-so/dti/gia-tri",           401, 303, 303, 403, 403),
    ("POST", "/chi-so/dti/tai-lieu",          401, 303, 303, 403, 403),
    ("POST", "/chi-so/dti/tham-dinh",         401, 303, 303, 403, 403),
    ("POST", "/chi-so/dti/xep-hang",          401, 303, 303, 403, 403),
]

# The shell's first callback, as dash-renderer posts it.
SHELL_OUTPUTS = [("shell-nav", "children"), ("shell-lang-link", "href"), ("shell-lang-link", "children"),
                 ("shell-title", "children"), ("shell-open-banner", "children")]
SHELL_CALLBACK = {
    "output": ".." + "...".join(f"{i}.{p}" for i, p in SHELL_OUTPUTS) + "..",
    "outputs": [{"id": i, "property": p} for i, p in SHELL_OUTPUTS],
    "inputs": [{"id": "shell-url", "property": "pathname", "value": "/"},
               {"id": "shell-url", "property": "search", "value": ""}],
    "changedPropIds": ["shell-url.pathname"],
    "state": [],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_warehouse(demo_db: Path, folder: Path) -> Path:
    """A copy, so the accounts made here (in its ops file) never turn sign-in on for other tests."""
    for file in demo_db.parent.glob(demo_db.stem + "*.duckdb"):
        shutil.copy(file, folder / file.name)
    return folder / demo_db.name


def govkpi(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([GOVKPI, *args], input=stdin, capture_output=True, text=True, timeout=120)


def start_server(db: Path, *extra: str):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([GOVKPI, "serve", "--port", str(port), "--db", str(db), *extra],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and server.poll() is None:
        try:
            requests.get(base + "/dang-nhap", timeout=10)
            return server, base
        except requests.ConnectionError:
            time.sleep(0.5)
    server.terminate()
    raise AssertionError(server.stderr.read() if server.poll() is not None else "no answer")


def stop(server) -> None:
    server.terminate()
    server.wait(timeout=30)


def csrf_from(page: str) -> str:
    import re
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(base: str, name: str, password: str = PASSWORD) -> requests.Session:
    client = requests.Session()
    token = csrf_from(client.get(base + "/dang-nhap").text)
    response = client.post(base + "/dang-nhap", data={"name": name, "password": password, "csrf_token": token},
                           allow_redirects=False)
    assert response.status_code == 302, response.text
    return client


@pytest.fixture(scope="module")
def reporter_unit(demo_db) -> tuple[str, str]:
    """A commune in force whose code names one unit: (unit_code, unit_key)."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        return con.execute("""
            SELECT unit_code, any_value(unit_key) FROM unit_directory
            WHERE level = 'commune' AND valid_to >= current_date
            GROUP BY unit_code HAVING count(*) = 1 ORDER BY unit_code LIMIT 1""").fetchone()


@pytest.fixture(scope="module")
def api_places(demo_db, reporter_unit) -> dict[str, str]:
    """The API rows' placeholders: another commune's code, a submission with the reporter's unit, one without."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        other = con.execute("""
            SELECT unit_code FROM unit_directory WHERE level = 'commune' AND valid_to >= current_date
              AND unit_code <> ? ORDER BY unit_code LIMIT 1""", [reporter_unit[0]]).fetchone()[0]
        own = con.execute("SELECT min(submission_id) FROM unit_submissions WHERE unit_key = ?",
                          [reporter_unit[1]]).fetchone()[0]
        theirs = con.execute("""
            SELECT min(submission_id) FROM submission_log WHERE submission_id NOT IN
              (SELECT submission_id FROM unit_submissions WHERE unit_key = ?)""", [reporter_unit[1]]).fetchone()[0]
    return {OWN_CODE: reporter_unit[0], OTHER_CODE: other, OWN_SUBMISSION: str(own), OTHER_SUBMISSION: str(theirs)}


@pytest.fixture(scope="module")
def site(demo_db, reporter_unit, tmp_path_factory):
    """The real server with one account of each role, made through the CLI."""
    db = copy_warehouse(demo_db, tmp_path_factory.mktemp("roles"))
    for name, role in (("cntt", "admin"), ("tham-dinh", "reviewer"), ("uy-ban", "viewer"), ("ubnd-xa", "reporter")):
        unit_args = ["--unit", reporter_unit[0]] if role == "reporter" else []
        done = govkpi("user", "add", name, "--role", role, *unit_args, "--password-stdin", "--db", str(db),
                      stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
    server, base = start_server(db)
    clients = {"anonymous": requests.Session()}
    for name, role in (("cntt", "admin"), ("tham-dinh", "reviewer"), ("uy-ban", "viewer"), ("ubnd-xa", "reporter")):
        clients[role] = login(base, name)
    yield {"db": db, "base": base, "clients": clients}
    stop(server)


def send(client: requests.Session, base: str, method: str, path: str, **kwargs) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if method == "POST" and path == CALLBACK:
        kwargs["json"] = SHELL_CALLBACK
    if method == "POST" and path.startswith(("/api/v1/", "/ghi-chu")) and "?" in path:
        path, _, query = path.partition("?")
        kwargs["data"] = dict(parse_qsl(query))
    if method == "POST" and "_csrf_token" in client.cookies:  # a signed-in page sends its token
        headers["X-CSRFToken"] = client.cookies["_csrf_token"]
    return client.request(method, base + path, headers=headers, allow_redirects=False, timeout=60, **kwargs)


def test_the_cli_stored_the_reporters_unit_as_its_key(site, reporter_unit):
    listed = govkpi("user", "list", "--db", str(site["db"])).stdout.splitlines()
    assert f"ubnd-xa\treporter\t{reporter_unit[1]}" in listed
    assert "uy-ban\tviewer\t" in listed


def test_every_role_gets_what_the_matrix_says(site, reporter_unit, api_places):
    got, expected = {}, {}
    for method, path, *statuses in MATRIX:
        path = path.replace(UNIT, reporter_unit[1])
        for place, value in api_places.items():
            path = path.replace(place, value)
        for role, status in zip(ROLES, statuses):
            got[(method, path, role)] = send(site["clients"][role], site["base"], method, path).status_code
            expected[(method, path, role)] = status
    assert got == expected


def test_anonymous_pages_go_to_the_sign_in_page_and_come_back(site):
    response = send(requests.Session(), site["base"], "GET", "/bao-cao?lang=en")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dang-nhap?next=%2Fbao-cao%3Flang%3Den")
    page = requests.get(site["base"] + response.headers["Location"]).text
    assert "Sign in" in page  # ?lang=en was kept
    assert "Đăng nhập" in requests.get(site["base"] + "/dang-nhap").text


def test_a_real_export_downloads_for_a_reporter(site):
    response = send(site["clients"]["reporter"], site["base"], "GET", "/tai-ve/xlsx?period=2026Q3")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_a_callback_without_the_csrf_token_is_refused(site):
    viewer = login(site["base"], "uy-ban")
    viewer.get(site["base"] + "/", timeout=60)  # the page, as a browser opens it before its callbacks
    response = viewer.post(site["base"] + CALLBACK, json=SHELL_CALLBACK, timeout=60)
    assert response.status_code == 400 and "CSRF" in response.text
    with_token = viewer.post(site["base"] + CALLBACK, json=SHELL_CALLBACK, timeout=60,
                             headers={"X-CSRFToken": viewer.cookies["_csrf_token"]})
    assert with_token.status_code == 200


def test_a_login_without_the_csrf_token_fails_and_signs_nobody_in(site):
    client = requests.Session()
    client.get(site["base"] + "/dang-nhap")
    response = client.post(site["base"] + "/dang-nhap", data={"name": "cntt", "password": PASSWORD},
                           allow_redirects=False, timeout=60)
    assert response.status_code == 400
    assert send(client, site["base"], "GET", "/_dash-layout").status_code == 401


def test_a_login_from_another_site_fails(site):
    """A form on another origin posts the right password but cannot read our token."""
    response = requests.post(site["base"] + "/dang-nhap", data={"name": "cntt", "password": PASSWORD},
                             headers={"Origin": "https://evil.example", "Referer": "https://evil.example/x"},
                             allow_redirects=False, timeout=60)
    assert response.status_code == 400
    assert requests.get(site["base"] + "/_dash-layout", cookies=response.cookies, timeout=60).status_code == 401


def test_the_session_cookie_is_renewed_at_login(site):
    client = requests.Session()
    token = csrf_from(client.get(site["base"] + "/dang-nhap").text)
    before = client.cookies["session"]
    response = client.post(site["base"] + "/dang-nhap", data={"name": "uy-ban", "password": PASSWORD,
                                                               "csrf_token": token}, allow_redirects=False)
    assert response.status_code == 302
    assert client.cookies["session"] != before
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # the token of the page before the login belonged to the old session
    assert client.post(site["base"] + "/dang-xuat", data={"csrf_token": token}, allow_redirects=False).status_code == 400


def test_logout_needs_the_token_and_ends_the_session(site):
    client = login(site["base"], "tham-dinh")
    assert client.post(site["base"] + "/dang-xuat", allow_redirects=False).status_code == 400
    assert send(client, site["base"], "GET", "/_dash-layout").status_code == 200  # nothing changed
    layout = send(client, site["base"], "GET", "/_dash-layout").text
    assert "tham-dinh (reviewer)" in layout
    token = _hidden_token(layout)  # the sign-out form's hidden field
    assert client.post(site["base"] + "/dang-xuat", data={"csrf_token": token}, allow_redirects=False).status_code == 302
    assert send(client, site["base"], "GET", "/_dash-layout").status_code == 401


def _hidden_token(layout: str) -> str:
    """The sign-out form's hidden csrf_token, from the Dash layout JSON."""
    import json

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if props.get("name") == "csrf_token":
                return props["value"]
            for value in list(node.values()) + list(props.values()):
                found = walk(value)
                if found:
                    return found
        elif isinstance(node, list):
            for value in node:
                found = walk(value)
                if found:
                    return found
        return None

    return walk(json.loads(layout))


def test_a_bearer_token_stands_for_its_user_and_a_bad_one_for_nobody(site):
    done = govkpi("token", "create", "uy-ban", "--db", str(site["db"]))
    token = done.stdout.strip()
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 1 and len(token) >= 40
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(site["base"] + "/_dash-layout", headers=headers, timeout=60).status_code == 200
    bad = {"Authorization": f"Bearer {token[:-2]}"}
    assert requests.get(site["base"] + "/_dash-layout", headers=bad, timeout=60).status_code == 401


def test_the_cli_refuses_a_unit_the_warehouse_does_not_know(site):
    done = govkpi("user", "add", "xa-la", "--role", "reporter", "--unit", "99999", "--password-stdin",
                  "--db", str(site["db"]), stdin=PASSWORD + "\n")
    assert done.returncode == 2 and "Không có đơn vị mã '99999'" in done.stderr
    assert "xa-la" not in govkpi("user", "list", "--db", str(site["db"])).stdout


def test_open_mode_without_users_shows_every_page_behind_a_banner(demo_db, tmp_path):
    db = copy_warehouse(demo_db, tmp_path)
    server, base = start_server(db)
    try:
        for path in ("/", "/chi-tieu", "/bao-cao", "/danh-muc"):
            assert requests.get(base + path, allow_redirects=False, timeout=60).status_code == 200
        layout = requests.get(base + "/_dash-layout", timeout=60).json()
        assert "Chưa bật đăng nhập" in json.dumps(layout, ensure_ascii=False)
        # Dash's read-only callbacks need no token while there is nobody to sign in.
        english = dict(SHELL_CALLBACK, inputs=[SHELL_CALLBACK["inputs"][0],
                                               {"id": "shell-url", "property": "search", "value": "?lang=en"}])
        response = requests.post(base + CALLBACK, json=english, timeout=60)
        assert response.status_code == 200 and "Sign-in is off" in json.dumps(response.json())
    finally:
        stop(server)


def test_production_turns_sign_in_on_without_users(demo_db, tmp_path):
    db = copy_warehouse(demo_db, tmp_path)
    server, base = start_server(db, "--production")
    try:
        assert requests.get(base + "/", allow_redirects=False, timeout=60).status_code == 302
        assert requests.get(base + "/_dash-layout", timeout=60).status_code == 401
    finally:
        stop(server)
