"""District tables by name in a national warehouse: a table is read within the province its
header (or --province) names, so namesakes in other provinces are not candidates; the name
index is built once and shared by every period of a load."""
from __future__ import annotations

import dataclasses
import shutil
import time
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from etl.catalog import load_catalog
from etl.consolidated_writer import write_consolidated
from etl.load import Loader
from vocab.periods import parse_code
from etl.unitnames import UnitIndex
from etl.units import UnitError
from etl.warehouse import connect, init_warehouse

CATALOG = load_catalog()
BAO_LAM_CAO_BANG = "old:042"  # Huyện Bảo Lâm of Tỉnh Cao Bằng; Lâm Đồng has its own (old:680)
BAO_LAC = "old:043"
NO_PROVINCE = ("BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ", "SỞ TT&TT")


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    """A whole-country warehouse (init --province all), built once for the module."""
    path = tmp_path_factory.mktemp("national") / "national.duckdb"
    init_warehouse(path, "all", CATALOG)
    return path


@pytest.fixture
def con(national: Path, tmp_path: Path):
    path = tmp_path / "w.duckdb"
    shutil.copy(national, path)
    connection = connect(path)
    yield connection
    connection.close()


def district_table(path: Path, period: str, names: list[str], header=("TỈNH CAO BẰNG", "SỞ TT&TT")) -> Path:
    """A district table of one quarter, units given by name, headed by `header`."""
    quarter = parse_code(period)
    metrics = CATALOG.metrics_valid_between(quarter.start, quarter.end)[:3]
    rows = [(None, name, {m.code: 10 + i for m in metrics}) for i, name in enumerate(names)]
    return write_consolidated(path, "cấp huyện", quarter, metrics, rows, quarter.end + timedelta(days=5),
                              agency_header=header)


def loaded_units(con, report) -> set[str]:
    return {row[0] for row in con.execute(
        "SELECT DISTINCT unit_key FROM reported_values WHERE submission_id = ?", [report.submission_id]).fetchall()}


def test_a_cao_bang_table_naming_bao_lam_loads_into_cao_bangs_bao_lam(con, tmp_path):
    report = Loader(con, CATALOG).load_file(district_table(tmp_path / "cb.xlsx", "2021Q2", ["Huyện Bảo Lâm", "Huyện Bảo Lạc"]))
    assert report.status == "accepted", [i.message_vi for i in report.issues]
    assert loaded_units(con, report) == {BAO_LAM_CAO_BANG, BAO_LAC}


def test_without_a_header_the_province_option_names_the_province(con, tmp_path):
    path = district_table(tmp_path / "cb.xlsx", "2021Q2", ["Huyện Bảo Lâm"], header=NO_PROVINCE)
    report = Loader(con, CATALOG, province="Cao Bằng").load_file(path)
    assert report.status == "accepted", [i.message_vi for i in report.issues]
    assert loaded_units(con, report) == {BAO_LAM_CAO_BANG}


def test_without_header_or_option_a_namesake_is_ambiguous_across_the_country(con, tmp_path):
    path = district_table(tmp_path / "cb.xlsx", "2021Q2", ["Huyện Bảo Lâm"], header=NO_PROVINCE)
    report = Loader(con, CATALOG).load_file(path)
    assert report.status == "rejected"
    [issue] = [i for i in report.issues if i.code == "unit_ambiguous"]
    assert "Tỉnh Cao Bằng" in issue.message_vi and "Tỉnh Lâm Đồng" in issue.message_vi
    assert "trong cả nước" in issue.message_vi and "in the whole country" in issue.message_en


def test_a_header_province_other_than_the_option_is_an_error_naming_the_cell(con, tmp_path):
    path = district_table(tmp_path / "cb.xlsx", "2021Q2", ["Huyện Bảo Lâm"])
    report = Loader(con, CATALOG, province="Lâm Đồng").load_file(path)
    assert report.status == "rejected"
    [issue] = [i for i in report.issues if i.code == "province_conflict"]
    assert issue.cell == "A1" and "Ô A1" in issue.message_vi and "tỉnh Cao Bằng" in issue.message_vi
    assert "Lâm Đồng" in issue.message_vi and "Cell A1" in issue.message_en


def test_an_unknown_province_option_is_refused(con):
    with pytest.raises(UnitError):
        Loader(con, CATALOG, province="Tỉnh Không Có")


def test_an_unknown_name_is_offered_the_closest_names_of_that_province_only(con, tmp_path):
    path = district_table(tmp_path / "cb.xlsx", "2021Q2", ["Huyện Bảo Lâmm"])
    report = Loader(con, CATALOG).load_file(path)
    [issue] = [i for i in report.issues if i.code == "unit_not_found"]
    assert "trong tỉnh Cao Bằng" in issue.message_vi and "in the province of Cao Bằng" in issue.message_en
    offered = issue.message_vi.split("Đơn vị gần nhất: ")[1].rstrip(".").split("; ")
    cao_bang = {row[0] for row in con.execute(
        "SELECT unit_name FROM units WHERE province_key = 'old:04'").fetchall()}
    assert len(offered) == 3 and "Huyện Bảo Lâm" in offered and set(offered) <= cao_bang


