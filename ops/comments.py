"""Comments on a figure: unit × indicator × period ("giảm do mất điện hai tuần").

A reporter explains its own units; reviewers and admins comment on any (ops.accounts.may_comment).
Written at once with the audit row in one transaction, NFC; the writer copies them into the
warehouse's value_comments (etl/review_sync.py), where the pages and the exports (deck's speaker
notes, the XLSX's comments sheet) read them. Comments are never edited: a later one adds to it."""
from __future__ import annotations

from dataclasses import dataclass

from ops import audit
from ops.accounts import User, may_comment
from ops.review import Forbidden, ReviewError, nfc
from ops.store import OpsDb, now_text, transaction

MAX_COMMENT = 2000


@dataclass(frozen=True)
class Comment:
    seq: int
    unit_key: str
    indicator_code: str
    period: str
    text: str
    actor: str
    at: str


def add_comment(db: OpsDb, user: User | None, unit_key: str, indicator_code: str, period: str, text: str,
                address: str | None = None) -> Comment:
    """Records a comment and its audit row in one transaction."""
    if not may_comment(user, unit_key):
        raise Forbidden("Tài khoản này không được ghi chú cho đơn vị này (đơn vị báo cáo chỉ ghi chú cho đơn vị của mình). / "
                        "This account may not comment on this unit.")
    text = nfc(text)
    if not text:
        raise ReviewError("Ghi chú trống. / The comment is empty.")
    if len(text) > MAX_COMMENT:
        raise ReviewError(f"Ghi chú dài quá {MAX_COMMENT} ký tự. / The comment is longer than {MAX_COMMENT} characters.")
    at = now_text()
    with transaction(db) as con:
        seq = con.execute(
            "INSERT INTO value_comments (unit_key, indicator_code, period, text, actor, role, address, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
            (unit_key, indicator_code, period, text, user.name, user.role, address, at)).fetchone()[0]
        audit.record(con, "comment", user.name, user.role, address, unit_key=unit_key, period=period,
                     indicator_code=indicator_code, detail={"text": text})
    return Comment(seq, unit_key, indicator_code, period, text, user.name, at)
