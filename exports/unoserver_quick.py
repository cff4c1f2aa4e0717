"""Runs unoserver (`python -m exports.unoserver_quick ARGS`, the arguments of unoserver's own
command) without its blind waits: unoserver sleeps 5 s after starting LibreOffice and 2 s between
attempts to reach it, so a warm converter answered ≈7.5 s after `govkpi serve` started although
LibreOffice listens after 1–3 s. Here each of those waits ends as soon as LibreOffice's UNO port
accepts a connection (or when the wait's full time has passed, as before)."""
from __future__ import annotations

import socket
import sys
import time

# Where Debian's python3-uno (a dependency of unoserver's server side) puts uno.py, when the
# project's own Python cannot import it.
UNO_PATHS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")
POLL_S = 0.1
# After LibreOffice listens, a wait still lasts this long: a retry after another error than
# "connection refused" (LibreOffice listening but not ready) must not spin.
SETTLE_S = 0.3


class _PortWait:
    """Stands in for the `time` module inside unoserver.server: `sleep(n)` returns once the UNO
    port accepts (after at least SETTLE_S), at the latest after n seconds."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self._listening():
                time.sleep(min(SETTLE_S, max(0.0, deadline - time.monotonic())))
                return
            time.sleep(min(POLL_S, max(0.0, deadline - time.monotonic())))

    def _listening(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def __getattr__(self, name: str):  # time.time() and the rest, unchanged
        return getattr(time, name)


def main(argv: list[str]) -> int:
    sys.path.extend(UNO_PATHS)
    import unoserver.server as server

    host, port = _option(argv, "--uno-interface", "127.0.0.1"), int(_option(argv, "--uno-port", "2002"))
    server.time = _PortWait(host, port)
    sys.argv = ["unoserver", *argv]
    return server.main()


def _option(argv: list[str], name: str, default: str) -> str:
    return argv[argv.index(name) + 1] if name in argv and argv.index(name) + 1 < len(argv) else default


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
