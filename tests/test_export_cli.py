"""govkpi export writes each document from the command line, and refuses nonsense clearly."""
from __future__ import annotations

import os
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


def test_exporting_a_period_with_no_data_exits_2_with_a_vietnamese_message(demo_db, tmp_path):
    # The demo runs to 2026Q3: 2026Q4 has no data, and 2035Q1 is in the calendar but empty.
    for kind in ("pptx", "xlsx", "docx", "pdf"):
        result = _export(demo_db, kind, tmp_path / f"rong.{kind}", "2026Q4")
        assert result.returncode == 2, (kind, result.stderr)
        assert "Traceback" not in result.stderr and "Lỗi không mong đợi" not in result.stderr
        assert "Quý IV/2026 chưa có số liệu" in result.stderr, result.stderr
        assert not (tmp_path / f"rong.{kind}").exists()


def test_an_impossible_or_unreadable_period_exits_2_with_a_message(demo_db, tmp_path):
    for period in ("2099Q9", "abc"):
        result = _export(demo_db, "pptx", tmp_path / "x.pptx", period)
        assert result.returncode == 2 and "Kỳ báo cáo không hợp lệ" in result.stderr, result.stderr


def test_without_period_the_export_is_for_the_opening_period(demo_db, tmp_path):
    result = subprocess.run([GOVKPI, "export", "pptx", "-o", str(tmp_path / "mac_dinh.pptx"), "--db", str(demo_db)],
                            capture_output=True, text=True, env={**os.environ, "GOVKPI_TODAY": "2026-12-03"})
    assert result.returncode == 0, result.stderr
    assert "Quý III/2026 (2026Q3)" in result.stderr
    titles = [s.shapes.title.text for s in Presentation(tmp_path / "mac_dinh.pptx").slides if s.shapes.title]
    assert any("Quý III/2026" in title for title in titles)


def test_a_report_asked_for_in_english_says_it_is_written_in_vietnamese(demo_db, tmp_path):
    out = tmp_path / "bao_cao.docx"
    result = subprocess.run([GOVKPI, "export", "docx", "--period", "2025Q3", "--lang", "en", "-o", str(out),
                             "--db", str(demo_db)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "chỉ lập bằng tiếng Việt" in result.stderr and "written in Vietnamese only" in result.stderr
    assert out.exists()
