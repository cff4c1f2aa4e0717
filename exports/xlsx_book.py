"""The quarterly workbook: a summary sheet, one sheet per targeted indicator (units × periods with
value, target and status, coloured by conditional formatting), reporting completeness, the units
that did not report and the units behind. Numbers are stored as numbers with Vietnamese display
formats; every text is stored as text, never as a formula."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from vocab.levels import STATUS_COLOURS, grade_colour, grade_name
from exports.fonts import DECK_FONT
from exports.model import STATUS_ORDER, IndexReport, IndicatorReport, ReportModel
from exports.text import level_label, number_formats, status_name, words

FMT_DATE = "dd/mm/yyyy"
FONT = DECK_FONT
HEAD_FILL = PatternFill("solid", fgColor="0B4F8A")
# One font object per look, shared by every cell: openpyxl hashes each new Font into the
# workbook's style table (~50 µs; a province quarter writes ~12,000 cells).
_BODY_FONT = Font(name=FONT)
HEAD_FONT = Font(name=FONT, bold=True, color="FFFFFF")
BOLD = Font(name=FONT, bold=True)
TITLE = Font(name=FONT, bold=True, size=14, color="0B4F8A")
NOTE = Font(name=FONT, italic=True, size=9, color="595959")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_workbook(model: ReportModel, out_path: str | Path) -> Path:
    """Writes the workbook and gives its path."""
    book = Workbook()
    _summary(book.active, model)
    names = sheet_names(model)
    for indicator in model.indicators:
        _indicator_sheet(book.create_sheet(names[indicator.code]), model, indicator)
    _completeness(book.create_sheet(words(model.lang)["completeness_sheet"]), model)
    _missing(book.create_sheet(words(model.lang)["missing_sheet"]), model)
    _lagging(book.create_sheet(words(model.lang)["lagging_sheet"]), model)
    if model.comments:
        _comments(book.create_sheet(words(model.lang)["comments_sheet"]), model)
    for index in model.indices:
        _index_sheet(book.create_sheet(words(model.lang)["index_sheet"].format(index=index.code.upper())), model, index)
        _index_groups_sheet(book.create_sheet(words(model.lang)["index_groups_sheet"].format(index=index.code.upper())),
                            model, index)
    for sheet in book.worksheets:
        _print_one_page_wide(sheet)
    book.properties.title = f"{words(model.lang)['report_subject']} – {model.period_label}"
    book.properties.creator = "govkpi"
    book.properties.language = "vi-VN" if model.lang == "vi" else "en-US"
    out = Path(out_path)
    book.save(out)
    return out


def _print_one_page_wide(sheet: Worksheet) -> None:
    """A sheet prints as its reader sees it: landscape A4, every column on one page wide (as
    many pages down as it needs), not one column a page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def put(sheet: Worksheet, row: int, column: int, value: object, number_format: str | None = None):
    """Writes one cell: numbers and dates as themselves, any text as a string cell with a quote
    prefix, so '=HYPERLINK(…)' or '-5' in a unit name never becomes a formula or a number."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return cell
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if value.startswith(_FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
        if number_format:
            cell.number_format = number_format
        elif isinstance(value, date):
            cell.number_format = FMT_DATE
    cell.font = _BODY_FONT
    return cell



# Sheets -------------------------------------------------------------------------------------

def _summary(sheet: Worksheet, model: ReportModel) -> None:
    w, lang, fmt = words(model.lang), model.lang, number_formats(model.lang)
    sheet.title = w["summary_sheet"]
    put(sheet, 1, 1, f"{w['report_subject']} – {model.period_label}").font = TITLE
    put(sheet, 2, 1, f"{model.province_name} · {model.agency.title}")
    put(sheet, 3, 1, w["made_on"])
    put(sheet, 3, 2, model.made_on)
    if model.lock_line():
        put(sheet, 4, 1, model.lock_line()).font = Font(name=FONT, bold=True, color="C00000")
    row = 5
    for status in STATUS_ORDER:
        put(sheet, row, 1, status_name(status, lang)).fill = _fill(status)
        put(sheet, row, 2, model.count(status), "0")
        row += 1
    total = model.completeness_total()
    if total is not None:
        put(sheet, row, 1, w["completeness"])
        put(sheet, row, 2, total.rate, fmt.pct)
        row += 1
    row += 1
    header = ["group", "indicator", "level", "numerator", "denominator", "value", "target",
              "status", "plan", "deadline", "units_reporting", "expected"]
    labels = [w.get(h, h) if h != "group" else ("Nhóm" if lang == "vi" else "Group") for h in header]
    _header(sheet, row, labels)
    first = row + 1
    for indicator in model.indicators:
        for r in indicator.levels:
            row += 1
            put(sheet, row, 1, indicator.group)
            put(sheet, row, 2, indicator.name)
            put(sheet, row, 3, level_label(r.level, lang))
            put(sheet, row, 4, r.numerator, fmt.count)
            put(sheet, row, 5, r.denominator, fmt.count)
            put(sheet, row, 6, r.value, fmt.pct)
            put(sheet, row, 7, r.target, fmt.pct0)
            put(sheet, row, 8, status_name(r.status, lang))
            put(sheet, row, 9, r.doc_number)
            put(sheet, row, 10, r.deadline)
            put(sheet, row, 11, r.units_reporting, "0")
            put(sheet, row, 12, r.units_expected, "0")
    _status_colours(sheet, f"F{first}:F{row}", "H", first, lang)
    _status_colours(sheet, f"H{first}:H{row}", "H", first, lang)
    put(sheet, row + 2, 1, w["source_note"]).font = NOTE
    _widths(sheet, [24, 52, 11, 12, 12, 11, 10, 15, 20, 12, 10, 10])
    sheet.freeze_panes = sheet.cell(first, 4)


def _indicator_sheet(sheet: Worksheet, model: ReportModel, indicator: IndicatorReport) -> None:
    w, lang, fmt = words(model.lang), model.lang, number_formats(model.lang)
    put(sheet, 1, 1, indicator.name).font = TITLE
    docs = ", ".join(sorted({r.doc_number for r in indicator.levels if r.doc_number}))
    put(sheet, 2, 1, f"{indicator.finding(lang)}" + (f" ({docs})" if docs else ""))
    put(sheet, 3, 1, w["era_note"]).font = NOTE
    periods = list(model.unit_periods)
    fixed = [w["unit_code"], w["unit"], w["level"], w["parent"]]
    per = [w["value"], w["target"], w["status"]]
    _header(sheet, 5, fixed + per * len(periods))
    for j, period in enumerate(periods):
        column = len(fixed) + 1 + 3 * j
        sheet.merge_cells(start_row=4, start_column=column, end_row=4, end_column=column + 2)
        cell = put(sheet, 4, column, _period_label(period, lang))
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
        cell.alignment = Alignment(horizontal="center")
    rows: dict[str, dict] = {}
    for u in indicator.units:
        entry = rows.setdefault(u.unit_key, {"unit": u, "periods": {}})
        entry["periods"][u.period] = u
    row = 5
    for entry in rows.values():
        row += 1
        u = entry["unit"]
        put(sheet, row, 1, u.unit_code)
        put(sheet, row, 2, u.unit_name)
        put(sheet, row, 3, level_label(u.level, lang))
        put(sheet, row, 4, u.parent_name)
        for j, period in enumerate(periods):
            column = len(fixed) + 1 + 3 * j
            point = entry["periods"].get(period)
            if point is None:
                continue
            put(sheet, row, column, point.value, fmt.pct)
            put(sheet, row, column + 1, point.target, fmt.pct0)
            put(sheet, row, column + 2, status_name(point.status, lang))
    if row > 5:
        for j in range(len(periods)):
            column = len(fixed) + 1 + 3 * j
            value_col, status_col = get_column_letter(column), get_column_letter(column + 2)
            _status_colours(sheet, f"{value_col}6:{value_col}{row}", status_col, 6, lang)
            _status_colours(sheet, f"{status_col}6:{status_col}{row}", status_col, 6, lang)
        sheet.auto_filter.ref = f"A5:{get_column_letter(len(fixed) + 3 * len(periods))}{row}"
    _widths(sheet, [10, 30, 11, 26] + [11, 10, 15] * len(periods))
    sheet.freeze_panes = "E6"


def _completeness(sheet: Worksheet, model: ReportModel) -> None:
    w, lang, fmt = words(model.lang), model.lang, number_formats(model.lang)
    put(sheet, 1, 1, f"{w['completeness']} {model.period_label}").font = TITLE
    _header(sheet, 3, [w["level"], w["expected"], w["reported"], w["on_time"], w["rate"], w["on_time_rate"]])
    for i, r in enumerate(model.completeness, start=4):
        put(sheet, i, 1, level_label(r.level, lang))
        put(sheet, i, 2, r.units_expected, fmt.count)
        put(sheet, i, 3, r.units_reported, fmt.count)
        put(sheet, i, 4, r.units_on_time, fmt.count)
        put(sheet, i, 5, r.rate, fmt.pct)
        put(sheet, i, 6, r.on_time_rate, fmt.pct)
        if r.level == "total":
            for c in range(1, 7):
                sheet.cell(i, c).font = BOLD
    _widths(sheet, [16, 14, 14, 12, 10, 14])


def _missing(sheet: Worksheet, model: ReportModel) -> None:
    w, lang = words(model.lang), model.lang
    title = (w["missing_title"].format(count=len(model.missing), period=model.period_label)
             if model.missing else w["missing_none"].format(period=model.period_label))
    put(sheet, 1, 1, title).font = TITLE
    _header(sheet, 3, [w["period"], w["level"], w["unit_code"], w["unit"], w["parent"], w["due_date"]])
    for i, m in enumerate(model.missing, start=4):
        put(sheet, i, 1, _period_label(m.period, lang))
        put(sheet, i, 2, level_label(m.level, lang))
        put(sheet, i, 3, m.unit_code)
        put(sheet, i, 4, m.unit_name)
        put(sheet, i, 5, m.parent_name)
        put(sheet, i, 6, m.due_date)
    if model.missing:
        sheet.auto_filter.ref = f"A3:F{3 + len(model.missing)}"
    _widths(sheet, [14, 11, 10, 32, 28, 13])
    sheet.freeze_panes = "A4"


def _lagging(sheet: Worksheet, model: ReportModel) -> None:
    w, lang, fmt = words(model.lang), model.lang, number_formats(model.lang)
    title = (w["lagging_title"].format(count=len(model.lagging)) if model.lagging else w["lagging_none"])
    put(sheet, 1, 1, f"{title} – {model.period_label}").font = TITLE
    _header(sheet, 3, [w["unit_code"], w["unit"], w["level"], w["parent"], w["indicators_behind"],
                       w["worst"], w["value"], w["target"]])
    for i, u in enumerate(model.lagging, start=4):
        put(sheet, i, 1, u.unit_code)
        put(sheet, i, 2, u.unit_name)
        put(sheet, i, 3, level_label(u.level, lang))
        put(sheet, i, 4, u.parent_name)
        put(sheet, i, 5, u.indicators_behind, "0")
        put(sheet, i, 6, u.worst_indicator_name)
        put(sheet, i, 7, u.worst_value, fmt.pct)
        put(sheet, i, 8, u.worst_target, fmt.pct0)
    _widths(sheet, [10, 30, 11, 26, 12, 52, 11, 10])
    sheet.freeze_panes = "A4"


FMT_MOVEMENT = '"↑"0;"↓"0;"="'  # places gained since the previous period, kept a number


def _index_sheet(sheet: Worksheet, model: ReportModel, index: IndexReport) -> None:
    """Every unit's total on the index (index_scores) in its period, by level and rank; the
    grade cell coloured with the dashboard's grade palette, or the ungraded sentence."""
    w, lang, fmt = words(model.lang), model.lang, number_formats(model.lang)
    put(sheet, 1, 1, w["index_head"].format(name=index.name, period=index.period_label, as_of=f"{index.as_of:%d/%m/%Y}",
                                            version=index.version, source=index.version_source)).font = TITLE
    put(sheet, 2, 1, "; ".join(w["index_coverage"].format(level=level_label(lv, lang), scored=len(index.of_level(lv)),
                                                          expected=index.expected_in(lv)) for lv in index.levels()))
    if index.has_grades and not index.graded:
        put(sheet, 3, 1, w["index_ungraded"].format(index=index.code)).font = NOTE
    _header(sheet, 5, w["index_columns"])
    row = 5
    for level in index.levels():
        for u in index.of_level(level):
            row += 1
            put(sheet, row, 1, level_label(u.level, lang))
            put(sheet, row, 2, u.unit_code)
            put(sheet, row, 3, u.unit_name)
            put(sheet, row, 4, u.score, fmt.score)
            put(sheet, row, 5, u.max_score, fmt.score)
            grade = put(sheet, row, 6, grade_name(u.grade, lang) or w["index_ungraded_short"])
            grade.fill = PatternFill("solid", fgColor=_lighten(grade_colour(u.grade)[1:]))
            put(sheet, row, 7, u.rank_in_level, "0")
            put(sheet, row, 8, u.rank_change, FMT_MOVEMENT)
    if row > 5:
        sheet.auto_filter.ref = f"A5:H{row}"
    _widths(sheet, [11, 14, 34, 10, 11, 14, 12, 12])
    sheet.freeze_panes = "A6"


