"""Reviewing in the browser, through the real server (`govkpi serve` and `govkpi writer`): the
reviewer reads the queue on /duyet, each value beside the previous period with the swing
flagged, sends a district's file back with a reason through the page's form (CSRF token, 303
back to the page), and the district reads the reason beside its upload on /nop-bao-cao; the
reviewer locks the quarter from the same page."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import requests


sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_site import login, page, post_workbook, start_reviewed_site, until  # noqa: E402
from workbooks import *  # noqa: E402,F403


@pytest.fixture(scope="module")
def site(base_db, tmp_path_factory):
    running = start_reviewed_site(base_db, tmp_path_factory.mktemp("review_page"))
    yield running
    running.stop()


def form_token(client: requests.Session, base: str) -> str:
    client.get(base + "/_dash-layout", timeout=60)
    return client.cookies["_csrf_token"]


def test_a_reviewer_sends_back_from_the_page_and_the_district_reads_why(site, tmp_path):
    earlier = filled_template(tmp_path / "q2.xlsx", CHU_SE, "2024Q2", {"work_records_total": 900, "work_records_online": 300})
    book = filled_template(tmp_path / "q3.xlsx", CHU_SE, "2024Q3", {"work_records_total": 1000, "work_records_online": 500})
    first = post_workbook(site, "reporter", earlier).json()["submission_id"]
    reviewer = login(site.base, site.name("reviewer"))
    token = form_token(reviewer, site.base)
    assert reviewer.post(site.base + f"/duyet/quyet-dinh/{first}", data={"decision": "accept", "csrf_token": token},
                         allow_redirects=False, timeout=60).status_code in (303,)
    sent = post_workbook(site, "reporter", book).json()["submission_id"]

    queue = until(lambda: (lambda p: p if f"#{sent} Huyện Chư Sê" in p else None)(page(reviewer, site.base, "/duyet")))
    assert queue, "the upload never reached the queue"
    # 500 online against 300 the quarter before: +66,7%, past the 30% threshold
    assert "⚠ Số hồ sơ công việc được xử lý trên môi trường mạng" in queue and "66,7%" in queue
    assert f"#{first} " not in queue  # accepted: no longer waiting
    assert "1 lần nộp đang chờ duyệt" in page(reviewer, site.base, "/bao-cao", "?period=2024Q3")

    reason = "Số trực tuyến tăng bất thường, đề nghị kiểm tra"
    without = reviewer.post(site.base + f"/duyet/quyet-dinh/{sent}", data={"decision": "send_back", "comment": reason},
                            allow_redirects=False, timeout=60)
    assert without.status_code == 400
    viewer = login(site.base, site.name("viewer"))
    assert viewer.post(site.base + f"/duyet/quyet-dinh/{sent}",
                       data={"decision": "send_back", "comment": reason, "csrf_token": form_token(viewer, site.base)},
                       allow_redirects=False, timeout=60).status_code == 403
    assert "không được duyệt số liệu" in page(viewer, site.base, "/duyet")

    back = reviewer.post(site.base + f"/duyet/quyet-dinh/{sent}",
                         data={"decision": "send_back", "comment": reason, "csrf_token": token},
                         allow_redirects=False, timeout=60)
    assert back.status_code == 303 and back.headers["Location"].startswith("/duyet?tb=")
    search = "?" + back.headers["Location"].split("?", 1)[1]
    assert f"Đã trả lại lần nộp số {sent}." in page(reviewer, site.base, "/duyet", search)

    reporter = login(site.base, site.name("reporter"))
    uploads = page(reporter, site.base, "/nop-bao-cao")
    assert f"Bị trả lại ({site.name('reviewer')}): {reason}" in uploads
    assert f"Đã duyệt ({site.name('reviewer')})." in uploads


def test_the_reviewer_locks_a_quarter_from_the_page_and_only_an_admin_unlocks(site):
    """Runs after the first test, whose 2024Q2 upload gives the quarter figures to show."""
    reviewer = login(site.base, site.name("reviewer"))
    token = form_token(reviewer, site.base)
    done = reviewer.post(site.base + "/duyet/chot", data={"period": "2024Q2", "csrf_token": token},
                         allow_redirects=False, timeout=60)
    assert done.status_code == 303
    assert until(lambda: "Quý II/2024 (tham-dinh)" in page(reviewer, site.base, "/duyet"))
    assert "Số liệu đã chốt ngày" in page(reviewer, site.base, "/bao-cao", "?period=2024Q2")
    assert "Số liệu đã chốt ngày" in page(reviewer, site.base, "/chi-tieu", "?period=2024Q2")
    assert "review-unlock" not in page(reviewer, site.base, "/duyet")
    assert reviewer.post(site.base + "/duyet/mo-khoa", data={"period": "2024Q2", "reason": "x", "csrf_token": token},
                         allow_redirects=False, timeout=60).status_code == 403
    admin = login(site.base, site.name("admin"))
    admin_token = form_token(admin, site.base)
    blank = admin.post(site.base + "/duyet/mo-khoa", data={"period": "2024Q2", "reason": "", "csrf_token": admin_token},
                       allow_redirects=False, timeout=60)
    search = "?" + blank.headers["Location"].split("?", 1)[1]
    assert "Mở khóa cần ghi lý do" in page(admin, site.base, "/duyet", search)
    assert admin.post(site.base + "/duyet/mo-khoa", data={"period": "2024Q2", "reason": "Sửa số", "csrf_token": admin_token},
                      allow_redirects=False, timeout=60).status_code == 303
    assert until(lambda: "Quý II/2024 (" not in page(admin, site.base, "/duyet"))


def test_a_district_explains_its_figure_on_its_page_and_it_shows_beside_the_indicator(site, tmp_path):
    book = filled_template(tmp_path / "q1.xlsx", CHU_SE, "2024Q1", {"work_records_total": 800, "work_records_online": 200})
    sent = post_workbook(site, "admin", book).json()["submission_id"]
    admin = login(site.base, site.name("admin"))
    accepted = admin.post(site.base + f"/duyet/quyet-dinh/{sent}",
                          data={"decision": "accept", "csrf_token": form_token(admin, site.base)},
                          allow_redirects=False, timeout=60)
    assert accepted.status_code == 303
    # the upload answered once loaded; the decision waits for the publish instead of "no such submission"
    assert f"Đã duyệt lần nộp số {sent}." in page(admin, site.base, "/duyet", "?" + accepted.headers["Location"].split("?", 1)[1])
    search = "?period=2024Q1&indicator=work_records_online_rate"
    reporter = login(site.base, site.name("reporter"))
    assert until(lambda: "comment-form" in page(reporter, site.base, "/don-vi/old:633", search))
    assert "comment-form" not in page(login(site.base, site.name("viewer")), site.base, "/don-vi/old:633", search)
    assert "comment-form" not in page(reporter, site.base, "/don-vi/old:622", search)  # Pleiku: not theirs
    text = "Giảm do mất điện hai tuần"
    done = reporter.post(site.base + "/ghi-chu", data={"unit_key": "old:633", "indicator": "work_records_online_rate",
                                                       "period": "2024Q1", "text": text,
                                                       "csrf_token": form_token(reporter, site.base)},
                         allow_redirects=False, timeout=60)
    assert done.status_code == 303 and done.headers["Location"].startswith("/don-vi/old:633?period=2024Q1&tb=")
    assert until(lambda: text in page(reporter, site.base, "/don-vi/old:633", search))
    targets = page(reporter, site.base, "/chi-tieu", search)
    section = targets[targets.index('"section-work_records_online_rate"') - 6000:targets.index('"section-work_records_online_rate"')]
    assert '"Huyện Chư Sê: "' in section and f'"{text}"' in section
    assert reporter.post(site.base + "/ghi-chu", data={"unit_key": "old:622", "indicator": "work_records_online_rate",
                                                       "period": "2024Q1", "text": "x",
                                                       "csrf_token": form_token(reporter, site.base)},
                         allow_redirects=False, timeout=60).status_code == 403


def test_the_admin_reads_the_trail_and_a_values_history_on_the_audit_page(site):
    admin = login(site.base, site.name("admin"))
    sent_back = page(admin, site.base, "/nhat-ky", "?unit=633&action=review_send_back")
    assert '"tham-dinh (reviewer)"' in sent_back and "Số trực tuyến tăng bất thường, đề nghị kiểm tra" in sent_back
    assert '"127.0.0.1"' in sent_back and '"review_accept"' not in sent_back
    history = page(admin, site.base, "/nhat-ky", "?h_unit=633&h_metric=work_records_online&h_period=2024Q3")
    assert "audit-value-history" in history and '"500"' in history and "tham-dinh (send_back)" in history
    assert '"ubnd-chu-se, ' in history  # who sent it
    bad = page(admin, site.base, "/nhat-ky", "?period=2024Q9")
    assert "Kỳ không hợp lệ: '2024Q9'" in bad
    assert "Chỉ quản trị viên xem được nhật ký." in page(login(site.base, site.name("reviewer")), site.base, "/nhat-ky")
