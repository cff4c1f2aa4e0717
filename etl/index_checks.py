"""The rules a table of published index scores must pass: the period is known and the index
has a version in force then; every column is a group of that version; each unit resolves
once; scores are numbers ≥ 0; a group never exceeds its maximum (an error on its cell); the
groups add up to the "Tổng điểm" within 0,01 (else a warning on the total's cell)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from etl.checks import MatcherCache, _decide_province, _resolve_unit
from etl.indices import Index
from etl.layouts.common import fold
from etl.layouts.index_scores import ScoreSheet
from etl.records import Issue, RawRow, RecognisedSheet
from etl.unitnames import ProvinceScope
from vocab.periods import Period, parse_code
from vocab.vnformat import fmt_score, parse_score

SUM_TOLERANCE = 0.01  # published scores are rounded to two decimals


@dataclass(frozen=True)
class ScoreValue:
    index_code: str
    version: str
    period: str
    previous_period: str
    unit_key: str
    group_code: str | None  # None: the total
    score: float
    as_of: date
    sheet: str
    cell: str


@dataclass
class CheckedScores:
    scores: list[ScoreValue] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    unit_periods: set[tuple[str, str]] = field(default_factory=set)


def check_score_sheet(found: ScoreSheet, indices: dict[str, Index], matchers: MatcherCache, period_arg: str | None,
                      province_arg: ProvinceScope | None, today: date) -> CheckedScores:
    """Checks one sheet of published scores; its scores are only meaningful without an error."""
    result = CheckedScores()
    index = indices[found.index_code]
    period = _period(found, period_arg, result.issues)
    if period is None:
        return result
    version = index.version_for(period)
    if version is None:
        result.issues.append(Issue("error", "index_version_missing", found.sheet, found.period_cell,
                                   f"Bộ chỉ số {index.name_vi} chưa có phiên bản có hiệu lực vào kỳ {period.label('vi')}.",
                                   f"{index.name_en} has no version in force in {period.label('en')}."))
        return result
    groups = {fold(g.name_vi): g for g in version.groups}
    for text, written, cell in found.headers:
        if text not in groups:
            names = "; ".join(g.name_vi for g in version.groups)
            result.issues.append(Issue("error", "index_group_unknown", found.sheet, cell,
                                       f"Cột «{written}» (ô {cell}) không phải nhóm chỉ số của {index.name_vi}, phiên bản "
                                       f"{version.version}, có hiệu lực kỳ {period.label('vi')}. Các nhóm: {names}.",
                                       f"Column «{written}» (cell {cell}) is no group of {index.name_en}, version "
                                       f"{version.version}, in force in {period.label('en')}."))
    if any(i.severity == "error" for i in result.issues):
        return result
    scope = _decide_province(_as_recognised(found), province_arg, result.issues)
    if scope is False:
        return result
    matcher = matchers.for_period(period, scope)
    as_of = found.report_date if isinstance(found.report_date, date) else min(period.end, today)
    seen: set[str] = set()
    for row in found.rows:
        unit_key = _resolve_unit(RawRow(row.unit_code, row.unit_name, row.cell, ()), period, matcher, matchers,
                                 found.sheet, result.issues, found.scope)
        if unit_key is None:
            continue
        if unit_key in seen:
            result.issues.append(Issue("error", "duplicate_unit", found.sheet, row.cell,
                                       f"Đơn vị ở ô {row.cell} đã có dòng điểm ở trên trong trang này.",
                                       f"The unit at {row.cell} already has a row of scores above."))
            continue
        seen.add(unit_key)
        values = []
        group_sum, complete = 0.0, True
        for text, raw, cell in row.groups:
            group = groups[text]
            score = _score(raw, cell, found.sheet, result.issues)
            if score is None:
                complete = False
                continue
            if group.max_score is not None and score > group.max_score + 1e-9:
                result.issues.append(Issue(
                    "error", "index_group_above_max", found.sheet, cell,
                    f"Ô {cell}: điểm nhóm «{group.name_vi}» {fmt_score(score)} vượt điểm tối đa {fmt_score(group.max_score)}.",
                    f"Cell {cell}: the score of group «{group.name_en}» {fmt_score(score, 'en')} exceeds its maximum "
                    f"{fmt_score(group.max_score, 'en')}."))
            group_sum += score
            values.append((group.code, score, cell))
        total = _score(row.total, row.total_cell, found.sheet, result.issues, required=True)
        if total is None:
            continue
        if version.max_score is not None and total > version.max_score + 1e-9:
            result.issues.append(Issue("error", "index_total_above_max", found.sheet, row.total_cell,
                                       f"Ô {row.total_cell}: Tổng điểm {fmt_score(total)} vượt tổng điểm tối đa {fmt_score(version.max_score)}.",
                                       f"Cell {row.total_cell}: the total {fmt_score(total, 'en')} exceeds the maximum {fmt_score(version.max_score, 'en')}."))
        if complete and values and abs(group_sum - total) > SUM_TOLERANCE:
            result.issues.append(Issue("warning", "index_sum_mismatch", found.sheet, row.total_cell,
                                       f"Ô {row.total_cell}: tổng các nhóm {fmt_score(group_sum)} khác Tổng điểm {fmt_score(total)}.",
                                       f"Cell {row.total_cell}: the groups add up to {fmt_score(group_sum, 'en')}, not the total "
                                       f"{fmt_score(total, 'en')}."))
        previous = period.previous().code
        for group_code, score, cell in [*values, (None, total, row.total_cell)]:
            result.scores.append(ScoreValue(index.code, version.version, period.code, previous, unit_key, group_code,
                                            score, as_of, found.sheet, cell))
        result.unit_periods.add((unit_key, period.code))
    return result


def _period(found: ScoreSheet, period_arg: str | None, issues: list[Issue]) -> Period | None:
    stated = parse_code(found.period) if found.period else None
    given = parse_code(period_arg) if period_arg else None
    if stated and given and stated != given:
        issues.append(Issue("error", "period_conflict", found.sheet, found.period_cell,
                            f"Trang ghi kỳ {stated.label('vi')}, khác với kỳ được chỉ định --period {given.code}.",
                            f"The sheet states {stated.label('en')}, which differs from --period {given.code}."))
        return None
    if not stated and not given:
        issues.append(Issue("error", "period_missing", found.sheet, "A1",
                            "Không xác định được kỳ của bảng điểm: tiêu đề không ghi kỳ (ví dụ \"THÁNG 10/2023\"). "
                            "Hãy dùng --period, ví dụ --period 2023M10.",
                            "The period is unknown: the title states none (e.g. \"THÁNG 10/2023\"). Use --period, "
                            "e.g. --period 2023M10."))
        return None
    return stated or given


def _score(raw: object, cell: str, sheet: str, issues: list[Issue], required: bool = False) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            issues.append(Issue("error", "index_total_missing", sheet, cell,
                                f"Ô {cell}: thiếu Tổng điểm.", f"Cell {cell}: the total is missing."))
        return None
    score = parse_score(raw)
    if score is None or score < 0:
        issues.append(Issue("error", "index_score_invalid", sheet, cell,
                            f"Ô {cell}: «{raw}» không phải điểm (một số ≥ 0, ví dụ 86,94).",
                            f"Cell {cell}: «{raw}» is not a score (a number ≥ 0, e.g. 86.94)."))
        return None
    return score


def _as_recognised(found: ScoreSheet) -> RecognisedSheet:
    """The sheet as the metric checks see it, to decide its province the same way."""
    return RecognisedSheet("index_scores", found.sheet, found.period, found.period_cell, None, (),
                           scope=found.scope, scope_cells=found.scope_cells)
