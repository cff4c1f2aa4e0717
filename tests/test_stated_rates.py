"""A consolidated table often states rates beside the counts ("8,5%"): they are read the
Vietnamese way and checked against the counts, but never loaded: the warehouse computes rates."""
from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

HEADER = ["STT", "Đơn vị", "Tổng số hồ sơ thủ tục hành chính tiếp nhận", "Số hồ sơ tiếp nhận trực tuyến",
          "Tỷ lệ hồ sơ tiếp nhận trực tuyến (%)"]


def _table(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["BẢNG TỔNG HỢP NĂM 2020"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_rate_written_the_vietnamese_way_that_agrees_with_the_counts_passes_quietly(loader, con, tmp_path):
    # Hậu Giang 2020 (seed 001): 9,500 dossiers online of 65,500 received: 14,50%.
    report = loader.load_file(_table(tmp_path / "a.xlsx", [[1, "Thành phố Pleiku", "65.500", "9.500", "14,5%"]]))
    assert report.status == "accepted" and report.issues == []
    assert current(con, "622", "2020") == {"dossiers_total": 65500, "dossiers_online": 9500}


def test_a_rate_that_disagrees_with_the_counts_is_a_warning_naming_the_cell(loader, con, tmp_path):
    report = loader.load_file(_table(tmp_path / "b.xlsx", [[1, "Thành phố Pleiku", 65500, 9500, "8,5%"]]))
    assert report.status == "accepted"
    [warning] = [i for i in report.issues if i.code == "rate_mismatch"]
    assert warning.cell == "E3" and "ghi 8,5% nhưng tính từ số liệu là 14,5%" in warning.message_vi


def test_a_rate_stored_as_a_fraction_is_read_too(loader, con, tmp_path):
    report = loader.load_file(_table(tmp_path / "c.xlsx", [[1, "Thành phố Pleiku", 65500, 9500, 0.145]]))
    assert report.status == "accepted" and report.issues == []


def test_an_unreadable_rate_is_a_warning_and_loads_the_counts(loader, con, tmp_path):
    report = loader.load_file(_table(tmp_path / "d.xlsx", [[1, "Thành phố Pleiku", 65500, 9500, "khoảng 15"]]))
    assert report.status == "accepted" and [i.code for i in report.issues] == ["rate_unreadable"]
