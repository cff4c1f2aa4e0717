"""Exports fast enough to ask for in a meeting: a document asked for again from the same warehouse
is the kept file, a new load makes a new one, and the warm LibreOffice of `govkpi serve` writes
the same PDF as a one-shot soffice. Real loader, real DuckDB, real LibreOffice."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

import exports.pdf as pdf_module
from exports import ToolMissing, export
from exports.cache import cache_dir
from exports.pdf import WarmConverter, convert_one_shot, pdf_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import filled_template  # noqa: E402

PERIOD = "2026Q3"
MADE_ON = date(2026, 11, 23)
GOVKPI = str(Path(sys.executable).with_name("govkpi"))


@pytest.fixture()
def warehouse(demo_db, tmp_path) -> Path:
    """A copy of the demo warehouse of this test alone (its kept exports beside it)."""
    copy = tmp_path / "kho.duckdb"
    shutil.copyfile(demo_db, copy)
    return copy


def _kept(db: Path) -> list[Path]:
    return sorted(cache_dir(db).glob("*")) if cache_dir(db).exists() else []


def _numbers(path: Path) -> set[float]:
    book = openpyxl.load_workbook(path)
    return {round(c.value, 6) for s in book for row in s.iter_rows() for c in row if isinstance(c.value, float)}


def test_the_same_document_asked_again_is_the_kept_file(warehouse, tmp_path):
    first = export("xlsx", PERIOD, str(warehouse), str(tmp_path / "a.xlsx"), made_on=MADE_ON)
    kept = _kept(warehouse)
    assert len(kept) == 1 and kept[0].read_bytes() == first.read_bytes()
    stamp = kept[0].stat().st_mtime_ns
    again = export("xlsx", PERIOD, str(warehouse), str(tmp_path / "b.xlsx"), made_on=MADE_ON)
    assert again.read_bytes() == first.read_bytes()
    assert _kept(warehouse) == kept and kept[0].stat().st_mtime_ns == stamp  # copied, not written again


def test_another_language_is_another_document_and_a_new_report_date_replaces_the_old(warehouse, tmp_path):
    export("xlsx", PERIOD, str(warehouse), str(tmp_path / "vi.xlsx"), made_on=MADE_ON)
    export("xlsx", PERIOD, str(warehouse), str(tmp_path / "en.xlsx"), lang="en", made_on=MADE_ON)
    assert [p.name.split("-")[2] for p in _kept(warehouse)] == ["en", "vi"]
    export("xlsx", PERIOD, str(warehouse), str(tmp_path / "sau.xlsx"), made_on=date(2026, 11, 24))
    names = [p.name for p in _kept(warehouse)]
    assert len(names) == 2 and any("-vi-2026-11-24-" in n for n in names) and any("-en-2026-11-23-" in n for n in names)


def test_a_new_load_gives_a_new_file_with_the_new_numbers(warehouse, tmp_path):
    before = export("xlsx", PERIOD, str(warehouse), str(tmp_path / "truoc.xlsx"), made_on=MADE_ON)
    old_kept = _kept(warehouse)
    # The Department of Ethnic Affairs sends a corrected report: 1 of 7 documents sent electronically.
    workbook = filled_template(tmp_path / "sua.xlsx", ("52-SDTTG", "Sở Dân tộc và Tôn giáo"), PERIOD,
                               {"docs_sent_total": 7, "docs_sent_electronic": 1, "docs_sent_signed": 1})
    loaded = subprocess.run([GOVKPI, "load", str(workbook), "--db", str(warehouse)], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    after = export("xlsx", PERIOD, str(warehouse), str(tmp_path / "sau.xlsx"), made_on=MADE_ON)
    new_kept = _kept(warehouse)
    assert len(new_kept) == 1 and new_kept != old_kept  # the old version's file is gone
    con = duckdb.connect(str(warehouse), read_only=True)
    value = con.execute("SELECT value FROM level_progress WHERE period = ? AND level = 'province' "
                        "AND indicator_code = 'docs_electronic_rate'", [PERIOD]).fetchone()[0]
    con.close()
    assert round(value, 6) in _numbers(after) and round(value, 6) not in _numbers(before)


def test_without_the_cache_nothing_is_kept(warehouse, tmp_path):
    export("xlsx", PERIOD, str(warehouse), str(tmp_path / "x.xlsx"), made_on=MADE_ON, cache=False)
    assert _kept(warehouse) == []


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.render
def test_the_warm_converter_writes_the_same_pdf_text_as_a_one_shot_soffice(demo_db, tmp_path):
    if pdf_module.soffice_path() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or pdftotext missing")
    docx = export("docx", "2025Q3", str(demo_db), str(tmp_path / "bao_cao.docx"), made_on=MADE_ON, cache=False)
    converter = WarmConverter(tmp_path / "profile").start()
    try:
        assert converter.wait_ready(120), "unoserver did not come up (python3-uno installed? make sysdeps)"
        warm = tmp_path / "warm.pdf"
        assert converter.convert(docx, warm)
        again = tmp_path / "warm2.pdf"
        assert converter.convert(docx, again)  # the same LibreOffice serves the next one too
        assert converter.alive()
    finally:
        converter.stop()
    assert not converter.alive()
    cold = convert_one_shot(pdf_module.require_soffice(), docx, tmp_path / "cold.pdf")
    text = _flat(pdf_text(warm))
    assert text == _flat(pdf_text(cold)) == _flat(pdf_text(again))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "ĐỀ XUẤT, KIẾN NGHỊ" in text


def test_a_dead_warm_converter_falls_back_to_a_one_shot_soffice(demo_db, tmp_path, monkeypatch):
    if pdf_module.soffice_path() is None:
        pytest.skip("LibreOffice missing")
    docx = export("docx", "2025Q3", str(demo_db), str(tmp_path / "bao_cao.docx"), made_on=MADE_ON, cache=False)
    dead = WarmConverter(tmp_path / "profile")  # never started: as one whose LibreOffice died
    monkeypatch.setattr(pdf_module, "_warm", dead)
    pdf = pdf_module.to_pdf(docx, tmp_path / "bao_cao.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_without_libreoffice_no_converter_starts_and_the_pdf_says_how_to_install(warehouse, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_module, "soffice_path", lambda: None)
    assert pdf_module.start_warm_converter() is None
    with pytest.raises(ToolMissing) as error:
        export("pdf", PERIOD, str(warehouse), str(tmp_path / "bao_cao.pdf"))
    assert "Không tạo được tệp PDF vì máy chưa cài LibreOffice" in str(error.value)
    assert "libreoffice-writer" in str(error.value)
    assert not (tmp_path / "bao_cao.pdf").exists() and _kept(warehouse) == []
