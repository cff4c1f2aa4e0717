"""The dashboard's queries against the demo warehouse (built by the loader), the connection
rules (read-only, reopened on change, cached per version), and every page rendered without a browser."""
from __future__ import annotations

import json
import sys
import os
import re
import shutil
import threading
from pathlib import Path

import dash
import duckdb
import plotly
import plotly.graph_objects  # noqa: F401 (plotly.graph_objects.Figure checks the charts)
import pytest

from dashboard import data
from dashboard.app import clicked_unit, create_app, unit_href, with_filters
from etl.warehouse import init_warehouse
from warehouse.sqlfiles import query_names, query_sql

SQL_PARAMS = {"periods": ["2025Q3"], "plan": "KH648", "period": "2025Q3", "level": "commune",
              "parent": None, "unit": "new:52", "limit": 20, "first": "2024Q4", "last": "2025Q3",
              "indicators": ["work_records_online_rate"], "today": "2026-12-03",
              "unit_keys": None, "submission_id": 1, "unit_key": "new:52", "metric_code": "work_records_total",
              "visible_units": ["new:52"], "submitted_by": "cntt", "units": None, "submission": None,
              "index": "766", "version": "2022", "group": "hai_long", "day": "2026-11-30", "most": 40,
              "indicator": None, "laggards_of": "work_records_online_rate", "laggards": 10}


def _params(name: str) -> dict:
    sql = query_sql(name)
    return {k: v for k, v in SQL_PARAMS.items() if re.search(r"\$" + k + r"\b", sql)}


@pytest.fixture(scope="module")
def wh(demo_db) -> data.Warehouse:
    return data.Warehouse(demo_db)


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    init_warehouse(path, "Gia Lai")
    return path


@pytest.mark.parametrize("name", query_names())
def test_every_query_runs_on_the_demo_and_on_an_empty_warehouse(name, wh, empty_db):
    assert wh.query(name, **_params(name)) is not None
    assert data.Warehouse(empty_db).query(name, **_params(name)).empty or name in (
        "indicators", "catalog_metrics", "plan_targets", "plans", "root", "unit", "units", "unit_children",
        "unit_points", "unit_lookup", "province", "has_data", "level_has_values",
        "review_waiting", "index_criteria", "index_versions", "index_grade_bands", "index_expected_units",
        "index_groups_in_force")  # reference data, or a yes/no or a count: there before any load


def test_filters_default_to_the_latest_quarter_and_the_level_that_exists_then(wh):
    f = data.resolve_filters(wh, {})
    assert f.period == "2026Q3" and f.level == "commune" and f.lang == "vi"
    old = data.resolve_filters(wh, {"period": "2020Q4", "lang": "en"})
    assert old.level == "district" and old.lang == "en"


def test_unknown_url_values_are_dropped_not_errors(wh):
    f = data.resolve_filters(wh, {"period": "1999Q9", "level": "planet", "plan": "X", "indicator": "x", "lang": "fr"})
    assert f.period == "2026Q3" and f.level == "commune" and f.plan is None
    assert f.indicator == "work_records_online_rate" and f.lang == "vi"


def test_progress_has_the_district_level_only_before_the_reform(wh):
    trend = data.trend(wh)
    districts = trend[(trend["level"] == "district") & trend["value"].notna()]
    assert not districts.empty and districts["period"].max() <= "2025Q2"
    now = data.progress(wh, ["2026Q3"])
    assert set(now["period"]) == {"2026Q3"}


def test_a_chosen_plan_gives_its_own_targets(wh):
    rows = data.progress(wh, ["2020Q4"], plan="KH648")
    assert set(rows["plan_code"]) <= {"KH648"}
    wr = rows[(rows["indicator_code"] == "work_records_online_rate") & (rows["level"] == "district")]
    assert list(wr["target"]) == [pytest.approx(0.7)]


def test_units_under_a_parent_are_only_its_children(wh):
    districts = data.units(wh, "2024Q4", "district")
    parent = districts["unit_key"].iloc[0]
    rows = data.unit_progress(wh, "2024Q4", "commune", parent)
    assert not rows.empty and set(rows["parent_key"]) == {parent}


def test_the_connection_is_read_only(wh):
    with pytest.raises(duckdb.Error):
        wh.connection().execute("CREATE TABLE x (a INT)")


class _DictCache(dict):
    """A cache that shows what was kept: flask-caching's get/set over a dict."""

    def set(self, key, value):
        self[key] = value


