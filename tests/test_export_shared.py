"""A `govkpi export pdf` beside a running `govkpi serve` converts through the server's warm
LibreOffice (named in a file beside the warehouse) instead of starting its own, and writes the
same PDF; a stale file is ignored; and a CLI export of a Word report does not import the
dashboard's libraries. Real LibreOffice, real CLI processes."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import exports.pdf as pdf_module
from exports.cache import cache_dir
from exports.pdf import WarmConverter, convert_one_shot, converter_file, pdf_text, shared_port

GOVKPI = str(Path(sys.executable).with_name("govkpi"))
PERIOD = "2025Q3"


@pytest.fixture()
def warehouse(demo_db, tmp_path) -> Path:
    copy = tmp_path / "kho.duckdb"
    shutil.copyfile(demo_db, copy)
    return copy


def _export(db: Path, kind: str, out: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([GOVKPI, "export", kind, "--period", PERIOD, "-o", str(out), "--db", str(db)],
                          capture_output=True, text=True, env=env)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _broken_soffice(folder: Path) -> dict:
    """An environment whose soffice is found but cannot convert anything: a PDF written there
    can only have come through the server's LibreOffice."""
    folder.mkdir()
    fake = folder / "soffice"
    fake.write_text("#!/bin/sh\necho 'this LibreOffice does not start' >&2\nexit 1\n")
    fake.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


@pytest.mark.render
def test_a_cli_pdf_beside_a_running_server_is_converted_by_its_warm_libreoffice(warehouse, tmp_path):
    if pdf_module.soffice_path() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or pdftotext missing")
    server = WarmConverter(tmp_path / "profile", announce=converter_file(warehouse)).start()
    try:
        assert converter_file(warehouse).exists()
        assert server.wait_ready(120), "unoserver did not come up (python3-uno installed? make sysdeps)"
        assert shared_port(warehouse) == server.port
        broken = _broken_soffice(tmp_path / "bin")
        shared = _export(warehouse, "pdf", tmp_path / "bao_cao.pdf", env=broken)
        assert shared.returncode == 0, shared.stderr
    finally:
        server.stop()
    assert not converter_file(warehouse).exists()  # a stopped server takes its note away
    # Without the server (and without the kept file), the same broken LibreOffice fails, with its
    # reason: the PDF above was the server's.
    shutil.rmtree(cache_dir(warehouse))
    alone = _export(warehouse, "pdf", tmp_path / "x.pdf", env=broken)
    assert alone.returncode == 2 and "LibreOffice không chuyển được" in alone.stderr, alone.stderr
    # The same report through a one-shot soffice reads the same.
    docx = _export(warehouse, "docx", tmp_path / "bao_cao.docx")
    assert docx.returncode == 0, docx.stderr
    one_shot = convert_one_shot(pdf_module.require_soffice(), tmp_path / "bao_cao.docx", tmp_path / "mot_lan.pdf")
    text = _flat(pdf_text(tmp_path / "bao_cao.pdf"))
    assert text == _flat(pdf_text(one_shot))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


def test_a_stale_converter_note_is_ignored(warehouse, tmp_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    note = converter_file(warehouse)
    note.write_text(json.dumps({"port": 9, "pid": int(gone.stdout)}))  # a server killed without cleaning up
    assert shared_port(warehouse) is None
    silent = WarmConverter()  # a port of this machine on which no converter answers
    note.write_text(json.dumps({"port": silent.port, "pid": os.getpid()}))
    assert shared_port(warehouse) is None
    note.write_text("not json")
    assert shared_port(warehouse) is None


def test_the_converter_note_sits_beside_the_warehouse_read():
    assert converter_file("data/warehouse.read.duckdb") == Path("data/warehouse.read.converter.json")


def test_a_cli_word_report_does_not_import_the_dashboards_libraries(warehouse, tmp_path):
    """The report needs DuckDB, python-docx and matplotlib; dash, plotly and pandas are ≈1 s of
    imports a fresh `govkpi export docx` must not pay."""
    code = ("import sys; from govkpi.cli import app; "
            f"app(['export', 'docx', '--period', {PERIOD!r}, '-o', {str(tmp_path / 'r.docx')!r}, "
            f"'--db', {str(warehouse)!r}], standalone_mode=False); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'dash', 'plotly', 'pandas', 'openpyxl', 'etl'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "r.docx").stat().st_size > 10_000
