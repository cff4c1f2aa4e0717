"""govkpi export writes each document from the command line, and refuses nonsense clearly."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
from pptx import Presentation

GOVKPI = str(Path(sys.executable).with_name("govkpi"))


def _export(db: Path, kind: str, out: Path, period: str = "2025Q3") -> subprocess.CompletedProcess:
    return subprocess.run([GOVKPI, "export", kind, "--period", period, "-o", str(out), "--db", str(db)],
                          capture_output=True, text=True)


def test_export_writes_a_deck_and_a_workbook_that_open_again(demo_db, tmp_path):
    deck = _export(demo_db, "pptx", tmp_path / "hop.pptx")
    book = _export(demo_db, "xlsx", tmp_path / "so_lieu.xlsx")
    assert deck.returncode == 0 and book.returncode == 0, deck.stderr + book.stderr
    assert len(Presentation(tmp_path / "hop.pptx").slides) >= 4
    assert len(openpyxl.load_workbook(tmp_path / "so_lieu.xlsx").sheetnames) >= 3


def test_export_of_an_unknown_kind_or_period_is_a_usage_error(demo_db, tmp_path):
    for result in (_export(demo_db, "odp", tmp_path / "x.odp"), _export(demo_db, "pptx", tmp_path / "x.pptx", "2025Q5")):
        assert result.returncode == 2 and "Traceback" not in result.stderr
