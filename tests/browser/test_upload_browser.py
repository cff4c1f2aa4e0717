"""Issue 11 in headless Chromium against the real server (`govkpi serve`, with its writer): a
commune's clerk signs in, drops a flawed workbook on the upload page, reads the problem, takes
the error report, sends the corrected workbook, and sees the commune's figure change."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest
import requests
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from etl.template import DATA_SHEET
from exports.error_report import PROBLEMS_SHEET

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_role_matrix import PASSWORD, copy_warehouse, govkpi, start_server, stop  # noqa: E402
from workbooks import filled_template, template_cell  # noqa: E402

pytestmark = pytest.mark.browser
PERIOD = "2026Q3"
INDICATOR = "dossiers_online_rate"  # dossiers_online over dossiers_total
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def commune(demo_db) -> dict:
    """A commune in force whose code names one unit, with its figures of PERIOD in the demo."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        code, name, key = con.execute("""
            SELECT unit_code, any_value(unit_name), any_value(unit_key) FROM unit_directory
            WHERE level = 'commune' AND valid_to >= current_date
            GROUP BY unit_code HAVING count(*) = 1 ORDER BY unit_code LIMIT 1""").fetchone()
        values = dict(con.execute("SELECT metric_code, value FROM metric_values WHERE unit_key = ? AND period = ?",
                                  [key, PERIOD]).fetchall())
    assert values["dossiers_online"] < values["dossiers_total"]
    return {"code": code, "name": name, "key": key, "values": values}


@pytest.fixture(scope="module")
def site(demo_db, commune, tmp_path_factory):
    db = copy_warehouse(demo_db, tmp_path_factory.mktemp("upload-browser"))
    done = govkpi("user", "add", "van-thu-xa", "--role", "reporter", "--unit", commune["code"],
                  "--password-stdin", "--db", str(db), stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    server, base = start_server(db)
    yield {"base": base, "folder": db.parent}
    stop(server)


def test_a_clerk_uploads_reads_the_problem_fixes_it_and_sees_the_figure_change(dash_duo, site, commune):
    driver = dash_duo.driver
    driver.set_window_size(1280, 720)
    SHOTS.mkdir(parents=True, exist_ok=True)
    unit = (commune["code"], commune["name"])
    values = dict(commune["values"])
    flawed = filled_template(site["folder"] / "bao_cao_quy3.xlsx", unit, PERIOD, {**values, "work_records_total": "mười"})
    # every dossier received online this time: the rate becomes 100%
    fixed = filled_template(site["folder"] / "bao_cao_quy3_da_sua.xlsx", unit, PERIOD,
                            {**values, "dossiers_online": values["dossiers_total"]})
    base = site["base"]
    unit_page = f"{base}/don-vi/{commune['key']}?period={PERIOD}&indicator={INDICATOR}"

    driver.get(f"{base}/dang-nhap?next=/nop-bao-cao")
    driver.find_element(By.ID, "name").send_keys("van-thu-xa")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    dash_duo.wait_for_element("#upload-file", timeout=30)  # the file input the page's script puts in the drop zone
    assert commune["name"] in dash_duo.find_element("#upload-units").text
    assert "Nộp báo cáo" in dash_duo.find_element(".nav-link.active").text  # the nav shows it to a reporter
    before = _headline(dash_duo, unit_page)
    driver.get(f"{base}/nop-bao-cao")
    dash_duo.wait_for_element("#upload-file", timeout=30)
    driver.save_screenshot(str(SHOTS / "upload_empty.png"))

    driver.find_element(By.ID, "upload-file").send_keys(str(flawed))
    dash_duo.wait_for_contains_text("#upload-drop-files", "bao_cao_quy3.xlsx", timeout=10)
    driver.find_element(By.ID, "upload-submit").click()
    dash_duo.wait_for_contains_text("#upload-results", "Bị từ chối", timeout=120)
    cell = template_cell(flawed, "work_records_total")
    results = dash_duo.find_element("#upload-results").text
    assert f'Ô {cell} (Tổng số hồ sơ công việc): "mười" không phải là số.' in results
    assert DATA_SHEET in results and "bao_cao_quy3.xlsx" in results
    assert "/nop-bao-cao?lan=" in driver.current_url  # after the POST, a GET: a reload sends nothing
    driver.save_screenshot(str(SHOTS / "upload_rejected.png"))

    link = dash_duo.find_element(".upload-result .upload-report-link").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
    report = requests.get(link, cookies=cookies, timeout=60)
    assert report.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(report.content))
    assert book.sheetnames[0] == PROBLEMS_SHEET
    assert "không phải là số" in book[DATA_SHEET][cell].comment.text

    driver.find_element(By.ID, "upload-file").send_keys(str(fixed))
    driver.find_element(By.ID, "upload-submit").click()
    dash_duo.wait_for_contains_text("#upload-results", "Đã nhận", timeout=120)
    history = dash_duo.find_element("#upload-history").text
    assert "bao_cao_quy3_da_sua.xlsx" in history and "bao_cao_quy3.xlsx" in history
    driver.save_screenshot(str(SHOTS / "upload_accepted.png"))

    until(lambda: _headline(dash_duo, unit_page) != before, timeout=30)
    after = _headline(dash_duo, unit_page)
    assert "100" in after and "100" not in before, (before, after)
    driver.save_screenshot(str(SHOTS / "upload_unit_after.png"))
    driver.get(f"{base}/nop-bao-cao")
    dash_duo.wait_for_contains_text("#upload-history", "Thay cho lần nộp trước", timeout=30)
    driver.execute_script("document.getElementById('upload-history').scrollIntoView()")
    driver.save_screenshot(str(SHOTS / "upload_history.png"))
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []


def _headline(duo, url: str) -> str:
    """The commune's figure of the period on its page, as the committee reads it."""
    duo.driver.get(url)
    duo.wait_for_element("#unit-headline .card-value", timeout=30)
    return duo.find_element("#unit-headline .card-value").text
