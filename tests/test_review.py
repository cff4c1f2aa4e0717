"""Review before it counts, the period lock, comments on figures and the audit trail (issue 12),
without HTTP: real workbooks through the real queue, writer and loader, a real warehouse and
ops file; the pages and the API will call the same functions."""
from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest
from pptx import Presentation

from etl.load import Loader
from etl.review_sync import apply_ops
from etl.warehouse import connect, publish_snapshot, set_review
from etl.writer import Writer
from exports import export
from ops import audit
from ops.accounts import User, add_user, may_comment, may_lock, may_review, may_unlock
from ops.comments import add_comment
from ops.locks import lock_period, lock_state, unlock_period
from ops.queue import UploadQueue
from ops.review import Forbidden, ReviewError, decide, latest_decisions
from ops.store import connect as ops_connect, ops_path
from warehouse.reader import fetch_rows, snapshot_path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2024Q3"
RATE = "work_records_online_rate"
PASSWORD = "mật khẩu đủ dài"


def unit_key(db: Path, code: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT unit_key FROM units WHERE unit_code = ? AND era = 'old'", [code]).fetchone()[0]
    finally:
        con.close()


def read(db: Path, sql: str, params=None) -> list[tuple]:
    """Reads the published snapshot, as the pages and the exports do."""
    con = duckdb.connect(str(snapshot_path(db)), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def query(db: Path, name: str, **params) -> list[dict]:
    con = duckdb.connect(str(snapshot_path(db)), read_only=True)
    try:
        return fetch_rows(con, name, **params)
    finally:
        con.close()


def shown(db: Path, code: str = "633", period: str = PERIOD) -> dict:
    return dict(read(db, "SELECT metric_code, value FROM metric_values WHERE unit_code = ? AND period = ?",
                     [code, period]))


def district_units_counted(db: Path, period: str = PERIOD) -> int:
    rows = read(db, "SELECT units_reporting FROM level_progress WHERE period = ? AND level = 'district' "
                    "AND indicator_code = ?", [period, RATE])
    return rows[0][0] if rows else 0


def upload(db: Path, path: Path, sender: User) -> "JobResult":  # noqa: F821
    """A reporter's upload: queued with the sender's units, loaded and published by the writer."""
    queue = UploadQueue(db)
    job = queue.enqueue(path, sender.name, allowed_units=list(sender.units) or None)
    Writer(db, publish_interval=0).run(until_idle=True)
    return queue.wait(job, timeout=5, published=True)


def settle(db: Path) -> None:
    """The writer's next step: applies the ops file's new decisions, locks and comments and publishes."""
    Writer(db, publish_interval=0).run(until_idle=True)


def units_of(db: Path, submission_id: int) -> list[tuple[str, str]]:
    return [(r["unit_key"], r["period"]) for r in query(db, "submission_units", submission_id=submission_id)]


@pytest.fixture
def review_db(db: Path) -> Path:
    con = connect(db)
    set_review(con, "required")
    con.close()
    publish_snapshot(db)
    return db


@pytest.fixture
def people(review_db: Path) -> dict[str, User]:
    ops = ops_path(review_db)
    chu_se = unit_key(review_db, "633")
    return {"admin": add_user(ops, "quantri", "admin", PASSWORD, actor="root"),
            "reviewer": add_user(ops, "duyet", "reviewer", PASSWORD, actor="quantri"),
            "reporter": add_user(ops, "chuse", "reporter", PASSWORD, units=[chu_se], actor="quantri"),
            "viewer": add_user(ops, "bandcd", "viewer", PASSWORD, actor="quantri")}


def test_a_quarter_from_upload_to_locked_report_with_every_step_in_the_audit_trail(review_db, people, tmp_path):
    db, ops = review_db, ops_path(review_db)
    reporter, reviewer, admin = people["reporter"], people["reviewer"], people["admin"]

    # An upload under review waits: loaded, but not counted on the pages.
    first = filled_template(tmp_path / "chuse_v1.xlsx", CHU_SE, PERIOD,
                            {"work_records_total": 1000, "work_records_online": 500})
    sent = upload(db, first, reporter)
    assert sent.status == "accepted" and sent.published
    assert shown(db) == {} and district_units_counted(db) == 0
    waiting = read(db, "SELECT units_waiting FROM reporting_completeness WHERE period = ? AND level = 'district'", [PERIOD])
    assert waiting == [(1,)]
    queue_rows = query(db, "review_queue", period=PERIOD)
    assert {r["submission_id"] for r in queue_rows} == {sent.submission_id}
    assert {(r["metric_code"], r["value"]) for r in queue_rows} >= {("work_records_total", 1000),
                                                                     ("work_records_online", 500)}

    # The reviewer sends it back with a comment; the reporter sees it, the figure stays out.
    with pytest.raises(ReviewError):
        decide(ops, reviewer, sent.submission_id, "send_back", "  ", units=units_of(db, sent.submission_id))
    with pytest.raises(Forbidden):
        decide(ops, reporter, sent.submission_id, "accept")
    decide(ops, reviewer, sent.submission_id, "send_back", "Số hồ sơ trực tuyến chưa khớp phần mềm một cửa",
           address="10.0.0.7", units=units_of(db, sent.submission_id))
    assert latest_decisions(ops, [sent.submission_id])[sent.submission_id].decision == "send_back"  # at once
    settle(db)
    mine = query(db, "submission_reviews", unit_keys=list(reporter.units))
    assert (mine[0]["review_state"], mine[0]["comment"]) == ("sent_back", "Số hồ sơ trực tuyến chưa khớp phần mềm một cửa")
    assert shown(db) == {} and district_units_counted(db) == 0

    # The unit uploads again; the reviewer accepts: now it counts.
    second = filled_template(tmp_path / "chuse_v2.xlsx", CHU_SE, PERIOD,
                             {"work_records_total": 1000, "work_records_online": 620})
    again = upload(db, second, reporter)
    assert again.status == "accepted" and shown(db) == {}
    decide(ops, reviewer, again.submission_id, "accept", units=units_of(db, again.submission_id))
    settle(db)
    assert shown(db) == {"work_records_total": 1000, "work_records_online": 620}
    assert district_units_counted(db) == 1
    assert query(db, "review_queue", period=PERIOD) == []

    # The reviewer locks the quarter: an upload is refused whole, saying who can unlock it.
    with pytest.raises(Forbidden):
        lock_period(ops, reporter, PERIOD)
    lock_period(ops, reviewer, PERIOD, reason="Đã báo cáo Ban chỉ đạo")
    late = filled_template(tmp_path / "chuse_v3.xlsx", CHU_SE, PERIOD,
                           {"work_records_total": 1000, "work_records_online": 999})
    refused = upload(db, late, reporter)
    assert refused.status == "rejected"
    problem = next(p for p in refused.problems if p["code"] == "period_locked")
    assert re.fullmatch(r"Kỳ Quý III/2024 đã chốt số liệu ngày \d\d/\d\d/\d{4}; liên hệ quản trị viên \(quantri\) "
                        r"để mở khóa\. Tệp không được nạp\.", problem["message_vi"])
    assert problem["sheet"] and problem["cell"]
    assert shown(db)["work_records_online"] == 620

    # Only an admin unlocks, and only with a reason.
    with pytest.raises(Forbidden):
        unlock_period(ops, reviewer, PERIOD, "sửa số")
    with pytest.raises(ReviewError):
        unlock_period(ops, admin, PERIOD, " ")
    unlock_period(ops, admin, PERIOD, "Huyện Chư Sê xin sửa số hồ sơ trực tuyến")
    assert not lock_state(ops, PERIOD).locked

    # The trail, in order, with who did it and what changed.
    trail = [(e.action, e.actor, e.submission_id) for e in audit.events(ops) if e.action not in ("user_add",)]
    assert trail == [
        ("upload", "chuse", sent.submission_id),
        ("review_send_back", "duyet", sent.submission_id),
        ("upload", "chuse", again.submission_id),
        ("supersede", "chuse", sent.submission_id),
        ("review_accept", "duyet", again.submission_id),
        ("lock", "duyet", None),
        ("upload", "chuse", refused.submission_id),
        ("unlock", "quantri", None),
    ]
    events = audit.events(ops)
    send_back = next(e for e in events if e.action == "review_send_back")
    assert (send_back.unit_key, send_back.period, send_back.address, send_back.role) == (
        reporter.units[0], PERIOD, "10.0.0.7", "reviewer")
    assert send_back.detail["comment"] == "Số hồ sơ trực tuyến chưa khớp phần mềm một cửa"
    assert next(e for e in events if e.action == "supersede").detail == {"superseded_by": again.submission_id}
    assert next(e for e in events if e.action == "unlock").detail["reason"] == "Huyện Chư Sê xin sửa số hồ sơ trực tuyến"
    assert [e.detail["status"] for e in events if e.action == "upload"] == ["accepted", "accepted", "rejected"]
    assert [e.detail["user"] for e in events if e.action == "user_add"] == ["quantri", "duyet", "chuse", "bandcd"]
    assert audit.events(ops, unit_key=reporter.units[0], action="upload")[0].submission_id == sent.submission_id

    # Every version of the value: who sent it, who reviewed it, which one counts.
    history = query(db, "value_history", unit_key=reporter.units[0], metric_code="work_records_online", period=PERIOD)
    assert [(h["value"], h["submitted_by"], h["review_state"], h["reviewed_by"], h["current"]) for h in history] == [
        (500, "chuse", "sent_back", "duyet", False),
        (620, "chuse", "accepted", "duyet", True),
    ]


def test_with_review_off_a_send_back_keeps_the_values_and_the_reporter_reads_its_comment(db, tmp_path):
    ops = ops_path(db)
    chu_se = unit_key(db, "633")
    reporter = add_user(ops, "chuse", "reporter", PASSWORD, units=[chu_se])
    reviewer = add_user(ops, "duyet", "reviewer", PASSWORD)
    sent = upload(db, filled_template(tmp_path / "chuse.xlsx", CHU_SE, PERIOD,
                                      {"work_records_total": 800, "work_records_online": 400}), reporter)
    assert shown(db) == {"work_records_total": 800, "work_records_online": 400}  # counted at once
    decide(ops, reviewer, sent.submission_id, "send_back", "Kiểm tra lại tổng số hồ sơ",
           units=units_of(db, sent.submission_id))
    settle(db)
    assert shown(db) == {"work_records_total": 800, "work_records_online": 400}
    mine = query(db, "submission_reviews", unit_keys=[chu_se])
    assert [(r["submission_id"], r["review_state"], r["comment"], r["reviewed_by"]) for r in mine] == [
        (sent.submission_id, "sent_back", "Kiểm tra lại tổng số hồ sơ", "duyet")]
    assert query(db, "review_queue", period=None) == []  # nothing waits when review is off


def test_the_audit_trail_refuses_every_update_and_delete(tmp_path):
    ops = tmp_path / "w.ops.sqlite"
    add_user(ops, "quantri", "admin", PASSWORD, actor="root")
    con = ops_connect(ops)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE audit_events SET actor = 'ai đó' WHERE action = 'user_add'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit_events")
    assert [(e.action, e.actor) for e in audit.events(ops)] == [("user_add", "root")]
    con.close()


def test_no_statement_in_the_repository_updates_or_deletes_the_audit_trail():
    changing = re.compile(r"\b(UPDATE\s+audit_events|DELETE\s+FROM\s+audit_events|DROP\s+TABLE\s+(IF\s+EXISTS\s+)?audit_events"
                          r"|DROP\s+TRIGGER|INSERT\s+OR\s+REPLACE\s+INTO\s+audit_events|REPLACE\s+INTO\s+audit_events)",
                          re.I)
    this_file = Path(__file__).resolve()
    found = [f"{path.relative_to(ROOT)}: {match.group(0)}"
             for folder in ("govkpi", "dashboard", "exports", "etl", "ops", "warehouse", "vocab", "scripts", "tests")
             for path in (ROOT / folder).rglob("*") if path.suffix in (".py", ".sql") and path.resolve() != this_file
             for match in changing.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_who_may_review_lock_unlock_and_comment():
    admin, reviewer, viewer = User("a", "admin"), User("r", "reviewer"), User("v", "viewer")
    reporter = User("p", "reporter", ("old:633",))
    assert [may_review(u) for u in (admin, reviewer, viewer, reporter, None)] == [True, True, False, False, False]
    assert [may_lock(u) for u in (admin, reviewer, viewer, reporter, None)] == [True, True, False, False, False]
    assert [may_unlock(u) for u in (admin, reviewer, viewer, reporter, None)] == [True, False, False, False, False]
    assert [may_comment(u, "old:633") for u in (admin, reviewer, viewer, reporter, None)] == [True, True, False, True, False]
    assert not may_comment(reporter, "old:622")


def test_the_current_value_is_the_latest_reviewed_one_given_uploads_and_decisions(review_db, tmp_path):
    """Given: v1 accepted by review, v2 waiting, v3 sent back. Expect: v1 counts. Given: v2 accepted.
    Expect: v2 counts (the latest reviewed), v3 still not. Given: review turned off, v4 loaded.
    Expect: v4 counts at once."""
    db, ops = review_db, ops_path(review_db)
    reviewer = User("duyet", "reviewer")
    con = connect(db)
    try:
        loader = Loader(con, CATALOG, submitted_by="CNTT")
        ids = [loader.load_file(filled_template(tmp_path / f"v{n}.xlsx", CHU_SE, PERIOD,
                                                {"work_records_total": 100 * n})).submission_id for n in (1, 2, 3)]
        decide(ops, reviewer, ids[0], "accept")
        decide(ops, reviewer, ids[2], "send_back", "sai")
        apply_ops(con, ops)
        assert current(con, "633", PERIOD) == {"work_records_total": 100}
        decide(ops, reviewer, ids[1], "accept")
        assert apply_ops(con, ops) == 1 and apply_ops(con, ops) == 0  # applied once, by seq
        assert current(con, "633", PERIOD) == {"work_records_total": 200}
        set_review(con, "off")
        Loader(con, CATALOG, submitted_by="CNTT").load_file(
            filled_template(tmp_path / "v4.xlsx", CHU_SE, PERIOD, {"work_records_total": 400}))
        assert current(con, "633", PERIOD) == {"work_records_total": 400}
    finally:
        con.close()


def test_a_reviewed_figure_its_comment_and_the_lock_appear_in_the_deck_and_the_workbook(review_db, people, tmp_path):
    db, ops = review_db, ops_path(review_db)
    reporter, reviewer = people["reporter"], people["reviewer"]
    sent = upload(db, filled_template(tmp_path / "chuse.xlsx", CHU_SE, PERIOD,
                                      {"work_records_total": 1000, "work_records_online": 350}), reporter)
    decide(ops, reviewer, sent.submission_id, "accept", units=units_of(db, sent.submission_id))
    with pytest.raises(Forbidden):
        add_comment(ops, people["viewer"], reporter.units[0], RATE, PERIOD, "xem")
    add_comment(ops, reporter, reporter.units[0], RATE, PERIOD, "Giảm do mất điện hai tuần")
    lock_period(ops, reviewer, PERIOD)
    settle(db)

    deck = export("pptx", PERIOD, str(snapshot_path(db)), str(tmp_path / "bo.pptx"), cache=False)
    slides = Presentation(str(deck)).slides
    notes = [s.notes_slide.notes_text_frame.text for s in slides if s.has_notes_slide]
    rate_notes = next(n for n in notes if "Giảm do mất điện hai tuần" in n)
    assert "Huyện Chư Sê: Giảm do mất điện hai tuần (chuse, " in rate_notes
    assert "35,0%" in rate_notes  # the reviewed figure: 350 / 1.000
    lock_line = re.compile(r"Số liệu đã chốt ngày \d\d/\d\d/\d{4}")
    title_text = "\n".join(shape.text_frame.text for shape in slides[0].shapes if shape.has_text_frame)
    assert lock_line.search(title_text)

    book_path = export("xlsx", PERIOD, str(snapshot_path(db)), str(tmp_path / "so.xlsx"), cache=False)
    book = openpyxl.load_workbook(book_path)
    assert lock_line.fullmatch(book.worksheets[0]["A4"].value)
    comments = book["Ghi chú"]
    row = [c.value for c in comments[5]]
    assert row[1:6] == ["633", "Huyện Chư Sê", "Cấp huyện", "Giảm do mất điện hai tuần", "chuse"]
    summary = [[c.value for c in r] for r in book.worksheets[0].iter_rows()]
    assert any(r[1] and "tỷ lệ" in str(r[1]).lower() and r[2] == "Cấp huyện" and r[3] == 350 for r in summary)

    report = export("docx", PERIOD, str(snapshot_path(db)), str(tmp_path / "bc.docx"), cache=False)
    from docx import Document
    assert any(lock_line.search(p.text) for p in Document(str(report)).paragraphs)
