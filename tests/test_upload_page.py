"""Uploading in the browser, through the real server (`govkpi serve` in a subprocess, which runs
the writer beside it): a reporting unit posts its workbook with the form's CSRF token, the writer
loads it, the page lists each problem with sheet, cell and Vietnamese message, and the error
report gives the sender their own workbook back with the problem cells marked. Nobody else gets
that report, and nothing is queued for a request without the token or from a viewer."""
from __future__ import annotations

import io
import json
import re
import sqlite3
import sys
import time
from pathlib import Path

import dash
import duckdb
import openpyxl
import pytest
import requests

from etl.template import DATA_SHEET
from exports.error_report import PROBLEMS_SHEET
from ops.queue import queue_path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_role_matrix import copy_warehouse, govkpi, login, start_server, stop  # noqa: E402
from workbooks import filled_template, template_cell  # noqa: E402

PERIOD = "2026Q3"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def communes(demo_db) -> list[tuple[str, str, str]]:
    """Two communes in force whose codes name one unit each: (unit_code, unit_name, unit_key)."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        return con.execute("""
            SELECT unit_code, any_value(unit_name), any_value(unit_key) FROM unit_directory
            WHERE level = 'commune' AND valid_to >= current_date
            GROUP BY unit_code HAVING count(*) = 1 ORDER BY unit_code LIMIT 2""").fetchall()


@pytest.fixture(scope="module")
def site(demo_db, communes, tmp_path_factory):
    """The real server with two reporters (one commune each), an admin and a viewer."""
    db = copy_warehouse(demo_db, tmp_path_factory.mktemp("upload"))
    accounts = (("xa-mot", "reporter", communes[0][0]), ("xa-hai", "reporter", communes[1][0]),
                ("cntt", "admin", None), ("uy-ban", "viewer", None))
    for name, role, unit in accounts:
        done = govkpi("user", "add", name, "--role", role, *(["--unit", unit] if unit else []),
                      "--password-stdin", "--db", str(db), stdin="mật-khẩu-thử-nghiệm\n")
        assert done.returncode == 0, done.stderr
    server, base = start_server(db)
    yield {"db": db, "base": base, "folder": db.parent}
    stop(server)


@pytest.fixture(scope="module")
def flawed(site, communes) -> Path:
    """The first commune's template with a text where a number belongs."""
    code, name, _ = communes[0]
    return filled_template(site["folder"] / "bao_cao_xa.xlsx", (code, name), PERIOD, {"work_records_total": "mười"})


@pytest.fixture(scope="module")
def sent(site, flawed) -> dict:
    """The first reporter posts the flawed workbook as the form does; gives the redirect and job id."""
    client = login(site["base"], "xa-mot")
    response = _post(client, site["base"], flawed, csrf=_token(client, site["base"]))
    assert response.status_code == 303, response.text
    job_id = int(re.search(r"lan=(\d+)", response.headers["Location"]).group(1))
    return {"client": client, "response": response, "job_id": job_id}


def test_a_reporters_flawed_workbook_is_answered_problem_by_problem(site, flawed, sent):
    assert sent["response"].headers["Location"].startswith(f"/nop-bao-cao?lan={sent['job_id']}")
    page = _page(sent["client"], site["base"], f"?lan={sent['job_id']}")
    cell = template_cell(flawed, "work_records_total")
    assert "bao_cao_xa.xlsx" in page and "Bị từ chối" in page
    assert DATA_SHEET in page and f'"{cell}"' in page
    assert f"Ô {cell} (Tổng số hồ sơ công việc): \\\"mười\\\" không phải là số." in page
    assert f"/nop-bao-cao/bao-cao-loi/{sent['job_id']}" in page
    english = _page(sent["client"], site["base"], f"?lan={sent['job_id']}&lang=en")
    assert "is not a number" in english and "Rejected" in english


def test_the_sender_downloads_their_workbook_with_the_problem_marked(site, flawed, sent):
    response = sent["client"].get(f"{site['base']}/nop-bao-cao/bao-cao-loi/{sent['job_id']}", timeout=60)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(XLSX)
    assert "bao_cao_xa_bao-cao-loi.xlsx" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == PROBLEMS_SHEET
    cell = book[DATA_SHEET][template_cell(flawed, "work_records_total")]
    assert cell.value == "mười" and cell.fill.fgColor.rgb.endswith("F4B6B0")
    assert "không phải là số" in cell.comment.text
    assert any("không phải là số" in str(row[4].value) for row in book[PROBLEMS_SHEET].iter_rows(min_row=2))


