"""Administrative units of both eras into the warehouse: provinces, districts, communes, agencies.

The unit tables are built from the committed CSVs in data/reference (made by
scripts/reference/build_units.py from the PyPI packages), so the runtime never imports those
packages. A warehouse holds the new provinces asked for and every old province merged into
them, so history before 1 July 2025 re-aggregates on the new map through unit_ancestors.
"""
from __future__ import annotations

import difflib
import functools
import re
from importlib.resources import files

import pandas as pd

from etl.unitnames import Match, ProvinceScope, UnitMatcher, fold_name, normalise_name, split_prefix
from vocab.periods import ERA_VALIDITY

__all__ = [
    "UnitError", "resolve_province", "province_scope", "search_label", "install_units", "reference_table",
    "UnitMatcher", "Match", "normalise_name", "split_prefix", "ERA_VALIDITY",
]

REFERENCE = files("govkpi_data").joinpath("reference")
UNIT_COLUMNS = ["unit_key", "unit_code", "unit_name", "short_name", "unit_type", "level", "is_root",
                "parent_key", "province_key", "era", "valid_from", "valid_to"]


class UnitError(ValueError):
    """A province or unit the user named that the reference tables do not hold."""


@functools.lru_cache(maxsize=None)
def reference_table(name: str) -> pd.DataFrame:
    """Gives one CSV of data/reference as strings ('units_old', 'lineage', 'agencies', ...)."""
    return pd.read_csv(REFERENCE / f"{name}.csv", dtype=str, keep_default_na=False)


def resolve_province(con_or_none: object, arg: str) -> list[str]:
    """Gives the new (post-2025) GSO province codes an argument names, in code order.

    Accepts an old or new province name with or without "Tỉnh"/"Thành phố", any case or
    diacritics, an old or new GSO code, "all", or several of these separated by commas.
    The connection is accepted for symmetry with the other commands and not needed: the
    answer comes from the reference tables.
    """
    new, lineage = reference_table("units_new"), _province_lineage()
    new_codes = sorted(new.loc[new["level"] == "province", "unit_code"])
    if arg.strip().lower() in {"all", "tất cả", "tat ca"}:
        return new_codes
    found: set[str] = set()
    for part in [p for p in arg.replace(";", ",").split(",") if p.strip()]:
        found.update(_resolve_one(part.strip(), new_codes, lineage))
    if not found:
        raise UnitError(f"Không có tỉnh/thành phố nào trong «{arg}» (no province named).")
    return sorted(found)


@functools.lru_cache(maxsize=1024)  # every file of a load names its province again
def province_scope(arg: str) -> ProvinceScope | None:
    """Gives the province(s) a table's header or `--province` names, per era, or None.

    A name means the province of that name in each era where one exists ("Cao Bằng": old 04
    before 1 July 2025, new 04 after); in an era without one, its successor ("Hà Giang" after
    the reform: new Tuyên Quang) or its predecessors. A code is read as `govkpi init` reads
    it: a new code first (with every old province merged into it), else an old one."""
    lineage, names = _province_lineage(), _province_names()
    new_codes = set(lineage.values())
    hits: set[tuple[str, str]] = set()
    for part in [p.strip() for p in arg.replace(";", ",").split(",") if p.strip()]:
        if part.isdigit():
            code = str(int(part)).zfill(2)
            found = {("new", code)} if code in new_codes else {("old", code)} if code in lineage else set()
        else:
            _, short = split_prefix(part)
            folded = re.sub(r"^(?:tinh|thanh pho|tp)\s+", "", fold_name(short))
            found = names["norm"].get(normalise_name(short)) or names["fold"].get(folded) or set()
        if not found:
            return None
        hits |= found
    old = {code for era, code in hits if era == "old"}
    new = {code for era, code in hits if era == "new"} or {lineage[code] for code in old}
    if not old:
        old = {code for code, successor in lineage.items() if successor in new}
    shown = ", ".join(dict.fromkeys(names["by_code"][hit] for hit in sorted(hits, key=lambda h: h[0] != "new")))
    return ProvinceScope(shown, (("old", frozenset(f"old:{c}" for c in old)), ("new", frozenset(f"new:{c}" for c in new))),
                         frozenset(new))


def search_label(scope: ProvinceScope | None, installed: dict[str, str], lang: str = "vi") -> str:
    """Gives where a unit was searched for: the scope's province, else the whole country
    when the warehouse holds every province, else the warehouse's provinces."""
    if scope is not None:
        return scope.label(lang)
    every = set(reference_table("units_new").query("level == 'province'")["unit_code"])
    if {key.split(":", 1)[1] for key in installed} >= every:
        return "cả nước" if lang == "vi" else "the whole country"
    return ProvinceScope(", ".join(sorted(installed.values())), (), frozenset()).label(lang)


def install_units(con, province_codes: list[str]) -> dict[str, int]:
    """Writes the units, lineage and ancestors of these new provinces and their predecessors.

    Re-installing a province replaces its rows. Gives the counts written, by kind.
    """
    new_codes = sorted({str(int(c)).zfill(2) for c in province_codes})
    lineage = _province_lineage()
    old_codes = sorted(o for o, n in lineage.items() if n in new_codes)
    old = reference_table("units_old")
    new = reference_table("units_new")
    old = old[old["province_code"].isin(old_codes)]
    new = new[new["province_code"].isin(new_codes)]
    units = pd.concat([_gso_units(old, "old"), _gso_units(new, "new"),
                       _agency_units(old_codes, "old"), _agency_units(new_codes, "new")], ignore_index=True)
    # Matching keys computed once here, so a load does not normalise every name of the country again.
    units["name_key"] = units["short_name"].map(normalise_name)
    units["fold_key"] = units["short_name"].map(lambda short: fold_name(short).replace(" ", ""))
    ancestors = _ancestors(units, {f"old:{o}": f"new:{lineage[o]}" for o in old_codes})
    links = _lineage(units, old_codes)
    con.register("govkpi_units_df", units)
    con.register("govkpi_ancestors_df", ancestors)
    con.register("govkpi_lineage_df", links)
    try:
        con.execute("DELETE FROM unit_ancestors WHERE unit_key IN (SELECT unit_key FROM govkpi_units_df)")
        con.execute("DELETE FROM unit_lineage WHERE old_key IN (SELECT unit_key FROM govkpi_units_df)"
                    " OR new_key IN (SELECT unit_key FROM govkpi_units_df)")
        con.execute("DELETE FROM units WHERE unit_key IN (SELECT unit_key FROM govkpi_units_df)")
        con.execute("INSERT INTO units BY NAME SELECT * FROM govkpi_units_df")
        con.execute("INSERT INTO unit_ancestors BY NAME SELECT * FROM govkpi_ancestors_df")
        con.execute("INSERT INTO unit_lineage BY NAME SELECT * FROM govkpi_lineage_df")
    finally:
        for view in ("govkpi_units_df", "govkpi_ancestors_df", "govkpi_lineage_df"):
            con.unregister(view)
    counts = units.groupby(["era", "level", "unit_type"]).size()
    return {
        "provinces_new": len(new_codes),
        "provinces_old": len(old_codes),
        "districts": int(counts.loc[("old", "district")].sum()) if ("old", "district") in counts.index else 0,
        "communes_old": int((old["level"] == "commune").sum()),
        "communes_new": int((new["level"] == "commune").sum()),
        "agencies": int((units["unit_type"] == "agency").sum()),
        "units": len(units),
        "lineage": len(links),
        "ancestors": len(ancestors),
    }


def _resolve_one(text: str, new_codes: list[str], lineage: dict[str, str]) -> set[str]:
    """Gives the new province codes one name or code stands for, or raises UnitError."""
    if text.isdigit():
        code = str(int(text)).zfill(2)
        if code in new_codes:
            return {code}
        if code in lineage:
            return {lineage[code]}
        raise UnitError(f"Không có tỉnh/thành phố mã {text} (no province with code {text}).")
    names = _province_names()
    _, short = split_prefix(text)
    # "Tinh Binh Dinh" typed without diacritics keeps its prefix past split_prefix.
    folded = re.sub(r"^(?:tinh|thanh pho|tp)\s+", "", fold_name(short))
    hits = names["norm"].get(normalise_name(short)) or names["fold"].get(folded)
    if hits:
        return {lineage.get(code, code) if era == "old" else code for era, code in hits}
    closest = difflib.get_close_matches(normalise_name(short), list(names["display"]), n=3, cutoff=0)
    shown = ", ".join(dict.fromkeys(names["display"][key] for key in closest))
    raise UnitError(f"Không tìm thấy tỉnh/thành phố «{text}». Gần nhất: {shown}. "
                    f"(Unknown province; closest: {shown}.)")


@functools.lru_cache(maxsize=None)
def _province_lineage() -> dict[str, str]:
    table = reference_table("province_lineage")
    return dict(zip(table["old_province_code"], table["new_province_code"]))


@functools.lru_cache(maxsize=None)
def _province_names() -> dict[str, dict]:
    """Gives province lookups: normalised and ASCII short name → {(era, code)}, and display names."""
    names: dict[str, dict] = {"norm": {}, "fold": {}, "display": {}, "by_code": {}}
    for era in ("new", "old"):
        table = reference_table(f"units_{era}")
        for row in table[table["level"] == "province"].itertuples():
            names["norm"].setdefault(normalise_name(row.short_name), set()).add((era, row.unit_code))
            names["fold"].setdefault(fold_name(row.short_name), set()).add((era, row.unit_code))
            names["display"].setdefault(normalise_name(row.short_name), row.unit_name)
            names["by_code"][(era, row.unit_code)] = row.unit_name
    return names


def _gso_units(table: pd.DataFrame, era: str) -> pd.DataFrame:
    """Gives the units rows of GSO units of one era."""
    start, end = ERA_VALIDITY[era]
    is_root = table["level"] == "province"
    return pd.DataFrame({
        "unit_key": f"{era}:" + table["unit_code"],
        "unit_code": table["unit_code"],
        "unit_name": table["unit_name"],
        "short_name": table["short_name"],
        "unit_type": table["unit_type"],
        "level": table["level"],
        "is_root": is_root,
        "parent_key": (f"{era}:" + table["parent_code"]).where(~is_root, None),
        "province_key": f"{era}:" + table["province_code"],
        "era": era,
        "valid_from": pd.Timestamp(start),
        "valid_to": pd.Timestamp(end),
    }, columns=UNIT_COLUMNS)


def _agency_units(province_codes: list[str], era: str) -> pd.DataFrame:
    """Gives one row per agency of the era in each province: agency:{era}:{province}:{code}."""
    agencies = reference_table("agencies")
    agencies = agencies[agencies["era"] == era]
    start, end = ERA_VALIDITY[era]
    rows = [
        (f"agency:{era}:{p}:{a.agency_code}", f"{p}-{a.agency_code}", a.agency_name, a.agency_name, "agency",
         "province", False, f"{era}:{p}", f"{era}:{p}", era, pd.Timestamp(start), pd.Timestamp(end))
        for p in province_codes for a in agencies.itertuples()
    ]
    return pd.DataFrame(rows, columns=UNIT_COLUMNS)


def _ancestors(units: pd.DataFrame, old_root_to_new: dict[str, str]) -> pd.DataFrame:
    """Gives (unit, ancestor) pairs: itself, each parent up to the root, and the new root of an old unit."""
    parent = {k: p for k, p in zip(units["unit_key"], units["parent_key"]) if isinstance(p, str)}
    pairs: list[tuple[str, str]] = []
    for key, root in zip(units["unit_key"], units["province_key"]):
        step: str | None = key
        while step:
            pairs.append((key, step))
            step = parent.get(step)
        if root in old_root_to_new:
            pairs.append((key, old_root_to_new[root]))
    return pd.DataFrame(pairs, columns=["unit_key", "ancestor_key"]).drop_duplicates()


def _lineage(units: pd.DataFrame, old_codes: list[str]) -> pd.DataFrame:
    """Gives old→new pairs: communes from lineage.csv (both ends installed) and the province roots."""
    table = reference_table("lineage")
    links = pd.DataFrame({"old_key": "old:" + table["old_commune_code"], "new_key": "new:" + table["new_commune_code"]})
    installed = set(units["unit_key"])
    links = links[links["old_key"].isin(installed) & links["new_key"].isin(installed)]
    lineage = _province_lineage()
    roots = pd.DataFrame({"old_key": [f"old:{o}" for o in old_codes], "new_key": [f"new:{lineage[o]}" for o in old_codes]})
    return pd.concat([links, roots], ignore_index=True)
