"""PDF through LibreOffice, and page pictures through pdftoppm; when a tool is missing the error
says, in Vietnamese, how to install it.

Starting LibreOffice is most of a PDF's time (2–5 s), so a long-lived process (`govkpi serve`)
keeps one warm: `start_warm_converter()` runs unoserver (LibreOffice behind a local XML-RPC port,
its own profile) in the background, and `to_pdf` hands it the document. The server names that
port in a file beside the warehouse it serves (`converter_file`), so a one-off process (the CLI)
converts there too while the server runs. With no server, a one-off PDF export starts
LibreOffice before it writes the report (`converter_for`, EarlyConverter: exports/lo_convert.py),
so the start-up runs beside the writing; when that fails, `to_pdf` runs a one-shot headless
soffice as before."""
from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from exports.fonts import FONTS_BY_SUFFIX, require_fonts
from exports.office_memory import office_env
from exports.tool_missing import ToolMissing

SOFFICE_TIMEOUT_S = 180
WARM_CONVERSION_TIMEOUT_S = 120
# Waiting for a server named in a converter file to say it is there; a stale file (a killed
# server, its port reused) costs at most this.
SHARED_ANSWER_TIMEOUT_S = 2.0
# unoserver refreshes a document twice to update its tables of contents before converting
# (≈0.05–0.1 s of a report's conversion); the exports have none, and the one-shot and early
# conversions never did it, so the warm ones skip it too (the same PDF).
UPDATE_INDEXES = False
log = logging.getLogger(__name__)


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """Gives the soffice program, or raises ToolMissing with the install command."""
    path = soffice_path()
    if path is None:
        raise ToolMissing(
            "Không tạo được tệp PDF vì máy chưa cài LibreOffice. Cài bằng lệnh: "
            "sudo apt-get install -y libreoffice-writer libreoffice-impress "
            "(hoặc chạy `make sysdeps`), rồi xuất lại; trong lúc chờ có thể xuất DOCX và tự chuyển sang PDF."
        )
    return path


def to_pdf(source: str | Path, out_pdf: str | Path, db_path: str | Path | None = None,
           early: "EarlyConverter | None" = None) -> Path:
    """Converts a DOCX or PPTX to PDF with LibreOffice and gives the PDF's path: through this
    process's warm converter, else through the one a server of the warehouse at `db_path` keeps
    warm, else through `early` (a LibreOffice started while the document was written), else a
    one-shot soffice. Raises ToolMissing when LibreOffice, or a font of the document's metrics,
    is not installed."""
    soffice = require_soffice()
    source, out_pdf = Path(source), Path(out_pdf)
    require_fonts(*FONTS_BY_SUFFIX.get(source.suffix.lower(), ()))
    warm = _warm
    if warm is not None and warm.convert(source, out_pdf):
        return out_pdf
    if warm is None and early is None and db_path is not None and convert_shared(db_path, source, out_pdf):
        return out_pdf
    if early is not None and early.convert(source, out_pdf):
        return out_pdf
    return convert_one_shot(soffice, source, out_pdf)


def converter_for(db_path: str | Path | None = None) -> "EarlyConverter | None":
    """For a process about to write one document and convert it (`govkpi export pdf`): when no
    warm converter will take it (none in this process, none a server of `db_path` runs), starts
    LibreOffice now, so its start-up overlaps the writing; None otherwise."""
    soffice = soffice_path()
    if soffice is None or _warm is not None or (db_path is not None and shared_port(db_path) is not None):
        return None
    return EarlyConverter(soffice)


class EarlyConverter:
    """A LibreOffice for one conversion, started before its document exists (exports/lo_convert.py
    runs it and talks UNO to it); `convert` hands it the document, `close` ends it unused."""

    def __init__(self, soffice: str):
        self.process = subprocess.Popen([sys.executable, "-m", "exports.lo_convert", soffice],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True, encoding="utf-8", preexec_fn=_die_with_parent)

    def convert(self, source: Path, out_pdf: Path) -> bool:
        """Converts `source` to `out_pdf`; False (nothing written) when LibreOffice did not come
        up or could not convert, so the caller falls back to a one-shot soffice."""
        out_pdf.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.process.stdin.write(f"{source.resolve()}\t{out_pdf.resolve()}\n")
            self.process.stdin.close()
            answer = self._answer()
        except (OSError, ValueError) as error:  # it ended already (e.g. no python3-uno)
            answer = f"error: {error}"
        if answer != "ok":
            self.close()
        # After "ok" the helper shuts LibreOffice down by itself (≈0.2 s) and frees the profile,
        # even as the exporter exits (it ignores the SIGTERM then): `govkpi export pdf` ends as
        # soon as the PDF is written, not after LibreOffice has gone.
        if answer != "ok" or not out_pdf.exists() or out_pdf.stat().st_size == 0:
            log.warning("early LibreOffice did not convert %s: %s", source.name, answer)
            out_pdf.unlink(missing_ok=True)
            return False
        return True

    def _answer(self) -> str:
        import selectors

        with selectors.DefaultSelector() as waiting:
            waiting.register(self.process.stdout, selectors.EVENT_READ)
            if not waiting.select(SOFFICE_TIMEOUT_S):
                return "error: timed out"
        return self.process.stdout.readline().strip() or "error: ended without an answer"

    def close(self) -> None:
        """Ends LibreOffice (a closed stdin tells the helper no document comes); idempotent."""
        if self.process.poll() is not None or self.process.stdin.closed:
            return
        try:
            if not self.process.stdin.closed:
                self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def converter_file(db_path: str | Path) -> Path:
    """data/warehouse.read.duckdb → data/warehouse.read.converter.json: where a server of that
    warehouse names the local port its warm LibreOffice answers on."""
    path = Path(db_path)
    return path.with_name(path.stem + ".converter.json")


