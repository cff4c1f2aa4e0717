"""Layout pieces every page uses: the filter bar, a chart with its table and CSV, notes, cards."""
from __future__ import annotations

import functools
import json
import logging
import threading
from collections import OrderedDict
from typing import Any, Callable, Iterable

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html
from flask import current_app

from dashboard import ids
from dashboard import data
from dashboard.data import Filters, Warehouse, WarehouseUnavailable
from dashboard.figures import coverage_text, is_partial
from dashboard.chart_style import records
from dashboard.plain_figure import Figure
from vocab.levels import level_name
from vocab.i18n import t

log = logging.getLogger(__name__)
CLEAR_FILTERS = "clear-filters"  # the link to the page with no filters
FILTER_NOTICES = "filter-notices"  # why a filter of the URL was dropped or replaced
# The values the page was drawn with: the shell writes to the URL only what a user changed, so a
# dropped or invalid filter is announced, not silently replaced in the URL as the dropdowns mount.
FILTERS_RENDERED = "filters-rendered"
GRAPH_CONFIG = {"displaylogo": False,
                "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"]}


def site_path(path: str) -> str:
    """Gives a path of this site as browsers must ask for it: under the URL prefix the app
    serves at (`govkpi serve --production --prefix /kpi` → /kpi/chi-tieu)."""
    import dash

    try:
        return dash.get_relative_path(path)
    except (AttributeError, KeyError):  # no Dash app built yet (a page function called alone)
        return path


def app_path(pathname: str | None) -> str | None:
    """Gives a browser's path without the URL prefix (/kpi/chi-tieu → /chi-tieu; others unchanged)."""
    root = site_path("/")
    if pathname and root != "/" and (pathname + "/").startswith(root):
        return "/" + pathname[len(root):]
    return pathname


def warehouse() -> Warehouse:
    """Gives the app's warehouse (set by create_app); only inside a request."""
    return current_app.config["GOVKPI_WAREHOUSE"]


class _LayoutMemo:
    """Built page layouts, most recent first, kept as objects in this process: a layout holds a
    dozen figures, and pickling them in and out of flask-caching cost more than building
    them did. Keys carry the warehouse's version, so a new load is never served stale."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_LAYOUTS = _LayoutMemo()


def safe_page(build: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps a page layout so a user sees a sentence, never a traceback; a layout is a function
    of the URL and the warehouse's version, so it is remembered under both."""

    @functools.wraps(build)
    def layout(**query: Any) -> Any:
        lang = query.get("lang") if query.get("lang") in ("vi", "en") else "vi"
        try:
            wh = warehouse()
            key = ":".join(["layout", build.__module__, wh.path, wh.version(), json.dumps(query, sort_keys=True, default=str)])
            found = _LAYOUTS.get(key)
            if found is not None:
                return found
            result = build(**query)
            _LAYOUTS.set(key, result)
            return result
        except WarehouseUnavailable:
            log.warning("warehouse unavailable", exc_info=True)
            return note(t("no_warehouse", lang), "error")
        except Exception:  # a bug: log it, show a sentence
            log.exception("page layout failed: %s %s", build.__module__, query)
            return note(t("page_error", lang), "error")

    return layout


def page(title: str, *children: Any, filters: Any = None) -> html.Div:
    return html.Div([html.H1(title, className="page-title"), filters or html.Div(), *children],
                    className="page")


