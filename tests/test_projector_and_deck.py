"""Issue 10, what a projector, a printer and a committee see: titles wrap instead of being cut,
the reform is marked on every time axis that crosses it, quarters are labelled as quarters,
/bao-cao's headline, chart and list count one set of units, /dich-vu-cong leads with the rate
against its target, the 404 page and the dropdowns speak the URL's language, and the deck's
bar colours are the ones its key names."""
from __future__ import annotations

import re
import sys
from datetime import date

import dash
import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.dml import MSO_FILL

from dashboard.app import create_app
from dashboard.chart_style import TITLE_CHARS, finish, mark_reform, wrap_title
from dashboard.components import dropdowns_in
from dashboard.reporting_figures import completeness_trend_chart
from dashboard.service_figures import dossier_rates_chart, services_eras_chart
from exports import export
from exports.text import TARGET_COLOUR
from vocab.levels import LEVEL_COLOURS, STATUS_COLOURS
from vocab.periods import REFORM_DATE
import plotly.graph_objects as go
from dash import dcc, html

PERIOD = "2025Q3"


def _lines(title: str) -> list[str]:
    return [re.sub(r"</?sup>", "", line) for line in title.split("<br>")]


# Titles --------------------------------------------------------------------------------------

def test_a_long_chart_title_wraps_and_keeps_its_period_whole():
    title = ("Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng, cấp tỉnh đạt 87,7%, chưa đạt "
             "chỉ tiêu 90% (Quý III/2025)")
    wrapped = wrap_title(title)
    assert len(_lines(wrapped)) > 1
    assert all(len(line) <= TITLE_CHARS for line in _lines(wrapped))
    assert any("(Quý III/2025)" in line for line in _lines(wrapped))  # never "(Quý III/2"


def test_a_subtitle_wraps_inside_its_own_sup_tags():
    wrapped = wrap_title("Tình hình báo cáo<br><sup>" + "Cấp xã đạt 48,0%, chưa đạt chỉ tiêu 60%; " * 3 + "</sup>")
    lines = wrapped.split("<br>")
    assert lines[0] == "Tình hình báo cáo"
    assert len(lines) > 2 and all(line.startswith("<sup>") and line.endswith("</sup>") for line in lines[1:])


def test_the_top_margin_grows_with_the_wrapped_title_so_nothing_is_cut():
    short, long = go.Figure(), go.Figure()
    finish(short, "Ngắn", "vi", y_title="")
    finish(long, "Một tiêu đề rất dài " * 8 + "<br><sup>Quý III/2025</sup>", "vi", y_title="")
    lines = long.layout.title.text.split("<br>")
    assert long.layout.margin.t >= 40 + 30 * (len(lines) - 1) + 22
    assert long.layout.margin.t > short.layout.margin.t
    assert long.layout.height - long.layout.margin.t == short.layout.height - short.layout.margin.t  # the plot keeps its size


# Time axes -----------------------------------------------------------------------------------

def _reform_lines(fig: go.Figure, xref: str = "x") -> list:
    return [s for s in fig.layout.shapes if s.type == "line" and str(s.x0) == str(REFORM_DATE) and (s.xref or "x") == xref]


def test_the_reform_is_marked_only_on_an_axis_that_crosses_it():
    fig = go.Figure()
    mark_reform(fig, "vi", days=[date(2024, 1, 1), date(2025, 7, 1)])
    assert len(_reform_lines(fig)) == 1
    before = go.Figure()
    mark_reform(before, "vi", days=[date(2020, 1, 1), date(2022, 4, 1)])
    assert before.layout.shapes == ()


def _services_totals() -> pd.DataFrame:
    rows = []
    for period, era, code, value in [("2021Q4", "old", "services_level3", 900), ("2022Q2", "old", "services_level4", 800),
                                     ("2024Q4", "new", "services_full_online", 35000),
                                     ("2025Q3", "new", "services_full_online", 11000)]:
        rows.append({"period": period, "era": era, "metric_code": code, "value": value, "units_reporting": 10})
    return pd.DataFrame(rows)


