"""Builds the committed unit tables (units_old/new, lineage) from the PyPI reference packages.

Why a script and committed CSVs: the two `vietnam-provinces` versions share one module
name and cannot be installed side by side, and the runtime should not depend on either.
So this installs each into its own temporary folder, reads their data files and writes
plain CSVs that etl/units.py reads. Run: .venv/bin/python scripts/reference/build_units.py
"""
from __future__ import annotations

import collections
import csv
import importlib
import json
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "data" / "reference"  # where the built CSVs live (shipped in the package govkpi_data)
sys.path.insert(0, str(ROOT))
from etl.unitnames import TYPE_PREFIX, fold_name, normalise_name, split_prefix  # noqa: E402

PACKAGES = {
    "old": "vietnam-provinces==0.6.0",
    "new": "vietnam-provinces==2025.10.1",
    "conv": "vietnam-address-converter==1.0.5",
}
COLUMNS = ["unit_code", "unit_name", "short_name", "unit_type", "level", "parent_code", "province_code"]
# GSO code widths: province 2, district 3, commune 5 ('01', '001', '00001').
WIDTH = {"province": 2, "district": 3, "commune": 5}
NEW_TYPES = {"tỉnh": "tinh", "thành phố trung ương": "thanh_pho_tw", "xã": "xa", "phường": "phuong", "đặc khu": "dac_khu"}
# In case a package names old Thừa Thiên Huế by its pre-2025 name.
PROVINCE_ALIASES = {normalise_name("Huế"): "Thừa Thiên Huế"}


def main() -> None:
    """Installs the packages, writes the CSVs and prints the counts."""
    with tempfile.TemporaryDirectory(prefix="govkpi-units-") as tmp:
        roots = {key: _install(spec, Path(tmp) / key) for key, spec in PACKAGES.items()}
        old_rows = old_units(json.loads((roots["old"] / "vietnam_provinces/data/nested-divisions.json").read_text("utf-8")))
        new_rows = new_units(json.loads((roots["new"] / "vietnam_provinces/data/nested-divisions.json").read_text("utf-8")))
        sys.path.insert(0, str(roots["conv"]))
        conv = importlib.import_module("vietnam_address_converter.data").DEFAULT_DATA
    _write(HERE / "units_old.csv", COLUMNS, old_rows)
    _write(HERE / "units_new.csv", COLUMNS, new_rows)
    pairs, unmatched = commune_lineage(old_rows, new_rows, conv)
    _write(HERE / "lineage.csv", ["old_commune_code", "new_commune_code"], pairs)
    _write(HERE / "lineage_unmatched.csv", list(UNMATCHED_COLUMNS), unmatched)
    provinces, split = province_lineage(old_rows, new_rows, pairs)
    _write(HERE / "province_lineage.csv", ["old_province_code", "new_province_code"], provinces)
    _report(old_rows, new_rows, pairs, unmatched, provinces, split)


def old_units(nested: list[dict]) -> list[dict]:
    """Gives the 63/696/10,051 units of vietnam-provinces 0.6.0; types from the name prefix.

    0.6.0 types every unit as tỉnh/huyện/xã, so the prefix of the official name is the
    only place the real type (quận, thị xã, phường, thị trấn...) is written.
    """
    rows: list[dict] = []
    for prov in nested:
        pcode = _code(prov["code"], "province")
        rows.append(_row(prov["name"], pcode, "province", "", pcode, tw_city=True))
        for dist in prov["districts"]:
            dcode = _code(dist["code"], "district")
            rows.append(_row(dist["name"], dcode, "district", pcode, pcode))
            for ward in dist["wards"]:
                rows.append(_row(ward["name"], _code(ward["code"], "commune"), "commune", dcode, pcode))
    return rows


