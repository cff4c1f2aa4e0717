"""Renders the deck and the report through LibreOffice and pdftoppm: every page exists, carries
its expected text with Vietnamese diacritics (pdftotext), and is saved as PNG under
test-artifacts/renders/ for a person to look at. Skips only when soffice is absent outside CI."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pptx import Presentation

import exports.pdf as pdf_module
from exports import ToolMissing, export
from exports.pdf import pdf_text, pdf_to_pngs, to_pdf
from vocab.findings import indicator_sentence
from system_tools import need_tools  # noqa: E402 (tests/ is on the path)

PERIOD = "2025Q3"
MADE_ON = date(2026, 11, 23)
RENDERS = Path(__file__).resolve().parents[1] / "test-artifacts" / "renders"


def _flat(text: str) -> str:
    # A line may wrap after a word's hyphen ("2629/QĐ-" / "TTg"): that break is not a space.
    return re.sub(r"(?<=\S)-\s+", "-", re.sub(r"\s+", " ", text)).strip()


@pytest.fixture(scope="module")
def warehouse(demo_db):
    """The demo warehouse: built through the real loader, read through the real views."""
    return demo_db


@pytest.mark.render
def test_deck_renders_every_slide_with_its_text(warehouse, tmp_path):
    need_tools("soffice", "pdftoppm", "pdftotext")
    deck = export("pptx", PERIOD, str(warehouse), str(tmp_path / "deck.pptx"), made_on=MADE_ON)
    pdf = to_pdf(deck, tmp_path / "deck.pdf")
    pages = pdf_to_pngs(pdf, RENDERS, "deck", dpi=80)
    slides = Presentation(str(deck)).slides
    assert len(pages) == len(slides)
    assert all(p.stat().st_size > 10_000 for p in pages)  # not blank
    text = _flat(pdf_text(pdf))
    assert "Quý III/2025" in text and "Sở Khoa học và Công nghệ" in text
    for slide in slides:
        title = slide.shapes.title
        if title is not None and title.text:
            assert _flat(title.text) in text, title.text


@pytest.mark.render
def test_report_pdf_renders_with_header_and_sentences(warehouse, tmp_path):
    need_tools("soffice", "pdftoppm", "pdftotext")
    pdf = export("pdf", PERIOD, str(warehouse), str(tmp_path / "report.pdf"), made_on=MADE_ON)
    pages = pdf_to_pngs(pdf, RENDERS, "report", dpi=80)
    assert pages and all(p.stat().st_size > 10_000 for p in pages)
    text = _flat(pdf_text(pdf))
    for line in ("UBND TỈNH GIA LAI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "quý III/2025", "ĐỀ XUẤT, KIẾN NGHỊ"):
        assert line in text, line
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute("SELECT i.name_vi, l.level, l.value, l.target, l.doc_number, "
                       "CASE WHEN l.status = 'expired' THEN l.deadline END "
                       "FROM level_progress l JOIN catalog_indicators i USING (indicator_code) "
                       "WHERE l.period = ? AND l.target IS NOT NULL", [PERIOD]).fetchall()
    con.close()
    for *row, expired_on in rows:
        assert _flat(indicator_sentence(*row, expired_on=expired_on)) in text


def test_pdf_without_libreoffice_says_how_to_install(warehouse, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_module, "soffice_path", lambda: None)
    with pytest.raises(ToolMissing) as error:
        export("pdf", PERIOD, str(warehouse), str(tmp_path / "report.pdf"))
    assert "apt-get install" in str(error.value) and "libreoffice-writer" in str(error.value)
    assert "LibreOffice" in str(error.value)
    assert not (tmp_path / "report.pdf").exists()


def test_unknown_kind_is_refused(warehouse, tmp_path):
    with pytest.raises(ValueError):
        export("odt", PERIOD, str(warehouse), str(tmp_path / "x.odt"))
