"""A period where few units reported exports a document that says which parts are partial or
have no data, instead of presenting one commune's figures as the level's."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import docx
import pytest
from pptx import Presentation

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

from exports import export  # noqa: E402
from etl.load import Loader  # noqa: E402
from vocab.vnformat import fmt_int  # noqa: E402
from etl.warehouse import connect  # noqa: E402


@pytest.fixture
def one_commune(db, tmp_path) -> Path:
    """Given a warehouse where one commune of 2026Q3 reported its work records, and nobody else."""
    con = connect(db)
    try:
        path = filled_template(tmp_path / "xa.xlsx", NEW_CHU_SE, "2026Q3",
                               {"work_records_total": 100, "work_records_online": 70})
        assert Loader(con, CATALOG, today=date(2026, 12, 3)).load_file(path).status == "accepted"
        expected = con.execute("SELECT units_expected FROM level_progress WHERE period = '2026Q3' "
                               "AND level = 'commune' AND indicator_code = 'work_records_online_rate'").fetchone()[0]
    finally:
        con.close()
    return db, expected


def test_the_deck_of_a_partial_period_says_how_few_units_reported(one_commune, tmp_path):
    db, expected = one_commune
    deck = Presentation(export("pptx", "2026Q3", str(db), str(tmp_path / "d.pptx"), made_on=date(2026, 12, 3)))
    text = "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)
    assert f"Số liệu một phần (chưa đủ đơn vị báo cáo): cấp xã 1/{fmt_int(expected)} đơn vị." in text
    assert "Chưa đơn vị nào báo cáo: cấp tỉnh." in text
    assert "Chưa có số liệu: " in text  # the indicators nobody reported are named


def test_the_report_of_a_partial_period_says_so_too(one_commune, tmp_path):
    db, expected = one_commune
    report = docx.Document(export("docx", "2026Q3", str(db), str(tmp_path / "r.docx"), made_on=date(2026, 12, 3)))
    text = "\n".join(p.text for p in report.paragraphs)
    assert f"cấp xã 1/{fmt_int(expected)} đơn vị" in text and "Chưa có số liệu: " in text


def test_expired_targets_are_counted_under_their_own_name_in_every_export(one_commune, tmp_path):
    # Past 31/12/2025 most targets of the catalog have no later plan: they are expired, not met.
    import openpyxl

    db, _ = one_commune
    book = openpyxl.load_workbook(export("xlsx", "2026Q3", str(db), str(tmp_path / "b.xlsx"), made_on=date(2026, 12, 3)))
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=5, max_row=9, max_col=2, values_only=True)}
    assert summary["Hết hạn"] > 0 and summary["Đạt"] == 0
    deck = Presentation(export("pptx", "2026Q3", str(db), str(tmp_path / "d.pptx"), made_on=date(2026, 12, 3)))
    tiles = [shape.text_frame.text for shape in deck.slides[1].shapes if shape.has_text_frame]
    assert f"{summary['Hết hạn']}\nHết hạn" in tiles
