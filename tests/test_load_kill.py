"""A load killed with SIGKILL half-way leaves a consistent warehouse (every file whole or
absent: no half-loaded file, and the derived tables agree with every file committed), and
running the same command again completes it."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl.derived import rebuild_all
from vocab.periods import parse_code
from etl.template import write_template

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

GOVKPI = str(Path(sys.executable).with_name("govkpi"))
FILES = 40

# Runs the real CLI, but each group's transaction pauses before COMMIT and says on stderr how
# many files it has written so far, so that the kill lands inside a transaction half-way.
# GOVKPI_LOAD_BATCH sets how many files share a transaction (group commit).
SLOW_LOADER = """
import sys, time
import etl.batch_write as batch_write
original_insert = batch_write.insert_batch
state = {"n": 0}
def insert_batch(con, batch, submitted_by):
    original_insert(con, batch, submitted_by)
    state["n"] += len(batch.files)
    print(f"IN_TX {state['n']}", file=sys.stderr, flush=True)
    time.sleep(0.25)
batch_write.insert_batch = insert_batch
from govkpi.cli import main
sys.argv = ["govkpi", *sys.argv[1:]]
main()
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory, base_db) -> Path:
    """40 filled templates of Gia Lai communes for 2021Q2, with plausible figures and blanks."""
    out = tmp_path_factory.mktemp("kill") / "nop"
    con = duckdb.connect(str(base_db), read_only=True)
    units = con.execute("SELECT unit_code, unit_name FROM units WHERE level = 'commune' AND era = 'old' "
                        "AND unit_key IN (SELECT unit_key FROM unit_ancestors WHERE ancestor_key = 'old:64') "
                        "ORDER BY unit_code LIMIT ?", [FILES]).fetchall()
    con.close()
    rng = random.Random(7)
    period = parse_code("2021Q2")
    for code, name in units:
        total = rng.randint(100, 5000)
        values = {"work_records_total": total, "work_records_online": rng.randint(0, total),
                  "docs_sent_total": total, "docs_sent_electronic": total // 2, "services_total": 300,
                  "services_level3": rng.randint(0, 100), "dossiers_total": rng.choice([None, total])}
        write_template(out / f"2021Q2_{code}.xlsx", CATALOG, code, name, period,
                       values={k: v for k, v in values.items() if v is not None})
    return out


def totals(db: Path) -> dict:
    con = duckdb.connect(str(db))
    try:
        return {
            "accepted": con.execute("SELECT count(*) FROM submissions WHERE status = 'accepted'").fetchone()[0],
            "reported_values": con.execute("SELECT count(*) FROM reported_values").fetchone()[0],
            "unit_reports": con.execute("SELECT count(*) FROM unit_reports").fetchone()[0],
            "metric_values": con.execute("SELECT count(*), sum(value) FROM metric_values").fetchone(),
            "files": sorted(r[0] for r in con.execute(
                "SELECT file_name FROM submissions WHERE status = 'accepted'").fetchall()),
        }
    finally:
        con.close()


def assert_consistent(db: Path) -> int:
    """Every accepted submission has all its values and unit reports; nothing is orphaned."""
    con = duckdb.connect(str(db))
    try:
        rows = con.execute("""
            SELECT s.submission_id, s.status, s.values_count, s.units_count,
                   (SELECT count(value) FROM reported_values rv WHERE rv.submission_id = s.submission_id),
                   (SELECT count(*) FROM reported_values rv WHERE rv.submission_id = s.submission_id),
                   (SELECT count(*) FROM unit_reports r WHERE r.submission_id = s.submission_id)
            FROM submissions s""").fetchall()
        per_template = len(CATALOG.metrics_valid_between(parse_code("2021Q2").start, parse_code("2021Q2").end))
        for sid, status, values_count, units_count, non_null, stored, reports in rows:
            if status == "accepted":
                assert non_null == values_count and stored == per_template and reports == units_count == 1, sid
            else:
                assert stored == 0 and reports == 0, sid
        orphans = con.execute("SELECT count(*) FROM reported_values WHERE submission_id NOT IN "
                              "(SELECT submission_id FROM submissions)").fetchone()[0]
        assert orphans == 0
        return sum(status == "accepted" for _, status, *_ in rows)
    finally:
        con.close()


# What a reader sees of the derived tables, through the public views and the tables under them.
DERIVED_READS = {
    "metric_values": "SELECT unit_key, period, metric_code, value, submission_id FROM metric_values",
    "period_metric_values": "SELECT * FROM period_metric_values",
    "unit_indicator_values": "SELECT * FROM unit_indicator_values",
    "indicator_values": "SELECT * FROM indicator_values",
    "level_progress": "SELECT * FROM level_progress",
    "area_indicator_values": "SELECT * FROM area_indicator_values",
    "unit_quarter_values": "SELECT * FROM unit_quarter_values",
    "period_metric_totals": "SELECT * FROM period_metric_totals",
    "reporting_counts": "SELECT * FROM reporting_counts",
}


