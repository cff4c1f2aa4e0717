"""`govkpi dti …`: the DTI self-assessment from the shell, as on the page /chi-so/dti: show a year,
enter a (sub-)index's value, attach evidence files, sign off for the verifying unit, enter the
national rank. The same engine (ops/dti.py: checks, storage, audit) and the same items
(dashboard.dti_forms.year_items: the version in force on 31 December, from the catalog).

Like `govkpi review`, the CLI is the server's operator: without --as it acts as an admin under
the operating-system user's name; --as NAME acts as that account, its role checked as on the web
(admin or reviewer). Refusals are sentences, Vietnamese first, exit 2; never a traceback.
Kept out of cli.py so that file does not grow; cli.py registers it in one line."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from govkpi.shell import CLI_ADDRESS, AsOption, DbOption, acting_user, err, need_db, read, usage_error

dti_app = typer.Typer(no_args_is_help=True, help="Tự đánh giá DTI của tỉnh / the province's DTI self-assessment")
YearOption = typer.Option(..., "--year", help="Năm tự đánh giá, ví dụ 2025")


@dti_app.command("show")
def show(year: int = YearOption, as_json: bool = typer.Option(False, "--json", help="In dạng JSON"),
         db: Path = DbOption) -> None:
    """Xem tự đánh giá một năm: điểm, thẩm định, tài liệu, tổng điểm, xếp hạng / show a year."""
    from ops import dti
    from ops.store import ops_path
    from vocab.vnformat import fmt_score

    version, items = _items(db, year)
    ops_db = ops_path(db)
    entered, files = dti.assessment(ops_db, year), dti.evidence(ops_db, year)
    rank = dti.national_rank(ops_db, year)
    pillars = dti.pillar_scores(entered, _forms().pillars_of(items))
    got = [s for s in pillars.values() if s is not None]
    total = sum(got) if got else None
    rows = []
    for item in items:
        e = entered.get(item.code)
        rows.append({"item": item.code, "pillar": item.pillar, "name": item.name_vi, "max_score": item.max_score,
                     "value": e.value if e else None, "entered_by": e.entered_by if e else None,
                     "entered_at": e.entered_at if e else None, "verifier": item.verifier,
                     "signed_by": e.signed_by if e else None, "signed_at": e.signed_at if e else None,
                     "evidence": [{"evidence_id": f.evidence_id, "file_name": f.file_name, "sha256": f.file_sha256,
                                   "size_bytes": f.size_bytes} for f in files if f.item_code == item.code]})
    if as_json:
        print(json.dumps({"year": year, "version": version, "total": total, "national_rank": rank,
                          "pillars": pillars, "items": rows}, ensure_ascii=False, indent=2))
        return
    # Plain print: tab-separated lines a clerk can cut or paste into a spreadsheet (rich expands tabs).
    print(f"Tự đánh giá DTI năm {year} (phiên bản {version}): tổng điểm "
          f"{fmt_score(total) if total is not None else '–'} · xếp hạng toàn quốc: {rank or 'chưa công bố'}")
    for r in rows:
        top = fmt_score(r["max_score"]) if r["max_score"] is not None else "chưa có điểm tối đa"
        value = fmt_score(r["value"]) if r["value"] is not None else "chưa nhập"
        signed = (f"đã thẩm định: {r['verifier']} · {r['signed_by']} · {r['signed_at'][:16].replace('T', ' ')} UTC"
                  if r["signed_by"] else f"chưa thẩm định ({r['verifier'] or '–'})")
        papers = ", ".join(f"#{f['evidence_id']} {f['file_name']}" for f in r["evidence"]) or "chưa có tài liệu"
        print(f"{r['item']}\t{r['name']}\t{value} / {top}\t{signed}\t{papers}")


@dti_app.command("value")
def value(item: str = typer.Argument(..., help="Mã chỉ số, ví dụ the_che_so"),
          score: str = typer.Argument(..., help="Điểm, ví dụ 8,5"),
          year: int = YearOption, as_name: Optional[str] = AsOption, db: Path = DbOption) -> None:
    """Nhập điểm của một chỉ số (dấu phẩy thập phân: 8,5) / enter an item's value."""
    from ops import dti
    from ops.store import ops_path

    found = _item(db, year, item)
    number = _forms().parse_value(score)
    if number is None:
        usage_error(f"«{score}» không phải là điểm của «{found.name_vi}»: nhập một số, ví dụ 8,5. / "
                    f"'{score}' is not a score: type a number, e.g. 8.5.")
    user = acting_user(db, as_name)
    _refused(lambda: dti.enter_value(ops_path(db), year, found.code, number, user.name, user.role,
                                     maximum=found.max_score, address=CLI_ADDRESS, name=found.name_vi))
    err.print(f"Đã lưu điểm {_vn(number)} của «{found.name_vi}» năm {year} ({user.name}).", highlight=False)


