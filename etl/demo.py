"""The demo province: plausible workbooks for Gia Lai from 2019Q1 to the latest quarter,
written as units really send them and loaded through the real loader.

Old Gia Lai and old Bình Định report separately up to 2025Q2; the merged province from
2025Q3. Numbers trend toward the targets, some units lag, some reports are late or missing,
a few files are flawed (rejected, then corrected), and both online-service eras appear."""
from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

from etl.catalog import Catalog, load_catalog
from etl.consolidated_writer import write_consolidated
from etl.demo_values import unit_values
from etl.dti_demo import write_dti_demo
from etl.index_demo import write_demo_settings, write_index_demo
from etl.index_catalog import install_index_settings
from etl.load import Loader
from vocab.periods import Period, quarter_of, quarter_range
from etl.template import write_template
from etl.warehouse import connect, get_meta, init_warehouse, set_meta, set_review

FIRST_QUARTER = Period(2019, "quarter", 1)
TEMPLATE_QUARTERS = 6  # agencies send templates for the last quarters, consolidated tables before
SEED = 2019


def _index_files(con, workdir: Path, loader: Loader) -> list[Path]:
    """The last twelve months' 766 scores of every department and commune of the merged province."""
    units = con.execute("""SELECT unit_code, unit_name, level FROM units
                           WHERE era = 'new' AND NOT is_root AND level IN ('province', 'commune')
                           ORDER BY level, unit_code""").fetchall()
    return write_index_demo(workdir / "chi_so_766", loader.indices["766"], units, loader.today)


def latest_quarter(today: date | None = None) -> Period:
    """Gives the last quarter that has ended."""
    return quarter_of(today or date.today()).previous()


def build_demo_warehouse(db_path: str | Path, workdir: str | Path = "data/demo", progress=None,
                         last: Period | None = None, review: bool = False) -> dict:
    """Writes the demo workbooks into workdir and loads them into a fresh warehouse. The demo's
    own files always count (loaded with review off, whatever settings.yaml says); with `review`
    the warehouse then requires review, so every upload after them waits for a reviewer."""
    db_path, workdir = Path(db_path), Path(workdir)
    if db_path.exists():
        con = connect(db_path, read_only=True)
        is_demo = get_meta(con, "demo") == "1"
        con.close()
        if not is_demo:
            raise RuntimeError(f"{db_path} không phải kho mẫu; không ghi đè. Dùng --db khác.")
    shutil.rmtree(workdir, ignore_errors=True)
    catalog = load_catalog()
    init_warehouse(db_path, "Gia Lai", catalog)
    con = connect(db_path)
    try:
        set_meta(con, "demo", "1")
        set_review(con, "off")
        units = _units(con)
        batches = write_demo_files(workdir, catalog, units, last or latest_quarter())
        loader = Loader(con, catalog, submitted_by="demo")
        reports = []
        for files, period in batches:
            reports += loader.load_files(files, period)
        reports += loader.load_files(_index_files(con, workdir, loader))
        install_index_settings(con, write_demo_settings(workdir))  # the demo province's grade thresholds
        write_dti_demo(db_path, loader.indices["dti"])
        if progress is not None:
            progress.print(f"Đã nạp {len(reports)} tệp mẫu từ {workdir}")
        if review:
            set_review(con, "required")
    finally:
        con.close()
    statuses = [r.status for r in reports]
    return {s: statuses.count(s) for s in ("accepted", "rejected", "duplicate")}


def _units(con) -> list[tuple]:
    return con.execute(
        "SELECT unit_key, unit_code, unit_name, level, era, province_key, valid_from, valid_to "
        "FROM units WHERE NOT is_root ORDER BY unit_key").fetchall()


def write_demo_files(workdir: Path, catalog: Catalog, units: list[tuple], last: Period) -> list[tuple[list[Path], None]]:
    """Writes every quarter's files; gives them in the order they 'arrived', in load batches."""
    rng = random.Random(SEED)
    quarters = quarter_range(FIRST_QUARTER, last)
    template_from = quarters[-TEMPLATE_QUARTERS]
    batches: list[tuple[list[Path], None]] = []
    for index, quarter in enumerate(quarters):
        active = [u for u in units if u[6] <= quarter.end and u[7] >= quarter.start]
        metrics = catalog.metrics_valid_between(quarter.start, quarter.end)
        folder = workdir / quarter.code
        files: list[Path] = []
        missing_share = 0.12 if quarter == last else 0.03
        for province_key in sorted({u[5] for u in active}):
            header = _agency_header(province_key)
            for level in ("province", "district", "commune"):
                members = [u for u in active if u[5] == province_key and u[3] == level]
                reporting = [u for u in members if rng.random() > missing_share]
                if not reporting:
                    continue
                if level == "province" and quarter >= template_from:
                    files += _agency_templates(folder, catalog, quarter, reporting, rng)
                    continue
                files += _consolidated_files(folder, quarter, level, province_key, metrics, reporting, header, rng, index)
        batches.append((files, None))
    batches.append((_flawed_and_corrections(workdir / "corrections", catalog, units, quarters, rng), None))
    return batches


