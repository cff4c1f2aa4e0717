"""The README documents every column of every public view, and nothing that is not there."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
VIEWS_PART = README[README.index("## The warehouse's public views"):]


def documented_views() -> dict[str, list[str]]:
    """Reads the README: '### name — …' with a table or a 'Columns:' line, and `name(cols)` items."""
    views: dict[str, list[str]] = {}
    for section in re.split(r"\n### ", VIEWS_PART)[1:]:
        name = section.split(" ", 1)[0]
        if not re.fullmatch(r"[a-z_]+", name):
            continue
        table_rows = re.findall(r"^\| ([a-z_, ]+) \|", section, re.M)
        columns_line = re.search(r"Columns: ([^.]+)\.", section.replace("\n", " "))
        if table_rows:
            views[name] = [c.strip() for row in table_rows if row != "column" for c in row.split(",")]
        elif columns_line:
            views[name] = [c.strip() for c in re.sub(r"\([^)]*\)", "", columns_line.group(1)).split(",")]
    for name, columns in re.findall(r"^- `([a-z_]+)\(([^)]*)\)`", VIEWS_PART, re.M):
        views[name] = [c.strip() for c in columns.split(",")]
    return views


def test_the_readme_documents_the_main_views():
    assert {"metric_values", "indicator_values", "level_progress", "target_progress",
            "reporting_completeness"} <= set(documented_views())


@pytest.mark.parametrize("view", sorted(documented_views()))
def test_each_documented_view_has_exactly_the_documented_columns(demo_db, view):
    con = duckdb.connect(str(demo_db), read_only=True)
    actual = [row[0] for row in con.execute(f"DESCRIBE {view}").fetchall()]
    assert set(actual) == set(documented_views()[view])

