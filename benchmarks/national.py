"""A national warehouse for benchmarks: 34 provinces, every unit of both eras, quarterly
2019Q1–2026Q3, generated straight into the tables (not through Excel: ~8 million values).

    from benchmarks.national import build_national_warehouse
    db = build_national_warehouse()                 # cached file, reused while VERSION holds
    db = build_national_warehouse(tmp_path / "nat.duckdb")  # a private copy you may write to

The schema, catalog, units and views are the real ones (etl.warehouse.init_warehouse); only
submissions, reported_values and unit_reports are synthesised. Figures follow
etl.demo_values.unit_values (same sizes, same rate trends toward the targets, per-unit size
and lag, parts within wholes), vectorised with numpy. Each (old or new province, level,
quarter) is one accepted consolidated submission; about 3% of units miss a quarter (12% in
the last one) and some submissions are late, so completeness views have something to show.
The derived tables (etl.derived) are rebuilt at the end, as a load's refresh leaves them.
The file is cached in benchmarks/.cache/ under VERSION plus a hash of this file, etl/sql/, warehouse/sql/,
etl/derived.py, etl/demo_values.py, data/catalog/ and data/reference/, so a change to any of
them rebuilds it (about 30 s on 2 cores); bump VERSION for any other reason.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.cache_key import ROOT, repo_relative, sources_digest
from etl.catalog import load_catalog
from etl.derived import rebuild_all
from etl.demo_values import RATES, SIZES, TREND_QUARTERS
from vocab.periods import Period, parse_code, quarter_range
from etl.warehouse import connect, init_warehouse, set_meta

VERSION = "national-4"
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
SEED = 2019
LEVELS = ("province", "district", "commune")
SHEET = "Biểu 01"
FIRST_VALUE_ROW = 10  # write_consolidated: 9 header/title rows, then one row per unit


def build_national_warehouse(path: str | Path | None = None, first: Period | str = "2019Q1",
                             last: Period | str = "2026Q3", province: str = "all") -> Path:
    """Gives the path of a generated warehouse (national by default; `province` as for
    `govkpi init`). Without `path`, the cached file itself (open it read-only, or copy it);
    with `path`, a fresh copy there."""
    first, last = _period(first), _period(last)
    slug = province.lower().replace(" ", "_").replace(",", "+")
    cached = CACHE_DIR / f"{VERSION}-{_source_digest()}_{slug}_{first.code}_{last.code}.duckdb"
    if not cached.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(cached.name + f".{os.getpid()}.tmp")
        try:
            generate_warehouse(partial, first, last, province)
            os.replace(partial, cached)
            for stale in CACHE_DIR.glob(f"national-*_{slug}_{first.code}_{last.code}.duckdb"):
                if stale != cached:
                    stale.unlink(missing_ok=True)
        finally:
            partial.unlink(missing_ok=True)
            partial.with_name(partial.name + ".wal").unlink(missing_ok=True)
    if path is None:
        return cached
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    shutil.copyfile(cached, target)
    return target


def generate_warehouse(path: Path, first: Period, last: Period, province: str = "all") -> dict:
    """Writes a warehouse at `path` with generated submissions and values; gives row counts
    and the seconds it took."""
    started = time.perf_counter()
    catalog = load_catalog()
    init_warehouse(path, province, catalog)
    con = connect(path)
    try:
        units = con.execute(
            "SELECT unit_key, level, province_key, valid_from, valid_to FROM units WHERE NOT is_root "
            "ORDER BY unit_key").df()
        quarters = quarter_range(first, last)
        wide = _unit_quarter_figures(units, quarters)
        metrics = [m.code for m in sorted(catalog.metrics.values(), key=lambda m: m.sort_order)]
        con.register("wide", wide)
        con.register("metric_columns", pd.DataFrame({
            "metric_code": metrics, "column_index": range(len(metrics))}))
        con.execute("BEGIN")
        _insert(con, metrics, last)
        con.execute("COMMIT")
        con.unregister("wide")
        con.unregister("metric_columns")
        rebuild_all(con)  # the derived tables the views read, as a load's refresh leaves them
        set_meta(con, "benchmark_generator", VERSION)
        con.execute("CHECKPOINT")
        counts = {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("submissions", "reported_values", "unit_reports")}
    finally:
        con.close()
    return {**counts, "seconds": round(time.perf_counter() - started, 1)}


def _source_digest() -> str:
    """Gives a short hash of what the file depends on (this generator, the SQL, the catalog,
    the reference units, the derived-table code), so a change elsewhere rebuilds the cache."""
    return sources_digest([Path(__file__), ROOT / "etl" / "derived.py", ROOT / "etl" / "demo_values.py"],
                          ("etl/sql", "warehouse/sql", "data/catalog", "data/reference"))


def _period(value: Period | str) -> Period:
    return value if isinstance(value, Period) else parse_code(value)


def _unit_quarter_figures(units: pd.DataFrame, quarters: list[Period]) -> pd.DataFrame:
    """Gives one row per active unit and quarter it reports, with every metric as a column
    (unit_values' formulas on arrays)."""
    rng = np.random.default_rng(SEED)
    n_units = len(units)
    # Per-unit traits, as unit_values draws them from the unit key.
    size_factor = 0.5 + rng.random(n_units)
    laggard = rng.random(n_units) < 0.18
    lag = np.where(laggard, -rng.uniform(0.12, 0.25, n_units), rng.uniform(-0.04, 0.05, n_units))
    valid_from = pd.to_datetime(units["valid_from"]).dt.date.to_numpy()
    valid_to = pd.to_datetime(units["valid_to"]).dt.date.to_numpy()
    parts = []
    for index, quarter in enumerate(quarters):
        active = np.flatnonzero((valid_from <= quarter.end) & (valid_to >= quarter.start))
        missing = 0.12 if index == len(quarters) - 1 else 0.03
        active = active[rng.random(len(active)) > missing]
        parts.append(pd.DataFrame({"unit_index": active, "quarter_index": index}))
    rows = pd.concat(parts, ignore_index=True)
    u, q = rows["unit_index"].to_numpy(), rows["quarter_index"].to_numpy()
    level = units["level"].to_numpy()[u]
    progress = np.minimum(
        np.array([((p.year - 2019) * 4 + p.number - 1) / TREND_QUARTERS for p in quarters])[q], 1.0)
    n = len(rows)
    size = size_factor[u]

    def per_level(values: dict[str, float]) -> np.ndarray:
        out = np.empty(n)
        for name, value in values.items():
            out[level == name] = value
        return out

    def scaled(slot: int) -> np.ndarray:
        return np.maximum(1, np.round(per_level({k: v[slot] for k, v in SIZES.items()}) * size))

    records, staff, services, agencies = (scaled(i) for i in range(4))

    def noise(low: float, high: float) -> np.ndarray:
        return rng.uniform(low, high, n)

    def share(metric: str) -> np.ndarray:
        start = per_level({k: v[0] for k, v in RATES[metric].items()})
        end = per_level({k: v[1] for k, v in RATES[metric].items()})
        return np.clip(start + (end - start) * progress ** 0.8 + lag[u] + noise(-0.03, 0.03), 0.0, 1.0)

    def part(whole: np.ndarray, metric: str) -> np.ndarray:
        return np.minimum(whole, np.round(whole * share(metric)))

    work_total = np.round(records * noise(0.85, 1.15))
    docs_total = np.round(records * 0.8 * noise(0.85, 1.15))
    electronic = part(docs_total, "docs_sent_electronic")
    dossiers = np.round(records * 1.6 * noise(0.8, 1.2))
    resolved = np.round(dossiers * noise(0.9, 0.99))
    staff_total = np.round(staff * (1 + 0.01 * progress))
    services_total = services + np.round(10 * progress)
    level4 = part(services_total, "services_level4")
    level3 = np.minimum(part(services_total, "services_level3"), services_total - level4)
    full = part(services_total, "services_full_online")
    figures = {
        "work_records_total": work_total,
        "work_records_online": part(work_total, "work_records_online"),
        "docs_sent_total": docs_total,
        "docs_sent_electronic": electronic,
        "docs_sent_signed": part(electronic, "docs_sent_signed"),
        "docs_received_total": np.round(docs_total * 2.4),
        "docs_axis_sent": np.round(docs_total * 0.3 * progress),
        "docs_axis_received": np.round(docs_total * 0.6 * progress),
        "services_total": services_total,
        "services_level4": level4,
        "services_level3": level3,
        "services_level2": np.maximum(0, np.minimum(services_total - level4 - level3, np.round(services_total * 0.4))),
        "services_full_online": full,
        "services_partial_online": np.minimum(part(services_total, "services_partial_online"), services_total - full),
        "dossiers_total": dossiers,
        "dossiers_online": part(dossiers, "dossiers_online"),
        "dossiers_resolved": resolved,
        "dossiers_on_time": part(resolved, "dossiers_on_time"),
        "staff_total": staff_total,
        "staff_with_computer": part(staff_total, "staff_with_computer"),
        "email_accounts": np.round(staff_total * (0.7 + 0.25 * progress)),
        "signature_certs": np.round(staff_total * (0.2 + 0.3 * progress)),
        "agencies_total": agencies,
        "agencies_with_signature": part(agencies, "agencies_with_signature"),
        "agencies_on_network": part(agencies, "agencies_on_network"),
        "agencies_with_it_staff": part(agencies, "agencies_with_it_staff"),
    }
    # Decision 2629 metrics, drawn after the others so the older figures keep their values.
    eligible = np.maximum(full, np.minimum(services_total, np.round(full / np.maximum(share("services_full_online_eligible"), 0.05))))
    ratings = np.round(dossiers * 0.3 * noise(0.8, 1.2))
    digitized = part(dossiers, "dossiers_digitized")
    figures.update({
        "services_eligible_full_online": eligible,
        "service_ratings_total": ratings,
        "service_ratings_satisfied": part(ratings, "service_ratings_satisfied"),
        "dossiers_digitized": digitized,
        "results_digitized": part(resolved, "results_digitized"),
        "dossiers_data_reused": part(digitized, "dossiers_data_reused"),
    })
    return pd.DataFrame({
        "unit_key": units["unit_key"].to_numpy()[u],
        "level": level,
        "province_key": units["province_key"].to_numpy()[u],
        "period": np.array([p.code for p in quarters])[q],
        "period_end": pd.to_datetime(np.array([p.end for p in quarters])[q]),
        **{code: values.astype("int64") for code, values in figures.items()},
    })


def _insert(con, metrics: list[str], last: Period) -> None:
    """Writes submissions, unit_reports and reported_values from the registered `wide` frame.
    One submission per (province, level, quarter); 10% of them arrive 20–38 days after the
    quarter's end (late), the rest 2–14 days after."""
    con.execute(f"""
        CREATE TEMP TABLE gen_submissions AS
        SELECT nextval('submission_seq') AS submission_id, *
        FROM (
            SELECT province_key, level, period, any_value(period_end) AS period_end, count(*) AS units_count,
                   hash(province_key || level || period || '{SEED}') % 100 AS draw
            FROM wide GROUP BY province_key, level, period
            ORDER BY period, province_key, level
        )
    """)
    con.execute(f"""
        INSERT INTO submissions
        SELECT s.submission_id,
               'tong_hop_' || s.level || '_' || replace(s.province_key, ':', '') || '_' || s.period || '.xlsx',
               sha256(s.province_key || s.level || s.period || '{VERSION}'),
               'consolidated', 'benchmark',
               CAST(s.period_end AS TIMESTAMP) + to_days(CAST(CASE WHEN s.draw < 10 THEN 20 + s.draw * 2 ELSE 2 + s.draw % 13 END AS INTEGER)),
               CAST(s.period_end AS TIMESTAMP) + to_days(CAST(CASE WHEN s.draw < 10 THEN 21 + s.draw * 2 ELSE 3 + s.draw % 13 END AS INTEGER)),
               'accepted', NULL, NULL, s.period, s.units_count,
               s.units_count * (SELECT count(*) FROM metrics m JOIN periods p ON p.period = s.period
                                WHERE m.valid_from <= p.end_date AND m.valid_to >= p.start_date),
               0, 0, false
        FROM gen_submissions s ORDER BY s.submission_id
    """)
    con.execute("""
        CREATE TEMP TABLE gen_rows AS
        SELECT s.submission_id, s.period_end, w.unit_key, w.period,
               row_number() OVER (PARTITION BY s.submission_id ORDER BY w.unit_key) AS row_in_sheet
        FROM wide w JOIN gen_submissions s USING (province_key, level, period)
    """)
    con.execute("""
        INSERT INTO unit_reports
        SELECT r.submission_id, r.unit_key, r.period, s.submitted_at
        FROM gen_rows r JOIN submissions s USING (submission_id)
        ORDER BY r.period, r.unit_key
    """)
    columns = ", ".join(f'"{code}"' for code in metrics)
    # Cells as write_consolidated lays them out: STT, code, name, then the period's metrics.
    con.execute(f"""
        INSERT INTO reported_values
        WITH long AS (
            UNPIVOT (SELECT unit_key, period, {columns} FROM wide)
            ON {columns} INTO NAME metric_code VALUE value
        ),
        valid AS (
            SELECT p.period, m.metric_code,
                   CAST(row_number() OVER (PARTITION BY p.period ORDER BY m.sort_order) + 2 AS INTEGER) AS col
            FROM periods p JOIN metrics m ON m.valid_from <= p.end_date AND m.valid_to >= p.start_date
            WHERE p.period_type = 'quarter'
        )
        SELECT r.submission_id, l.unit_key, l.period, l.metric_code, l.value, '{SHEET}',
               CASE WHEN v.col >= 26 THEN chr(CAST(64 + v.col // 26 AS INTEGER)) ELSE '' END || chr(CAST(65 + v.col % 26 AS INTEGER))
               || CAST(r.row_in_sheet + {FIRST_VALUE_ROW - 1} AS TEXT)
        FROM long l
        JOIN valid v USING (period, metric_code)
        JOIN gen_rows r USING (unit_key, period)
        ORDER BY l.period, l.unit_key, l.metric_code
    """)
    con.execute("DROP TABLE gen_rows")
    con.execute("DROP TABLE gen_submissions")


def _main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="copy the warehouse here (default: only the cache)")
    parser.add_argument("--first", default="2019Q1")
    parser.add_argument("--last", default="2026Q3")
    parser.add_argument("--province", default="all")
    args = parser.parse_args()
    started = time.perf_counter()
    path = build_national_warehouse(args.path, args.first, args.last, args.province)
    print(f"{repo_relative(path)} ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    _main()
