"""Layout rule: a consolidated table (bảng tổng hợp) loads one row per unit, the unit by GSO
code or name, columns by metric code or Vietnamese name, whatever the title rows, header
shape, blank rows, totals, notes and signature block around it; the period comes from the
sheet or from --period."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

M4 = ["work_records_total", "work_records_online", "docs_sent_total", "docs_sent_electronic"]
ROWS = [
    ("Thành phố Pleiku", {"work_records_total": 3698, "work_records_online": 3195, "docs_sent_total": 2446, "docs_sent_electronic": 2169}),
    ("Thị xã An Khê", {"work_records_total": 4539, "work_records_online": 2769, "docs_sent_total": 5332, "docs_sent_electronic": 4392}),
    ("Huyện Chư Sê", {"work_records_total": 1509, "work_records_online": 1151, "docs_sent_total": 2280, "docs_sent_electronic": 1993}),
]
EXPECTED = {"622": ROWS[0][1], "623": ROWS[1][1], "633": ROWS[2][1]}


def loaded(con, period="2021Q2"):
    return {code: current(con, code, period) for code in EXPECTED}


def test_sample_district_table_of_binh_dinh_loads(loader, con):
    report = loader.load_file(SAMPLE)
    assert report.status == "accepted", messages(report)
    assert (report.units, report.values) == (11, 44)
    assert report.issues == []  # its "Tổng cộng" row is the true sum
    assert current(con, "540", "2021Q2") == {"work_records_total": 3698, "work_records_online": 3195,
                                               "docs_sent_total": 2446, "docs_sent_electronic": 2169}
    assert con.execute("SELECT layout, periods FROM submissions").fetchone() == ("consolidated", "2021Q2")


def test_unit_by_gso_code_column(loader, con, tmp_path):
    rows = [((code, None), values) for code, values in EXPECTED.items()]
    path = consolidated(tmp_path / "ma.xlsx", rows, M4, code_header="Mã đơn vị")
    report = loader.load_file(path)
    assert report.status == "accepted", messages(report)
    assert loaded(con) == EXPECTED


def test_unit_by_code_and_name_both_given(loader, con, tmp_path):
    rows = [((code, name), values) for (code, values), (name, _) in zip(EXPECTED.items(), ROWS)]
    report = loader.load_file(consolidated(tmp_path / "both.xlsx", rows, M4, code_header="Mã ĐVHC"))
    assert report.status == "accepted", messages(report)
    assert loaded(con) == EXPECTED


def test_columns_headed_by_metric_code(loader, con, tmp_path):
    path = consolidated(tmp_path / "codes.xlsx", ROWS, M4, labels={m: m for m in M4}, two_row_header=False)
    report = loader.load_file(path)
    assert report.status == "accepted", messages(report)
    assert loaded(con) == EXPECTED


def test_headers_ignore_case_diacritics_and_spacing(loader, con, tmp_path):
    labels = {"work_records_total": "TỔNG SỐ HỒ SƠ CÔNG VIỆC",
              "work_records_online": "So ho so cong viec duoc xu ly tren moi truong mang",
              "docs_sent_total": "  Tổng   số\nvăn bản đi (văn bản)",
              "docs_sent_electronic": "Số văn bản đi dưới dạng điện tử (4)"}
    report = loader.load_file(consolidated(tmp_path / "hdr.xlsx", ROWS, M4, labels=labels, unit_header="TÊN ĐƠN VỊ"))
    assert report.status == "accepted", messages(report)
    assert loaded(con) == EXPECTED


def test_one_row_header_without_title_rows_period_given(loader, con, tmp_path):
    path = consolidated(tmp_path / "flat.xlsx", ROWS, M4, title=None, two_row_header=False, column_numbers=False,
                        notes=False, signature=False)
    report = loader.load_file(path, period="2021Q2")
    assert report.status == "accepted", messages(report)
    assert loaded(con) == EXPECTED


def test_blank_rows_notes_and_signature_block(loader, con, tmp_path):
    path = consolidated(tmp_path / "blank.xlsx", ROWS, M4, blank_after=(0, 1), notes=True, signature=True,
                        date_line="Gia Lai, ngày 12 tháng 7 năm 2021")
    report = loader.load_file(path)
    assert report.status == "accepted", messages(report)
    assert loaded(con) == EXPECTED
    assert con.execute("SELECT submitted_at FROM submissions").fetchone()[0] == datetime(2021, 7, 12)


def test_signature_block_without_notes_row_is_not_read_as_units(loader, con, tmp_path):
    path = consolidated(tmp_path / "sig.xlsx", ROWS, M4, notes=False, signature=True)
    report = loader.load_file(path)
    assert report.status == "accepted", messages(report)
    assert report.units == 3


@pytest.mark.parametrize("label", ["Tổng cộng", "Cộng", "Tổng số", "TỔNG CỘNG"])
def test_total_row_equal_to_the_sum_is_not_loaded(loader, con, tmp_path, label):
    report = loader.load_file(consolidated(tmp_path / "tot.xlsx", ROWS, M4, total=label))
    assert report.status == "accepted", messages(report)
    assert report.units == 3 and report.issues == []


def test_total_row_labelled_in_the_stt_column(loader, con, tmp_path):
    report = loader.load_file(consolidated(tmp_path / "tot_stt.xlsx", ROWS, M4, total="Tổng cộng", total_in_stt=True))
    assert report.status == "accepted", messages(report)
    assert report.units == 3


def test_total_row_with_a_code_column(loader, con, tmp_path):
    rows = [((code, None), values) for code, values in EXPECTED.items()]
    report = loader.load_file(consolidated(tmp_path / "tot_code.xlsx", rows, M4, code_header="Mã đơn vị", total="Cộng"))
    assert report.status == "accepted", messages(report)
    assert report.units == 3


def test_total_row_differing_from_the_sum_is_a_warning(loader, con, tmp_path):
    wrong = {"work_records_total": 9999, "work_records_online": 3195 + 2769 + 1151}
    report = loader.load_file(consolidated(tmp_path / "tot_bad.xlsx", ROWS, M4, total=("Tổng cộng", wrong)))
    assert report.status == "accepted"
    assert codes(report) == ["total_mismatch"]
    found = issue(report, "total_mismatch")
    assert found.severity == "warning" and found.sheet == "Biểu 01"
    assert "9.999" in found.message_vi and "9.746" in found.message_vi and "không được nạp" in found.message_vi
    assert loaded(con) == EXPECTED  # the total row itself is never a unit


@pytest.mark.parametrize("title,period", [
    ("BẢNG TỔNG HỢP KẾT QUẢ QUÝ IV/2020", "2020Q4"),
    ("Báo cáo 6 tháng đầu năm 2021", "2021H1"),
    ("TỔNG HỢP SỐ LIỆU NĂM 2020", "2020"),
    ("Kết quả quý 3 năm 2021", "2021Q3"),
])
def test_period_stated_in_the_title(loader, con, tmp_path, title, period):
    report = loader.load_file(consolidated(tmp_path / "p.xlsx", ROWS, M4, title=title))
    assert report.status == "accepted", messages(report)
    assert loaded(con, period) == EXPECTED


def test_period_option_agreeing_with_the_sheet(loader, con, tmp_path):
    report = loader.load_file(consolidated(tmp_path / "p.xlsx", ROWS, M4), period="2021Q2")
    assert report.status == "accepted"


def test_sheet_stating_another_period_than_the_option_is_an_error(loader, con, tmp_path):
    before = data_counts(con)
    report = loader.load_file(consolidated(tmp_path / "p.xlsx", ROWS, M4, title="TỔNG HỢP QUÝ IV/2020"), period="2021Q2")
    assert report.status == "rejected"
    found = issue(report, "period_conflict")
    assert "Quý IV/2020" in found.message_vi and "2021Q2" in found.message_vi
    assert found.sheet == "Biểu 01" and found.cell == "A4"
    assert data_counts(con) == before


def test_no_period_anywhere_is_an_error(loader, con, tmp_path):
    before = data_counts(con)
    report = loader.load_file(consolidated(tmp_path / "np.xlsx", ROWS, M4, title="BẢNG TỔNG HỢP KẾT QUẢ"))
    assert report.status == "rejected"
    assert "Không xác định được kỳ báo cáo" in issue(report, "period_missing").message_vi
    assert "--period" in issue(report, "period_missing").message_vi
    assert data_counts(con) == before


def test_no_metric_column_at_all_is_a_clear_error(loader, con, tmp_path):
    path = consolidated(tmp_path / "other.xlsx", ROWS, M4, labels={m: f"Cột {i}" for i, m in enumerate(M4)})
    report = loader.load_file(path)
    assert report.status == "rejected"
    assert "Không nhận ra bố cục" in issue(report, "no_layout").message_vi


@pytest.mark.parametrize("written,code", [
    ("TP. Pleiku", "622"), ("Thành phố Pleiku", "622"), ("TP Pleiku", "622"), ("thành phố  PLEIKU", "622"),
    ("TX An Khê", "623"), ("TX. An Khê", "623"), ("Thị xã An Khê", "623"),
    ("H. Chư Sê", "633"), ("Huyện Chư Sê", "633"), ("HUYỆN CHƯ SÊ", "633"),
    ("Huyện Đắk Đoa", "626"), ("H. Dak Doa", "626"), ("Huyện Đắk Pơ", "634"),
])
def test_unit_name_variants(loader, con, tmp_path, written, code):
    report = loader.load_file(consolidated(tmp_path / "n.xlsx", [(written, {"work_records_total": 7})], M4[:1]))
    assert report.status == "accepted", messages(report)
    assert current(con, code, "2021Q2") == {"work_records_total": 7}


def test_unit_name_in_nfd_and_old_tone_placement(loader, con, tmp_path):
    import unicodedata

    rows = [(unicodedata.normalize("NFD", "Huyện Chư Sê"), {"work_records_total": 1}),
            ("Thị xã An Khê", {"work_records_total": 2})]
    report = loader.load_file(consolidated(tmp_path / "nfd.xlsx", rows, M4[:1]))
    assert report.status == "accepted", messages(report)
    # "Hoà" / "Hòa": old and new tone placement name one unit.
    name = con.execute("SELECT unit_name FROM units WHERE unit_name LIKE '%òa%' AND era = 'old' AND level = 'commune' "
                       "ORDER BY unit_key LIMIT 1").fetchone()[0]
    old_style = name.replace("òa", "oà")
    report = loader.load_file(consolidated(tmp_path / "tone.xlsx", [(old_style, {"work_records_total": 3})], M4[:1]))
    assert report.status == "accepted", (old_style, messages(report))


def test_bare_name_of_two_units_is_an_error_listing_both(loader, con, tmp_path):
    before = data_counts(con)
    report = loader.load_file(consolidated(tmp_path / "amb.xlsx", [("Chư Sê", {"work_records_total": 7})], M4[:1]))
    assert report.status == "rejected"
    found = issue(report, "unit_ambiguous")
    assert (found.sheet, found.cell) == ("Biểu 01", "B10")
    assert "trùng với nhiều đơn vị" in found.message_vi
    assert "Huyện Chư Sê" in found.message_vi and "Thị trấn Chư Sê" in found.message_vi
    assert data_counts(con) == before
