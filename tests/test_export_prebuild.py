"""After the writer publishes a load, the latest quarter's exports are built in the background
into the kept folder, so the first download is a copy; the next load makes them stale (a new
warehouse version), and the document asked for then has the new numbers. Real queue, writer,
loader, DuckDB and exports."""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from etl.warehouse import publish_snapshot
from etl.writer import Writer
from exports import export, opening_period
from exports.cache import cached_path
from exports.prebuild import start_prebuild
from ops.queue import UploadQueue
from vocab.periods import today
from warehouse.reader import snapshot_path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import filled_template  # noqa: E402

ETHNIC_AFFAIRS = ("52-SDTTG", "Sở Dân tộc và Tôn giáo")
PREBUILT = ("pptx", "xlsx", "docx")  # the PDF only with a server's warm LibreOffice up


@pytest.fixture()
def warehouse(demo_db, tmp_path) -> Path:
    copy = tmp_path / "kho.duckdb"
    shutil.copyfile(demo_db, copy)
    publish_snapshot(copy)
    return copy


def _numbers(path: Path) -> set[float]:
    book = openpyxl.load_workbook(path)
    return {round(c.value, 6) for s in book for row in s.iter_rows() for c in row if isinstance(c.value, float)}


def _load(db: Path, folder: Path, electronic: int, prebuild: bool) -> str:
    """The Department of Ethnic Affairs reports the opening quarter: `electronic` of 7 documents
    sent electronically; the writer loads and publishes it. Gives the quarter."""
    period = opening_period(str(snapshot_path(db)))
    workbook = filled_template(folder / f"dan_toc_{electronic}.xlsx", ETHNIC_AFFAIRS, period,
                               {"docs_sent_total": 7, "docs_sent_electronic": electronic, "docs_sent_signed": 1})
    UploadQueue(db).enqueue(workbook, ETHNIC_AFFAIRS[1])
    after_publish = (lambda: start_prebuild(snapshot_path(db))) if prebuild else None  # as `govkpi serve`'s writer
    Writer(db, publish_interval=0, after_publish=after_publish).run(until_idle=True)
    return period


def test_the_writer_prebuilds_the_latest_quarter_and_the_next_load_makes_it_stale(warehouse, tmp_path):
    read = snapshot_path(warehouse)
    period = _load(warehouse, tmp_path, electronic=1, prebuild=True)
    kept = {kind: cached_path(kind, period, read, "vi", today()) for kind in PREBUILT}
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not all(path.exists() for path in kept.values()):
        time.sleep(0.5)
    assert all(path.exists() for path in kept.values()), sorted(p.name for p in read.parent.glob("*.exports/*"))
    assert not cached_path("pdf", period, read, "vi", today()).exists()  # no server's LibreOffice: not built ahead
    stamp = kept["xlsx"].stat().st_mtime_ns
    first = export("xlsx", period, str(read), str(tmp_path / "truoc.xlsx"))
    assert first.read_bytes() == kept["xlsx"].read_bytes() and kept["xlsx"].stat().st_mtime_ns == stamp  # a copy

    _load(warehouse, tmp_path, electronic=6, prebuild=False)
    assert not cached_path("xlsx", period, read, "vi", today()).exists()  # a new version: nothing kept for it
    after = export("xlsx", period, str(read), str(tmp_path / "sau.xlsx"))
    assert _numbers(after) != _numbers(first)
