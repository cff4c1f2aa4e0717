"""A name that two units share is told apart by what the table says around it: the province
in its agency header, or the district a group row names above the communes."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403
from vocab.periods import parse_code  # noqa: E402

from etl.consolidated_writer import write_consolidated  # noqa: E402

WR = ["work_records_total", "work_records_online"]


def _unit_of(con, period: str) -> list[tuple[str, str, int]]:
    return con.execute("SELECT unit_name, parent_key, value FROM metric_values JOIN units USING (unit_key, unit_name) "
                       "WHERE period = ? AND metric_code = 'work_records_total' ORDER BY value", [period]).fetchall()


def test_an_agency_named_in_two_old_provinces_is_the_one_of_the_province_in_the_header(loader, con, tmp_path):
    metrics = [CATALOG.metrics[m] for m in WR]
    path = write_consolidated(tmp_path / "so.xlsx", "cấp tỉnh", parse_code("2021Q2"), metrics,
                              [(None, "Sở Thông tin và Truyền thông", {"work_records_total": 100, "work_records_online": 90})],
                              date(2021, 7, 10), ("UBND TỈNH BÌNH ĐỊNH", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"))
    report = loader.load_file(path)
    assert report.status == "accepted", messages(report)
    assert _unit_of(con, "2021Q2") == [("Sở Thông tin và Truyền thông", "old:52", 100)]


def test_without_a_header_the_same_agency_name_is_ambiguous_and_lists_both(loader, con, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["BẢNG TỔNG HỢP QUÝ II/2021"])
    sheet.append(["STT", "Đơn vị", "Tổng số hồ sơ công việc", "Số hồ sơ công việc được xử lý trên môi trường mạng"])
    sheet.append([1, "Sở Thông tin và Truyền thông", 100, 90])
    book.save(tmp_path / "so.xlsx")
    report = loader.load_file(tmp_path / "so.xlsx")
    assert report.status == "rejected"
    [message] = messages(report, "error")
    assert "trùng với nhiều đơn vị" in message and "Tỉnh Bình Định" in message and "Tỉnh Gia Lai" in message


def test_communes_of_one_name_are_told_apart_by_the_district_group_row_above_them(loader, con, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["BẢNG TỔNG HỢP CẤP XÃ QUÝ II/2021"])
    sheet.append(["STT", "Đơn vị", "Tổng số hồ sơ công việc", "Số hồ sơ công việc được xử lý trên môi trường mạng"])
    sheet.append(["I", "Huyện Đăk Đoa", None, None])
    sheet.append([1, "Xã Ia Băng", 10, 5])
    sheet.append(["II", "H. Chư Prông", None, None])
    sheet.append([1, "Xã Ia Băng", 20, 5])
    book.save(tmp_path / "xa.xlsx")
    report = loader.load_file(tmp_path / "xa.xlsx")
    assert report.status == "accepted", messages(report)
    assert _unit_of(con, "2021Q2") == [("Xã Ia Băng", "old:626", 10), ("Xã Ia Băng", "old:632", 20)]