def filter_bar(wh: Warehouse, f: Filters, show: Iterable[str], notices: Iterable[str] = (),
               path: str | None = None) -> html.Div:
    """Gives the dropdowns named in show (period, level, plan, indicator, unit), set from f,
    a "Xóa bộ lọc" link (the page with no query but the language) and a notice for each filter
    the URL asked that the page could not apply. Their ids are pattern ids
    {'type': 'filter', 'name': ...}: one callback writes the URL."""
    from dashboard import data

    lang = f.lang
    controls = []
    for name in show:
        if name == "period":
            frame = data.periods(wh)
            options = [{"label": label, "value": code} for code, label in zip(frame["period"], frame[f"label_{lang}"])]
            controls.append(_dropdown("period", t("period", lang), options, f.period, clearable=False))
        elif name == "level":
            options = [{"label": level_name(lv, lang, capitalise=True), "value": lv}
                       for lv in ("province", "district", "commune")]
            controls.append(_dropdown("level", t("level", lang), options, f.level, clearable=False))
        elif name == "plan":
            frame = data.plans(wh)
            options = [{"label": str(number), "value": code} for code, number in zip(frame["plan_code"], frame["doc_number"])]
            controls.append(_dropdown("plan", t("plan", lang), options, f.plan,
                                      placeholder=t("plan_in_force", lang)))
        elif name == "indicator":
            names = data.indicator_names(wh, lang)
            options = [{"label": label, "value": code} for code, label in names.items()]
            controls.append(_dropdown("indicator", t("indicator", lang), options, f.indicator,
                                      clearable=False, wide=True))
        elif name == "unit" and f.period:
            parents = "district" if f.level == "commune" else None
            frame = data.units(wh, f.period, parents) if parents else pd.DataFrame()
            if not frame.empty:
                options = [{"label": name, "value": key} for key, name in zip(frame["unit_key"], frame["unit_name"])]
                controls.append(_dropdown("unit", t("parent", lang), options, f.unit,
                                          placeholder=t("all_units", lang)))
    page_path = site_path(path) if path else _current_path()  # the callback's pathname has the prefix
    if page_path:
        controls.append(html.Div(dcc.Link(t("clear_filters", lang), href=f"{page_path}?lang={lang}",
                                          id=CLEAR_FILTERS, className="clear-filters"),
                                 className="filter filter-clear"))
    rendered = {"period": f.period, "level": f.level, "plan": f.plan, "indicator": f.indicator, "unit": f.unit}
    controls.append(dcc.Store(id={"type": FILTERS_RENDERED, "name": "bar"}, data=rendered))
    bar = html.Div(dropdowns_in(lang, controls), className="filters")
    notes = [note(text, "warning") for text in notices]
    return html.Div([bar, html.Div(notes, id=FILTER_NOTICES, className="filter-notices")]) if notes else bar


def _current_path() -> str | None:
    """Gives the page's path from the pages callback that is building the layout (pages that
    do not pass theirs still get a clear-filters link); None outside a callback."""
    from dash import callback_context

    try:
        for key, value in callback_context.inputs.items():
            if key.endswith(".pathname") and isinstance(value, str):
                return value
    except Exception:  # outside a callback: no request context to read
        return None
    return None


def chart(name: str, figure: Figure | None, table: pd.DataFrame, lang: str,
          empty_message: str | None = None, hint: str | None = None) -> html.Div:
    """Gives a chart with its data table (folded) and a CSV download; a sentence instead of the
    chart when the table is empty."""
    if table.empty or figure is None:
        return html.Div(note(empty_message or t("no_data", lang)), className="chart-card")
    height = figure.layout.height or 450
    parts: list[Any] = [dcc.Graph(id={"type": ids.CHART, "index": name}, figure=figure,
                                  config=GRAPH_CONFIG, className="chart", style={"height": f"{height}px"})]
    if hint:
        parts.append(html.P(hint, className="hint"))
    parts.append(data_table(name, table, lang, folded=True))
    return html.Div(parts, className="chart-card")


