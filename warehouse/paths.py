"""Which warehouse file to read, by path alone: kept apart from warehouse.reader so that a
command deciding what to start (exports/head_start.py) need not import duckdb."""
from __future__ import annotations

from pathlib import Path

DEFAULT_DB = "data/warehouse.duckdb"


def snapshot_path(db_path: str | Path) -> Path:
    """Gives the read snapshot beside a warehouse: data/warehouse.duckdb → data/warehouse.read.duckdb."""
    path = Path(db_path)
    return path.with_name(path.stem + ".read" + path.suffix)


def reading_path(db_path: str | Path) -> Path:
    """Gives the file readers should open: the snapshot when there is one."""
    snapshot = snapshot_path(db_path)
    return snapshot if snapshot.exists() else Path(db_path)
