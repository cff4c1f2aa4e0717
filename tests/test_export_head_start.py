"""`govkpi export docx|pdf` starts the report's helpers (the charts' child, LibreOffice) as the
command starts, before the command line's own imports (issue 8, item 5), and only when the
document is to be written: a kept document, another kind or no period given starts nothing.
The document written is the one the library writes."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from docx import Document

from exports import export
from exports.head_start import _report_export
from system_tools import need_tools  # noqa: E402 (tests/ is on the path)
from test_export_fonts import only_dejavu  # noqa: F401 (the fixture: fontconfig with DejaVu alone)

PERIOD = "2025Q3"
GOVKPI = str(Path(sys.executable).with_name("govkpi"))
ROOT = Path(__file__).resolve().parents[1]


def _started(db: Path, *argv: str) -> dict:
    """In a fresh interpreter, as the `govkpi` command: what begin() started, and what it imported."""
    code = f"""
import json, sys
from exports import head_start
head_start.begin({list(argv)!r})
pictures, converter = head_start._pictures, head_start._converter
print(json.dumps({{"child": pictures is not None and pictures._process is not None,
                  "libreoffice": converter is not None and converter[1] is not None,
                  "imported": sorted(m for m in ("duckdb", "typer", "govkpi.cli", "matplotlib") if m in sys.modules)}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_export_command_is_read_from_its_arguments_in_any_order():
    assert _report_export(["export", "--db", "kho.duckdb", "pdf", "--period=2025Q3", "-o", "docx"]) == (
        "pdf", {"--db": "kho.duckdb", "--period": "2025Q3", "-o": "docx"})
    assert _report_export(["export", "pptx", "--period", "2025Q3"]) is None
    assert _report_export(["export", "docx", "--help"]) is None
    assert _report_export(["load", "docx"]) is None
    assert _report_export([]) is None


def test_a_report_not_kept_starts_its_helpers_before_the_command_lines_imports(demo_db, tmp_path):
    need_tools("soffice")
    db = tmp_path / "kho.duckdb"  # a copy: nothing kept for it, no server's converter named beside it
    shutil.copyfile(demo_db, db)
    pdf = _started(db, "export", "pdf", "--period", PERIOD, "-o", str(tmp_path / "r.pdf"), "--db", str(db))
    assert pdf == {"child": True, "libreoffice": True, "imported": []}
    docx = _started(db, "export", "docx", "--period", PERIOD, "-o", str(tmp_path / "r.docx"), "--db", str(db))
    assert docx == {"child": True, "libreoffice": False, "imported": []}


def test_a_kept_report_another_kind_or_no_period_starts_nothing(demo_db, tmp_path):
    db = tmp_path / "kho.duckdb"
    shutil.copyfile(demo_db, db)
    nothing = {"child": False, "libreoffice": False, "imported": []}
    assert _started(db, "export", "pptx", "--period", PERIOD, "-o", "x.pptx", "--db", str(db)) == nothing
    assert _started(db, "export", "docx", "-o", "x.docx", "--db", str(db)) == nothing
    assert _started(db, "export", "docx", "--period", "2025Q9", "-o", "x.docx", "--db", str(db)) == nothing
    done = subprocess.run([GOVKPI, "export", "docx", "--period", PERIOD, "-o", str(tmp_path / "a.docx"), "--db", str(db)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert _started(db, "export", "docx", "--period", PERIOD, "-o", "x.docx", "--db", str(db)) == nothing


def test_the_command_writes_the_report_the_library_writes(demo_db, tmp_path):
    db = tmp_path / "kho.duckdb"
    shutil.copyfile(demo_db, db)
    out = tmp_path / "lenh.docx"
    done = subprocess.run([GOVKPI, "export", "docx", "--period", PERIOD, "-o", str(out), "--db", str(db)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    library = export("docx", PERIOD, str(db), str(tmp_path / "thu_vien.docx"), cache=False)
    made, expected = Document(str(out)), Document(str(library))
    assert [p.text for p in made.paragraphs] == [p.text for p in expected.paragraphs]
    assert [[c.text for c in row.cells] for t in made.tables for row in t.rows] == \
        [[c.text for c in row.cells] for t in expected.tables for row in t.rows]
    pictures = [made.part.related_parts[r].blob for r in made.part.rels if "image" in made.part.rels[r].reltype]
    assert pictures and sorted(pictures) == sorted(
        expected.part.related_parts[r].blob for r in expected.part.rels if "image" in expected.part.rels[r].reltype)


def test_where_the_reports_font_is_missing_no_libreoffice_starts_and_the_refusal_is_said(demo_db, tmp_path, only_dejavu):
    db = tmp_path / "kho.duckdb"
    shutil.copyfile(demo_db, db)
    started = _started(db, "export", "pdf", "--period", PERIOD, "-o", str(tmp_path / "r.pdf"), "--db", str(db))
    assert started == {"child": True, "libreoffice": False, "imported": []}
    done = subprocess.run([GOVKPI, "export", "pdf", "--period", PERIOD, "-o", str(tmp_path / "r.pdf"), "--db", str(db)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert "Thiếu phông chữ tương thích Times New Roman: cài gói fonts-liberation2" in done.stderr
    assert not (tmp_path / "r.pdf").exists()
