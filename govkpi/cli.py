"""govkpi's commands: thin wrappers that parse arguments, call the library, print results."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from govkpi.accounts_cli import token_app, user_app
from govkpi.dti_cli import dti_app
from govkpi.review_cli import register as register_review
from govkpi.shell import (CLI_ADDRESS, DbOption, acting_user, err, need_db, operator_name, submission_units,
                          usage_error)

# duckdb, rich.progress and the library are imported by the commands that use them: every
# command, and so each `govkpi export`, starts without them (≈0.1 s).

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="govkpi: theo dõi chỉ tiêu chính quyền điện tử, chuyển đổi số của tỉnh.")
STATUS_VI = {"accepted": "đã nạp", "rejected": "bị từ chối", "duplicate": "trùng lặp"}


def main() -> None:
    """Entry point: usage errors exit 2, and no traceback reaches a user."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as error:  # a bug: say so briefly, never dump a traceback on the clerk
        err.print(f"[red]Lỗi không mong đợi / unexpected error:[/] {type(error).__name__}: {error}")
        sys.exit(3)




@app.command()
def init(province: str = typer.Option(..., "--province", help="Tên hoặc mã tỉnh (cũ hoặc mới), hoặc 'all'"),
         db: Path = DbOption) -> None:
    """Tạo kho dữ liệu cho một tỉnh / create a warehouse for one province."""
    from etl.catalog import CatalogError
    from etl.units import UnitError
    from etl.warehouse import init_warehouse, publish_snapshot

    try:
        counts = init_warehouse(db, province)
    except (UnitError, CatalogError) as error:
        usage_error(str(error))
    publish_snapshot(db)
    err.print(f"Đã tạo kho {db}: {counts}")


@app.command("index-settings")
def index_settings(path: Path = typer.Argument(..., help="Tệp thiết lập của tỉnh, ví dụ index_settings.yaml"),
                   db: Path = DbOption) -> None:
    """Điền các số liệu chỉ số chưa có văn bản căn cứ (ngưỡng xếp loại, …) / the province's own index figures.

    Tệp thay mọi thiết lập đã điền trước (là danh sách đầy đủ của tỉnh); số liệu đã có căn cứ
    trong văn bản thì bị từ chối. / The file replaces the settings installed before."""
    from etl.index_catalog import indices_with_settings, install_index_settings
    from etl.index_settings import SettingsError
    from etl.indices import missing_settings
    from etl.warehouse import connect, publish_snapshot
    import duckdb

    from etl.writer import WriterBusy, writer_lock

    need_db(db)
    if not path.is_file():
        usage_error(f"Không có tệp {path}. / No such file.")
    try:
        with writer_lock(db):
            try:
                con = connect(db)
            except duckdb.IOException:
                usage_error(f"Kho dữ liệu {db} đang được một tiến trình khác ghi; hãy thử lại sau. / The warehouse is being written by another process.")
            try:
                settings = install_index_settings(con, path)
                left = missing_settings(indices_with_settings(con))
            finally:
                con.close()
            publish_snapshot(db)
    except SettingsError as error:
        usage_error(str(error))
    except WriterBusy:
        usage_error("Bộ ghi đang chạy (govkpi serve/writer): dừng nó rồi chạy lại lệnh này. "
                    "/ A writer is running: stop it, then run this command again.")
    err.print(f"Đã cài {len(settings)} số liệu do tỉnh điền từ {path.name}. / {len(settings)} province-set figures installed.")
    if left:
        err.print("Còn chưa điền / still unset:")
        for line in left:
            err.print(f"  - {line}")


@app.command()
def template(period: str = typer.Option(..., "--period", help="Kỳ báo cáo, ví dụ 2025Q3"),
             unit: Optional[str] = typer.Option(None, "--unit", help="Mã đơn vị"),
             all_units: bool = typer.Option(False, "--all", help="Mọi đơn vị phải báo cáo kỳ này"),
             output: Optional[Path] = typer.Option(None, "-o", "--output", help="Tệp ra (một đơn vị)"),
             out_dir: Optional[Path] = typer.Option(None, "--out", help="Thư mục ra (--all)"),
             db: Path = DbOption) -> None:
    """Viết biểu mẫu báo cáo / write blank templates."""
    from etl.template import write_templates

    if bool(unit) == all_units:
        usage_error("Chọn --unit MÃ hoặc --all.")
    if unit and not output or all_units and not out_dir:
        usage_error("--unit cần -o TỆP; --all cần --out THƯ_MỤC.")
    written = write_templates(db, period, unit, output, out_dir)
    if isinstance(written, str):
        usage_error(written)
    err.print(f"Đã viết {len(written)} biểu mẫu.")


