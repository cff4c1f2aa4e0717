"""Figure builders are pure: small frames shaped like the views in, figures out, no browser."""
from __future__ import annotations

import json
import unicodedata

import pandas as pd
import pytest
from plotly.io.json import to_json_plotly

from dashboard import figures, reporting_figures, service_figures
from vocab.levels import STATUS_COLOURS
from vocab.i18n import STRINGS, t


def _level_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "level": ["commune", "province", "district"],
            "value": [0.25, 0.93, 0.724],
            "target": [0.30, 0.90, 0.80],
            "expected": [0.28, 0.85, 0.75],
            "status": ["near", "met", "behind"],
        }
    )


def _trend_rows() -> pd.DataFrame:
    rows = []
    for i, period in enumerate(["2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4"]):
        rows.append({"period": period, "level": "province", "value": 0.8 + i / 100, "target": 0.9})
        if period < "2025Q3":
            rows.append({"period": period, "level": "district", "value": 0.6 + i / 100, "target": 0.8})
        rows.append({"period": period, "level": "commune", "value": 0.4 + i / 100, "target": 0.6})
    return pd.DataFrame(rows)


def _title(fig) -> str:
    """The title as read: the line breaks that wrap it for a 1280 px projector read as spaces."""
    return fig.layout.title.text.replace("<br>", " ")


def test_level_chart_title_states_each_levels_finding_the_vietnamese_way():
    fig = figures.level_chart(_level_rows(), "Tỷ lệ hồ sơ công việc", "vi")
    title = _title(fig).replace("<br>", " ")  # each finding is wrapped to the chart's width
    assert "Cấp huyện đạt 72,4%, chưa đạt chỉ tiêu 80%" in title
    assert "Cấp tỉnh đạt 93,0%, đạt chỉ tiêu 90%" in title
    # Levels in province, district, commune order; bars coloured by status.
    bar = fig.data[0]
    assert list(bar.x) == ["Cấp tỉnh", "Cấp huyện", "Cấp xã"]
    assert list(bar.marker.color) == [STATUS_COLOURS["met"], STATUS_COLOURS["behind"], STATUS_COLOURS["near"]]
    assert list(bar.text) == ["93,0%", "72,4%", "25,0%"]
    assert fig.layout.separators == ",."
    assert fig.layout.yaxis.title.text == "Tỷ lệ (%)"


def test_level_chart_in_english_uses_english_numbers():
    fig = figures.level_chart(_level_rows(), "Work records online", "en")
    assert "District level at 72.4%, below the 80% target" in _title(fig).replace("<br>", " ")
    assert fig.layout.separators == ".,"


def test_every_builder_says_no_data_instead_of_an_empty_chart():
    empty_levels = _level_rows().iloc[0:0]
    for fig in (
        figures.level_chart(empty_levels, "x"),
        figures.trend_chart(_trend_rows().iloc[0:0], "x"),
        figures.ranking_chart(pd.DataFrame(columns=["unit_key", "unit_name", "value", "target", "status"]), "district", "x"),
        figures.heatmap_chart(pd.DataFrame(columns=["unit_key", "unit_name", "indicator_code", "value", "status"]), {}),
        service_figures.services_units_chart(pd.DataFrame(columns=["unit_name", "metric_code", "value"]), "Quý III/2025"),
        reporting_figures.completeness_chart(pd.DataFrame(columns=["level", "units_expected", "units_reported", "units_on_time"]), "Quý III/2025"),
    ):
        assert not fig.data
        assert fig.layout.xaxis.visible is False
        assert "chưa có số liệu" in fig.layout.annotations[0].text.lower()


def test_trend_marks_the_july_2025_reform_and_draws_target_lines():
    fig = figures.trend_chart(_trend_rows(), "Tỷ lệ hồ sơ công việc", "vi")
    shapes = [s for s in fig.layout.shapes if s.type == "line"]
    assert any(str(s.x0).startswith("2025-07-01") for s in shapes)
    assert any(a.text == "Sắp xếp ĐVHC 01/7/2025" for a in fig.layout.annotations)
    names = [trace.name for trace in fig.data]
    assert "Cấp huyện" in names and "Chỉ tiêu cấp huyện" in names
    # The district series ends with the district tier: no point after the reform.
    district = next(tr for tr in fig.data if tr.name == "Cấp huyện")
    assert max(district.x).isoformat() < "2025-07-01"
    # Title states the latest period's findings.
    assert "Quý IV/2025" in _title(fig)


