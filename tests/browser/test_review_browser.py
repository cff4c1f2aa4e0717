"""Issue 12 in headless Chromium against the real server (`govkpi serve` and `govkpi writer`):
a district's upload waits for review; the reviewer signs in, reads it on /duyet and sends it
back with a reason through the page's form; the district's clerk signs in and reads the reason
beside the upload on /nop-bao-cao."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from api_site import browser_sign_in, post_workbook, start_reviewed_site  # noqa: E402
from workbooks import CHU_SE, base_db, filled_template  # noqa: E402,F401  (base_db: the fixture)

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def site(base_db, tmp_path_factory):
    running = start_reviewed_site(base_db, tmp_path_factory.mktemp("review_browser"))
    yield running
    running.stop()


def test_a_reviewer_sends_back_on_the_page_and_the_clerk_reads_why(dash_duo, site, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    book = filled_template(tmp_path / "chu_se_q3.xlsx", CHU_SE, "2024Q3",
                           {"work_records_total": 1000, "work_records_online": 500})
    sent = post_workbook(site, "reporter", book)
    assert sent.status_code == 201, sent.text
    submission = sent.json()["submission_id"]

    browser_sign_in(dash_duo, site.base, site.name("reviewer"), "/duyet")
    for _ in range(20):  # the writer publishes within a second or so; the page is read again
        dash_duo.wait_for_element("#review-locks", timeout=30)
        if dash_duo.driver.find_elements(By.ID, f"review-{submission}"):
            break
        dash_duo.driver.refresh()
    card = dash_duo.find_element(f"#review-{submission}")
    assert "Huyện Chư Sê" in card.text and "chu_se_q3.xlsx" in card.text
    reason = "Số hồ sơ trực tuyến chưa khớp phần mềm một cửa"
    card.find_element(By.CSS_SELECTOR, "textarea[name=comment]").send_keys(reason)
    dash_duo.driver.save_screenshot(str(SHOTS / "review_queue.png"))
    dash_duo.find_element(f"#review-send-back-{submission}").click()
    dash_duo.wait_for_contains_text("#review-notice", f"Đã trả lại lần nộp số {submission}.", timeout=30)
    assert "/duyet?tb=" in dash_duo.driver.current_url  # after the POST, a GET: a reload sends nothing

    browser_sign_in(dash_duo, site.base, site.name("reporter"), "/nop-bao-cao")
    dash_duo.wait_for_contains_text("#upload-history", reason, timeout=30)
    assert f"Bị trả lại ({site.name('reviewer')}): {reason}" in dash_duo.find_element(".upload-sent-back").text
    dash_duo.driver.save_screenshot(str(SHOTS / "review_sent_back.png"))
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []
