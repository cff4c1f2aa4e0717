"""The fonts the exports name, and whether this machine renders them with the same metrics.

The report is laid out for Times New Roman and the deck and workbook for Arial. Where fontconfig
substitutes a font of other widths (DejaVu on a fresh Debian), long header lines wrap ("VIỆT /
NAM") and the PDF is wrong without any error, so a PDF is refused before LibreOffice runs unless
the font fontconfig picks is the real one or a metric-compatible clone (Debian: fonts-liberation2).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from exports.tool_missing import ToolMissing

REPORT_FONT = "Times New Roman"  # the report (DOCX and its PDF), as Decree 30/2020/NĐ-CP asks
DECK_FONT = "Arial"  # the deck's theme and the workbook
FONT_PACKAGE = "fonts-liberation2"

# Families drawn with the same advance widths as the font named (fontconfig's metric aliases).
METRIC_COMPATIBLE = {
    REPORT_FONT: ("Times New Roman", "Liberation Serif", "Tinos"),
    DECK_FONT: ("Arial", "Liberation Sans", "Arimo"),
}
# What each document converted to PDF is laid out in, by its suffix.
FONTS_BY_SUFFIX = {".docx": (REPORT_FONT,), ".pptx": (DECK_FONT,)}
# Good matches per fontconfig set-up, so each export does not start fc-match again (~25 ms);
# a bad one is asked again, so fonts installed while the server runs are seen.
_good: dict[tuple[str, str | None, str | None], "FontMatch"] = {}


@dataclass(frozen=True)
class FontMatch:
    wanted: str  # the family the document names
    family: str  # the family fontconfig draws it with
    file: str  # the font file fontconfig uses

    @property
    def compatible(self) -> bool:
        return is_metric_compatible(self.wanted, self.family)


def _squash(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def is_metric_compatible(wanted: str, family: str) -> bool:
    """Whether `family` (as fontconfig or pdffonts names it: "Liberation Serif",
    "ABCDEF+LiberationSerif-Bold") has the metrics of `wanted`."""
    found = _squash(family.split("+", 1)[-1].split("-", 1)[0].split(",", 1)[0])
    found = re.sub(r"(ps)?(mt)?$", "", found)  # PostScript names: TimesNewRomanPSMT, ArialMT
    return any(found == _squash(name) for name in METRIC_COMPATIBLE.get(wanted, (wanted,)))


def match_font(name: str) -> FontMatch:
    """Asks fontconfig (honouring FONTCONFIG_FILE) which family and file it draws `name` with."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise ToolMissing("Không kiểm tra được phông chữ vì máy chưa cài fontconfig (fc-match). "
                          "Cài bằng lệnh: sudo apt-get install -y fontconfig (hoặc chạy `make sysdeps`).")
    done = subprocess.run([fc_match, "-f", "%{family[0]}\n%{file}", name], capture_output=True,
                          text=True, timeout=30)
    family, _, file = done.stdout.partition("\n")
    return FontMatch(name, family.strip(), file.strip())


def missing_message(match: FontMatch) -> str:
    return (f"Thiếu phông chữ tương thích {match.wanted}: cài gói {FONT_PACKAGE} (make sysdeps). "
            f"Máy đang thay bằng {match.family or 'không phông nào'}"
            f"{f' ({match.file})' if match.file else ''}, khác kích thước chữ nên dòng sẽ bị ngắt sai.")


def require_fonts(*names: str) -> list[FontMatch]:
    """Gives fontconfig's match of each font, or raises ToolMissing naming the package to install
    when one is drawn by a font of other metrics."""
    matches = []
    for name in names:
        key = (name, os.environ.get("FONTCONFIG_FILE"), os.environ.get("FONTCONFIG_PATH"))
        match = _good.get(key) or match_font(name)
        if not match.compatible:
            raise ToolMissing(missing_message(match))
        _good[key] = match
        matches.append(match)
    return matches
