"""Composite indices as data (data/catalog/indices/*.yaml): versions, groups, criteria, scoring
rules and grades, checked on load; the version in force for a period; a criterion's score.

A figure no cited text gives is null in the YAML: a setting the province fills in. Using it
says so ("chưa có căn cứ, tỉnh điền") instead of falling back on an invented default."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from etl.catalog import CATALOG_DIR, CatalogError
from vocab.levels import LEVELS
from vocab.periods import Period
from vocab.vnformat import nfc

INDICES_DIR = CATALOG_DIR.joinpath("indices")
RULE_KINDS = ("linear", "steps", "yes_no", "reported")
RATIO_TOLERANCE = 1e-12  # a ratio "reaches" a threshold within this (views.sql uses the same)
CADENCES = ("week", "month", "quarter", "year")
NO_BASIS_VI = "chưa có căn cứ, tỉnh điền"
NO_BASIS_EN = "no cited basis yet; the province fills it in"


class MissingSetting(LookupError):
    """A figure the index needs is null in its YAML: the province has to fill it in."""

    def __init__(self, where: str) -> None:
        super().__init__(f"{where}: {NO_BASIS_VI} ({NO_BASIS_EN}).")
        self.where = where


@dataclass(frozen=True)
class Step:
    at_least: float | None  # the ratio from which the step holds (a fraction); None: not yet set
    share: float            # the share of the criterion's maximum it gives
    set_by: str | None = None  # who set at_least, when the province did (not a cited text)


@dataclass(frozen=True)
class Rule:
    kind: str  # linear | steps | yes_no | reported
    indicators: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    else_share: float = 0.0
    # yes_no read from an indicator: "yes" when its ratio reaches this fraction (the YAML says
    # which, e.g. 1.0 for "100% of ..."); without it the answer must be given (self-assessment)
    yes_at_least: float | None = None

    def thresholds(self) -> tuple[Step, ...]:
        """The steps a ratio is scored by: a yes/no read from a ratio is one step (yes = full)."""
        if self.kind == "yes_no" and self.yes_at_least is not None:
            return (Step(self.yes_at_least, 1.0),)
        return self.steps if self.kind == "steps" else ()


@dataclass(frozen=True)
class Criterion:
    code: str
    name_vi: str
    name_en: str
    max_score: float | None
    rule: Rule
    evidence: str
    verifier: str
    source: str | None
    where: str  # "766.yaml: 2022 / tien_do / ho_so_dung_han", for messages
    set_by: str | None = None  # who set max_score, when the province did


@dataclass(frozen=True)
class Group:
    code: str
    name_vi: str
    name_en: str
    max_score: float | None
    source: str | None
    criteria: tuple[Criterion, ...]
    set_by: str | None = None


@dataclass(frozen=True)
class GradeBand:
    grade: str
    grade_en: str
    min_score: float | None
    source: str | None
    set_by: str | None = None


@dataclass(frozen=True)
class IndexVersion:
    index_code: str
    version: str
    valid_from: date
    valid_to: date
    source: str
    max_score: float | None
    max_score_source: str | None
    grades: tuple[GradeBand, ...]
    groups: tuple[Group, ...]
    max_score_set_by: str | None = None

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


@dataclass(frozen=True)
class Index:
    code: str
    name_vi: str
    name_en: str
    cadence: str
    continuous: bool
    levels: tuple[str, ...]
    versions: tuple[IndexVersion, ...]

    def version_for(self, period: Period) -> IndexVersion | None:
        """Gives the version in force at the period's end (as plans are judged), else None."""
        return next((v for v in self.versions if v.in_force_on(period.end)), None)


def load_indices(folder: Path = INDICES_DIR) -> dict[str, Index]:
    """Reads and checks every index file; raises CatalogError naming the file and the entry."""
    indices: dict[str, Index] = {}
    for path in sorted(Path(str(folder)).glob("*.yaml")):
        index = read_index(path)
        if index.code in indices:
            raise CatalogError(f"{path.name}: mã bộ chỉ số '{index.code}' đã có ở tệp khác")
        indices[index.code] = index
    return indices