def _index_groups_sheet(sheet: Worksheet, model: ReportModel, index: IndexReport) -> None:
    """Every unit's group scores (index_group_scores) against each group's maximum."""
    w, lang, fmt = words(model.lang), model.lang, number_formats(model.lang)
    put(sheet, 1, 1, w["index_head"].format(name=index.name, period=index.period_label, as_of=f"{index.as_of:%d/%m/%Y}",
                                            version=index.version, source=index.version_source)).font = TITLE
    _header(sheet, 3, w["index_group_columns"])
    order = {lv: n for n, lv in enumerate(index.levels())}
    rows = sorted(index.groups, key=lambda g: (order.get(g.level, 9), g.unit_code, g.group_order))
    for i, g in enumerate(rows, start=4):
        put(sheet, i, 1, level_label(g.level, lang))
        put(sheet, i, 2, g.unit_code)
        put(sheet, i, 3, g.unit_name)
        put(sheet, i, 4, g.group_name)
        put(sheet, i, 5, g.score, fmt.score)
        put(sheet, i, 6, g.max_score, fmt.score)
        put(sheet, i, 7, g.source)
    if rows:
        sheet.auto_filter.ref = f"A3:G{3 + len(rows)}"
    _widths(sheet, [11, 14, 34, 30, 10, 11, 11])
    sheet.freeze_panes = "A4"