@app.command()
def load(paths: list[Path] = typer.Argument(..., help="Tệp hoặc thư mục .xlsx"),
         period: Optional[str] = typer.Option(None, "--period", help="Kỳ báo cáo khi trang tính không ghi"),
         province: Optional[str] = typer.Option(None, "--province",
                                                help="Tỉnh của bảng khi tiêu đề không ghi (tên hoặc mã, cũ hoặc mới)"),
         submitted: Optional[str] = typer.Option(None, "--submitted", help="Ngày nộp YYYY-MM-DD"),
         by: Optional[str] = typer.Option(None, "--by", help="Người nộp"),
         reviewed: bool = typer.Option(False, "--reviewed",
                                       help="Khi kho bắt buộc duyệt: ghi nhận luôn là đã duyệt (người chạy lệnh duyệt)"),
         as_name: Optional[str] = typer.Option(None, "--as", help="Tài khoản duyệt khi --reviewed (mặc định: người vận hành)"),
         as_json: bool = typer.Option(False, "--json", help="In kết quả dạng JSON"),
         lang: str = typer.Option("vi", "--lang", help="vi | en"),
         db: Path = DbOption) -> None:
    """Kiểm tra và nạp tệp báo cáo / check and load workbooks.

    Khi kho bắt buộc duyệt (review: required), tệp nạp bằng lệnh này cũng chờ duyệt như tệp đơn
    vị nộp, trừ khi có --reviewed: khi đó người chạy lệnh (hoặc --as) ghi nhận đã duyệt, có trong
    nhật ký. / Under review, files loaded here wait too, unless --reviewed."""
    from etl.load import Loader, expand_paths
    from vocab.periods import parse_code
    from etl.units import province_scope
    from etl.warehouse import connect, publish_snapshot

    if period:
        try:
            period = parse_code(period).code
        except ValueError as error:
            usage_error(str(error))
    if province and province_scope(province) is None:
        usage_error(f"Không có tỉnh/thành phố nào tên hoặc mã «{province}» (--province: no such province).")
    submitted_on = None
    if submitted:
        try:
            submitted_on = date.fromisoformat(submitted)
        except ValueError:
            usage_error(f"--submitted phải có dạng YYYY-MM-DD, không phải {submitted!r}")
    if not db.exists():
        usage_error(f"Chưa có kho dữ liệu {db}. Hãy chạy: govkpi init --province \"Gia Lai\" --db {db}")
    files = expand_paths(paths)
    if not files:
        usage_error("Không có tệp nào để nạp.")
    import duckdb
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from etl.writer import WriterBusy, writer_lock

    # One process writes the warehouse: while `govkpi writer` (or `serve --production`) holds
    # its lock, the files go through its queue; otherwise this command holds the lock itself.
    try:
        with writer_lock(db):
            try:
                con = connect(db)
            except duckdb.IOException:
                usage_error(f"Kho dữ liệu {db} đang được một tiến trình khác ghi; hãy thử lại sau. / The warehouse is being written by another process.")
            try:
                from etl.review_sync import apply_ops
                from ops.store import ops_path

                apply_ops(con, ops_path(db))  # the latest locks refuse files before loading
                loader = Loader(con, submitted_by=by, province=province)
                with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                              console=err, transient=True, disable=as_json or len(files) < 5) as progress:
                    task = progress.add_task("Đang nạp", total=len(files))
                    reports = loader.load_files(files, period, submitted_on, on_file=lambda _: progress.advance(task))
                from etl.review_sync import audit_loads
                from etl.load import _user as os_user

                audit_loads(ops_path(db), con, reports, by or os_user(), address=CLI_ADDRESS)
            finally:
                con.close()
            publish_snapshot(db)
    except WriterBusy:
        err.print("Bộ ghi đang chạy: các tệp được xếp hàng cho nó nạp. / A writer is running: the files are queued for it.")
        reports = _load_through_queue(db, files, by, period, submitted_on, province)
    _review_cli_loads(db, reports, reviewed, as_name)  # the loads are in the audit trail already
    if as_json:
        print(json.dumps([r.as_json(lang) for r in reports], ensure_ascii=False, indent=2))
    else:
        _print_reports(reports, lang)
    raise typer.Exit(1 if any(r.status == "rejected" for r in reports) else 0)


