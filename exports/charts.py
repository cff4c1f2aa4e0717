"""Static chart pictures for the report (DOCX/PDF), drawn with matplotlib's Agg canvas straight to
PNG. Agg needs no browser: kaleido had to start Chromium first (≈2 s in a fresh process, the bulk
of a cold DOCX export). Only where a picture is needed: the deck's charts are native."""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from vocab.levels import STATUS_COLOURS
from exports.text import TARGET_COLOUR, TARGET_OUTLINE_PT, level_label, status_name, words
from vocab.vnformat import fmt_pct, fmt_rate, wrap

if TYPE_CHECKING:  # the model (and duckdb) is not needed to start the charts' child
    from exports.model import IndicatorReport

# The report's serif (Times New Roman or its metric clone), as the document around the picture.
FONTS = ("Times New Roman", "Liberation Serif", "Tinos", "DejaVu Serif")
WIDTH, HEIGHT = 900, 420  # the figure's size in points ×100/72 (9 × 4.2 in), placed 16 cm wide
# 1350 × 630 pixels: 214 dpi at the 16 cm the report places it (print wants ≥ 150); 200 dpi
# (1800 px, 286 dpi placed) cost a quarter more to draw and encode for no visible gain.
DPI = 150
PNG_COMPRESS_LEVEL = 3  # zlib level: as small as the default 6 here, and quicker to write
TEXT_COLOUR, GRID_COLOUR = "#222222", "#E5E5E5"
LEGEND_STATUSES = ("met", "near", "behind")
# Under each bar pair, its indicator's name in at most LABEL_LINES lines, as wide as the pair's
# share of the axis (the axes span 0.91 of the figure) at about LABEL_CHAR_PT a character: a
# group of twelve bars gets ten characters a line, not twenty that run into the next label.
AXIS_PT = 0.91 * WIDTH * 72 / 100
LABEL_CHAR_PT = 4.6
LABEL_LINES = 3
CROWDED = 6  # bars past which the labels are set smaller, so neighbouring values do not collide (88,5% 95%)


@dataclass(frozen=True)
class Bar:
    """One indicator × level drawn: its value (coloured by status) beside its target."""

    category: str
    value: float
    target: float | None
    status: str
    label: str
    target_label: str


def group_bars(indicators: list[IndicatorReport], lang: str = "vi") -> list[Bar]:
    """Gives the bars of a group's chart: each indicator × level with a value, labelled the
    Vietnamese way (78,5%); a target without data is stated in the text, not drawn."""
    drawn = [(indicator, row) for indicator in indicators for row in indicator.levels if row.value is not None]
    chars = label_chars(len(drawn))
    bars = []
    for indicator, row in drawn:
        short = wrap(_short_name(indicator.name, chars * LABEL_LINES), chars).replace("<br>", "\n")
        bars.append(Bar(f"{short}\n{level_label(row.level, lang)}", row.value, row.target, row.status,
                        fmt_rate(row.value, row.target, lang),
                        fmt_pct(row.target, lang, digits=0) if row.target is not None else ""))
    return bars


def label_chars(bars: int) -> int:
    """Gives how many characters a line of a bar pair's label holds, among `bars` pairs."""
    return max(8, min(20, int(AXIS_PT / max(bars, 1) / LABEL_CHAR_PT)))


def group_png(indicators: list[IndicatorReport], lang: str = "vi") -> bytes:
    """Gives a group's grouped bar chart as PNG bytes; the labels drawn are also written into the
    PNG's Description (and so can be read back, e.g. by a screen reader or a test)."""
    return bars_png(group_bars(indicators, lang), lang)


def bars_png(bars: list[Bar], lang: str = "vi") -> bytes:
    """Draws the bars of one group's chart (group_png)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    w = words(lang)
    font = _font_family()
    figure = Figure(figsize=(WIDTH / 100, HEIGHT / 100), dpi=DPI)
    axes = figure.add_axes((0.07, 0.27, 0.91, 0.61))
    width = 0.35
    xs = list(range(len(bars)))
    values = axes.bar([x - width / 2 for x in xs], [b.value for b in bars], width * 0.95,
                      color=[STATUS_COLOURS[b.status] for b in bars])
    targets = axes.bar([x + width / 2 for x in xs], [b.target or 0 for b in bars], width * 0.95,
                       facecolor="white", edgecolor=TARGET_COLOUR, linewidth=TARGET_OUTLINE_PT)
    crowded = len(bars) > CROWDED
    for container, labels in ((values, [b.label for b in bars]), (targets, [b.target_label for b in bars])):
        axes.bar_label(container, labels=labels, padding=2, fontsize=8.5 if crowded else 10.5, family=font,
                       color=TEXT_COLOUR)
    axes.set_xticks(xs, [b.category for b in bars], fontsize=8.5 if crowded else 9.5, family=font, color=TEXT_COLOUR)
    axes.set_ylim(0, 1.12)
    ticks = [i / 5 for i in range(6)]
    axes.set_yticks(ticks, [fmt_pct(t, lang, digits=0) for t in ticks], fontsize=10.5, family=font,
                    color=TEXT_COLOUR)
    axes.yaxis.grid(True, color=GRID_COLOUR, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    shown = [*LEGEND_STATUSES, *(s for s in ("expired",) if any(b.status == s for b in bars))]
    handles = [Patch(facecolor="white", edgecolor=TARGET_COLOUR, linewidth=TARGET_OUTLINE_PT, label=w["target"])] + [
        Patch(color=STATUS_COLOURS[s], label=status_name(s, lang)) for s in shown]
    figure.legend(handles=handles, loc="upper center", ncol=len(handles), frameon=False,
                  prop={"family": font, "size": 11}, bbox_to_anchor=(0.5, 1.0))
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata={"Description": drawn_text(bars, lang), "Software": "govkpi"},
                   pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    return out.getvalue()


def drawn_text(bars: list[Bar], lang: str = "vi") -> str:
    """What a chart's bars say ("…: 78,5% (chỉ tiêu 80%); …"): its PNG's Description, and the
    report's alt text for the picture (read from the bars, not back from the PNG)."""
    w = words(lang)
    return "; ".join(f"{b.category.replace(chr(10), ' ')}: {b.label}"
                     + (f" ({w['target'].lower()} {b.target_label})" if b.target_label else "") for b in bars)


