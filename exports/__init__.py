"""Exports of a province's period from the warehouse's public views: the steering committee's
deck (pptx), the quarterly workbook (xlsx), the report (docx) and its PDF.

    export("pptx", "2025Q3", "data/warehouse.duckdb", "bao-cao.pptx")
"""
from __future__ import annotations

import tempfile
import threading
from datetime import date
from pathlib import Path

from typing import TYPE_CHECKING

from exports.tool_missing import ToolMissing

if TYPE_CHECKING:
    from exports.model import NoData, opening_period

KINDS = ("pptx", "xlsx", "docx", "pdf")
# The report is an administrative document in the form of Decree 30/2020/NĐ-CP (letterhead,
# national motto, "Nơi nhận"): it is written in Vietnamese whatever the reader's language, not
# half-translated. The deck and the workbook follow the reader's language.
VIETNAMESE_ONLY = ("docx", "pdf")


def written_in(kind: str, lang: str) -> str:
    """Gives the language the export of `kind` is written in when `lang` is asked for."""
    return "vi" if kind in VIETNAMESE_ONLY else lang

__all__ = ["KINDS", "NoData", "ToolMissing", "export", "opening_period", "warm_up"]


def __getattr__(name: str):
    """NoData and opening_period come from exports.model when first asked for: importing the
    package (as `govkpi export` does before its helpers start, exports/head_start.py) need not
    import duckdb."""
    if name in ("NoData", "opening_period"):
        from exports import model

        return getattr(model, name)
    raise AttributeError(f"module 'exports' has no attribute {name!r}")


def warm_up(db_path: str | Path | None = None) -> threading.Thread:
    """Readies a long-lived process (`govkpi serve`) for its first download, in the background:
    starts the warm LibreOffice and imports the writers and matplotlib (≈1 s of a cold export).
    With `db_path` (the warehouse file served), the converter is named beside it, and a
    `govkpi export pdf` of that warehouse converts there instead of starting LibreOffice."""

    from exports.pdf import start_warm_converter

    # Started from this thread: the converter is told to end with the thread that started it.
    start_warm_converter(db_path)

    def work() -> None:
        from exports import charts, docx_report, pptx_deck, xlsx_book  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401

        charts._font_family()

    thread = threading.Thread(target=work, name="govkpi-exports-warm-up", daemon=True)
    thread.start()
    return thread


def export(kind: str, period: str, db_path: str, out_path: str, lang: str = "vi",
           made_on: date | None = None, cache: bool = True) -> Path:
    """Writes the export of `kind` for `period` from the warehouse at `db_path`; gives its path.
    Raises ToolMissing (message in Vietnamese, with the install command) when a PDF is asked for
    and LibreOffice, or a font with Times New Roman's metrics, is not installed, NoData when the
    warehouse has no figures for the period, and ValueError for an unknown kind or period.
    With `cache`, a document already written from this warehouse version is copied from the
    folder beside the warehouse (exports/cache.py), and a new one is kept there."""
    from vocab.periods import today

    if kind not in KINDS:
        raise ValueError(f"Loại tệp không hỗ trợ: {kind!r} (chọn một trong: {', '.join(KINDS)})")
    lang = written_in(kind, lang)
    if kind == "pdf":
        from exports.fonts import REPORT_FONT, require_fonts
        from exports.pdf import require_soffice

        require_soffice()  # fail before the work, with the install command
        require_fonts(REPORT_FONT)  # another font's widths would wrap the header lines
    out = Path(out_path)
    made_on = made_on or today()
    if cache:
        from exports import cache as kept

        found = kept.fetch(kind, period, db_path, lang, made_on, out)
        if found is not None:
            return found
        written = _write(kind, period, db_path, out, lang, made_on)
        kept.keep(kind, period, db_path, lang, made_on, written)
        return written
    return _write(kind, period, db_path, out, lang, made_on)


def _write(kind: str, period: str, db_path: str, out: Path, lang: str, made_on: date) -> Path:
    from exports.model import build_model

    pictures = early = None
    if kind in ("docx", "pdf"):  # the charts drawn beside the reading and writing (a child in a fresh process)
        from exports import head_start
        from exports.charts import Pictures

        # Started as `govkpi` started (exports/head_start.py), or now: before LibreOffice starts,
        # as the child must not hold its pipe.
        pictures = head_start.take_pictures() or Pictures.start()
    if kind == "pdf":  # LibreOffice starts now, beside the report's writing, when no warm one will convert
        early = head_start.converter_for(db_path)
    try:
        model = build_model(db_path, period, lang, made_on)
    except BaseException:
        for helper in (pictures, early):
            if helper is not None:
                helper.close()
        raise
    out.parent.mkdir(parents=True, exist_ok=True)
    if kind == "pptx":
        from exports.pptx_deck import write_deck

        return write_deck(model, out)
    if kind == "xlsx":
        from exports.xlsx_book import write_workbook

        return write_workbook(model, out)
    from exports.docx_report import write_report

    if kind == "docx":
        try:
            return write_report(model, out, pictures=pictures)
        finally:
            pictures.close()
    from exports.pdf import to_pdf

    try:
        with tempfile.TemporaryDirectory(prefix="govkpi-report-") as work:
            docx = write_report(model, Path(work) / (out.stem + ".docx"), pictures=pictures)
            return to_pdf(docx, out, db_path, early)
    finally:
        pictures.close()
        if early is not None:
            early.close()