# Helpers ------------------------------------------------------------------------------------

def _comments(sheet: Worksheet, model: ReportModel) -> None:
    """The comments on the period's figures: one row each, by indicator and unit."""
    w, lang = words(model.lang), model.lang
    put(sheet, 1, 1, f"{w['comments_head']} – {model.period_label}").font = TITLE
    if model.lock_line():
        put(sheet, 2, 1, model.lock_line())
    _header(sheet, 4, w["comments_columns"])
    names = {i.code: i.name for i in model.indicators}
    for row, c in enumerate(model.comments, start=5):
        put(sheet, row, 1, names.get(c.indicator_code, c.indicator_code))
        put(sheet, row, 2, c.unit_code)
        put(sheet, row, 3, c.unit_name)
        put(sheet, row, 4, level_label(c.level, lang))
        put(sheet, row, 5, c.text)
        put(sheet, row, 6, c.author)
        put(sheet, row, 7, c.written_at, "dd/mm/yyyy hh:mm")
    _widths(sheet, [40, 10, 28, 12, 60, 16, 18])


def _header(sheet: Worksheet, row: int, labels: list[str]) -> None:
    for j, label in enumerate(labels, start=1):
        cell = put(sheet, row, j, label)
        cell.font, cell.fill, cell.border = HEAD_FONT, HEAD_FILL, BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _status_colours(sheet: Worksheet, ref: str, status_col: str, first_row: int, lang: str) -> None:
    """Colours cells by the status written in the row (the view's status, not a recomputation)."""
    for status in STATUS_ORDER:
        formula = f'${status_col}{first_row}="{status_name(status, lang)}"'
        sheet.conditional_formatting.add(ref, FormulaRule(formula=[formula], fill=_fill(status, light=True)))