def test_trend_draws_the_plans_trajectory_where_the_view_gives_one():
    rows = _trend_rows().assign(expected=lambda f: f["period"].map({"2025Q3": 0.55, "2025Q4": 0.6}))
    fig = figures.trend_chart(rows, "Tỷ lệ hồ sơ công việc", "vi")
    path = next(tr for tr in fig.data if tr.name == "Lộ trình cấp xã")
    assert list(path.y) == [0.55, 0.6] and path.line.dash == "dot" and path.customdata[0] == "55,0%"


def test_one_plans_trajectory_does_not_run_into_the_next():
    rows = _trend_rows()
    rows = rows.assign(expected=0.5, deadline=rows["period"].map(lambda p: "2024-12-31" if p < "2025Q1" else "2025-12-31"))
    path = next(tr for tr in figures.trend_chart(rows, "Tỷ lệ", "vi").data if tr.name == "Lộ trình cấp xã")
    assert list(path.y).count(None) == 1 and path.connectgaps is False


def test_a_chart_drawn_from_plain_rows_is_the_chart_drawn_from_their_frame():
    """/chi-tieu hands the builders plain dicts (one split per page, not pandas per section);
    what a committee sees must not depend on it, gaps (NaN in a frame, None in a dict) included."""
    levels = _level_rows().assign(value=[0.25, None, 0.724])
    trend = _trend_rows().assign(expected=lambda f: f["period"].map({"2025Q3": 0.55, "2025Q4": 0.6}))
    as_json = lambda fig: to_json_plotly(dict(fig))  # as Dash sends it: NaN and None both null
    assert as_json(figures.level_chart(levels.to_dict("records"), "x", "vi")) == as_json(figures.level_chart(levels, "x", "vi"))
    for period in (None, "2025Q1", "2025H1"):
        plain = figures.trend_chart(trend.to_dict("records"), "x", "en", period, levels.assign(period=period).to_dict("records"))
        framed = figures.trend_chart(trend, "x", "en", period, levels.assign(period=period))
        assert as_json(plain) == as_json(framed)


def test_ranking_counts_units_meeting_the_target_and_carries_unit_keys():
    rows = pd.DataFrame(
        {
            "unit_key": ["old:1", "old:2", "old:3"],
            "unit_name": ["Huyện A", "Huyện B", "Thị xã C"],
            "value": [0.85, 0.5, 0.75],
            "target": [0.8, 0.8, 0.8],
            "status": ["met", "behind", "near"],
        }
    )
    fig = figures.ranking_chart(rows, "district", "Tỷ lệ hồ sơ", "vi")
    assert "1/3 đơn vị cấp huyện đạt chỉ tiêu 80%" in _title(fig)
    bar = fig.data[0]
    assert list(bar.y) == ["Huyện B", "Thị xã C", "Huyện A"]  # ascending, best on top
    assert [c[0] for c in bar.customdata] == ["old:2", "old:3", "old:1"]


def test_heatmap_colours_by_status_and_counts_behind_cells():
    rows = pd.DataFrame(
        {
            "unit_key": ["old:1", "old:1", "old:2", "old:2"],
            "unit_name": ["Huyện A", "Huyện A", "Huyện B", "Huyện B"],
            "indicator_code": ["a", "b", "a", "b"],
            "value": [0.9, 0.2, None, 0.5],
            "target": [0.8, 0.3, 0.8, 0.9],
            "status": ["met", "near", "no_data", "behind"],
        }
    )
    fig = figures.heatmap_chart(rows, {"a": "Chỉ tiêu A", "b": "Chỉ tiêu B"}, "vi")
    heat = fig.data[0]
    assert list(heat.y) == ["Huyện B", "Huyện A"]
    assert [list(r) for r in heat.z] == [[0, 2], [4, 3]]  # no data, behind / met, near
    assert heat.text[0][0] == "–" and heat.text[1][0] == "90%"
    assert "1 ô chưa đạt trên 4 ô" in _title(fig)


