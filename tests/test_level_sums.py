"""The level sums the loader keeps (level_indicator_values) are the sums over the level's units:
the dashboard's first look at a period reads them instead of aggregating every unit."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from etl.load import Loader
from etl.warehouse import connect

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "binhdinh_huyen_q2_2021.xlsx"

# A level's rate is the sum of its units' numerators over the sum of their denominators,
# computed here from the units' own rows, apart from the table the loader keeps.
FROM_UNITS = """
SELECT v.period, u.level, v.indicator_code, sum(v.numerator) AS numerator, sum(v.denominator) AS denominator,
       CASE WHEN sum(v.denominator) > 0 THEN sum(v.numerator) / sum(v.denominator) END AS value,
       count(*) AS units_reporting
FROM unit_indicator_values v JOIN units u USING (unit_key)
WHERE NOT u.is_root
GROUP BY ALL ORDER BY ALL
"""


def _level_actuals(con) -> list[tuple]:
    return con.execute("SELECT period, level, indicator_code, numerator, denominator, value, units_reporting "
                       "FROM level_actuals ORDER BY ALL").fetchall()


def test_a_levels_sums_are_its_units_sums_after_every_load(demo_db, tmp_path):
    db = tmp_path / "kho.duckdb"
    shutil.copy(demo_db, db)
    con = connect(db)
    try:
        assert _level_actuals(con) == con.execute(FROM_UNITS).fetchall() != []
        report = Loader(con).load_file(SAMPLE)  # a district table of 2021Q2: its level and periods change
        assert report.status == "accepted"
        assert _level_actuals(con) == con.execute(FROM_UNITS).fetchall()
        data_periods = {r[0] for r in con.execute("SELECT period FROM data_periods").fetchall()}
        assert data_periods == {r[0] for r in con.execute("SELECT DISTINCT period FROM unit_indicator_values").fetchall()}
        assert {"2021Q2", "2021H1", "2021"} <= data_periods
    finally:
        con.close()


def test_an_older_warehouse_without_level_sums_gains_them_when_a_writer_opens(demo_db, tmp_path):
    db = tmp_path / "cu.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db))
    expected = con.execute(FROM_UNITS).fetchall()
    con.execute("DROP TABLE level_indicator_values")
    con.close()

    con = connect(db)
    try:
        assert _level_actuals(con) == expected
    finally:
        con.close()
