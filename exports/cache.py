"""Exports kept on disk beside the warehouse file they were read from, so asking again for the
same document is a file copy: a PDF costs seconds of LibreOffice, a copy milliseconds.

A kept file is named by everything its content depends on: the kind, period, language and
report date, the warehouse file's version (its mtime and size, which every load and every new
read snapshot changes) and the export code's version. A new load therefore never serves an old
file; the files of older versions for the same document are removed when a new one is kept.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

from importlib.metadata import PackageNotFoundError, version as package_version
from importlib.resources import files


def cache_dir(db_path: str | Path) -> Path:
    """data/warehouse.read.duckdb → data/warehouse.read.exports/"""
    path = Path(db_path)
    return path.with_name(path.stem + ".exports")


def warehouse_version(db_path: str | Path) -> str:
    """The warehouse file's mtime and size, as warehouse.reader.Warehouse.version reads them."""
    stat = os.stat(db_path)
    return f"{stat.st_mtime_ns}-{stat.st_size}"


def cached_path(kind: str, period: str, db_path: str | Path, lang: str, made_on: date) -> Path:
    """Gives where the export with these inputs is (or would be) kept."""
    digest = hashlib.sha1(f"{warehouse_version(db_path)}|{_code_version()}".encode()).hexdigest()[:16]
    return cache_dir(db_path) / f"{_stem(kind, period, lang)}-{made_on.isoformat()}-{digest}.{kind}"


def fetch(kind: str, period: str, db_path: str | Path, lang: str, made_on: date, out: Path) -> Path | None:
    """Copies the kept export to `out` and gives `out`, or None when there is none."""
    kept = cached_path(kind, period, db_path, lang, made_on)
    if not kept.exists():
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(kept, out)
    return out


def keep(kind: str, period: str, db_path: str | Path, lang: str, made_on: date, produced: Path) -> Path | None:
    """Keeps a copy of `produced` (atomically) and removes this document's older versions; gives
    the kept path, or None when the folder cannot be written (a read-only warehouse folder)."""
    kept = cached_path(kind, period, db_path, lang, made_on)
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=kept.parent, suffix=".tmp", delete=False) as staging:
            with open(produced, "rb") as source:
                shutil.copyfileobj(source, staging)
        os.replace(staging.name, kept)
        for old in kept.parent.glob(f"{_stem(kind, period, lang)}-*.{kind}"):
            if old != kept:
                old.unlink(missing_ok=True)
    except OSError:
        return None
    return kept


def _stem(kind: str, period: str, lang: str) -> str:
    return f"{kind}-{period}-{lang}"


def _code_version() -> str:
    """The package version and a digest of the code an export is written by (exports, its
    sentences and formats in vocab, the read queries), read through importlib.resources as the
    installed package ships them: a changed code (an upgrade, or an edit in a source checkout)
    is a new version, never served from an older file."""
    try:
        stamp = package_version("govkpi")
    except PackageNotFoundError:
        stamp = "source"
    digest = hashlib.sha256()
    for folder in (files("exports"), files("exports") / "templates", files("vocab"),
                   files("warehouse") / "queries", files("warehouse") / "sql"):
        for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
            if item.is_file() and item.name.endswith((".py", ".sql", ".pptx")):
                digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return stamp + "|" + digest.hexdigest()
