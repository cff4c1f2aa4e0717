"""A workbook sent from the web is checked at the door, queued with the sender's units, loaded by
the one writer and answered with its outcome; nothing refused at the door is kept."""
from __future__ import annotations

import io
import sys
import threading
from pathlib import Path

import pytest

from dashboard.submitting import submit
from etl.writer import Writer
from ops.accounts import User
from ops.intake import MAX_FILE_BYTES
from ops.queue import uploads_dir

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

REPORTER = User("xa_chu_se", "reporter", ("old:633",))
ADMIN = User("so_khcn", "admin")


@pytest.fixture
def writer(db):
    stop = threading.Event()
    thread = threading.Thread(target=Writer(db, publish_interval=0.5).run, kwargs={"stop": stop}, daemon=True)
    thread.start()
    yield db
    stop.set()
    thread.join(30)


def test_a_reporters_own_workbook_is_accepted_and_anothers_forbidden(writer, tmp_path):
    mine = filled_template(tmp_path / "chu_se.xlsx", CHU_SE, "2021Q2", {"work_records_total": 10})
    theirs = filled_template(tmp_path / "pleiku.xlsx", PLEIKU, "2021Q2", {"work_records_total": 10})
    with mine.open("rb") as stream:
        accepted = submit(stream, "C:\\Users\\x\\chu_se.xlsx", REPORTER, writer)
    assert accepted.status == "accepted" and accepted.submission_id and accepted.file_name == "chu_se.xlsx"
    with theirs.open("rb") as stream:
        forbidden = submit(stream, "pleiku.xlsx", REPORTER, writer)
    assert forbidden.status == "forbidden" and forbidden.submission_id is None
    with theirs.open("rb") as stream:
        assert submit(stream, "pleiku.xlsx", ADMIN, writer).status == "accepted"


def test_an_oversized_or_non_excel_upload_is_refused_at_the_door_and_nothing_is_kept(writer):
    big = io.BytesIO(b"PK\x03\x04" + b"\0" * (MAX_FILE_BYTES + 10))
    outcome = submit(big, "to.xlsx", ADMIN, writer)
    assert outcome.status == "refused" and outcome.problems[0]["code"] == "too_large"
    pdf = submit(io.BytesIO(b"%PDF-1.7 ..."), "../../etc/passwd.xlsx", ADMIN, writer)
    assert pdf.status == "refused" and pdf.problems[0]["code"] == "not_excel"
    assert pdf.file_name == "passwd.xlsx"  # a path in the name never leaves the upload folder
    assert not [p for p in uploads_dir(writer).iterdir() if p.is_file()]
