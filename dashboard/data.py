"""The only module that reads the warehouse: the public views, through SQL files in sql/.

Each thread holds one read-only DuckDB connection on the warehouse file and reopens it when
the file changes (the loader may replace it). Query results are cached with flask-caching,
keyed by the file's mtime and size, so a new load is seen at the next request.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

SQL_DIR = Path(__file__).parent / "sql"
SERVICE_METRICS = ("services_level2", "services_level3", "services_level4",
                   "services_full_online", "services_partial_online")
DOSSIER_INDICATORS = ("dossiers_online_rate", "dossiers_on_time_rate")
log = logging.getLogger(__name__)


class WarehouseUnavailable(RuntimeError):
    """The warehouse file is missing or held by a writer longer than we wait."""


class Warehouse:
    """Read access to one warehouse file: per-thread connections and cached queries."""

    def __init__(self, path: str | os.PathLike, cache: Any = None, retries: int = 10, wait: float = 0.2):
        self.path = str(path)
        self.cache = cache
        self.retries = retries
        self.wait = wait
        self._local = threading.local()

    def version(self) -> str:
        """Gives the file's mtime and size: a new load changes it."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError as error:
            raise WarehouseUnavailable(self.path) from error
        return f"{stat.st_mtime_ns}-{stat.st_size}"

    def connection(self) -> duckdb.DuckDBPyConnection:
        """Gives this thread's read-only connection, reopened when the file changed."""
        version = self.version()
        held = getattr(self._local, "held", None)
        if held and held[0] == version:
            return held[1]
        if held:
            _close(held[1])
        con = self._open()
        self._local.held = (version, con)
        return con

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """Gives the rows of sql/<name>.sql with the named parameters, cached per file version."""
        version = self.version()
        key = _cache_key(self.path, version, name, params)
        if self.cache is not None:
            found = self.cache.get(key)
            if found is not None:
                return found
        frame = self._run(name, params)
        if self.cache is not None:
            self.cache.set(key, frame)
        return frame

    def close(self) -> None:
        held = getattr(self._local, "held", None)
        if held:
            _close(held[1])
            self._local.held = None

    def _run(self, name: str, params: dict[str, Any]) -> pd.DataFrame:
        sql = _sql(name)
        for attempt in range(2):
            try:
                return self.connection().execute(sql, params or None).df()
            except duckdb.IOException:
                # The file was replaced under an open connection: reopen once.
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _open(self) -> duckdb.DuckDBPyConnection:
        last: Exception | None = None
        for attempt in range(self.retries):
            try:
                return duckdb.connect(self.path, read_only=True)
            except (duckdb.IOException, duckdb.Error) as error:  # held by the writer
                last = error
                time.sleep(self.wait * (attempt + 1))
        raise WarehouseUnavailable(f"{self.path}: {last}")


# Queries ------------------------------------------------------------------------------------


def periods(wh: Warehouse) -> pd.DataFrame:
    """Gives the periods with data, newest first (period, period_type, label_vi, label_en, ...)."""
    return wh.query("periods")


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


def unit_progress(wh: Warehouse, period: str, level: str, parent: str | None = None) -> pd.DataFrame:
    """Gives each unit of a level against its target in a period (only under parent, if given)."""
    return wh.query("target_progress", period=period, level=level, parent=parent)


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


def unit_children(wh: Warehouse, unit_key: str, period: str) -> pd.DataFrame:
    return wh.query("unit_children", unit=unit_key, period=period)


def unit_trend(wh: Warehouse, unit_key: str) -> pd.DataFrame:
    return wh.query("unit_trend", unit=unit_key)


def unit_submissions(wh: Warehouse, unit_key: str) -> pd.DataFrame:
    return wh.query("unit_submissions", unit=unit_key)


def root(wh: Warehouse) -> dict[str, Any] | None:
    frame = wh.query("root")
    return None if frame.empty else frame.iloc[0].to_dict()


def area_trend(wh: Warehouse, unit_key: str) -> pd.DataFrame:
    return wh.query("area_trend", unit=unit_key)


def services_by_unit(wh: Warehouse, quarter: str, level: str) -> pd.DataFrame:
    return wh.query("services_units", period=quarter, level=level)


def services_totals(wh: Warehouse) -> pd.DataFrame:
    return wh.query("services_totals")


def completeness(wh: Warehouse) -> pd.DataFrame:
    """Gives who reported per level and quarter, oldest first."""
    return wh.query("completeness")


def missing_reports(wh: Warehouse, period: str, level: str | None = None) -> pd.DataFrame:
    return wh.query("missing_reports", period=period, level=level)


def load_issues(wh: Warehouse, limit: int = 500) -> pd.DataFrame:
    return wh.query("load_issues", limit=limit)


def catalog_metrics(wh: Warehouse) -> pd.DataFrame:
    return wh.query("catalog_metrics")


def plan_targets(wh: Warehouse) -> pd.DataFrame:
    return wh.query("plan_targets")


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
    from dashboard.i18n import norm_lang  # local: i18n is tiny, keeps this module's header short
    from etl.periods import parse_code, today

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


# Helpers ------------------------------------------------------------------------------------


@cache
def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _cache_key(path: str, version: str, name: str, params: dict[str, Any]) -> str:
    text = json.dumps([path, version, name, params], sort_keys=True, default=str)
    return "govkpi:" + hashlib.sha1(text.encode()).hexdigest()


def _close(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.close()
    except duckdb.Error:
        log.warning("closing a stale warehouse connection failed", exc_info=True)
