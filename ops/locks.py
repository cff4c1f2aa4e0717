"""Period locks: once the quarter's report has gone out, its figures must not move.

A reviewer or an admin locks a period; only an admin unlocks it, with a reason. Each is a row
that only grows (the latest row of a period says whether it is locked) with its audit row in
one transaction. The writer copies them into the warehouse (etl/review_sync.py) before each
group it loads and refuses every file with a unit-period of a locked period, whole, saying who
can unlock it; exports of a locked period carry 'Số liệu đã chốt ngày dd/mm/yyyy'."""
from __future__ import annotations

from dataclasses import dataclass

from ops import audit
from ops.accounts import User, admins, may_lock, may_unlock
from ops.review import Forbidden, ReviewError, nfc
from ops.store import OpsDb, connection, now_text, transaction


@dataclass(frozen=True)
class LockState:
    period: str
    locked: bool
    actor: str
    at: str           # UTC ISO time of the latest lock or unlock
    reason: str | None
    contacts: str | None


def lock_period(db: OpsDb, user: User | None, period: str, reason: str | None = None,
                address: str | None = None) -> LockState:
    """Locks a period (a reviewer or an admin); locking a locked period is refused."""
    if not may_lock(user):
        raise Forbidden("Chỉ người duyệt hoặc quản trị viên được chốt số liệu một kỳ. / "
                        "Only a reviewer or an admin locks a period.")
    return _write(db, user, period, "lock", nfc(reason) or None, address)


def unlock_period(db: OpsDb, user: User | None, period: str, reason: str, address: str | None = None) -> LockState:
    """Unlocks a period (an admin, with a reason that goes into the audit trail)."""
    if not may_unlock(user):
        raise Forbidden("Chỉ quản trị viên được mở khóa một kỳ đã chốt. / Only an admin unlocks a period.")
    if not nfc(reason):
        raise ReviewError("Mở khóa cần ghi lý do (--reason). / Unlocking needs a reason.")
    return _write(db, user, period, "unlock", nfc(reason), address)


def lock_state(db: OpsDb, period: str) -> LockState | None:
    """Gives the period's latest lock or unlock, None when it was never locked."""
    with connection(db) as con:
        row = con.execute("SELECT period, action, actor, at, reason, contacts FROM period_locks "
                          "WHERE period = ? ORDER BY seq DESC LIMIT 1", (period,)).fetchone()
    if row is None:
        return None
    return LockState(row["period"], row["action"] == "lock", row["actor"], row["at"], row["reason"], row["contacts"])


def _write(db: OpsDb, user: User, period: str, action: str, reason: str | None, address: str | None) -> LockState:
    contacts = ", ".join(admins(db)) or None
    at = now_text()
    with transaction(db) as con:
        row = con.execute("SELECT action FROM period_locks WHERE period = ? ORDER BY seq DESC LIMIT 1",
                          (period,)).fetchone()
        now_locked = row is not None and row[0] == "lock"
        if action == "lock" and now_locked:
            raise ReviewError(f"Kỳ {period} đã chốt rồi. / Period {period} is already locked.")
        if action == "unlock" and not now_locked:
            raise ReviewError(f"Kỳ {period} chưa chốt, không có gì để mở. / Period {period} is not locked.")
        con.execute("INSERT INTO period_locks (period, action, reason, contacts, actor, role, address, at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (period, action, reason, contacts, user.name, user.role, address, at))
        audit.record(con, action, user.name, user.role, address, period=period,
                     detail={"locked": action == "lock", "reason": reason})
    return LockState(period, action == "lock", user.name, at, reason, contacts)