def test_the_closest_names_of_a_province_come_in_milliseconds(con):
    from etl.checks import MatcherCache
    from etl.units import province_scope

    matcher = MatcherCache(con).for_period(parse_code("2021Q2"), province_scope("Cao Bằng"))
    matcher.match_name("Huyện Khôngcó")  # the index is built (or taken from the cache) once
    started = time.perf_counter()
    found = [matcher.match_name(f"Xã Khôngcó {i}") for i in range(50)]
    assert (time.perf_counter() - started) / 50 < 0.02
    assert all(m.reason == "not_found" and len(m.candidates) == 3 for m in found)


def test_the_name_index_is_built_once_for_a_load_of_many_periods_and_reused_by_the_next(con, tmp_path):
    quarters = ["2019Q1", "2019Q2", "2020Q3", "2021Q4", "2022Q1", "2023Q2", "2024Q3", "2024Q4"]
    files = [district_table(tmp_path / f"cb_{q}.xlsx", q, ["Huyện Bảo Lâm", "Huyện Bảo Lạc"]) for q in quarters]
    UnitIndex._cache.clear()
    before = UnitIndex.builds
    reports = Loader(con, CATALOG).load_files(files)
    assert [r.status for r in reports] == ["accepted"] * len(quarters)
    assert UnitIndex.builds - before == 1
    more = [district_table(tmp_path / f"cb2_{q}.xlsx", q, ["Huyện Hà Quảng"]) for q in quarters[:2]]
    assert [r.status for r in Loader(con, CATALOG).load_files(more)] == ["accepted"] * 2
    assert UnitIndex.builds - before == 1  # the units did not change: the next load reuses it


def test_each_value_is_stored_with_its_own_district_metric_and_cell(con, tmp_path):
    """A group writes its values as one relation: every stored value is the number in the cell
    it names, on the row of the district it names."""
    path = district_table(tmp_path / "cb.xlsx", "2021Q2", ["Huyện Bảo Lâm", "Huyện Bảo Lạc", "Huyện Hà Quảng"])
    report = Loader(con, CATALOG).load_file(path)
    assert report.status == "accepted", [i.message_vi for i in report.issues]
    stored = con.execute(
        "SELECT u.unit_name, v.period, v.metric_code, v.value, v.sheet, v.cell FROM reported_values v "
        "JOIN units u USING (unit_key) WHERE v.submission_id = ?", [report.submission_id]).fetchall()
    sheet = openpyxl.load_workbook(path)["Biểu 01"]
    names = {m.name_vi: m.code for m in CATALOG.metrics.values()}
    assert len(stored) == 9 and {row[0] for row in stored} == {"Huyện Bảo Lâm", "Huyện Bảo Lạc", "Huyện Hà Quảng"}
    for unit_name, period, metric, value, sheet_name, cell in stored:
        row = sheet[cell].row
        assert (period, sheet_name, sheet[cell].value) == ("2021Q2", "Biểu 01", value)
        assert sheet.cell(row, 2).value == unit_name
        assert names[sheet.cell(8, sheet[cell].column).value] == metric


def test_a_loader_reads_headers_in_its_own_catalog_even_after_another_catalogs_load(con, tmp_path):
    """The header index is kept between files of a load, never across catalogs: an alias only
    one catalog knows heads a column for that catalog's loader alone."""
    quarter = parse_code("2021Q2")
    metric = CATALOG.metrics_valid_between(quarter.start, quarter.end)[0]
    aliased = dataclasses.replace(CATALOG, metrics={**CATALOG.metrics, metric.code: dataclasses.replace(
        metric, aliases=(*metric.aliases, "Tổng số hồ sơ theo cách gọi riêng"))})
    first = Loader(con, CATALOG).load_file(district_table(tmp_path / "a.xlsx", "2021Q2", ["Huyện Bảo Lâm"]))
    assert first.status == "accepted"
    path = district_table(tmp_path / "b.xlsx", "2021Q3", ["Huyện Bảo Lạc"])
    book = openpyxl.load_workbook(path)
    header = next(c for c in book["Biểu 01"][8] if c.value == metric.name_vi)
    header.value = "Tổng số hồ sơ theo cách gọi riêng"
    book.save(path)
    by_alias = Loader(con, aliased).load_file(path)
    assert by_alias.status == "accepted", [i.message_vi for i in by_alias.issues]
    assert metric.code in {row[0] for row in con.execute(
        "SELECT metric_code FROM reported_values WHERE submission_id = ?", [by_alias.submission_id]).fetchall()}
    shutil.copy(path, tmp_path / "c.xlsx")
    plain = Loader(con, CATALOG).load_file(tmp_path / "c.xlsx")
    assert metric.code not in {row[0] for row in con.execute(
        "SELECT metric_code FROM reported_values WHERE submission_id = ?", [plain.submission_id]).fetchall()}
