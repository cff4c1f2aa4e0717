"""Accounts, roles and API tokens: the one place that says who may do what.

Roles: admin (the ICT department, everything), reviewer (ICT staff reviewing submissions),
viewer (the committee: every page and export, no upload), reporter (uploads for its own units,
sees their submissions and the province's published figures). A user's units are unit_keys
(`new:52:23404`-style keys are unique across eras; a GSO unit_code is not)."""
from __future__ import annotations

import hashlib
import secrets
import time
import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ops import audit
from ops.store import OpsDb, connection, transaction

ROLES = ("admin", "reviewer", "viewer", "reporter")
UPLOAD_ROLES = ("admin", "reporter")
ALL_UNITS_ROLES = ("admin", "reviewer", "viewer")
MAX_FAILURES = 5          # failed logins in a row on one account …
LOCK_SECONDS = 15 * 60    # … lock it this long
MIN_PASSWORD = 8

_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class User:
    name: str
    role: str
    units: tuple[str, ...] = ()   # unit_keys; empty for roles that see every unit


class AccountError(ValueError):
    """A refused account change; the message is Vietnamese first, then English."""


def norm_name(name: str) -> str:
    return unicodedata.normalize("NFC", name or "").strip()


def _check_password_rule(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự. / "
                           f"The password needs at least {MIN_PASSWORD} characters.")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(db: OpsDb, name: str, role: str, password: str, units=(), actor: str | None = None,
             address: str | None = None) -> User:
    """Adds an account; a reporter needs at least one unit, other roles take none. `actor` (who
    did it) goes into the audit trail with the change, in its transaction."""
    name = norm_name(name)
    units = tuple(dict.fromkeys(units))
    if not name or any(c.isspace() for c in name) or len(name) > 64:
        raise AccountError(f"Tên đăng nhập không hợp lệ: '{name}' (không dấu cách, tối đa 64 ký tự). / "
                           "Invalid user name (no spaces, at most 64 characters).")
    if role not in ROLES:
        raise AccountError(f"Vai trò '{role}' không có; chọn một trong {', '.join(ROLES)}. / Unknown role.")
    if role == "reporter" and not units:
        raise AccountError("Tài khoản báo cáo (reporter) cần ít nhất một đơn vị (--unit). / "
                           "A reporter needs at least one unit (--unit).")
    if role != "reporter" and units:
        raise AccountError(f"Vai trò {role} xem mọi đơn vị; chỉ reporter được gán đơn vị. / "
                           "Only a reporter is given units.")
    _check_password_rule(password)
    hashed = _hasher.hash(password)
    with transaction(db) as con:
        if con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AccountError(f"Đã có tài khoản '{name}'. / User '{name}' exists.")
        con.execute("INSERT INTO users (name, role, password_hash) VALUES (?, ?, ?)", (name, role, hashed))
        con.executemany("INSERT INTO user_units (name, unit_key) VALUES (?, ?)", [(name, u) for u in units])
        audit.record(con, "user_add", actor, address=address, detail={"user": name, "role": role, "units": list(units)})
    return User(name, role, units)


def _require_user(con, name: str) -> None:
    if not con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
        raise AccountError(f"Không có tài khoản '{name}'. / No user '{name}'.")


def remove_user(db: OpsDb, name: str, actor: str | None = None, address: str | None = None) -> None:
    """Removes an account with its units and tokens (its sessions stop at their next request)."""
    name = norm_name(name)
    with transaction(db) as con:
        _require_user(con, name)
        was = _user(con, name)
        con.execute("DELETE FROM users WHERE name = ?", (name,))
        con.execute("DELETE FROM login_failures WHERE name = ?", (name,))
        audit.record(con, "user_remove", actor, address=address,
                     detail={"user": name, "role": was.role, "units": list(was.units)})


def set_password(db: OpsDb, name: str, password: str, actor: str | None = None, address: str | None = None) -> None:
    """Sets a new password and lifts a lock (the old sessions stop: see session_key)."""
    name = norm_name(name)
    _check_password_rule(password)
    hashed = _hasher.hash(password)
    with transaction(db) as con:
        _require_user(con, name)
        con.execute("UPDATE users SET password_hash = ? WHERE name = ?", (hashed, name))
        con.execute("DELETE FROM login_failures WHERE name = ?", (name,))
        audit.record(con, "user_passwd", actor, address=address, detail={"user": name})  # never the password