class Pictures:
    """The report's chart pictures, drawn while the report around them is written: in a fresh
    process (`govkpi export docx|pdf`) by a forked child, which imports matplotlib (≈0.4 s)
    while this process reads the warehouse, then draws while this one writes the document: the
    second core does the charts. In a process that has matplotlib already, or runs other threads
    (the dashboard's server: a fork there could inherit a held lock), they are drawn here when
    asked for.

        pictures = Pictures.start()        # before the model is read
        pictures.draw([bars, ...], lang)   # as soon as the bars are known; returns at once
        pngs = pictures.result()           # when the document needs them
    """

    def __init__(self, connection=None, process=None):
        self._connection, self._process = connection, process
        self._asked: tuple[list[list[Bar]], str] | None = None

    @classmethod
    def start(cls) -> "Pictures":
        import multiprocessing
        import os
        import sys
        import threading

        if ("matplotlib.figure" in sys.modules or threading.active_count() > 1 or (os.cpu_count() or 1) < 2
                or "fork" not in multiprocessing.get_all_start_methods()):
            return cls()
        context = multiprocessing.get_context("fork")
        parent, child = context.Pipe()
        process = context.Process(target=_draw_in_child, args=(child,), name="govkpi-charts", daemon=True)
        try:
            process.start()
        except OSError:  # no process to spare: draw here
            return cls()
        child.close()
        return cls(parent, process)

    def draw(self, groups: list[list[Bar]], lang: str) -> None:
        self._asked = (groups, lang)
        if self._connection is not None:
            try:
                self._connection.send(self._asked)
            except OSError:
                self._stop()

    def result(self) -> list[bytes]:
        """The PNG of each group asked for, in order."""
        if self._asked is None:
            return []
        if self._connection is not None:
            try:
                pngs = self._connection.recv()
            except (OSError, EOFError):  # the child died: draw here
                pngs = None
            self._stop()
            if pngs is not None:
                return pngs
        groups, lang = self._asked
        return [bars_png(bars, lang) for bars in groups]

    def close(self) -> None:
        """Ends the child when its pictures are not needed after all."""
        self._stop()

    def _stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._process is not None:
            if self._asked is None:  # nothing to draw: its imports need not finish first
                self._process.kill()
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.kill()
            self._process = None


def _draw_in_child(connection) -> None:
    from matplotlib.figure import Figure  # noqa: F401  (the import is the work done ahead)

    _warm_canvas()
    try:
        groups, lang = connection.recv()
    except (EOFError, OSError):  # nothing to draw after all
        return
    connection.send([bars_png(bars, lang) for bars in groups])
    connection.close()


def _warm_canvas() -> None:
    """Draws a small throwaway picture with the report's font while the child waits for its bars:
    the first picture's one-off costs (the font file, the text and PNG writers' imports, ≈0.15 s)
    are then paid before the report needs its pictures, not after."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1), dpi=DPI)
    figure.text(0.1, 0.5, "Chỉ tiêu 90%", family=_font_family(), fontsize=10.5, color=TEXT_COLOUR)
    figure.add_axes((0.2, 0.2, 0.7, 0.7)).bar([0], [1], color=TARGET_COLOUR)
    figure.savefig(io.BytesIO(), format="png", dpi=DPI, pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})


@lru_cache(maxsize=1)
def _font_family() -> str:
    """The first of FONTS this machine has (matplotlib warns for each family it cannot find)."""
    from matplotlib import font_manager

    have = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in FONTS if name in have), "serif")


def _short_name(name: str, limit: int = 34) -> str:
    """Shortens 'Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng' for an axis label."""
    text = name.removeprefix("Tỷ lệ ").removeprefix("Share of ")
    text = text[0].upper() + text[1:]
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"