def test_a_replaced_file_is_reopened_and_the_cache_follows_its_version(demo_db, empty_db, tmp_path):
    path = tmp_path / "live.duckdb"
    shutil.copy(empty_db, path)
    live = data.Warehouse(path, cache=_DictCache())
    assert live.query("completeness", periods=None).empty
    before = live.version()
    shutil.copy(demo_db, tmp_path / "next.duckdb")
    (tmp_path / "next.duckdb").replace(path)  # the writer swaps the file atomically
    assert live.version() != before
    assert not live.query("completeness", periods=None).empty
    assert len(live.cache) == 2


def test_a_load_keeps_the_catalog_cached_and_a_new_warehouse_does_not(demo_db, empty_db, tmp_path):
    """Plans and indicators change only with `govkpi init` (a new file, a new created_at): the
    first page after a load reads them from the cache; after an init they are read anew."""
    path = tmp_path / "live.duckdb"
    shutil.copy(demo_db, path)
    live = data.Warehouse(path, cache=_DictCache())
    reference = [("plans", {}), ("units", {"period": "2025Q3", "level": "commune"}),
                 ("unit_points", {"period": "2020Q4", "level": "district"}), ("unit", {"unit": "new:52"})]  # Gia Lai
    for name, params in reference:
        assert not live.query(name, **params).empty, name
    live.query("periods")
    shutil.copy(demo_db, tmp_path / "loaded.duckdb")  # the same warehouse after a load: a new version
    os.utime(tmp_path / "loaded.duckdb", ns=(0, os.stat(path).st_mtime_ns + 10**9))
    (tmp_path / "loaded.duckdb").replace(path)
    for name, params in reference:
        live.query(name, **params)
    live.query("periods")
    assert len(live.cache) == len(reference) + 2  # periods twice (one per version), the reference reads once

    live.close()  # a writer cannot open a file this process still reads, nor one still closing
    for thread in threading.enumerate():
        if thread.name == "govkpi-close-stale":
            thread.join()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '2027-01-01T00:00:00' WHERE key = 'created_at'")  # as `govkpi init` leaves it
    con.execute("DELETE FROM targets WHERE plan_code = (SELECT min(plan_code) FROM targets)")
    con.close()
    fewer = live.query("plans")
    assert len(live.cache) == len(reference) + 3 and len(fewer) == len(data.plans(data.Warehouse(demo_db))) - 1


def test_two_inits_within_one_second_never_share_the_cached_catalog(tmp_path, monkeypatch):
    """`govkpi init` of another province at the same path, in the same second (created_at has
    second resolution): the server's next look at the units reads the new warehouse's, not the
    cached ones of the warehouse it replaced."""
    import etl.warehouse

    class SameSecond(etl.warehouse.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2026, 12, 4, 10, 0, 0)

    monkeypatch.setattr(etl.warehouse, "datetime", SameSecond)
    path = tmp_path / "live.duckdb"
    init_warehouse(path, "Gia Lai")
    live = data.Warehouse(path, cache=_DictCache())
    gia_lai = live.query("units", period="2025Q3", level="commune")
    live.close()
    init_warehouse(path, "Cao Bằng")
    cao_bang = live.query("units", period="2025Q3", level="commune")
    assert "Xã Ia Grai" in set(gia_lai["unit_name"]) and "Xã Ia Grai" not in set(cao_bang["unit_name"])
    assert len(cao_bang) != len(gia_lai)


def test_a_server_reads_what_every_page_reads_before_its_first_visitor(demo_db, tmp_path):
    """The periods with data, the plans, the indicators and the metrics are read whatever the
    filters: warm() reads them as a server starts, so the first page finds them kept; a
    warehouse not made yet is left to the first page, which says so."""
    live = data.Warehouse(demo_db, cache=_DictCache())
    data.warm(live)
    assert len(live.cache) == len(data.WARM_QUERIES)
    for name in data.WARM_QUERIES:
        assert not live.query(name).empty, name
    assert len(live.cache) == len(data.WARM_QUERIES)  # each a hit: nothing more was read

    missing = data.Warehouse(tmp_path / "chua-khoi-tao.duckdb", cache=_DictCache())
    data.warm(missing)  # no exception: the first page shows "no warehouse"
    assert len(missing.cache) == 0


def test_the_services_page_gets_the_units_with_the_most_services_and_how_many_units_there_are(wh):
    every = data.services_by_unit(wh, "2025Q3", "commune")
    top = data.services_by_unit(wh, "2025Q3", "commune", most=5)
    totals = every.groupby("unit_key")["value"].sum()
    assert top["unit_key"].nunique() == 5 < every["unit_key"].nunique()
    assert totals[top["unit_key"].unique()].min() >= totals.drop(top["unit_key"].unique()).max()
    assert set(top["units_total"]) == set(every["units_total"]) == {every["unit_key"].nunique()}
    # each unit drawn keeps all of its series
    assert len(top) == len(every[every["unit_key"].isin(top["unit_key"])])


