"""Issue 10, what a steering committee reads: every headline says its period, its units and its
target; an expired target is never "Đạt"; a filter the period cannot show is dropped with a
notice, never a false "no data"; one count per question; charts titled by the chosen period.
Figures are plain objects; pages are rendered on the demo warehouse built by the real loader."""
from __future__ import annotations

import json
import re

import dash
import pandas as pd
import plotly
import pytest

from dashboard import data, figures
from dashboard.app import create_app
from dashboard.components import CLEAR_FILTERS, FILTER_NOTICES
from dashboard.filter_checks import checked_filters
from dashboard.tables import submission_status


def _trend_rows() -> pd.DataFrame:
    rows = []
    for i, period in enumerate(["2022Q3", "2022Q4", "2023Q1", "2023Q2", "2024Q4", "2025Q3", "2025Q4"]):
        for level, base, target in (("province", 0.8, 0.9), ("district", 0.6, 0.8), ("commune", 0.4, 0.6)):
            if level == "district" and period >= "2025Q3":
                continue  # the district tier ended with the reform
            rows.append({"period": period, "level": level, "value": base + i / 100, "target": target,
                         "expected": target - 0.05})
    return pd.DataFrame(rows)


# Figures -------------------------------------------------------------------------------------


def test_the_trend_legend_has_one_entry_per_level_and_explains_target_and_trajectory_once():
    fig = figures.trend_chart(_trend_rows(), "Tỷ lệ hồ sơ", "vi")
    shown = [tr.name for tr in fig.data if tr.showlegend is not False]
    assert shown == ["Cấp tỉnh", "Cấp huyện", "Cấp xã", "Chỉ tiêu (nét đứt) / lộ trình (chấm)"]
    # The target of a level is drawn thin in that level's colour: told apart by colour, not by dash.
    target = next(tr for tr in fig.data if tr.name == "Chỉ tiêu cấp xã")
    actual = next(tr for tr in fig.data if tr.name == "Cấp xã")
    assert target.line.color == actual.line.color and target.line.width < actual.line.width


def test_the_trend_title_follows_the_chosen_half_year_not_the_latest_quarter():
    half = pd.DataFrame({"period": ["2023H1"] * 2, "level": ["province", "commune"], "value": [0.85, 0.45],
                         "target": [0.9, 0.6]})
    title = figures.trend_chart(_trend_rows(), "Tỷ lệ hồ sơ", "vi", period="2023H1", current=half).layout.title.text
    assert "(6 tháng đầu năm 2023)" in title and "Quý IV/2025" not in title
    assert "Cấp xã đạt 45,0%" in title
    quarter = figures.trend_chart(_trend_rows(), "Tỷ lệ hồ sơ", "en", period="2023Q1").layout.title.text
    assert "(Q1/2023)" in quarter


def test_an_expired_target_is_not_drawn_as_if_in_force_in_a_trend():
    """The dashed target line stops where the target expired (its deadline passed, no later
    plan): past it, the quarters have no target to be measured against."""
    rows = _trend_rows()
    rows["status"] = ["expired" if p >= "2025Q3" else "behind" for p in rows["period"]]
    fig = figures.trend_chart(rows, "Tỷ lệ hồ sơ", "vi")
    target = next(tr for tr in fig.data if tr.name == "Chỉ tiêu cấp xã")
    drawn = dict(zip([str(d) for d in target.x], target.y))
    assert drawn["2025-07-01"] is None and drawn["2025-10-01"] is None
    assert drawn["2024-10-01"] == 0.6
    path = next(tr for tr in fig.data if tr.name == "Lộ trình cấp xã")  # nor its lộ trình
    on_path = {str(d): v for d, v in zip(path.x, path.y) if v is not None}
    assert "2025-07-01" not in on_path and "2024-10-01" in on_path


