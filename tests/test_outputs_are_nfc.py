"""Vietnamese done right: every text the exports write is NFC (composed diacritics), whatever
form the workbooks came in, so search, sorting and fonts behave the same everywhere."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import openpyxl
from docx import Document
from pptx import Presentation

from exports import export


def _not_nfc(texts) -> list[str]:
    return [text for text in texts if isinstance(text, str) and unicodedata.normalize("NFC", text) != text]


def test_deck_workbook_and_report_write_only_nfc_text(demo_db, tmp_path: Path):
    deck = Presentation(export("pptx", "2025Q3", str(demo_db), str(tmp_path / "d.pptx")))
    deck_texts = [run.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
                  for paragraph in shape.text_frame.paragraphs for run in paragraph.runs]
    book = openpyxl.load_workbook(export("xlsx", "2025Q3", str(demo_db), str(tmp_path / "s.xlsx")))
    book_texts = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row]
    report = Document(export("docx", "2025Q3", str(demo_db), str(tmp_path / "r.docx")))
    report_texts = [p.text for p in report.paragraphs] + [
        cell.text for table in report.tables for row in table.rows for cell in row.cells]
    assert len(deck_texts) > 20 and len(book_texts) > 100 and len(report_texts) > 20
    assert _not_nfc(deck_texts) == [] and _not_nfc(book_texts) == [] and _not_nfc(report_texts) == []
    assert any("Quý III/2025" in text for text in deck_texts)


def test_a_loaders_message_quoting_nfd_text_from_a_workbook_is_nfc(tmp_path: Path):
    from etl.load import Loader
    from etl.warehouse import connect, init_warehouse

    init_warehouse(tmp_path / "w.duckdb", "Gia Lai")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["BẢNG TỔNG HỢP QUÝ II/2021"])
    sheet.append(["STT", "Đơn vị", "Tổng số hồ sơ công việc"])
    sheet.append([1, unicodedata.normalize("NFD", "Thành phố Pleiku"), unicodedata.normalize("NFD", "chưa có")])
    book.save(tmp_path / "nfd.xlsx")
    con = connect(tmp_path / "w.duckdb")
    report = Loader(con).load_file(tmp_path / "nfd.xlsx")
    con.close()
    [issue] = report.issues
    assert issue.code == "not_a_number" and '"chưa có"' in issue.message_vi
    assert unicodedata.normalize("NFC", issue.message_vi) == issue.message_vi
