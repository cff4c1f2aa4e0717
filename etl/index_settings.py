"""The province's own index settings (index_settings.yaml): the figures no cited text gives,
read from the province's file and filled into the indices, each labelled as the province's.
A setting may never override a figure a decision gives (data/catalog/indices/README.md)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from etl.catalog import CatalogError
from etl.indices import Group, Index, IndexVersion
from vocab.vnformat import nfc

PROVINCE_SET_VI = "do tỉnh điền"  # how a figure the province set is labelled wherever it appears
SETTINGS_FILE = "index_settings.yaml"  # the province's own figures, kept beside its warehouse


class SettingsError(CatalogError):
    """A province settings file that cannot be applied; the message names the file and the entry."""


@dataclass(frozen=True)
class Setting:
    """One figure the province fills in, where no cited text gives it."""

    index_code: str
    version: str
    target: str          # version (its max_score) | group | criterion (max_score) | step (at_least) | grade
    code: str | None     # the group's or criterion's code, or the grade's name
    step: int | None     # the step's number, 1 = the highest (target 'step')
    value: float
    set_by: str          # who set it (and on what basis, when the file says)
    file_name: str
    entry: int           # its number in the file's list, from 1

    @property
    def where(self) -> str:
        return f"{self.file_name}, mục {self.entry}"

    @property
    def provenance(self) -> str:
        """How the figure is labelled wherever it appears."""
        return f"{PROVINCE_SET_VI}: {self.set_by} ({self.where})"


_SETTING_KEYS = {"index", "version", "grade", "group", "criterion", "step", "min_score", "max_score", "at_least",
                 "set_by"}


def read_settings(path: str | Path) -> list[Setting]:
    """Reads a province settings file (data/catalog/indices/README.md, "The province's own
    settings"); raises SettingsError naming the file and the entry."""
    path = Path(path)
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SettingsError(f"{name}: không đọc được tệp thiết lập chỉ số ({error})") from error
    if not isinstance(data, dict) or not isinstance(data.get("settings"), list):
        raise SettingsError(f"{name}: tệp thiết lập cần «set_by» (ai điền) và danh sách «settings»")
    who = nfc(str(data.get("set_by") or "")).strip()
    if not who:
        raise SettingsError(f"{name}: thiếu set_by (cơ quan hoặc người điền các số liệu này)")
    basis = nfc(str(data.get("basis") or "")).strip()  # the province's own document, when it has one
    settings: list[Setting] = []
    seen: dict[tuple, int] = {}
    for number, entry in enumerate(data["settings"], start=1):
        at = f"{name}, mục {number}"
        if not isinstance(entry, dict):
            raise SettingsError(f"{at}: mỗi mục là một bảng (index, version, grade/group/criterion, giá trị)")
        unknown = sorted(set(entry) - _SETTING_KEYS)
        if unknown:
            raise SettingsError(f"{at}: khóa không dùng được: {', '.join(map(str, unknown))} "
                                f"(dùng: {', '.join(sorted(_SETTING_KEYS))})")
        index_code, version = str(entry.get("index") or ""), str(entry.get("version") or "")
        if not index_code or not version:
            raise SettingsError(f"{at}: cần index (bộ chỉ số, ví dụ \"766\") và version (phiên bản, ví dụ \"2022\")")
        named = [key for key in ("grade", "group", "criterion") if entry.get(key) is not None]
        if len(named) > 1:
            raise SettingsError(f"{at}: một mục chỉ điền một số liệu (có cả {' và '.join(named)})")
        if named == ["grade"]:
            target, code, field = "grade", nfc(str(entry["grade"])).strip(), "min_score"
        elif named == ["criterion"]:
            code = str(entry["criterion"])
            target, field = ("step", "at_least") if entry.get("step") is not None else ("criterion", "max_score")
        elif named == ["group"]:
            target, code, field = "group", str(entry["group"]), "max_score"
        else:
            target, code, field = "version", None, "max_score"
        value = entry.get(field)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (
                field == "at_least" and value > 1):
            wanted = "một tỷ lệ từ 0 đến 1 (0.9 là 90%)" if field == "at_least" else "một số điểm ≥ 0"
            raise SettingsError(f"{at}: {field} phải là {wanted}, không phải {value!r}")
        step = entry.get("step") if target == "step" else None
        if target == "step" and (isinstance(step, bool) or not isinstance(step, int) or step < 1):
            raise SettingsError(f"{at}: step là số thứ tự của bậc, từ 1 (bậc cao nhất), không phải {step!r}")
        key = (index_code, version, target, (code or "").casefold(), step)
        if key in seen:
            raise SettingsError(f"{at}: trùng số liệu với mục {seen[key]}")
        seen[key] = number
        by = nfc(str(entry.get("set_by") or who)).strip() + (f", {basis}" if basis else "")
        settings.append(Setting(index_code, version, target, code, step, float(value), by, name, number))
    return settings


def apply_settings(indices: dict[str, Index], settings: list[Setting], strict: bool = True) -> dict[str, Index]:
    """Gives the indices with the province's settings filled in. A setting for a figure the YAML
    cites, or for an index, version, group, criterion, step or grade it lacks, raises
    SettingsError (strict) or is left unused (not strict: settings stored before an upgrade)."""
    result = dict(indices)
    for setting in settings:
        try:
            result[setting.index_code] = _apply(result, setting)
        except SettingsError:
            if strict:
                raise
    return result








def _apply(indices: dict[str, Index], s: Setting) -> Index:
    index = indices.get(s.index_code)
    if index is None:
        raise SettingsError(f"{s.where}: không có bộ chỉ số «{s.index_code}» (có: {', '.join(sorted(indices))})")
    version = next((v for v in index.versions if v.version == s.version), None)
    if version is None:
        raise SettingsError(f"{s.where}: bộ chỉ số {s.index_code} không có phiên bản «{s.version}» "
                            f"(có: {', '.join(v.version for v in index.versions)})")
    at = f"{s.index_code}.yaml, phiên bản {s.version}"
    if s.target == "version":
        _not_cited(s, version.max_score, version.max_score_set_by, version.max_score_source, f"{at}: tổng điểm tối đa")
        new = replace(version, max_score=s.value, max_score_set_by=s.provenance)
    elif s.target == "grade":
        band = next((b for b in version.grades if b.grade.casefold() == s.code.casefold()), None)
        if band is None:
            names = ", ".join(b.grade for b in version.grades) or "không có loại nào"
            raise SettingsError(f"{s.where}: phiên bản {s.version} của bộ chỉ số {s.index_code} không có loại "
                                f"«{s.code}» (có: {names})")
        _not_cited(s, band.min_score, band.set_by, band.source, f"{at}: ngưỡng xếp loại «{band.grade}»")
        bands = tuple(replace(b, min_score=s.value, set_by=s.provenance) if b is band else b for b in version.grades)
        new = replace(version, grades=bands)
    else:
        new = replace(version, groups=_apply_in_groups(version, s, at))
    _check_filled(new, s)
    versions = tuple(new if v is version else v for v in index.versions)
    return replace(index, versions=versions)


def _apply_in_groups(version: IndexVersion, s: Setting, at: str) -> tuple[Group, ...]:
    if s.target == "group":
        group = next((g for g in version.groups if g.code == s.code), None)
        if group is None:
            raise SettingsError(f"{s.where}: phiên bản {s.version} của bộ chỉ số {s.index_code} không có nhóm "
                                f"«{s.code}» (có: {', '.join(g.code for g in version.groups)})")
        _not_cited(s, group.max_score, group.set_by, group.source, f"{at}: nhóm «{group.name_vi}» điểm tối đa")
        return tuple(replace(g, max_score=s.value, set_by=s.provenance) if g is group else g for g in version.groups)
    found = [(g, c) for g in version.groups for c in g.criteria if c.code == s.code]
    if not found:
        codes = ", ".join(c.code for g in version.groups for c in g.criteria)
        raise SettingsError(f"{s.where}: phiên bản {s.version} của bộ chỉ số {s.index_code} không có tiêu chí "
                            f"«{s.code}» (có: {codes})")
    group, criterion = found[0]
    if s.target == "criterion":
        _not_cited(s, criterion.max_score, criterion.set_by, criterion.source,
                   f"{at}: tiêu chí «{criterion.name_vi}» điểm tối đa")
        changed = replace(criterion, max_score=s.value, set_by=s.provenance)
    else:
        steps = criterion.rule.steps
        if criterion.rule.kind != "steps" or s.step > len(steps):
            raise SettingsError(f"{s.where}: tiêu chí «{criterion.name_vi}» không có bậc {s.step} "
                                f"(có {len(steps) if criterion.rule.kind == 'steps' else 0} bậc)")
        step = steps[s.step - 1]
        _not_cited(s, step.at_least, step.set_by, criterion.source,
                   f"{at}: tiêu chí «{criterion.name_vi}» ngưỡng bậc {s.step}")
        new_steps = tuple(replace(x, at_least=s.value, set_by=s.provenance) if x is step else x for x in steps)
        changed = replace(criterion, rule=replace(criterion.rule, steps=new_steps))
    criteria = tuple(changed if c is criterion else c for c in group.criteria)
    return tuple(replace(g, criteria=criteria) if g is group else g for g in version.groups)


def _not_cited(s: Setting, current: float | None, set_by: str | None, source: str | None, what: str) -> None:
    """Refuses a setting for a figure a cited text gives: the province does not override a decision."""
    if current is not None and set_by is None:
        raise SettingsError(f"{s.where}: {what} đã có căn cứ ({current:g}; {source or 'trong tệp YAML'}); "
                            "tỉnh không ghi đè số liệu của văn bản.")


def _check_filled(v: IndexVersion, s: Setting) -> None:
    """The checks of a version's figures (as on load), once the setting is filled in."""
    known = [b.min_score for b in v.grades if b.min_score is not None]
    if known != sorted(known, reverse=True) or len(set(known)) != len(known):
        raise SettingsError(f"{s.where}: ngưỡng xếp loại phải giảm dần từ loại cao nhất "
                            f"({', '.join(f'{b.grade} {b.min_score:g}' for b in v.grades if b.min_score is not None)})")
    maxima = [g.max_score for g in v.groups]
    if v.max_score is not None and None not in maxima and abs(sum(maxima) - v.max_score) > 1e-9:
        raise SettingsError(f"{s.where}: điểm tối đa các nhóm cộng lại {sum(maxima):g}, khác tổng điểm {v.max_score:g}")
    for g in v.groups:
        criteria = [c.max_score for c in g.criteria if c.max_score is not None]
        if g.max_score is not None and sum(criteria) > g.max_score + 1e-9:
            raise SettingsError(f"{s.where}: điểm tối đa các tiêu chí của nhóm «{g.name_vi}» ({sum(criteria):g}) "
                                f"vượt điểm tối đa của nhóm ({g.max_score:g})")
        for c in g.criteria:
            thresholds = [x.at_least for x in c.rule.steps if x.at_least is not None]
            if thresholds != sorted(thresholds, reverse=True):
                raise SettingsError(f"{s.where}: các bậc của tiêu chí «{c.name_vi}» phải giảm dần từ bậc 1")
