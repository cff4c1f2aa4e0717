"""Online services changed their definition on 15 August 2022 (Decree 42/2022/NĐ-CP): the two
eras are shown side by side, never spliced into one series."""
from __future__ import annotations

import duckdb


def test_an_indicator_of_service_levels_ends_with_decree_42_and_the_toan_trinh_one_begins(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    spans = dict((code, (first, last)) for code, first, last in con.execute(
        "SELECT indicator_code, min(period), max(period) FROM level_progress WHERE period_type = 'quarter' "
        "AND indicator_code IN ('services_level4_rate', 'services_full_online_rate') GROUP BY 1").fetchall())
    assert spans["services_level4_rate"] == ("2019Q1", "2022Q3")  # valid until 14 August 2022
    assert spans["services_full_online_rate"] == ("2022Q3", "2026Q3")  # from 15 August 2022
