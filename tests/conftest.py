"""Shared fixtures: the demo warehouse, built once per test session through the real loader."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl.demo import build_demo_warehouse
from vocab.periods import Period

# The demo is pinned to a fixed last quarter so tests do not drift with the calendar.
DEMO_LAST_QUARTER = Period(2026, "quarter", 3)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """Gives the path of a demo warehouse (new Gia Lai, 2019Q1–2026Q3) built by the loader."""
    folder = tmp_path_factory.mktemp("demo")
    db_path = folder / "demo.duckdb"
    build_demo_warehouse(db_path, folder / "files", last=DEMO_LAST_QUARTER)
    return db_path


@pytest.fixture(scope="session")
def in_ci() -> bool:
    return bool(os.environ.get("CI"))
