"""One LibreOffice conversion whose start-up overlaps the writing of the document.

    python -m exports.lo_convert SOFFICE

starts a headless soffice listening on a private pipe at once, connects to it over UNO, then
reads one line "SOURCE<TAB>TARGET.pdf" from stdin, converts, answers "ok" (or "error: …") on
stdout, and shuts LibreOffice down. `govkpi export pdf` starts it before it builds the report,
so LibreOffice's 1–2 s of start-up run beside the docx instead of after it (exports/pdf.py
EarlyConverter). A closed stdin (the exporter gone, or the PDF kept after all) ends it too.

The UNO client runs here, not in the exporter: pyuno replaces the importer of the process that
loads it, which the exporter's process should not carry."""
from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exports.office_memory import office_env

# Where Debian's python3-uno puts uno.py (as for exports/unoserver_quick.py).
UNO_PATHS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")
CONNECT_TIMEOUT_S = 90
FILTERS = {".docx": "writer_pdf_Export", ".pptx": "impress_pdf_Export"}


def profile_dir() -> tuple[Path, object | None]:
    """The user's LibreOffice profile for one-shot conversions, kept between runs (a fresh one
    costs LibreOffice ≈0.2 s more to set up) and held under a lock while soffice uses it; when
    another conversion holds it, a profile of this process alone (the lock is then None, and
    the caller removes the folder)."""
    base = Path(tempfile.gettempdir()) / f"govkpi-lo-{os.getuid()}"
    private = Path(f"{base}-{os.getpid()}")
    try:
        lock = open(f"{base}.lock", "w")
    except OSError:  # /tmp not ours
        return private, None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # held by another conversion (BlockingIOError)
        lock.close()
        return private, None
    (base / ".lock").unlink(missing_ok=True)  # LibreOffice's own, left by a killed soffice
    return base, lock


def release_profile(profile: Path, lock, failed: bool) -> None:
    """A private profile is removed; the shared one too when its conversion failed (a profile
    LibreOffice cannot use would fail every later one)."""
    if lock is None or failed:
        shutil.rmtree(profile, ignore_errors=True)
    if lock is not None:
        lock.close()


def main(argv: list[str]) -> int:
    soffice = argv[0]
    try:
        sys.path.extend(UNO_PATHS)
        import uno  # noqa: F401  (first: without it no LibreOffice is started for nothing)
    except ImportError as error:  # no python3-uno for this Python: the exporter falls back to a one-shot soffice
        _answer(f"error: python3-uno: {error}")
        return 1
    profile, lock = profile_dir()
    pipe = f"govkpi-{os.getpid()}"
    # Its own process group: soffice runs soffice.bin under oosplash, and both must end with us.
    # It inherits the profile's lock, so a soffice outliving a killed helper still holds it.
    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
         "--nodefault", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        pass_fds=(lock.fileno(),) if lock is not None else (), env=office_env())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the exporter killed: still clean up below
    failed = True
    try:
        failed = not _serve(office, pipe)
    finally:
        try:
            office.wait(timeout=10 if not failed else 0.01)
        except subprocess.TimeoutExpired:
            os.killpg(office.pid, signal.SIGKILL if not failed else signal.SIGTERM)
            office.wait(timeout=15)
        release_profile(profile, lock, failed)
    return 1 if failed else 0


def _serve(office: subprocess.Popen, pipe: str) -> bool:
    import uno
    from com.sun.star.beans import PropertyValue
    from com.sun.star.connection import NoConnectException

    def props(**values) -> tuple:
        out = []
        for name, value in values.items():
            prop = PropertyValue()
            prop.Name, prop.Value = name, value
            out.append(prop)
        return tuple(out)

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                _answer("error: LibreOffice did not start")
                return False
            time.sleep(0.05)
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    line = sys.stdin.readline()
    if not line.strip():  # the exporter needs no conversion after all
        _terminate(desktop)
        return True
    source, target = (Path(part) for part in line.rstrip("\n").split("\t"))
    try:
        document = desktop.loadComponentFromURL(source.resolve().as_uri(), "_blank", 0,
                                                props(Hidden=True, ReadOnly=True))
        try:
            document.storeToURL(target.resolve().as_uri(),
                                props(FilterName=FILTERS.get(source.suffix.lower(), "writer_pdf_Export")))
        finally:
            document.close(True)
    except Exception as error:  # a document LibreOffice cannot read: the exporter says so
        _answer(f"error: {type(error).__name__}: {error}")
        _terminate(desktop)
        return False
    # The exporter goes on (and may exit) as soon as it reads "ok": LibreOffice is shut down
    # after that, and a SIGTERM as the exporter ends must not cut that short.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _answer("ok")
    _terminate(desktop)
    return True


def _terminate(desktop) -> None:
    try:
        desktop.terminate()
    except Exception:  # the bridge drops as LibreOffice exits
        pass


def _answer(text: str) -> None:
    sys.stdout.write(text.replace("\n", " ") + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