def read_index(path: Path) -> Index:
    """Reads one index file (see data/catalog/indices/README.md)."""
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CatalogError(f"{name}: không đọc được bộ chỉ số ({error})") from error
    if not isinstance(data, dict):
        raise CatalogError(f"{name}: tệp phải là một bộ chỉ số (code, name_vi, versions)")
    code = str(data.get("code") or "")
    if not re.fullmatch(r"[a-z0-9_]+", code):
        raise CatalogError(f"{name}: mã bộ chỉ số không hợp lệ: {data.get('code')!r}")
    cadence = data.get("cadence")
    if cadence not in CADENCES:
        raise CatalogError(f"{name}: cadence phải là một trong {', '.join(CADENCES)}, không phải {cadence!r}")
    levels = tuple(data.get("levels") or ())
    if not levels or any(level not in LEVELS for level in levels):
        raise CatalogError(f"{name}: levels phải liệt kê cấp trong {', '.join(LEVELS)}, không phải {list(levels)!r}")
    versions = tuple(_version(code, entry, name) for entry in data.get("versions") or [])
    if not versions:
        raise CatalogError(f"{name}: bộ chỉ số '{code}' chưa có phiên bản nào (versions)")
    ordered = sorted(versions, key=lambda v: v.valid_from)
    for earlier, later in zip(ordered, ordered[1:]):
        if later.valid_from <= earlier.valid_to:
            raise CatalogError(f"{name}: phiên bản {earlier.version} (đến {earlier.valid_to:%d/%m/%Y}) chồng lên "
                               f"phiên bản {later.version} (từ {later.valid_from:%d/%m/%Y})")
    return Index(code, nfc(data.get("name_vi") or code), data.get("name_en") or code, cadence,
                 bool(data.get("continuous")), levels, tuple(ordered))


def criterion_score(criterion: Criterion, ratio: float | None = None, answer: bool | None = None,
                    reported: float | None = None) -> float | None:
    """Gives a criterion's score from what its rule reads: a ratio (linear, steps, and yes_no
    with `yes_at_least`; a fraction), a yes/no answer, or a reported score; None when there is
    nothing to score. Raises MissingSetting when the rule needs a figure the province has not
    filled in."""
    rule = criterion.rule
    if rule.kind == "yes_no" and answer is None and ratio is not None and rule.yes_at_least is not None:
        answer = ratio >= rule.yes_at_least - RATIO_TOLERANCE  # the same reading as index_criterion_scores
    given = {"linear": ratio, "steps": ratio, "yes_no": answer, "reported": reported}[rule.kind]
    if given is None:
        return None
    if rule.kind == "reported":
        if criterion.max_score is not None and not 0 <= reported <= criterion.max_score:
            raise ValueError(f"{criterion.where}: điểm {reported} nằm ngoài 0..{criterion.max_score}")
        return float(reported)
    top = _max(criterion)
    if rule.kind == "linear":
        return top * min(max(ratio, 0.0), 1.0)
    if rule.kind == "yes_no":
        return top if answer else 0.0
    for step in rule.steps:  # the highest first (checked on load)
        if step.at_least is None:
            raise MissingSetting(f"{criterion.where}: ngưỡng của bậc {step.share:g}")
        if ratio >= step.at_least - RATIO_TOLERANCE:
            return top * step.share
    return top * rule.else_share


def grade_of(version: IndexVersion, score: float | None) -> str | None:
    """Gives the grade of a total score (None for no score or an index without grades); raises
    MissingSetting when a threshold the score needs is not filled in."""
    if score is None or not version.grades:
        return None
    for band in version.grades:  # the highest first (checked on load)
        if band.min_score is None:
            raise MissingSetting(f"{version.index_code}.yaml: {version.version} / ngưỡng xếp loại «{band.grade}»")
        if score >= band.min_score - 1e-9:
            return band.grade
    return None