def _fill(status: str, light: bool = False) -> PatternFill:
    colour = STATUS_COLOURS[status][1:]
    if light:
        colour = _lighten(colour)
    return PatternFill("solid", fgColor=colour, bgColor=colour)


def _lighten(hex_colour: str, share: float = 0.6) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))
    return "".join(f"{round(c + (255 - c) * share):02X}" for c in (r, g, b))


def _widths(sheet: Worksheet, widths: list[float]) -> None:
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = width


FORBIDDEN_IN_TAB = '[]:*?/\\'


def sheet_names(model: ReportModel) -> dict[str, str]:
    """Gives each indicator's tab name: its name in the model's language without "Tỷ lệ" /
    "Share of", at most 31 characters (Excel's limit) cut at a word, none of []:*?/\\, unique
    among the workbook's tabs."""
    w = words(model.lang)
    taken = {w[key].casefold() for key in ("summary_sheet", "completeness_sheet", "missing_sheet", "lagging_sheet")}
    names: dict[str, str] = {}
    for indicator in model.indicators:
        text = "".join(" " if c in FORBIDDEN_IN_TAB else c for c in indicator.name)
        for prefix in ("Tỷ lệ ", "Share of "):
            text = text.removeprefix(prefix)
        text = " ".join(text.split()).strip("'") or indicator.code
        text = text[0].upper() + text[1:]
        base = text if len(text) <= 31 else text[:30].rsplit(" ", 1)[0].rstrip(",") + "…"
        name, n = base, 2
        while name.casefold() in taken:
            name = f"{base[:31 - len(str(n)) - 3]} ({n})"
            n += 1
        taken.add(name.casefold())
        names[indicator.code] = name
    return names


def _period_label(code: str, lang: str) -> str:
    from vocab.periods import parse_code

    return parse_code(code).label(lang)