@dti_app.command("evidence")
def evidence(item: str = typer.Argument(..., help="Mã chỉ số, ví dụ the_che_so"),
             files: list[Path] = typer.Argument(..., help="Tệp PDF, DOCX hoặc XLSX"),
             year: int = YearOption, as_name: Optional[str] = AsOption, db: Path = DbOption) -> None:
    """Đính kèm tài liệu kiểm chứng (PDF, DOCX, XLSX) / attach evidence files."""
    from ops import dti
    from ops.store import ops_path

    found = _item(db, year, item)
    user = acting_user(db, as_name)
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        usage_error(f"Không tìm thấy tệp: {', '.join(missing)}. / File not found.")
    refused = False
    for path in files:
        try:
            attached = dti.attach_evidence(ops_path(db), dti.evidence_dir(db), year, found.code, path.name,
                                           path.read_bytes(), user.name, user.role, address=CLI_ADDRESS)
            err.print(f"Đã đính kèm {attached.file_name} cho «{found.name_vi}» (#{attached.evidence_id}).", highlight=False,
                      markup=False)
        except PermissionError as error:
            usage_error(str(error))
        except dti.DtiError as error:
            refused = True
            err.print(str(error), style="red", highlight=False, markup=False)
    if refused:
        raise typer.Exit(2)


@dti_app.command("sign-off")
def sign_off(item: str = typer.Argument(..., help="Mã chỉ số, ví dụ the_che_so"),
             year: int = YearOption, as_name: Optional[str] = AsOption, db: Path = DbOption) -> None:
    """Thẩm định một chỉ số thay đơn vị thẩm định trong danh mục / sign an item off."""
    from ops import dti
    from ops.store import ops_path

    found = _item(db, year, item)
    if not found.verifier:
        usage_error(f"Danh mục chưa có đơn vị thẩm định cho «{found.name_vi}». / No verifying unit in the catalog.")
    user = acting_user(db, as_name)
    _refused(lambda: dti.sign_off(ops_path(db), year, found.code, found.verifier, user.name, user.role,
                                  address=CLI_ADDRESS))
    err.print(f"{found.verifier} đã thẩm định «{found.name_vi}» năm {year} ({user.name}).", highlight=False)


@dti_app.command("rank")
def rank(national_rank: int = typer.Argument(..., metavar="RANK", help="Thứ hạng toàn quốc, ví dụ 32"),
         year: int = YearOption, as_name: Optional[str] = AsOption, db: Path = DbOption) -> None:
    """Nhập thứ hạng DTI toàn quốc của tỉnh khi được công bố / enter the national rank."""
    from ops import dti
    from ops.store import ops_path

    _items(db, year)
    user = acting_user(db, as_name)
    _refused(lambda: dti.enter_rank(ops_path(db), year, national_rank, user.name, user.role, address=CLI_ADDRESS))
    err.print(f"Đã lưu xếp hạng toàn quốc {national_rank} của năm {year} ({user.name}).", highlight=False)


# Helpers ------------------------------------------------------------------------------------


def _forms():
    from dashboard import dti_forms

    return dti_forms


def _items(db: Path, year: int):
    """The version in force for the year and its items; a usage error when there is none."""
    need_db(db)
    version, items = _forms().year_items(lambda name, **params: read(db, name, **params), year)
    if version is None:
        usage_error(f"Năm {year} không có phiên bản DTI nào có hiệu lực. / No DTI version is in force for {year}.")
    return version, items


def _item(db: Path, year: int, code: str):
    _, items = _items(db, year)
    found = next((i for i in items if i.code == code.strip()), None)
    if found is None:
        usage_error(f"Không có chỉ số «{code}» trong DTI năm {year}; các mã: {', '.join(i.code for i in items)}. / "
                    f"Unknown item.")
    return found


def _refused(call) -> None:
    """Runs an engine call; a refusal (role, out of range, no value yet) is a usage error, exit 2."""
    from ops.dti import DtiError

    try:
        call()
    except (PermissionError, DtiError) as error:
        usage_error(str(error))


def _vn(number: float) -> str:
    from vocab.vnformat import fmt_score

    return fmt_score(number)
