"""Times each export (pptx, xlsx, docx, pdf) for one province quarter; the target is ≤ 5 s each.

    .venv/bin/python -m benchmarks.bench_exports [DB] [PERIOD]
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 5.0
KINDS = ("pptx", "xlsx", "docx", "pdf")


def run(db_path: str, period: str = "2025Q3") -> dict:
    """Gives the seconds each export took (and the model alone), cold first call included."""
    from exports import export
    from exports.model import build_model
    from exports.pdf import soffice_path

    figures: dict[str, float] = {}
    started = time.perf_counter()
    build_model(db_path, period)
    figures["model"] = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="govkpi-bench-") as work:
        # First pass: a fresh process (the CLI); second: a warm one (the dashboard's server,
        # where Chromium for the chart pictures and LibreOffice's profile are already up).
        for suffix in ("", " (warm)"):
            for kind in KINDS:
                if kind == "pdf" and soffice_path() is None:
                    continue
                started = time.perf_counter()
                export(kind, period, db_path, str(Path(work) / f"out{len(suffix)}.{kind}"))
                figures[kind + suffix] = time.perf_counter() - started
    return figures


def main(argv: list[str]) -> int:
    db_path = argv[1] if len(argv) > 1 else "data/dev.duckdb"
    period = argv[2] if len(argv) > 2 else "2025Q3"
    figures = run(db_path, period)
    slow = False
    for name, seconds in figures.items():
        flag = "" if seconds <= TARGET_S else f"  > {TARGET_S:.0f} s"
        slow |= bool(flag) and name.endswith("(warm)")
        print(f"{name:20s} {seconds:6.2f} s{flag}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
