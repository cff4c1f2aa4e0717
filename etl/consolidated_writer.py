"""Writes a consolidated table (bảng tổng hợp) the way provincial ICT departments lay them
out: agency header and motto, a title stating the period, a two-row header with merged group
cells, a row of column numbers, one row per unit, a total row, a note and a signature block.
The demo and the benchmark use it to produce realistic input for the real loader."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from etl.catalog import Metric
from vocab.periods import Period


def write_consolidated(
    path: Path, title_level: str, period: Period, metrics: list[Metric],
    rows: list[tuple[str | None, str, dict[str, int | None]]], report_date: date,
    agency_header: tuple[str, str] = ("UBND TỈNH GIA LAI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"),
    total_override: dict[str, int] | None = None, code_column: bool = False,
) -> Path:
    """Writes rows of (unit code, unit name, {metric: value}); a None value is a blank cell.
    With code_column the table carries a "Mã đơn vị" column before the names (as tables of
    communes need: commune names repeat across districts)."""
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = "Biểu 01"
    bold = Font(name="Times New Roman", bold=True)
    sheet.append([agency_header[0], None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    sheet.append([agency_header[1], None, None, "Độc lập - Tự do - Hạnh phúc"])
    sheet.append([None, None, None, f"Gia Lai, ngày {report_date.day:02d} tháng {report_date.month:02d} năm {report_date.year}"])
    sheet.append([f"BẢNG TỔNG HỢP KẾT QUẢ ỨNG DỤNG CNTT {title_level.upper()} {period.label('vi').upper()}"])
    sheet.append(["(Số liệu do các đơn vị báo cáo)"])
    sheet.append([])
    header_row = 7
    lead = ["STT", "Mã đơn vị", "Đơn vị"] if code_column else ["STT", "Đơn vị"]
    groups = [None] * len(lead) + [m.group_vi for m in metrics]
    sheet.append(lead + [None] * len(metrics))
    sheet.append([None] * len(lead) + [m.name_vi for m in metrics])
    sheet.append([f"({i})" for i in range(1, len(metrics) + len(lead) + 1)])
    for col in range(1, len(lead) + 1):
        sheet.merge_cells(start_row=header_row, start_column=col, end_row=header_row + 1, end_column=col)
    start = len(lead)
    while start < len(groups):
        end = start
        while end + 1 < len(groups) and groups[end + 1] == groups[start]:
            end += 1
        sheet.cell(header_row, start + 1, groups[start])
        if end > start:
            sheet.merge_cells(start_row=header_row, start_column=start + 1, end_row=header_row, end_column=end + 1)
        start = end + 1
    totals = {m.code: 0 for m in metrics}
    for index, (code, name, values) in enumerate(rows, start=1):
        sheet.append([index] + ([code] if code_column else []) + [name] + [values.get(m.code) for m in metrics])
        for m in metrics:
            totals[m.code] += values.get(m.code) or 0
    totals.update(total_override or {})
    sheet.append([None] * (len(lead) - 1) + ["Tổng cộng"] + [totals[m.code] for m in metrics])
    sheet.append([])
    sheet.append(["Ghi chú: Số liệu tính từ ngày 15 của tháng trước kỳ báo cáo đến ngày 14 của tháng cuối kỳ."])
    sheet.append([])
    sheet.append([None, "NGƯỜI LẬP BIỂU", None, None, "KT. GIÁM ĐỐC"])
    sheet.append([None, None, None, None, "PHÓ GIÁM ĐỐC"])
    for row in sheet.iter_rows(min_row=header_row, max_row=header_row + 1):
        for cell in row:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    sheet.column_dimensions["B"].width = 28
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