def test_a_heatmap_column_header_never_runs_into_the_next_one():
    """The longest name of the catalog stands above its column in at most three lines, ending
    in "…"; a short one is whole."""
    long = "Tỷ lệ dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính đủ điều kiện"
    rows = pd.DataFrame({"unit_key": ["old:1", "old:1"], "unit_name": ["Huyện A"] * 2, "indicator_code": ["a", "b"],
                         "value": [0.9, 0.2], "target": [0.8, 0.3], "status": ["met", "near"]})
    heat = figures.heatmap_chart(rows, {"a": long, "b": "Tỷ lệ hồ sơ giải quyết đúng hạn"}, "vi").data[0]
    assert [label.count("<br>") + 1 for label in heat.x] == [3, 2]
    assert heat.x[0].endswith("…") and heat.x[0].startswith("Tỷ lệ dịch vụ") and not heat.x[1].endswith("…")


def test_heatmap_tells_a_value_without_target_from_no_data():
    rows = pd.DataFrame({"unit_key": ["old:1", "old:1"], "unit_name": ["Huyện A", "Huyện A"],
                         "indicator_code": ["a", "b"], "value": [0.8, None], "target": [None, None],
                         "status": ["no_data", "no_data"]})
    fig = figures.heatmap_chart(rows, {"a": "Chỉ tiêu A", "b": "Chỉ tiêu B"}, "vi")
    assert [list(r) for r in fig.data[0].z] == [[1, 0]]
    assert "Không giao chỉ tiêu" in [trace.name for trace in fig.data[1:]]


def test_services_eras_are_two_panels_never_one_series():
    rows = pd.DataFrame(
        {
            "period": ["2022Q1", "2022Q1", "2022Q1", "2022Q4", "2022Q4"],
            "metric_code": ["services_level2", "services_level3", "services_level4",
                            "services_full_online", "services_partial_online"],
            "era": ["old", "old", "old", "new", "new"],  # as the service_metrics view gives them
            "value": [1535, 236, 166, 900, 400],
        }
    )
    fig = service_figures.services_eras_chart(rows, "vi")
    axes = {trace.name: trace.xaxis for trace in fig.data}
    assert axes["Mức độ 4"] == "x" and axes["Toàn trình"] == "x2"
    assert fig.layout.barmode == "stack"
    hover = fig.data[0].customdata[0][1]
    assert hover == "1.535"
    assert fig.layout.yaxis.tickformat == ",d" and fig.layout.separators == ",."  # 1.535 on the axis too, not "1.5k"


def test_the_panels_titles_sit_above_the_reform_label_and_below_the_chart_title():
    """The reform's label is drawn on the new panel's top edge: the panels' titles are lifted
    clear of it, and the top margin holds the chart's title of three lines above them."""
    rows = pd.DataFrame({"period": ["2022Q1", "2025Q2", "2025Q3"], "metric_code": ["services_level4", "services_full_online",
                                                                             "services_full_online"],
                         "era": ["old", "new", "new"], "value": [166, 900, 400]})
    fig = service_figures.services_eras_chart(rows, "vi")
    panels = [a for a in fig.layout.annotations if a.text.startswith(("Mức độ", "Toàn trình"))]
    reform = [a for a in fig.layout.annotations if a.text.startswith("Sắp xếp")]
    assert len(panels) == 2 and reform and all(a.yshift >= 24 for a in panels) and not reform[0].yshift
    lines = fig.layout.title.text.count("<br>") + 1
    assert fig.layout.margin.t >= 40 + 30 * lines + 28


def test_services_units_stacked_title_names_what_it_counts_not_the_top_unit():
    rows = pd.DataFrame(
        {
            "unit_key": ["a", "a", "b", "b"],
            "unit_name": ["Huyện A", "Huyện A", "Huyện B", "Huyện B"],
            "metric_code": ["services_full_online", "services_partial_online"] * 2,
            "value": [1200, 737, 100, 20],
        }
    )
    fig = service_figures.services_units_chart(rows, "Quý III/2025", "vi")
    # The page leads with the rate against its target (issue 10), so the chart only says what it shows.
    assert _title(fig).startswith("Số dịch vụ công trực tuyến của từng đơn vị") and "Huyện A" not in _title(fig)
    assert list(fig.data[0].y) == ["Huyện B", "Huyện A"]  # still sorted: the most services at the top


def test_completeness_title_says_the_total_row_not_a_sum_of_its_own():
    """The title states the query's 'total' row (units summed in SQL over the levels)."""
    rows = pd.DataFrame(
        {"level": ["district", "commune", "total"], "units_expected": [17, 218, 235], "units_reported": [17, 200, 217],
         "units_on_time": [15, 180, 195], "rate": [1.0, 200 / 218, 217 / 235]}
    )
    fig = reporting_figures.completeness_chart(rows, "Quý I/2024", "vi")
    assert "217/235 đơn vị đã báo cáo (92,3%), 195 đúng hạn" in _title(fig)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_figures_serialise_small(lang):
    fig = figures.trend_chart(_trend_rows(), "Tỷ lệ", lang)
    assert len(json.dumps(fig, default=str)) < 300_000


