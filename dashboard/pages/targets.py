"""Chỉ tiêu theo cấp: per indicator, each level against its target, the trajectory, the trend."""
from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboard import data, figures, ids
from dashboard.components import chart, filter_bar, note, page, partial_notes, plan_label, safe_page, scope_line, warehouse
from dashboard.filter_checks import checked_filters
from dashboard.review_notes import comments_list, locked_banner
from vocab.i18n import t
from dashboard.chart_style import missing, records
from dashboard.tables import display
from vocab.periods import parse_code

dash.register_page(__name__, path="/chi-tieu", name="Chỉ tiêu theo cấp", title="Chỉ tiêu theo cấp", order=1)

LEVEL_COLUMNS = {
    "level": ("col_level", "level"), "value": ("col_value", "pct"), "target": ("col_target", "pct"),
    "expected": ("col_expected", "pct"), "deadline": ("col_deadline", "date"), "status": ("col_status", "status"),
    "doc_number": ("col_doc", "text"), "units_reporting": ("col_units", "int"),
    "units_expected": ("col_units_expected", "int"),
}
TREND_COLUMNS = {
    "period": ("col_period", "period"), "level": ("col_level", "level"), "value": ("col_value", "pct"),
    "target": ("col_target", "pct"), "expected": ("col_expected", "pct"), "status": ("col_status", "status"),
}


def by_indicator(frame) -> dict[str, list[dict]]:
    """Gives the frame's rows as plain dicts per indicator_code, in the frame's order."""
    out: dict[str, list[dict]] = {}
    for row in records(frame):
        out.setdefault(row["indicator_code"], []).append(row)
    return out


@safe_page
def layout(**query: Any) -> html.Div:
    wh = warehouse()
    f, notices = checked_filters(wh, query)
    lang = f.lang
    if f.period is None:
        bar = filter_bar(wh, f, ["period", "plan", "indicator"], notices, path="/chi-tieu")
        return page(t("nav_targets", lang), note(t("no_data", lang)), filters=bar)
    label = parse_code(f.period).label(lang)
    names = data.indicator_names(wh, lang)
    now = data.progress(wh, [f.period], f.plan)
    history = data.as_it_stood(data.trend(wh, f.plan), f.period)
    with_target = set(history.loc[history["target"].notna(), "indicator_code"]) | set(
        now.loc[now["target"].notna(), "indicator_code"])
    # Only indicators that apply in the period (level_progress has no row for the service levels
    # after 2022Q3, nor for toàn trình before): never an empty panel. The chosen one first.
    valid = set(now.loc[now["value"].notna() | now["target"].notna(), "indicator_code"])
    if f.indicator not in valid and f.indicator in names and "indicator" in query:
        notices.append(t("filter_indicator_other_era", lang, indicator=names[f.indicator], period=label))
    order = [c for c in [f.indicator] + [c for c in names if c in with_target and c != f.indicator] if c in valid]
    bar = filter_bar(wh, f, ["period", "plan", "indicator"], notices, path="/chi-tieu")
    banner = locked_banner(wh, f.period, lang)
    head = ([banner] if banner is not None else []) + [scope_line(now[now["indicator_code"].isin(order)], label, plan_label(wh, f.plan, lang), lang),
            *partial_notes(now[now["indicator_code"].isin(order)], label, lang)]
    if not order:
        return page(t("targets_title", lang, period=label), *head, note(t("no_data_period", lang, period=label)),
                    filters=bar)
    comments = wh.query("period_comments", period=f.period)
    # Split once into plain rows per indicator: a page of a dozen sections, each cut by pandas
    # masks and drawn from frames, cost ~10 ms a section on the national warehouse.
    now_of, history_of = by_indicator(now), by_indicator(history)
    sections = []
    for code in order:
        name = names.get(code, code)
        rows = [r for r in now_of.get(code, []) if not (missing(r["value"]) and missing(r["target"]))]
        trend_rows = history_of.get(code, [])
        sections.append(html.Section([
            html.H2(name, className="section-title"),
            html.Div([
                chart(f"levels-{code}", figures.level_chart(rows, name, lang, label) if rows else None,
                      display(rows, LEVEL_COLUMNS, lang), lang, t("no_data_period", lang, period=label)),
                chart(f"trend-{code}", figures.trend_chart(trend_rows, name, lang, f.period, rows)
                      if trend_rows else None,
                      display(trend_rows, TREND_COLUMNS, lang), lang, hint=t("trend_legend_note", lang)),
            ], className="two-up"),
            comments_list(comments[comments["indicator_code"] == code], names, lang, with_unit=True),
        ], className="indicator-section", id=f"section-{code}"))
    return page(t("targets_title", lang, period=label), *head, html.Div(sections, id=ids.TARGETS_LIST), filters=bar)
