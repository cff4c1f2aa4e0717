"""Every page lives in headless Chromium on a real warehouse: filters, drill-down, language,
and no browser errors. Screenshots (1600×900) go to test-artifacts/screenshots/."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

from dash.testing.wait import until

from dashboard.app import create_app

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PAGES = [("/", "overview"), ("/chi-tieu", "targets"), ("/don-vi", "units"), ("/dich-vu-cong", "services"),
         ("/bao-cao", "reporting"), ("/danh-muc", "catalog")]


def _open(dash_duo, path: str) -> None:
    dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element(".page-title", timeout=20)
    dash_duo.wait_for_no_elements("._dash-loading", timeout=20)


def _shot(dash_duo, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    dash_duo.driver.set_window_size(1600, 900)
    dash_duo.driver.save_screenshot(str(SHOTS / f"{name}.png"))


def _choose(dash_duo, name: str, label: str) -> None:
    """Picks the option labelled `label` in the filter dropdown `name`; the URL then carries it.
    A page still re-rendering replaces the dropdown under the driver's hand: try again then."""
    for attempt in range(5):
        try:
            dash_duo.wait_for_no_elements("._dash-loading", timeout=20)
            dash_duo.select_dcc_dropdown(f"#filter-wrap-{name} .dash-dropdown", value=label)
            return
        except StaleElementReferenceException:
            if attempt == 4:
                raise
            time.sleep(0.5)


@pytest.fixture
def app_duo(dash_duo, dashboard_db):
    app = create_app(dashboard_db)
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(1600, 900)
    return dash_duo


def test_every_page_opens_without_errors_and_is_photographed(app_duo):
    for path, name in PAGES:
        _open(app_duo, path)
        assert "Traceback" not in app_duo.driver.page_source
        assert not app_duo.driver.find_elements(By.CSS_SELECTOR, ".note-error"), path
        _shot(app_duo, name)
    assert app_duo.get_logs() == []


def test_filters_go_into_the_url_and_the_link_reproduces_the_view(app_duo):
    _open(app_duo, "/chi-tieu")
    _choose(app_duo, "period", "Quý IV/2020")
    app_duo.wait_for_contains_text(".page-title", "Quý IV/2020", timeout=20)
    assert "period=2020Q4" in app_duo.driver.current_url
    _choose(app_duo, "plan", "749/QĐ-TTg")
    until(lambda: "plan=QD749" in app_duo.driver.current_url, timeout=20)
    link = app_duo.driver.current_url
    _open(app_duo, "/")
    app_duo.driver.get(link)
    app_duo.wait_for_contains_text(".page-title", "Quý IV/2020", timeout=20)
    assert app_duo.get_logs() == []


def test_units_level_filter_and_drill_down_to_a_unit(app_duo):
    _open(app_duo, "/don-vi?period=2024Q4")
    _choose(app_duo, "level", "Cấp xã")
    app_duo.wait_for_element("#filter-wrap-unit", timeout=20)
    assert "level=commune" in app_duo.driver.current_url
    _choose(app_duo, "level", "Cấp huyện")
    app_duo.wait_for_no_elements("#filter-wrap-unit", timeout=20)  # the commune page is gone
    app_duo.wait_for_element(".js-plotly-plot .bars .point path", timeout=20)
    bar = app_duo.driver.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .bars .point path")[-1]
    # Plotly takes clicks on its drag layer above the bars: hover the bar, then click there.
    app_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", bar)
    ActionChains(app_duo.driver).move_to_element(bar).pause(0.5).click().perform()
    app_duo.wait_for_element(".unit-header", timeout=20)
    assert "/don-vi/" in app_duo.driver.current_url
    _shot(app_duo, "unit")
    _choose(app_duo, "indicator", "Tỷ lệ hồ sơ tiếp nhận trực tuyến")
    until(lambda: "indicator=dossiers_online_rate" in app_duo.driver.current_url, timeout=20)
    app_duo.wait_for_element(".unit-header", timeout=20)
    assert app_duo.get_logs() == []


def test_language_switch_keeps_the_view(app_duo):
    _open(app_duo, "/bao-cao?period=2024Q4")
    assert app_duo.find_element(".nav-link.active").text == "Tình hình báo cáo"
    app_duo.find_element("#shell-lang-link").click()
    app_duo.wait_for_contains_text(".page-title", "Reporting", timeout=20)
    assert "lang=en" in app_duo.driver.current_url and "period=2024Q4" in app_duo.driver.current_url
    assert app_duo.find_element(".nav-link.active").text == "Reporting"
    _shot(app_duo, "reporting-en")
    app_duo.find_element("#shell-lang-link").click()
    app_duo.wait_for_contains_text(".page-title", "Tình hình báo cáo", timeout=20)
    assert app_duo.get_logs() == []

