"""The `govkpi` command's entry: a report export starts its helpers first (the charts' child,
LibreOffice: exports/head_start.py), before the command line's imports, then the command line
(govkpi/cli.py) parses the arguments and runs."""
from __future__ import annotations

import sys


def main() -> None:
    try:
        from exports.head_start import begin

        begin(sys.argv[1:])
    except Exception:  # a head start only: the export starts its helpers itself, and says what is wrong
        pass
    from govkpi.cli import main as run

    run()
