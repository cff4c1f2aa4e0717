"""The dashboard's typed queries: each a function over the one reader (warehouse/reader.py)
that runs a read query of warehouse/queries/ against the public views. Results are cached
with flask-caching, keyed by the file's mtime and size, so a new load is seen at the next
request.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from vocab.i18n import norm_lang
from vocab.periods import parse_code
from warehouse.reader import Warehouse, WarehouseUnavailable

__all__ = ["Warehouse", "WarehouseUnavailable", "Filters", "resolve_filters"]
DOSSIER_INDICATORS = ("dossiers_online_rate", "dossiers_on_time_rate")
WARM_QUERIES = ("periods", "plans", "indicators", "catalog_metrics")  # read by every page, whatever its filters
log = logging.getLogger(__name__)


# Queries ------------------------------------------------------------------------------------


def periods(wh: Warehouse) -> pd.DataFrame:
    """Gives the periods with data, newest first (period, period_type, label_vi, label_en, ...)."""
    return wh.query("periods")


def warm(wh: Warehouse) -> None:
    """Reads what every page reads whatever its filters (the periods with data, the plans, the
    indicators, the metrics), so a server's first visitor does not wait for them: a serving
    process calls it as it starts (dashboard.app.ready_to_serve). A warehouse not made yet, or
    held by the writer, is left to the first page, which says so."""
    try:
        for name in WARM_QUERIES:
            wh.query(name)
    except (WarehouseUnavailable, duckdb.Error):
        log.info("the warehouse is not readable yet; its first page reads it", exc_info=True)
    finally:
        wh.close()  # this thread may never serve a page: it must not hold a replaced snapshot open


def plans(wh: Warehouse) -> pd.DataFrame:
    return wh.query("plans")


def indicators(wh: Warehouse) -> pd.DataFrame:
    return wh.query("indicators")


def indicator_names(wh: Warehouse, lang: str) -> dict[str, str]:
    """Gives indicator code → name in lang, in catalog order."""
    frame = indicators(wh)
    return dict(zip(frame["indicator_code"], frame[f"name_{'en' if lang == 'en' else 'vi'}"]))


def progress(wh: Warehouse, period_codes: list[str], plan: str | None = None) -> pd.DataFrame:
    """Gives each level against its target for the periods: the target in force, or one plan's."""
    frame = _all_progress(wh, plan)
    return frame[frame["period"].isin(list(period_codes))]


def trend(wh: Warehouse, plan: str | None = None) -> pd.DataFrame:
    """Gives every quarter per level and indicator against the target in force or one plan."""
    frame = _all_progress(wh, plan)
    return frame[frame["period_type"] == "quarter"]


def _all_progress(wh: Warehouse, plan: str | None) -> pd.DataFrame:
    if plan:
        return wh.query("plan_progress", plan=plan)
    return wh.query("level_progress")


def unit_progress(wh: Warehouse, period: str, level: str, parent: str | None = None,
                  indicator: str | None = None, laggards_of: str | None = None, laggards: int | None = None) -> pd.DataFrame:
    """Gives each unit of a level against its target in a period (only under parent, only one
    indicator: each if given); with laggards_of, that indicator's rows for every unit and every
    indicator's rows only for the `laggards` units lowest on it (no value first, then by key)."""
    return wh.query("target_progress", period=period, level=level, parent=parent, indicator=indicator,
                    laggards_of=laggards_of, laggards=laggards)


def level_has_values(wh: Warehouse, period: str, level: str, parent: str | None = None) -> bool:
    """Whether any unit of the level (under parent, if given) has a row in the period, on any indicator."""
    return bool(wh.query("level_has_values", period=period, level=level, parent=parent)["has_values"].iloc[0])


def unit_points(wh: Warehouse, period: str, level: str) -> pd.DataFrame:
    """Gives the centre (lat, lon) of every unit of a level active in the period that the
    reference data places."""
    return wh.query("unit_points", period=period, level=level)


def units(wh: Warehouse, period: str, level: str) -> pd.DataFrame:
    return wh.query("units", period=period, level=level)


def unit(wh: Warehouse, unit_key: str) -> dict[str, Any] | None:
    """Gives the unit's directory row, or None for an unknown key."""
    frame = wh.query("unit", unit=unit_key)
    return None if frame.empty else frame.iloc[0].to_dict()


def as_it_stood(rows: pd.DataFrame, period: str | None) -> pd.DataFrame:
    """Gives the rows of the periods that end by `period`'s end: a page set to a period shows
    the province as it stood then, so no trend runs past it and no title quotes a later quarter
    (as the exports of that period do). No period: every row."""
    if period is None or rows.empty:
        return rows
    end = parse_code(period).end
    ended = {code for code in rows["period"].dropna().unique() if parse_code(code).end <= end}
    return rows[rows["period"].isin(ended)]


def unit_children(wh: Warehouse, unit_key: str, period: str) -> pd.DataFrame:
    return wh.query("unit_children", unit=unit_key, period=period)


def unit_trend(wh: Warehouse, unit_key: str) -> pd.DataFrame:
    return wh.query("unit_trend", unit=unit_key)


def unit_submissions(wh: Warehouse, unit_key: str) -> pd.DataFrame:
    return wh.query("unit_submissions", unit=unit_key)


def supersessions(wh: Warehouse) -> pd.DataFrame:
    """Gives each superseded submission_id with the submission that replaced it (superseded_by)."""
    return wh.query("supersessions")