def missing_settings(indices: dict[str, Index]) -> list[str]:
    """Lists, in Vietnamese, every figure left for the province to fill in."""
    missing = []
    for index in indices.values():
        for version in index.versions:
            at = f"{index.code}.yaml: phiên bản {version.version}"
            if version.max_score is None:
                missing.append(f"{at} / tổng điểm tối đa: {NO_BASIS_VI}")
            missing += [f"{at} / ngưỡng xếp loại «{b.grade}»: {NO_BASIS_VI}" for b in version.grades
                        if b.min_score is None]
            for group in version.groups:
                if group.max_score is None:
                    missing.append(f"{at} / nhóm «{group.name_vi}» điểm tối đa: {NO_BASIS_VI}")
                for c in group.criteria:
                    if c.max_score is None:
                        missing.append(f"{c.where} điểm tối đa: {NO_BASIS_VI}")
                    missing += [f"{c.where} ngưỡng bậc {n} (mức {s.share:g}): {NO_BASIS_VI}"
                                for n, s in enumerate(c.rule.steps, start=1) if s.at_least is None]
    return missing


def _max(criterion: Criterion) -> float:
    if criterion.max_score is None:
        raise MissingSetting(f"{criterion.where}: điểm tối đa")
    return criterion.max_score


def _version(index_code: str, entry: dict, name: str) -> IndexVersion:
    version = str(entry.get("version") or "")
    at = f"{name}: phiên bản {version or '?'}"
    if not version:
        raise CatalogError(f"{at}: thiếu mã phiên bản (version)")
    valid_from, valid_to = entry.get("valid_from"), entry.get("valid_to") or date(9999, 12, 31)
    if not isinstance(valid_from, date) or not isinstance(valid_to, date) or valid_to < valid_from:
        raise CatalogError(f"{at}: valid_from/valid_to phải là ngày (YYYY-MM-DD), valid_from trước valid_to")
    if not entry.get("source"):
        raise CatalogError(f"{at}: thiếu văn bản căn cứ (source)")
    max_score = _score(entry.get("max_score"), f"{at} / max_score")
    if max_score is not None and not entry.get("max_score_source"):
        raise CatalogError(f"{at}: tổng điểm {max_score:g} chưa ghi văn bản căn cứ (max_score_source)")
    grades = tuple(_grade(g, at) for g in entry.get("grades") or [])
    known = [g.min_score for g in grades if g.min_score is not None]
    if known != sorted(known, reverse=True) or len(set(known)) != len(known):
        raise CatalogError(f"{at}: ngưỡng xếp loại phải giảm dần từ loại cao nhất")
    groups = tuple(_group(index_code, version, g, name) for g in entry.get("groups") or [])
    codes = [g.code for g in groups]
    if not groups or len(set(codes)) != len(codes):
        raise CatalogError(f"{at}: cần ít nhất một nhóm, mã nhóm không lặp ({codes})")
    maxima = [g.max_score for g in groups]
    if max_score is not None and None not in maxima and abs(sum(maxima) - max_score) > 1e-9:
        raise CatalogError(f"{at}: điểm tối đa các nhóm cộng lại {sum(maxima):g}, khác tổng điểm {max_score:g}")
    return IndexVersion(index_code, version, valid_from, valid_to, nfc(entry["source"]), max_score,
                        entry.get("max_score_source"), grades, groups)


def _grade(entry: dict, at: str) -> GradeBand:
    grade = nfc(str(entry.get("grade") or ""))
    if not grade:
        raise CatalogError(f"{at}: một loại xếp hạng thiếu tên (grade)")
    minimum = _score(entry.get("min_score"), f"{at} / ngưỡng «{grade}»")
    if minimum is not None and not entry.get("source"):
        raise CatalogError(f"{at}: ngưỡng xếp loại «{grade}» chưa ghi văn bản căn cứ (source)")
    return GradeBand(grade, entry.get("grade_en") or grade, minimum, entry.get("source"))


