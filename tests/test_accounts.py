"""Accounts: passwords kept as argon2 hashes, API tokens kept as sha256, a wrong password
refused, and an account locked after repeated failures — counted in the ops file, so two server
processes (here two app instances on one ops file) share the count."""
from __future__ import annotations

import hashlib
import re
import sqlite3

import pytest
from argon2 import PasswordHasher

from dashboard.app import create_app
from ops import accounts
from ops.accounts import (MAX_FAILURES, AccountError, User, add_user, check_password, create_token,
                          has_users, list_users, may_see_unit, may_upload_for, remove_user, set_password,
                          user_for_token)
from ops.store import ops_path

PASSWORD = "mật-khẩu-đủ-dài"


@pytest.fixture
def ops_db(tmp_path):
    return tmp_path / "warehouse.ops.sqlite"


def raw(ops_db, sql, *params):
    with sqlite3.connect(ops_db) as con:
        return con.execute(sql, params).fetchall()


def test_the_ops_file_lies_beside_the_warehouse_and_its_snapshot():
    assert ops_path("data/warehouse.duckdb").as_posix() == "data/warehouse.ops.sqlite"
    assert ops_path("data/warehouse.read.duckdb").as_posix() == "data/warehouse.ops.sqlite"


def test_the_ops_file_is_sqlite_in_wal_mode(ops_db):
    assert not has_users(ops_db)
    assert raw(ops_db, "PRAGMA journal_mode") == [("wal",)]


def test_the_stored_password_is_an_argon2_hash_not_the_password(ops_db):
    add_user(ops_db, "cntt", "admin", PASSWORD)
    [(stored,)] = raw(ops_db, "SELECT password_hash FROM users WHERE name = 'cntt'")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert check_password(ops_db, "cntt", PASSWORD) == User("cntt", "admin", ())


def test_a_wrong_password_or_an_unknown_name_gives_no_user(ops_db):
    add_user(ops_db, "cntt", "admin", PASSWORD)
    assert check_password(ops_db, "cntt", PASSWORD + "x") is None
    assert check_password(ops_db, "ai-do", PASSWORD) is None


def test_an_older_weaker_hash_is_replaced_at_the_next_login(ops_db):
    add_user(ops_db, "cntt", "admin", PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    raw(ops_db, "UPDATE users SET password_hash = ? WHERE name = 'cntt'", weak)
    assert check_password(ops_db, "cntt", PASSWORD) is not None
    [(stored,)] = raw(ops_db, "SELECT password_hash FROM users WHERE name = 'cntt'")
    assert stored != weak and not PasswordHasher().check_needs_rehash(stored)


def test_api_tokens_are_stored_only_as_their_sha256(ops_db):
    add_user(ops_db, "ubnd-xa", "reporter", PASSWORD, ["new:52:23404"])
    token = create_token(ops_db, "ubnd-xa")
    assert len(token) >= 40
    assert raw(ops_db, "SELECT token_sha256 FROM tokens") == [(hashlib.sha256(token.encode()).hexdigest(),)]
    assert user_for_token(ops_db, token) == User("ubnd-xa", "reporter", ("new:52:23404",))
    assert user_for_token(ops_db, token[:-1]) is None
    remove_user(ops_db, "ubnd-xa")  # removing the account ends its tokens
    assert user_for_token(ops_db, token) is None and raw(ops_db, "SELECT * FROM tokens") == []


@pytest.mark.parametrize("name, role, units, refused", [
    ("ubnd-xa", "reporter", [], "ít nhất một đơn vị"),
    ("uy-ban", "viewer", ["new:52"], "chỉ reporter được gán đơn vị"),
    ("ai do", "viewer", [], "Tên đăng nhập không hợp lệ"),
    ("cntt", "superuser", [], "Vai trò 'superuser' không có"),
])
def test_inconsistent_accounts_are_refused_in_vietnamese(ops_db, name, role, units, refused):
    with pytest.raises(AccountError, match=refused):
        add_user(ops_db, name, role, PASSWORD, units)
    assert list_users(ops_db) == []


def test_a_short_password_is_refused(ops_db):
    with pytest.raises(AccountError, match="ít nhất 8 ký tự"):
        add_user(ops_db, "cntt", "admin", "ngắn")


@pytest.mark.parametrize("user, unit, upload, see", [
    (User("cntt", "admin"), "new:52:23404", True, True),
    (User("to-tham-dinh", "reviewer"), "new:52:23404", False, True),
    (User("uy-ban", "viewer"), "new:52:23404", False, True),
    (User("ubnd-xa", "reporter", ("new:52:23404",)), "new:52:23404", True, True),
    (User("ubnd-xa", "reporter", ("new:52:23404",)), "new:52:23407", False, False),
    (None, "new:52:23404", False, False),
])
def test_who_may_upload_for_and_see_a_units_submissions(user, unit, upload, see):
    assert may_upload_for(user, unit) is upload
    assert may_see_unit(user, unit) is see


def csrf_token(client, path="/dang-nhap") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(client, name, password):
    return client.post("/dang-nhap", data={"name": name, "password": password, "csrf_token": csrf_token(client)})


def test_five_failures_lock_the_account_in_every_worker(demo_db, tmp_path, ops_db):
    """Two app instances on one ops file stand in for two gunicorn workers: the failures made
    on either count together, and the lock holds in both, even for the right password."""
    add_user(ops_db, "cntt", "admin", PASSWORD)
    first = create_app(str(demo_db), ops_db=str(ops_db)).server.test_client()
    second = create_app(str(demo_db), ops_db=str(ops_db)).server.test_client()
    for attempt in range(MAX_FAILURES):
        response = login(first if attempt % 2 else second, "cntt", "sai-mat-khau")
        assert response.status_code == 401
    assert "tạm khoá" in response.get_data(as_text=True)
    for client in (first, second):
        response = login(client, "cntt", PASSWORD)
        assert response.status_code == 401 and "tạm khoá" in response.get_data(as_text=True)
    # A new password from the ICT department lifts the lock.
    set_password(ops_db, "cntt", PASSWORD + "-moi")
    assert login(second, "cntt", PASSWORD + "-moi").status_code == 302


def test_a_lock_ends_after_its_time(ops_db):
    add_user(ops_db, "cntt", "admin", PASSWORD)
    for _ in range(MAX_FAILURES):
        check_password(ops_db, "cntt", "sai-mat-khau")
    assert check_password(ops_db, "cntt", PASSWORD) is None
    raw(ops_db, "UPDATE login_failures SET locked_until = 0")
    assert check_password(ops_db, "cntt", PASSWORD) == User("cntt", "admin", ())


def test_a_success_clears_the_failures_before_the_lock(ops_db):
    add_user(ops_db, "cntt", "admin", PASSWORD)
    for _ in range(MAX_FAILURES - 1):
        check_password(ops_db, "cntt", "sai-mat-khau")
    assert check_password(ops_db, "cntt", PASSWORD) is not None
    check_password(ops_db, "cntt", "sai-mat-khau")
    assert check_password(ops_db, "cntt", PASSWORD) is not None


def test_a_new_password_ends_the_sessions_opened_before_it(demo_db, ops_db):
    add_user(ops_db, "uy-ban", "viewer", PASSWORD)
    client = create_app(str(demo_db), ops_db=str(ops_db)).server.test_client()
    assert login(client, "uy-ban", PASSWORD).status_code == 302
    assert client.get("/_dash-layout").status_code == 200
    set_password(ops_db, "uy-ban", PASSWORD + "-moi")
    assert client.get("/_dash-layout").status_code == 401
