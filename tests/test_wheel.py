"""The installed package does all that the editable install does (issue 8, "Installed package").

The wheel is built from a clean copy of the repository, installed into a fresh venv, and run
from an unrelated folder with nothing of the repository on the path: init, template, load of
that template filled in with openpyxl, demo --no-serve, serve, and the four exports, each output
opened again. Every file the code reads at run time must therefore ship inside the wheel and be
found through importlib.resources, never through the source tree.

The venv holds only what the wheel brings. Its dependencies (about 45 s to install, 540 MB) are
installed once per dependency list, from the wheel's own Requires-Dist, into a folder kept in
the user's cache and added to the venv with a .pth file: that folder holds no govkpi file, so a
file missing from the wheel cannot be hidden, and a dependency the wheel forgets to declare is
missing there too. GOVKPI_WHEEL_FULL_INSTALL=1 installs the dependencies into the venv itself,
as `pip install` of the wheel does on a fresh machine."""
from __future__ import annotations

import email
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from pptx import Presentation

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[1]
# The import packages the wheel installs (pyproject's [tool.setuptools] packages, top level).
PACKAGES = ("govkpi", "dashboard", "exports", "etl", "warehouse", "vocab", "govkpi_data")
PERIOD = "2025Q3"
UNIT = "52-SKHCN"  # Sở Khoa học và Công nghệ of new Gia Lai
# What the clerk types: a total and its parts, one number written the Vietnamese way.
FIGURES = {"work_records_total": 1200, "work_records_online": 900, "docs_sent_total": "2.500",
           "docs_sent_electronic": 2400, "dossiers_total": 5000, "dossiers_online": 4100}
SLOW = 600  # seconds: a loaded machine builds the demo in ~20 s, the PDF in ~7 s


@dataclass
class Installed:
    venv: Path
    site: Path  # the venv's site-packages, where the wheel's files are
    home: Path  # the unrelated folder the commands run in
    env: dict[str, str]

    def govkpi(self, *args: str, timeout: int = SLOW) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.venv / "bin" / "govkpi"), *args], cwd=self.home, env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def python(self, code: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.venv / "bin" / "python"), "-c", code], cwd=self.home, env=self.env,
                              capture_output=True, text=True, timeout=120)


def _run(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = SLOW) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _clean_copy(target: Path) -> Path:
    """Copies the repository's files as a clean clone has them (plus uncommitted edits): no
    build/, .egg-info or .venv whose stale files could slip into the wheel."""
    if shutil.which("git") and (ROOT / ".git").exists():
        names = _run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
        for name in filter(None, names):
            source = ROOT / name
            if source.is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)
    else:
        shutil.copytree(ROOT, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "*.egg-info", "__pycache__", "*.duckdb*", "test-artifacts"))
    return target


def _requirements(wheel: Path) -> list[str]:
    """The wheel's own run-time dependencies (Requires-Dist without an extra)."""
    with zipfile.ZipFile(wheel) as archive:
        meta = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        message = email.message_from_bytes(archive.read(meta))
    return sorted(r for r in message.get_all("Requires-Dist", []) if "extra ==" not in r)


def _shared_dependencies(python: Path, requirements: list[str]) -> Path:
    """Gives a folder holding the requirements (and nothing of govkpi), installed once per
    requirement list and interpreter; built aside and renamed, so parallel runs never see half."""
    key = hashlib.sha256("\n".join([sys.version, sys.platform, *requirements]).encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "govkpi" / "wheel-test-deps"
    folder = cache / key
    if (folder / ".complete").exists():
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f"{key}-", dir=cache))
    _run(str(python), "-m", "pip", "install", "-q", "--target", str(building), *requirements)
    (building / ".complete").touch()
    try:
        building.rename(folder)
    except OSError:  # another run finished first: use its folder
        shutil.rmtree(building, ignore_errors=True)
    return folder


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    source = _clean_copy(base / "src")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(base / "dist"), str(source))
    wheel = next((base / "dist").glob("govkpi-*.whl"))
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", str(venv))
    python = venv / "bin" / "python"
    site = Path(_run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    if os.environ.get("GOVKPI_WHEEL_FULL_INSTALL"):
        _run(str(python), "-m", "pip", "install", "-q", str(wheel))
    else:
        deps = _shared_dependencies(python, _requirements(wheel))
        (site / "govkpi_test_dependencies.pth").write_text(f"import site; site.addsitedir({str(deps)!r})\n")
        _run(str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel))
    _run(str(python), "-m", "pip", "check")  # every declared dependency is there, at a fitting version
    home = base / "elsewhere"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return Installed(venv, site, home, env)


@pytest.fixture(scope="module")
def demo(installed) -> Path:
    """The demo warehouse, built by the installed `govkpi demo --no-serve`."""
    result = installed.govkpi("demo", "--no-serve", "--db", "demo.duckdb", "--workdir", "demo_files")
    assert result.returncode == 0, result.stderr
    assert "accepted" in result.stderr
    return installed.home / "demo.duckdb"


