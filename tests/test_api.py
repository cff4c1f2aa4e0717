"""The JSON API through the real server: a unit sends its workbook with a token and reads back the
outcome problem by problem; submissions are listed as each role may see them; the indicators
are the figures the pages show. Errors are JSON, Vietnamese first."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import duckdb
import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_site import post_workbook, queue_jobs, start_site, until  # noqa: E402
from workbooks import *  # noqa: E402,F403


@pytest.fixture(scope="module")
def site(base_db, tmp_path_factory):
    running = start_site(base_db, tmp_path_factory.mktemp("api"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("books")


def api(site, role: str | None, path: str) -> requests.Response:
    return requests.get(site.base + "/api/v1" + path, headers=site.auth(role) if role else {}, timeout=60)


def visible(site, role: str, submission_id: int) -> dict | None:
    """The submission once the published snapshot holds it (None if it never shows)."""
    def read():
        response = api(site, role, f"/submissions/{submission_id}")
        return response.json() if response.status_code == 200 else None
    return until(read)


def test_a_units_own_workbook_is_accepted_listed_and_read_back(site, books):
    book = filled_template(books / "chu_se_q2.xlsx", CHU_SE, "2021Q2",
                           {"work_records_total": 1000, "work_records_online": 400})
    response = post_workbook(site, "reporter", book)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["status"] == "accepted" and answer["submission_id"] and answer["problems"] == []
    one = visible(site, "reporter", answer["submission_id"])
    assert one and one["file_name"] == "chu_se_q2.xlsx" and one["submitted_by"] == site.name("reporter")
    assert one["units"] == [{"unit_key": "old:633", "unit_code": "633", "unit_name": "Huyện Chư Sê"}]
    assert one["periods"] == ["2021Q2"] and one["values_count"] == 2 and one["status"] == "accepted"
    listed = api(site, "reporter", "/submissions?unit=633&period=2021Q2").json()["submissions"]
    assert answer["submission_id"] in [s["submission_id"] for s in listed]
    # the same content again is a duplicate: 200, nothing new
    again = post_workbook(site, "reporter", book, name="chu_se_lan_2.xlsx")
    assert again.status_code == 200 and again.json()["status"] == "duplicate"


def test_a_flawed_workbook_is_rejected_422_naming_sheet_cell_and_message(site, books):
    flawed = filled_template(books / "chu_se_sai.xlsx", CHU_SE, "2021Q3",
                             {"work_records_total": 10, "work_records_online": 40})
    cell = template_cell(flawed, "work_records_online")
    response = post_workbook(site, "reporter", flawed)
    assert response.status_code == 422
    problem = response.json()["problems"][0]
    assert problem["severity"] == "error" and problem["sheet"] == "Báo cáo" and problem["cell"] == cell
    assert "vượt" in problem["message"] or "lớn hơn" in problem["message"], problem
    english = post_workbook(site, "reporter", flawed, name="chu_se_sai_en.xlsx", lang="en")
    assert english.status_code == 422 and "exceeds" in english.json()["problems"][0]["message"]
    # the rejected submission is kept, with its problems, for its sender
    stored = visible(site, "reporter", response.json()["submission_id"])
    assert stored["status"] == "rejected" and stored["problems"][0]["cell"] == cell


def test_the_period_and_date_fields_are_checked_and_used(site, books):
    book = filled_template(books / "chu_se_q4.xlsx", CHU_SE, "2021Q4", {"work_records_total": 7})
    for form, word in (({"period": "Quý 9/2021"}, "'period'"), ({"submitted": "15/01/2022"}, "'submitted'")):
        refused = post_workbook(site, "reporter", book, **form)
        assert refused.status_code == 400 and word in refused.json()["error"]["message"]
    response = post_workbook(site, "reporter", book, period="Quý IV/2021", submitted="2022-01-10")
    assert response.status_code == 201, response.text
    stored = visible(site, "reporter", response.json()["submission_id"])
    assert stored["periods"] == ["2021Q4"] and stored["submitted_at"].startswith("2022-01-10")


def test_a_reporter_sending_another_units_figures_gets_403_and_nothing_is_recorded(site, books):
    theirs = filled_template(books / "pleiku.xlsx", PLEIKU, "2021Q2", {"work_records_total": 99})
    before = api(site, "admin", "/submissions?limit=2000").json()["count"]
    response = post_workbook(site, "reporter", theirs)
    assert response.status_code == 403
    answer = response.json()
    assert answer["status"] == "forbidden" and answer["submission_id"] is None
    assert answer["problems"][0]["code"] == "unit_not_allowed" and "Thành phố Pleiku" in answer["problems"][0]["message"]
    assert api(site, "admin", "/submissions?limit=2000").json()["count"] == before


def test_a_viewer_or_reviewer_posting_gets_403_and_nothing_is_queued(site, books):
    book = filled_template(books / "an_khe.xlsx", AN_KHE, "2021Q2", {"work_records_total": 5})
    queued = queue_jobs(site.db)
    for role in ("viewer", "reviewer"):
        response = post_workbook(site, role, book)
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
        assert response.json()["error"]["message"] == "Tài khoản của bạn không có quyền này."
    assert queue_jobs(site.db) == queued


def test_no_token_or_a_bad_one_is_401_in_json_and_nothing_is_queued(site, books):
    book = filled_template(books / "dak_doa.xlsx", DAK_DOA, "2021Q2", {"work_records_total": 5})
    queued = queue_jobs(site.db)
    assert post_workbook(site, None, book).status_code == 401
    bad = {"Authorization": f"Bearer {site.tokens['admin'][:-3]}xyz"}
    with book.open("rb") as stream:
        response = requests.post(site.base + "/api/v1/submissions", headers=bad, files={"file": stream}, timeout=60)
    assert response.status_code == 401 and response.json() == {"error": {"code": "unauthorized",
                                                                         "message": "Cần đăng nhập."}}
    for path in ("/submissions", "/submissions/1", "/indicators?period=2021Q2&level=district"):
        assert api(site, None, path).status_code == 401
    assert queue_jobs(site.db) == queued


def test_a_post_without_a_file_is_400(site):
    response = requests.post(site.base + "/api/v1/submissions", headers=site.auth("admin"), data={"x": "1"}, timeout=60)
    assert response.status_code == 400 and "'file'" in response.json()["error"]["message"]


def test_submissions_are_listed_as_each_role_may_see_them(site, books):
    pleiku = filled_template(books / "pleiku_q1.xlsx", PLEIKU, "2021Q1", {"work_records_total": 50})
    theirs = post_workbook(site, "pleiku", pleiku).json()["submission_id"]
    mine = post_workbook(site, "reporter", filled_template(books / "chu_se_q1.xlsx", CHU_SE, "2021Q1",
                                                           {"work_records_total": 60})).json()["submission_id"]
    assert visible(site, "admin", theirs) and visible(site, "admin", mine)
    for role in ("admin", "reviewer", "viewer"):
        ids = [s["submission_id"] for s in api(site, role, "/submissions?period=2021Q1").json()["submissions"]]
        assert {theirs, mine} <= set(ids), role
    reporter = [s["submission_id"] for s in api(site, "reporter", "/submissions").json()["submissions"]]
    assert mine in reporter and theirs not in reporter
    assert api(site, "reporter", f"/submissions/{theirs}").status_code == 403
    assert api(site, "pleiku", f"/submissions/{mine}").status_code == 403
    assert api(site, "reporter", "/submissions/999999").status_code == 404
    forbidden = api(site, "reporter", "/submissions?unit=622")
    assert forbidden.status_code == 403 and "'622'" in forbidden.json()["error"]["message"]
    assert [s["submission_id"] for s in api(site, "viewer", "/submissions?unit=622&period=2021Q1").json()[
        "submissions"]] == [theirs]
    unknown = api(site, "viewer", "/submissions?unit=99999")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "unknown_unit"
    # a code names a unit of the period's era: Huyện Chư Sê ended with the district tier
    assert api(site, "viewer", "/submissions?unit=633&period=2025Q3").status_code == 400


def test_the_indicators_are_the_figures_the_pages_show(site, books):
    for unit, online in ((AN_KHE, 300), (DAK_PO, 700)):
        book = filled_template(books / f"{unit[0]}_2022q2.xlsx", unit, "2022Q2",
                               {"work_records_total": 1000, "work_records_online": online})
        assert post_workbook(site, "admin", book).status_code == 201

    def figures():
        answer = api(site, "viewer", "/indicators?period=2022Q2&level=district").json()
        rows = {row["indicator_code"]: row for row in answer["indicators"]}
        return rows if rows.get("work_records_online_rate", {}).get("units_reported") == 2 else None
    rows = until(figures)
    assert rows, "the two districts' reports never showed"
    work = rows["work_records_online_rate"]
    # a level's rate is the sum of its numerators over the sum of its denominators
    assert (work["numerator"], work["denominator"], work["rate"]) == (1000, 2000, 0.5)
    assert work["name"] == "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng"
    with duckdb.connect(str(site.db.with_name("warehouse.read.duckdb")), read_only=True) as con:
        target, deadline, plan, status, expected = con.execute(
            "SELECT target, deadline, plan_code, status, units_expected FROM level_progress "
            "WHERE period = '2022Q2' AND level = 'district' AND indicator_code = 'work_records_online_rate'").fetchone()
        name_en = con.execute("SELECT name_en FROM catalog_indicators "
                              "WHERE indicator_code = 'work_records_online_rate'").fetchone()[0]
    assert (work["target"], work["deadline"], work["plan_code"], work["status"], work["units_expected"]) == (
        target, deadline.isoformat(), plan, status, expected)
    english = api(site, "reporter", "/indicators?period=2022Q2&level=district&lang=en").json()
    assert english["period_label"] == "Q2/2022"
    assert {row["indicator_code"]: row["name"] for row in english["indicators"]}["work_records_online_rate"] == name_en


def test_the_indicators_name_a_missing_or_wrong_parameter_and_an_empty_period_is_not_an_error(site):
    missing = api(site, "viewer", "/indicators?level=commune")
    assert missing.status_code == 400 and "'period'" in missing.json()["error"]["message"]
    wrong = api(site, "viewer", "/indicators?period=2022Q2&level=huyen")
    assert wrong.status_code == 400 and "'level'" in wrong.json()["error"]["message"]
    bad = api(site, "viewer", "/indicators?period=2022Q9&level=district&lang=en")
    assert bad.status_code == 400 and bad.json()["error"]["message"].startswith("Invalid parameter 'period'")
    empty = api(site, "viewer", "/indicators?period=2019Q1&level=district")
    assert empty.status_code == 200 and empty.json()["indicators"] == []
    assert empty.json()["message"] == "Quý I/2019, cấp huyện: chưa có số liệu."


def test_an_unknown_api_address_is_a_json_404_not_a_page(site):
    response = api(site, "viewer", "/khong-co")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_a_file_still_waiting_for_the_writer_answers_202_with_its_job(db, tmp_path):
    """No writer runs here: the sender is told where its file stands instead of waiting forever."""
    from dashboard.app import create_app
    from etl.warehouse import publish_snapshot
    from ops import accounts
    from ops.queue import UploadQueue
    from ops.store import ops_path

    publish_snapshot(db)
    accounts.add_user(ops_path(db), "so-khcn", "admin", "mat-khau-du-dai")
    token = accounts.create_token(ops_path(db), "so-khcn")
    app = create_app(str(db), ops_db=str(ops_path(db)))
    app.server.config["GOVKPI_SUBMIT_WAIT_S"] = 0.5
    book = filled_template(tmp_path / "cho.xlsx", CHU_SE, "2021Q2", {"work_records_total": 1})
    response = app.server.test_client().post("/api/v1/submissions", headers={"Authorization": f"Bearer {token}"},
                                             data={"file": (io.BytesIO(book.read_bytes()), "cho.xlsx")})
    assert response.status_code == 202
    answer = response.get_json()
    assert answer["status"] == "queued" and answer["job_id"] and answer["submission_id"] is None
    assert UploadQueue(db).result(answer["job_id"]).state == "queued"


def test_a_sender_who_will_not_wait_gets_202_at_once_and_reads_the_outcome_from_its_job(site, books):
    """wait=0: the answer says where the file stands, and /jobs/<id> gives the outcome once loaded."""
    book = filled_template(books / "chu_se_khong_cho.xlsx", CHU_SE, "2020Q4", {"work_records_total": 11})
    response = post_workbook(site, "reporter", book, wait="0")
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    assert response.headers["Location"].endswith(f"/api/v1/jobs/{job_id}")

    def loaded():
        answer = api(site, "reporter", f"/jobs/{job_id}")
        return answer if answer.status_code == 200 else None
    done = until(loaded, timeout=60)
    assert done is not None, "the writer never loaded the job"
    body = done.json()
    assert body["state"] == "done" and body["status"] == "accepted" and body["submission_id"]
    assert api(site, "admin", f"/jobs/{job_id}").status_code == 200


def test_a_job_is_read_only_by_its_sender_and_admins(site, books):
    book = filled_template(books / "chu_se_viec.xlsx", CHU_SE, "2020Q3", {"work_records_total": 3})
    job_id = post_workbook(site, "reporter", book).json()["job_id"]
    other = api(site, "pleiku", f"/jobs/{job_id}")
    assert other.status_code == 403 and "lượt gửi tệp số" in other.json()["error"]["message"]
    # An id nobody sent answers the same 403 to a reporter, so ids cannot be probed; admins get 404.
    assert api(site, "pleiku", "/jobs/999999").status_code == 403
    assert api(site, "admin", "/jobs/999999").status_code == 404
    assert api(site, "viewer", f"/jobs/{job_id}").status_code == 403
    assert api(site, None, f"/jobs/{job_id}").status_code == 401


def test_a_wait_that_is_not_seconds_is_400_and_nothing_is_queued(site, books):
    book = filled_template(books / "chu_se_cho_sai.xlsx", CHU_SE, "2020Q2", {"work_records_total": 2})
    queued = queue_jobs(site.db)
    for wait in ("mãi", "-1", "100000"):
        response = post_workbook(site, "reporter", book, wait=wait)
        assert response.status_code == 400 and "'wait'" in response.json()["error"]["message"], wait
    assert queue_jobs(site.db) == queued
