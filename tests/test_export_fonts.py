"""The PDFs are set in the fonts their layout was measured for: the report in Times New Roman's
metrics, the deck in Arial's (Liberation Serif/Sans on Debian). A machine that would draw them
with DejaVu instead, whose wider letters wrap the national motto ("VIỆT / NAM"), gets a clear
Vietnamese refusal naming the package to install, never a garbled PDF. The fonts checked are the
ones pdffonts finds embedded in the real PDF and the ones the real fontconfig picks."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from flask import Flask

from dashboard.downloads import register_downloads
from exports import ToolMissing, export
from exports.fonts import (DECK_FONT, FONT_PACKAGE, REPORT_FONT, is_metric_compatible,
                                     match_font)
from exports.pdf import to_pdf
from system_tools import need_tools  # noqa: E402 (tests/ is on the path)

PERIOD = "2025Q3"
MADE_ON = date(2026, 11, 23)
INSTALL = f"install {FONT_PACKAGE} (make sysdeps)"
REFUSAL = f"Thiếu phông chữ tương thích {REPORT_FONT}: cài gói {FONT_PACKAGE} (make sysdeps)"


@pytest.fixture(scope="module")
def warehouse(demo_db):
    return demo_db


def embedded_fonts(pdf: Path) -> list[str]:
    """The fonts pdffonts lists in a PDF, without the subset prefix ("ABCDEF+")."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True,
                         timeout=60).stdout.splitlines()
    rows = out[out.index(next(line for line in out if line.startswith("---"))) + 1:]
    return [row.split()[0].split("+", 1)[-1] for row in rows if row.strip()]


def assert_set_in(pdf: Path, wanted: str) -> None:
    fonts = embedded_fonts(pdf)
    assert fonts, f"{pdf.name} embeds no font"
    wrong = [f for f in fonts if not is_metric_compatible(wanted, f)]
    assert not wrong, (f"{pdf.name} should be set in {wanted} or a metric-compatible font, "
                       f"but uses {', '.join(wrong)}: {INSTALL}")


def test_pdffonts_names_are_told_apart_by_metrics():
    assert is_metric_compatible(REPORT_FONT, "BAAAAA+LiberationSerif-Bold")
    assert is_metric_compatible(REPORT_FONT, "TimesNewRomanPS-BoldMT")
    assert is_metric_compatible(DECK_FONT, "Liberation Sans") and is_metric_compatible(DECK_FONT, "ArialMT")
    assert not is_metric_compatible(DECK_FONT, "ArialNarrow")  # narrower widths
    assert not is_metric_compatible(REPORT_FONT, "CAAAAA+DejaVuSerif")
    assert not is_metric_compatible(REPORT_FONT, "LiberationSans")  # Arial's clone, not Times'
    assert not is_metric_compatible(DECK_FONT, "DejaVu Sans")


def test_fontconfig_draws_the_named_fonts_with_their_metrics():
    need_tools("fc-match")
    for name in (REPORT_FONT, DECK_FONT):
        match = match_font(name)
        assert match.compatible, f"fontconfig draws {name} with {match.family} ({match.file}): {INSTALL}"
        assert Path(match.file).is_file()


def _export_or_fail(*args, **kwargs) -> Path:
    try:
        return export(*args, **kwargs)
    except ToolMissing as error:
        pytest.fail(f"{error} — {INSTALL}")


@pytest.mark.render
def test_the_report_pdf_is_set_in_times_new_romans_metrics(warehouse, tmp_path):
    need_tools("soffice", "pdffonts", "fc-match")
    pdf = _export_or_fail("pdf", PERIOD, str(warehouse), str(tmp_path / "report.pdf"), made_on=MADE_ON)
    assert_set_in(pdf, REPORT_FONT)
    assert not any("dejavu" in f.lower() for f in embedded_fonts(pdf))


@pytest.mark.render
def test_the_deck_pdf_is_set_in_arials_metrics(warehouse, tmp_path):
    need_tools("soffice", "pdffonts", "fc-match")
    deck = export("pptx", PERIOD, str(warehouse), str(tmp_path / "deck.pptx"), made_on=MADE_ON)
    try:
        pdf = to_pdf(deck, tmp_path / "deck.pdf")
    except ToolMissing as error:
        pytest.fail(f"{error} — {INSTALL}")
    assert_set_in(pdf, DECK_FONT)


@pytest.fixture
def only_dejavu(tmp_path, monkeypatch) -> None:
    """Points fontconfig (in this process and every program it starts) at a configuration whose
    only font folder holds DejaVu, as on a fresh Debian: the system's aliases still apply."""
    need_tools("fc-match", "soffice")
    folder = tmp_path / "fonts"
    folder.mkdir()
    for family in ("DejaVu Serif", "DejaVu Sans"):
        shutil.copy(match_font(family).file, folder)
    config = tmp_path / "fonts.conf"
    config.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{folder}</dir>
  <cachedir>{tmp_path / "cache"}</cachedir>
  <include ignore_missing="yes">/etc/fonts/conf.d</include>
</fontconfig>
""", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    assert "DejaVu" in match_font(REPORT_FONT).family


def test_without_a_times_compatible_font_the_pdf_is_refused(warehouse, tmp_path, only_dejavu):
    out = tmp_path / "report.pdf"
    with pytest.raises(ToolMissing) as error:
        export("pdf", PERIOD, str(warehouse), str(out), made_on=MADE_ON)
    assert REFUSAL in str(error.value)
    assert "DejaVu Serif" in str(error.value)  # what the machine would have drawn it with
    assert not out.exists()


def test_without_an_arial_compatible_font_the_deck_is_not_converted(warehouse, tmp_path, only_dejavu):
    deck = export("pptx", PERIOD, str(warehouse), str(tmp_path / "deck.pptx"), made_on=MADE_ON)
    with pytest.raises(ToolMissing) as error:
        to_pdf(deck, tmp_path / "deck.pdf")
    assert f"Thiếu phông chữ tương thích {DECK_FONT}: cài gói {FONT_PACKAGE}" in str(error.value)
    assert not (tmp_path / "deck.pdf").exists()


def test_the_dashboards_pdf_download_says_which_font_package_is_missing(warehouse, only_dejavu):
    # The download route on a bare server: Dash's page registry refuses a second app once a test
    # has imported dashboard.pages.overview itself (duplicate paths), whatever the order.
    server = Flask(__name__)
    register_downloads(server, str(warehouse))
    response = server.test_client().get(f"/tai-ve/pdf?period={PERIOD}")
    assert response.status_code == 503
    assert REFUSAL in response.get_data(as_text=True)