def _user(con, name: str) -> User | None:
    row = con.execute("SELECT name, role FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        return None
    units = tuple(r[0] for r in con.execute(
        "SELECT unit_key FROM user_units WHERE name = ? ORDER BY unit_key", (name,)))
    return User(row["name"], row["role"], units)


def get_user(db: OpsDb, name: str) -> User | None:
    with connection(db) as con:
        return _user(con, norm_name(name))


def list_users(db: OpsDb) -> list[User]:
    with connection(db) as con:
        names = [r[0] for r in con.execute("SELECT name FROM users ORDER BY name")]
        return [_user(con, n) for n in names]


def has_users(db: OpsDb) -> bool:
    with connection(db) as con:
        return con.execute("SELECT EXISTS (SELECT 1 FROM users)").fetchone()[0] == 1


def locked_until(db: OpsDb, name: str, now: float | None = None) -> float | None:
    """Gives the time (epoch seconds) until which the account is locked, or None."""
    now = time.time() if now is None else now
    with connection(db) as con:
        row = con.execute("SELECT locked_until FROM login_failures WHERE name = ?", (norm_name(name),)).fetchone()
    return row[0] if row and row[0] and row[0] > now else None


def check_password(db: OpsDb, name: str, password: str) -> User | None:
    """Gives the user when the password is right and the account not locked; counts failures
    (MAX_FAILURES in a row lock the account LOCK_SECONDS, in the ops file every worker shares)."""
    name = norm_name(name)
    now = time.time()
    with connection(db) as con:
        row = con.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            try:
                _hasher.verify(_DUMMY_HASH, password or "")
            except VerificationError:
                pass
            return None
        if locked_until(con, name, now) is not None:
            return None
        stored = row[0]
        try:
            _hasher.verify(stored, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            with transaction(con):
                con.execute(
                    "INSERT INTO login_failures (name, failures) VALUES (?, 1) "
                    "ON CONFLICT (name) DO UPDATE SET failures = failures + 1", (name,))
                con.execute(
                    "UPDATE login_failures SET failures = 0, locked_until = ? WHERE name = ? AND failures >= ?",
                    (now + LOCK_SECONDS, name, MAX_FAILURES))
            return None
        with transaction(con):
            con.execute("DELETE FROM login_failures WHERE name = ?", (name,))
            if _hasher.check_needs_rehash(stored):  # parameters raised since: store the stronger hash
                con.execute("UPDATE users SET password_hash = ? WHERE name = ? AND password_hash = ?",
                            (_hasher.hash(password), name, stored))
        return _user(con, name)


def session_key(db: OpsDb, name: str) -> str | None:
    """Gives what a login session carries: the name and a fingerprint of the password hash, so a
    new password or a removed account ends every session at its next request."""
    with connection(db) as con:
        row = con.execute("SELECT password_hash FROM users WHERE name = ?", (norm_name(name),)).fetchone()
    if row is None:
        return None
    return f"{norm_name(name)}|{hashlib.sha256(row[0].encode()).hexdigest()[:16]}"


def user_for_session_key(db: OpsDb, key: str) -> User | None:
    name, _, _ = (key or "").partition("|")
    expected = session_key(db, name) if name else None
    if expected is None or not secrets.compare_digest(expected, key):
        return None
    return get_user(db, name)


def create_token(db: OpsDb, name: str, actor: str | None = None, address: str | None = None) -> str:
    """Gives a new API token for the user; only its sha256 is stored, so it is shown once."""
    name = norm_name(name)
    token = secrets.token_urlsafe(32)
    with transaction(db) as con:
        _require_user(con, name)
        con.execute("INSERT INTO tokens (token_sha256, name) VALUES (?, ?)", (token_hash(token), name))
        audit.record(con, "token_create", actor, address=address, detail={"user": name})  # never the token
    return token


def user_for_token(db: OpsDb, token: str) -> User | None:
    if not token:
        return None
    with connection(db) as con:
        row = con.execute("SELECT name FROM tokens WHERE token_sha256 = ?", (token_hash(token),)).fetchone()
        if row is None:
            return None
        con.execute("UPDATE tokens SET last_used_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                    "WHERE token_sha256 = ?", (token_hash(token),))
        return _user(con, row[0])


def may_upload_for(user: User | None, unit: str) -> bool:
    """An admin uploads for any unit; a reporter for its own units (unit_keys); nobody else."""
    if user is None:
        return False
    return user.role == "admin" or (user.role == "reporter" and unit in user.units)


def may_see_unit(user: User | None, unit: str) -> bool:
    """May the user see this unit's submissions (files, problems)? Published figures are for every
    signed-in role; a reporter sees only its own units' submissions."""
    if user is None:
        return False
    return user.role in ALL_UNITS_ROLES or unit in user.units


# Review, lock and comment (issue 12): the pages, the API and the CLI ask these, nothing else.
REVIEW_ROLES = ("admin", "reviewer")


def may_review(user: User | None) -> bool:
    """Accepts or sends back a submission: an admin or a reviewer (ICT staff)."""
    return user is not None and user.role in REVIEW_ROLES


def may_lock(user: User | None) -> bool:
    """Locks a period (after the committee's meeting): a reviewer or an admin."""
    return user is not None and user.role in REVIEW_ROLES


def may_unlock(user: User | None) -> bool:
    """Unlocks a period, with a reason: an admin only (the ICT department answers for the report sent)."""
    return user is not None and user.role == "admin"


def may_comment(user: User | None, unit_key: str) -> bool:
    """Comments on a unit's figure: a reporter on its own units; reviewers and admins on any;
    a viewer (the committee) asks in the meeting, it does not annotate the figures."""
    if user is None:
        return False
    return user.role in REVIEW_ROLES or (user.role == "reporter" and unit_key in user.units)


def admins(db: OpsDb) -> list[str]:
    """Gives the admins' names: who can unlock a period."""
    with connection(db) as con:
        return [r[0] for r in con.execute("SELECT name FROM users WHERE role = 'admin' ORDER BY name")]