def new_units(nested: list[dict]) -> list[dict]:
    """Gives the 34/3,321 units of vietnam-provinces 2025.x; communes hang on the province."""
    rows: list[dict] = []
    for prov in nested:
        pcode = _code(prov["code"], "province")
        rows.append(_row(prov["name"], pcode, "province", "", pcode, NEW_TYPES[prov["division_type"]]))
        for ward in prov["wards"]:
            rows.append(_row(ward["name"], _code(ward["code"], "commune"), "commune", pcode, pcode,
                             NEW_TYPES[ward["division_type"]]))
    return rows


UNMATCHED_COLUMNS = ("problem", "old_province", "old_district", "old_commune", "new_province", "new_commune",
                     "converter_old_code", "converter_new_code")


def commune_lineage(old_rows: list[dict], new_rows: list[dict], conv: dict) -> tuple[list[dict], list[dict]]:
    """Gives GSO old→new commune pairs from the converter's mapping, joined by name.

    The converter's codes are its own, so each side is found by province, then (for old
    communes) district, then the prefixed name, with looser keys only when they are unique.
    """
    old_prov = _NameIndex(r for r in old_rows if r["level"] == "province")
    new_prov = _NameIndex(r for r in new_rows if r["level"] == "province")
    old_dist = _grouped(old_rows, "district", "province_code")
    old_comm_by_dist = _grouped(old_rows, "commune", "parent_code")
    old_comm_by_prov = _grouped(old_rows, "commune", "province_code")
    new_comm = _grouped(new_rows, "commune", "province_code")
    pairs: dict[tuple[str, str], None] = {}
    unmatched: list[dict] = []
    for row in conv["mapping"]["rows"]:
        old, new = row["old"], row["new"]
        old_code = new_code = None
        pcode = old_prov.find(old["province_name"], PROVINCE_ALIASES)
        if pcode:
            dcode = old_dist[pcode].find(old["district_name"]) if pcode in old_dist else None
            if dcode and dcode in old_comm_by_dist:
                old_code = old_comm_by_dist[dcode].find(old["ward_name"])
            old_code = old_code or old_comm_by_prov[pcode].find(old["ward_name"])
        npcode = new_prov.find(new["province_name"])
        if npcode:
            new_code = new_comm[npcode].find(new["ward_name"])
        if old_code and new_code:
            pairs[(old_code, new_code)] = None
            continue
        problem = "old_and_new_not_found" if not (old_code or new_code) else "old_not_found" if not old_code else "new_not_found"
        unmatched.append(dict(zip(UNMATCHED_COLUMNS, (
            problem, old["province_name"], old["district_name"], old["ward_name"], new["province_name"],
            new["ward_name"], old["ward_code"], new["ward_code"]))))
    return [{"old_commune_code": o, "new_commune_code": n} for o, n in sorted(pairs)], unmatched


def province_lineage(old_rows: list[dict], new_rows: list[dict], pairs: list[dict]) -> tuple[list[dict], dict]:
    """Gives each old province's one new province: the one most of its communes went to.

    Provinces merged whole in 2025, so any old province whose communes went to two new
    provinces is reported (it would be a mapping error, not a split).
    """
    old_prov = {r["unit_code"]: r["province_code"] for r in old_rows}
    new_prov = {r["unit_code"]: r["province_code"] for r in new_rows}
    votes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for pair in pairs:
        votes[old_prov[pair["old_commune_code"]]][new_prov[pair["new_commune_code"]]] += 1
    result = [{"old_province_code": o, "new_province_code": votes[o].most_common(1)[0][0]} for o in sorted(votes)]
    split = {o: dict(v) for o, v in votes.items() if len(v) > 1}
    return result, split