def _review_cli_loads(db: Path, reports, reviewed: bool, as_name: Optional[str]) -> None:
    """With --reviewed, records an accept decision for each file just accepted (the operator, or
    --as, reviews them) and makes it count now."""
    if not reviewed:
        return
    from etl.writer import apply_ops_now
    from ops.review import Forbidden, decide
    from ops.store import ops_path

    reviewer = acting_user(db, as_name)
    for report in reports:
        if report.status == "accepted" and report.submission_id is not None:
            try:
                decide(ops_path(db), reviewer, report.submission_id, "accept", "nạp và duyệt bằng govkpi load --reviewed",
                       address=CLI_ADDRESS, units=submission_units(db, report.submission_id))
            except Forbidden as error:
                usage_error(str(error))
    apply_ops_now(db)


def _load_through_queue(db: Path, files: list[Path], by: Optional[str], period: Optional[str],
                        submitted_on: Optional[date], province: Optional[str]) -> list:
    """Queues the files for the running writer and gives its reports once each is loaded and published."""
    from etl.batch_write import FileReport
    from etl.load import _user
    from etl.records import Issue
    from ops.queue import UploadQueue

    queue = UploadQueue(db)
    jobs = [(path, queue.enqueue(path, by or _user(), period=period, submitted=submitted_on, province=province))
            if path.is_file() else (path, None) for path in files]
    reports = []
    for path, job_id in jobs:
        if job_id is None:
            reports.append(FileReport(path.name, "rejected", issues=[Issue(
                "error", "missing", None, None, f"Không tìm thấy tệp {path}.", f"File not found: {path}.")]))
            continue
        result = queue.wait(job_id, timeout=600, published=True)
        issues = [Issue(p["severity"], p["code"], p["sheet"], p["cell"], p["message_vi"], p["message_en"])
                  for p in result.problems]
        if not result.done:
            issues.append(Issue("error", "queued", None, None,
                                f"Bộ ghi chưa nạp tệp sau 10 phút (việc số {job_id} vẫn trong hàng đợi).",
                                f"The writer has not loaded the file after 10 minutes (job {job_id} still queued)."))
        status = result.status if result.status in STATUS_VI else "rejected"
        reports.append(FileReport(path.name, status, result.units, result.values, issues, result.submission_id))
    return reports


def _print_reports(reports, lang: str) -> None:
    from vocab.vnformat import fmt_int

    out = Console()
    for report in reports:
        colour = {"accepted": "green", "rejected": "red", "duplicate": "yellow"}[report.status]
        status = STATUS_VI[report.status] if lang == "vi" else report.status
        counted = (f"{fmt_int(report.units)} đơn vị, {fmt_int(report.values)} giá trị" if lang == "vi"
                   else f"{fmt_int(report.units, 'en')} units, {fmt_int(report.values, 'en')} values")
        out.print(f"[bold]{report.file}[/]: [{colour}]{status}[/] — {counted}")
        for issue in report.issues:
            where = "!".join(x for x in (issue.sheet, issue.cell) if x)
            kind = ("LỖI" if issue.severity == "error" else "Cảnh báo") if lang == "vi" else issue.severity.upper()
            out.print(f"  {kind}{' ' + where if where else ''}: {issue.message(lang)}", highlight=False)
    accepted = sum(r.status == "accepted" for r in reports)
    if lang == "vi":
        out.print(f"Tổng: {accepted}/{len(reports)} tệp đã nạp.")
    else:
        out.print(f"Total: {accepted}/{len(reports)} files loaded.")


