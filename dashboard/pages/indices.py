"""Chỉ số, xếp hạng: where every department and commune stands on the 766 index (and the province
on the DTI) in a period: scores coloured by grade, the ranking per level with its movement, the
groups against their maxima, the trend, and the drill-down index → group → criterion → evidence.
Every figure states its period ("as of" day), its coverage and the version in force."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import dcc, html

from dashboard import data, index_figures
from dashboard.components import (FILTERS_RENDERED, chart, data_table, dropdowns_in, filter_dropdown, note, page,
                                  safe_page, site_path, warehouse)
from dashboard.figures import coverage_text
from dashboard.tables import display
from vocab.i18n import norm_lang, t
from vocab.levels import LEVELS, grade_name, level_name
from vocab.periods import parse_code
from vocab.vnformat import fmt_date, fmt_rank_change, fmt_score

PATH = "/chi-so"
INDICES = ("766", "dti")
dash.register_page(__name__, path=PATH, name="Chỉ số, xếp hạng", title="Chỉ số, xếp hạng", order=4)


@safe_page
def layout(**query: Any) -> html.Div:
    wh = warehouse()
    lang = norm_lang(query.get("lang"))
    index = query.get("index") if query.get("index") in INDICES else INDICES[0]
    index_label = t(f"index_name_{index}", lang)
    periods = data.index_periods(wh, index)
    period = query.get("period") if query.get("period") in set(periods["period"]) else (
        periods["period"].iloc[0] if not periods.empty else None)
    levels = [lv for lv in LEVELS if period is not None and lv in set(
        pd.concat([data.index_level_scores(wh, index, period, lv) for lv in LEVELS])["level"])] or ["province"]
    level = query.get("level") if query.get("level") in levels else levels[0]
    state = {"index": index, "period": period, "level": level, "lang": lang}
    bar = _filters(periods, levels, state, lang)
    title = t("index_title", lang, index=index_label)
    if period is None:
        return page(title, note(t("index_no_scores", lang, index=index_label)), filters=bar)
    label = parse_code(period).label(lang)
    scores = data.index_level_scores(wh, index, period, level)
    if scores.empty:
        return page(title, note(t("index_no_level", lang, period=label, level=level_name(level, lang))), filters=bar)
    version = str(scores["version"].iloc[0])
    unit = query.get("unit") if query.get("unit") in set(scores["unit_key"]) else None
    level_label = level_name(level, lang)
    expected = data.index_expected_units(wh, level, parse_code(period).end)
    # Every figure states what it stands on: the units scored of those expected, the version.
    stands_on = f"<br><sup>{t('index_figure_basis', lang, coverage=coverage_text(len(scores), expected, lang), version=version)}</sup>"
    body: list[Any] = [scope_line(wh, index, scores, period, expected, version, lang)]
    body += grade_notes(wh, index, version, scores, lang)
    units_title = t("index_units_title", lang, index=index, level=level_label, period=label) + stands_on
    body.append(chart("index-units", index_figures.units_chart(scores, units_title, lang), ranking_table(scores, lang),
                      lang))
    body.append(html.H2(t("index_ranking", lang, level=level_label, period=label), className="section-title"))
    body.append(html.Div(data_table("index-ranking", ranking_table(scores, lang, state=state), lang,
                                    link_column=t("col_unit", lang)), id="index-ranking"))
    groups = data.index_group_breakdown(wh, index, period, level, unit)
    who = (scores.loc[scores["unit_key"] == unit, "unit_name"].iloc[0] if unit
           else t("index_level_mean", lang, level=level_label, n=len(scores)))
    if unit:
        body.append(dcc.Link(t("index_back_to_level", lang), href=_href({**state}), className="drill-back",
                             id="index-back-to-level"))
    body.append(html.Div(chart("index-groups", index_figures.groups_chart(
        groups, t("index_groups_title", lang, who=who, period=label) + stands_on, lang), _groups_table(groups, lang), lang),
        id="index-groups"))
    body.append(group_links(groups, {**state, "unit": unit}, lang))
    group = query.get("group") if query.get("group") in set(groups["group_code"]) else None
    if group:
        body.append(criteria_block(wh, index, version, group, groups, {**state, "unit": unit}, lang))
    trend = data.index_trend(wh, index, level, unit)
    body.append(html.Div(chart("index-trend", index_figures.trend_chart(
        trend, t("index_trend_title", lang, index=index, who=who) + stands_on, lang, show_rank=bool(unit)),
        display(trend, {"period": ("col_period", "period"), "score": ("col_score", "text"),
                        "units": ("col_units_scored", "int")}, lang), lang), id="index-trend-card"))
    return page(title, *body, filters=bar)


def scope_line(wh, index: str, scores: pd.DataFrame, period: str, expected: int, version: str, lang: str) -> html.Div:
    """'Tháng 11/2026 (số liệu tính đến ngày 30/11/2026) · 135/135 đơn vị được chấm điểm · phiên
    bản 2022: Quyết định 766/QĐ-TTg …': the period, the coverage and the version in force."""
    as_of = pd.to_datetime(scores["as_of"]).max().date()
    versions = data.index_versions(wh, index)
    source = versions.loc[versions["version"] == version, "source"]
    return html.Div(t("index_scope", lang, period=parse_code(period).label(lang), as_of=fmt_date(as_of, lang),
                      coverage=coverage_text(len(scores), expected, lang), version=version,
                      source=source.iloc[0] if not source.empty else ""),
                    id="index-scope", className="scope-line")