def test_an_expired_target_is_never_called_met_in_a_chart_title():
    rows = pd.DataFrame({"level": ["commune"], "value": [0.35], "target": [0.2], "status": ["expired"],
                         "deadline": [pd.Timestamp("2020-12-31")], "units_reporting": [116], "units_expected": [135]})
    title = figures.level_chart(rows, "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "vi").layout.title.text.replace("<br>", " ")
    assert "đã hết hạn 31/12/2020" in title and "đạt chỉ tiêu" not in title
    assert figures.level_chart(rows, "x", "vi").data[0].marker.color[0] == "#616161"  # grey, never green
    # nor drawn as a mark still to reach, nor its lộ trình
    drawn = figures.level_chart(rows.assign(expected=[0.2]), "x", "vi")
    assert [list(tr.y) for tr in drawn.data[1:]] in ([[None]], [[None], [None]])


def test_each_level_bar_states_its_coverage_and_a_partial_period_says_so():
    rows = pd.DataFrame({"level": ["province", "commune"], "value": [0.9, 0.62], "target": [0.9, 0.6],
                         "status": ["met", "met"], "units_reporting": [14, 1], "units_expected": [14, 135],
                         "partial": [False, True]})
    names = list(figures.level_chart(rows, "x", "vi").data[0].x)
    assert names == ["Cấp tỉnh<br>14/14 đơn vị", "Cấp xã<br>1/135 đơn vị<br>(số liệu chưa đầy đủ)"]
    assert "(partial data)" in figures.level_chart(rows, "x", "en").data[0].x[1]


def test_the_ranking_title_counts_every_unit_of_the_level_not_only_the_bars_shown():
    every = pd.DataFrame({"unit_key": [f"u{i}" for i in range(362)], "unit_name": [f"Xã {i}" for i in range(362)],
                          "value": [0.3 + i / 1000 for i in range(362)], "target": 0.6,
                          "status": ["met" if 0.3 + i / 1000 >= 0.6 else "behind" for i in range(362)]})
    worst = every.sort_values("value").head(150)
    title = figures.ranking_chart(worst, "commune", "Tỷ lệ", "vi", counted=every).layout.title.text
    assert "62/362 đơn vị cấp xã đạt chỉ tiêu 60%" in title


def test_a_heatmap_cell_with_an_expired_target_is_grey_not_a_traffic_light():
    rows = pd.DataFrame({"unit_key": ["a", "b"], "unit_name": ["Xã A", "Xã B"], "indicator_code": ["x", "x"],
                         "value": [0.9, 0.5], "target": [0.2, 0.6], "status": ["expired", "behind"]})
    heat = figures.heatmap_chart(rows, {"x": "Tỷ lệ"}, "vi")
    z = {name: row[0] for name, row in zip(heat.data[0].y, heat.data[0].z)}
    assert z["Xã A"] == 5 and z["Xã B"] == 2
    assert "1 ô chưa đạt trên 1 ô có chỉ tiêu" in heat.layout.title.text  # the expired cell is not counted


def test_a_submission_state_reads_in_the_readers_language():
    assert submission_status("accepted", "vi") == "Đã tiếp nhận"
    assert submission_status("accepted", "en") == "Accepted"
    assert submission_status("superseded", "vi") == "Đã được thay thế"


# Pages on the demo warehouse -------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(demo_db):
    return create_app(str(demo_db))


def _page(app, path: str, **query) -> str:
    with app.server.test_request_context():
        page = next(p for p in dash.page_registry.values() if (p.get("path_template") or p["path"]) == path)
        return json.dumps(page["layout"](**query), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def test_an_old_district_filter_in_a_new_period_is_dropped_with_a_notice_not_a_false_no_data(app):
    old = "old:551"  # Huyện Vân Canh, gone with the district tier on 1 July 2025
    text = _page(app, "/don-vi", period="2026Q3", level="commune", unit=old)
    assert "Huyện Vân Canh không còn tồn tại trong Quý III/2026" in text
    assert ": chưa có số liệu." not in text  # the page's "no data" note, as in the issue
    assert "đơn vị cấp xã đạt" in text or "đơn vị cấp xã có số liệu" in text
    # The same district in its own era still filters its communes.
    with app.server.test_request_context():
        f, notices = checked_filters(app.server.config["GOVKPI_WAREHOUSE"],
                                     {"period": "2024Q4", "level": "commune", "unit": old})
    assert f.unit == old and notices == []


def test_the_district_level_after_the_reform_becomes_the_commune_level_with_a_notice(app):
    text = _page(app, "/don-vi", period="2025Q3", level="district", lang="en")
    assert "The district level does not exist in Q3/2025" in text and "showing the commune level" in text
    assert "commune level units" in text


@pytest.mark.parametrize("bad, notice", [
    ("2099Q9", "Kỳ báo cáo “2099Q9” không hợp lệ"),
    ("abc", "Kỳ báo cáo “abc” không hợp lệ"),
    ("2031Q1", "Kho số liệu chưa có kỳ 2031Q1; đang hiển thị Quý III/2026"),
])
def test_an_invalid_period_in_the_url_gets_a_notice_not_a_silent_substitute(app, bad, notice):
    for path in ("/", "/chi-tieu", "/don-vi"):
        text = _page(app, path, period=bad)
        assert notice in text and FILTER_NOTICES in text, path


def test_an_unknown_unit_in_the_url_gets_a_notice(app):
    assert "Không tìm thấy đơn vị “old:0”" in _page(app, "/don-vi", level="commune", unit="old:0")
    assert "Không tìm thấy đơn vị old:0" in _page(app, "/don-vi/<unit_key>", unit_key="old:0")


def test_every_page_of_mine_has_a_clear_filters_link_to_the_bare_page(app):
    for path, query, href in [("/", {}, "/?lang=vi"), ("/chi-tieu", {"lang": "en"}, "/chi-tieu?lang=en"),
                              ("/don-vi", {"period": "2024Q4"}, "/don-vi?lang=vi"),
                              ("/don-vi/<unit_key>", {"unit_key": "old:551"}, "/don-vi/old:551?lang=vi")]:
        text = _page(app, path, **query)
        assert CLEAR_FILTERS in text and f'"href": "{href}"' in text, path


def test_the_units_page_counts_every_unit_of_the_level_and_says_it_shows_the_worst(app):
    text = _page(app, "/don-vi", period="2024Q4", level="commune")
    assert "/360 đơn vị cấp xã đạt" in text
    assert "Hiển thị 150 đơn vị có tỷ lệ thấp nhất trên tổng số 360" in text
    assert "Quý IV/2024 · " in text and "đã báo cáo" in text  # the period and its coverage


def test_indicators_not_valid_in_the_period_are_not_shown_as_empty_panels(app):
    assert "section-services_level4_rate" not in _page(app, "/chi-tieu", period="2026Q3")
    assert "section-services_level4_rate" in _page(app, "/chi-tieu", period="2021Q4")
    asked = _page(app, "/chi-tieu", period="2026Q3", indicator="services_level4_rate")
    assert "không áp dụng trong Quý III/2026" in asked


def test_expired_targets_read_het_han_with_their_deadline_on_the_overview(app):
    text = _page(app, "/", period="2026Q3")
    with app.server.test_request_context():
        rows = data.progress(app.server.config["GOVKPI_WAREHOUSE"], ["2026Q3"])
    expired = rows[rows["status"] == "expired"]
    assert not expired.empty  # the demo holds targets whose deadline passed
    assert "Hết hạn" in text and "hết hạn 31/12/" in text and "tại hạn:" in text
    assert "116/135 đơn vị" in text  # each level's coverage beside its figure


def test_a_page_set_to_a_quarter_shows_the_province_as_it_stood_then(app):
    """The demo has data to Q3/2026; set to Q3/2025, no trend runs past it and no title quotes
    a later quarter (the exports of Q3/2025 show the same)."""
    for path in ("/chi-tieu", "/bao-cao", "/dich-vu-cong"):
        text = _page(app, path, period="2025Q3")
        days = set(re.findall(r'"(20\d\d-\d\d-\d\d)', text))
        assert days and max(days) == "2025-07-01", path  # Q3/2025 starts on 1 July, the last point drawn
    reporting = _page(app, "/bao-cao", period="2025Q3").replace("<br>", " ")
    assert re.search(r"Tỷ lệ đơn vị gửi báo cáo theo kỳ: [\d,]+% ở Quý III/2025", reporting)
    services = _page(app, "/dich-vu-cong", period="2025Q3").replace("<br>", " ")
    assert re.search(r"Toàn tỉnh \(mọi cấp\): hồ sơ trực tuyến [\d,]+%, đúng hạn [\d,]+% \(Quý III/2025\)", services)


def test_the_indices_page_set_to_a_quarter_shows_the_index_as_it_stood_then(app):
    """A quarter shared from the other pages: the 766 index of its last month, as the report of
    that quarter shows it; a quarter before the first month scored says so and shows that month."""
    assert "Tháng 9/2026 (số liệu tính đến ngày 30/09/2026)" in _page(app, "/chi-so", period="2026Q3")
    early = _page(app, "/chi-so", period="2025Q3")
    assert "chưa có điểm đến hết Quý III/2025; dưới đây là kỳ chấm đầu tiên: Tháng 12/2025" in early
    assert "Tháng 12/2025 (số liệu tính đến ngày 31/12/2025)" in early
    shown = _page(app, "/chi-so", period="2026Q3")
    trend = shown[shown.index('"index": "index-trend"'):shown.index('"id": "index-trend-card"')]
    assert "Tháng 9/2026" in trend and "Tháng 10/2026" not in trend  # the trend ends at the month shown


def test_the_unit_page_shows_the_submission_state_in_the_readers_language(app):
    with app.server.test_request_context():
        key = data.units(app.server.config["GOVKPI_WAREHOUSE"], "2024Q4", "district")["unit_key"].iloc[0]
    vi, en = _page(app, "/don-vi/<unit_key>", unit_key=key, period="2024Q4"), _page(
        app, "/don-vi/<unit_key>", unit_key=key, period="2024Q4", lang="en")
    assert "Đã tiếp nhận" in vi and '"accepted"' not in vi
    assert "Accepted" in en


def test_the_catalog_reads_as_a_reader_expects_formulas_bracketed_eras_dated_sources_cited(app):
    """A sum over a total is bracketed; a metric's validity names only its own era's bounds (no
    '01/01/2000' for the catalog's open start); a plan's source is the text cited, not a file."""
    text = _page(app, "/danh-muc")
    assert "(services_level3 + services_level4) / services_total" in text
    assert "đến 14/08/2022" in text and "từ 15/08/2022" in text and "01/01/2000" not in text
    assert "Báo Gia Lai, 07/04/2019" in text and "seeds/" not in text


def test_the_level_bars_and_the_heatmap_say_their_period(app):
    """Every figure says its period: the bars of each level (under their findings) and the
    heatmap's count of cells behind."""
    targets = _page(app, "/chi-tieu", period="2025Q3")
    assert "<sup>Quý III/2025</sup>" in targets
    units = _page(app, "/don-vi", period="2025Q3", level="commune").replace("<br>", " ")
    assert re.search(r"ô chưa đạt trên [\d.]+ ô có chỉ tiêu, Quý III/2025", units)
    # the ranking and the map: "<indicator>, Quý III/2025" above their count of units that met it
    assert len(re.findall(r", Quý III/2025 <sup>(?:Bản đồ cấp xã: )?\d+/\d+ đơn vị cấp xã", units)) == 2


def test_a_units_page_set_to_a_quarter_lists_the_submissions_of_its_periods_up_to_it(app):
    """The demo's department reports monthly to Q3/2026: set to Q3/2025, its submissions of
    later periods are not listed (nor drawn in its trend)."""
    with app.server.test_request_context():
        wh = app.server.config["GOVKPI_WAREHOUSE"]
        key = next(k for k in wh.query("units", period="2026Q3", level="province")["unit_key"] if k.startswith("agency:"))
        every = data.unit_submissions(wh, key)
    assert (every["period"] > "2025Q3").any()  # the case is there
    shown = _page(app, "/don-vi/<unit_key>", unit_key=key, period="2025Q3")
    later = [name for name, period in zip(every["file_name"], every["period"]) if period > "2025Q3"]
    earlier = [name for name, period in zip(every["file_name"], every["period"]) if period <= "2025Q3"]
    assert not any(f'"{name}"' in shown for name in later if name not in earlier)