def root(wh: Warehouse) -> dict[str, Any] | None:
    frame = wh.query("root")
    return None if frame.empty else frame.iloc[0].to_dict()


def area_trend(wh: Warehouse, unit_key: str) -> pd.DataFrame:
    return wh.query("area_trend", unit=unit_key)


def services_by_unit(wh: Warehouse, period: str, level: str, most: int | None = None) -> pd.DataFrame:
    """Gives each unit's online services in the period (a half-year or year: its last reported
    quarter): of the `most` units with the most services, if given; units_total counts them all."""
    return wh.query("services_units", period=period, level=level, most=most)


def services_totals(wh: Warehouse) -> pd.DataFrame:
    return wh.query("services_totals")


def completeness(wh: Warehouse) -> pd.DataFrame:
    """Gives who reported per quarter and level, oldest first, with each quarter's 'total' row
    (the sum over its levels) and the totals over every quarter (period None)."""
    return wh.query("completeness", periods=None)


def missing_reports(wh: Warehouse, period: str, level: str | None = None) -> pd.DataFrame:
    return wh.query("missing_reports", periods=[period], level=level)


def load_issues(wh: Warehouse, limit: int = 500) -> pd.DataFrame:
    return wh.query("load_issues", limit=limit)


def catalog_metrics(wh: Warehouse) -> pd.DataFrame:
    return wh.query("catalog_metrics")


def plan_targets(wh: Warehouse) -> pd.DataFrame:
    return wh.query("plan_targets")


# Composite indices (766, DTI) ------------------------------------------------------------------


def index_periods(wh: Warehouse, index: str) -> pd.DataFrame:
    """Gives the periods an index has scores for, newest first (period, version, as_of, units_scored)."""
    frame = wh.query("index_periods", index=index)
    if frame.empty:
        return frame
    order = [parse_code(p).sort_key for p in frame["period"]]
    return frame.assign(_order=order).sort_values("_order", ascending=False).drop(columns="_order").reset_index(drop=True)


def index_level_scores(wh: Warehouse, index: str, period: str, level: str) -> pd.DataFrame:
    return wh.query("index_level_scores", index=index, period=period, level=level)


def index_expected_units(wh: Warehouse, level: str, day) -> int:
    """Gives how many units of a level were active on the day (the units an index should score)."""
    frame = wh.query("index_expected_units", level=level, day=str(day))
    return int(frame["units_expected"].iloc[0]) if not frame.empty else 0


def index_group_breakdown(wh: Warehouse, index: str, period: str, level: str, unit: str | None = None) -> pd.DataFrame:
    return wh.query("index_group_breakdown", index=index, period=period, level=level, unit=unit)


def index_trend(wh: Warehouse, index: str, level: str, unit: str | None = None) -> pd.DataFrame:
    """Gives the index over its periods, oldest first: the unit's score, or the level's mean."""
    frame = wh.query("index_trend", index=index, level=level, unit=unit)
    if frame.empty:
        return frame
    order = [parse_code(p).sort_key for p in frame["period"]]
    return frame.assign(_order=order).sort_values("_order").drop(columns="_order").reset_index(drop=True)


def index_criteria(wh: Warehouse, index: str, version: str, group: str) -> pd.DataFrame:
    return wh.query("index_criteria", index=index, version=version, group=group)


def index_versions(wh: Warehouse, index: str) -> pd.DataFrame:
    return wh.query("index_versions", index=index)


def index_groups_in_force(wh: Warehouse, index: str, day) -> pd.DataFrame:
    return wh.query("index_groups_in_force", index=index, day=str(day))


def index_grade_bands(wh: Warehouse, index: str, version: str) -> pd.DataFrame:
    return wh.query("index_grade_bands", index=index, version=version)


@dataclass(frozen=True)
class Filters:
    """The URL's filters, checked against the warehouse: what a page's layout is a function of."""

    period: str | None
    level: str
    unit: str | None
    plan: str | None
    indicator: str
    lang: str


def resolve_filters(wh: Warehouse, query: dict[str, Any], default_level: str | None = None) -> Filters:
    """Gives the filters from URL values, falling back to the opening period (the latest quarter
    with data whose due date has passed: never an early trickle) and the level that exists in
    it; unknown values are dropped, never an error."""
    from vocab.i18n import norm_lang  # local: i18n is tiny, keeps this module's header short
    from vocab.periods import parse_code, today

    lang = norm_lang(query.get("lang"))
    available = periods(wh)
    codes = list(available["period"])
    period = query.get("period") if query.get("period") in codes else None
    if period is None and codes:
        opening = wh.query("opening_period", today=today().isoformat())
        period = opening["period"].iloc[0] if not opening.empty else None
    if period is None and codes:
        quarters = available[available["period_type"] == "quarter"]
        period = (quarters if not quarters.empty else available)["period"].iloc[0]
    level = query.get("level")
    if level not in ("province", "district", "commune"):
        after_reform = period is not None and parse_code(period).era() == "new"
        level = default_level or ("commune" if after_reform else "district")
    plan_codes = set(plans(wh)["plan_code"])
    plan = query.get("plan") if query.get("plan") in plan_codes else None
    names = indicator_names(wh, lang)
    indicator = query.get("indicator")
    if indicator not in names:
        indicator = "work_records_online_rate" if "work_records_online_rate" in names else next(iter(names), "")
    unit_key = query.get("unit") or None
    return Filters(period=period, level=level, unit=unit_key, plan=plan, indicator=indicator, lang=lang)

