"""A cold `govkpi export docx|pdf` does its slow parts side by side (issue 8, item 5): a forked
child imports matplotlib and draws the report's charts while the process reads the warehouse
and writes the document, and for the PDF LibreOffice starts before the report is written. The
result is the same document: the same pictures, the same PDF text, the report's own fonts; and
nothing is left running or lying in /tmp afterwards."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from docx import Document

import exports.pdf as pdf_module
from exports import export
from exports.fonts import REPORT_FONT, is_metric_compatible
from exports.lo_convert import profile_dir, release_profile
from exports.office_memory import OFFICE_MALLOC, office_env
from exports.pdf import EarlyConverter, convert_one_shot, pdf_text, to_pdf
from system_tools import need_tools  # noqa: E402 (tests/ is on the path)

PERIOD = "2025Q3"
MADE_ON = date(2026, 11, 23)
GOVKPI = str(Path(sys.executable).with_name("govkpi"))
ROOT = Path(__file__).resolve().parents[1]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def report_docx(demo_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("overlap") / "bao_cao.docx"
    return export("docx", PERIOD, str(demo_db), str(out), made_on=MADE_ON, cache=False)


def test_charts_drawn_by_the_forked_child_are_the_pictures_drawn_in_process(demo_db):
    # A fresh interpreter, as `govkpi export` is: no matplotlib yet, one thread, so the child is forked.
    code = f"""