def test_only_the_sender_and_an_admin_get_the_error_report(site, sent):
    url = f"{site['base']}/nop-bao-cao/bao-cao-loi/{sent['job_id']}"
    assert login(site["base"], "xa-hai").get(url, timeout=60).status_code == 403
    assert login(site["base"], "uy-ban").get(url, timeout=60).status_code == 403
    assert requests.get(url, timeout=60, allow_redirects=False).status_code == 401
    admin = login(site["base"], "cntt").get(url, timeout=60)
    assert admin.status_code == 200 and admin.content[:2] == b"PK"
    assert login(site["base"], "xa-hai").get(f"{site['base']}/nop-bao-cao/bao-cao-loi/999999", timeout=60).status_code == 403


def test_another_reporter_sees_neither_the_job_nor_its_history(site, sent):
    other = login(site["base"], "xa-hai")
    page = _page(other, site["base"], f"?lan={sent['job_id']}")
    assert "bao_cao_xa.xlsx" not in page and "Chưa có lần nộp nào." in page
    admin_page = _page(login(site["base"], "cntt"), site["base"], "")
    assert "bao_cao_xa.xlsx" in admin_page and "xa-mot" in admin_page  # the admin sees every sender


def test_a_post_without_the_csrf_token_is_refused_and_nothing_is_queued(site, flawed, sent):
    client = login(site["base"], "xa-mot")
    before = _jobs(site["db"])
    response = _post(client, site["base"], flawed, csrf=None)
    assert response.status_code == 400 and "CSRF" in response.text
    assert _jobs(site["db"]) == before


def test_a_viewer_posting_is_forbidden_and_nothing_is_queued(site, flawed, sent):
    viewer = login(site["base"], "uy-ban")
    before = _jobs(site["db"])
    response = _post(viewer, site["base"], flawed, csrf=_token(viewer, site["base"]))
    assert response.status_code == 403
    assert _jobs(site["db"]) == before
    page = _page(viewer, site["base"], "")
    assert "không được nộp báo cáo" in page and "upload-form" not in page


def test_a_file_that_is_not_a_workbook_is_refused_at_the_door_and_shown(site, sent):
    client = sent["client"]
    before = _jobs(site["db"])
    response = client.post(site["base"] + "/nop-bao-cao/tai-len", allow_redirects=False, timeout=120,
                           data={"csrf_token": _token(client, site["base"])},
                           files={"file": ("ghi_chu.xlsx", b"%PDF-1.7 not a workbook", XLSX)})
    assert response.status_code == 303 and "lo=" in response.headers["Location"]
    assert _jobs(site["db"]) == before
    page = _page(client, site["base"], "?" + response.headers["Location"].split("?", 1)[1])
    assert "ghi_chu.xlsx" in page and "Không nhận tệp" in page and "không phải bảng tính Excel" in page


def test_a_period_that_does_not_parse_queues_nothing_and_says_why(site, flawed, sent):
    client = sent["client"]
    before = _jobs(site["db"])
    with flawed.open("rb") as handle:
        response = client.post(site["base"] + "/nop-bao-cao/tai-len", allow_redirects=False, timeout=120,
                               data={"csrf_token": _token(client, site["base"]), "period": "2025Q9"},
                               files={"file": (flawed.name, handle, XLSX)})
    assert response.status_code == 303 and _jobs(site["db"]) == before
    page = _page(client, site["base"], "?" + response.headers["Location"].split("?", 1)[1])
    assert "Kỳ báo cáo “2025Q9” không hợp lệ" in page


# Helpers ------------------------------------------------------------------------------------


def _token(client: requests.Session, base: str) -> str:
    """The session's CSRF token, as the page's hidden form field carries it."""
    client.get(base + "/_dash-layout", timeout=60)
    return client.cookies["_csrf_token"]


def _post(client: requests.Session, base: str, path: Path, csrf: str | None) -> requests.Response:
    data = {"csrf_token": csrf} if csrf else {}
    with path.open("rb") as handle:
        return client.post(base + "/nop-bao-cao/tai-len", data=data, files={"file": (path.name, handle, XLSX)},
                           allow_redirects=False, timeout=180)


