"""A synthetic warehouse for the dashboard's tests and benchmark when the demo is not at hand:
the real schema, catalog, units and views (etl.warehouse), with values written straight into
the tables (not through the loader). Rates rise over the years; some units miss a quarter."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from etl.periods import Period, quarter_range
from etl.warehouse import init_warehouse

PAIRS = [  # numerator, denominator, start rate, yearly gain
    ("work_records_online", "work_records_total", 0.35, 0.09),
    ("docs_sent_electronic", "docs_sent_total", 0.55, 0.07),
    ("docs_sent_signed", "docs_sent_electronic", 0.50, 0.08),
    ("dossiers_online", "dossiers_total", 0.08, 0.07),
    ("dossiers_on_time", "dossiers_resolved", 0.85, 0.02),
    ("staff_with_computer", "staff_total", 0.80, 0.03),
    ("agencies_with_signature", "agencies_total", 0.70, 0.05),
    ("agencies_on_network", "agencies_total", 0.75, 0.05),
    ("agencies_with_it_staff", "agencies_total", 0.40, 0.06),
]
LEVEL_FACTOR = {"province": 1.15, "district": 1.0, "commune": 0.7}


def build_sample_warehouse(path: str | Path, province: str = "Gia Lai", first: str = "2019Q1",
                           last: str = "2026Q3", seed: int = 3) -> Path:
    """Writes the synthetic warehouse at path and gives the path."""
    path = Path(path)
    path.unlink(missing_ok=True)
    init_warehouse(path, province)
    rng = random.Random(seed)
    con = duckdb.connect(str(path))
    try:
        units = con.execute("SELECT unit_key, level, valid_from, valid_to FROM units WHERE NOT is_root").fetchall()
        dues = dict(con.execute("SELECT period, due_date FROM periods").fetchall())
        first_q = Period(int(first[:4]), "quarter", int(first[-1]))
        last_q = Period(int(last[:4]), "quarter", int(last[-1]))
        values, reports, submissions, issues = [], [], [], []
        for number, quarter in enumerate(quarter_range(first_q, last_q), start=1):
            due = dues[quarter.code]
            years = quarter.year - first_q.year + (quarter.number - 1) / 4
            submissions.append((number, f"tong_hop_{quarter.code}.xlsx", f"{number:064x}", "consolidated", "demo",
                                datetime.combine(due, datetime.min.time()), datetime.combine(due, datetime.min.time()),
                                "accepted", None, None, quarter.code, 0, 0, 0, 1))
            issues.append((number, "warning", "Tổng hợp", "D12", "part_exceeds_whole",
                           f"Số liệu {quarter.label('vi')}: ô D12 lớn hơn tổng.",
                           f"Data {quarter.label('en')}: cell D12 exceeds its total."))
            for unit_key, level, valid_from, valid_to in units:
                if not (valid_from <= quarter.end and valid_to >= quarter.start) or rng.random() < 0.06:
                    continue
                late = rng.random() < 0.15
                submitted = due + timedelta(days=rng.randint(1, 20)) if late else due - timedelta(days=rng.randint(0, 10))
                reports.append((number, unit_key, quarter.code, datetime.combine(submitted, datetime.min.time())))
                values += _unit_values(rng, number, unit_key, level, quarter, years)
        con.executemany("INSERT INTO submissions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", submissions)
        con.executemany("INSERT INTO submission_issues VALUES (?,?,?,?,?,?,?)", issues)
        frame = pd.DataFrame(values, columns=["submission_id", "unit_key", "period", "metric_code", "value"])
        frame["sheet"], frame["cell"] = "Tổng hợp", None
        con.register("new_values", frame)
        con.execute("INSERT INTO reported_values SELECT * FROM new_values")
        report_frame = pd.DataFrame(reports, columns=["submission_id", "unit_key", "period", "submitted_at"])
        con.register("new_reports", report_frame)
        con.execute("INSERT INTO unit_reports SELECT * FROM new_reports")
    finally:
        con.close()
    return path


def _unit_values(rng: random.Random, submission: int, unit_key: str, level: str, quarter: Period,
                 years: float) -> list[tuple]:
    rows = []
    size = {"province": 400, "district": 250, "commune": 60}[level]
    counts: dict[str, int] = {}
    for part, whole, start, gain in PAIRS:
        if whole not in counts:
            counts[whole] = max(1, int(size * rng.uniform(0.6, 1.4)))
        rate = min(1.0, max(0.0, (start + gain * years) * LEVEL_FACTOR[level] + rng.uniform(-0.08, 0.08)))
        counts[part] = int(counts[whole] * rate)
    rows += [(submission, unit_key, quarter.code, code, value) for code, value in counts.items()]
    if level in ("province", "district") or quarter.year >= 2025:
        total = int({"province": 60, "district": 120, "commune": 40}[level] * rng.uniform(0.8, 1.2))
        rows.append((submission, unit_key, quarter.code, "services_total", total))
        if quarter.end.isoformat() < "2022-08-15":
            l4 = int(total * min(0.9, 0.05 + 0.12 * years) * rng.uniform(0.8, 1.2))
            l3 = int((total - l4) * 0.3)
            l2 = int((total - l4 - l3) * 0.8)
            rows += [(submission, unit_key, quarter.code, c, v)
                     for c, v in (("services_level2", l2), ("services_level3", l3), ("services_level4", l4))]
        else:
            full = int(total * min(0.95, 0.3 + 0.08 * (years - 3.5)) * rng.uniform(0.85, 1.1))
            full = min(full, total)
            rows += [(submission, unit_key, quarter.code, "services_full_online", full),
                     (submission, unit_key, quarter.code, "services_partial_online", int((total - full) * 0.7))]
    return rows