@app.command()
def demo(db: Path = DbOption,
         serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Mở bảng điều khiển sau khi nạp"),
         port: int = typer.Option(8050, "--port"),
         workdir: Path = typer.Option(Path("data/demo"), "--workdir", help="Thư mục ghi các tệp mẫu"),
         review: bool = typer.Option(False, "--review",
                                     help="Bật duyệt số liệu: tệp nộp sau dữ liệu mẫu phải được duyệt mới được tính")) -> None:
    """Tạo tỉnh mẫu Gia Lai, nạp qua bộ nạp thật và mở bảng điều khiển."""
    from etl.demo import build_demo_warehouse
    from etl.warehouse import publish_snapshot

    try:
        summary = build_demo_warehouse(db, workdir, progress=err, review=review)
    except RuntimeError as error:  # the warehouse is not a demo one: never overwrite real data
        usage_error(str(error))
    publish_snapshot(db)
    err.print(f"Kho mẫu {db}: {summary}")
    if serve_after:
        # every option given: called as a function, typer's defaults would be OptionInfo objects (truthy)
        serve(db=db, port=port, host="127.0.0.1", production=False, workers=2, prefix="")


@app.command()
def serve(db: Path = DbOption, port: int = typer.Option(8050, "--port"),
          host: str = typer.Option("127.0.0.1", "--host",
                                   help="Địa chỉ lắng nghe; 0.0.0.0 để máy khác trong mạng nội bộ mở được"),
          production: bool = typer.Option(False, "--production",
                                          help="Chạy bằng gunicorn (nhiều tiến trình) kèm bộ ghi nạp hàng đợi; luôn bắt đăng nhập, "
                                               "cookie chỉ qua HTTPS / gunicorn, the writer, sign-in always on"),
          workers: int = typer.Option(2, "--workers", min=1, help="Số tiến trình phục vụ (--production)"),
          prefix: str = typer.Option("", "--prefix", help="Tiền tố URL sau reverse proxy, ví dụ /kpi (--production)")) -> None:
    """Mở bảng điều khiển tại http://HOST:PORT (mặc định chỉ máy này: 127.0.0.1)."""
    from dashboard.app import serve as serve_app
    from exports import warm_up
    from ops.accounts import has_users
    from ops.store import ops_path
    from warehouse.reader import snapshot_path

    if not db.exists():
        usage_error(f"Chưa có kho dữ liệu {db}. Hãy chạy: make demo, hoặc govkpi init rồi govkpi load.")
    ops_db = ops_path(db)
    if not production:
        if not has_users(ops_db):
            err.print("[yellow]Chưa bật đăng nhập: ai truy cập được máy này cũng xem được mọi số liệu. "
                      "Tạo tài khoản: govkpi user add TÊN --role admin[/]")
        # LibreOffice and the writers start in the background: no download waits for them; the
        # converter is named beside the snapshot, so `govkpi export pdf` meanwhile converts there too
        warm_up(snapshot_path(db))
    from exports.prebuild import start_prebuild
    from dashboard.serving import normalise_prefix, serve_production

    # Local or production, the writer runs beside the web server as a child process (the one
    # process that writes the warehouse), so browser uploads are loaded; the server reads the snapshot.
    writer_process = _start_writer(db)
    start_prebuild(snapshot_path(db))  # the opening quarter's exports, kept before anyone asks (background, niced)
    try:
        if not production:
            err.print(f"Bảng điều khiển: http://{host}:{port}")
            serve_app(str(snapshot_path(db)), port=port, host=host, ops_db=str(ops_db))
        else:
            err.print(f"Bảng điều khiển: http://{host}:{port}{normalise_prefix(prefix)}/ ({workers} tiến trình, gunicorn)")
            serve_production(str(snapshot_path(db)), host=host, port=port, workers=workers, prefix=prefix)
    finally:
        writer_process.terminate()
        writer_process.wait(timeout=60)