def _page(client: requests.Session, base: str, search: str) -> str:
    """The upload page's content as the browser gets it: Dash pages' routing callback."""
    outputs = [("_pages_content", "children"), ("_pages_store", "data")]
    payload = {"output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
               "outputs": [{"id": i, "property": p} for i, p in outputs],
               "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/nop-bao-cao"},
                          {"id": "_pages_location", "property": "search", "value": search}],
               "changedPropIds": ["_pages_location.pathname"], "state": []}
    client.get(base + "/_dash-layout", timeout=60)
    response = client.post(base + "/_dash-update-component", json=payload, timeout=60,
                           headers={"X-CSRFToken": client.cookies["_csrf_token"]})
    assert response.status_code == 200, response.text
    return json.dumps(response.json(), ensure_ascii=False)


def _jobs(db: Path) -> int:
    with sqlite3.connect(queue_path(db)) as con:
        return con.execute("SELECT count(*) FROM upload_jobs").fetchone()[0]


def test_behind_a_url_prefix_the_form_posts_and_comes_back_under_the_prefix(demo_db, tmp_path):
    """Under `serve --production --prefix /kpi` (the WSGI app gunicorn runs), the form's action,
    the redirect after the POST and the report links all carry the prefix."""
    from dashboard.serving import production_app
    from ops.accounts import add_user
    from ops.store import ops_path

    db = copy_warehouse(demo_db, tmp_path)
    add_user(ops_path(db), "cntt", "admin", "mật-khẩu-thử-nghiệm")
    # Dash's page registry is global: pages another test imported as dashboard.pages.* would
    # clash with this app's pages.*; this app registers its own, and the others come back after.
    saved = dict(dash.page_registry)
    dash.page_registry.clear()
    try:
        _under_prefix(production_app(str(db), "/kpi").test_client())
    finally:
        dash.page_registry.clear()
        dash.page_registry.update(saved)


def _under_prefix(client) -> None:
    # --production cookies are Secure, and CSRF over HTTPS checks the Referer
    https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/kpi/nop-bao-cao"}}
    login_page = client.get("/kpi/dang-nhap", **https).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    signed_in = client.post("/kpi/dang-nhap", data={"name": "cntt", "password": "mật-khẩu-thử-nghiệm",
                                                     "csrf_token": token}, **https)
    assert signed_in.status_code == 302
    client.get("/kpi/_dash-layout", **https)
    csrf = client.get_cookie("_csrf_token", domain="localhost").value
    response = client.post("/kpi/nop-bao-cao/tai-len", **https, data={
        "csrf_token": csrf, "file": (io.BytesIO(b"%PDF-1.7 not a workbook"), "ghi_chu.xlsx")})
    assert response.status_code == 303 and response.headers["Location"].startswith("/kpi/nop-bao-cao?lo=")
    outputs = [("_pages_content", "children"), ("_pages_store", "data")]
    page = client.post("/kpi/_dash-update-component", base_url=https["base_url"],
                       headers={**https["headers"], "X-CSRFToken": csrf}, json={
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/kpi/nop-bao-cao"},
                   {"id": "_pages_location", "property": "search",
                    "value": "?" + response.headers["Location"].split("?", 1)[1]}],
        "changedPropIds": ["_pages_location.pathname"], "state": []})
    text = json.dumps(page.get_json(), ensure_ascii=False)
    assert '"action": "/kpi/nop-bao-cao/tai-len"' in text
    assert "ghi_chu.xlsx" in text and "Không nhận tệp" in text


def test_local_serve_runs_the_writer_and_stops_it_on_exit(demo_db, tmp_path):
    """Without --production too, `govkpi serve` loads uploads: its writer child holds the lock
    while it serves, and a SIGTERM to the server stops the writer with it."""
    from etl.writer import writer_running

    db = copy_warehouse(demo_db, tmp_path)
    server, _ = start_server(db)
    try:
        deadline = time.monotonic() + 30
        while not writer_running(db) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert writer_running(db)
    finally:
        stop(server)
    deadline = time.monotonic() + 30
    while writer_running(db) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not writer_running(db)
