"""Fixture builders for the loader's tests: REAL .xlsx files written with openpyxl, a fresh
Gia Lai warehouse per test (built once per session and copied), and small helpers to read
what a load left in the warehouse.

Import with `from workbooks import *` after putting this folder on sys.path (the test
modules do so), so the fixtures below are visible to pytest in each module."""
from __future__ import annotations

import io
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest

from etl.catalog import load_catalog
from etl.load import Loader
from vocab.periods import parse_code
from etl.template import DATA_SHEET, FIRST_DATA_ROW, VALUE_COL, write_template
from etl.warehouse import connect, init_warehouse

CATALOG = load_catalog()
# The sample lives in the project's shared/ folder, beside the repository (or beside a folder of
# worktrees): the nearest one up from here, named relative to the checkout, not to one machine.
_SAMPLE = Path("shared") / "samples" / "binhdinh_huyen_q2_2021.xlsx"
SAMPLE = next((up / _SAMPLE for up in Path(__file__).resolve().parents if (up / _SAMPLE).exists()),
              Path(__file__).resolve().parents[2] / _SAMPLE)

# Units of the Gia Lai warehouse used throughout (GSO codes, old era unless said otherwise).
PLEIKU = ("622", "Thành phố Pleiku")
AN_KHE = ("623", "Thị xã An Khê")
CHU_SE = ("633", "Huyện Chư Sê")
DAK_DOA = ("626", "Huyện Đăk Đoa")
DAK_PO = ("634", "Huyện Đăk Pơ")
TT_CHU_SE = ("23941", "Thị trấn Chư Sê")  # communes of Huyện Chư Sê
IA_TIEM = ("23944", "Xã Ia Tiêm")
NEW_CHU_SE = ("23941", "Xã Chư Sê")  # the new-era commune (from 1 July 2025) that reused the code
QUY_NHON = ("540", "Thành phố Quy Nhơn")

TABLES = ("submissions", "submission_issues", "reported_values", "unit_reports")

_BASE: dict[str, Path] = {}


# Warehouses ---------------------------------------------------------------------------------

def base_warehouse(folder: Path) -> Path:
    """Builds the pristine Gia Lai warehouse once per test session."""
    if "path" not in _BASE:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "base.duckdb"
        init_warehouse(path, "Gia Lai")
        _BASE["path"] = path
    return _BASE["path"]


@pytest.fixture(scope="session")
def base_db(tmp_path_factory) -> Path:
    return base_warehouse(tmp_path_factory.mktemp("base"))