def test_every_string_is_nfc_and_has_both_languages():
    for key, entry in STRINGS.items():
        assert set(entry) == {"vi", "en"}, key
        for text in entry.values():
            assert unicodedata.normalize("NFC", text) == text, key
    assert t("nav_overview") == "Tổng quan"
    assert t("nav_overview", "fr") == "Tổng quan"


def test_map_draws_each_unit_at_its_centre_coloured_by_status_and_clicks_to_its_key():
    rows = pd.DataFrame({"unit_key": ["new:1", "new:2"], "unit_name": ["Xã A", "Phường B"], "value": [0.7, 0.4],
                         "target": [0.6, 0.6], "status": ["met", "behind"], "lat": [13.9, 14.1], "lon": [108.0, 108.3]})
    fig = figures.map_chart(rows, "commune", "Tỷ lệ hồ sơ", "vi")
    by_name = {trace.name: trace for trace in fig.data}
    assert list(by_name["Đạt"].x) == [108.0] and list(by_name["Chưa đạt"].y) == [14.1]
    assert by_name["Đạt"].customdata[0][0] == "new:1" and by_name["Đạt"].customdata[0][2] == "70,0%"
    assert "1/2 đơn vị cấp xã đạt chỉ tiêu 60%" in _title(fig)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio > 1


def test_a_units_trend_title_states_the_chosen_period():
    rows = pd.DataFrame({"period": ["2024Q3", "2024Q4", "2025Q1"], "value": [0.5, 0.6, 0.7], "target": [0.8] * 3})
    assert "60,0% (Quý IV/2024)" in _title(figures.unit_trend_chart(rows, "Tỷ lệ", "vi", "2024Q4"))
    assert "70,0% (Quý I/2025)" in _title(figures.unit_trend_chart(rows, "Tỷ lệ", "vi"))


def test_the_two_panel_chart_is_laid_out_as_plotly_lays_out_subplots():
    """The charts are plain JSON (dashboard/plain_figure.py); the services' two eras side by side
    must still sit where plotly's make_subplots puts them, each trace on its own panel's axes."""
    from plotly.subplots import make_subplots

    from dashboard.plain_figure import subplots

    ours = subplots(2, ("Trước", "Sau"), horizontal_spacing=0.08)
    ours.add_bar(x=[1], y=[2], col=2)
    theirs = make_subplots(rows=1, cols=2, subplot_titles=("Trước", "Sau"), horizontal_spacing=0.08)
    for axis in ("xaxis", "xaxis2", "yaxis", "yaxis2"):
        assert list(getattr(ours.layout, axis).domain) == pytest.approx(list(theirs.layout[axis].domain)), axis
        assert getattr(ours.layout, axis).anchor == theirs.layout[axis].anchor, axis
    assert [a.text for a in ours.layout.annotations] == [a.text for a in theirs.layout.annotations]
    assert [a.x for a in ours.layout.annotations] == pytest.approx([a.x for a in theirs.layout.annotations])
    assert (ours.data[0].xaxis, ours.data[0].yaxis) == ("x2", "y2")


def test_a_trend_of_one_quarter_names_its_quarter_and_draws_its_target():
    """The 2629 indicators have one quarter so far: the axis names it (a yearly axis had no tick
    for it), its target is a mark (a line needs two points), and no reform line sits on the
    point; a trend of earlier years is not stretched to the 2025 reform either."""
    one = pd.DataFrame({"period": ["2025Q3"], "level": ["province"], "value": [0.845], "target": [1.0],
                        "status": ["behind"], "expected": [None]})
    fig = figures.trend_chart(one, "Tỷ lệ dịch vụ công", "vi")
    assert list(fig.layout.xaxis.ticktext) == ["Quý III/2025"]
    target = next(tr for tr in fig.data if tr.name == "Chỉ tiêu cấp tỉnh")
    assert target.mode == "markers" and list(target.y) == [1.0]
    assert not [s for s in fig.layout.shapes if s.type == "line"]
    old = _trend_rows()[lambda f: f["period"] < "2024"]
    assert not [s for s in figures.trend_chart(old, "x", "vi").layout.shapes if s.type == "line"]
