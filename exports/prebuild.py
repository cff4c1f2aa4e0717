"""After the writer publishes a load, the opening period's exports are built in the background
into the kept folder (exports/cache.py), so the first download of the latest quarter is a file
copy. Kept files are named by the warehouse version, so a later load never serves them; another
period, language or report date is still built on request (the cold path).

    python -m exports.prebuild data/warehouse.read.duckdb   # what the writer starts, niced

The PDF is built only through a server's warm LibreOffice for this warehouse (exports/pdf.py
converter_file), waited for while it starts: a one-shot LibreOffice after every load would cost
seconds of CPU for a download that may not come. `govkpi serve` also starts one at its start."""
from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exports import KINDS, NoData, ToolMissing, export, opening_period
from exports.cache import cache_dir, cached_path, warehouse_version

log = logging.getLogger(__name__)
CONVERTER_WAIT_S = 60  # a server's LibreOffice still starting (named, not yet answering)


def prebuild(db_path: str | Path, lang: str = "vi") -> list[Path]:
    """Builds (or finds kept) each export of the opening period; gives the kept paths."""
    from vocab.periods import today

    period = opening_period(str(db_path))
    if period is None:
        return []
    kept = []
    with tempfile.TemporaryDirectory(prefix="govkpi-prebuild-") as work:
        for kind in KINDS:
            if kind == "pdf" and _server_port(db_path) is None:
                continue
            try:
                export(kind, period, str(db_path), str(Path(work) / f"{period}.{kind}"), lang)
            except (NoData, ToolMissing, RuntimeError, OSError) as error:  # the on-request path says why
                log.warning("prebuild %s %s: %s", kind, period, error)
                continue
            path = cached_path(kind, period, db_path, lang, today())
            if path.exists():
                kept.append(path)
    return kept


def _server_port(db_path: str | Path) -> int | None:
    from exports.pdf import converter_file, shared_port

    deadline = time.monotonic() + CONVERTER_WAIT_S
    while True:
        port = shared_port(db_path)
        if port is not None or not converter_file(db_path).exists() or time.monotonic() > deadline:
            return port
        time.sleep(0.5)


def start_prebuild(db_path: str | Path) -> subprocess.Popen | None:
    """Starts `python -m exports.prebuild` for this warehouse, detached; None when it cannot."""
    try:
        return subprocess.Popen([sys.executable, "-m", "exports.prebuild", str(db_path)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
    except OSError as error:
        log.warning("cannot start the exports' prebuild: %s", error)
        return None


def main(argv: list[str]) -> int:
    """One prebuild at a time per warehouse; one that finds the warehouse changed while it built
    builds again, so a burst of loads ends with the last version's files."""
    db_path = Path(argv[0])
    os.nice(10)  # behind the pages and the downloads people wait for
    folder = cache_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".prebuild.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # one is running: it sees the new version when it finishes
            return 0
        for _ in range(5):
            if not db_path.exists():
                return 0
            version = warehouse_version(db_path)
            prebuild(db_path)
            if db_path.exists() and warehouse_version(db_path) == version:
                break
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
