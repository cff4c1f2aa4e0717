"""What a workbook must be before anyone parses it: its type and size, checked by the upload page,
the API and the loader alike (one rule for every door)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 25 * 1024 * 1024
SUPPORTED_SUFFIXES = (".xlsx", ".xlsm")
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class Refusal:
    """Why a file was refused at the door; `code` as the loader's issue codes."""

    code: str
    message_vi: str
    message_en: str

    def as_problem(self) -> dict:
        return {"severity": "error", "sheet": None, "cell": None, "code": self.code,
                "message_vi": self.message_vi, "message_en": self.message_en}


def size_refusal(name: str, size: int) -> Refusal | None:
    """Refuses a file over MAX_FILE_BYTES, naming it."""
    if size <= MAX_FILE_BYTES:
        return None
    return Refusal("too_large",
                   f"Tệp {name} quá lớn ({size / 1048576:,.1f} MB; tối đa {MAX_FILE_BYTES / 1048576:,.0f} MB).",
                   f"{name} is too large ({size / 1048576:,.1f} MB; at most {MAX_FILE_BYTES / 1048576:,.0f} MB).")


def type_refusal(name: str, head: bytes) -> Refusal | None:
    """Refuses a file that is not an Excel workbook by its name and its first bytes (a zip)."""
    suffix = Path(name).suffix.lower()
    if suffix in (".xls", ".ods", ".xlsb", ".csv"):
        return Refusal("unsupported_format",
                       f"Tệp {name}: định dạng {suffix} chưa được hỗ trợ. Hãy mở tệp và lưu lại dưới dạng .xlsx (Excel Workbook).",
                       f"{name}: the {suffix} format is not supported. Open it and save it as .xlsx (Excel Workbook).")
    if suffix not in SUPPORTED_SUFFIXES or not head.startswith(ZIP_SIGNATURE):
        return Refusal("not_excel", f"Tệp {name} không phải bảng tính Excel (.xlsx).",
                       f"{name} is not an Excel workbook (.xlsx).")
    return None


# Evidence files of a self-assessment (tài liệu kiểm chứng): a PDF, a Word document or a workbook,
# known by its name and its first bytes; smaller than a workbook upload is allowed to be.
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_SIGNATURES = {".pdf": b"%PDF-", ".docx": ZIP_SIGNATURE, ".xlsx": ZIP_SIGNATURE}


def evidence_refusal(name: str, head: bytes, size: int) -> Refusal | None:
    """Refuses an evidence file that is not PDF, DOCX or XLSX by name and content, or is too large."""
    suffix = Path(name).suffix.lower()
    signature = EVIDENCE_SIGNATURES.get(suffix)
    if signature is None or not head.startswith(signature):
        return Refusal("evidence_type",
                       f"Tệp {name}: tài liệu kiểm chứng phải là PDF, DOCX hoặc XLSX"
                       + (f" (nội dung không khớp đuôi {suffix})." if signature else "."),
                       f"{name}: evidence must be a PDF, DOCX or XLSX file"
                       + (f" (its content does not match {suffix})." if signature else "."))
    if size > EVIDENCE_MAX_BYTES:
        from babel.numbers import format_decimal

        mb = {lang: format_decimal(size / 1048576, format="#,##0.0", locale=locale) for lang, locale in
              (("vi", "vi_VN"), ("en", "en_US"))}
        top = EVIDENCE_MAX_BYTES // 1048576
        return Refusal("too_large", f"Tệp {name} quá lớn ({mb['vi']} MB; tối đa {top} MB).",
                       f"{name} is too large ({mb['en']} MB; at most {top} MB).")
    return None
