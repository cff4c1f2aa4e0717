"""Reads a filled-in govkpi template: the hidden sheet names unit and period; rows are found
by their metric code, so an inserted blank row or numbers typed as text do no harm."""
from __future__ import annotations

from etl.catalog import Catalog
from etl.layouts.common import find_report_date, text_of
from vocab.periods import parse_code
from etl.read import SheetGrid, Workbook
from etl.records import Issue, RawRow, RawValue, RecognisedSheet, a1
from etl.template import DATA_SHEET, META_SHEET, TEMPLATE_VERSION, layout_checksum


def is_template(book: Workbook) -> bool:
    return any(sheet.name == META_SHEET for sheet in book.sheets)


def recognise(book: Workbook, catalog: Catalog) -> list[RecognisedSheet] | Issue:
    """Gives the template's one unit row, or the issue that makes it unreadable."""
    meta_sheet = next(s for s in book.sheets if s.name == META_SHEET)
    meta = {text_of(row[0]): row[1] for row in meta_sheet.rows if len(row) >= 2 and text_of(row[0])}
    if meta.get("template_version") != TEMPLATE_VERSION:
        return Issue("error", "template_version", META_SHEET, "B1",
                     f"Phiên bản biểu mẫu không đúng ({meta.get('template_version')!r}). Hãy dùng biểu mẫu mới nhất.",
                     f"Unknown template version ({meta.get('template_version')!r}). Use the latest template.")
    data = next((s for s in book.sheets if s.name == DATA_SHEET), None)
    if data is None:
        return Issue("error", "template_sheet_missing", DATA_SHEET, None,
                     f"Biểu mẫu thiếu trang \"{DATA_SHEET}\" (trang đã bị xóa hoặc đổi tên).",
                     f"The template has no sheet \"{DATA_SHEET}\" (deleted or renamed).")
    header_row, code_col, value_col = _find_header(data)
    if header_row is None:
        return Issue("error", "template_header_missing", DATA_SHEET, None,
                     "Không tìm thấy dòng tiêu đề \"Mã chỉ số\" / \"Giá trị\" trong biểu mẫu.",
                     "The header row (\"Mã chỉ số\" / \"Giá trị\") was not found in the template.")
    values, issues, codes = [], [], []
    for row_index in range(header_row + 1, len(data.rows)):
        code = text_of(data.cell(row_index, code_col))
        if not code:
            continue
        if code not in catalog.metrics:
            issues.append(Issue("error", "template_unknown_metric", DATA_SHEET, a1(row_index, code_col),
                                f"Mã chỉ số \"{code}\" không có trong danh mục; không sửa cột Mã chỉ số.",
                                f"Metric code \"{code}\" is not in the catalog; do not edit the code column."))
            continue
        codes.append(code)
        values.append(RawValue(code, data.cell(row_index, value_col), a1(row_index, value_col)))
    period_code = text_of(meta.get("period"))
    try:
        period = parse_code(period_code)
    except ValueError:
        return Issue("error", "template_period", META_SHEET, "B4",
                     f"Biểu mẫu ghi kỳ báo cáo không hợp lệ: {period_code!r}.", f"Invalid period in template: {period_code!r}.")
    if layout_checksum(period, codes) != text_of(meta.get("layout_checksum")):
        issues.append(Issue("error", "template_modified", DATA_SHEET, a1(header_row, code_col),
                            "Cấu trúc biểu mẫu đã bị thay đổi (thêm, xóa hoặc sửa mã chỉ số). Hãy điền lại trên biểu mẫu gốc.",
                            "The template's layout was changed (metric codes added, removed or edited). Fill in the original template."))
    unit_code = text_of(meta.get("unit_code"))
    row = RawRow(unit_code, text_of(meta.get("unit_name")), "C4", tuple(values))
    return [RecognisedSheet(
        layout="template", sheet=DATA_SHEET, period=period.code, period_cell="C5",
        report_date=find_report_date(data), rows=(row,), issues=tuple(issues), metric_columns=tuple(codes),
    )]


def _find_header(sheet: SheetGrid) -> tuple[int | None, int, int]:
    for row_index, row in enumerate(sheet.rows[:40]):
        labels = [text_of(value).lower() for value in row]
        if "mã chỉ số" in labels and "giá trị" in labels:
            return row_index, labels.index("mã chỉ số"), labels.index("giá trị")
    return None, 0, 0
