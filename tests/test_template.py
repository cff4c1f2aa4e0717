"""The blank template a reporting unit fills in: what it holds, what is locked, what is checked."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from etl.catalog import load_catalog
from vocab.periods import parse_code
from etl.template import DATA_SHEET, FIRST_DATA_ROW, GUIDE_SHEET, META_SHEET, VALUE_COL, layout_checksum, write_template
from etl.warehouse import init_warehouse

GOVKPI = str(Path(sys.executable).with_name("govkpi"))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "w.duckdb"
    init_warehouse(path, "Gia Lai")
    return path


def _codes(sheet) -> list[str]:
    return [sheet.cell(r, 2).value for r in range(FIRST_DATA_ROW, sheet.max_row + 1) if sheet.cell(r, 2).value]


def test_template_states_unit_and_period_and_locks_them(tmp_path):
    path = write_template(tmp_path / "t.xlsx", load_catalog(), "52-SKHCN", "Sở Khoa học và Công nghệ", parse_code("2025Q3"))
    book = openpyxl.load_workbook(path)
    sheet = book[DATA_SHEET]
    assert sheet["C3"].value == "Sở Khoa học và Công nghệ" and sheet["C4"].value == "52-SKHCN"
    assert sheet["C5"].value == "Quý III/2025"
    assert sheet.protection.sheet is True
    assert sheet["C3"].protection.locked and sheet["C4"].protection.locked and sheet["C5"].protection.locked
    assert not sheet.cell(FIRST_DATA_ROW, VALUE_COL).protection.locked


def test_template_has_vietnamese_instructions(tmp_path):
    path = write_template(tmp_path / "t.xlsx", load_catalog(), "52-SKHCN", "Sở Khoa học và Công nghệ", parse_code("2025Q3"))
    guide = openpyxl.load_workbook(path)[GUIDE_SHEET]
    text = " ".join(str(c.value) for c in guide["A"] if c.value)
    assert "HƯỚNG DẪN ĐIỀN BIỂU MẪU" in text and "khác với số 0" in text


def test_value_cells_accept_only_whole_numbers_at_least_zero(tmp_path):
    path = write_template(tmp_path / "t.xlsx", load_catalog(), "52-SKHCN", "Sở Khoa học và Công nghệ", parse_code("2025Q3"))
    sheet = openpyxl.load_workbook(path)[DATA_SHEET]
    [validation] = sheet.data_validations.dataValidation
    assert validation.type == "whole" and validation.operator == "greaterThanOrEqual" and validation.formula1 == "0"
    covered = str(validation.sqref)
    assert f"E{FIRST_DATA_ROW}" in covered


def test_rows_are_the_metrics_valid_in_the_periods_era(tmp_path):
    catalog = load_catalog()
    before = openpyxl.load_workbook(write_template(tmp_path / "a.xlsx", catalog, "540", "Thành phố Quy Nhơn", parse_code("2021Q1")))
    after = openpyxl.load_workbook(write_template(tmp_path / "b.xlsx", catalog, "23719", "Xã Ia Băng", parse_code("2023Q1")))
    codes_before, codes_after = _codes(before[DATA_SHEET]), _codes(after[DATA_SHEET])
    assert "services_level4" in codes_before and "services_full_online" not in codes_before
    assert "services_full_online" in codes_after and "services_level4" not in codes_after
    assert len(codes_before) == 24 and len(codes_after) == 23  # levels 2/3/4 → toàn trình / một phần


def test_hidden_sheet_carries_version_unit_period_and_layout_checksum(tmp_path):
    catalog = load_catalog()
    period = parse_code("2025Q3")
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", catalog, "52-SKHCN", "Sở Khoa học và Công nghệ", period))
    meta = book[META_SHEET]
    assert meta.sheet_state == "hidden"
    values = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, meta.max_row + 1)}
    assert values["unit_code"] == "52-SKHCN" and values["period"] == "2025Q3"
    assert values["layout_checksum"] == layout_checksum(period, _codes(book[DATA_SHEET]))


def test_template_all_writes_one_file_per_unit_expected_that_period(warehouse, tmp_path):
    result = subprocess.run([GOVKPI, "template", "--all", "--period", "2025Q3", "--out", str(tmp_path / "out"),
                             "--db", str(warehouse)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    files = list((tmp_path / "out").glob("*.xlsx"))
    assert len(files) == 14 + 135  # new Gia Lai's agencies and communes; no districts after 1/7/2025


def test_template_for_one_unit_and_unknown_unit(warehouse, tmp_path):
    ok = subprocess.run([GOVKPI, "template", "--unit", "23719", "--period", "2024Q4", "-o", str(tmp_path / "one.xlsx"),
                         "--db", str(warehouse)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert openpyxl.load_workbook(tmp_path / "one.xlsx")[DATA_SHEET]["C4"].value == "23719"
    bad = subprocess.run([GOVKPI, "template", "--unit", "99999", "--period", "2024Q4", "-o", str(tmp_path / "x.xlsx"),
                          "--db", str(warehouse)], capture_output=True, text=True)
    assert bad.returncode == 2 and "Không có đơn vị mã 99999" in bad.stderr and "Traceback" not in bad.stderr