@pytest.fixture
def db(base_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the Gia Lai warehouse for one test."""
    path = tmp_path / "w.duckdb"
    shutil.copy(base_db, path)
    return path


@pytest.fixture
def con(db: Path):
    connection = connect(db)
    yield connection
    connection.close()


@pytest.fixture
def loader(con) -> Loader:
    return Loader(con, CATALOG, submitted_by="chuyên viên Sở")


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the tables a load writes."""
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def data_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the data tables (what a rejected file must leave unchanged)."""
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("reported_values", "unit_reports")}


def current(con: duckdb.DuckDBPyConnection, unit_code: str, period: str) -> dict[str, int]:
    """The unit's current values for a period, from the public metric_values view."""
    rows = con.execute("SELECT metric_code, value FROM metric_values WHERE unit_code = ? AND period = ?",
                       [unit_code, period]).fetchall()
    return dict(rows)


def messages(report, severity: str | None = None) -> list[str]:
    return [i.message_vi for i in report.issues if severity is None or i.severity == severity]


def codes(report, severity: str | None = None) -> list[str]:
    return [i.code for i in report.issues if severity is None or i.severity == severity]


def issue(report, code: str):
    found = [i for i in report.issues if i.code == code]
    assert found, f"no issue {code!r} among {[(i.code, i.message_vi) for i in report.issues]}"
    return found[0]


# Filled-in templates ------------------------------------------------------------------------

def filled_template(path: Path, unit: tuple[str, str], period: str, values: dict[str, object],
                    report_date: object = None, insert_blank_row_before: str | None = None) -> Path:
    """Writes the govkpi template for a unit and period, then fills it in as a clerk does:
    with openpyxl, value by value in the "Giá trị" column (numbers or text such as "1.937"),
    optionally after inserting a blank row above a metric's row."""
    write_template(path, CATALOG, unit[0], unit[1], parse_code(period))
    book = openpyxl.load_workbook(path)
    sheet = book[DATA_SHEET]
    if insert_blank_row_before:
        row = _template_row(sheet, insert_blank_row_before)
        sheet.insert_rows(row)
    for code, value in values.items():
        sheet.cell(_template_row(sheet, code), VALUE_COL, value)
    if report_date is not None:
        sheet["C6"] = report_date
    book.save(path)
    return path


def template_cell(path: Path, code: str) -> str:
    """The A1 address of a metric's value cell in a (filled) template."""
    sheet = openpyxl.load_workbook(path)[DATA_SHEET]
    return sheet.cell(_template_row(sheet, code), VALUE_COL).coordinate


def _template_row(sheet, code: str) -> int:
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        if sheet.cell(row, 2).value == code:
            return row
    raise KeyError(code)


# Consolidated tables ------------------------------------------------------------------------

def consolidated(
    path: Path,
    rows: list[tuple[object, dict[str, object]]],
    metrics: list[str],
    *,
    title: str | None = "BẢNG TỔNG HỢP KẾT QUẢ ỨNG DỤNG CNTT QUÝ II/2021",
    labels: dict[str, str] | None = None,
    unit_header: str = "Đơn vị",
    code_header: str | None = None,
    two_row_header: bool = True,
    column_numbers: bool = True,
    total: tuple[str, dict[str, object]] | str | None = None,
    total_in_stt: bool = False,
    blank_after: tuple[int, ...] = (),
    notes: bool = True,
    signature: bool = True,
    date_line: str | None = None,
    sheet_name: str = "Biểu 01",
    formulas: dict[tuple[int, str], str] | None = None,
) -> Path:
    """Writes a bảng tổng hợp as an ICT department builds one.

    rows: (unit, {metric: value}); the unit is a name, or a (code, name) pair when
    code_header is given (name None leaves the name column out). labels: the header of each
    metric column (default: the Vietnamese name). total: ("Tổng cộng", values), or a label
    alone for the true sum of the rows. formulas: {(row index, metric): "=..."}."""
    labels = labels or {}
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_name
    r = 1
    sheet.cell(r, 1, "UBND TỈNH GIA LAI")
    sheet.cell(r, 4, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    r += 1
    sheet.cell(r, 1, "SỞ THÔNG TIN VÀ TRUYỀN THÔNG")
    sheet.cell(r, 4, "Độc lập - Tự do - Hạnh phúc")
    r += 2
    if title:
        sheet.cell(r, 1, title)
        r += 1
    sheet.cell(r, 1, "(Kèm theo Báo cáo số 123/BC-STTTT của Sở Thông tin và Truyền thông)")
    r += 2
    with_codes = code_header is not None
    with_names = not with_codes or any(isinstance(u, tuple) and u[1] is not None for u, _ in rows)
    columns: list[str] = ["STT"]
    if with_codes:
        columns.append(code_header)
    if with_names:
        columns.append(unit_header)
    first_metric_col = len(columns) + 1
    header_row = r
    if two_row_header:
        for col, label in enumerate(columns, start=1):
            sheet.cell(r, col, label)
            sheet.merge_cells(start_row=r, start_column=col, end_row=r + 1, end_column=col)
        groups: dict[str, list[int]] = {}
        for i, metric in enumerate(metrics):
            groups.setdefault(CATALOG.metrics[metric].group_vi, []).append(first_metric_col + i)
        for group, cols in groups.items():
            sheet.cell(r, cols[0], group)
            if len(cols) > 1:
                sheet.merge_cells(start_row=r, start_column=cols[0], end_row=r, end_column=cols[-1])
        r += 1
    else:
        for col, label in enumerate(columns, start=1):
            sheet.cell(r, col, label)
    for i, metric in enumerate(metrics):
        sheet.cell(r, first_metric_col + i, labels.get(metric, CATALOG.metrics[metric].name_vi))
    r += 1
    if column_numbers:
        for col in range(1, first_metric_col + len(metrics)):
            sheet.cell(r, col, f"({col})")
        r += 1
    first_data = r
    sums: dict[str, int] = {}
    for index, (unit, values) in enumerate(rows):
        sheet.cell(r, 1, index + 1)
        code, name = unit if isinstance(unit, tuple) else (None, unit)
        col = 2
        if with_codes:
            sheet.cell(r, col, code)
            col += 1
        if with_names:
            sheet.cell(r, col, name)
        for i, metric in enumerate(metrics):
            value = values.get(metric)
            if formulas and (index, metric) in formulas:
                value = formulas[(index, metric)]
            sheet.cell(r, first_metric_col + i, value)
            if isinstance(value, int):
                sums[metric] = sums.get(metric, 0) + value
        r += 1
        if index in blank_after:
            r += 1
    del first_data, header_row
    if total is not None:
        label, values = (total, sums) if isinstance(total, str) else total
        if total_in_stt:
            sheet.cell(r, 1, label)
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=first_metric_col - 1)
        else:
            sheet.cell(r, first_metric_col - 1, label)
        for i, metric in enumerate(metrics):
            sheet.cell(r, first_metric_col + i, values.get(metric))
        r += 1
    r += 1
    if notes:
        sheet.cell(r, 1, "Ghi chú: Số liệu tính từ ngày 15 của tháng trước kỳ báo cáo đến ngày 14 của tháng cuối kỳ.")
        r += 2
    if date_line:
        sheet.cell(r, first_metric_col, date_line)
        r += 1
    if signature:
        sheet.cell(r, 2, "NGƯỜI LẬP BIỂU")
        sheet.cell(r, first_metric_col, "KT. GIÁM ĐỐC")
        r += 1
        sheet.cell(r, first_metric_col, "PHÓ GIÁM ĐỐC")
        r += 4
        sheet.cell(r, 2, "Nguyễn Văn An")
        sheet.cell(r, first_metric_col, "Trần Thị Bình")
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


# Bad input ----------------------------------------------------------------------------------

def encrypted_copy(source: Path, target: Path, password: str = "matkhau") -> Path:
    """Encrypts a real workbook as Excel does with a password (msoffcrypto-tool)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with source.open("rb") as plain, target.open("wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return target


def bomb_copy(source: Path, target: Path, inflated_mb: int = 400) -> Path:
    """A real workbook whose xl/worksheets/sheet1.xml is replaced by a member that inflates
    to hundreds of megabytes from a few hundred kilobytes (a decompression bomb)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in original.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                continue
            bomb.writestr(info, original.read(info.filename))
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with bomb.open(info, "w", force_zip64=True) as member:
            member.write(b"<worksheet><sheetData>")
            chunk = b" " * (1 << 20)
            for _ in range(inflated_mb):
                member.write(chunk)
            member.write(b"</sheetData></worksheet>")
    return target


def with_member(source: Path, target: Path, name: str, data: bytes) -> Path:
    """A real workbook with one more part, as Excel writes it: xl/vbaProject.bin (macros) or
    xl/externalLinks/externalLink1.xml (a link to another workbook)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            copy.writestr(info, original.read(info.filename))
        copy.writestr(name, data)
    return target


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


__all__ = [
    "CATALOG", "SAMPLE", "PLEIKU", "AN_KHE", "CHU_SE", "DAK_DOA", "DAK_PO", "TT_CHU_SE", "IA_TIEM", "NEW_CHU_SE",
    "QUY_NHON", "TABLES", "base_warehouse", "base_db", "db", "con", "loader", "counts", "data_counts", "current",
    "messages", "codes", "issue", "filled_template", "template_cell", "consolidated", "encrypted_copy",
    "bomb_copy", "with_member", "zip_bytes", "date", "datetime",
]
