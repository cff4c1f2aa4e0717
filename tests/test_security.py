"""Security through the real server (issue 11, 6): what is refused at the door, what cannot escape
the upload folder, whom a reporter cannot read, what another site cannot make a signed-in
browser do, and that stored workbooks are never served."""
from __future__ import annotations

import hashlib
import http.client
import io
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from ops.intake import MAX_FILE_BYTES
from ops.queue import uploads_dir

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_site import login, post_workbook, queue_jobs, start_site, until  # noqa: E402
from workbooks import *  # noqa: E402,F403

EVIL = {"Origin": "https://evil.example", "Referer": "https://evil.example/trang.html"}


@pytest.fixture(scope="module")
def site(base_db, tmp_path_factory):
    running = start_site(base_db, tmp_path_factory.mktemp("security"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("books")


def stored_files(site) -> set[str]:
    folder = uploads_dir(site.db)
    return {p.name for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def test_an_upload_over_the_size_limit_is_413_and_nothing_is_queued_or_kept(site):
    queued, kept = queue_jobs(site.db), stored_files(site)
    just_over = io.BytesIO(b"PK\x03\x04" + b"\0" * (MAX_FILE_BYTES - 3))
    response = requests.post(site.base + "/api/v1/submissions", headers=site.auth("admin"),
                             files={"file": ("to_qua.xlsx", just_over)}, timeout=180)
    assert response.status_code == 413
    problem = response.json()["problems"][0]
    assert problem["code"] == "too_large" and "to_qua.xlsx" in problem["message"] and "quá lớn" in problem["message"]
    # far over: refused by its length, before anything is read
    far_over = io.BytesIO(b"PK\x03\x04" + b"\0" * (MAX_FILE_BYTES + (4 << 20)))
    response = requests.post(site.base + "/api/v1/submissions", headers=site.auth("admin"),
                             files={"file": ("rat_lon.xlsx", far_over)}, timeout=180)
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert queue_jobs(site.db) == queued and stored_files(site) == kept


def test_a_workbook_with_macros_or_links_to_other_workbooks_is_rejected_saying_why(site, books):
    clean = filled_template(books / "sach.xlsx", CHU_SE, "2021Q2", {"work_records_total": 10})
    macro = with_member(clean, books / "co_macro.xlsm", "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 VBA")
    linked = with_member(clean, books / "lien_ket.xlsx", "xl/externalLinks/externalLink1.xml",
                         b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    for book, code, word in ((macro, "macros", "macro"), (linked, "external_links", "liên kết")):
        response = post_workbook(site, "reporter", book)
        assert response.status_code == 422, response.text
        problems = response.json()["problems"]
        assert [p["code"] for p in problems] == [code] and word in problems[0]["message"]


def test_a_path_in_the_file_name_stays_inside_the_upload_folder(site, books):
    book = filled_template(books / "x.xlsx", AN_KHE, "2021Q3", {"work_records_total": 3})
    outside = [site.db.parent / "x.xlsx", site.db.parent.parent / "x.xlsx", Path("x.xlsx").resolve()]
    answers = [post_workbook(site, "admin", book, name="../../x.xlsx").json(),
               post_workbook(site, "admin", book, name="..\\..\\x.xlsx").json()]
    assert [a["file"] for a in answers] == ["x.xlsx", "x.xlsx"]
    assert answers[0]["status"] == "accepted" and answers[1]["status"] == "duplicate"
    assert not [path for path in outside if path.exists()]
    digest = hashlib.sha256(book.read_bytes()).hexdigest()
    assert f"{digest}.xlsx" in stored_files(site)  # named by its content, inside uploads/


def test_a_reporter_reading_other_units_submission_ids_gets_403(site, books):
    pleiku = filled_template(books / "pleiku.xlsx", PLEIKU, "2021Q3", {"work_records_total": 8})
    theirs = post_workbook(site, "pleiku", pleiku).json()["submission_id"]
    assert until(lambda: requests.get(f"{site.base}/api/v1/submissions/{theirs}", headers=site.auth("admin"),
                                      timeout=60).status_code == 200)
    response = requests.get(f"{site.base}/api/v1/submissions/{theirs}", headers=site.auth("reporter"), timeout=60)
    assert response.status_code == 403 and str(theirs) in response.json()["error"]["message"]
    assert "x.xlsx" not in response.text and "pleiku" not in response.text


def test_a_cross_site_post_with_the_session_cookie_changes_nothing(site, books):
    browser = login(site.base, site.name("reporter"))
    browser.get(site.base + "/", timeout=60)  # the page a signed-in browser has open
    book = filled_template(books / "chu_se_csrf.xlsx", CHU_SE, "2022Q1", {"work_records_total": 4})
    queued = queue_jobs(site.db)
    for headers in ({}, EVIL):
        with book.open("rb") as stream:
            response = browser.post(site.base + "/api/v1/submissions", files={"file": stream}, headers=headers,
                                    timeout=60)
        assert response.status_code == 400 and "CSRF" in response.json()["error"]["message"]
    assert queue_jobs(site.db) == queued
    # the same browser with its page's token is let through: the 400 was the missing token
    with book.open("rb") as stream:
        response = browser.post(site.base + "/api/v1/submissions", files={"file": stream},
                                headers={"X-CSRFToken": browser.cookies["_csrf_token"]}, timeout=120)
    assert response.status_code == 201, response.text


def test_the_session_cookie_changes_at_login(site):
    import re

    client = requests.Session()
    page = client.get(site.base + "/dang-nhap", timeout=60).text
    before = client.cookies.get("session")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(site.base + "/dang-nhap", data={"name": site.name("viewer"), "password": "mật-khẩu-thử-nghiệm",
                                                            "csrf_token": token}, allow_redirects=False, timeout=60)
    assert response.status_code == 302
    assert before and client.cookies["session"] != before


def test_stored_workbooks_are_never_served_whatever_the_path(site, books):
    book = filled_template(books / "dak_po.xlsx", DAK_PO, "2021Q3", {"work_records_total": 6})
    assert post_workbook(site, "admin", book).status_code == 201
    content = book.read_bytes()
    name = f"{hashlib.sha256(content).hexdigest()}.xlsx"
    assert name in stored_files(site)
    guesses = [f"/uploads/{name}", f"/data/uploads/{name}", f"/assets/../uploads/{name}",
               f"/assets/..%2fuploads%2f{name}", f"/assets/%2e%2e/uploads/{name}", f"/assets/..%2f..%2fuploads/{name}",
               f"/_dash-component-suites/../../uploads/{name}", f"/tai-ve/../uploads/{name}", f"/tai-ve/..%2fuploads%2f{name}",
               f"/api/v1/../../uploads/{name}", f"/{name}", "/warehouse.duckdb", "/assets/../warehouse.ops.sqlite",
               "/assets/..%2f..%2fwarehouse.ops.sqlite", "/warehouse.queue.sqlite", f"/static/{name}"]
    where = urlsplit(site.base)

    def fetch(path: str, role: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
        connection.request("GET", path, headers=site.auth(role))  # sent as written: no client tidies the dots away
        response = connection.getresponse()
        answer = response.status, response.read()
        connection.close()
        return answer

    assert fetch("/assets/style.css", "reporter")[0] == 200  # the guesses below do reach the server, signed in
    for role in ("admin", "reporter"):
        for path in guesses:
            status, body = fetch(path, role)
            assert body != content and not body.startswith(b"PK") and b"SQLite format" not in body, (role, path)
            assert b"DUCK" not in body[:64], (role, path)