def _group(index_code: str, version: str, entry: dict, name: str) -> Group:
    code = str(entry.get("code") or "")
    at = f"{name}: phiên bản {version} / nhóm {code or '?'}"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", code) or not entry.get("name_vi"):
        raise CatalogError(f"{at}: nhóm cần mã (chữ thường, số, _) và tên (name_vi)")
    max_score = _score(entry.get("max_score"), f"{at} / max_score")
    if max_score is not None and not entry.get("source"):
        raise CatalogError(f"{at}: điểm tối đa {max_score:g} chưa ghi văn bản căn cứ (source)")
    criteria = tuple(_criterion(c, f"{name}: {version} / {code} /") for c in entry.get("criteria") or [])
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        raise CatalogError(f"{at}: mã tiêu chí bị lặp ({codes})")
    known = [c.max_score for c in criteria if c.max_score is not None]
    if max_score is not None and sum(known) > max_score + 1e-9:
        raise CatalogError(f"{at}: điểm tối đa các tiêu chí ({sum(known):g}) vượt điểm tối đa của nhóm ({max_score:g})")
    return Group(code, nfc(entry["name_vi"]), entry.get("name_en") or code, max_score, entry.get("source"), criteria)


def _criterion(entry: dict, prefix: str) -> Criterion:
    code = str(entry.get("code") or "")
    where = f"{prefix} {code or '?'}"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", code) or not entry.get("name_vi"):
        raise CatalogError(f"{where}: tiêu chí cần mã (chữ thường, số, _) và tên (name_vi)")
    max_score = _score(entry.get("max_score"), f"{where} / max_score")
    if max_score is not None and not entry.get("source"):
        raise CatalogError(f"{where}: điểm tối đa {max_score:g} chưa ghi văn bản căn cứ (source)")
    for key in ("evidence", "verifier"):
        if not entry.get(key):
            raise CatalogError(f"{where}: thiếu {'tài liệu kiểm chứng' if key == 'evidence' else 'đơn vị thẩm định'} ({key})")
    return Criterion(code, nfc(entry["name_vi"]), entry.get("name_en") or code, max_score,
                     _rule(entry.get("rule") or {}, where), nfc(entry["evidence"]), nfc(entry["verifier"]),
                     entry.get("source"), where)


def _rule(entry: dict, where: str) -> Rule:
    kind = entry.get("kind")
    if kind not in RULE_KINDS:
        raise CatalogError(f"{where}: cách tính (rule.kind) phải là một trong {', '.join(RULE_KINDS)}, không phải {kind!r}")
    indicators = tuple(x for x in _as_list(entry.get("indicator")) + _as_list(entry.get("indicators")) if x)
    metrics = tuple(_as_list(entry.get("metrics")))
    steps = tuple(Step(_share(s.get("at_least"), where, allow_none=True), _share(s.get("share"), where))
                  for s in entry.get("steps") or [])
    if kind == "steps":
        if not steps:
            raise CatalogError(f"{where}: cách tính theo bậc (steps) cần ít nhất một bậc")
        thresholds = [s.at_least for s in steps if s.at_least is not None]
        if thresholds != sorted(thresholds, reverse=True) or [s.share for s in steps] != sorted(
                (s.share for s in steps), reverse=True):
            raise CatalogError(f"{where}: các bậc phải xếp từ cao xuống thấp (at_least và share giảm dần)")
    yes_at_least = _share(entry.get("yes_at_least"), where, allow_none=True)
    if kind == "yes_no" and indicators and yes_at_least is None:
        raise CatalogError(f"{where}: cách tính có/không trên chỉ số {indicators[0]} cần yes_at_least "
                           "(tỷ lệ từ đó tính là «có», ví dụ 1.0 cho 100%)")
    if yes_at_least is not None and (kind != "yes_no" or not indicators):
        raise CatalogError(f"{where}: yes_at_least chỉ dùng cho cách tính yes_no trên một chỉ số (indicator)")
    return Rule(kind, indicators, metrics, steps, _share(entry.get("else_share", 0), where), yes_at_least)


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _score(value, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise CatalogError(f"{where}: điểm phải là số ≥ 0 hoặc null (tỉnh điền), không phải {value!r}")
    return float(value)


def _share(value, where: str, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise CatalogError(f"{where}: tỷ lệ phải là phân số từ 0 đến 1, không phải {value!r}")
    return float(value)