def assert_derived_agree(db: Path, tmp_path: Path) -> None:
    """Every value of every accepted file is in `metric_values`, and the derived tables and the
    views over them are exactly what a full recomputation from the reported values gives: a
    reader never sees a committed file without its derived rows."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        missing = con.execute("""
            SELECT s.file_name, rv.unit_key, rv.period, rv.metric_code, rv.value
            FROM submissions s JOIN reported_values rv USING (submission_id)
            WHERE s.status = 'accepted' AND rv.value IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM metric_values m
                              WHERE m.unit_key = rv.unit_key AND m.period = rv.period
                                AND m.metric_code = rv.metric_code AND m.value = rv.value
                                AND m.submission_id = rv.submission_id)""").fetchall()
        assert missing == [], f"{len(missing)} accepted values missing from metric_values, e.g. {missing[:3]}"
        assert con.execute("SELECT count(*) FROM pending_refresh").fetchone()[0] == 0
        seen = {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in DERIVED_READS.items()}
    finally:
        con.close()
    rebuilt_db = tmp_path / f"rebuilt_{db.stem}.duckdb"
    shutil.copy(db, rebuilt_db)
    con = duckdb.connect(str(rebuilt_db))
    try:
        for table in ("current_values", "period_values", "unit_indicator_values", "level_indicator_values",
                      "area_indicator_values", "unit_quarter_values", "period_metric_totals", "reporting_counts",
                      "pending_refresh"):
            con.execute(f"DELETE FROM {table}")
        rebuild_all(con)
        rebuilt = {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in DERIVED_READS.items()}
    finally:
        con.close()
    rebuilt_db.unlink()
    for name in DERIVED_READS:
        assert seen[name] == rebuilt[name], f"{name} differs from a full recomputation"
    assert rebuilt["metric_values"], "the check compared empty derived tables"


def test_clean_run_loads_every_file(folder, db, tmp_path):
    done = subprocess.run([GOVKPI, "load", str(folder), "--json", "--db", str(db)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert assert_consistent(db) == FILES
    assert_derived_agree(db, tmp_path)


@pytest.mark.parametrize("files_per_transaction", [1, 10])
def test_sigkill_inside_a_transaction_half_way_then_rerun_completes(folder, db, base_db, tmp_path,
                                                                    files_per_transaction):
    clean = tmp_path / "clean.duckdb"
    clean.write_bytes(base_db.read_bytes())
    subprocess.run([GOVKPI, "load", str(folder), "--json", "--db", str(clean)], capture_output=True, check=True)
    expected = totals(clean)

    env = dict(os.environ, GOVKPI_LOAD_BATCH=str(files_per_transaction))
    process = subprocess.Popen([sys.executable, "-c", SLOW_LOADER, "load", str(folder), "--json", "--db", str(db)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    half = FILES // 2
    deadline = time.monotonic() + 120
    for line in process.stderr:
        if line.strip() == f"IN_TX {half}":
            os.kill(process.pid, signal.SIGKILL)  # inside the transaction holding file 20, before its COMMIT
            break
        assert time.monotonic() < deadline
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    whole = half - files_per_transaction  # the files of the killed transaction are not there at all
    assert assert_consistent(db) == whole
    assert_derived_agree(db, tmp_path)  # the groups committed before the kill, with their derived rows
    rerun = subprocess.run([GOVKPI, "load", str(folder), "--json", "--db", str(db)], capture_output=True, text=True)
    assert rerun.returncode == 0 and "Traceback" not in rerun.stderr
    import json
    statuses = [entry["status"] for entry in json.loads(rerun.stdout)]
    assert statuses.count("duplicate") == whole and statuses.count("accepted") == FILES - whole
    assert assert_consistent(db) == FILES
    assert totals(db) == expected
    assert_derived_agree(db, tmp_path)


def test_sigkill_of_the_real_command_at_half_its_time_then_rerun_completes(folder, db, base_db, tmp_path):
    clean = tmp_path / "clean.duckdb"
    clean.write_bytes(base_db.read_bytes())
    started = time.monotonic()
    subprocess.run([GOVKPI, "load", str(folder), "--db", str(clean)], capture_output=True, check=True)
    duration = time.monotonic() - started
    expected = totals(clean)

    process = subprocess.Popen([GOVKPI, "load", str(folder), "--db", str(db)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(duration / 2)
    killed_early = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    if killed_early:
        assert process.returncode == -signal.SIGKILL
    loaded = assert_consistent(db)
    assert 0 <= loaded <= FILES
    if loaded:
        assert_derived_agree(db, tmp_path)
    rerun = subprocess.run([GOVKPI, "load", str(folder), "--db", str(db)], capture_output=True, text=True)
    assert rerun.returncode == 0 and "Traceback" not in rerun.stderr
    assert assert_consistent(db) == FILES
    assert totals(db) == expected
    assert_derived_agree(db, tmp_path)