def shared_port(db_path: str | Path) -> int | None:
    """The port of a running server's warm converter for this warehouse, when one answers now
    (a server still starting, or gone, gives None: the caller does not wait for it)."""
    try:
        note = json.loads(converter_file(db_path).read_text(encoding="utf-8"))
        port, pid = int(note["port"]), int(note["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _pid_alive(pid) or not _answers(port, SHARED_ANSWER_TIMEOUT_S):
        return None
    return port


def convert_shared(db_path: str | Path, source: Path, out_pdf: Path) -> bool:
    """Converts through the warm converter a server of `db_path` runs; False (nothing written)
    when there is none or it failed. The document goes over the port as bytes, so the server
    need not be able to read this process's files, nor this one its."""
    port = shared_port(db_path)
    if port is None:
        return False
    from unoserver.client import UnoClient

    try:
        data = UnoClient("127.0.0.1", str(port), host_location="remote").convert(
            indata=source.read_bytes(), convert_to="pdf", update_index=UPDATE_INDEXES)
    except Exception as error:  # a busy or dying server: the one-shot path still works
        log.warning("shared converter on port %s failed on %s: %s", port, source.name, error)
        return False
    if not data:
        return False
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    out_pdf.write_bytes(data)
    return True


def convert_one_shot(soffice: str, source: Path, out_pdf: Path) -> Path:
    """Converts with a soffice started for this document alone (2–5 s of start-up)."""
    from exports.lo_convert import profile_dir, release_profile

    # The user's kept profile, or one of this process alone while another soffice holds that
    # one (two soffice runs sharing one profile block each other); no profile is left behind.
    profile, lock = profile_dir()
    produced = None
    try:
        with tempfile.TemporaryDirectory(prefix="govkpi-pdf-") as work:
            command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                       "--convert-to", "pdf", "--outdir", work, str(source)]
            # soffice inherits the profile's lock: one that outlives this process still holds it
            done = subprocess.run(command, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT_S,
                                  pass_fds=(lock.fileno(),) if lock is not None else (), env=office_env())
            produced = Path(work) / (source.stem + ".pdf")
            if done.returncode != 0 or not produced.exists():
                produced = None
                raise RuntimeError(f"LibreOffice không chuyển được {source.name} sang PDF: "
                                   f"{(done.stderr or done.stdout).strip()[-400:]}")
            out_pdf.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(produced), out_pdf)
    finally:
        release_profile(profile, lock, failed=produced is None)
    return out_pdf


