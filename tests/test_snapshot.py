"""Loading while the dashboard reads: readers use a snapshot the loader swaps in atomically."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from etl.warehouse import init_warehouse, publish_snapshot
from warehouse.reader import reading_path, snapshot_path

GOVKPI = str(Path(sys.executable).with_name("govkpi"))
SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "binhdinh_huyen_q2_2021.xlsx"


def test_a_load_runs_while_a_reader_holds_the_warehouse_open_and_the_reader_sees_it_after_reopening(tmp_path):
    db = tmp_path / "w.duckdb"
    init_warehouse(db, "Gia Lai")
    publish_snapshot(db)
    assert reading_path(db) == snapshot_path(db)
    reader = duckdb.connect(str(reading_path(db)), read_only=True)
    before = reader.execute("SELECT count(*) FROM metric_values").fetchall()[0][0]
    result = subprocess.run([GOVKPI, "load", str(SAMPLE), "--db", str(db)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert reader.execute("SELECT count(*) FROM metric_values").fetchall()[0][0] == before == 0
    reader.close()
    reopened = duckdb.connect(str(reading_path(db)), read_only=True)
    assert reopened.execute("SELECT count(*) FROM metric_values").fetchall()[0][0] == 44
    reopened.close()