import json
from exports.charts import Pictures, bars_png, group_bars
from exports.model import build_model
pictures = Pictures.start()
forked = pictures._process is not None
model = build_model({str(demo_db)!r}, {PERIOD!r})
groups = [group_bars(indicators, "vi") for _, indicators in model.groups() if any(i.has_data for i in indicators)]
pictures.draw(groups, "vi")
drawn = pictures.result()
here = [bars_png(bars, "vi") for bars in groups]
print(json.dumps({{"forked": forked, "pictures": len(drawn), "same": drawn == here,
                  "png": all(p.startswith(bytes.fromhex("89504e47")) for p in drawn)}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["forked"], "a fresh process draws its charts in a forked child"
    assert result["pictures"] >= 1 and result["png"]
    assert result["same"], "the child's pictures are byte for byte those drawn in the process"


def test_where_a_fork_is_unsafe_the_charts_are_drawn_in_process(report_docx):
    # A process that has matplotlib already (the dashboard's server warms it up) forks no child.
    from matplotlib.figure import Figure  # noqa: F401

    from exports.charts import Pictures

    assert Pictures.start()._process is None
    assert len(Document(str(report_docx)).inline_shapes) >= 1


@pytest.mark.render
def test_a_cold_cli_pdf_is_the_report_printed_by_libreoffice_in_its_fonts(demo_db, report_docx, tmp_path):
    need_tools("soffice", "pdftotext", "pdffonts")
    db = tmp_path / "kho.duckdb"  # a copy: nothing kept for it, no server's converter named beside it
    shutil.copyfile(demo_db, db)
    out = tmp_path / "bao_cao.pdf"
    before = set(_office_of(None))
    done = subprocess.run([GOVKPI, "export", "pdf", "--period", PERIOD, "-o", str(out), "--db", str(db)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    # The command ends once the PDF is written; its LibreOffice shuts down by itself just after.
    deadline = time.monotonic() + 20
    while set(_office_of(None)) - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not set(_office_of(None)) - before, "the export's LibreOffice outlived it"
    one_shot = convert_one_shot(pdf_module.require_soffice(), report_docx, tmp_path / "mot_lan.pdf")
    # The same document as a one-shot soffice prints from the docx (the date line aside: today's).
    text, expected = _flat(pdf_text(out)), _flat(pdf_text(one_shot))
    assert text.split("BÁO CÁO", 1)[1] == expected.split("BÁO CÁO", 1)[1]
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    families = [line.split()[0].split("+", 1)[-1] for line in fonts if line.strip()]
    assert families and all(is_metric_compatible(REPORT_FONT, f) for f in families), families


@pytest.mark.render
def test_the_early_libreoffice_converts_what_a_one_shot_soffice_does(report_docx, tmp_path):
    need_tools("soffice", "pdftotext")
    early = EarlyConverter(pdf_module.require_soffice())
    assert early.convert(report_docx, tmp_path / "som.pdf")
    one_shot = convert_one_shot(pdf_module.require_soffice(), report_docx, tmp_path / "mot_lan.pdf")
    assert _flat(pdf_text(tmp_path / "som.pdf")) == _flat(pdf_text(one_shot))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in _flat(pdf_text(one_shot))
    early.process.wait(timeout=30)  # it shuts LibreOffice down by itself after answering
    assert early.process.returncode == 0
    assert not _office_of(early.process.pid)


def test_an_early_libreoffice_not_needed_after_all_is_ended(tmp_path):
    need_tools("soffice")
    early = EarlyConverter(pdf_module.require_soffice())
    time.sleep(0.5)  # LibreOffice on its way up
    early.close()
    assert early.process.returncode is not None
    assert not _office_of(early.process.pid)


def test_when_the_early_libreoffice_cannot_start_the_pdf_comes_from_a_one_shot_soffice(report_docx, tmp_path):
    need_tools("soffice")
    broken = EarlyConverter("/bin/false")  # a soffice that exits at once
    pdf = to_pdf(report_docx, tmp_path / "bao_cao.pdf", early=broken)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert broken.process.poll() is not None


def test_a_one_shot_soffice_leaves_no_profile_behind_even_beside_another_conversion(report_docx, tmp_path):
    need_tools("soffice")
    private = Path(tempfile.gettempdir()) / f"govkpi-lo-{os.getuid()}-{os.getpid()}"
    shared, lock = profile_dir()  # another conversion holds the user's profile now
    try:
        if lock is None:
            pytest.skip("the user's LibreOffice profile is in use by another conversion")
        pdf = convert_one_shot(pdf_module.require_soffice(), report_docx, tmp_path / "a.pdf")
        assert pdf.read_bytes().startswith(b"%PDF")
        assert not private.exists(), "the profile of this conversion alone is removed"
    finally:
        release_profile(shared, lock, failed=False)
    convert_one_shot(pdf_module.require_soffice(), report_docx, tmp_path / "b.pdf")  # the user's profile, kept
    assert shared.is_dir() and not private.exists()


def test_libreoffice_starts_with_the_allocator_settings_that_spare_it_page_faults():
    """The report's conversion took 0.6 s of kernel time faulting in a 64–128 MB block that glibc
    mapped and unmapped again and again; LibreOffice runs with it kept on the heap."""
    need_tools("soffice")
    early = EarlyConverter(pdf_module.require_soffice())
    try:
        environs: list[bytes] = []
        deadline = time.monotonic() + 20
        while not environs and time.monotonic() < deadline:
            for pid in _office_of(early.process.pid):
                try:
                    environ = Path(f"/proc/{pid}/environ").read_bytes()
                except OSError:  # gone meanwhile: LibreOffice restarts itself once on a new profile
                    continue
                if environ:  # a process that has just exited shows an empty environment
                    environs.append(environ)
            time.sleep(0.05)
        assert environs, "the helper started no LibreOffice"
        # glibc splits the variable at its colons in place as it reads it, so each setting is
        # looked for alone in the process's environment as it was handed over
        settings = [part.encode() for part in OFFICE_MALLOC.split(":")]
        assert all(b"GLIBC_TUNABLES=" + settings[0] in environ and all(part in environ for part in settings)
                   for environ in environs), environs[0][-300:]
    finally:
        early.close()
    assert office_env({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"})["GLIBC_TUNABLES"] == \
        f"glibc.malloc.arena_max=2:{OFFICE_MALLOC}", "a tunable already set is kept"


def _office_of(helper_pid: int | None) -> list[int]:
    """The soffice processes started by the helper with this pid (its pipe is named after it);
    with None, those of every helper."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if ("pipe,name=govkpi-" if helper_pid is None else f"pipe,name=govkpi-{helper_pid};") in command:
                found.append(int(entry.name))
    return found
