"""The look every chart shares: colours, fonts, the finishing layout, and small helpers.

Numbers print the Vietnamese way: the layout's `separators` for ticks, vocab.vnformat (remembered
here, since hovers need thousands) for hover texts and titles."""
from __future__ import annotations

from functools import lru_cache
from typing import Union

import pandas as pd

from dashboard.plain_figure import Figure
from vocab.levels import LEVEL_COLOURS, LEVELS, STATUS_COLOURS, STATUS_NAMES  # noqa: F401 (figures draw with them from here)
from vocab.i18n import t
from vocab.periods import REFORM_DATE, parse_code
from vocab.vnformat import fmt_int as _fmt_int
from vocab.vnformat import fmt_pct  # noqa: F401 (remembered there; figures format with it from here)
from vocab.vnformat import fmt_rate as _fmt_rate
from vocab.vnformat import vn_sort_key  # noqa: F401 (figures order names with it from here)
from vocab.vnformat import wrap  # noqa: F401 (figures wrap labels from here)

SERIES_COLOURS = {
    "services_level2": "#BBBBBB",
    "services_level3": "#56B4E9",
    "services_level4": "#0072B2",
    "services_full_online": "#009E73",
    "services_partial_online": "#F0E442",
}

STATUS_ORDER = {"no_data": 0, "behind": 1, "near": 2, "met": 3, "expired": 4}

HEATMAP_ORDER = {"no_data": 0, "behind": 2, "near": 3, "met": 4}  # 1: a value with no target

NO_TARGET_COLOUR = "#E3E3E3"

AXIS_STYLE = {"gridcolor": "#E5E5E5", "linecolor": "#444444", "zerolinecolor": "#CCCCCC",
              "ticks": "outside", "tickcolor": "#BBBBBB", "automargin": True}

BASE_FONT = 18

TITLE_FONT = 22

def empty_figure(message: str) -> Figure:
    """Gives a figure with no axes that only says `message` (a period with no data)."""
    fig = Figure()
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[{"text": message, "showarrow": False, "font": {"size": TITLE_FONT}}],
        height=220,
        margin={"l": 20, "r": 20, "t": 20, "b": 20},
    )
    return fig

# A title line of ~44 characters fits the narrowest chart column at 1280 px (a third of the page
# in a two-up row); plotly never wraps a title itself, it cuts it ("(Quý III/2").
TITLE_CHARS = 44
SUBTITLE_CHARS = 64  # a <sup> line is set smaller


