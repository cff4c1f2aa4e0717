"""The cumulative nine months (2026Q1-Q3) are derived from their quarters as half-years are:
a flow is the sum of Q1..Q3, a stock the last quarter reported; an older warehouse gains them
when a writer opens it."""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from workbooks import *  # noqa: E402,F403

from etl.warehouse import connect  # noqa: E402

METRICS = ["dossiers_total", "dossiers_online", "services_total", "services_full_online"]

GIVEN = {  # quarter → (dossiers received, online; services, fully online) of Phường Quy Nhơn
    "I": (100, 40, 50, 20),
    "II": (120, 60, 52, 25),
    "III": (130, 70, 55, 30),
}


def load_quarters(loader, tmp_path, quarters):
    for roman in quarters:
        values = dict(zip(METRICS, GIVEN[roman]))
        path = consolidated(tmp_path / f"q{roman}.xlsx", [(("21583", "Phường Quy Nhơn"), values)], METRICS,
                            title=f"BẢNG TỔNG HỢP QUÝ {roman}/2026", code_header="Mã đơn vị")
        report = loader.load_file(path)
        assert report.status == "accepted", messages(report)


def values(con, period):
    return dict(con.execute("SELECT metric_code, value FROM period_metric_values JOIN units USING (unit_key) "
                            "WHERE unit_code = '21583' AND period = ?", [period]).fetchall())


@pytest.mark.parametrize("quarters,expect", [
    (["I", "II", "III"], {"dossiers_total": 350, "dossiers_online": 170,      # flows: the sum of Q1..Q3
                          "services_total": 55, "services_full_online": 30}),  # stocks: Q3
    (["I", "II"], {"dossiers_total": 220, "dossiers_online": 100,             # Q3 not in yet: what is in
                   "services_total": 52, "services_full_online": 25}),
])
def test_nine_months_sum_flows_and_keep_the_last_stock(loader, con, tmp_path, quarters, expect):
    load_quarters(loader, tmp_path, quarters)
    assert values(con, "2026Q1-Q3") == expect
    rate = con.execute("SELECT value FROM indicator_values WHERE unit_code = '21583' AND scope = 'unit' "
                       "AND period = '2026Q1-Q3' AND indicator_code = 'dossiers_online_rate'").fetchall()
    assert rate == [(pytest.approx(expect["dossiers_online"] / expect["dossiers_total"]),)]


def test_the_calendar_names_the_nine_months(con):
    row = con.execute("SELECT period_type, start_date, end_date, label_vi, label_en FROM period_calendar "
                      "WHERE period = '2026Q1-Q3'").fetchall()
    assert [(r[0], str(r[1]), str(r[2]), r[3], r[4]) for r in row] == \
        [("nine_months", "2026-01-01", "2026-09-30", "9 tháng đầu năm 2026", "9M/2026")]


def test_an_older_warehouse_gains_the_nine_months_when_a_writer_opens(loader, con, db, tmp_path):
    load_quarters(loader, tmp_path, ["I", "II", "III"])
    con.close()
    old = duckdb.connect(str(db))  # as an earlier govkpi left it: no nine months, the narrower CHECK
    old.execute("DELETE FROM period_values WHERE period LIKE '%Q1-Q3'")
    old.execute("DELETE FROM period_parts WHERE period LIKE '%Q1-Q3'")
    old.execute("CREATE TABLE p AS SELECT * FROM periods WHERE period_type <> 'nine_months'")
    old.execute("DROP TABLE periods")
    old.execute("""CREATE TABLE periods (period TEXT PRIMARY KEY,
        period_type TEXT NOT NULL CHECK (period_type IN ('quarter', 'half', 'year')), year INTEGER NOT NULL,
        number INTEGER NOT NULL, start_date DATE NOT NULL, end_date DATE NOT NULL, due_date DATE NOT NULL,
        label_vi TEXT NOT NULL, label_en TEXT NOT NULL, cutoff_date DATE)""")
    old.execute("INSERT INTO periods SELECT * FROM p")
    old.execute("DROP TABLE p")
    old.close()
    reopened = connect(db)
    try:
        assert values(reopened, "2026Q1-Q3")["dossiers_total"] == 350
    finally:
        reopened.close()
