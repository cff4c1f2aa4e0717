"""What every door refuses before a figure is written: macros, links to other workbooks, and a
reporter's file holding another unit's figures (refused whole, recorded nowhere, its stored
copy deleted)."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import duckdb

from etl.writer import Writer
from ops.intake import MAX_FILE_BYTES, size_refusal, type_refusal
from ops.queue import UploadQueue, queue_path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403


def test_a_workbook_with_macros_is_refused_naming_the_file_and_nothing_is_loaded(loader, con, tmp_path):
    clean = filled_template(tmp_path / "sach.xlsx", CHU_SE, "2021Q2", {"work_records_total": 10})
    macro = with_member(clean, tmp_path / "co_macro.xlsm", "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 VBA")
    before = counts(con)
    report = loader.load_file(macro)
    assert report.status == "rejected" and codes(report) == ["macros"]
    assert "macro" in messages(report)[0]
    assert counts(con)["reported_values"] == before["reported_values"]


def test_a_workbook_linking_to_another_workbook_is_refused(loader, con, tmp_path):
    clean = filled_template(tmp_path / "sach.xlsx", CHU_SE, "2021Q2", {"work_records_total": 10})
    linked = with_member(clean, tmp_path / "lien_ket.xlsx", "xl/externalLinks/externalLink1.xml",
                         b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    before = counts(con)["reported_values"]
    report = loader.load_file(linked)
    assert report.status == "rejected" and codes(report) == ["external_links"]
    assert "liên kết" in messages(report)[0] and counts(con)["reported_values"] == before


def test_a_reporter_cannot_load_another_units_figures_and_the_attempt_leaves_no_row(loader, con, tmp_path):
    mine = filled_template(tmp_path / "chu_se.xlsx", CHU_SE, "2021Q2", {"work_records_total": 10})
    theirs = filled_template(tmp_path / "pleiku.xlsx", PLEIKU, "2021Q2", {"work_records_total": 99})
    before = counts(con)
    reports = loader.load_files([theirs, mine], allowed_units=["old:633"])
    assert [r.status for r in reports] == ["forbidden", "accepted"]
    refused = reports[0].issues[0]
    assert refused.code == "unit_not_allowed" and "Thành phố Pleiku" in refused.message_vi
    assert refused.sheet and refused.cell == template_cell(theirs, "work_records_total")
    after = counts(con)
    assert after["submissions"] == before["submissions"] + 1  # only the reporter's own file
    assert current(con, "633", "2021Q2")["work_records_total"] == 10 and not current(con, "622", "2021Q2")


def test_the_writer_deletes_the_stored_copy_of_a_forbidden_upload(db, tmp_path):
    queue = UploadQueue(db)
    theirs = filled_template(tmp_path / "pleiku.xlsx", PLEIKU, "2021Q2", {"work_records_total": 99})
    job = queue.enqueue(theirs, "xa_chu_se", allowed_units=["old:633"])
    assert queue.stored_file(job) is not None
    Writer(db).run(until_idle=True)
    result = queue.result(job)
    assert result.status == "forbidden" and result.submission_id is None
    assert result.problems[0]["code"] == "unit_not_allowed"
    assert queue.stored_file(job) is None and not list(queue.uploads.glob("*.xlsx"))


def test_a_queue_file_of_the_earlier_version_is_migrated_keeping_its_rows(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    old = sqlite3.connect(queue_path(db))
    old.execute("""CREATE TABLE upload_jobs (job_id INTEGER PRIMARY KEY AUTOINCREMENT, file_path TEXT NOT NULL,
        file_name TEXT NOT NULL, file_sha256 TEXT NOT NULL, submitted_by TEXT NOT NULL, unit_hint TEXT, period TEXT,
        submitted TEXT, province TEXT, enqueued_at TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued',
        started_at TEXT, finished_at TEXT,
        status TEXT CHECK (status IN ('accepted', 'rejected', 'duplicate', 'failed')),
        submission_id INTEGER, result_json TEXT, published_at TEXT)""")
    old.execute("INSERT INTO upload_jobs (file_path, file_name, file_sha256, submitted_by, enqueued_at, state, status) "
                "VALUES ('x', 'cu.xlsx', 'abc', 'ai đó', '2026-01-01', 'done', 'accepted')")
    old.commit()
    old.close()
    queue = UploadQueue(db)
    assert queue.result(1).file_name == "cu.xlsx" and queue.result(1).status == "accepted"
    queue.finish(1, "forbidden", None, {})  # the new status is allowed after the migration
    assert queue.result(1).status == "forbidden"


def test_the_door_refuses_by_size_and_type_before_parsing():
    assert size_refusal("bao_cao.xlsx", MAX_FILE_BYTES) is None
    over = size_refusal("bao_cao.xlsx", MAX_FILE_BYTES + 1)
    assert over.code == "too_large" and "bao_cao.xlsx" in over.message_vi and "25 MB" in over.message_vi
    assert type_refusal("bao_cao.xlsx", b"PK\x03\x04rest") is None
    assert type_refusal("bao_cao.xls", b"\xd0\xcf\x11\xe0").code == "unsupported_format"
    assert type_refusal("bao_cao.xlsx", b"%PDF-1.7").code == "not_excel"
    assert type_refusal("anh.png", b"PK\x03\x04").code == "not_excel"
