"""`govkpi user …` and `govkpi token …`: accounts, roles and API tokens, kept in the ops file
(ops/accounts.py), each change written to the audit trail under the operator's name."""
from __future__ import annotations

import sys
from pathlib import Path

import typer

from govkpi.shell import CLI_ADDRESS, DbOption, err, operator_name, resolve_units, usage_error

user_app = typer.Typer(no_args_is_help=True, help="Tài khoản và vai trò / accounts and roles")
token_app = typer.Typer(no_args_is_help=True, help="Mã truy cập API / API tokens")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Mật khẩu / password", hide_input=True, confirmation_prompt=True, err=True)


@user_app.command("add")
def user_add(name: str = typer.Argument(..., help="Tên đăng nhập"),
             role: str = typer.Option(..., "--role", help="admin | reviewer | viewer | reporter"),
             unit: list[str] = typer.Option([], "--unit", help="Mã đơn vị (hoặc unit_key) của reporter; lặp lại được"),
             password_stdin: bool = typer.Option(False, "--password-stdin", help="Đọc mật khẩu từ stdin"),
             db: Path = DbOption) -> None:
    """Thêm tài khoản / add a user."""
    from ops.accounts import AccountError, add_user
    from ops.store import ops_path

    keys = resolve_units(db, unit)
    try:
        user = add_user(ops_path(db), name, role, _read_password(password_stdin), keys, actor=operator_name(),
                        address=CLI_ADDRESS)
    except AccountError as error:
        usage_error(str(error))
    err.print(f"Đã thêm {user.name} ({user.role}{': ' + ', '.join(user.units) if user.units else ''}).")


@user_app.command("list")
def user_list(db: Path = DbOption) -> None:
    """Liệt kê tài khoản / list users."""
    from ops.accounts import list_users
    from ops.store import ops_path

    for user in list_users(ops_path(db)):
        typer.echo(f"{user.name}\t{user.role}\t{','.join(user.units)}")


@user_app.command("remove")
def user_remove(name: str = typer.Argument(...), db: Path = DbOption) -> None:
    """Xoá tài khoản (cùng các mã API của nó) / remove a user and its tokens."""
    from ops.accounts import AccountError, remove_user
    from ops.store import ops_path

    try:
        remove_user(ops_path(db), name, actor=operator_name(), address=CLI_ADDRESS)
    except AccountError as error:
        usage_error(str(error))
    err.print(f"Đã xoá tài khoản {name}.")


@user_app.command("passwd")
def user_passwd(name: str = typer.Argument(...),
                password_stdin: bool = typer.Option(False, "--password-stdin"),
                db: Path = DbOption) -> None:
    """Đặt mật khẩu mới (các phiên đang mở phải đăng nhập lại) / set a new password."""
    from ops.accounts import AccountError, set_password
    from ops.store import ops_path

    try:
        set_password(ops_path(db), name, _read_password(password_stdin), actor=operator_name(), address=CLI_ADDRESS)
    except AccountError as error:
        usage_error(str(error))
    err.print(f"Đã đổi mật khẩu của {name}.")


@token_app.command("create")
def token_create(name: str = typer.Argument(...), db: Path = DbOption) -> None:
    """In ra một mã API mới cho tài khoản (chỉ mã, trên stdout) / print a new API token."""
    from ops.accounts import AccountError, create_token
    from ops.store import ops_path

    try:
        token = create_token(ops_path(db), name, actor=operator_name(), address=CLI_ADDRESS)
    except AccountError as error:
        usage_error(str(error))
    err.print(f"Mã API mới của {name}; chỉ hiện một lần, hãy lưu lại:")
    typer.echo(token)
