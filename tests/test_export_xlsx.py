"""The workbook: numbers stored as numbers (equal to the views) with Vietnamese display formats,
conditional formatting by status, completeness and non-reporting sheets, and no formula
injection from a unit name or note."""
from __future__ import annotations

import dataclasses
import zipfile
from datetime import date

import duckdb
import openpyxl
import pytest

from exports import export
from exports.model import build_model
from exports.xlsx_book import FORBIDDEN_IN_TAB, sheet_names, write_workbook

PERIOD = "2025Q3"
LEVEL_VI = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}
HOSTILE = ['=HYPERLINK("http://evil.example","bấm")', "+1+2", "-3", "@SUM(A1:A2)", "=1+1"]


@pytest.fixture(scope="module")
def warehouse(demo_db):
    """The demo warehouse: built through the real loader, read through the real views."""
    return demo_db


@pytest.fixture(scope="module")
def book_path(warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("book") / "book.xlsx"
    return export("xlsx", PERIOD, str(warehouse), str(out), made_on=date(2026, 11, 23))


@pytest.fixture(scope="module")
def book(book_path):
    return openpyxl.load_workbook(book_path)


@pytest.fixture(scope="module")
def tabs(warehouse):
    """Each indicator's tab name, as the workbook names it."""
    return sheet_names(build_model(str(warehouse), PERIOD))


@pytest.fixture(scope="module")
def con(warehouse):
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def test_summary_sheet_numbers_equal_level_progress(book, con):
    rows = con.execute("SELECT i.name_vi, l.level, l.numerator, l.denominator, l.value, l.target "
                       "FROM level_progress l JOIN catalog_indicators i USING (indicator_code) "
                       "WHERE l.period = ? AND l.target IS NOT NULL", [PERIOD]).fetchall()
    sheet = book["Tổng hợp"]
    found = {}
    for r in sheet.iter_rows(min_row=1):
        if r[1].value and r[2].value in LEVEL_VI.values() and r[1].value in {x[0] for x in rows}:
            found[(r[1].value, r[2].value)] = r
    assert len(found) == len(rows)
    for name, level, numerator, denominator, value, target in rows:
        cells = found[(name, LEVEL_VI[level])]
        assert cells[3].value == numerator and cells[4].value == denominator
        if value is None:
            assert cells[5].value is None
            continue
        assert cells[5].value == pytest.approx(value) and cells[5].data_type == "n"
        assert cells[6].value == pytest.approx(target)
        assert "%" in cells[5].number_format and "#,##0" in cells[3].number_format


def test_indicator_sheets_hold_target_progress(book, con, tabs):
    rows = con.execute("SELECT indicator_code, unit_code, unit_name, value, target FROM target_progress "
                       "WHERE period = ? AND indicator_code IN "
                       "(SELECT indicator_code FROM level_progress WHERE period = ? AND target IS NOT NULL)",
                       [PERIOD, PERIOD]).fetchall()
    assert rows
    for code, unit_code, unit_name, value, target in rows:
        sheet = book[tabs[code]]
        header = [c.value for c in sheet[4]]
        column = header.index("Quý III/2025") + 1
        match = [r for r in sheet.iter_rows(min_row=6) if r[0].value == unit_code and r[1].value == unit_name]
        assert len(match) == 1, (code, unit_code)
        cell = match[0][column - 1]
        assert (cell.value is None and value is None) or cell.value == pytest.approx(value)
        assert match[0][column].value == pytest.approx(target)


def test_indicator_sheets_colour_by_status(book, con, tabs):
    codes = [r[0] for r in con.execute("SELECT DISTINCT indicator_code FROM target_progress "
                                       "WHERE period = ? AND value IS NOT NULL AND target IS NOT NULL", [PERIOD]).fetchall()]
    for code in codes:
        rules = list(book[tabs[code]].conditional_formatting)
        assert rules, code


def test_completeness_sheet_equals_reporting_completeness(book, con):
    rows = con.execute("SELECT level, units_expected, units_reported, rate FROM reporting_completeness "
                       "WHERE period = ?", [PERIOD]).fetchall()
    sheet = book["Gửi báo cáo"]
    by_level = {r[0].value: r for r in sheet.iter_rows(min_row=4) if r[0].value}
    for level, expected, reported, rate in rows:
        cells = by_level[LEVEL_VI[level]]
        assert (cells[1].value, cells[2].value) == (expected, reported)
        assert cells[4].value == pytest.approx(rate)


def test_missing_sheet_lists_missing_reports(book, con):
    rows = con.execute("SELECT unit_code, unit_name FROM missing_reports WHERE period = ?", [PERIOD]).fetchall()
    sheet = book["Chưa báo cáo"]
    listed = {(r[2].value, r[3].value) for r in sheet.iter_rows(min_row=4) if r[3].value}
    assert listed == set(rows)


def test_text_that_looks_like_a_formula_stays_text(warehouse, tmp_path):
    """Formula injection: a unit name or note starting with =, +, - or @ is written as a string
    cell with a quote prefix, never as a formula."""
    model = build_model(warehouse, PERIOD)
    indicator = model.indicators[0]
    units = tuple(dataclasses.replace(u, unit_name=HOSTILE[i % len(HOSTILE)], parent_name=HOSTILE[-1 - i % len(HOSTILE)])
                  for i, u in enumerate(indicator.units))
    missing = tuple(dataclasses.replace(m, unit_name=HOSTILE[0]) for m in model.missing) or ()
    hostile = dataclasses.replace(
        model, indicators=(dataclasses.replace(indicator, units=units, group="=cmd|' /C calc'!A0"),
                           *model.indicators[1:]),
        missing=missing)
    out = write_workbook(hostile, tmp_path / "hostile.xlsx")
    book = openpyxl.load_workbook(out)
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in HOSTILE + ["=cmd|' /C calc'!A0"]:
                    assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.coordinate)
                    seen += 1
    assert seen >= len(units)
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def test_tabs_are_named_in_vietnamese_within_excels_limits(book, tabs, con):
    names = dict(con.execute("SELECT indicator_code, name_vi FROM catalog_indicators").fetchall())
    assert set(tabs.values()) <= set(book.sheetnames)
    for code, tab in tabs.items():
        assert len(tab) <= 31 and not set(tab) & set(FORBIDDEN_IN_TAB) and not tab.startswith("'")
        assert code not in tab  # a name, not an internal code
        assert tab.rstrip("…").split()[0].lower() in names[code].lower()
    assert len({t.casefold() for t in book.sheetnames}) == len(book.sheetnames)
    assert {"Tổng hợp", "Gửi báo cáo", "Chưa báo cáo"} <= set(book.sheetnames)


