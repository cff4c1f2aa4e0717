"""Issue 10 in headless Chromium: the menu holds one line on a 1280×720 projector, the printer
gets no menu and no chart toolbar, an unknown address gets a Vietnamese or English page, and
/bao-cao's headline and list count the same units."""
from __future__ import annotations

import re
import time

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

from dashboard.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def app_duo(dash_duo, dashboard_db):
    dash_duo.start_server(create_app(dashboard_db))
    return dash_duo


def _open(duo, path: str, selector: str = ".page-title") -> None:
    duo.driver.get(duo.server_url + path)
    duo.wait_for_element(selector, timeout=30)
    duo.wait_for_no_elements("._dash-loading", timeout=30)


def _settled(read, tries: int = 20):
    """Reads the page once its callbacks stop redrawing it: the shell callback replaces the menu
    and a page's content may be drawn twice, so an element found a moment ago can be gone
    (Selenium's StaleElementReferenceException on a busy machine). Retries the whole read."""
    for _ in range(tries - 1):
        try:
            return read()
        except StaleElementReferenceException:
            time.sleep(0.5)
    return read()


def test_the_menu_stays_on_one_line_on_a_1280x720_projector(app_duo):
    for width, height in ((1280, 720), (1920, 1080)):
        app_duo.driver.set_window_size(width, height)
        for lang in ("vi", "en"):
            _open(app_duo, f"/bao-cao?lang={lang}")

            def read_menu():
                links = app_duo.driver.find_elements(By.CSS_SELECTOR, ".nav .nav-link")
                nav = app_duo.driver.find_element(By.CSS_SELECTOR, ".nav")
                return [link.rect for link in links], nav.rect

            rects, nav = _settled(read_menu)
            assert len(rects) == 7
            tops = {round(rect["y"]) for rect in rects}
            assert len(tops) == 1, (width, lang, tops)  # one line: every link at the same height
            last = rects[-1]
            assert last["x"] + last["width"] <= nav["x"] + nav["width"] + 1, (width, lang)  # none hidden
            header = app_duo.driver.find_element(By.CSS_SELECTOR, ".header")
            assert header.rect["width"] <= width
            body = app_duo.driver.execute_script("return document.documentElement.scrollWidth")
            assert body <= app_duo.driver.execute_script("return window.innerWidth"), (width, lang)  # nothing overflows


def test_printing_hides_the_menu_the_filters_and_the_chart_toolbars(app_duo):
    _open(app_duo, "/bao-cao", ".js-plotly-plot")

    def shown(selector: str) -> list[str]:
        return app_duo.driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => getComputedStyle(e).display)", selector)

    def rendered(selector: str) -> list[bool]:
        return app_duo.driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getClientRects().length > 0)", selector)

    assert "none" not in shown(".header") + shown(".filters")  # on screen they are there
    assert any(rendered(".nav-link"))
    app_duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        for selector in (".header", ".filters", ".modebar-container", ".table-fold"):
            displays = shown(selector)
            assert displays and set(displays) == {"none"}, selector
        for selector in (".nav", ".nav-link", ".csv-button", ".modebar-btn"):  # inside what is hidden
            assert not any(rendered(selector)), selector
        assert all(rendered(".js-plotly-plot"))  # the charts are what is printed
    finally:
        app_duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_an_unknown_address_gets_a_page_in_the_urls_language(app_duo):
    _open(app_duo, "/khong-co-trang-nay")
    assert app_duo.find_element(".page-title").text == "Không tìm thấy trang"
    _open(app_duo, "/no-such-page?lang=en")
    assert app_duo.find_element(".page-title").text == "Page not found"
    assert "404 - Page not found" not in app_duo.driver.page_source
    assert app_duo.driver.find_elements(By.LINK_TEXT, "Overview")


def test_reporting_headline_and_missing_list_count_the_same_units(app_duo):
    app_duo.driver.set_window_size(1280, 720)
    _open(app_duo, "/bao-cao?period=2025Q3", "#reporting-headline")
    headline, title = _settled(lambda: (app_duo.find_element("#reporting-headline").text,
                                        app_duo.find_element("#reporting-missing-title").text))
    missing = int(re.search(r"(\d+) chưa báo cáo", headline).group(1))
    reported, expected = map(int, re.search(r"(\d+)/(\d+) đơn vị đã báo cáo", headline).groups())
    assert expected - reported == missing
    assert title.startswith(f"{missing} đơn vị chưa báo cáo (tất cả các cấp")
    assert _settled(lambda: app_duo.find_element("#filter-wrap-level").text).startswith("Cấp\nTất cả các cấp")
    assert app_duo.get_logs() == []


def test_the_no_sign_in_banner_never_hides_the_foot_of_a_page(app_duo):
    """Without accounts a banner stays fixed at the window's foot: scrolled to the end, the
    page's last row or link stands above it, not under it (1280×720, a projector)."""
    app_duo.driver.set_window_size(1280, 720)
    _open(app_duo, "/danh-muc")
    app_duo.wait_for_element(".open-banner", timeout=30)

    def read():
        return app_duo.driver.execute_script("""
            window.scrollTo(0, document.documentElement.scrollHeight);
            const banner = document.querySelector('.open-banner').getBoundingClientRect();
            const main = document.querySelector('.main');
            const content = main.getBoundingClientRect().bottom - parseFloat(getComputedStyle(main).paddingBottom);
            return [banner.top, banner.height, content];""")

    time.sleep(1)
    top, height, bottom = _settled(read)
    assert height > 0  # the banner is shown: this demo has no accounts
    assert bottom <= top + 1, (bottom, top)