def _start_writer(db: Path):
    """Publishes a first read snapshot when there is none, then starts `govkpi writer --wait` as a
    child process. A SIGTERM to this process raises SystemExit, on which waitress closes and
    returns, so `serve`'s `finally` stops the writer child with it."""
    import signal
    import subprocess

    from etl.warehouse import publish_snapshot
    from etl.writer import writer_running
    from warehouse.reader import snapshot_path

    if not snapshot_path(db).exists() and not writer_running(db):
        publish_snapshot(db)  # the web processes read the snapshot only, never the file the writer holds
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    return subprocess.Popen([sys.executable, "-m", "govkpi", "writer", "--wait", "--prebuild-exports", "--db", str(db)])


@app.command()
def writer(db: Path = DbOption,
           publish_interval: float = typer.Option(3.0, "--publish-interval",
                                                  help="Giây tối thiểu giữa hai lần công bố bản đọc"),
           wait: bool = typer.Option(False, "--wait", help="Chờ khi tiến trình khác đang giữ quyền ghi"),
           prebuild_exports: bool = typer.Option(False, "--prebuild-exports",
                                                 help="Sau mỗi lần công bố, dựng sẵn các tệp xuất của kỳ gần nhất")) -> None:
    """Chạy bộ ghi: nạp mọi tệp trong hàng đợi và công bố bản đọc / run the one writer."""
    import signal
    import threading

    from etl.writer import Writer, WriterBusy

    if not db.exists():
        usage_error(f"Chưa có kho dữ liệu {db}.")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    err.print(f"Bộ ghi đang chạy cho {db} (hàng đợi {db.stem}.queue.sqlite). / The writer is running.")
    try:
        Writer(db, publish_interval=publish_interval, after_publish=_prebuilder(db) if prebuild_exports else None
               ).run(stop, wait_for_lock=wait)
    except WriterBusy:
        usage_error(f"Một bộ ghi khác đang chạy cho {db}. / Another writer is running for this warehouse.")


def _prebuilder(db: Path):
    """What the writer calls after each publish: the opening quarter's exports, built ahead in a
    background process against the new snapshot."""
    from exports.prebuild import start_prebuild
    from warehouse.reader import snapshot_path

    return lambda: start_prebuild(snapshot_path(db))


@app.command()
def export(kind: str = typer.Argument(..., help="pptx | xlsx | docx | pdf"),
           period: Optional[str] = typer.Option(None, "--period",
                                                help="Kỳ, ví dụ 2026Q3; mặc định kỳ gần nhất đã quá hạn báo cáo và có số liệu"),
           output: Path = typer.Option(..., "-o", "--output"),
           lang: str = typer.Option("vi", "--lang"),
           db: Path = DbOption) -> None:
    """Xuất bộ trình chiếu, sổ Excel, báo cáo Word/PDF / export deck and reports."""
    import exports
    from vocab.periods import parse_code
    from warehouse.paths import reading_path

    if kind not in ("pptx", "xlsx", "docx", "pdf"):
        usage_error("Loại xuất phải là pptx, xlsx, docx hoặc pdf.")
    if exports.written_in(kind, lang) != lang:
        err.print("Báo cáo là văn bản hành chính, chỉ lập bằng tiếng Việt. / The report is an administrative "
                  "document, written in Vietnamese only.")
        lang = exports.written_in(kind, lang)
    try:
        period = parse_code(period).code if period else None
    except ValueError as error:
        usage_error(str(error))
    if not db.exists():
        usage_error(f"Chưa có kho dữ liệu {db}.")
    if period is None:
        period = exports.opening_period(str(reading_path(db)))
        if period is None:
            usage_error("Kho chưa có số liệu nào; hãy nạp báo cáo trước (govkpi load). / The warehouse has no data yet.")
        err.print(f"Kỳ báo cáo: {parse_code(period).label('vi')} ({period})")
    try:
        path = exports.export(kind, period, str(reading_path(db)), str(output), lang)
    except exports.NoData as error:  # exports.model (and duckdb) imported only when it is raised
        usage_error(str(error))
    except RuntimeError as error:  # e.g. LibreOffice missing for PDF: the message says how to install it
        usage_error(str(error))
    from ops.audit import record_export
    from ops.store import ops_path

    record_export(ops_path(db), kind, period, operator_name(), "admin", CLI_ADDRESS, Path(path).name, lang)
    err.print(f"Đã xuất {path}")


app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
register_review(app)
app.add_typer(dti_app, name="dti")

if __name__ == "__main__":
    main()
