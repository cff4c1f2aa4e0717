"""Pure figure builders for the composite indices (Decision 766/QĐ-TTg, DTI): units' scores
coloured by grade, a unit's or level's groups against their maxima, and the score over time.
Every title states the period (or "as of" day) and the version; the page adds the coverage."""
from __future__ import annotations

import pandas as pd

from dashboard.plain_figure import Figure
from dashboard.chart_style import BASE_FONT, empty_figure, finish, wrap
from vocab.i18n import t
from vocab.levels import GRADES, grade_colour, grade_name
from vocab.periods import parse_code
from vocab.vnformat import fmt_score

WIDE_TITLE = 80  # these charts take the page's whole width
SHOWN_EACH_END = 10  # a level with many units shows its best and its worst ten


def units_chart(rows: pd.DataFrame, title: str, lang: str = "vi") -> Figure:
    """Gives each unit's score as a bar coloured by its grade (grey: not graded), best at the
    top; a level of more than 30 units shows its ten best and ten worst (the title says so).
    rows: the index_level_scores query (unit_key, unit_name, score, grade, rank_in_level)."""
    rows = rows[rows["score"].notna()].sort_values("score", ascending=False)
    if rows.empty:
        return empty_figure(t("no_data", lang))
    if len(rows) > 30:
        rows = pd.concat([rows.head(SHOWN_EACH_END), rows.tail(SHOWN_EACH_END)])
        title = f"{title}<br><sup>{t('index_units_ends', lang, n=SHOWN_EACH_END)}</sup>"
    rows = rows.iloc[::-1]  # plotly draws the first bar at the bottom
    fig = Figure()
    grades = [g if isinstance(g, str) and g else None for g in rows["grade"]]
    fig.add_bar(
        y=[f"{int(r)}. {wrap(str(n), 40).replace('<br>', ' ')}" for r, n in zip(rows["rank_in_level"], rows["unit_name"])],
        x=rows["score"], orientation="h",
        marker_color=[grade_colour(g) for g in grades],
        text=[fmt_score(v, lang, fixed=True) for v in rows["score"]], textposition="outside",
        customdata=[[k, grade_name(g, lang) or t("index_ungraded_short", lang)] for k, g in zip(rows["unit_key"], grades)],
        hovertemplate="%{y}: %{text} (%{customdata[1]})<extra></extra>", showlegend=False,
    )
    for grade in [g for g in GRADES if g in grades] + ([None] if None in grades else []):
        fig.add_scatter(x=[None], y=[None], mode="markers", marker={"color": grade_colour(grade), "size": 14,
                        "symbol": "square"}, name=grade_name(grade, lang) or t("index_ungraded_short", lang))
    finish(fig, title, lang, y_title="", height=max(380, 26 * len(rows) + 160), title_chars=WIDE_TITLE)
    fig.update_yaxes(tickfont={"size": BASE_FONT - 4}, dtick=1)
    top = rows["max_score"].dropna().max() if "max_score" in rows else None
    fig.update_xaxes(title_text=t("index_score_axis", lang),
                     range=[0, float(top) * 1.12] if top == top and top else None)
    return fig


def groups_chart(rows: pd.DataFrame, title: str, lang: str = "vi") -> Figure:
    """Gives each group's score against its maximum: the maximum as a pale bar, the score over
    it, labelled "13,2/18"; a group whose maximum is not filled in shows its score alone.
    rows: the index_group_breakdown query (group_name_vi/en, max_score, score)."""
    if rows.empty:
        return empty_figure(t("no_data", lang))
    rows = rows.iloc[::-1]
    names = [wrap(n, 26) for n in rows[f"group_name_{'en' if lang == 'en' else 'vi'}"]]
    fig = Figure()
    fig.add_bar(y=names, x=rows["max_score"], orientation="h", name=t("index_group_max", lang),
                marker_color="#E3E3E3", hovertemplate="%{y}: %{x}<extra></extra>")
    labels = [fmt_score(s, lang, fixed=True) + (f"/{fmt_score(m, lang)}" if m == m and m is not None else "")
              for s, m in zip(rows["score"], rows["max_score"])]
    fig.add_bar(y=names, x=rows["score"], orientation="h", name=t("index_group_score", lang),
                marker_color="#0072B2", text=labels, textposition="outside",
                hovertemplate="%{y}: %{text}<extra></extra>")
    finish(fig, title, lang, y_title="", height=max(340, 60 * len(rows) + 160), title_chars=WIDE_TITLE)
    fig.update_layout(barmode="overlay")
    widest = pd.concat([rows["score"], rows["max_score"]]).astype(float).max()
    fig.update_xaxes(title_text=t("index_score_axis", lang), range=[0, float(widest) * 1.18])  # room for the labels
    fig.update_yaxes(tickfont={"size": BASE_FONT - 3})
    return fig


def trend_chart(rows: pd.DataFrame, title: str, lang: str = "vi", show_rank: bool = False) -> Figure:
    """Gives the score per period, oldest first (the unit's, or the level's mean); rows: the
    index_trend query."""
    rows = rows[rows["score"].notna()]
    if rows.empty:
        return empty_figure(t("no_data", lang))
    labels = [parse_code(p).label(lang) for p in rows["period"]]
    hover = [fmt_score(v, lang) + (f" · {t('index_rank', lang)} {int(r)}" if show_rank and r == r else "")
             for v, r in zip(rows["score"], rows["rank_in_level"])]
    fig = Figure()
    fig.add_scatter(x=labels, y=rows["score"], mode="lines+markers+text", line={"color": "#0072B2", "width": 3},
                    text=[fmt_score(v, lang, fixed=True) for v in rows["score"]], textposition="top center",
                    customdata=hover, hovertemplate="%{x}: %{customdata}<extra></extra>", showlegend=False)
    finish(fig, title, lang, y_title=t("index_score_axis", lang), height=400, title_chars=WIDE_TITLE)
    top = rows["max_score"].dropna().max()
    low = float(rows["score"].min())
    fig.update_yaxes(range=[max(0.0, low - 10), float(top) + 5 if top == top else None])
    fig.update_xaxes(type="category", tickangle=-45)
    return fig