def test_a_missing_file_is_a_value_not_a_crash(tmp_path):
    with pytest.raises(data.WarehouseUnavailable):
        data.Warehouse(tmp_path / "none.duckdb").query("plans")


def test_url_helpers():
    assert with_filters("?lang=en&period=2025Q3", {"period": "2020Q4", "unit": None}) == "?lang=en&period=2020Q4"
    assert with_filters("", {"level": ""}) == ""
    assert unit_href("old:542", "?lang=en&level=district&period=2024Q4") == "/don-vi/old:542?lang=en&period=2024Q4"
    assert clicked_unit({"points": [{"customdata": ["old:542", "72,4%"]}]}) == "old:542"
    assert clicked_unit({"points": [{"customdata": "new:52"}]}) == "new:52"
    assert clicked_unit(None) is None and clicked_unit({"points": [{}]}) is None


QUERIES = [{}, {"lang": "en"}, {"period": "2020Q4", "level": "commune"}, {"period": "2020Q4", "level": "district"},
           {"period": "2025", "plan": "QD749"}, {"period": "2022H2", "indicator": "dossiers_online_rate"},
           {"period": "2015Q1"}]


def test_every_page_renders_for_every_filter_without_an_error_note(demo_db):
    app = create_app(str(demo_db))
    with app.server.test_request_context():
        unit_key = data.units(app.server.config["GOVKPI_WAREHOUSE"], "2024Q4", "district")["unit_key"].iloc[0]
        for page in dash.page_registry.values():
            for query in QUERIES:
                kwargs = dict(query, unit_key=unit_key) if page.get("path_template") else dict(query)
                text = json.dumps(page["layout"](**kwargs), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
                assert "note-error" not in text, (page["path"], query)
                assert "Traceback" not in text
                for figure in _graph_figures(json.loads(text)):
                    plotly.graph_objects.Figure(figure)  # plotly's schema: a misspelt property raises ValueError


def test_units_page_heatmap_holds_every_indicator_of_exactly_the_laggards_it_ranks(demo_db, monkeypatch):
    """/don-vi ranks every commune on one indicator, shows the worst MAX_UNITS, and reads every
    indicator for just those (in the same read, not a whole level's indicators at once)."""
    app = create_app(str(demo_db))
    with app.server.test_request_context():
        wh = app.server.config["GOVKPI_WAREHOUSE"]
        page = next(p for p in dash.page_registry.values() if p["path"] == "/don-vi")
        monkeypatch.setattr(sys.modules[page["module"]], "MAX_UNITS", 12)
        text = json.dumps(page["layout"](period="2025Q3", level="commune", indicator="work_records_online_rate"),
                          cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
        every = data.unit_progress(wh, "2025Q3", "commune")
    figures = _graph_figures(json.loads(text))
    ranking = next(f for f in figures if f["data"][0]["type"] == "bar")
    heat = next(f for f in figures if f["data"][0]["type"] == "heatmap")
    one = every[(every["indicator_code"] == "work_records_online_rate") & every["value"].notna()]
    laggards = one.sort_values(["value", "unit_key"]).head(12)
    assert [key for key, _ in ranking["data"][0]["customdata"]] == list(laggards["unit_key"])
    assert sorted(row[0] for row in heat["data"][0]["customdata"]) == sorted(laggards["unit_key"])
    theirs = every[every["unit_key"].isin(laggards["unit_key"])]
    assert len(heat["data"][0]["x"]) == theirs["indicator_code"].nunique() > 1


def _graph_figures(node) -> list[dict]:
    """Every dcc.Graph figure in a serialised layout: the charts are built as plain JSON
    (dashboard/plain_figure.py), so the test is where plotly's schema checks them."""
    if isinstance(node, list):
        return [figure for item in node for figure in _graph_figures(item)]
    if not isinstance(node, dict):
        return []
    found = [node["props"]["figure"]] if node.get("type") == "Graph" and node.get("props", {}).get("figure") else []
    return found + [figure for value in node.values() for figure in _graph_figures(value)]


def test_a_warehouse_that_cannot_be_read_gives_a_sentence(tmp_path):
    app = create_app(str(tmp_path / "missing.duckdb"))
    with app.server.test_request_context():
        page = next(p for p in dash.page_registry.values() if p["path"] == "/")
        text = json.dumps(page["layout"](), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    assert "Chưa đọc được kho dữ liệu" in text