def wrap_title(title: str, width: int = TITLE_CHARS) -> str:
    """Gives the title with each of its lines broken at about `width` characters (plotly's <br>);
    a line inside <sup>…</sup> is broken at the wider SUBTITLE_CHARS, keeping its tags."""
    lines = []
    for line in title.split("<br>"):
        if line.startswith("<sup>") and line.endswith("</sup>"):
            inner = wrap(line[5:-6], SUBTITLE_CHARS * width // TITLE_CHARS)
            lines.append("<br>".join(f"<sup>{part}</sup>" for part in inner.split("<br>")))
        elif "<" in line:
            lines.append(line)  # other markup: left whole rather than broken inside a tag
        else:
            lines.append(wrap(line, width))
    return "<br>".join(lines)


def title_margin(title: str, minimum: int = 110) -> int:
    """Gives the top margin that holds the wrapped title: ~30 px a line, ~22 px a <sup> line."""
    lines = title.split("<br>")
    small = sum(1 for line in lines if line.startswith("<sup>"))
    return max(minimum, 40 + 30 * (len(lines) - small) + 22 * small)


def title_at_top(fig: Figure) -> None:
    """Pins a title of several lines below the figure's top edge (plotly's 'top' anchor lets the
    first line of a multi-line title rise ~30 px above it, cut off on the page)."""
    fig.update_layout(title={"yref": "container", "yanchor": "top", "y": 1 - 40 / fig.layout.height})


def panel_titles_above_marks(fig: Figure, panels: int, raise_px: int = 28) -> None:
    """Lifts the panels' titles (a subplots figure's first annotations) clear of what is drawn
    on a panel's top edge (the reform's label), and grows the top margin to hold them."""
    for annotation in fig.layout.annotations[:panels]:
        annotation.yshift = raise_px
    fig.update_layout(margin={"t": fig.layout.margin.t + raise_px}, height=fig.layout.height + raise_px)


def finish(fig: Figure, title: str, lang: str, y_title: str, percent: bool = False, height: int = 450,
           title_chars: int = TITLE_CHARS) -> None:
    """Gives the figure the shared look; the title wraps at `title_chars` and the top margin
    grows to hold it, so nothing is cut on a projector's 1280 px."""
    title = wrap_title(title, title_chars)
    top = title_margin(title)
    fig.update_layout(
        title={"text": title, "font": {"size": TITLE_FONT}, "x": 0.01, "xanchor": "left"},
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        font={"size": BASE_FONT, "family": "Be Vietnam Pro, Segoe UI, DejaVu Sans, Arial, sans-serif"},
        separators=",." if lang == "vi" else ".,",
        height=height + top - 110,
        margin={"l": 80, "r": 30, "t": top, "b": 150},
        legend={"orientation": "h", "yanchor": "bottom", "y": 0, "x": 0, "yref": "container", "font": {"size": BASE_FONT - 2}},
        hoverlabel={"font": {"size": BASE_FONT}},
    )
    fig.update_xaxes(**AXIS_STYLE)
    fig.update_yaxes(title_text=y_title, **AXIS_STYLE)
    if percent:
        fig.update_yaxes(tickformat=".0%", rangemode="tozero", range=[0, 1.1])

def vietnamese_order(names: pd.Series) -> pd.Series:
    """Sort key for pandas: names in Vietnamese alphabetical order (a < ă < â …, d < đ)."""
    return names.map(vn_sort_key)

def add_status_legend(fig: Figure, lang: str, statuses: list[str]) -> None:
    for status in STATUS_ORDER:
        if status in statuses:
            fig.add_scatter(x=[None], y=[None], mode="markers", name=STATUS_NAMES[lang][status],
                            marker={"size": 14, "color": STATUS_COLOURS[status], "symbol": "square"})

@lru_cache(maxsize=65536)
def fmt_rate(fraction: float | None, target: float | None, lang: str = "vi", digits: int = 1) -> str:
    """vocab.vnformat.fmt_rate, remembered (a value beside its target: rounding never flips it)."""
    return _fmt_rate(fraction, target, lang, digits)

@lru_cache(maxsize=65536)
def fmt_int(value: float | int | None, lang: str = "vi") -> str:
    return _fmt_int(value, lang)

# A view's rows as a frame, or as plain dicts (`records`): a page that draws a dozen charts
# splits and formats a few hundred rows in Python, several times cheaper than pandas calls.
Rows = Union[pd.DataFrame, list[dict]]


def records(rows: Rows | None) -> list[dict]:
    """Gives the rows as plain dicts (a frame's `to_dict("records")`; a list as given)."""
    if rows is None:
        return []
    if not isinstance(rows, pd.DataFrame):
        return rows
    # Column by column: to_dict("records") boxes cell by cell, several times slower.
    names = list(rows.columns)
    columns = [rows[name].tolist() for name in names]
    return [dict(zip(names, cells)) for cells in zip(*columns)]


def missing(value: object) -> bool:
    """True for no value: None, NaN, NaT or pd.NA, as a frame's cells give them."""
    if value is None:
        return True
    if isinstance(value, float):  # the common cells first: pd.isna costs ~1 µs a call
        return value != value
    if isinstance(value, str):
        return False
    return bool(pd.isna(value))


_LEVEL_ORDER = {level: i for i, level in enumerate(LEVELS)}


def levels_sorted(rows: Rows) -> Rows:
    """Gives the rows in the order of LEVELS (province, district, commune), stable within a level."""
    if isinstance(rows, list):
        return sorted(rows, key=lambda row: _LEVEL_ORDER.get(row["level"], len(_LEVEL_ORDER)))
    levels = list(rows["level"])
    return rows.iloc[sorted(range(len(levels)), key=lambda i: _LEVEL_ORDER.get(levels[i], len(_LEVEL_ORDER)))]

def none_if_nan(value: object) -> float | None:
    return None if missing(value) else float(value)

def nones_if_nan(values: pd.Series) -> list[float | None]:
    return [none_if_nan(v) for v in values]

def mark_reform(fig: Figure, lang: str = "vi", days=None, xref: str = "x") -> None:
    """Draws the 1 July 2025 reform as a vertical line labelled on the time axis `xref`; given
    the axis's `days`, only when they cross the reform (a line outside the data stretches the axis)."""
    if days is not None:
        days = list(days)
        if not days or not (min(days) < REFORM_DATE <= max(days)):
            return
    yref = "paper" if xref == "x" else f"y{xref[1:]} domain"
    fig.add_shape(type="line", x0=REFORM_DATE, x1=REFORM_DATE, y0=0, y1=1, xref=xref, yref=yref,
                  line={"color": "#555555", "width": 2, "dash": "dot"})
    fig.add_annotation(x=REFORM_DATE, y=1, xref=xref, yref=yref, text=t("reform", lang), showarrow=False,
                       xanchor="right", yanchor="bottom", font={"size": 14, "color": "#555555"})


def quarter_ticks(fig: Figure, periods, lang: str = "vi", most: int = 8, **selector) -> None:
    """Labels a time axis with its quarters ("Quý III/2025", "Q3 2025"), at most `most` of them,
    evenly spaced and always the last: never the same year printed twice."""
    codes = sorted({p for p in periods}, key=lambda code: parse_code(code).start)
    if not codes:
        return
    step = max(1, -(-len(codes) // most))
    shown = codes[::-1][::step][::-1]
    fig.update_xaxes(tickmode="array", tickvals=[parse_code(c).start for c in shown],
                     ticktext=[parse_code(c).label(lang) for c in shown], **selector)


def dated(rows: Rows, column: str = "value") -> Rows:
    """Gives the rows that have a `column` value, each with the first day of its period in
    `day`, in time order: what every time-axis chart starts from."""
    if isinstance(rows, list):
        kept = [dict(row, day=parse_code(row["period"]).start) for row in rows if not missing(row.get(column))]
        return sorted(kept, key=lambda row: row["day"])
    rows = rows[rows[column].notna()].copy()
    rows["day"] = [parse_code(p).start for p in rows["period"]]
    return rows.sort_values("day")
