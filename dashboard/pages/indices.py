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
from vocab.findings import grade_legend
from vocab.levels import LEVELS, grade_name, level_name
from vocab.periods import Period, latest_ending_by, parse_code
from vocab.vnformat import fmt_date, fmt_rank_change, fmt_score

PATH = "/chi-so"
INDICES = ("766", "dti")
dash.register_page(__name__, path=PATH, name="Chỉ số, xếp hạng", title="Chỉ số, xếp hạng", order=4)


def layout(**query: Any) -> html.Div:
    """The published scores (remembered per warehouse version) and, for the DTI, the province's
    self-assessment, read fresh from the ops file each time (people enter it between loads)."""
    scores = published(**query)
    if query.get("index") != "dti":
        return scores
    entry = dcc.Link(t("dti_entry_link", norm_lang(query.get("lang"))), id="dti-entry-link", className="drill-link",
                     href=site_path("/chi-so/dti") + "?" + urlencode({k: query[k] for k in ("year", "lang") if query.get(k)}))
    return html.Div([scores, self_assessment_section(query), html.Div(entry, className="drill-links")])


@safe_page
def published(**query: Any) -> html.Div:
    wh = warehouse()
    lang = norm_lang(query.get("lang"))
    index = query.get("index") if query.get("index") in INDICES else INDICES[0]
    index_label = t(f"index_name_{index}", lang)
    periods = data.index_periods(wh, index)
    period = index_period(list(periods["period"]), query.get("period"))
    levels = [lv for lv in LEVELS if period is not None and lv in set(
        pd.concat([data.index_level_scores(wh, index, period, lv) for lv in LEVELS])["level"])] or ["province"]
    level = query.get("level") if query.get("level") in levels else levels[0]
    state = {"index": index, "period": period, "level": level, "lang": lang}
    years = dti_years() if index == "dti" else []
    if years:
        state["year"] = int(query["year"]) if str(query.get("year")) in {str(y) for y in years} else years[0]
    bar = _filters(periods, levels, state, lang, years)
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
    asked = _period_asked(query.get("period"))
    if asked is not None and parse_code(period).end > asked.end:  # nothing scored by then: the first shown
        body.insert(0, note(t("index_first_after", lang, index=index_label, asked=asked.label(lang), period=label)))
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
    trend = data.as_it_stood(data.index_trend(wh, index, level, unit), period)  # to the month shown, not past it
    body.append(html.Div(chart("index-trend", index_figures.trend_chart(
        trend, t("index_trend_title", lang, index=index, who=who) + stands_on, lang, show_rank=bool(unit)),
        display(trend, {"period": ("col_period", "period"), "score": ("col_score", "text"),
                        "units": ("col_units_scored", "int")}, lang), lang), id="index-trend-card"))
    return page(title, *body, filters=bar)


def index_period(scored: list[str], asked: str | None) -> str | None:
    """Gives the index period to show (`scored`: the periods with scores, newest first): the one
    asked for; for a quarter, half-year or year the pages share, the index as it stood then (its
    last month for 766, the last year ended for the DTI), else its first; with none asked, the newest."""
    if not scored:
        return None
    if not asked or asked in scored:
        return asked or scored[0]
    chosen = _period_asked(asked)
    if chosen is None:  # a hand-typed URL: the newest, as with none asked
        return scored[0]
    return latest_ending_by(scored, chosen) or scored[-1]


def _period_asked(asked: str | None) -> Period | None:
    try:
        return parse_code(asked) if asked else None
    except ValueError:
        return None


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
    return [html.P(grade_legend(bands.to_dict("records"), lang), id="index-grade-legend", className="scope-line")]