def data_table(name: str, table: pd.DataFrame, lang: str, folded: bool = False,
               link_column: str | None = None) -> html.Div:
    """Gives an AG Grid of a display-ready frame (headers already translated) with a CSV button."""
    column_defs = []
    for column in table.columns:
        spec: dict[str, Any] = {"field": column, "headerName": column, "filter": True}
        if column == link_column:
            spec["cellRenderer"] = "markdown"
        column_defs.append(spec)
    height = "auto" if len(table) <= 15 else "460px"
    grid = dag.AgGrid(
        id={"type": ids.GRID, "index": name},
        rowData=records(table),
        columnDefs=column_defs,
        defaultColDef={"resizable": True, "sortable": True, "flex": 1, "minWidth": 110,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={"domLayout": "autoHeight"} if height == "auto" else {},
        style={"height": None if height == "auto" else height, "width": "100%"},
        csvExportParams={"fileName": f"{name}.csv"},
        className="ag-theme-alpine grid",
    )
    button = html.Button(t("download_csv", lang), id={"type": ids.CSV_BUTTON, "index": name},
                         className="csv-button", n_clicks=0)
    if folded:
        return html.Details([html.Summary(t("table_view", lang)), button, grid], className="table-fold")
    return html.Div([button, grid], className="table-block")


def note(text: str, kind: str = "info") -> html.Div:
    return html.Div(text, className=f"note note-{kind}", role="status")


def _dropdown(name: str, label: str, options: list[dict], value: Any, clearable: bool = True,
              placeholder: str | None = None, wide: bool = False) -> html.Div:
    return html.Div(
        [
            html.Label(label, className="filter-label"),
            dcc.Dropdown(id={"type": ids.FILTER, "name": name}, options=options, value=value,
                         clearable=clearable, placeholder=placeholder, className="filter-dropdown"),
        ],
        className="filter wide" if wide else "filter",
        id=f"filter-wrap-{name}",
    )


def filter_dropdown(name: str, label: str, options: list[dict], value: Any, clearable: bool = True,
                    placeholder: str | None = None, wide: bool = False) -> html.Div:
    """A filter of a page's own (e.g. the index on /chi-so), written to the URL like the others."""
    return _dropdown(name, label, options, value, clearable, placeholder, wide)


def plan_label(wh: Warehouse, plan: str | None, lang: str) -> str:
    """Names the targets the figures are held against: one chosen plan, or the target in force."""
    if plan:
        frame = data.plans(wh)
        found = frame.loc[frame["plan_code"] == plan, "doc_number"]
        if not found.empty:
            return t("plan_targets_of", lang, doc=str(found.iloc[0]))
    return t("plan_in_force", lang)


def scope_line(cards: pd.DataFrame, label: str, targets: str, lang: str) -> html.Div:
    """'Quý III/2025 · 128/149 đơn vị đã báo cáo · chỉ tiêu đang áp dụng': the period, the units
    behind the figures (the widest coverage of any level shown) and the targets."""
    # A chosen plan's rows (plan_progress) carry no coverage: the line then says '–'.
    has = {"units_reporting", "units_expected"} <= set(cards.columns)
    counted = cards.dropna(subset=["units_expected"]) if has else cards.iloc[0:0].assign(
        units_reporting=[], units_expected=[])
    per_level = counted.groupby("level")[["units_reporting", "units_expected"]].max()
    coverage = (coverage_text(per_level["units_reporting"].sum(), per_level["units_expected"].sum(), lang)
                if not per_level.empty else "–")
    return html.Div(t("coverage_line", lang, period=label, coverage=coverage, target=targets),
                    id="overview-scope", className="scope-line")


def partial_notes(cards: pd.DataFrame, label: str, lang: str) -> list[html.Div]:
    """A 'số liệu chưa đầy đủ' notice for each level whose coverage is below the threshold."""
    if "partial" not in cards:
        return []
    notes = []
    for level, part in cards[cards["partial"].map(is_partial)].groupby("level", sort=False):
        row = part.iloc[0]
        notes.append(note(t("partial_note", lang, period=f"{level_name(level, lang, capitalise=True)}, {label}",
                            coverage=coverage_text(row["units_reporting"], row["units_expected"], lang)), "warning"))
    return notes


def dropdown_labels(lang: str) -> dict[str, str]:
    """Gives a dropdown's own words (search box, clear, no match) in lang: Dash's are English."""
    return {"search": t("dropdown_search", lang), "clear_search": t("dropdown_clear_search", lang),
            "clear_selection": t("dropdown_clear_selection", lang),
            "no_options_found": t("dropdown_no_options", lang), "select_all": t("dropdown_select_all", lang),
            "deselect_all": t("dropdown_deselect_all", lang),
            "selected_count": t("dropdown_selected_count", lang, num_selected="{num_selected}")}


def dropdowns_in(lang: str, controls: list[Any]) -> list[Any]:
    """Gives the filter controls with every dropdown's words and placeholder in lang."""
    for control in controls:
        for child in getattr(control, "children", None) or []:
            if isinstance(child, dcc.Dropdown):
                child.labels = dropdown_labels(lang)
                if getattr(child, "placeholder", None) is None:
                    child.placeholder = t("dropdown_select", lang)
    return controls
