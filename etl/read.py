"""Bounded, safe workbook reading: a file becomes sheets of cells, or one clear issue.

Checks come before parsing so that an oversized file, a decompression bomb, an encrypted
or non-Excel file never reaches the parser."""
from __future__ import annotations

import functools
import html
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from etl.records import Issue, a1
from ops.intake import MAX_FILE_BYTES, SUPPORTED_SUFFIXES

MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class SheetGrid:
    """A sheet's cells with A1 alignment: rows[r][c] is cell (r, c); '' is an empty cell."""

    name: str
    rows: list[list[object]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    visible: bool = True
    formulas_without_value: frozenset[str] = frozenset()

    def cell(self, row: int, col: int) -> object:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return ""


@dataclass(frozen=True)
class Workbook:
    path: Path
    sheets: list[SheetGrid]


def read_workbook(path: Path, content: bytes | None = None) -> Workbook | Issue:
    """Reads every sheet of an .xlsx/.xlsm file, or gives the one issue that stops it.
    `content` is the file's bytes when the caller has read them already (the loader hashes
    the same bytes): the checks, the zip scan and the parser then read the file once."""
    suffix = path.suffix.lower()
    if suffix in (".xls", ".ods", ".xlsb", ".csv"):
        return _error("unsupported_format", path, vi=f"Định dạng {suffix} chưa được hỗ trợ. Hãy mở tệp và lưu lại dưới dạng .xlsx (Excel Workbook).",
                      en=f"The {suffix} format is not supported. Open the file and save it as .xlsx (Excel Workbook).")
    if suffix not in SUPPORTED_SUFFIXES:
        return _error("not_excel", path, vi="Tệp không phải bảng tính Excel (.xlsx, .xlsm).",
                      en="The file is not an Excel workbook (.xlsx, .xlsm).")
    try:
        size = len(content) if content is not None else path.stat().st_size
        if content is None and size <= MAX_FILE_BYTES:  # never read an oversized file into memory
            content = path.read_bytes()
    except OSError as error:
        return _error("unreadable", path, vi=f"Không đọc được tệp ({error.strerror}).", en=f"Cannot read the file ({error.strerror}).")
    if size > MAX_FILE_BYTES:
        return _error("too_large", path, vi=f"Tệp quá lớn ({size / 1048576:,.1f} MB; tối đa {MAX_FILE_BYTES / 1048576:,.1f} MB).",
                      en=f"The file is too large ({size / 1048576:,.1f} MB; at most {MAX_FILE_BYTES / 1048576:,.1f} MB).")
    head = content[:8]
    if head == OLE_SIGNATURE and not _ole_encrypted(content):
        return _error("unsupported_format", path,
                      vi="Tệp thực chất là định dạng Excel cũ (.xls) hoặc tệp Office khác, chỉ mang đuôi .xlsx. Hãy mở tệp và lưu lại dưới dạng .xlsx (Excel Workbook).",
                      en="The file is really an old Excel (.xls) or other Office file named .xlsx. Open it and save it as .xlsx (Excel Workbook).")
    if head == OLE_SIGNATURE:
        return _error("encrypted", path, vi="Tệp được đặt mật khẩu (mã hóa). Hãy gỡ mật khẩu rồi gửi lại.",
                      en="The workbook is password-protected (encrypted). Remove the password and send it again.")
    if not zipfile.is_zipfile(io.BytesIO(content)):
        return _error("corrupt", path, vi="Tệp bị hỏng hoặc không phải tệp Excel (.xlsx).",
                      en="The file is corrupt or not an Excel (.xlsx) file.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            problem = _zip_problem(archive, size, path)
            if problem:
                return problem
            formula_cells = _formulas_without_value(archive, content)
        calamine = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = []
        for meta in calamine.sheets_metadata:
            if meta.typ != _WORKSHEET:
                continue
            sheet = calamine.get_sheet_by_name(meta.name)
            sheets.append(SheetGrid(
                name=meta.name,
                rows=sheet.to_python(skip_empty_area=False),
                merged=list(sheet.merged_cell_ranges or []),
                visible=meta.visible == _VISIBLE,
                formulas_without_value=frozenset(formula_cells.get(meta.name, ())),
            ))
        calamine.close()
    except (zipfile.BadZipFile, python_calamine.CalamineError, ValueError, KeyError, OSError) as error:
        return _error("corrupt", path, vi=f"Tệp bị hỏng, không đọc được nội dung ({type(error).__name__}).",
                      en=f"The file is corrupt and cannot be read ({type(error).__name__}).")
    return Workbook(path, sheets)


_WORKSHEET = python_calamine.SheetTypeEnum.WorkSheet
_VISIBLE = python_calamine.SheetVisibleEnum.Visible


def _ole_encrypted(data: bytes) -> bool:
    """An encrypted .xlsx is an OLE file holding the streams EncryptionInfo and EncryptedPackage
    (their directory names are UTF-16LE); any other OLE file is an old-format document."""
    return "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data


def _error(code: str, path: Path, vi: str, en: str) -> Issue:
    return Issue("error", code, None, None, vi, en)


def _zip_problem(archive: zipfile.ZipFile, size: int, path: Path) -> Issue | None:
    """Refuses decompression bombs before anything is inflated."""
    infos = archive.infolist()
    unzipped = sum(info.file_size for info in infos)
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        return _error("not_excel", path, vi="Tệp nén không phải bảng tính Excel (thiếu xl/workbook.xml).",
                      en="The archive is not an Excel workbook (no xl/workbook.xml).")
    if unzipped > MAX_UNZIPPED_BYTES or unzipped > MAX_COMPRESSION_RATIO * max(size, 1):
        return _error("zip_bomb", path,
                      vi=f"Tệp giải nén ra quá lớn ({unzipped / 1048576:,.0f} MB từ {size / 1048576:,.1f} MB): nghi là tệp độc hại, không nạp.",
                      en=f"The file inflates to {unzipped / 1048576:,.0f} MB from {size / 1048576:,.1f} MB: suspected decompression bomb, not loaded.")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return _error("macros", path,
                      vi="Tệp có macro (VBA): không nhận tệp có macro. Hãy lưu lại dưới dạng .xlsx (Excel Workbook) rồi gửi lại.",
                      en="The workbook holds macros (VBA), which are not accepted. Save it as .xlsx (Excel Workbook) and send it again.")
    if any(name.startswith("xl/externalLinks/") for name in names):
        return _error("external_links", path,
                      vi="Tệp có liên kết tới bảng tính khác: số liệu phải nằm trong chính tệp. Hãy sao chép rồi dán giá trị "
                         "(Paste Values), ngắt liên kết (Data › Edit Links › Break Link) và gửi lại.",
                      en="The workbook links to other workbooks: its figures must be in the file itself. Paste the values, "
                         "break the links (Data › Edit Links › Break Link) and send it again.")
    return None


_SHEET_ENTRY = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
_SHEET_ENTRY_ALT = re.compile(rb'<sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"', re.S)
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"', re.S)
_REL_ALT = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"', re.S)
_CELL = re.compile(rb'<c\b([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_VALUE = re.compile(rb'<v\b[^>]*>([^<]*)</v>', re.S)
_STRING_TYPE = re.compile(rb'\bt="str"')


def _has_cached_value(attributes: bytes, body: bytes) -> bool:
    """A formula's cached value is a non-empty <v>; an empty <v></v> (as openpyxl writes) is
    none, unless the cell is typed as a string result (a formula giving "")."""
    found = _VALUE.search(body)
    if not found:
        return False
    return bool(found.group(1).strip()) or bool(_STRING_TYPE.search(attributes))


def _formulas_without_value(archive: zipfile.ZipFile, content: bytes | None = None) -> dict[str, list[str]]:
    """Finds formula cells saved without a cached value (calamine would read them as empty,
    silently turning a number into 'not reported')."""
    members = {info.filename: info for info in archive.infolist()}
    read = functools.partial(_member, archive, content, members)
    workbook = read("xl/workbook.xml")
    rels = read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in members else b""
    targets = {rid: target for rid, target in _REL.findall(rels)}
    targets.update({rid: target for target, rid in _REL_ALT.findall(rels)})
    entries = {rid: name for name, rid in _SHEET_ENTRY.findall(workbook)}
    entries.update({rid: name for rid, name in _SHEET_ENTRY_ALT.findall(workbook)})
    found: dict[str, list[str]] = {}
    for rid, raw_name in entries.items():
        target = targets.get(rid, b"").decode()
        member = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if member not in members:
            continue
        xml = read(member)
        if b"<f>" not in xml and b"<f " not in xml:
            continue
        cells = []
        for attributes, body in _CELL.findall(xml):
            if body and (b"<f>" in body or b"<f " in body) and not _has_cached_value(attributes, body):
                ref = _REF.search(attributes)
                cells.append(ref.group(1).decode() if ref else "?")
        if cells:
            found[html.unescape(raw_name.decode())] = cells
    return found


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra field length


def _member(archive: zipfile.ZipFile, content: bytes | None, members: dict[str, zipfile.ZipInfo], name: str) -> bytes:
    """A member's bytes, inflated straight from the file's bytes when they are at hand (a
    plain deflated or stored member: zipfile's reader costs more than inflating a sheet);
    anything else, or anything that is not what the directory says, through zipfile, which
    refuses it. Never inflates past the size the directory declares (which _zip_problem
    bounded): a member lying about its size cannot grow in memory."""
    info = members[name]
    if content is not None and not info.flag_bits & 1 and info.compress_type in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED) \
            and info.header_offset + _LOCAL_HEADER.size <= len(content):
        signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(content, info.header_offset)
        if signature == b"PK\x03\x04":
            start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
            raw = content[start:start + info.compress_size]
            try:
                data = zlib.decompressobj(-15).decompress(raw, info.file_size + 1) \
                    if info.compress_type == zipfile.ZIP_DEFLATED else raw
            except zlib.error:
                data = None
            if data is not None and len(data) == info.file_size and zlib.crc32(data) == info.CRC:
                return data
    return archive.read(name)


__all__ = ["SheetGrid", "Workbook", "read_workbook", "a1"]