def test_long_or_clashing_indicator_names_still_give_valid_tabs(warehouse):
    model = build_model(str(warehouse), PERIOD)
    first = model.indicators[0]
    twins = [dataclasses.replace(first, code=f"x{i}", name="Tỷ lệ cơ quan/đơn vị [cấp xã]: có cán bộ chuyên trách CNTT?")
             for i in range(3)] + [dataclasses.replace(first, code="sum", name="Tổng hợp")]
    tabs = sheet_names(dataclasses.replace(model, indicators=tuple(twins)))
    assert len(set(tabs.values())) == 4
    for tab in tabs.values():
        assert len(tab) <= 31 and not set(tab) & set(FORBIDDEN_IN_TAB)
    assert tabs["sum"] != "Tổng hợp"


def test_the_english_workbook_formats_its_numbers_the_english_way(warehouse, tmp_path):
    """A rate reads 78.5% and a count 1,937 in the English workbook (locale 0x0409), as the
    Vietnamese one reads 78,5% and 1.937 (0x042A)."""
    for lang, tag, other in (("vi", "[$-42A]", "[$-409]"), ("en", "[$-409]", "[$-42A]")):
        path = export("xlsx", PERIOD, str(warehouse), str(tmp_path / f"book-{lang}.xlsx"), lang,
                      made_on=date(2026, 11, 23))
        book = openpyxl.load_workbook(path)
        formats = {c.number_format for sheet in book for row in sheet.iter_rows() for c in row
                   if isinstance(c.value, (int, float)) and "0" in c.number_format}
        tagged = {f for f in formats if f.startswith("[$-")}
        assert tagged and all(f.startswith(tag) for f in tagged), (lang, formats)
        assert not any(other in f for f in formats)


def test_every_sheet_prints_one_page_wide_in_landscape(book):
    """Printed, a sheet keeps its columns together (one page wide, as many down as it needs),
    not one column a page."""
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0), sheet.title
