"""Layouts turn a workbook's cells into rows: a filled-in template, or consolidated tables."""
from __future__ import annotations

from etl.catalog import Catalog
from etl.layouts import consolidated, template
from etl.read import Workbook
from etl.records import Issue, RecognisedSheet


def recognise_workbook(book: Workbook, catalog: Catalog) -> list[RecognisedSheet] | Issue:
    """Gives what each sheet holds, or the issue when no sheet holds anything govkpi reads."""
    if template.is_template(book):
        return template.recognise(book, catalog)
    headers = consolidated.header_index(catalog)
    found = [r for s in book.sheets if s.visible for r in [consolidated.recognise(s, catalog, headers)] if r]
    if not found:
        return Issue("error", "no_layout", None, None,
                     "Không nhận ra bố cục: tệp không phải biểu mẫu govkpi và không có bảng nào có cột mang mã hoặc tên chỉ số trong danh mục.",
                     "Unrecognised layout: not a govkpi template, and no sheet has columns headed by a catalog metric code or name.")
    return found