def test_the_services_eras_mark_the_reform_on_the_panel_that_crosses_it_and_label_quarters():
    fig = services_eras_chart(_services_totals(), "vi")
    assert _reform_lines(fig, "x2") and not _reform_lines(fig, "x")  # the new era runs across 1/7/2025
    assert list(fig.layout.xaxis2.ticktext) == ["Quý IV/2024", "Quý III/2025"]
    assert list(fig.layout.xaxis.ticktext) == ["Quý IV/2021", "Quý II/2022"]


def test_rate_trends_label_each_tick_with_a_quarter_never_a_repeated_year():
    quarters = [f"{y}Q{q}" for y in range(2023, 2026) for q in range(1, 5)][:11]  # 2023Q1 … 2025Q3
    rows = pd.DataFrame({"period": quarters * 2, "indicator_code": ["dossiers_online_rate"] * 11 + ["dossiers_on_time_rate"] * 11,
                         "value": [0.5 + i / 100 for i in range(22)]})
    fig = dossier_rates_chart(rows, {}, "en")
    ticks = list(fig.layout.xaxis.ticktext)
    assert len(ticks) == len(set(ticks)) and ticks[-1] == "Q3/2025" and all(re.fullmatch(r"Q[1-4]/\d{4}", x) for x in ticks)
    assert _reform_lines(fig)
    completeness = pd.DataFrame({"period": quarters, "level": ["commune"] * 11, "rate": [0.9] * 11})
    trend = completeness_trend_chart(completeness, "vi")
    assert list(trend.layout.xaxis.ticktext)[-1] == "Quý III/2025" and _reform_lines(trend)


# Pages on the demo warehouse -----------------------------------------------------------------

@pytest.fixture(scope="module")
def pages(demo_db):
    app = create_app(str(demo_db))
    # Dash fills a page's "layout" in the registry only once a request has run; the module has it.
    layouts = {key.rsplit(".", 1)[-1]: page.get("layout") or sys.modules[page["module"]].layout
               for key, page in dash.page_registry.items()}
    with app.server.test_request_context():
        yield layouts


def _texts(component) -> list[str]:
    """Gives every string child of a layout, depth first."""
    found: list[str] = []
    children = getattr(component, "children", None)
    if isinstance(children, str):
        found.append(children)
    elif isinstance(children, (list, tuple)):
        for child in children:
            found.extend([child] if isinstance(child, str) else _texts(child))
    elif children is not None:
        found.extend(_texts(children))
    return found


def _find(component, ident: str):
    if getattr(component, "id", None) == ident:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, str):
            hit = _find(child, ident)
            if hit is not None:
                return hit
    return None


def test_reporting_headline_list_and_chart_count_the_same_units_of_every_level(pages, demo_db):
    import duckdb

    layout = pages["reporting"](period=PERIOD)
    headline = " ".join(_texts(_find(layout, "reporting-headline")))
    missing_title = _texts(_find(layout, "reporting-missing-title"))[0]
    con = duckdb.connect(str(demo_db), read_only=True)
    expected, reported = con.execute("SELECT sum(units_expected), sum(units_reported) FROM reporting_completeness "
                                     "WHERE period = ?", [PERIOD]).fetchone()
    not_reported = con.execute("SELECT count(*) FROM missing_reports WHERE period = ?", [PERIOD]).fetchone()[0]
    assert expected - reported == not_reported > 0
    assert f"{reported}/{expected} đơn vị đã báo cáo" in headline and f"{not_reported} chưa báo cáo" in headline
    assert missing_title.startswith(f"{not_reported} đơn vị chưa báo cáo (tất cả các cấp")
    assert "Cấp tỉnh:" in headline and "Cấp xã:" in headline  # and how many per level
    figure = next(c.figure for c in _walk(layout) if isinstance(c, dcc.Graph)
                  and c.id["index"].endswith("completeness"))
    assert f"{reported}/{expected}" in figure.layout.title.text


def test_reporting_for_one_level_counts_that_level_everywhere(pages):
    layout = pages["reporting"](period=PERIOD, level="province")
    headline = " ".join(_texts(_find(layout, "reporting-headline")))
    missing_title = _texts(_find(layout, "reporting-missing-title"))[0]
    figure = next(c.figure for c in _walk(layout) if isinstance(c, dcc.Graph) and c.id["index"].endswith("completeness"))
    reported, expected = re.search(r"(\d+)/(\d+) đơn vị đã báo cáo", headline).groups()
    assert headline.startswith("Cấp tỉnh, Quý III/2025")
    assert f"{reported}/{expected}" in figure.layout.title.text
    assert missing_title.startswith(f"{int(expected) - int(reported)} đơn vị chưa báo cáo (cấp tỉnh")


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, str):
            yield from _walk(child)


