"""Issue 10 in headless Chromium on the demo warehouse: what a committee member clicking through
the pages sees after switching periods, following an old link, or typing a wrong URL."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from dash.testing.wait import until

from dashboard.app import create_app

pytestmark = pytest.mark.browser
OLD_DISTRICT = "old:551"  # Huyện Vân Canh: gone with the district tier on 1 July 2025


@pytest.fixture
def app_duo(dash_duo, dashboard_db):
    dash_duo.start_server(create_app(dashboard_db))
    dash_duo.driver.set_window_size(1600, 900)
    return dash_duo


def _open(duo, path: str) -> None:
    duo.driver.get(duo.server_url + path)
    duo.wait_for_element(".page-title", timeout=30)
    duo.wait_for_no_elements("._dash-loading", timeout=30)


def _pick(duo, name: str, label: str) -> None:
    """Opens the filter dropdown `name` and clicks the option labelled `label` as a user does
    (a script click: the dropdown's own search box overlaps its first option while it opens)."""
    duo.find_element(f"#filter-wrap-{name} .dash-dropdown").click()
    until(lambda: any(o.text == label for o in duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")),
          timeout=30)
    option = next(o for o in duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option") if o.text == label)
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", option)


def test_switching_to_a_new_period_with_an_old_district_filter_is_not_a_false_no_data(app_duo):
    _open(app_duo, f"/don-vi?period=2024Q2&level=commune&unit={OLD_DISTRICT}")
    app_duo.wait_for_element("#filter-wrap-unit", timeout=30)
    _pick(app_duo, "period", "Quý III/2026")
    app_duo.wait_for_contains_text("#filter-notices", "Huyện Vân Canh không còn tồn tại trong Quý III/2026", timeout=30)
    app_duo.wait_for_contains_text("#units-count", "đơn vị cấp xã", timeout=30)
    notes = " ".join(n.text for n in app_duo.driver.find_elements(By.CSS_SELECTOR, ".note"))
    assert ": chưa có số liệu." not in notes
    assert app_duo.get_logs() == []


def test_the_clear_filters_link_returns_to_the_bare_page(app_duo):
    _open(app_duo, f"/don-vi?period=2024Q4&level=commune&unit={OLD_DISTRICT}&lang=en")
    app_duo.wait_for_element("#filter-wrap-unit", timeout=30)
    app_duo.find_element("#clear-filters").click()
    until(lambda: app_duo.driver.current_url.endswith("/don-vi?lang=en"), timeout=30)
    app_duo.wait_for_contains_text(".page-title", "Q3/2026", timeout=30)
    assert not app_duo.driver.find_elements(By.CSS_SELECTOR, "#filter-wrap-unit")
    assert app_duo.get_logs() == []


def test_an_invalid_period_in_the_url_is_announced(app_duo):
    _open(app_duo, "/?period=2099Q9")
    app_duo.wait_for_contains_text("#filter-notices", "Kỳ báo cáo “2099Q9” không hợp lệ", timeout=30)
    _open(app_duo, "/chi-tieu?period=abc&lang=en")
    app_duo.wait_for_contains_text("#filter-notices", "The period “abc” is not valid", timeout=30)


def test_the_units_page_counts_every_commune_not_only_the_worst_shown(app_duo):
    _open(app_duo, "/don-vi?period=2024Q4&level=commune")
    app_duo.wait_for_contains_text("#units-count", "/360 đơn vị cấp xã đạt", timeout=30)
    notes = " ".join(n.text for n in app_duo.driver.find_elements(By.CSS_SELECTOR, ".note"))
    assert "Hiển thị 150 đơn vị có tỷ lệ thấp nhất trên tổng số 360" in notes