def _installed_files(installed: Installed) -> set[str]:
    return {p.relative_to(installed.site).as_posix() for package in PACKAGES
            for p in (installed.site / package).rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_the_code_that_runs_is_the_wheels_and_nothing_of_the_repository_is_on_the_path(installed):
    result = installed.python("import sys, " + ", ".join(PACKAGES) + "\n"
                              "print(sys.path)\n"
                              + "".join(f"print({p}.__spec__.origin)\n" for p in PACKAGES))
    assert result.returncode == 0, result.stderr
    path, *origins = result.stdout.splitlines()
    assert str(ROOT) not in path
    for origin in origins:
        assert Path(origin).is_relative_to(installed.site), origin


def test_every_file_read_at_run_time_ships_in_the_wheel(installed):
    """Each .sql, the catalog, the reference units, the dashboard's assets and the deck's
    template, listed from the repository so a new file is covered as soon as it is added."""
    shipped = _installed_files(installed)
    needed = {p.relative_to(ROOT).as_posix() for pattern in ("warehouse/**/*.sql", "etl/**/*.sql",
                                                              "dashboard/assets/*", "exports/templates/*.pptx")
              for p in ROOT.glob(pattern)}
    needed |= {"govkpi_data/" + p.relative_to(ROOT / "data").as_posix()
               for pattern in ("catalog/*.yaml", "reference/*.csv") for p in (ROOT / "data").glob(pattern)}
    assert {"govkpi_data/catalog/metrics.yaml", "govkpi_data/reference/units_old.csv",
            "warehouse/sql/views.sql", "dashboard/assets/style.css"} <= needed
    assert not needed - shipped, f"missing from the wheel: {sorted(needed - shipped)}"


def test_no_installed_module_finds_files_through_its_source_path(installed):
    """A path built from __file__ (and climbing with .parent.parent or parents[...]) points into
    the source tree, which an installed package does not have: files come through
    importlib.resources."""
    found = [f"{name}:{number}: {line.strip()}" for name in sorted(_installed_files(installed)) if name.endswith(".py")
             for number, line in enumerate((installed.site / name).read_text(encoding="utf-8").splitlines(), 1)
             if any(word in line for word in ("__file__", "parent.parent", "parents["))]
    assert not found, "\n".join(found)


def test_installed_wheel_creates_a_warehouse_writes_a_template_and_loads_it_filled_in(installed):
    init = installed.govkpi("init", "--province", "Gia Lai")
    assert init.returncode == 0, init.stderr
    assert (installed.home / "data" / "warehouse.duckdb").exists()
    template = installed.govkpi("template", "--unit", UNIT, "--period", PERIOD, "-o", "bieu_mau.xlsx")
    assert template.returncode == 0, template.stderr
    path = installed.home / "bieu_mau.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Báo cáo"]
    assert sheet["C4"].value == UNIT
    rows = {sheet.cell(row, 2).value: row for row in range(1, sheet.max_row + 1)}
    for code, value in FIGURES.items():
        sheet.cell(rows[code], 5, value)  # column E, "Giá trị"
    book.save(path)
    load = installed.govkpi("load", "bieu_mau.xlsx", "--json")
    assert load.returncode == 0, load.stdout + load.stderr
    assert '"status": "accepted"' in load.stdout and f'"values": {len(FIGURES)}' in load.stdout


def test_installed_wheel_builds_the_demo_and_serves_the_dashboard(installed, demo):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(installed.venv / "bin" / "govkpi"), "serve", "--db", str(demo), "--port", str(port)],
                              cwd=installed.home, env=installed.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
    try:
        deadline, page = time.monotonic() + 120, None
        while page is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                    page = (response.status, response.read().decode("utf-8"))
            except OSError:
                time.sleep(0.5)
        assert page is not None, f"the dashboard did not answer: {server.poll()=}"
        assert page[0] == 200 and "_dash-config" in page[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/assets/style.css", timeout=10) as response:
            assert response.status == 200 and b"font-family" in response.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=30) as response:
            assert response.status == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _opens_again(kind: str, path: Path) -> bool:
    if kind == "pptx":
        return len(Presentation(path).slides) >= 4
    if kind == "xlsx":
        return len(openpyxl.load_workbook(path).sheetnames) >= 3
    if kind == "docx":
        return any("Gia Lai" in p.text for p in Document(path).paragraphs)
    return path.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("kind", ["pptx", "xlsx", "docx", "pdf"])
def test_installed_wheel_exports_each_document(installed, demo, kind):
    if kind == "pdf" and shutil.which("soffice") is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice (soffice) missing: make sysdeps")
    result = installed.govkpi("export", kind, "--period", PERIOD, "--db", str(demo), "-o", f"hop.{kind}")
    assert result.returncode == 0, result.stderr
    assert _opens_again(kind, installed.home / f"hop.{kind}")
