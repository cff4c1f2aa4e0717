"""A small warehouse with the public views' shape (see the README), for the export tests and the
benchmark when no demo warehouse is at hand. Not the loader's schema: only the views' columns."""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import duckdb
import yaml

from etl.periods import Period, quarter_range

CATALOG = Path(__file__).resolve().parents[2] / "data" / "catalog" / "indicators.yaml"

_OLD = date(2025, 6, 30)
_NEW = date(2025, 7, 1)
_END = date(9999, 12, 31)
_TARGETS = [  # indicator, level, target, plan, doc
    ("work_records_online_rate", "province", 0.90, "KH648", "648/KH-UBND"),
    ("work_records_online_rate", "district", 0.80, "KH648", "648/KH-UBND"),
    ("work_records_online_rate", "commune", 0.60, "KH648", "648/KH-UBND"),
    ("docs_electronic_rate", "province", 1.00, "QD942", "942/QĐ-TTg"),
    ("docs_electronic_rate", "district", 1.00, "QD942", "942/QĐ-TTg"),
    ("docs_electronic_rate", "commune", 1.00, "QD942", "942/QĐ-TTg"),
    ("services_level4_rate", "province", 0.80, "QD749", "749/QĐ-TTg"),
    ("dossiers_online_rate", "province", 0.20, "NQ17", "17/NQ-CP"),
    ("dossiers_online_rate", "commune", 0.20, "NQ17", "17/NQ-CP"),
]
_BASE = {"work_records_online_rate": 0.7, "docs_electronic_rate": 0.93,
         "services_level4_rate": 0.6, "dossiers_online_rate": 0.25, "staff_computer_rate": 0.9}


def build_sample(path: str | Path, seed: int = 7, communes: int = 12) -> Path:
    """Writes the sample warehouse (Tỉnh Gia Lai, 2024Q1..2025Q4) and gives its path."""
    path = Path(path)
    path.unlink(missing_ok=True)
    rng = random.Random(seed)
    con = duckdb.connect(str(path))
    units = _units(communes)
    con.execute("CREATE TABLE s_units (unit_key TEXT, unit_code TEXT, unit_name TEXT, short_name TEXT,"
                " unit_type TEXT, level TEXT, is_root BOOLEAN, parent_key TEXT, parent_name TEXT,"
                " province_key TEXT, era TEXT, valid_from DATE, valid_to DATE)")
    con.executemany("INSERT INTO s_units VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", units)
    quarters = quarter_range(Period(2024, "quarter", 1), Period(2025, "quarter", 4))
    con.execute("CREATE TABLE s_calendar (period TEXT, period_type TEXT, year INT, number INT,"
                " start_date DATE, end_date DATE, due_date DATE, label_vi TEXT, label_en TEXT)")
    con.executemany("INSERT INTO s_calendar VALUES (?,?,?,?,?,?,?,?,?)", [
        (q.code, "quarter", q.year, q.number, q.start, q.end, q.end + timedelta(days=15),
         q.label("vi"), q.label("en")) for q in quarters])
    values, reports = [], []
    for q in quarters:
        step = (q.year - 2024) * 4 + q.number
        for unit in units:
            key, level, is_root, era = unit[0], unit[5], unit[6], unit[10]
            if is_root or (era == "old") != (q.end <= _OLD) or rng.random() < 0.08:
                continue
            reports.append((key, q.code, q.end + timedelta(days=rng.choice([3, 10, 20]))))
            for code, base in _BASE.items():
                if code in ("services_level4_rate",) and level != "province":
                    continue
                total = rng.randint(80, 1500)
                rate = min(1.0, max(0.0, base + 0.012 * step + rng.uniform(-0.2, 0.15)
                                    - (0.15 if level == "commune" else 0)))
                values.append((key, q.code, code, round(total * rate), total))
    con.execute("CREATE TABLE s_values (unit_key TEXT, period TEXT, indicator_code TEXT,"
                " numerator BIGINT, denominator BIGINT)")
    con.executemany("INSERT INTO s_values VALUES (?,?,?,?,?)", values)
    con.execute("CREATE TABLE s_reports (unit_key TEXT, period TEXT, submitted_at DATE)")
    con.executemany("INSERT INTO s_reports VALUES (?,?,?)", reports)
    con.execute("CREATE TABLE s_targets (indicator_code TEXT, level TEXT, target DOUBLE,"
                " plan_code TEXT, doc_number TEXT)")
    con.executemany("INSERT INTO s_targets VALUES (?,?,?,?,?)", _TARGETS)
    indicators = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["indicators"]
    con.execute("CREATE TABLE catalog_indicators (indicator_code TEXT, name_vi TEXT, name_en TEXT,"
                " numerator TEXT, denominator TEXT, group_vi TEXT, group_en TEXT)")
    con.executemany("INSERT INTO catalog_indicators VALUES (?,?,?,?,?,?,?)", [
        (i["code"], i["name_vi"], i["name_en"], i["numerator"], i["denominator"], i["group_vi"],
         i["group_en"]) for i in indicators])
    con.execute(_VIEWS)
    con.close()
    return path


