"""Safe reading: a bad file gives one clear Vietnamese message, is recorded as rejected, and
changes no data; nothing unsafe (oversized, bomb, encrypted) ever reaches the parser."""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

import etl.read
from etl.read import read_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403


def small_table(path: Path) -> Path:
    return consolidated(path, [("Thành phố Pleiku", {"work_records_total": 5})], ["work_records_total"])


def rejected_with(loader, con, path: Path, code: str, words: str):
    before = counts(con)
    report = loader.load_file(path)
    assert report.status == "rejected"
    assert [i.code for i in report.issues] == [code], messages(report)
    assert words in report.issues[0].message_vi, report.issues[0].message_vi
    after = counts(con)
    assert after["reported_values"] == before["reported_values"] and after["unit_reports"] == before["unit_reports"]
    assert after["submissions"] == before["submissions"] + 1
    status, name = con.execute("SELECT status, file_name FROM submissions ORDER BY submission_id DESC LIMIT 1").fetchone()
    assert (status, name) == ("rejected", path.name)
    return report.issues[0]


def test_a_good_file_reads_as_sheets_of_cells(tmp_path):
    book = read_workbook(small_table(tmp_path / "ok.xlsx"))
    assert [s.name for s in book.sheets] == ["Biểu 01"]
    assert book.sheets[0].cell(9, 1) == "Thành phố Pleiku"
    assert book.sheets[0].cell(500, 500) == ""


def test_hidden_sheets_are_marked(tmp_path):
    path = filled_template(tmp_path / "t.xlsx", CHU_SE, "2021Q2", {})
    visible = {s.name: s.visible for s in read_workbook(path).sheets}
    assert visible == {"Báo cáo": True, "Hướng dẫn": True, "_govkpi": False}


def test_corrupt_file(loader, con, tmp_path):
    good = small_table(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "hong.xlsx"
    path.write_bytes(good[: len(good) // 2])
    rejected_with(loader, con, path, "corrupt", "Tệp bị hỏng")


def test_zip_whose_sheet_is_garbage(loader, con, tmp_path):
    path = small_table(tmp_path / "good.xlsx")
    broken = tmp_path / "rac.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            out.writestr(info, b"\x00garbage<<" if info.filename == "xl/worksheets/sheet1.xml" else data)
    rejected_with(loader, con, broken, "corrupt", "Tệp bị hỏng")


def test_a_sheet_that_inflates_past_the_size_its_directory_states_is_refused_as_corrupt(loader, con, tmp_path):
    """The loader inflates a sheet straight from the file's bytes, never past the size the
    zip directory states: a member whose headers understate its size (as a crafted bomb's
    would, to pass the size check) is refused whole."""
    path = small_table(tmp_path / "good.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        entry = data.index(b"PK\x01\x02", archive.start_dir)
    stated = info.file_size // 4
    data[info.header_offset + 22: info.header_offset + 26] = stated.to_bytes(4, "little")  # the local header
    while entry >= 0:  # the central directory entry of the sheet
        if data[entry + 46: entry + 46 + len(info.filename)] == info.filename.encode():
            data[entry + 24: entry + 28] = stated.to_bytes(4, "little")
            break
        entry = data.find(b"PK\x01\x02", entry + 4)
    lying = tmp_path / "noi_doi.xlsx"
    lying.write_bytes(bytes(data))
    with zipfile.ZipFile(lying) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == stated
    rejected_with(loader, con, lying, "corrupt", "Tệp bị hỏng")


def test_text_file_renamed_xlsx(loader, con, tmp_path):
    path = tmp_path / "baocao.xlsx"
    path.write_text("STT,Đơn vị,Tổng số hồ sơ công việc\n1,Pleiku,5\n", encoding="utf-8")
    found = rejected_with(loader, con, path, "corrupt", "không phải tệp Excel")
    assert found.sheet is None and found.cell is None


def test_zip_that_is_not_a_workbook(loader, con, tmp_path):
    path = tmp_path / "nen.xlsx"
    path.write_bytes(zip_bytes({"readme.txt": b"hello"}))
    rejected_with(loader, con, path, "not_excel", "không phải bảng tính Excel")


def test_word_document_renamed_xlsx(loader, con, tmp_path):
    path = tmp_path / "vanban.xlsx"
    path.write_bytes(zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}))
    rejected_with(loader, con, path, "not_excel", "không phải bảng tính Excel")


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_old_excel_and_opendocument_are_unsupported_with_advice(loader, con, tmp_path, suffix):
    path = tmp_path / f"baocao{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    found = rejected_with(loader, con, path, "unsupported_format", f"Định dạng {suffix} chưa được hỗ trợ")
    assert "lưu lại dưới dạng .xlsx" in found.message_vi


def test_other_extension(loader, con, tmp_path):
    path = tmp_path / "baocao.pdf"
    path.write_bytes(b"%PDF-1.4")
    rejected_with(loader, con, path, "not_excel", "không phải bảng tính Excel")


def test_encrypted_workbook(loader, con, tmp_path):
    path = encrypted_copy(small_table(tmp_path / "plain.xlsx"), tmp_path / "matkhau.xlsx")
    assert path.read_bytes()[:8] == etl.read.OLE_SIGNATURE
    found = rejected_with(loader, con, path, "encrypted", "đặt mật khẩu")
    assert "gỡ mật khẩu" in found.message_vi


def test_old_xls_content_saved_as_xlsx_is_not_called_encrypted(loader, con, tmp_path):
    path = tmp_path / "cu.xlsx"
    path.write_bytes(etl.read.OLE_SIGNATURE + b"\x00" * 4000)  # an OLE file with no encryption streams
    report = loader.load_file(path)
    assert report.status == "rejected"
    assert "mật khẩu" not in report.issues[0].message_vi
    assert ".xls" in report.issues[0].message_vi and report.issues[0].code == "unsupported_format"


def test_oversized_file(loader, con, tmp_path, monkeypatch):
    monkeypatch.setattr(etl.read, "MAX_FILE_BYTES", 2000)
    path = small_table(tmp_path / "lon.xlsx")
    rejected_with(loader, con, path, "too_large", "Tệp quá lớn")


def test_decompression_bomb(loader, con, tmp_path):
    path = bomb_copy(small_table(tmp_path / "base.xlsx"), tmp_path / "bom.xlsx")
    assert path.stat().st_size < 2 * 1024 * 1024
    found = rejected_with(loader, con, path, "zip_bomb", "nghi là tệp độc hại")
    assert "MB" in found.message_vi


def test_bomb_under_the_total_limit_but_far_too_compressed(loader, con, tmp_path, monkeypatch):
    monkeypatch.setattr(etl.read, "MAX_UNZIPPED_BYTES", 10**12)
    path = bomb_copy(small_table(tmp_path / "base.xlsx"), tmp_path / "bom.xlsx", inflated_mb=50)
    rejected_with(loader, con, path, "zip_bomb", "nghi là tệp độc hại")


def test_missing_file(loader, con, tmp_path):
    report = loader.load_file(tmp_path / "khong_co.xlsx")
    assert report.status == "rejected" and "Không tìm thấy tệp" in report.issues[0].message_vi


def test_workbook_with_no_table_govkpi_reads(loader, con, tmp_path):
    path = tmp_path / "trong.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "Danh sách cán bộ"
    book.save(path)
    rejected_with(loader, con, path, "no_layout", "Không nhận ra bố cục")
