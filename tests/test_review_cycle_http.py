"""A quarter from upload to locked report, through the real server (`govkpi serve` and `govkpi
writer` in subprocesses, accounts and tokens made with the CLI): while review is required a
district's upload waits, the reviewer sends it back with a reason, the district uploads again,
the reviewer accepts and only then does the figure count; the period is locked and a late file
is refused; an admin unlocks with a reason; the audit trail names each step, who and from where."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests


sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_site import login, post_workbook, start_reviewed_site, until  # noqa: E402
from workbooks import *  # noqa: E402,F403

PERIOD = "2024Q3"


@pytest.fixture(scope="module")
def site(base_db, tmp_path_factory):
    running = start_reviewed_site(base_db, tmp_path_factory.mktemp("review_cycle"))
    yield running
    running.stop()


def api(site, role: str | None, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, site.base + "/api/v1" + path, headers=site.auth(role) if role else {},
                            timeout=60, **kwargs)


def published(site, role: str, submission_id: int, state: str) -> dict | None:
    """The submission once the published snapshot shows it in the review state `state`."""
    def read():
        response = api(site, role, "GET", f"/submissions/{submission_id}")
        return response.json() if response.status_code == 200 and response.json()["review_state"] == state else None
    return until(read)


def chu_se_online(site) -> dict | None:
    """Huyện Chư Sê's share of work records handled online, as the pages show it (None: no figure)."""
    answer = api(site, "viewer", "GET", f"/indicators?period={PERIOD}&level=district").json()
    rows = {row["indicator_code"]: row for row in answer["indicators"]}
    row = rows.get("work_records_online_rate")
    return row if row and row["units_reported"] else None


def trail_count(site) -> int:
    return api(site, "admin", "GET", "/audit?limit=2000").json()["count"]


def test_a_quarter_goes_from_upload_through_review_to_a_locked_report(site, tmp_path):
    first = filled_template(tmp_path / "chu_se_q3.xlsx", CHU_SE, PERIOD,
                            {"work_records_total": 1000, "work_records_online": 500})
    fixed = filled_template(tmp_path / "chu_se_q3_sua.xlsx", CHU_SE, PERIOD,
                            {"work_records_total": 1000, "work_records_online": 610})
    late = filled_template(tmp_path / "chu_se_q3_muon.xlsx", CHU_SE, PERIOD,
                           {"work_records_total": 1000, "work_records_online": 700})

    # The district uploads: the file is loaded but waits, and the pages do not count it yet.
    sent = post_workbook(site, "reporter", first)
    assert sent.status_code == 201, sent.text
    first_id = sent.json()["submission_id"]
    waiting = published(site, "reporter", first_id, "waiting")
    assert waiting and waiting["review_comment"] is None
    assert chu_se_online(site) is None

    # Nobody but a reviewer or an admin decides, and a refused call writes nothing.
    before = trail_count(site)
    assert api(site, None, "POST", f"/submissions/{first_id}/review", json={"decision": "accept"}).status_code == 401
    for role in ("viewer", "reporter"):
        refused = api(site, role, "POST", f"/submissions/{first_id}/review", json={"decision": "accept"})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    no_reason = api(site, "reviewer", "POST", f"/submissions/{first_id}/review", json={"decision": "send_back"})
    assert no_reason.status_code == 400 and "cần ghi rõ lý do" in no_reason.json()["error"]["message"]
    assert api(site, "reviewer", "POST", "/submissions/999999/review",
               json={"decision": "accept"}).status_code == 404
    assert trail_count(site) == before

    # The reviewer sends it back; the district reads why, beside its upload.
    reason = "Số hồ sơ trực tuyến chưa khớp phần mềm một cửa"
    back = api(site, "reviewer", "POST", f"/submissions/{first_id}/review",
               json={"decision": "send_back", "comment": reason})
    assert back.status_code == 200, back.text
    assert back.json()["units"] == [{"unit_key": "old:633", "period": PERIOD}]
    seen = published(site, "reporter", first_id, "sent_back")
    assert seen and (seen["review_comment"], seen["reviewed_by"]) == (reason, site.name("reviewer"))
    listed = api(site, "reporter", "GET", f"/submissions?unit=633&period={PERIOD}").json()["submissions"]
    assert [(s["submission_id"], s["review_state"], s["review_comment"]) for s in listed] == [
        (first_id, "sent_back", reason)]
    assert chu_se_online(site) is None

    # It uploads again; the reviewer accepts; the figure counts on the pages.
    again = post_workbook(site, "reporter", fixed)
    assert again.status_code == 201, again.text
    fixed_id = again.json()["submission_id"]
    assert published(site, "reviewer", fixed_id, "waiting")
    accepted = api(site, "reviewer", "POST", f"/submissions/{fixed_id}/review", json={"decision": "accept"})
    assert accepted.status_code == 200 and accepted.json()["decision"] == "accept"
    figure = until(lambda: chu_se_online(site))
    assert figure and (figure["numerator"], figure["denominator"], figure["rate"]) == (610, 1000, 0.61)

    # The reviewer locks the quarter: a late file is refused whole, saying who can unlock it.
    assert api(site, "viewer", "POST", f"/periods/{PERIOD}/lock", json={}).status_code == 403
    locked = api(site, "reviewer", "POST", f"/periods/{PERIOD}/lock", json={"reason": "Đã báo cáo Ban chỉ đạo"})
    assert locked.status_code == 200 and locked.json()["locked"] is True
    twice = api(site, "reviewer", "POST", f"/periods/{PERIOD}/lock", json={})
    assert twice.status_code == 400 and "đã chốt rồi" in twice.json()["error"]["message"]
    refused = post_workbook(site, "reporter", late)
    assert refused.status_code == 422, refused.text
    message = " ".join(p["message"] for p in refused.json()["problems"])
    assert "Kỳ Quý III/2024 đã chốt số liệu ngày" in message and site.name("admin") in message

    # Only an admin unlocks, and only with a reason.
    assert api(site, "reviewer", "POST", f"/periods/{PERIOD}/unlock", json={"reason": "sửa"}).status_code == 403
    blank = api(site, "admin", "POST", f"/periods/{PERIOD}/unlock?lang=en", json={"reason": " "})
    assert blank.status_code == 400 and blank.json()["error"]["message"] == "Unlocking needs a reason."
    unlocked = api(site, "admin", "POST", f"/periods/{PERIOD}/unlock", json={"reason": "Huyện xin sửa số"})
    assert unlocked.status_code == 200 and unlocked.json()["locked"] is False

    # The trail shows each step: who, from which address, newest first; for admins only.
    assert api(site, "reviewer", "GET", "/audit").status_code == 403
    assert api(site, None, "GET", "/audit").status_code == 401
    unit_trail = api(site, "admin", "GET", f"/audit?unit=633&period={PERIOD}").json()["events"]
    steps = [(e["action"], e["actor"], e["submission_id"]) for e in reversed(unit_trail)]
    reporter, reviewer = site.name("reporter"), site.name("reviewer")
    assert steps[:5] == [("upload", reporter, first_id), ("review_send_back", reviewer, first_id),
                         ("upload", reporter, fixed_id), ("supersede", reporter, first_id),
                         ("review_accept", reviewer, fixed_id)]
    assert [action for action, _, _ in steps[5:]] == ["upload"]  # the late file, refused
    assert [e["detail"]["status"] for e in reversed(unit_trail) if e["action"] == "upload"] == [
        "accepted", "accepted", "rejected"]
    decisions = [e for e in unit_trail if e["action"].startswith("review_")]
    assert {e["address"] for e in decisions} == {"127.0.0.1"}
    period_trail = api(site, "admin", "GET", f"/audit?period={PERIOD}&action=unlock").json()["events"]
    assert [(e["actor"], e["detail"]["reason"]) for e in period_trail] == [(site.name("admin"), "Huyện xin sửa số")]
    locks = api(site, "admin", "GET", f"/audit?period={PERIOD}").json()["events"]
    assert [e["action"] for e in locks if e["action"] in ("lock", "unlock")] == ["unlock", "lock"]