def _units(communes: int) -> list[tuple]:
    old_root, new_root = "old:64", "new:52"
    rows = [
        (old_root, "64", "Tỉnh Gia Lai", "Gia Lai", "tinh", "province", True, None, None, old_root, "old", date(1991, 8, 12), _OLD),
        (new_root, "52", "Tỉnh Gia Lai", "Gia Lai", "tinh", "province", True, None, None, new_root, "new", _NEW, _END),
    ]
    for era, root, start, end in (("old", old_root, date(2000, 1, 1), _OLD), ("new", new_root, _NEW, _END)):
        agencies = ["Sở Nội vụ", "Sở Tài chính", "Văn phòng UBND tỉnh", "Sở Y tế"]
        agencies.append("Sở Thông tin và Truyền thông" if era == "old" else "Sở Khoa học và Công nghệ")
        for i, name in enumerate(agencies):
            rows.append((f"agency:{root}:A{i}", f"A{i}", name, name, "agency", "province", False, root,
                         "Tỉnh Gia Lai", root, era, start, end))
    districts = ["Thành phố Pleiku", "Thị xã An Khê", "Huyện Chư Sê", "Huyện Đăk Đoa"]
    for d, name in enumerate(districts):
        dkey = f"old:6{d:02d}"
        rows.append((dkey, f"6{d:02d}", name, name.split(" ", 2)[-1], "huyen", "district", False, old_root,
                     "Tỉnh Gia Lai", old_root, "old", date(2000, 1, 1), _OLD))
        for c in range(communes // len(districts)):
            prefix = "Phường" if d == 0 else "Xã"
            cname = f"{prefix} {['Ia Kha', 'Hòa Bình', 'Đắk Sơmei', 'Chư Pưh', 'Kông Bơ La', 'Ia Băng'][c % 6]} {d}{c}"
            rows.append((f"old:23{d}{c:02d}", f"23{d}{c:02d}", cname, cname.split(" ", 1)[1], "xa", "commune",
                         False, dkey, name, old_root, "old", date(2000, 1, 1), _OLD))
    new_names = ["Phường Pleiku", "Phường Hội Phú", "Phường An Khê", "Xã Chư Sê", "Xã Ia Grai",
                 "Xã Đak Đoa", "Xã Kbang", "Xã Ia Pa", "Xã Phú Thiện", "Xã Krông Pa"]
    for c, name in enumerate(new_names[:communes]):
        rows.append((f"new:21{c:03d}", f"21{c:03d}", name, name.split(" ", 1)[1], "xa", "commune", False,
                     new_root, "Tỉnh Gia Lai", new_root, "new", _NEW, _END))
    return rows


_VIEWS = """
CREATE VIEW unit_directory AS SELECT * FROM s_units;
CREATE VIEW period_calendar AS SELECT * FROM s_calendar;
CREATE VIEW plan_targets AS
  SELECT plan_code, doc_number, indicator_code, level, target, DATE '2025-12-31' AS deadline FROM s_targets;
CREATE VIEW s_expected AS
  SELECT c.period, u.* FROM s_calendar c JOIN s_units u
    ON NOT u.is_root AND u.valid_from <= c.end_date AND u.valid_to >= c.end_date;
CREATE VIEW target_progress AS
  SELECT e.unit_key, e.unit_code, e.unit_name, e.level, e.era, e.period, 'quarter' AS period_type,
         t.indicator_code, v.numerator / nullif(v.denominator, 0) AS value, t.target,
         DATE '2025-12-31' AS deadline, t.plan_code,
         CASE WHEN v.denominator IS NULL OR v.denominator = 0 THEN 'no_data'
              WHEN v.numerator / v.denominator >= t.target THEN 'met'
              WHEN v.numerator / v.denominator > t.target - 0.1 THEN 'near' ELSE 'behind' END AS status
  FROM s_expected e JOIN s_targets t ON t.level = e.level
  LEFT JOIN s_values v ON v.unit_key = e.unit_key AND v.period = e.period AND v.indicator_code = t.indicator_code;
CREATE VIEW level_progress AS
  WITH agg AS (
    SELECT e.period, e.level, v.indicator_code, sum(v.numerator) AS numerator,
           sum(v.denominator) AS denominator, count(*) AS units_reporting
    FROM s_expected e JOIN s_values v ON v.unit_key = e.unit_key AND v.period = e.period
    GROUP BY ALL),
  expected AS (SELECT period, level, count(*) AS units_expected FROM s_expected GROUP BY ALL)
  SELECT a.period, 'quarter' AS period_type, a.level, a.indicator_code, a.numerator, a.denominator,
         a.numerator / nullif(a.denominator, 0) AS value, t.target,
         CASE WHEN t.target IS NULL THEN NULL ELSE DATE '2025-12-31' END AS deadline,
         t.plan_code, t.doc_number, NULL::DOUBLE AS expected,
         CASE WHEN a.denominator IS NULL OR a.denominator = 0 THEN 'no_data'
              WHEN a.numerator / a.denominator >= t.target THEN 'met'
              WHEN a.numerator / a.denominator > t.target - 0.1 THEN 'near' ELSE 'behind' END AS status,
         a.units_reporting, x.units_expected
  FROM agg a JOIN expected x USING (period, level)
  LEFT JOIN s_targets t ON t.indicator_code = a.indicator_code AND t.level = a.level;
CREATE VIEW reporting_completeness AS
  SELECT e.period, e.level, count(*) AS units_expected, count(r.unit_key) AS units_reported,
         count(*) FILTER (WHERE r.submitted_at <= c.due_date) AS units_on_time,
         count(r.unit_key) / count(*) AS rate,
         count(*) FILTER (WHERE r.submitted_at <= c.due_date) / count(*) AS on_time_rate
  FROM s_expected e JOIN s_calendar c USING (period)
  LEFT JOIN s_reports r ON r.unit_key = e.unit_key AND r.period = e.period
  GROUP BY ALL;
CREATE VIEW missing_reports AS
  SELECT e.period, e.level, e.unit_key, e.unit_code, e.unit_name, e.parent_name, c.due_date
  FROM s_expected e JOIN s_calendar c USING (period)
  LEFT JOIN s_reports r ON r.unit_key = e.unit_key AND r.period = e.period
  WHERE r.unit_key IS NULL;
"""


def warehouse_for_tests(request, tmp_path_factory) -> Path:
    """Gives the demo warehouse built through the real loader (the `demo_db` session fixture)
    when the project provides it, else this module's sample with the views' shape."""
    try:
        return Path(request.getfixturevalue("demo_db"))
    except Exception:  # no demo_db fixture (yet), or it could not build: use the sample
        return build_sample(tmp_path_factory.mktemp("exports") / "sample.duckdb")
