"""Browser tests drive the Debian Chromium headless (never a downloaded browser)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_setup_options():
    """Gives dash_duo the Chrome options: Debian Chromium, headless, no background traffic."""
    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--window-size=1600,900", "--lang=vi-VN"):
        options.add_argument(argument)
    return options


def pytest_collection_modifyitems(config, items):
    if shutil.which("chromedriver") is None or not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason="needs chromium and chromium-driver (apt)")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def dashboard_db(demo_db) -> str:
    """Gives the demo warehouse, built through the real loader (tests/conftest.py)."""
    return str(demo_db)
