"""Tổng quan: a card per indicator with a target, the status counts and reporting completeness."""
from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import html

from dashboard import data, ids
from dashboard.components import (data_table, filter_bar, note, page, partial_notes, plan_label, safe_page,
                                  scope_line, site_path, warehouse)
from dashboard.chart_style import levels_sorted
from dashboard.figures import coverage_text, is_partial  # noqa: F401
from dashboard.filter_checks import checked_filters
from dashboard.downloads import download_links
from vocab.levels import STATUS_COLOURS, STATUS_NAMES, level_name
from vocab.i18n import t
from dashboard.tables import display
from vocab.periods import parse_code
from vocab.vnformat import fmt_date, fmt_int, fmt_pct, fmt_points, fmt_rate

dash.register_page(__name__, path="/", name="Tổng quan", title="Tổng quan", order=0)

STATUS_RANK = {"behind": 0, "near": 1, "met": 2, "expired": 3, "no_data": 4}


@safe_page
def layout(**query: Any) -> html.Div:
    wh = warehouse()
    f, notices = checked_filters(wh, query)
    lang = f.lang
    bar = filter_bar(wh, f, ["period", "plan"], notices, path="/")
    if f.period is None:
        return page(t("nav_overview", lang), note(t("no_data", lang)), filters=bar)
    period = parse_code(f.period)
    label = period.label(lang)
    codes = [f.period, period.previous().code, period.year_before().code]
    rows = data.progress(wh, codes, f.plan)
    cards = overview_rows(rows, f.period, codes[1], codes[2])
    names = data.indicator_names(wh, lang)
    if cards.empty:
        body: list[Any] = [note(t("no_data_period", lang, period=label))]
    else:
        body = [
            download_links(f.period, lang),
            html.Div(summary_sentence(cards, lang), id=ids.OVERVIEW_SUMMARY, className="summary"),
            scope_line(cards, label, plan_label(wh, f.plan, lang), lang),
            *partial_notes(cards, label, lang),
            completeness_line(data.completeness(wh), period, lang),
            html.Div([indicator_card(code, names.get(code, code), part, lang)
                      for code, part in _in_catalog_order(cards, names)],
                     id=ids.OVERVIEW_CARDS, className="cards"),
            data_table("overview", _table(cards, names, lang), lang, folded=True),
        ]
    return page(t("overview_title", lang, period=label), *body, filters=bar)


def overview_rows(rows: pd.DataFrame, current: str, previous: str, year_before: str) -> pd.DataFrame:
    """Gives the current period's (indicator, level) rows that have a target, with the value of
    the previous period and of the same period a year before beside them."""
    now = rows[(rows["period"] == current) & rows["target"].notna()].copy()
    keyed = dict(zip(zip(rows["period"], rows["indicator_code"], rows["level"]), rows["value"]))
    pairs = list(zip(now["indicator_code"], now["level"]))
    now["value_previous"] = [keyed.get((previous, code, level)) for code, level in pairs]
    now["value_year_before"] = [keyed.get((year_before, code, level)) for code, level in pairs]
    now["change_previous"] = now["value"] - pd.to_numeric(now["value_previous"])
    now["change_year_before"] = now["value"] - pd.to_numeric(now["value_year_before"])
    now["status"] = now["status"].fillna("no_data")
    return now


def summary_sentence(cards: pd.DataFrame, lang: str) -> html.Div:
    counts = cards["status"].value_counts()
    shown = ("met", "near", "behind", "no_data") + (("expired",) if counts.get("expired", 0) else ())
    badges = [
        html.Span(f"{STATUS_NAMES[lang][s]}: {fmt_int(int(counts.get(s, 0)), lang)}", className="badge",
                  style={"backgroundColor": STATUS_COLOURS[s]})
        for s in shown
    ]
    sentence = t("targets_summary", lang, **{s: fmt_int(int(counts.get(s, 0)), lang)
                                             for s in ("met", "near", "behind", "no_data")})
    if counts.get("expired", 0):
        sentence += f", {fmt_int(int(counts['expired']), lang)} {STATUS_NAMES[lang]['expired'].lower()}"
    return html.Div([html.Span(sentence, className="summary-sentence"), html.Div(badges, className="badges")])