def ranking_table(scores: pd.DataFrame, lang: str, state: dict | None = None) -> pd.DataFrame:
    """Gives the ranking as people read it; with `state`, each unit's name links to its drill-down."""
    rows = scores.assign(
        movement=[fmt_rank_change(v) for v in scores["rank_change"]],
        score_text=[fmt_score(v, lang, fixed=True) for v in scores["score"]],
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


def _filters(periods: pd.DataFrame, levels: list[str], state: dict, lang: str, years: list[int] = ()) -> html.Div:
    """The index, its periods (months for 766, years for DTI) and the levels it scores."""
    index_options = [{"label": t(f"index_name_{code}", lang), "value": code} for code in INDICES]
    period_options = [{"label": parse_code(p).label(lang), "value": p} for p in periods["period"]]
    level_options = [{"label": level_name(lv, lang, capitalise=True), "value": lv} for lv in levels]
    controls = [filter_dropdown("index", t("index_filter", lang), index_options, state["index"], clearable=False,
                                wide=True),
                filter_dropdown("period", t("period", lang), period_options, state["period"], clearable=False),
                filter_dropdown("level", t("level", lang), level_options, state["level"], clearable=False)]
    if years:
        controls.append(filter_dropdown("year", t("dti_year", lang), [{"label": str(y), "value": y} for y in years],
                                        state["year"], clearable=False))
    controls.append(dcc.Store(id={"type": FILTERS_RENDERED, "name": "bar"},
                              data={k: state.get(k) for k in ("index", "period", "level", "year")}))
    return html.Div(dropdowns_in(lang, controls), className="filters")


def _href(state: dict) -> str:
    query = {k: v for k, v in state.items() if v}
    return site_path(PATH) + "?" + urlencode(query)


# DTI self-assessment -------------------------------------------------------------------------


def dti_years() -> list[int]:
    """The years the province has a self-assessment for, newest first (ops.dti holds the rule)."""
    from flask import current_app

    from ops import dti

    return dti.years(current_app.config["GOVKPI_OPS_DB"])


def self_assessment_section(query: dict) -> html.Div:
    """The province's DTI self-assessment of a year: each main index's value against its maximum
    and the province's own target, the change on the year before, its evidence files and sign-off,
    the total and the national rank."""
    import logging

    lang = norm_lang(query.get("lang"))
    try:
        return _self_assessment(query, lang)
    except Exception:  # a sentence, never a traceback
        logging.getLogger(__name__).exception("DTI self-assessment failed: %s", query)
        return note(t("page_error", lang), "error")


def _self_assessment(query: dict, lang: str) -> html.Div:
    from datetime import date

    from flask import current_app

    from dashboard.evidence import evidence_href
    from ops import dti

    ops_db = current_app.config["GOVKPI_OPS_DB"]
    years = dti_years()
    if not years:
        return html.Div(note(t("dti_none", lang)), id="dti-self-assessment")
    year = int(query["year"]) if str(query.get("year")) in {str(y) for y in years} else years[0]
    wh = warehouse()
    pillars = data.index_groups_in_force(wh, "dti", date(year, 12, 31))
    before = data.index_groups_in_force(wh, "dti", date(year - 1, 12, 31))
    items, last = dti.assessment(ops_db, year), dti.assessment(ops_db, year - 1)
    targets = dti.targets(year)
    files = dti.evidence(ops_db, year)
    name_col = "name_en" if lang == "en" else "name_vi"
    rows = []
    for _, p in pillars.iterrows():
        code = p["group_code"]
        item = items.get(code)
        previous = last.get(code)
        top = p["max_score"] if p["max_score"] == p["max_score"] else None
        value = item.value if item else None
        change = (value - previous.value) if value is not None and previous and previous.value is not None else None
        rows.append({
            "group_code": code, "group_name_vi": p["name_vi"], "group_name_en": p["name_en"], "score": value,
            "max_score": top, "units": None,
            t("dti_col_index", lang): p[name_col],
            t("col_score", lang): fmt_score(value, lang) if value is not None else "–",
            t("col_max_score", lang): fmt_score(top, lang) if top is not None else t("index_no_basis", lang),
            t("dti_col_target", lang): fmt_score(targets[code], lang) if code in targets else t("dti_no_target", lang),
            t("dti_col_change", lang): (("+" if change > 0 else "") + fmt_score(change, lang)) if change is not None else "–",
            t("col_evidence", lang): "; ".join(f"[{e.file_name}]({evidence_href(e.evidence_id)})"
                                               for e in files if e.item_code == code) or "–",
            t("dti_col_signoff", lang): (f"{item.verifier} · {item.signed_by} · {item.signed_at[:16].replace('T', ' ')}"
                                         if item and item.signed_by else t("dti_not_signed", lang)),
        })
    frame = pd.DataFrame(rows)
    scored = frame[frame["score"].notna()]
    total = scored["score"].sum() if not scored.empty else None
    versions = data.index_versions(wh, "dti")
    version = str(pillars["version"].iloc[0]) if not pillars.empty else "?"
    version_before = str(before["version"].iloc[0]) if not before.empty else None
    max_total = versions.loc[versions["version"] == version, "max_score"]
    max_total = max_total.iloc[0] if not max_total.empty and max_total.iloc[0] == max_total.iloc[0] else None
    last_total = sum(i.value for i in last.values() if i.value is not None) if last else None
    rank = dti.national_rank(ops_db, year)
    summary = t("dti_summary", lang, year=year, total=fmt_score(total, lang) if total is not None else "–",
                max=fmt_score(max_total, lang) if max_total else t("index_no_basis", lang), version=version,
                signed=sum(1 for i in items.values() if i.signed_by), items=len(pillars),
                rank=str(rank) if rank else t("dti_rank_unpublished", lang))
    lines = [html.Div(summary, id="dti-summary", className="scope-line")]
    if last_total is not None and total is not None:
        change = total - last_total
        lines.append(html.Div(t("dti_change", lang, previous=year - 1, change=("+" if change > 0 else "") + fmt_score(change, lang))
                              + (" " + t("dti_versions_differ", lang, before=version_before, now=version)
                                 if version_before and version_before != version else ""), className="scope-line"))
    if not targets:
        lines.append(note(t("dti_targets_unset", lang), "muted"))
    chart_rows = frame.assign(max_score=[m if m is not None else float("nan") for m in frame["max_score"]])
    figure = index_figures.groups_chart(chart_rows[chart_rows["score"].notna()],
                                        t("dti_chart_title", lang, year=year, version=version), lang)
    table = frame.drop(columns=["group_code", "group_name_vi", "group_name_en", "score", "max_score", "units"])
    return html.Div([html.H2(t("dti_title", lang, year=year), className="section-title"), *lines,
                     chart("dti-pillars", figure, table, lang),
                     html.Div(data_table("dti-items", table, lang, link_column=t("col_evidence", lang)), id="dti-items")],
                    id="dti-self-assessment")
