"""Units of both eras in the warehouse: counts, roots, ancestors, lineage, province names."""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from etl.units import ERA_VALIDITY, UnitError, install_units, resolve_province

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference"


def _warehouse(provinces: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute((ROOT / "warehouse" / "sql" / "schema.sql").read_text(encoding="utf-8"))
    install_units(con, resolve_province(con, provinces))
    return con


@pytest.fixture(scope="module")
def gia_lai() -> duckdb.DuckDBPyConnection:
    return _warehouse("Gia Lai")


def _rows(name: str) -> list[dict]:
    with (REFERENCE / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _one(con, sql: str, *params):
    return con.execute(sql, list(params)).fetchall()[0][0]


def test_reference_tables_hold_the_official_structure_of_both_eras():
    old = Counter(r["level"] for r in _rows("units_old"))
    new = Counter(r["level"] for r in _rows("units_new"))
    assert old == {"province": 63, "district": 696, "commune": 10051}
    assert new == {"province": 34, "commune": 3321}
    new_types = Counter(r["unit_type"] for r in _rows("units_new") if r["level"] == "commune")
    assert new_types == {"xa": 2621, "phuong": 687, "dac_khu": 13}
    districts = Counter(r["province_code"] for r in _rows("units_old") if r["level"] == "district")
    assert (districts["64"], districts["52"]) == (17, 11)


def test_each_old_province_has_exactly_one_new_province():
    lineage = _rows("province_lineage")
    assert len(lineage) == len({r["old_province_code"] for r in lineage}) == 63
    assert len({r["new_province_code"] for r in lineage}) == 34
    assert {r["old_province_code"] for r in lineage if r["new_province_code"] == "52"} == {"52", "64"}


@pytest.mark.parametrize("arg", ["Gia Lai", "gia lai", "Bình Định", "tỉnh Bình Định", "Tinh Binh Dinh", "64", "52"])
def test_old_and_new_province_names_and_codes_resolve_to_the_new_province(arg):
    assert resolve_province(None, arg) == ["52"]


def test_all_resolves_to_the_34_new_provinces():
    codes = resolve_province(None, "all")
    assert len(codes) == 34 and "52" in codes


def test_unknown_province_lists_the_closest_names_in_vietnamese():
    with pytest.raises(UnitError, match="Không tìm thấy") as caught:
        resolve_province(None, "Gia Lay")
    assert "Gia Lai" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_new_gia_lai_has_135_communes_and_its_predecessors_units(gia_lai):
    by = dict(((era, level), n) for era, level, n in gia_lai.execute(
        "SELECT era, level, count(*) FROM units WHERE unit_type <> 'agency' GROUP BY ALL").fetchall())
    assert by[("new", "commune")] == 135
    assert by[("new", "province")] == 1 and by[("old", "province")] == 2
    assert by[("old", "district")] == 17 + 11
    roots = gia_lai.execute("SELECT unit_key FROM units WHERE is_root ORDER BY unit_key").fetchall()
    assert [r[0] for r in roots] == ["new:52", "old:52", "old:64"]


def test_roots_have_no_parent_and_every_unit_belongs_to_its_root(gia_lai):
    assert _one(gia_lai, "SELECT count(*) FROM units WHERE is_root AND (parent_key IS NOT NULL OR province_key <> unit_key)") == 0
    assert _one(gia_lai, "SELECT count(*) FROM units WHERE level = 'commune' AND era = 'new' AND parent_key <> 'new:52'") == 0
    orphans = """SELECT count(*) FROM units u LEFT JOIN units p ON p.unit_key = u.parent_key
                 WHERE u.parent_key IS NOT NULL AND p.unit_key IS NULL"""
    assert _one(gia_lai, orphans) == 0


def test_eras_are_valid_on_either_side_of_1_july_2025(gia_lai):
    for era, (start, end) in ERA_VALIDITY.items():
        got = gia_lai.execute("SELECT DISTINCT valid_from, valid_to FROM units WHERE era = ?", [era]).fetchall()
        assert got == [(start, end)]


def test_agencies_of_each_era_hang_on_their_province_root(gia_lai):
    row = gia_lai.execute("SELECT unit_code, level, is_root, parent_key, province_key, unit_type FROM units "
                          "WHERE unit_key = 'agency:new:52:SKHCN'").fetchall()[0]
    assert row == ("52-SKHCN", "province", False, "new:52", "new:52", "agency")
    assert _one(gia_lai, "SELECT count(*) FROM units WHERE unit_key = 'agency:old:64:STTTT'") == 1
    assert _one(gia_lai, "SELECT count(*) FROM units WHERE unit_key = 'agency:new:52:STTTT'") == 0


def test_every_old_unit_reaggregates_on_the_new_root(gia_lai):
    missing = """SELECT count(*) FROM units u WHERE NOT EXISTS (
                   SELECT 1 FROM unit_ancestors a WHERE a.unit_key = u.unit_key AND a.ancestor_key = 'new:52')"""
    assert _one(gia_lai, missing) == 0
    chain = gia_lai.execute("SELECT ancestor_key FROM unit_ancestors WHERE unit_key = 'old:23995' "
                            "ORDER BY ancestor_key").fetchall()
    assert [c[0] for c in chain] == ["new:52", "old:23995", "old:634", "old:64"]
    assert _one(gia_lai, "SELECT count(*) FROM unit_ancestors WHERE unit_key = ancestor_key") == \
        _one(gia_lai, "SELECT count(*) FROM units")


def test_lineage_links_old_communes_and_provinces_to_the_new_map(gia_lai):
    roots = gia_lai.execute("SELECT old_key FROM unit_lineage WHERE new_key = 'new:52' ORDER BY 1").fetchall()
    assert [r[0] for r in roots] == ["old:52", "old:64"]
    linked = _one(gia_lai, "SELECT count(DISTINCT new_key) FROM unit_lineage WHERE new_key LIKE 'new:%' AND new_key <> 'new:52'")
    assert linked == 135
    dangling = """SELECT count(*) FROM unit_lineage l WHERE NOT EXISTS (SELECT 1 FROM units WHERE unit_key = l.old_key)
                  OR NOT EXISTS (SELECT 1 FROM units WHERE unit_key = l.new_key)"""
    assert _one(gia_lai, dangling) == 0


def test_installing_a_province_twice_replaces_its_rows():
    con = _warehouse("Gia Lai")
    before = [_one(con, f"SELECT count(*) FROM {t}") for t in ("units", "unit_lineage", "unit_ancestors")]
    install_units(con, ["52"])
    assert [_one(con, f"SELECT count(*) FROM {t}") for t in ("units", "unit_lineage", "unit_ancestors")] == before


def test_init_all_builds_the_country():
    con = _warehouse("all")
    roots = dict(con.execute("SELECT era, count(*) FROM units WHERE is_root GROUP BY era").fetchall())
    assert roots == {"new": 34, "old": 63}
    assert _one(con, "SELECT count(*) FROM units WHERE level = 'district'") == 696
    assert _one(con, "SELECT count(*) FROM units WHERE level = 'commune'") == 10051 + 3321
