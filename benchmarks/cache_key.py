"""Cache keys for the benchmarks' generated inputs: a short hash of the files they depend on,
so a change to a writer, the catalog or the SQL rebuilds them and nothing else does."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def repo_relative(path: str | Path) -> str:
    """Names a path as the figures print it: relative to the repository, so committed results
    do not carry the folder of the machine they ran on; a path outside it (a temporary copy)
    by its file name."""
    path = Path(path).resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


def sources_digest(files: list[Path], folders: tuple[str, ...]) -> str:
    """Gives a 10-character hash of the files and of every file in the folders (relative to the repo)."""
    sources = list(files)
    for folder in folders:
        sources += sorted((ROOT / folder).glob("*.*"))
    digest = hashlib.sha256()
    for source in sources:
        if source.is_file():
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:10]


def cache_dir(name: str) -> Path:
    """Gives a folder for generated inputs outside the repository ($GOVKPI_BENCH_CACHE, else
    ~/.cache/govkpi-bench/<name>), so they are never committed and survive a fresh clone."""
    root = Path(os.environ.get("GOVKPI_BENCH_CACHE") or Path.home() / ".cache" / "govkpi-bench")
    return root / name
