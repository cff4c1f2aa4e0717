"""The tables beside each chart: a figure the warehouse does not hold is an empty cell, never an
error. A level with no target in force has no deadline (NaT once pandas reads it)."""
from __future__ import annotations

import pandas as pd

from dashboard.tables import display
from vocab.i18n import t

# The level table's columns as the targets page shows them (importing the page needs an app).
LEVEL_COLUMNS = {"level": ("col_level", "level"), "value": ("col_value", "pct"), "deadline": ("col_deadline", "date")}


def test_a_level_without_a_deadline_shows_an_empty_date_cell():
    rows = pd.DataFrame({
        "level": ["district", "commune"], "value": [0.62, 0.5], "target": [0.8, None], "expected": [None, None],
        "deadline": pd.to_datetime(["2020-12-31", None]), "status": ["not_met", None],
        "doc_number": ["648/KH-UBND", None], "units_reporting": [17, 3], "units_expected": [17, 5],
    })
    table = display(rows, LEVEL_COLUMNS, "vi")
    header = t("col_deadline", "vi")
    deadlines = list(table[header]) if hasattr(table, "columns") else [r[header] for r in table]
    assert deadlines == ["31/12/2020", ""]
