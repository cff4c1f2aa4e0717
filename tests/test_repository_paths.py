"""Committed files name paths relative to the repository: a figure, an example or a fixture that
names the folder of the machine it was written on (a home, a scratch or a checkout folder) breaks,
or misleads, on every other machine."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# "/work/", "/tmp/", "/root/", "/home/" starting a path (not inside a word or a web address).
MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:work|tmp|root|home)/")
# Allowed: this file only, whose examples show what the rule catches.
ALLOWED = {"tests/test_repository_paths.py"}


def committed_text_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True,
                           timeout=60).stdout.decode().split("\0")
    files = [ROOT / name for name in names if name and (ROOT / name).is_file()]
    return [f for f in files if b"\0" not in f.read_bytes()[:8192]]  # binary files have NULs


def test_the_rule_catches_machine_paths_and_nothing_else():
    root = "/"  # the examples are built, so this file names no machine path itself
    assert MACHINE_PATH.search(f'SAMPLE = Path("{root}work/shared/samples/a.xlsx")')
    assert MACHINE_PATH.search("Warehouse: /tmp/govkpi-bench/nat.duckdb")
    assert MACHINE_PATH.search(f"cd {root}home/dev/govkpi && make test")
    assert not MACHINE_PATH.search("benchmarks/.cache/national.duckdb")
    assert not MACHINE_PATH.search("https://example.org/home/index.html")


def test_no_committed_text_file_names_a_machine_folder():
    found = []
    for path in committed_text_files():
        if path.relative_to(ROOT).as_posix() in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if MACHINE_PATH.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert not found, "paths of one machine in committed files (name them relative to the repository):\n" + "\n".join(found)