class WarmConverter:
    """LibreOffice kept running behind unoserver on local ports, with its own profile; one
    conversion at a time (LibreOffice's UNO API is not reentrant)."""

    def __init__(self, profile: Path | None = None, announce: Path | None = None):
        self.port, self.uno_port = _free_port(), _free_port()
        self.profile = profile or Path(tempfile.gettempdir()) / f"govkpi-unoserver-{os.getuid()}-{os.getpid()}"
        self.announce = announce  # a converter_file: other processes of the warehouse convert here
        self.process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def start(self) -> "WarmConverter":
        """Starts the server in the background and returns at once; it is ready some seconds later."""
        soffice = require_soffice()
        # unoserver behind its own blind 5 s + 2 s waits cut short (exports/unoserver_quick.py)
        command = [sys.executable, "-m", "exports.unoserver_quick", "--interface", "127.0.0.1", "--uno-interface", "127.0.0.1",
                   "--port", str(self.port), "--uno-port", str(self.uno_port), "--executable", soffice,
                   "--user-installation", str(self.profile), "--conversion-timeout",
                   str(WARM_CONVERSION_TIMEOUT_S), "--quiet"]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent, env=office_env())
        atexit.register(self.stop)
        if self.announce is not None:
            self._announce()
        threading.Thread(target=self._prime, name="govkpi-converter-prime", daemon=True).start()
        return self

    def _prime(self) -> None:
        """Converts a one-line document once the server is up: LibreOffice loads Writer and its
        PDF filter on the first conversion (seconds), so that is not the first user's wait."""
        if not self.wait_ready(WARM_CONVERSION_TIMEOUT_S):
            return
        from docx import Document

        with tempfile.TemporaryDirectory(prefix="govkpi-prime-") as work:
            source = Path(work) / "prime.docx"
            document = Document()
            document.add_paragraph("Cộng hòa xã hội chủ nghĩa Việt Nam")
            document.save(source)
            self.convert(source, Path(work) / "prime.pdf", wait_s=1)

    def _announce(self) -> None:
        """Names the port (and the server's pid, to tell a stale file) beside the warehouse."""
        try:
            with tempfile.NamedTemporaryFile("w", dir=self.announce.parent, suffix=".tmp", delete=False,
                                             encoding="utf-8") as staging:
                json.dump({"port": self.port, "pid": self.process.pid}, staging)
            os.replace(staging.name, self.announce)
        except OSError as error:  # a read-only folder: this process still converts here
            log.warning("cannot write %s: %s", self.announce, error)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout_s: float = 60) -> bool:
        """Waits until the server answers (LibreOffice up); False when it died or took too long."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.alive():
            if self._answers():
                return True
            time.sleep(0.2)
        return False

    def convert(self, source: Path, out_pdf: Path, wait_s: float = 30) -> bool:
        """Converts `source` to `out_pdf` through the warm LibreOffice; False (nothing written)
        when the server is not up within `wait_s` or the conversion failed, so the caller falls
        back to a one-shot soffice."""
        if not self.wait_ready(wait_s):
            return False
        from unoserver.client import UnoClient

        out_pdf.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            try:
                UnoClient("127.0.0.1", str(self.port)).convert(inpath=str(source), outpath=str(out_pdf),
                                                               convert_to="pdf", update_index=UPDATE_INDEXES)
            except Exception as error:  # a dead or stuck LibreOffice: the one-shot path still works
                log.warning("warm converter failed on %s: %s", source.name, error)
                out_pdf.unlink(missing_ok=True)
                return False
        return out_pdf.exists() and out_pdf.stat().st_size > 0

    def stop(self) -> None:
        if self.announce is not None and self.process is not None:
            try:
                if json.loads(self.announce.read_text(encoding="utf-8")).get("port") == self.port:
                    self.announce.unlink()
            except (OSError, ValueError):
                pass
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _answers(self) -> bool:
        return _answers(self.port)


_warm: WarmConverter | None = None


def start_warm_converter(db_path: str | Path | None = None) -> WarmConverter | None:
    """Starts this process's warm converter (`govkpi serve` at start-up), used by every later
    to_pdf, and with `db_path` names it in converter_file(db_path) for the warehouse's other
    processes; None when LibreOffice is not installed (a PDF export then says how to install it)."""
    global _warm
    if soffice_path() is None:
        return None
    if _warm is None or not _warm.alive():
        _warm = WarmConverter(announce=converter_file(db_path) if db_path is not None else None).start()
    return _warm


def stop_warm_converter() -> None:
    global _warm
    if _warm is not None:
        _warm.stop()
        _warm = None


def _answers(port: int, timeout_s: float | None = None) -> bool:
    """Whether a unoserver answers on this local port (its `info` call)."""
    from xmlrpc.client import ServerProxy, Transport

    class _Timed(Transport):
        def make_connection(self, host):
            connection = super().make_connection(host)
            connection.timeout = timeout_s
            return connection

    try:
        info = ServerProxy(f"http://127.0.0.1:{port}", transport=_Timed()).info()
        return isinstance(info, dict) and "unoserver" in info
    except Exception:  # refused, timed out, or not an XML-RPC server at all
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """The converter ends with the process that started it, even when that one is killed (Linux
    signals it when the starting *thread* ends: start it from a thread that lives as long)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def pdf_to_pngs(pdf: str | Path, out_dir: str | Path, prefix: str, dpi: int = 60) -> list[Path]:
    """Renders each page of a PDF to PNG (pdftoppm) and gives the pictures in page order."""
    if shutil.which("pdftoppm") is None:
        raise ToolMissing("Chưa cài poppler-utils (pdftoppm). Cài bằng lệnh: sudo apt-get install -y poppler-utils")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob(f"{prefix}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out_dir / prefix)], check=True,
                   timeout=120)
    return sorted(out_dir.glob(f"{prefix}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def pdf_text(pdf: str | Path) -> str:
    """Gives the text of a PDF (pdftotext, layout kept) to check what a page says."""
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60)
    return done.stdout
