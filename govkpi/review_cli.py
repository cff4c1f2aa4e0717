"""`govkpi review …`, `lock`, `unlock`, `comment`, `audit` and `history`: the review queue and its
decisions, period locks, comments on figures, the audit trail and a value's versions (issue 12),
through the same engine as the web (ops/review.py, ops/locks.py, ops/comments.py, ops/audit.py).
The top-level commands are registered on the main app by `register`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from govkpi.shell import (CLI_ADDRESS, AsOption, DbOption, acting_user, after_change, err, need_db, period_code,
                          print_json, read, refused, resolve_units, submission_units, usage_error)

review_app = typer.Typer(no_args_is_help=True, help="Duyệt số liệu đơn vị nộp / review submissions")


def register(app: typer.Typer) -> None:
    """Adds `review …` and the top-level commands of this module to the main app."""
    app.add_typer(review_app, name="review")
    for command, name in ((lock, "lock"), (unlock, "unlock"), (comment, "comment"), (audit_trail, "audit"),
                          (history, "history")):
        app.command(name)(command)


@review_app.command("list")
def review_list(period: Optional[str] = typer.Option(None, "--period", help="Chỉ một kỳ, ví dụ 2025Q3"),
                as_json: bool = typer.Option(False, "--json", help="In dạng JSON"),
                db: Path = DbOption) -> None:
    """Hàng chờ duyệt: hạn nộp sớm nhất trước, rồi cấp tỉnh, huyện, xã / the review queue."""
    from vocab.vnformat import fmt_int, fmt_pct

    need_db(db)
    rows = read(db, "review_queue", period=period_code(period) if period else None)
    if as_json:
        print_json(rows)
        return
    out = Console()
    if not rows:
        out.print("Không có lần nộp nào chờ duyệt. / Nothing waits for review.")
        return
    current = None
    for r in rows:
        if r["submission_id"] != current:
            current = r["submission_id"]
            out.print(f"[bold]#{current}[/] {r['unit_name']} ({r['unit_code']}) – {r['period_label']} – {r['file_name']}, "
                      f"{r['submitted_by']}, {r['loaded_at']:%d/%m/%Y %H:%M}", highlight=False)

        def change(value):
            return fmt_pct(value) if value is not None else "–"

        mark = "[red]⚠[/] " if r["flagged"] else "  "
        out.print(f"  {mark}{r['metric_name']}: {fmt_int(r['value']) if r['value'] is not None else '(trống)'}"
                  f" | kỳ trước {fmt_int(r['previous_value']) if r['previous_value'] is not None else '–'}"
                  f" ({change(r['change_previous'])})"
                  f" | cùng kỳ năm trước {fmt_int(r['last_year_value']) if r['last_year_value'] is not None else '–'}"
                  f" ({change(r['change_last_year'])})", highlight=False)


def _review(db: Path, submission_id: int, decision: str, comment: Optional[str], as_name: Optional[str]) -> None:
    from ops.review import decide
    from ops.store import ops_path

    need_db(db)
    units = submission_units(db, submission_id)
    if not units:
        usage_error(f"Không có lần nộp số {submission_id} đã nạp. / No accepted submission {submission_id}.")
    user = acting_user(db, as_name)
    refused(lambda: decide(ops_path(db), user, submission_id, decision, comment, CLI_ADDRESS, units))
    err.print(f"Lần nộp số {submission_id}: {'đã duyệt' if decision == 'accept' else 'đã trả lại'} ({user.name}).")
    after_change(db)


@review_app.command("accept")
def review_accept(submission_id: int = typer.Argument(..., help="Số lần nộp"),
                  comment: Optional[str] = typer.Option(None, "--comment"),
                  as_name: Optional[str] = AsOption, db: Path = DbOption) -> None:
    """Duyệt một lần nộp: số liệu được tính / accept a submission."""
    _review(db, submission_id, "accept", comment, as_name)


@review_app.command("send-back")
def review_send_back(submission_id: int = typer.Argument(..., help="Số lần nộp"),
                     comment: str = typer.Option(..., "--comment", help="Lý do trả lại, đơn vị sẽ đọc"),
                     as_name: Optional[str] = AsOption, db: Path = DbOption) -> None:
    """Trả lại một lần nộp kèm lý do / send a submission back with a comment."""
    _review(db, submission_id, "send_back", comment, as_name)


def lock(period: str = typer.Argument(..., help="Kỳ, ví dụ 2025Q3"),
         reason: Optional[str] = typer.Option(None, "--reason"),
         as_name: Optional[str] = AsOption, db: Path = DbOption) -> None:
    """Chốt số liệu một kỳ: không nhận thêm tệp nộp / lock a period."""
    from ops.locks import lock_period

    _change_lock(db, period, as_name, reason, lock_period, "Đã chốt số liệu kỳ")


def unlock(period: str = typer.Argument(..., help="Kỳ, ví dụ 2025Q3"),
           reason: str = typer.Option(..., "--reason", help="Lý do mở khóa (ghi vào nhật ký)"),
           as_name: Optional[str] = AsOption, db: Path = DbOption) -> None:
    """Mở khóa một kỳ đã chốt (quản trị viên, có lý do) / unlock a period."""
    from ops.locks import unlock_period

    _change_lock(db, period, as_name, reason, unlock_period, "Đã mở khóa kỳ")


def _change_lock(db: Path, period: str, as_name: Optional[str], reason: Optional[str], change, done: str) -> None:
    """Locks or unlocks a period as the acting user (ops/locks.py checks the role), then says so."""
    from ops.store import ops_path

    need_db(db)
    code = period_code(period)
    user = acting_user(db, as_name)
    refused(lambda: change(ops_path(db), user, code, reason, CLI_ADDRESS))
    err.print(f"{done} {code} ({user.name}).")
    after_change(db)


def comment(unit: str = typer.Argument(..., help="Mã đơn vị hoặc unit_key"),
            indicator: str = typer.Argument(..., help="Mã chỉ tiêu, ví dụ work_records_online_rate"),
            period: str = typer.Argument(..., help="Kỳ, ví dụ 2025Q3"),
            text: str = typer.Argument(..., help="Ghi chú, ví dụ \"giảm do mất điện hai tuần\""),
            as_name: Optional[str] = AsOption, db: Path = DbOption) -> None:
    """Ghi chú về số liệu của một đơn vị, chỉ tiêu, kỳ / comment on a figure."""
    from ops.comments import add_comment
    from ops.store import ops_path

    need_db(db)
    key = resolve_units(db, [unit])[0]
    if not any(r["indicator_code"] == indicator for r in read(db, "indicators")):
        usage_error(f"Không có chỉ tiêu mã '{indicator}'. / Unknown indicator.")
    code = period_code(period)
    user = acting_user(db, as_name)
    refused(lambda: add_comment(ops_path(db), user, key, indicator, code, text, CLI_ADDRESS))
    err.print(f"Đã ghi chú cho {key}, {indicator}, {code}.")
    after_change(db)


def audit_trail(unit: Optional[str] = typer.Option(None, "--unit", help="Mã đơn vị hoặc unit_key"),
                period: Optional[str] = typer.Option(None, "--period"),
                action: Optional[str] = typer.Option(None, "--action", help="upload, review_accept, lock, export, …"),
                limit: Optional[int] = typer.Option(None, "--limit", help="Chỉ N sự kiện gần nhất"),
                as_json: bool = typer.Option(False, "--json", help="In dạng JSON"),
                db: Path = DbOption) -> None:
    """In nhật ký thay đổi (chỉ ghi thêm, không sửa, không xoá) / print the audit trail."""
    from ops.audit import ACTIONS, events
    from ops.store import ops_path

    if action and action not in ACTIONS:
        usage_error(f"--action phải là một trong: {', '.join(ACTIONS)}")
    key = resolve_units(db, [unit])[0] if unit else None
    found = events(ops_path(db), unit_key=key, period=period_code(period) if period else None, action=action,
                   limit=limit)
    if as_json:
        print_json([e.as_json() for e in found])
        return
    out = Console()
    for e in found:
        where = " ".join(x for x in (e.unit_key, e.period, e.indicator_code,
                                     f"#{e.submission_id}" if e.submission_id else None) if x)
        detail = json.dumps(e.detail, ensure_ascii=False) if e.detail else ""
        out.print(f"{e.seq}\t{e.at}\t{e.actor}{' (' + e.role + ')' if e.role else ''}\t{e.address or ''}\t"
                  f"{e.action}\t{where}\t{detail}", highlight=False, markup=False)


def history(unit: str = typer.Argument(..., help="Mã đơn vị hoặc unit_key"),
            metric: str = typer.Argument(..., help="Mã số liệu, ví dụ work_records_online"),
            period: str = typer.Argument(..., help="Kỳ, ví dụ 2025Q3"),
            as_json: bool = typer.Option(False, "--json", help="In dạng JSON"),
            db: Path = DbOption) -> None:
    """Mọi phiên bản của một số liệu: ai nộp, khi nào, ai duyệt / every version of a value."""
    from vocab.vnformat import fmt_int

    need_db(db)
    key = resolve_units(db, [unit])[0]
    rows = read(db, "value_history", unit_key=key, metric_code=metric, period=period_code(period))
    if as_json:
        print_json(rows)
        return
    out = Console()
    if not rows:
        out.print(f"Chưa có giá trị nào của {key}, {metric}, {period}. / No value yet.")
    for r in rows:
        value = fmt_int(r["value"]) if r["value"] is not None else "(trống: xoá giá trị trước)"
        review = {"accepted": "đã duyệt", "sent_back": "bị trả lại", "waiting": "chờ duyệt",
                  "not_required": "không cần duyệt", None: "–"}[r["review_state"]]
        who = f" bởi {r['reviewed_by']} {r['reviewed_at']:%d/%m/%Y %H:%M}" if r["reviewed_by"] else ""
        out.print(f"{'→' if r['current'] else ' '} #{r['submission_id']} {value} — {r['file_name']}, {r['submitted_by']}, "
                  f"{r['loaded_at']:%d/%m/%Y %H:%M}, {r['status']}; {review}{who}", highlight=False, markup=False)
