"""The blank workbook a reporting unit fills in: one per unit and period (openpyxl, with
validation and locked cells so that what comes back can be read without guessing)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from etl.catalog import Catalog, Metric
from vocab.periods import Period

TEMPLATE_VERSION = "govkpi-template-1"
DATA_SHEET = "Báo cáo"
GUIDE_SHEET = "Hướng dẫn"
META_SHEET = "_govkpi"
HEADER_ROW = 8
FIRST_DATA_ROW = 9
CODE_COL, NAME_COL, UNIT_COL, VALUE_COL, NOTE_COL = 2, 3, 4, 5, 6  # B..F; A is STT
REPORT_DATE_CELL = "C6"

GUIDE_LINES = [
    "HƯỚNG DẪN ĐIỀN BIỂU MẪU",
    "1. Mỗi đơn vị điền một tệp cho mỗi kỳ báo cáo. Tên đơn vị, mã đơn vị và kỳ báo cáo đã được điền sẵn và khóa.",
    "2. Chỉ nhập số liệu vào cột \"Giá trị\" (cột E) của trang \"Báo cáo\": số nguyên, không âm, không có đơn vị.",
    "3. Có thể gõ số theo cách viết Việt Nam, ví dụ 1.937 hoặc 12.500.",
    "4. Để TRỐNG ô nếu chưa có số liệu. Ô trống nghĩa là \"không báo cáo\", khác với số 0.",
    "5. Số liệu thành phần không được lớn hơn tổng (ví dụ: số hồ sơ trực tuyến ≤ tổng số hồ sơ).",
    "6. Không thêm, xóa hay đổi tên trang, không sửa cột \"Mã chỉ số\"; có thể ghi chú ở cột F.",
    "7. Ghi ngày báo cáo vào ô C6 (dd/mm/yyyy), lưu tệp dạng .xlsx và gửi về Sở Khoa học và Công nghệ.",
    "8. Số liệu tính từ ngày 15 của tháng trước kỳ báo cáo đến ngày 14 của tháng cuối kỳ (Nghị định 09/2019/NĐ-CP).",
]


def layout_checksum(period: Period, metric_codes: list[str]) -> str:
    """Gives the checksum of a template's layout: its version, period and metric codes."""
    text = "|".join([TEMPLATE_VERSION, period.code, *sorted(metric_codes)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def write_template(
    path: Path, catalog: Catalog, unit_code: str, unit_name: str, period: Period,
    values: dict[str, object] | None = None, report_date: object | None = None,
) -> Path:
    """Writes a unit's template for a period; `values` pre-fills cells (the demo uses it)."""
    metrics = catalog.metrics_valid_between(period.start, period.end)
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    _write_data_sheet(sheet, metrics, unit_code, unit_name, period, values or {}, report_date)
    _write_guide(book.create_sheet(GUIDE_SHEET))
    meta = book.create_sheet(META_SHEET)
    for row, (key, value) in enumerate([
        ("template_version", TEMPLATE_VERSION),
        ("unit_code", unit_code),
        ("unit_name", unit_name),
        ("period", period.code),
        ("layout_checksum", layout_checksum(period, [m.code for m in metrics])),
    ], start=1):
        meta.cell(row, 1, key)
        meta.cell(row, 2, value)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_templates(db_path, period_code: str, unit_code: str | None, output: Path | None,
                    out_dir: Path | None) -> list[Path] | str:
    """Writes the template of one unit, or of every unit expected to report the period;
    gives the files, or a message when the period or unit is unknown."""
    from etl.catalog import load_catalog
    from vocab.periods import parse_code
    from etl.warehouse import connect

    try:
        period = parse_code(period_code)
    except ValueError as error:
        return str(error)
    catalog = load_catalog()
    con = connect(db_path, read_only=True)
    try:
        units = con.execute(
            "SELECT unit_code, unit_name FROM units WHERE NOT is_root AND valid_from <= ? AND valid_to >= ? "
            "ORDER BY level, unit_code", [period.end, period.start]).fetchall()
    finally:
        con.close()
    if unit_code:
        chosen = [u for u in units if u[0] == unit_code]
        if not chosen:
            return f"Không có đơn vị mã {unit_code} trong kỳ {period.label('vi')}."
        return [write_template(output, catalog, chosen[0][0], chosen[0][1], period)]
    return [write_template(out_dir / f"{period.code}_{code}.xlsx", catalog, code, name, period) for code, name in units]


def _write_data_sheet(sheet, metrics: list[Metric], unit_code, unit_name, period, values, report_date) -> None:
    bold = Font(name="Times New Roman", bold=True, size=12)
    normal = Font(name="Times New Roman", size=12)
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet["A1"] = "BÁO CÁO SỐ LIỆU CHÍNH QUYỀN ĐIỆN TỬ, CHUYỂN ĐỔI SỐ"
    sheet["A1"].font = Font(name="Times New Roman", bold=True, size=14)
    sheet["A2"] = f"Kỳ báo cáo: {period.label('vi')}"
    sheet["A2"].font = bold
    for row, (label, value) in enumerate([
        ("Đơn vị báo cáo:", unit_name), ("Mã đơn vị:", unit_code), ("Kỳ báo cáo:", period.label("vi")),
        ("Ngày báo cáo:", report_date),
    ], start=3):
        sheet.cell(row, 2, label).font = bold
        sheet.cell(row, 3, value).font = normal
    date_cell = sheet[REPORT_DATE_CELL]
    date_cell.number_format = "dd/mm/yyyy"
    date_cell.protection = Protection(locked=False)
    date_cell.fill = PatternFill("solid", fgColor="FFF9E0")
    headers = ["STT", "Mã chỉ số", "Tên chỉ số", "Đơn vị tính", "Giá trị", "Ghi chú"]
    for col, header in enumerate(headers, start=1):
        cell = sheet.cell(HEADER_ROW, col, header)
        cell.font = bold
        cell.border = box
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    validation = DataValidation(
        type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True, showErrorMessage=True,
        errorTitle="Giá trị không hợp lệ", error="Chỉ nhập số nguyên không âm, hoặc để trống nếu chưa có số liệu.",
        promptTitle="Giá trị", prompt="Số nguyên ≥ 0; để trống nếu chưa có số liệu.", showInputMessage=True,
    )
    sheet.add_data_validation(validation)
    for index, metric in enumerate(metrics):
        row = FIRST_DATA_ROW + index
        for col, value in ((1, index + 1), (CODE_COL, metric.code), (NAME_COL, metric.name_vi), (UNIT_COL, metric.unit_vi)):
            cell = sheet.cell(row, col, value)
            cell.font = normal
            cell.border = box
            cell.alignment = Alignment(vertical="center", wrap_text=col == NAME_COL)
        value_cell = sheet.cell(row, VALUE_COL, values.get(metric.code))
        note_cell = sheet.cell(row, NOTE_COL)
        for cell in (value_cell, note_cell):
            cell.protection = Protection(locked=False)
            cell.border = box
            cell.font = normal
        value_cell.fill = PatternFill("solid", fgColor="FFF9E0")
        value_cell.number_format = "#,##0"
        validation.add(value_cell)
    for col, width in zip("ABCDEF", (6, 26, 60, 12, 16, 24)):
        sheet.column_dimensions[col].width = width
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 1)
    sheet.protection.sheet = True
    sheet.protection.formatCells = False
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.insertRows = False  # a clerk may insert a blank row; the loader copes


def _write_guide(sheet) -> None:
    for row, line in enumerate(GUIDE_LINES, start=1):
        cell = sheet.cell(row, 1, line)
        cell.font = Font(name="Times New Roman", size=12, bold=row == 1)
    sheet.column_dimensions["A"].width = 120
