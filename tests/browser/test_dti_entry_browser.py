"""Entering the DTI self-assessment in headless Chromium against the real server (`govkpi serve`
and `govkpi writer`, accounts made with the CLI): an admin signs in, opens /chi-so/dti for 2024,
types a main index's score the Vietnamese way ("8,5") into its form and sees the score and the
year's total change; attaches a PDF through the page's file input and sees it listed with its
download link. Screenshot: test-artifacts/screenshots/dti_entry.png."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from api_site import browser_sign_in, start_site  # noqa: E402
from workbooks import base_db  # noqa: E402,F401  (base_db: the fixture)

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def site(base_db, tmp_path_factory):  # noqa: F811
    running = start_site(base_db, tmp_path_factory.mktemp("dti_browser_site"))
    yield running
    running.stop()


def test_an_admin_types_a_score_with_a_comma_and_the_total_changes(dash_duo, site, tmp_path):
    browser_sign_in(dash_duo, site.base, site.name("admin"), "/chi-so/dti%3Fyear%3D2024")
    dash_duo.wait_for_contains_text("#dti-entry-total", "Tổng điểm năm 2024: – / 1.000", timeout=60)
    assert dash_duo.find_element("#dti-value-the_che_so").text == "Chưa nhập điểm."

    dash_duo.find_element("#dti-value-input-the_che_so").send_keys("8,5")
    dash_duo.find_element("#dti-value-save-the_che_so").click()
    dash_duo.wait_for_contains_text("#dti-notice", "Đã lưu điểm 8,5 của «Thể chế số» năm 2024.", timeout=30)
    assert "/chi-so/dti?year=2024&tb=" in dash_duo.driver.current_url  # after the POST, a GET
    dash_duo.wait_for_contains_text("#dti-entry-total", "Tổng điểm năm 2024: 8,5 / 1.000", timeout=30)
    assert dash_duo.find_element("#dti-value-the_che_so").text.startswith("Điểm: 8,5")

    evidence = tmp_path / "ke_hoach_cds.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    dash_duo.wait_for_element("#dti-item-the_che_so input[type=file]", timeout=30)
    dash_duo.find_element("#dti-item-the_che_so input[type=file]").send_keys(str(evidence))
    dash_duo.find_element("#dti-evidence-save-the_che_so").click()
    dash_duo.wait_for_contains_text("#dti-notice", "Đã đính kèm ke_hoach_cds.pdf cho «Thể chế số».", timeout=30)
    link = dash_duo.find_element("#dti-item-the_che_so a[href*='/chi-so/tai-lieu/']")
    assert link.text == "ke_hoach_cds.pdf"
    SHOTS.mkdir(parents=True, exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / "dti_entry.png"))
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []
