"""The catalog (data/catalog/*.yaml): metrics, indicators, plans and settings, checked on load."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path

import pandas as pd
import yaml

from vocab.levels import LEVELS
from vocab.periods import parse_code
from vocab.vnformat import nfc

CATALOG_DIR = files("govkpi_data").joinpath("catalog")
ERA_START = date(2000, 1, 1)
ERA_END = date(9999, 12, 31)


class CatalogError(ValueError):
    """The catalog files say something impossible; the message names file and entry."""


@dataclass(frozen=True)
class Metric:
    code: str
    name_vi: str
    name_en: str
    unit_vi: str
    unit_en: str
    kind: str
    valid_from: date
    valid_to: date
    group_vi: str
    sort_order: int
    parts: tuple[tuple[str, ...], ...] = ()
    aliases: tuple[str, ...] = ()

    def valid_between(self, start: date, end: date) -> bool:
        """A metric is valid in a period when it is valid on any day of it."""
        return self.valid_from <= end and self.valid_to >= start


@dataclass(frozen=True)
class Indicator:
    code: str
    name_vi: str
    name_en: str
    numerator: str
    denominator: str
    numerator_terms: tuple[tuple[str, int], ...]
    denominator_terms: tuple[tuple[str, int], ...]
    group_vi: str
    group_en: str
    sort_order: int


@dataclass(frozen=True)
class Catalog:
    metrics: dict[str, Metric]
    indicators: dict[str, Indicator]
    plans: list[dict]
    settings: dict = field(default_factory=dict)

    def metrics_valid_between(self, start: date, end: date) -> list[Metric]:
        return [m for m in self.metrics.values() if m.valid_between(start, end)]

    def part_rules(self) -> list[tuple[str, tuple[str, ...]]]:
        """Gives (whole, parts) pairs: the sum of the parts may never exceed the whole."""
        return [(m.code, parts) for m in self.metrics.values() for parts in m.parts]


def load_catalog(folder: Path = CATALOG_DIR) -> Catalog:
    """Reads and checks the catalog; raises CatalogError naming the file and the entry."""
    metrics = _read_metrics(folder / "metrics.yaml")
    indicators = _read_indicators(folder / "indicators.yaml", metrics)
    plans = _read_plans(folder / "plans.yaml", indicators)
    settings = yaml.safe_load((folder / "settings.yaml").read_text(encoding="utf-8")) or {}
    margin = settings.get("status_margin", 0.1)
    if not isinstance(margin, (int, float)) or not 0 <= margin < 1:
        raise CatalogError(f"settings.yaml: status_margin phải là phân số từ 0 đến 1, không phải {margin!r}")
    cutoff = settings.setdefault("cutoff_day_of_last_month", 14)
    if not isinstance(cutoff, int) or not 1 <= cutoff <= 28:
        raise CatalogError(f"settings.yaml: cutoff_day_of_last_month phải là ngày từ 1 đến 28, không phải {cutoff!r}")
    coverage = settings.setdefault("coverage_threshold", 0.8)
    if not isinstance(coverage, (int, float)) or not 0 <= coverage <= 1:
        raise CatalogError(f"settings.yaml: coverage_threshold phải là phân số từ 0 đến 1, không phải {coverage!r}")
    review = settings.setdefault("review", "off")
    if review is False:  # YAML reads a bare `off` as false
        review = settings["review"] = "off"
    if review not in ("required", "off"):
        raise CatalogError(f"settings.yaml: review phải là required hoặc off, không phải {review!r}")
    swing = settings.setdefault("review_swing_threshold", 0.3)
    if not isinstance(swing, (int, float)) or not 0 < swing:
        raise CatalogError(f"settings.yaml: review_swing_threshold phải là phân số dương, không phải {swing!r}")
    return Catalog(metrics, indicators, plans, settings)


def _read_yaml(path: Path, key: str) -> list[dict]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CatalogError(f"{path.name}: không đọc được danh mục ({error})") from error
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise CatalogError(f"{path.name}: thiếu danh sách '{key}'")
    return data[key]


def _read_metrics(path: Path) -> dict[str, Metric]:
    entries = _read_yaml(path, "metrics")
    codes = {e.get("code") for e in entries}
    metrics: dict[str, Metric] = {}
    for order, entry in enumerate(entries, start=1):
        code = entry.get("code")
        if not code or not re.fullmatch(r"[a-z][a-z0-9_]*", str(code)):
            raise CatalogError(f"{path.name}: mã chỉ số không hợp lệ: {code!r}")
        if code in metrics:
            raise CatalogError(f"{path.name}: mã chỉ số '{code}' bị lặp")
        if entry.get("kind") not in ("flow", "stock"):
            raise CatalogError(f"{path.name}: '{code}' phải có kind là flow hoặc stock")
        parts = tuple(tuple(group) for group in entry.get("parts", []))
        for part in (p for group in parts for p in group):
            if part not in codes:
                raise CatalogError(f"{path.name}: '{code}' có thành phần không tồn tại: '{part}'")
        metrics[code] = Metric(
            code=code,
            name_vi=nfc(entry["name_vi"]),
            name_en=entry["name_en"],
            unit_vi=nfc(entry.get("unit_vi", "")),
            unit_en=entry.get("unit_en", ""),
            kind=entry["kind"],
            valid_from=entry.get("valid_from", ERA_START),
            valid_to=entry.get("valid_to", ERA_END),
            group_vi=nfc(entry.get("group_vi", "")),
            sort_order=order,
            parts=parts,
            aliases=tuple(nfc(a) for a in entry.get("aliases", [])),
        )
    return metrics


_TERM = re.compile(r"\s*([+-]?)\s*([a-z][a-z0-9_]*)\s*")


def parse_formula(formula: str, metrics: dict[str, Metric], where: str) -> tuple[tuple[str, int], ...]:
    """Reads 'services_level3 + services_level4' as ((code, +1), (code, +1))."""
    terms, position = [], 0
    text = str(formula).strip()
    while position < len(text):
        found = _TERM.match(text, position)
        if not found or (terms and not found.group(1)):
            raise CatalogError(f"{where}: công thức không hợp lệ: {formula!r}")
        sign, code = found.groups()
        if code not in metrics:
            raise CatalogError(f"{where}: công thức dùng mã chỉ số không có trong danh mục: '{code}'")
        terms.append((code, -1 if sign == "-" else 1))
        position = found.end()
    if not terms:
        raise CatalogError(f"{where}: công thức rỗng")
    return tuple(terms)


def _read_indicators(path: Path, metrics: dict[str, Metric]) -> dict[str, Indicator]:
    indicators: dict[str, Indicator] = {}
    for order, entry in enumerate(_read_yaml(path, "indicators"), start=1):
        code = entry.get("code")
        if not code or code in indicators:
            raise CatalogError(f"{path.name}: mã chỉ tiêu thiếu hoặc bị lặp: {code!r}")
        where = f"{path.name}: '{code}'"
        indicators[code] = Indicator(
            code=code,
            name_vi=nfc(entry["name_vi"]),
            name_en=entry["name_en"],
            numerator=entry["numerator"],
            denominator=entry["denominator"],
            numerator_terms=parse_formula(entry["numerator"], metrics, where),
            denominator_terms=parse_formula(entry["denominator"], metrics, where),
            group_vi=nfc(entry.get("group_vi", "")),
            group_en=entry.get("group_en", ""),
            sort_order=order,
        )
    return indicators


def _read_plans(path: Path, indicators: dict[str, Indicator]) -> list[dict]:
    plans = _read_yaml(path, "plans")
    seen = set()
    for plan in plans:
        code = plan.get("code")
        if not code or code in seen:
            raise CatalogError(f"{path.name}: mã kế hoạch thiếu hoặc bị lặp: {code!r}")
        seen.add(code)
        if plan.get("scope") not in ("national", "province"):
            raise CatalogError(f"{path.name}: '{code}' phải có scope national hoặc province")
        for target in plan.get("targets", []):
            where = f"{path.name}: '{code}'"
            if target.get("indicator") not in indicators:
                raise CatalogError(f"{where}: chỉ tiêu không có trong danh mục: {target.get('indicator')!r}")
            if target.get("level") not in (*LEVELS, "all"):
                raise CatalogError(f"{where}: cấp không hợp lệ: {target.get('level')!r}")
            value = target.get("target")
            if not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise CatalogError(f"{where}: chỉ tiêu phải là phân số từ 0 đến 1: {value!r}")
            if not isinstance(target.get("deadline"), date):
                raise CatalogError(f"{where}: thời hạn phải là ngày (YYYY-MM-DD): {target.get('deadline')!r}")
            if target.get("baseline_period"):
                try:
                    parse_code(str(target["baseline_period"]))
                except ValueError as error:
                    raise CatalogError(f"{where}: {error}") from error
    return plans


def catalog_frames(catalog: Catalog, province_keys: set[str]) -> dict[str, pd.DataFrame]:
    """Gives the catalog as data frames for the warehouse's tables; a province plan is kept
    only when its province is in this warehouse."""
    metrics = pd.DataFrame(
        [
            (m.code, m.name_vi, m.name_en, m.unit_vi, m.unit_en, m.kind, m.valid_from, m.valid_to, m.group_vi, m.sort_order)
            for m in catalog.metrics.values()
        ],
        columns=["metric_code", "name_vi", "name_en", "unit_vi", "unit_en", "kind", "valid_from", "valid_to", "group_vi", "sort_order"],
    )
    aliases = pd.DataFrame(
        [(m.code, a) for m in catalog.metrics.values() for a in m.aliases], columns=["metric_code", "alias"]
    )
    parts = pd.DataFrame(
        [(rule_id, whole, part) for rule_id, (whole, group) in enumerate(catalog.part_rules(), 1) for part in group],
        columns=["rule_id", "whole_metric", "part_metric"],
    )
    indicators = pd.DataFrame(
        [
            (i.code, i.name_vi, i.name_en, i.numerator, i.denominator, i.group_vi, i.group_en, i.sort_order)
            for i in catalog.indicators.values()
        ],
        columns=["indicator_code", "name_vi", "name_en", "numerator", "denominator", "group_vi", "group_en", "sort_order"],
    )
    terms = pd.DataFrame(
        [
            (i.code, side, code, sign)
            for i in catalog.indicators.values()
            for side, side_terms in (("numerator", i.numerator_terms), ("denominator", i.denominator_terms))
            for code, sign in side_terms
        ],
        columns=["indicator_code", "side", "metric_code", "sign"],
    )
    kept = [p for p in catalog.plans if p["scope"] == "national" or p.get("province_key") in province_keys]
    plans = pd.DataFrame(
        [
            (p["code"], p["doc_number"], nfc(p["title_vi"]), p["title_en"], nfc(p["issuer"]), p.get("issued_on"),
             p["scope"], p.get("province_key"), p.get("source"))
            for p in kept
        ],
        columns=["plan_code", "doc_number", "title_vi", "title_en", "issuer", "issued_on", "scope", "province_code", "source"],
    )
    targets = pd.DataFrame(
        [
            (p["code"], t["indicator"], level, float(t["target"]), t["deadline"], t.get("baseline_value"),
             t.get("baseline_period") and str(t["baseline_period"]))
            for p in kept
            for t in p.get("targets", [])
            for level in (LEVELS if t["level"] == "all" else (t["level"],))
        ],
        columns=["plan_code", "indicator_code", "level", "target", "deadline", "baseline_value", "baseline_period"],
    )
    return {
        "metrics": metrics,
        "metric_aliases": aliases,
        "metric_part_rules": parts,
        "indicators": indicators,
        "indicator_terms": terms,
        "plans": plans,
        "targets": targets,
    }