def test_services_lead_with_the_rate_against_its_target_and_its_coverage(pages):
    for lang, words in (("vi", ("Tỷ lệ dịch vụ công trực tuyến toàn trình", "đơn vị")), ("en", ("fully online", "units"))):
        layout = pages["services"](period=PERIOD, lang=lang)
        lead = _texts(_find(layout, "services-lead"))
        assert lead and all(words[0] in line and words[1] in line for line in lead)
        first_chart = next(c for c in _walk(layout) if isinstance(c, dcc.Graph))
        assert "nhiều dịch vụ công trực tuyến nhất" not in first_chart.figure.layout.title.text
    # after the reform, the rate Decision 2629 targets (over the eligible procedures), as the overview states it
    lead = _texts(_find(pages["services"](period=PERIOD), "services-lead"))
    assert all("trên tổng số thủ tục hành chính đủ điều kiện" in line and "chỉ tiêu 100%" in line for line in lead), lead


def test_the_not_found_page_speaks_the_urls_language(pages):
    vi, en = _texts(pages["not_found_404"]()), _texts(pages["not_found_404"](lang="en"))
    assert vi[0] == "Không tìm thấy trang" and en[0] == "Page not found"
    assert "Tổng quan" in vi and "Overview" in en and not any("404" in x for x in vi + en)


def test_every_filter_dropdown_has_its_placeholder_and_search_words_in_english(pages):
    layout = pages["units"](period=PERIOD, lang="en", level="commune")
    dropdowns = [c for c in _walk(layout) if isinstance(c, dcc.Dropdown)]
    assert dropdowns
    for dropdown in dropdowns:
        assert dropdown.labels["search"] == "Search" and dropdown.placeholder
    vi = dropdowns_in("vi", [html.Div([html.Label("Cấp"), dcc.Dropdown(options=[])])])
    box = vi[0].children[1]
    assert box.labels["search"] == "Tìm kiếm" and box.placeholder == "Chọn…"
    assert box.labels["no_options_found"] == "Không có lựa chọn phù hợp"


# The deck ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def deck(demo_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("deck") / "deck.pptx"
    export("pptx", PERIOD, str(demo_db), str(out), made_on=date(2026, 11, 23))
    return Presentation(str(out))


def _hex(rgb) -> str:
    return "#" + str(rgb).upper()


def test_the_decks_bar_colours_are_the_colours_its_key_names(deck):
    checked = 0
    for slide in deck.slides:
        charts = [s.chart for s in slide.shapes if s.has_chart]
        bars = [c for c in charts if c.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED]
        if not bars:
            continue
        bar = bars[0]
        key = next(s for s in slide.shapes if s.name == "status key")
        named = {_hex(run.font.color.rgb) for run in key.text_frame.paragraphs[0].runs if "■" in run.text}
        outlined = {_hex(run.font.color.rgb) for run in key.text_frame.paragraphs[0].runs if "□" in run.text}
        assert not bar.has_legend  # a legend would give "Thực hiện" one colour over bars of many
        actual, target = bar.plots[0].series
        for i in range(len(list(actual.values))):
            colour = _hex(actual.points[i].format.fill.fore_color.rgb)
            assert colour in named and colour in {c.upper() for c in STATUS_COLOURS.values()}
        # the target is an outline (no fill), keyed "□": an expired value's grey fill cannot pass for it
        assert target.format.fill.type == MSO_FILL.BACKGROUND
        assert _hex(target.format.line.color.rgb) == TARGET_COLOUR.upper() and outlined == {TARGET_COLOUR.upper()}
        for line in (c for c in charts if c.chart_type == XL_CHART_TYPE.LINE_MARKERS):
            level_colours = {c.upper() for c in LEVEL_COLOURS.values()}
            assert all(_hex(s.format.line.color.rgb) in level_colours for s in line.plots[0].series)
        checked += 1
    assert checked >= 3