def test_a_unit_explains_its_own_figure_and_only_its_own(site):
    text = "Giảm do mất điện hai tuần"
    own = api(site, "reporter", "POST", "/comments",
              json={"unit": "633", "indicator": "work_records_online_rate", "period": "2024Q2", "text": text})
    assert own.status_code == 201, own.text
    assert (own.json()["unit_key"], own.json()["author"]) == ("old:633", site.name("reporter"))
    other = api(site, "reporter", "POST", "/comments",
                json={"unit": "622", "indicator": "work_records_online_rate", "period": "2024Q2", "text": "x"})
    assert other.status_code == 403
    assert api(site, "viewer", "POST", "/comments",
               json={"unit": "633", "indicator": "work_records_online_rate", "period": "2024Q2", "text": "x"}
               ).status_code == 403
    unknown = api(site, "reviewer", "POST", "/comments",
                  json={"unit": "633", "indicator": "khong_co", "period": "2024Q2", "text": "x"})
    assert unknown.status_code == 400 and "khong_co" in unknown.json()["error"]["message"]

    def shown():
        rows = api(site, "viewer", "GET", "/comments?unit=633&period=2024Q2").json()["comments"]
        return rows or None
    rows = until(shown)
    assert rows and [(r["indicator_code"], r["text"], r["author"]) for r in rows] == [
        ("work_records_online_rate", text, site.name("reporter"))]
    trail = api(site, "admin", "GET", "/audit?unit=633&action=comment").json()["events"]
    assert [(e["actor"], e["detail"]["text"], e["address"]) for e in trail] == [(site.name("reporter"), text, "127.0.0.1")]


def test_a_browser_session_needs_the_pages_csrf_token_to_decide(site):
    browser = login(site.base, site.name("reviewer"))
    browser.get(site.base + "/", timeout=60)
    without = browser.post(site.base + "/api/v1/periods/2023Q1/lock", json={}, timeout=60)
    assert without.status_code == 400
    with_token = browser.post(site.base + "/api/v1/periods/2023Q1/lock", json={},
                              headers={"X-CSRFToken": browser.cookies["_csrf_token"]}, timeout=60)
    assert with_token.status_code == 200, with_token.text
