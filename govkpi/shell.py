"""What the command line's modules share: the error console, the common options, and the small
steps every command that reads the warehouse or changes the ops file takes (a usage error is a
sentence and exit 2, never a traceback).

The CLI is the server's own operator: whoever runs it can read and write the warehouse and the
ops file directly, so without --as it acts as an admin under the operating-system user's name
(marked in the trail with address 'cli'). --as NAME acts as that account, with its role checked
like on the web, for an ICT staffer who reviews from the shell under their own name."""
from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn, Optional

import typer
from rich.console import Console

from warehouse.paths import DEFAULT_DB

err = Console(stderr=True)
DbOption = typer.Option(DEFAULT_DB, "--db", help="Tệp kho dữ liệu DuckDB / warehouse file")
AsOption = typer.Option(None, "--as", help="Tài khoản thực hiện (mặc định: người vận hành máy chủ, quyền admin)")
CLI_ADDRESS = "cli"  # the audit trail's address for a change made from the shell


def usage_error(message: str) -> NoReturn:
    """Says what is wrong (as written: a unit's name or a path may hold brackets) and exits 2."""
    err.print(message, style="red", highlight=False, markup=False)
    raise typer.Exit(2)


def operator_name() -> str:
    import getpass  # as etl.load._user, without importing the loader (≈0.2 s) into an export

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def acting_user(db: Path, as_name: Optional[str]):
    from ops.accounts import User, get_user
    from ops.store import ops_path

    if not as_name:
        return User(operator_name(), "admin")
    user = get_user(ops_path(db), as_name)
    if user is None:
        usage_error(f"Không có tài khoản '{as_name}' (--as). / No user '{as_name}'.")
    return user


def need_db(db: Path) -> None:
    if not db.exists():
        usage_error(f"Chưa có kho dữ liệu {db}. Hãy chạy: govkpi init --province \"Gia Lai\" --db {db}")


def period_code(period: str) -> str:
    from vocab.periods import parse_code

    try:
        return parse_code(period).code
    except ValueError as error:
        usage_error(str(error))


def read(db: Path, name: str, **params) -> list[dict]:
    """Runs a read query on the published snapshot (what the pages show)."""
    from warehouse.reader import connect_read_only, fetch_rows, reading_path

    con = connect_read_only(reading_path(db))
    try:
        return fetch_rows(con, name, **params)
    finally:
        con.close()


def submission_units(db: Path, submission_id: int) -> list[tuple[str, str]]:
    return [(r["unit_key"], r["period"]) for r in read(db, "submission_units", submission_id=submission_id)]


def print_json(rows) -> None:
    print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))


def refused(call):
    """Runs an ops call; a refusal (role, missing comment, …) is a usage error, exit 2."""
    from ops.review import Forbidden, ReviewError

    try:
        return call()
    except (Forbidden, ReviewError) as error:
        usage_error(str(error))


def after_change(db: Path) -> None:
    from etl.writer import apply_ops_now

    if not apply_ops_now(db):
        err.print("Bộ ghi đang chạy: thay đổi hiển thị sau vài giây. / The writer shows it within seconds.")


def resolve_units(db: Path, refs: list[str]) -> list[str]:
    """Gives the unit_keys the references name (a unit_key, or a code of a unit in force); refuses
    codes the warehouse does not know."""
    from warehouse.reader import connect_read_only, fetch_rows, reading_path

    if not refs:
        return []
    if not db.exists():
        usage_error(f"Chưa có kho dữ liệu {db}: cần danh mục đơn vị để kiểm tra mã đơn vị.")
    con = connect_read_only(reading_path(db))
    try:
        keys = []
        for ref in refs:
            rows = fetch_rows(con, "unit_lookup", unit=ref.strip())
            exact = [r for r in rows if r["exact_key"]]
            current = [r for r in rows if r["in_force"]]
            chosen = exact or (current if len(current) == 1 else rows if len(rows) == 1 else [])
            if not rows:
                usage_error(f"Không có đơn vị mã '{ref}' trong danh mục đơn vị của kho {db}. / Unknown unit code.")
            if not chosen:
                usage_error(f"Mã '{ref}' ứng với nhiều đơn vị: {', '.join(r['unit_key'] for r in rows)}; "
                            "hãy ghi unit_key. / Ambiguous code: give the unit_key.")
            keys.append(chosen[0]["unit_key"])
        return keys
    finally:
        con.close()