def grade_notes(wh, index: str, version: str, scores: pd.DataFrame, lang: str) -> list[html.Div]:
    """The sentence that replaces an empty grade: the thresholds the province has not filled in."""
    bands = data.index_grade_bands(wh, index, version)
    if bands.empty:
        return [note(t("index_no_grades", lang), "muted")]
    if scores["grade"].isna().all() or bands["min_score"].isna().any():
        return [html.Div(t("index_ungraded", lang, index=index), id="index-ungraded", className="note note-warning",
                         role="status")]
    return []


def ranking_table(scores: pd.DataFrame, lang: str, state: dict | None = None) -> pd.DataFrame:
    """Gives the ranking as people read it; with `state`, each unit's name links to its drill-down."""
    rows = scores.assign(
        movement=[fmt_rank_change(v) for v in scores["rank_change"]],
        score_text=[fmt_score(v, lang) for v in scores["score"]],
        max_text=[fmt_score(v, lang) if v == v and v is not None else "–" for v in scores["max_score"]],
        grade_text=[grade_name(g, lang) if isinstance(g, str) else t("index_ungraded_short", lang)
                    for g in scores["grade"]])
    if state is not None:
        rows["unit_name"] = [f"[{name}]({_href({**state, 'unit': key})})"
                             for name, key in zip(rows["unit_name"], rows["unit_key"])]
    return display(rows, {"rank_in_level": ("col_rank", "int"), "movement": ("col_movement", "text"),
                          "unit_name": ("col_unit", "text"), "score_text": ("col_score", "text"),
                          "max_text": ("col_max_score", "text"), "grade_text": ("col_grade", "text")}, lang)


def group_links(groups: pd.DataFrame, state: dict, lang: str) -> html.Div:
    name = f"group_name_{'en' if lang == 'en' else 'vi'}"
    links = [dcc.Link(row[name], href=_href({**state, "group": row["group_code"]}), className="drill-link",
                      id=f"index-group-{row['group_code']}") for _, row in groups.iterrows()]
    parts: list[Any] = [html.Span(t("index_groups_drill", lang) + " ")]
    for number, link in enumerate(links):
        parts += ([" · "] if number else []) + [link]
    return html.Div(parts, className="drill-links", id="index-group-links")


def criteria_block(wh, index: str, version: str, group: str, groups: pd.DataFrame, state: dict, lang: str) -> html.Div:
    """The criteria of a group: maximum, scoring rule, indicator, evidence, verifier and the text."""
    name = groups.loc[groups["group_code"] == group, f"group_name_{'en' if lang == 'en' else 'vi'}"].iloc[0]
    criteria = data.index_criteria(wh, index, version, group)
    header = html.H2(t("index_criteria_title", lang, group=name), className="section-title")
    if criteria.empty:
        return html.Div([header, note(t("index_no_criteria", lang))], id="index-criteria")
    rows = criteria.assign(
        name=criteria[f"name_{'en' if lang == 'en' else 'vi'}"],
        max_text=[fmt_score(v, lang) if v == v and v is not None else t("index_no_basis", lang)
                  for v in criteria["max_score"]],
        rule=[t(f"rule_{k}", lang) + (f" ({i})" if isinstance(i, str) and i else "")
              for k, i in zip(criteria["rule_kind"], criteria["indicator_code"])])
    table = display(rows, {"name": ("col_criterion", "text"), "max_text": ("col_max_score", "text"),
                           "rule": ("col_rule", "text"), "evidence": ("col_evidence", "text"),
                           "verifier": ("col_verifier", "text"), "source": ("col_source", "text")}, lang)
    return html.Div([header, data_table("index-criteria", table, lang)], id="index-criteria")


def _groups_table(groups: pd.DataFrame, lang: str) -> pd.DataFrame:
    rows = groups.assign(name=groups[f"group_name_{'en' if lang == 'en' else 'vi'}"],
                         score_text=[fmt_score(v, lang) for v in groups["score"]],
                         max_text=[fmt_score(v, lang) if v == v and v is not None else "–" for v in groups["max_score"]])
    return display(rows, {"name": ("col_group", "text"), "score_text": ("col_score", "text"),
                          "max_text": ("col_max_score", "text"), "units": ("col_units_scored", "int")}, lang)


def _filters(periods: pd.DataFrame, levels: list[str], state: dict, lang: str) -> html.Div:
    """The index, its periods (months for 766, years for DTI) and the levels it scores."""
    index_options = [{"label": t(f"index_name_{code}", lang), "value": code} for code in INDICES]
    period_options = [{"label": parse_code(p).label(lang), "value": p} for p in periods["period"]]
    level_options = [{"label": level_name(lv, lang, capitalise=True), "value": lv} for lv in levels]
    controls = [filter_dropdown("index", t("index_filter", lang), index_options, state["index"], clearable=False,
                                wide=True),
                filter_dropdown("period", t("period", lang), period_options, state["period"], clearable=False),
                filter_dropdown("level", t("level", lang), level_options, state["level"], clearable=False),
                dcc.Store(id={"type": FILTERS_RENDERED, "name": "bar"},
                          data={k: state[k] for k in ("index", "period", "level")})]
    return html.Div(dropdowns_in(lang, controls), className="filters")


def _href(state: dict) -> str:
    query = {k: v for k, v in state.items() if v}
    return site_path(PATH) + "?" + urlencode(query)