class _NameIndex:
    """Finds a unit code by written name: prefixed key, then short key, then ASCII key without spaces, each only if unique."""

    def __init__(self, rows) -> None:
        self.keys: list[dict[object, set[str]]] = [collections.defaultdict(set) for _ in range(3)]
        for r in rows:
            for index, key in zip(self.keys, self._keys(r["unit_type"], r["short_name"])):
                index[key].add(r["unit_code"])

    @staticmethod
    def _keys(unit_type: str | None, short: str) -> tuple:
        kind = {"thanh_pho_tw": "thanh_pho"}.get(unit_type or "", unit_type)
        # Spaces go last: "EaBar" is "Ea Bar", "KBang" is "K'Bang".
        return (kind, normalise_name(short)), normalise_name(short), fold_name(short).replace(" ", "")

    def find(self, name: str, aliases: dict[str, str] | None = None) -> str | None:
        kind, short = split_prefix(name)
        found = self._find(kind, short)
        alias = (aliases or {}).get(normalise_name(short))
        return found or (self._find(None, alias) if alias else None)

    def _find(self, kind: str | None, short: str) -> str | None:
        for index, key in zip(self.keys, self._keys(kind, short)):
            codes = index.get(key, set())
            if len(codes) == 1:
                return next(iter(codes))
            if len(codes) > 1:
                return None
        return None


def _grouped(rows: list[dict], level: str, by: str) -> dict[str, _NameIndex]:
    groups: dict[str, list[dict]] = collections.defaultdict(list)
    for r in rows:
        if r["level"] == level:
            groups[r[by]].append(r)
    return {key: _NameIndex(members) for key, members in groups.items()}


def _row(name: str, code: str, level: str, parent: str, province: str, unit_type: str | None = None,
         tw_city: bool = False) -> dict:
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    prefix, short = split_prefix(name)
    if unit_type is None:
        if prefix is None:
            raise SystemExit(f"no prefix in {name!r} ({level} {code})")
        unit_type = "thanh_pho_tw" if (tw_city and prefix == "thanh_pho") else prefix
    elif prefix is None:
        # 2025.x writes "Gia Lai" for Tỉnh Gia Lai: the prefix is part of the official name.
        name = f"{TYPE_PREFIX[unit_type]} {name}"
    return dict(zip(COLUMNS, (code, name, short, unit_type, level, parent, province)))


def _code(value: int | str, level: str) -> str:
    return str(int(value)).zfill(WIDTH[level])


def _install(spec: str, target: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), spec],
                   check=True)
    return target


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _report(old_rows, new_rows, pairs, unmatched, provinces, split) -> None:
    count = collections.Counter((era, r["level"]) for era, rows in (("old", old_rows), ("new", new_rows)) for r in rows)
    for (era, level), n in sorted(count.items()):
        print(f"{era:4} {level:9} {n:6}")
    by_type = collections.Counter(r["unit_type"] for r in new_rows if r["level"] == "commune")
    print("new communes by type:", dict(by_type))
    old_sub = collections.Counter(r["province_code"] for r in old_rows if r["level"] == "district")
    new_sub = collections.Counter(r["province_code"] for r in new_rows if r["level"] == "commune")
    print(f"old Gia Lai (64): {old_sub['64']} districts; old Bình Định (52): {old_sub['52']} districts; "
          f"new Gia Lai (52): {new_sub['52']} communes")
    old_communes = {r["unit_code"] for r in old_rows if r["level"] == "commune"}
    new_communes = {r["unit_code"] for r in new_rows if r["level"] == "commune"}
    print(f"lineage pairs: {len(pairs)}; old communes with a successor: "
          f"{len({p['old_commune_code'] for p in pairs})}/{len(old_communes)}; new communes with a predecessor: "
          f"{len({p['new_commune_code'] for p in pairs})}/{len(new_communes)}")
    print(f"converter rows that did not join: {len(unmatched)} "
          f"{dict(collections.Counter(u['problem'] for u in unmatched))}")
    for u in unmatched:
        print("  ", " | ".join(u[c] for c in UNMATCHED_COLUMNS))
    print(f"province lineage: {len(provinces)} old provinces -> {len({p['new_province_code'] for p in provinces})} new;"
          f" old provinces whose communes went to several new ones: {split or 'none'}")


if __name__ == "__main__":
    main()
