"""The rules a workbook must pass (domain.md): each row read becomes checked values or issues.

Rules: the period is known and agrees with --period; the province the header names agrees with
--province, and units are looked for in it; every unit resolves to exactly one unit active in
the period; a unit appears once; counts are whole and ≥ 0 (blank is 'not
reported', not 0); a metric is valid in the period's era; a part never exceeds its whole;
formula cells carry a value; a total row agrees with the sum of the rows."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from etl.catalog import Catalog
from etl.layouts.common import parse_date_text
from vocab.periods import REPORTING_PERIOD_TYPES, Period, cutoff_date, parse_code
from etl.read import SheetGrid
from etl.records import Issue, RawRow, RecognisedSheet, a1
from etl.unitnames import ProvinceScope, UnitIndex, UnitMatcher, split_prefix
from etl.units import province_scope, search_label
from vocab.vnformat import fmt_int, fmt_pct, nfc, parse_count, parse_rate

REASONS_VI = {"not_found": "không tìm thấy", "ambiguous": "trùng với nhiều đơn vị", "prefix_mismatch": "sai loại đơn vị (tiền tố)"}
REASONS_EN = {"not_found": "not found", "ambiguous": "matches several units", "prefix_mismatch": "wrong unit type (prefix)"}


class CheckedValue(NamedTuple):
    """One value that passed the checks (a named tuple: a load makes hundreds of thousands)."""

    unit_key: str
    period: str
    metric_code: str
    value: int | None
    sheet: str
    cell: str


@dataclass
class CheckedSheet:
    period: str | None
    values: list[CheckedValue] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    unit_periods: set[tuple[str, str]] = field(default_factory=set)


def check_sheet(
    recognised: RecognisedSheet, grid: SheetGrid, catalog: Catalog, matchers: "MatcherCache",
    period_arg: str | None, province_arg: ProvinceScope | None = None, today: date | None = None,
) -> CheckedSheet:
    """Checks one recognised sheet; values are only meaningful when no error was found.
    `province_arg` is the province `--province` names, when given; `today` (default:
    vocab.periods.today()) judges report dates and data cut-offs."""
    from vocab.periods import today as current_day

    today = today or current_day()
    result = CheckedSheet(period=None, issues=list(recognised.issues))
    _check_report_date(recognised, grid, today, result.issues)
    period = _decide_period(recognised, period_arg, result.issues)
    if period is None:
        return result
    _check_cutoff(recognised, period, catalog, today, result.issues)
    result.period = period.code
    scope = _decide_province(recognised, province_arg, result.issues)
    if scope is False:
        return result
    matcher = matchers.for_period(period, scope)
    valid_metrics, part_rules = matchers.period_rules(catalog, period)  # once a period, not once a sheet
    seen: dict[str, tuple[RawRow, dict[str, int | None]]] = {}
    sums: dict[str, int] = {}
    add_values, new_value, period_code, sheet_name = result.values.extend, tuple.__new__, result.period, recognised.sheet
    for row in recognised.rows:
        unit_key = _resolve_unit(row, period, matcher, matchers, recognised.sheet, result.issues,
                                 row.within + recognised.scope)
        parsed = _parse_row(row, recognised.sheet, grid, catalog, period, valid_metrics, result.issues)
        if unit_key is None:
            continue
        if unit_key in seen:
            _duplicate_row(seen[unit_key], row, parsed, recognised.sheet, result.issues)
            continue
        seen[unit_key] = (row, parsed)
        _check_parts(row, parsed, catalog, recognised.sheet, result.issues, part_rules)
        if row.rates:
            _check_rates(row, parsed, catalog, recognised.sheet, result.issues)
        # CheckedValue is a named tuple: tuple.__new__ skips its Python-level constructor
        checked = [new_value(CheckedValue, (unit_key, period_code, metric_code, parsed.get(metric_code), sheet_name, cell))
                   for metric_code, _raw, cell in row.values]
        add_values(checked)
        for metric_code, number in parsed.items():  # the row's metrics, as `checked` holds them
            if number is not None:
                sums[metric_code] = sums.get(metric_code, 0) + number
        result.unit_periods.add((unit_key, period_code))
    for total in recognised.totals:
        _check_total(total, sums, recognised.sheet, result.issues)
    return result


class MatcherCache:
    """The period's (and province's) views of one shared UnitIndex, and one over all time, to
    tell 'did not exist then'. The index is built once per warehouse content, not per period."""

    def __init__(self, con) -> None:
        self._con = con
        self._index: UnitIndex | None = None
        self._cache: dict[tuple, UnitMatcher] = {}
        self._rules: dict[tuple, tuple] = {}

    @property
    def index(self) -> UnitIndex:
        if self._index is None:
            self._index = UnitIndex.of(self._con)
        return self._index

    def period_rules(self, catalog: Catalog, period: Period) -> tuple[set[str], list[tuple[str, tuple[str, ...]]]]:
        """The metrics valid in the period and the part rules, looked up once per period and
        catalog for the whole load (a national load checks thousands of sheets of 24 periods)."""
        key = (period.code, id(catalog))
        kept = self._rules.get(key)
        if kept is None or kept[0] is not catalog:
            valid = {m.code for m in catalog.metrics_valid_between(period.start, period.end)}
            kept = self._rules[key] = (catalog, valid, catalog.part_rules())
        return kept[1], kept[2]

    def for_period(self, period: Period, scope: ProvinceScope | None = None) -> UnitMatcher:
        return self._view(period.code, period.start, period.end, scope)

    def any_time(self, scope: ProvinceScope | None = None) -> UnitMatcher:
        return self._view("*", date(1900, 1, 1), date(9999, 12, 31), scope)

    def _view(self, code: str, start: date, end: date, scope: ProvinceScope | None) -> UnitMatcher:
        key = (code, scope)
        if key not in self._cache:
            self._cache[key] = UnitMatcher(self._con, start, end, scope=scope, index=self.index)
        return self._cache[key]


def _decide_province(recognised: RecognisedSheet, given: ProvinceScope | None,
                     issues: list[Issue]) -> ProvinceScope | None | bool:
    """Gives the province the units are looked for in: the one the header names, else
    --province, else None (the whole warehouse); False when the two disagree (an issue)."""
    stated, cell = None, None
    for text, where in zip(recognised.scope, recognised.scope_cells):
        # "UBND HUYỆN …" names a district even where a province shares the short name.
        stated = province_scope(text) if split_prefix(text)[0] in ("tinh", "thanh_pho") else None
        if stated is not None:
            cell = where
            break
    if stated and given and not stated.new_codes & given.new_codes:
        issues.append(Issue("error", "province_conflict", recognised.sheet, cell,
                            f"Ô {cell} ghi {stated.label('vi')}, khác với tỉnh được chỉ định --province {given.name}.",
                            f"Cell {cell} names {stated.label('en')}, which differs from --province {given.name}."))
        return False
    return stated or given


def _check_report_date(recognised: RecognisedSheet, grid: SheetGrid, today: date, issues: list[Issue]) -> None:
    """A report cannot be dated after today (a typo in the year, or a date typed ahead)."""
    stated = recognised.report_date
    if stated is None or stated <= today:
        return
    cell = _date_cell(grid, stated)
    issues.append(Issue("error", "report_date_future", recognised.sheet, cell,
                        f"Ngày báo cáo {stated:%d/%m/%Y}{f' (ô {cell})' if cell else ''} ở sau ngày hôm nay ({today:%d/%m/%Y}). Hãy sửa ngày báo cáo.",
                        f"The report date {stated:%d/%m/%Y}{f' (cell {cell})' if cell else ''} is after today ({today:%d/%m/%Y}). Correct the report date."))


def _date_cell(grid: SheetGrid, stated: date) -> str | None:
    """Gives the cell that states the date: a date cell, or a 'ngày … tháng … năm …' line."""
    for r, row in enumerate(grid.rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                value = value.date()
            if value == stated or isinstance(value, str) and "tháng" in value.lower() and parse_date_text(value) == stated:
                return a1(r, c)
    return None


def _check_cutoff(recognised: RecognisedSheet, period: Period, catalog: Catalog, today: date, issues: list[Issue]) -> None:
    """A quarter's report may come before the quarter ends, but only once its data cut-off has
    passed is it complete: earlier, it is loaded with a warning."""
    cutoff = cutoff_date(period, catalog.settings.get("cutoff_day_of_last_month", 14))
    if today > cutoff:
        return
    issues.append(Issue("warning", "before_cutoff", recognised.sheet, recognised.period_cell,
                        f"Kỳ {period.label('vi')} chưa hết thời gian chốt số liệu (đến {cutoff:%d/%m/%Y}, Nghị định 09/2019/NĐ-CP); số liệu đã nạp nhưng có thể chưa đầy đủ.",
                        f"The data cut-off of {period.label('en')} has not passed ({cutoff:%d/%m/%Y}, Decree 09/2019/NĐ-CP); the figures are loaded but may be incomplete."))


def _decide_period(recognised: RecognisedSheet, period_arg: str | None, issues: list[Issue]) -> Period | None:
    stated = parse_code(recognised.period) if recognised.period else None
    given = parse_code(period_arg) if period_arg else None
    if stated and given and stated != given:
        issues.append(Issue("error", "period_conflict", recognised.sheet, recognised.period_cell,
                            f"Trang ghi kỳ báo cáo {stated.label('vi')}, khác với kỳ được chỉ định --period {given.code}.",
                            f"The sheet states {stated.label('en')}, which differs from --period {given.code}."))
        return None
    if not stated and not given:
        issues.append(Issue("error", "period_missing", recognised.sheet, "A1",
                            "Không xác định được kỳ báo cáo: tiêu đề không ghi kỳ (ví dụ \"QUÝ IV/2020\"). Hãy dùng --period, ví dụ --period 2020Q4.",
                            "The period is unknown: the title states none (e.g. \"QUÝ IV/2020\"). Use --period, e.g. --period 2020Q4."))
        return None
    chosen = stated or given
    if chosen.period_type not in REPORTING_PERIOD_TYPES:
        issues.append(Issue("error", "period_not_reporting", recognised.sheet, recognised.period_cell or "A1",
                            f"Số liệu chỉ tiêu được báo cáo theo quý, 6 tháng hoặc năm; kỳ {chosen.label('vi')} "
                            "chỉ dùng cho điểm các bộ chỉ số.",
                            f"Metrics are reported by quarter, half-year or year; {chosen.label('en')} is a period "
                            "of the composite indices only."))
        return None
    return chosen


def _resolve_unit(row: RawRow, period: Period, matcher: UnitMatcher, matchers: MatcherCache, sheet: str,
                  issues: list[Issue], within: tuple[str, ...] = ()) -> str | None:
    """Gives the unit a row means; `within` names the district or province around the row."""
    written = row.unit_code or row.unit_name or ""
    match = matcher.match_code(row.unit_code, within) if row.unit_code else \
        matcher.match_name(row.unit_name or "", within=within)
    if match.unit_key and row.unit_code and row.unit_name:
        by_name = matcher.match_name(row.unit_name, within=within)
        if by_name.unit_key and by_name.unit_key != match.unit_key:
            issues.append(Issue("error", "unit_code_name_conflict", sheet, row.cell,
                                f"Mã đơn vị \"{row.unit_code}\" và tên \"{row.unit_name}\" chỉ hai đơn vị khác nhau.",
                                f"Unit code \"{row.unit_code}\" and name \"{row.unit_name}\" name two different units."))
            return None
    if match.unit_key:
        return match.unit_key
    elsewhere = matchers.any_time(matcher.scope)
    other = elsewhere.match_code(row.unit_code) if row.unit_code else elsewhere.match_name(row.unit_name or "")
    # A name of another era may still match a unit of this period with another prefix
    # ("Huyện Chư Sê" in 2025Q3 meets the new "Xã Chư Sê"): it names a unit of another era.
    if match.reason in ("not_found", "prefix_mismatch") and other.unit_key:
        issues.append(Issue("error", "unit_not_active", sheet, row.cell,
                            f"Đơn vị \"{written}\" không tồn tại trong kỳ {period.label('vi')} (đơn vị trước hoặc sau sắp xếp ngày 01/7/2025).",
                            f"Unit \"{written}\" did not exist in {period.label('en')} (a unit from before or after the 1 July 2025 reform)."))
        return None
    near = "; ".join(match.candidates[:3])
    where_vi, where_en = (search_label(matcher.scope, matcher.index.new_provinces, lang) for lang in ("vi", "en"))
    hint_vi = f" Đơn vị gần nhất: {near}." if near else ""
    hint_en = f" Closest units: {near}." if near else ""
    issues.append(Issue("error", f"unit_{match.reason or 'not_found'}", sheet, row.cell,
                        f"Đơn vị \"{written}\" {REASONS_VI.get(match.reason, 'không tìm thấy')} trong {where_vi} ở kỳ {period.label('vi')}.{hint_vi}",
                        f"Unit \"{written}\" {REASONS_EN.get(match.reason, 'not found')} in {where_en} in {period.label('en')}.{hint_en}"))
    return None


def _parse_row(row: RawRow, sheet: str, grid: SheetGrid, catalog: Catalog, period: Period,
               valid_metrics: set[str], issues: list[Issue]) -> dict[str, int | None]:
    parsed: dict[str, int | None] = {}
    formulas = grid.formulas_without_value
    for value in row.values:
        raw = value.raw
        if type(raw) is float and raw >= 0 and raw.is_integer() and value.metric_code in valid_metrics \
                and not (formulas and value.cell in formulas):
            parsed[value.metric_code] = int(raw)  # the common cell: what parse_count gives, without its record
            continue
        if raw == "" and not (formulas and value.cell in formulas):
            parsed[value.metric_code] = None  # an empty cell (a metric of another era): parse_count's blank
            continue
        metric = catalog.metrics[value.metric_code]
        if formulas and value.cell in formulas:
            issues.append(Issue("error", "formula_without_value", sheet, value.cell,
                                f"Ô {value.cell} chứa công thức nhưng chưa có giá trị tính sẵn. Hãy mở tệp bằng Excel, tính lại và lưu, hoặc nhập số trực tiếp.",
                                f"Cell {value.cell} holds a formula without a cached value. Open it in Excel, recalculate and save, or type the number."))
            parsed[metric.code] = None
            continue
        count = parse_count(raw)
        if count.problem:
            issues.append(_value_issue(count.problem, sheet, value.cell, value.raw, metric.name_vi, metric.name_en))
        elif count.value is not None and metric.code not in valid_metrics:
            issues.append(Issue("error", "metric_not_valid", sheet, value.cell,
                                f"Chỉ số \"{metric.name_vi}\" không áp dụng cho kỳ {period.label('vi')} (chỉ áp dụng từ {metric.valid_from:%d/%m/%Y} đến {metric.valid_to:%d/%m/%Y}).",
                                f"Metric \"{metric.name_en}\" does not apply to {period.label('en')} (valid {metric.valid_from} to {metric.valid_to})."))
        parsed[metric.code] = count.value
    return parsed


def _value_issue(problem: str, sheet: str, cell: str, raw: object, name_vi: str, name_en: str) -> Issue:
    shown = nfc(str(raw))  # messages are NFC even when the workbook was not
    if problem == "negative":
        return Issue("error", "negative", sheet, cell, f"Ô {cell} ({name_vi}): số âm \"{shown}\"; số liệu phải ≥ 0.",
                     f"Cell {cell} ({name_en}): negative number \"{shown}\"; counts must be ≥ 0.")
    if problem == "fraction":
        return Issue("error", "fraction", sheet, cell, f"Ô {cell} ({name_vi}): \"{shown}\" không phải số nguyên.",
                     f"Cell {cell} ({name_en}): \"{shown}\" is not a whole number.")
    return Issue("error", "not_a_number", sheet, cell, f"Ô {cell} ({name_vi}): \"{shown}\" không phải là số.",
                 f"Cell {cell} ({name_en}): \"{shown}\" is not a number.")


def _duplicate_row(first: tuple[RawRow, dict], row: RawRow, parsed: dict, sheet: str, issues: list[Issue]) -> None:
    first_row, first_values = first
    if first_values == parsed:
        issues.append(Issue("warning", "duplicate_row_same", sheet, row.cell,
                            f"Đơn vị ở dòng {row.cell} đã có ở {first_row.cell} với cùng số liệu; chỉ nạp một lần.",
                            f"The unit at {row.cell} already appears at {first_row.cell} with the same figures; loaded once."))
    else:
        issues.append(Issue("error", "duplicate_row_conflict", sheet, row.cell,
                            f"Đơn vị ở {row.cell} đã có ở {first_row.cell} với số liệu khác. Mỗi đơn vị chỉ một dòng.",
                            f"The unit at {row.cell} already appears at {first_row.cell} with other figures. One row per unit."))


def _check_parts(row: RawRow, parsed: dict[str, int | None], catalog: Catalog, sheet: str, issues: list[Issue],
                 part_rules: list[tuple[str, tuple[str, ...]]] | None = None) -> None:
    for whole, parts in catalog.part_rules() if part_rules is None else part_rules:
        whole_value = parsed.get(whole)
        if whole_value is None:
            continue
        total, stated = 0, False  # plain loops: a national load checks this for every row
        for part in parts:
            part_value = parsed.get(part)
            if part_value is not None:
                total += part_value
                stated = True
        if stated and total > whole_value:
            cells = {v.metric_code: v.cell for v in row.values}
            part_names = " + ".join(catalog.metrics[p].name_vi for p in parts if parsed.get(p) is not None)
            part_cells = ", ".join(cells[p] for p in parts if parsed.get(p) is not None)
            issues.append(Issue("error", "part_exceeds_whole", sheet, part_cells,
                                f"{part_names} ({fmt_int(total)}, ô {part_cells}) lớn hơn {catalog.metrics[whole].name_vi} ({fmt_int(parsed[whole])}, ô {cells[whole]}).",
                                f"{' + '.join(catalog.metrics[p].name_en for p in parts if parsed.get(p) is not None)} ({total}, {part_cells}) exceeds {catalog.metrics[whole].name_en} ({parsed[whole]}, {cells[whole]})."))


RATE_TOLERANCE = 0.0015  # a stated rate rounded to one decimal of a percent still agrees


def _check_rates(row: RawRow, parsed: dict[str, int | None], catalog: Catalog, sheet: str, issues: list[Issue]) -> None:
    """A rate the table states ("8,5%") must agree with the counts beside it; rates are never
    loaded (the warehouse computes them), so a disagreement is a warning."""
    for rate in row.rates:
        indicator = catalog.indicators[rate.indicator_code]
        stated = parse_rate(rate.raw)
        if stated is None:
            issues.append(Issue("warning", "rate_unreadable", sheet, rate.cell,
                                f"Ô {rate.cell}: không đọc được tỷ lệ \"{nfc(str(rate.raw))}\" (ví dụ đúng: 8,5%). Tỷ lệ không được nạp, hệ thống tự tính.",
                                f"Cell {rate.cell}: cannot read the rate \"{nfc(str(rate.raw))}\" (e.g. 8,5%). Rates are not loaded; govkpi computes them."))
            continue
        sides = [[parsed.get(code) for code, _ in terms] for terms in (indicator.numerator_terms, indicator.denominator_terms)]
        if any(v is None for side in sides for v in side):
            continue
        numerator = sum(sign * parsed[code] for code, sign in indicator.numerator_terms)
        denominator = sum(sign * parsed[code] for code, sign in indicator.denominator_terms)
        if denominator <= 0:
            continue
        computed = numerator / denominator
        if abs(computed - stated) > RATE_TOLERANCE:
            issues.append(Issue("warning", "rate_mismatch", sheet, rate.cell,
                                f"Ô {rate.cell}: {indicator.name_vi} ghi {fmt_pct(stated)} nhưng tính từ số liệu là {fmt_pct(computed)}. Tỷ lệ không được nạp, hệ thống dùng số liệu.",
                                f"Cell {rate.cell}: {indicator.name_en} states {fmt_pct(stated, 'en')} but the counts give {fmt_pct(computed, 'en')}. Rates are not loaded; govkpi uses the counts."))


def _check_total(total: RawRow, sums: dict[str, int], sheet: str, issues: list[Issue]) -> None:
    label = total.unit_name or "Tổng cộng"
    for value in total.values:
        stated = parse_count(value.raw).value
        if stated is not None and stated != sums.get(value.metric_code, 0):
            issues.append(Issue("warning", "total_mismatch", sheet, value.cell,
                                f"Dòng \"{label}\" ghi {fmt_int(stated)} nhưng tổng các đơn vị là {fmt_int(sums.get(value.metric_code, 0))} (ô {value.cell}). Dòng tổng không được nạp.",
                                f"Row \"{label}\" states {stated} but the units add up to {sums.get(value.metric_code, 0)} ({value.cell}). Total rows are not loaded."))