def completeness_line(frame: pd.DataFrame, period, lang: str) -> html.Div:
    quarters = [q.code for q in period.quarters()]
    rows = frame[frame["period"].isin(quarters) & (frame["level"] == "total")]
    if rows.empty:
        return html.Div()
    rows = rows[rows["period"] == rows["period"].max()]
    whole = rows.iloc[0]
    text = t("completeness_summary", lang, reported=fmt_int(int(whole["units_reported"]), lang),
             expected=fmt_int(int(whole["units_expected"]), lang), rate=fmt_pct(whole["rate"], lang),
             on_time=fmt_int(int(whole["units_on_time"]), lang))
    return html.Div(html.A(text, href=site_path("/bao-cao") + f"?lang={lang}&period={rows['period'].iloc[0]}"), className="completeness")


def indicator_card(code: str, name: str, part: pd.DataFrame, lang: str) -> html.Div:
    worst = min(part["status"], key=lambda s: STATUS_RANK.get(s, 3))
    lines = []
    for row in levels_sorted(part).itertuples():
        deadline = fmt_date(pd.Timestamp(row.deadline).date(), lang) if pd.notna(row.deadline) else "–"
        if row.status == "expired":  # the deadline passed: say so and how it stood on that date
            at_deadline = getattr(row, "status_at_deadline", None)
            target_text = t("expired_line", lang, target=fmt_pct(row.target, lang, 0), deadline=deadline,
                            status=STATUS_NAMES[lang].get(at_deadline, STATUS_NAMES[lang]["no_data"])
                            if isinstance(at_deadline, str) else STATUS_NAMES[lang]["no_data"])
        else:
            target_text = t("target_by", lang, target=fmt_pct(row.target, lang, 0), deadline=deadline)
        lines.append(html.Div([
            html.Div([
                html.Span(level_name(row.level, lang, capitalise=True), className="card-level"),
                html.Span(fmt_rate(_f(row.value), _f(row.target), lang), className="card-value"),
                html.Span(STATUS_NAMES[lang][row.status], className="badge",
                          style={"backgroundColor": STATUS_COLOURS[row.status]}),
            ], className="card-line-head"),
            html.Div(_coverage(row, lang), className="card-coverage"),
            html.Div(target_text
                     + (f" ({row.doc_number})" if isinstance(row.doc_number, str) else ""), className="card-target"),
            html.Div(f"{fmt_points(_f(row.change_previous), lang)} {t('vs_previous', lang)} · "
                     f"{fmt_points(_f(row.change_year_before), lang)} {t('vs_year_before', lang)}",
                     className="card-change"),
        ], className="card-line"))
    return html.Div([html.H3(name, className="card-title"), *lines], className="card",
                    style={"borderLeftColor": STATUS_COLOURS.get(worst, STATUS_COLOURS["no_data"])},
                    id=f"card-{code}")


def _in_catalog_order(cards: pd.DataFrame, names: dict[str, str]):
    order = {code: i for i, code in enumerate(names)}
    for code in sorted(cards["indicator_code"].unique(), key=lambda c: order.get(c, 99)):
        yield code, cards[cards["indicator_code"] == code]


def _table(cards: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    frame = cards.assign(indicator=cards["indicator_code"].map(names))
    return display(frame, {
        "indicator": ("col_indicator", "text"), "level": ("col_level", "level"), "value": ("col_value", "pct"),
        "target": ("col_target", "pct"), "deadline": ("col_deadline", "date"), "status": ("col_status", "status"),
        "change_previous": ("col_change_prev", "pct"), "change_year_before": ("col_change_year", "pct"),
        "doc_number": ("col_doc", "text"),
    }, lang)


def _coverage(row: Any, lang: str) -> str:
    """'128/149 đơn vị', and 'số liệu chưa đầy đủ' below the coverage threshold."""
    reported, expected = getattr(row, "units_reporting", None), getattr(row, "units_expected", None)
    if reported is None or expected is None or pd.isna(reported) or pd.isna(expected):
        return ""
    text = coverage_text(reported, expected, lang)
    return text + f" · {t('partial_data', lang)}" if is_partial(getattr(row, "partial", None)) else text


def _f(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
