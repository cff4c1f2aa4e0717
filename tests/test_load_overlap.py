"""A load of several groups writes each group on one writer thread while the next is read and
checked: the groups still commit one at a time and in file order, a later group supersedes an
earlier one, a copy of a file still being written is its duplicate, and a group that fails to
write stops the load before any later group."""
from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

import etl.batch_write
import etl.load
from etl.load import Loader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

V1 = {"work_records_total": 1000, "work_records_online": 700}
V2 = {"work_records_total": 1100, "work_records_online": 800}


@pytest.fixture
def writer_threads(monkeypatch) -> list[str]:
    """The name of the thread that wrote each group, in order."""
    names: list[str] = []
    original = etl.load.write_batch

    def recording(*args, **kwargs):
        names.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(etl.load, "write_batch", recording)
    return names


def six_files(folder: Path) -> list[Path]:
    """Chư Sê's 2021Q2 first and last (so the last group supersedes the first), other units between."""
    units = [CHU_SE, PLEIKU, AN_KHE, DAK_DOA, DAK_PO]
    files = [filled_template(folder / f"{i}_{unit[0]}.xlsx", unit, "2021Q2", V1) for i, unit in enumerate(units)]
    return files + [filled_template(folder / "5_chu_se_v2.xlsx", CHU_SE, "2021Q2", V2)]


def test_groups_are_written_beside_the_reading_and_commit_in_file_order(con, tmp_path, writer_threads):
    files = six_files(tmp_path)
    interval = sys.getswitchinterval()
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    reports = Loader(con, CATALOG, submitted_by="chuyên viên Sở", batch_files=2).load_files(files)

    assert [r.status for r in reports] == ["accepted"] * 6
    # two groups written beside the reading; the last, with nothing left to read, where the reading was
    assert [name.split("_")[0] for name in writer_threads] == ["govkpi-writer", "govkpi-writer", "MainThread"]
    ids = [r.submission_id for r in reports]
    assert ids == sorted(ids)  # submission ids follow the files: the groups committed in order
    rows = dict((r[0], r[1:]) for r in con.execute("SELECT submission_id, status, superseded_by FROM submissions").fetchall())
    assert rows[ids[0]] == ("superseded", ids[5]) and rows[ids[5]] == ("accepted", None)
    assert current(con, "633", "2021Q2") == V2  # the last group's file wins, with its derived rows
    assert current(con, "622", "2021Q2") == V1
    assert con.execute("SELECT count(*) FROM pending_refresh").fetchone()[0] == 0
    # the load leaves the interpreter and DuckDB as it found them
    assert sys.getswitchinterval() == interval
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == threads


def test_a_copy_of_a_file_in_the_group_being_written_is_a_duplicate_of_its_submission(con, tmp_path):
    first = filled_template(tmp_path / "a.xlsx", CHU_SE, "2021Q2", V1)
    second = filled_template(tmp_path / "b.xlsx", PLEIKU, "2021Q2", V1)
    copy = tmp_path / "gui_lai.xlsx"
    copy.write_bytes(first.read_bytes())
    fourth = filled_template(tmp_path / "d.xlsx", AN_KHE, "2021Q2", V1)
    reports = Loader(con, CATALOG, submitted_by="chuyên viên Sở", batch_files=2).load_files([first, second, copy, fourth])

    assert [r.status for r in reports] == ["accepted", "accepted", "duplicate", "accepted"]
    assert "trùng nội dung với lần nộp số" in reports[2].issues[0].message_vi
    duplicate_of = con.execute("SELECT duplicate_of FROM submissions WHERE file_name = 'gui_lai.xlsx'").fetchone()[0]
    assert duplicate_of == reports[0].submission_id


def test_a_group_that_fails_to_write_stops_the_load_and_no_later_group_commits(con, tmp_path, monkeypatch,
                                                                                 writer_threads):
    files = six_files(tmp_path)
    calls = []
    original = etl.batch_write._add_cleared_warnings

    def second_group_breaks(*args, **kwargs):  # inside the transaction, after the values are inserted
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(etl.batch_write, "_add_cleared_warnings", second_group_breaks)
    with pytest.raises(RuntimeError, match="disk full"):
        Loader(con, CATALOG, submitted_by="chuyên viên Sở", batch_files=2).load_files(files)

    assert len(calls) == 2 and len(writer_threads) == 2  # the third group was never written
    files_in = [r[0] for r in con.execute("SELECT file_name FROM submissions ORDER BY submission_id").fetchall()]
    assert files_in == [files[0].name, files[1].name]  # the first group, whole; nothing of the second
    assert con.execute("SELECT count(DISTINCT submission_id) FROM reported_values").fetchone()[0] == 2
    assert current(con, "633", "2021Q2") == V1 and current(con, "623", "2021Q2") == {}
    assert con.execute("SELECT count(*) FROM pending_refresh").fetchone()[0] == 0


def test_a_load_of_many_groups_starts_writing_after_a_quarter_group_and_ends_on_a_small_one(con, tmp_path, monkeypatch):
    """The writer idles while the first group is read and the reading idles while the last is
    written: a load of several full groups makes both a quarter of a group. A load of one or
    two groups is grouped as the files come (1,000 templates stay one transaction)."""
    sizes: list[int] = []
    original = etl.load.write_batch

    def recording(con, batch, *args, **kwargs):
        sizes.append(len(batch.files))
        return original(con, batch, *args, **kwargs)

    monkeypatch.setattr(etl.load, "write_batch", recording)
    units = [CHU_SE, PLEIKU, AN_KHE, DAK_DOA, DAK_PO]
    files = [filled_template(tmp_path / f"{q}_{unit[0]}.xlsx", unit, q, V1)
             for q in ("2021Q1", "2021Q2", "2021Q3", "2021Q4") for unit in units]
    per_file = len(Loader(con, CATALOG)._prepare(files[0], None, None, etl.batch_write.Batch()).values)
    monkeypatch.setattr(etl.load, "BATCH_VALUES", 4 * per_file)  # a group of four files: 20 files are five groups
    reports = Loader(con, CATALOG, submitted_by="chuyên viên Sở").load_files(files)
    assert [r.status for r in reports] == ["accepted"] * 20
    assert sizes == [1, 4, 4, 4, 4, 2, 1]
    assert sum(sizes) == 20

    sizes.clear()
    monkeypatch.setattr(etl.load, "BATCH_VALUES", 12 * per_file)  # 20 files: two groups, as they come
    reports = Loader(con, CATALOG, submitted_by="chuyên viên Sở").load_files(
        [filled_template(tmp_path / f"{q}_{unit[0]}.xlsx", unit, q, V1)
         for q in ("2022Q1", "2022Q2", "2022Q3", "2022Q4") for unit in units])
    assert [r.status for r in reports] == ["accepted"] * 20
    assert sizes == [12, 8]
