"""Static chart pictures for the report (DOCX/PDF), drawn with plotly and written as PNG by
kaleido on the system Chromium. Only where a picture is needed: the deck's charts are native."""
from __future__ import annotations

import shutil
import threading

import plotly.graph_objects as go

from vocab.levels import STATUS_COLOURS
from exports.model import IndicatorReport
from exports.text import TARGET_COLOUR, level_label, status_name, words
from vocab.vnformat import fmt_pct, fmt_rate, wrap

FONT = "Liberation Serif, Times New Roman, DejaVu Serif, serif"
WIDTH, HEIGHT, SCALE = 900, 420, 2
_server_lock = threading.Lock()
_server_started = False


def group_figure(indicators: list[IndicatorReport], lang: str = "vi") -> go.Figure:
    """Gives a grouped bar figure: each indicator × level's value (coloured by status) beside its
    target, labelled the Vietnamese way (78,5%)."""
    w = words(lang)
    categories, values, targets, colours, labels, target_labels = [], [], [], [], [], []
    for indicator in indicators:
        short = wrap(_short_name(indicator.name, 44), 20)
        for row in indicator.levels:
            if row.value is None:  # a target without data is stated in the text, not drawn
                continue
            categories.append(f"{short}<br>{level_label(row.level, lang)}")
            values.append(row.value)
            targets.append(row.target)
            colours.append(STATUS_COLOURS[row.status])
            labels.append(fmt_rate(row.value, row.target, lang))
            target_labels.append(fmt_pct(row.target, lang, digits=0))
    figure = go.Figure()
    figure.add_bar(x=categories, y=values, name=w["value"], marker_color=colours, text=labels,
                   textposition="outside", cliponaxis=False, showlegend=False)
    figure.add_bar(x=categories, y=targets, name=w["target"], marker_color=TARGET_COLOUR,
                   text=target_labels, textposition="outside", cliponaxis=False)
    for status in ("met", "near", "behind"):  # legend entries for the status colours
        figure.add_scatter(x=[None], y=[None], mode="markers", name=status_name(status, lang),
                           marker=dict(color=STATUS_COLOURS[status], size=12, symbol="square"))
    figure.update_layout(
        barmode="group", bargap=0.3, bargroupgap=0.05, template="simple_white",
        font=dict(family=FONT, size=15, color="#222222"), width=WIDTH, height=HEIGHT,
        margin=dict(l=60, r=20, t=50, b=20), separators=",." if lang == "vi" else ".,",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0.5, xanchor="center"),
        xaxis=dict(tickangle=0, tickfont=dict(size=13)),
        yaxis=dict(range=[0, 1.12], tickformat=".0%", gridcolor="#E5E5E5", showgrid=True),
    )
    return figure


def to_png(figures: list[go.Figure]) -> list[bytes]:
    """Gives each figure as PNG bytes (kaleido on the system Chromium, one warm server)."""
    import kaleido

    _ensure_server()
    return [kaleido.calc_fig_sync(f, opts=dict(format="png", width=WIDTH, height=HEIGHT, scale=SCALE))
            for f in figures]


def _ensure_server() -> None:
    """Starts kaleido's browser once per process (≈0.6 s a picture after, against ≈2 s cold)."""
    global _server_started
    import kaleido

    with _server_lock:
        if _server_started:
            return
        if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
            raise RuntimeError("Không tìm thấy Chromium để vẽ biểu đồ: cài bằng `apt-get install chromium`.")
        try:
            kaleido.start_sync_server(silence_warnings=True)
        except Exception:  # an already running server is fine
            pass
        _server_started = True


def _short_name(name: str, limit: int = 34) -> str:
    """Shortens 'Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng' for an axis label."""
    text = name.removeprefix("Tỷ lệ ").removeprefix("Share of ")
    text = text[0].upper() + text[1:]
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"
