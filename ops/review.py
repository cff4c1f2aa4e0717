"""Review decisions: a reviewer accepts a submission, or sends it back with a comment.

The decision is written to the ops file at once, with its audit row, in one transaction; the
one writer copies it into the warehouse (etl/review_sync.py), recomputes the figures of the
submission's units and periods, and publishes: the pages show it within a few seconds.

What a decision does depends on the warehouse's `review` setting (data/catalog/settings.yaml):
- required: a submission loaded while review was required counts only once accepted by review
  (current_values takes, per cell, the latest submission that counts); a send-back leaves it
  out, and the figure stays the earlier reviewed one.
- off: every accepted submission counts as it always did; a send-back keeps its values until
  the unit uploads again, and the reporter sees the send-back and its comment.
Decisions are rows that only grow: a later decision on the same submission replaces an
earlier one (a send-back can be reversed by accepting), the earlier stays in the history."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ops import audit
from ops.accounts import User, may_review
from ops.store import OpsDb, connection, now_text, transaction

DECISIONS = ("accept", "send_back")


class Forbidden(PermissionError):
    """The account's role may not do this (HTTP 403); the message is Vietnamese first."""


class ReviewError(ValueError):
    """A refused review, lock or comment (HTTP 400); the message is Vietnamese first, then English."""


@dataclass(frozen=True)
class Decision:
    seq: int
    submission_id: int
    decision: str
    comment: str | None
    actor: str
    role: str
    at: str


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def decide(db: OpsDb, user: User | None, submission_id: int, decision: str, comment: str | None = None,
           address: str | None = None, units: list[tuple[str, str]] | tuple = ()) -> Decision:
    """Records a review decision and its audit row in one transaction. `units`: the (unit_key,
    period) pairs the submission reported (the caller reads them from the warehouse), kept in
    the audit row so the trail can be filtered by unit and period."""
    if not may_review(user):
        raise Forbidden("Chỉ người duyệt (reviewer) hoặc quản trị viên được duyệt số liệu. / "
                        "Only a reviewer or an admin reviews submissions.")
    if decision not in DECISIONS:
        raise ReviewError(f"Quyết định phải là accept hoặc send_back, không phải {decision!r}. / Unknown decision.")
    comment = nfc(comment) or None
    if decision == "send_back" and not comment:
        raise ReviewError("Trả lại cần ghi rõ lý do (--comment) để đơn vị sửa. / A send-back needs a comment.")
    pairs = sorted({(u, p) for u, p in units})
    at = now_text()
    with transaction(db) as con:
        seq = con.execute(
            "INSERT INTO review_decisions (submission_id, decision, comment, actor, role, address, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq",
            (submission_id, decision, comment, user.name, user.role, address, at)).fetchone()[0]
        audit.record(con, f"review_{decision}", user.name, user.role, address,
                     unit_key=pairs[0][0] if len({u for u, _ in pairs}) == 1 else None,
                     period=pairs[0][1] if len({p for _, p in pairs}) == 1 else None,
                     submission_id=submission_id,
                     detail={"decision": decision, "comment": comment, "units": [list(p) for p in pairs]})
    return Decision(seq, submission_id, decision, comment, user.name, user.role, at)


def latest_decisions(db: OpsDb, submission_ids: list[int] | None = None) -> dict[int, Decision]:
    """Gives each submission's latest decision, straight from the ops file (a reporter's own
    upload list shows a send-back the moment it is made, before the writer publishes)."""
    with connection(db) as con:
        rows = con.execute(
            "SELECT seq, submission_id, decision, comment, actor, role, at FROM review_decisions d "
            "WHERE seq = (SELECT max(seq) FROM review_decisions x WHERE x.submission_id = d.submission_id)").fetchall()
    wanted = set(submission_ids) if submission_ids is not None else None
    return {r["submission_id"]: Decision(*r) for r in rows if wanted is None or r["submission_id"] in wanted}
