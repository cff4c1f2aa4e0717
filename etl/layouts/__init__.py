"""Layouts turn a workbook's cells into rows: a filled-in template, consolidated tables, or
tables of published index scores."""
from __future__ import annotations

from etl.catalog import Catalog
from etl.layouts import consolidated, index_scores, template
from etl.read import Workbook
from etl.records import Issue, RecognisedSheet


def recognise_workbook(book: Workbook, catalog: Catalog,
                       indices: dict | None = None) -> list[RecognisedSheet] | list[index_scores.ScoreSheet] | Issue:
    """Gives what each sheet holds, or the issue when no sheet holds anything govkpi reads.
    A workbook whose sheets head a "Tổng điểm" column beside an index's group names holds
    published scores (`indices`: the index catalog)."""
    if template.is_template(book):
        return template.recognise(book, catalog)
    if indices:
        scores = [r for s in book.sheets if s.visible for r in [index_scores.recognise(s, indices)] if r]
        if scores:
            return scores
    headers = consolidated.header_index(catalog)
    found = [r for s in book.sheets if s.visible for r in [consolidated.recognise(s, catalog, headers)] if r]
    if not found:
        return Issue("error", "no_layout", None, None,
                     "Không nhận ra bố cục: tệp không phải biểu mẫu govkpi và không có bảng nào có cột mang mã hoặc tên chỉ số trong danh mục.",
                     "Unrecognised layout: not a govkpi template, and no sheet has columns headed by a catalog metric code or name.")
    return found