def _agency_header(province_key: str) -> tuple[str, str]:
    if province_key == "old:52":
        return "UBND TỈNH BÌNH ĐỊNH", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    if province_key == "old:64":
        return "UBND TỈNH GIA LAI", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    return "UBND TỈNH GIA LAI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"


LEVEL_TITLES = {"province": "cấp tỉnh", "district": "cấp huyện", "commune": "cấp xã"}
NAME_VARIANTS = [("Thành phố ", "TP. "), ("Thị xã ", "TX "), ("Huyện ", "H. ")]


def _written_name(name: str, rng: random.Random) -> str:
    """Writes a unit's name the varied ways clerks do: TP./TX/H. prefixes, old tone placement."""
    if rng.random() < 0.3:
        for full, short in NAME_VARIANTS:
            if name.startswith(full):
                name = short + name[len(full):]
    if rng.random() < 0.2:
        name = name.replace("hòa", "hoà").replace("Hòa", "Hoà").replace("thủy", "thuỷ").replace("Thủy", "Thuỷ")
    return name


def _consolidated_files(folder, quarter, level, province_key, metrics, reporting, header, rng, index) -> list[Path]:
    """One table per level and old province; for communes a late table for one district."""
    on_time = quarter.end + timedelta(days=rng.randint(3, 14))
    late_group = []
    if level == "commune" and len(reporting) > 20:
        cut = rng.randint(5, 12)
        late_group, reporting = reporting[:cut], reporting[cut:]
    files = []
    for group, day, suffix in ((reporting, on_time, ""), (late_group, quarter.end + timedelta(days=rng.randint(20, 40)), "_bo_sung")):
        if not group:
            continue
        rows = [(u[1], _written_name(u[2], rng), unit_values(u, quarter, metrics)) for u in group]
        override = None
        if level == "district" and index % 7 == 3:
            first = metrics[0].code  # a hand-summed total row that is off: a warning, not loaded
            override = {first: sum(r[2].get(first) or 0 for r in rows) + 10}
        name = f"tong_hop_{level}_{province_key.replace(':', '')}{suffix}.xlsx"
        files.append(write_consolidated(folder / name, LEVEL_TITLES[level], quarter, metrics, rows, day, header, override,
                                        code_column=level != "district"))
    return files


def _agency_templates(folder, catalog, quarter, reporting, rng) -> list[Path]:
    files = []
    for unit in reporting:
        late = rng.random() < 0.1
        day = quarter.end + timedelta(days=rng.randint(20, 35) if late else rng.randint(2, 14))
        metrics = catalog.metrics_valid_between(quarter.start, quarter.end)
        values = unit_values(unit, quarter, metrics)
        files.append(write_template(folder / f"{quarter.code}_{unit[1]}.xlsx", catalog, unit[1], unit[2], quarter, values, day))
    return files


def _flawed_and_corrections(folder: Path, catalog: Catalog, units, quarters, rng) -> list[Path]:
    """Files the ICT department really sees: one with a part above its whole and one with a
    typo'd unit (both rejected), their corrected versions, and a later correction that
    supersedes an accepted report."""
    last = quarters[-1]
    metrics = catalog.metrics_valid_between(last.start, last.end)
    agency = next(u for u in units if u[3] == "province" and u[6] <= last.end and u[7] >= last.start)
    values = unit_values(agency, last, metrics)
    wrong = dict(values, work_records_online=values["work_records_total"] + 120)
    files = [write_template(folder / f"{last.code}_{agency[1]}_loi.xlsx", catalog, agency[1], agency[2], last, wrong,
                            last.end + timedelta(days=16))]
    corrected = dict(values, work_records_online=values["work_records_online"] - 5)
    files.append(write_template(folder / f"{last.code}_{agency[1]}_dieu_chinh.xlsx", catalog, agency[1], agency[2], last,
                                corrected, last.end + timedelta(days=18)))
    old_quarter = next(q for q in quarters if q.code == "2023Q2")
    old_metrics = catalog.metrics_valid_between(old_quarter.start, old_quarter.end)
    districts = [u for u in units if u[3] == "district" and u[5] == "old:64"][:5]
    rows = [(u[1], u[2], unit_values(u, old_quarter, old_metrics)) for u in districts]
    typo = [(None, "Huyện Chư Sêe", rows[0][2])] + rows[1:]
    day = old_quarter.end + timedelta(days=40)
    files.append(write_consolidated(folder / "2023Q2_huyen_loi_ten.xlsx", "cấp huyện", old_quarter, old_metrics, typo, day))
    return files
