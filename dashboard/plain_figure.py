"""A plotly figure kept as plotly's own JSON (a dict of `data` and `layout`), built with the few
methods of `go.Figure` the charts use.

Why not `go.Figure`: it validates every property against plotly's schema as it is set. A
committee page draws three to six charts, and that validation was about 100 ms a chart, most
of a page's first look at a new filter (cProfile of /chi-tieu on the national warehouse,
benchmarks/bench_dashboard.py). `dcc.Graph` takes the same figure as a plain dict, which
plotly.js checks anyway in the browser. Reading back (`fig.layout.title.text`,
`fig.data[0].marker.color`) works as on a `go.Figure`, so tests and callers read either.
"""
from __future__ import annotations

import re
from typing import Any

# plotly's "magic underscore": title_text → title.text. Its only property names that hold an
# underscore themselves are the error bars and the two background colours.
_WHOLE_NAMES = {"error_x", "error_y", "error_z", "paper_bgcolor", "plot_bgcolor"}
_AXIS = re.compile(r"^(x|y)axis(\d*)$")


class View:
    """Reads a figure's dict as attributes, as plotly's objects read (`fig.layout.title.text`); a
    missing property reads None. Setting one sets it in the figure."""

    __slots__ = ("_of",)

    def __init__(self, of: dict[str, Any]) -> None:
        object.__setattr__(self, "_of", of)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _view(self._of.get(name))

    def __setattr__(self, name: str, value: Any) -> None:
        self._of[name] = _plain(value)

    def __eq__(self, other: object) -> bool:
        return self._of == (other._of if isinstance(other, View) else other)

    def __repr__(self) -> str:
        return f"View({self._of!r})"


class _LayoutView(View):
    """The layout; `shapes` and `annotations` read as () when there are none, as plotly's."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name in ("shapes", "annotations") and name not in self._of:
            return ()
        return super().__getattr__(name)


def _view(value: Any) -> Any:
    if isinstance(value, dict):
        return View(value)
    if isinstance(value, list):
        return tuple(_view(item) for item in value)
    return value


class Figure(dict):
    """`{"data": [...], "layout": {...}}`, what `dcc.Graph(figure=…)` and plotly.js take."""

    def __init__(self) -> None:
        super().__init__(data=[], layout={})

    @property
    def data(self) -> tuple:
        return tuple(View(trace) for trace in self["data"])

    @property
    def layout(self) -> View:
        return _LayoutView(self["layout"])

    def add_trace(self, kind: str, row: int | None = None, col: int | None = None, **props: Any) -> Figure:
        trace: dict[str, Any] = {"type": kind}
        _merge(trace, _expand(props))
        if col is not None and col > 1:
            trace.update(xaxis=f"x{col}", yaxis=f"y{col}")
        elif col is not None:
            trace.update(xaxis="x", yaxis="y")
        self["data"].append(trace)
        return self

    def add_bar(self, **props: Any) -> Figure:
        return self.add_trace("bar", **props)

    def add_scatter(self, **props: Any) -> Figure:
        return self.add_trace("scatter", **props)

    def add_heatmap(self, **props: Any) -> Figure:
        return self.add_trace("heatmap", **props)

    def update_layout(self, **props: Any) -> Figure:
        _merge(self["layout"], _expand(props), titles=True)
        return self

    def update_xaxes(self, row: int | None = None, col: int | None = None, **props: Any) -> Figure:
        return self._update_axes("x", col, props)

    def update_yaxes(self, row: int | None = None, col: int | None = None, **props: Any) -> Figure:
        return self._update_axes("y", col, props)

    def add_shape(self, **props: Any) -> Figure:
        self["layout"].setdefault("shapes", []).append(_expand(props))
        return self

    def add_annotation(self, **props: Any) -> Figure:
        self["layout"].setdefault("annotations", []).append(_expand(props))
        return self

    def add_vline(self, x: Any, **props: Any) -> Figure:
        """A vertical line across the plot at x, as go.Figure.add_vline draws it."""
        return self.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, xref="x", yref="y domain", **props)

    def _update_axes(self, letter: str, col: int | None, props: dict[str, Any]) -> Figure:
        layout = self["layout"]
        if col is not None:
            names = [f"{letter}axis{col if col > 1 else ''}"]
        else:
            names = [key for key in layout if (m := _AXIS.match(key)) and m.group(1) == letter] or [f"{letter}axis"]
        for name in names:
            _merge(layout.setdefault(name, {}), _expand(props), titles=True)
        return self


def subplots(cols: int, titles: tuple[str, ...], horizontal_spacing: float = 0.2, title_size: int = 16) -> Figure:
    """Gives a figure of one row of `cols` panels side by side, each with its own axes and title
    above it, laid out as plotly.subplots.make_subplots(rows=1, cols=…) lays them."""
    fig = Figure()
    width = (1 - horizontal_spacing * (cols - 1)) / cols
    for col in range(1, cols + 1):
        start = (col - 1) * (width + horizontal_spacing)
        suffix = "" if col == 1 else str(col)
        fig["layout"][f"xaxis{suffix}"] = {"domain": [start, start + width], "anchor": f"y{suffix}"}
        fig["layout"][f"yaxis{suffix}"] = {"domain": [0.0, 1.0], "anchor": f"x{suffix}"}
        if col <= len(titles):
            fig.add_annotation(text=titles[col - 1], x=start + width / 2, y=1.0, xref="paper", yref="paper",
                               xanchor="center", yanchor="bottom", showarrow=False, font={"size": title_size})
    return fig


def _expand(props: dict[str, Any]) -> dict[str, Any]:
    """Turns title_text=… into {"title": {"text": …}} and pandas or numpy columns into lists."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        value = _plain(value)
        if "_" in key and key not in _WHOLE_NAMES:
            head, _, rest = key.partition("_")
            value = _expand({rest: value})
            key = head
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            _merge(out[key], value)
        else:
            out[key] = value
    return out


def _plain(value: Any) -> Any:
    """Lists for pandas and numpy columns (JSON as plotly's encoder writes them); dicts copied."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return value.tolist()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], dict):
        return [_plain(item) for item in value]
    return value


def _merge(into: dict[str, Any], props: dict[str, Any], titles: bool = False) -> None:
    """Sets props into a dict as plotly's update does: nested dicts merge, anything else replaces;
    a title given as text becomes {"text": …}."""
    for key, value in props.items():
        if titles and key == "title" and isinstance(value, str):
            value = {"text": value}
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
