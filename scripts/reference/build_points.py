"""Builds data/reference/unit_points.csv: where each unit lies (latitude, longitude of its
centre), from the PyPI package vietnamadminunits (MIT licence), for the dashboard's map.

No package we know ships the units' boundaries, so the map draws each unit as a point at its
centre rather than filling its polygon. The package keys its units by GSO code, the same
codes as units_old.csv and units_new.csv. Run: .venv/bin/python scripts/reference/build_points.py
"""
from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "data" / "reference"  # where the built CSVs live (shipped in the package govkpi_data)
sys.path.insert(0, str(ROOT))
from etl.unitnames import normalise_name  # noqa: E402
PACKAGE = "vietnamadminunits==1.0.4"
COLUMNS = ["era", "level", "unit_code", "lat", "lon", "area_km2"]
WIDTH = {"province": 2, "district": 3, "commune": 5}

# Each query gives: code, name, province code, latitude, longitude, area.
QUERIES = {
    ("new", "province"): "SELECT DISTINCT provinceCode, province, provinceCode, provinceLat, provinceLon, NULL FROM admin_units",
    ("new", "commune"): "SELECT wardCode, ward, provinceCode, wardLat, wardLon, wardAreaKm2 FROM admin_units",
    ("old", "province"): "SELECT DISTINCT provinceCode, province, provinceCode, provinceLat, provinceLon, NULL FROM admin_units_legacy",
    ("old", "district"): "SELECT DISTINCT districtCode, district, provinceCode, districtLat, districtLon, NULL FROM admin_units_legacy",
    ("old", "commune"): "SELECT wardCode, ward, provinceCode, wardLat, wardLon, NULL FROM admin_units_legacy WHERE wardCode IS NOT NULL",
}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="govkpi-points-") as tmp:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", tmp, PACKAGE],
                       check=True)
        con = sqlite3.connect(Path(tmp) / "vietnamadminunits" / "data" / "dataset.db")
        rows = []
        renamed = 0
        for (era, level), query in QUERIES.items():
            ours = _reference(era, level)
            seen = set()
            for code, name, province, lat, lon, area in con.execute(query):
                if code is None or lat is None or lon is None:
                    continue
                code, found = _our_code(ours, str(code).zfill(WIDTH[level]), name, str(province).zfill(2))
                renamed += found
                if code is None or code in seen:
                    continue
                seen.add(code)
                rows.append({"era": era, "level": level, "unit_code": code, "lat": round(float(lat), 5),
                             "lon": round(float(lon), 5), "area_km2": area})
        con.close()
    with (HERE / "unit_points.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"{renamed} points placed by name where the two packages give a unit different codes")
    for era in ("old", "new"):
        for level in WIDTH:
            count = sum(r["era"] == era and r["level"] == level for r in rows)
            if count:
                print(f"{era} {level}: {count:,} points")


def _reference(era: str, level: str) -> tuple[dict, dict]:
    """Gives our units of an era and level by code, and by (province, normalised name)."""
    by_code, by_name = {}, {}
    with (HERE / f"units_{era}.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["level"] == level:
                by_code[row["unit_code"]] = normalise_name(row["unit_name"])
                by_name[(row["province_code"], normalise_name(row["unit_name"]))] = row["unit_code"]
    return by_code, by_name


def _our_code(ours: tuple[dict, dict], code: str, name: str, province: str) -> tuple[str | None, bool]:
    """Gives our GSO code for a package's unit: its own code when the names agree, else the
    code of our unit of that name in that province (the packages differ on a few codes)."""
    by_code, by_name = ours
    norm = normalise_name(name or "")
    if by_code.get(code) == norm:
        return code, False
    found = by_name.get((province, norm))
    return (found, True) if found else (code if code in by_code else None, False)


if __name__ == "__main__":
    main()
