"""The URL's filters checked against the chosen period, with a sentence for each one that was
dropped or replaced: a committee must see why the page shows something other than what the
link asked for, never a silent substitute or a false "no data"."""
from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pandas as pd

from dashboard import data
from dashboard.data import Filters, Warehouse
from vocab.i18n import t
from vocab.levels import level_name
from vocab.periods import parse_code


def checked_filters(wh: Warehouse, query: dict[str, Any]) -> tuple[Filters, list[str]]:
    """Gives the page's filters and the notices for what the URL asked but the period cannot
    show: a malformed or unknown period, a level or parent unit of the other era, an unknown unit."""
    f = data.resolve_filters(wh, query)
    lang = f.lang
    notices: list[str] = []
    if f.period is None:
        return f, notices
    period = parse_code(f.period)
    label = period.label(lang)
    asked = query.get("period")
    if asked not in (None, "") and asked != f.period:
        try:
            parse_code(str(asked))
            notices.append(t("filter_unknown_period", lang, value=asked, period=label))
        except ValueError:
            notices.append(t("filter_bad_period", lang, value=asked, period=label))
    if f.level == "district" and period.era() == "new":
        notices.append(t("filter_level_other_era", lang, level=level_name("district", lang, capitalise=lang == "vi"),
                         period=label, shown=level_name("commune", lang)))
        f = dataclasses.replace(f, level="commune", unit=None)
    if f.unit:
        f, notice = _checked_unit(wh, f, period.start, period.end, label)
        if notice:
            notices.append(notice)
    return f, notices


def _checked_unit(wh: Warehouse, f: Filters, start: date, end: date, label: str) -> tuple[Filters, str | None]:
    info = data.unit(wh, f.unit)
    if info is None:
        return dataclasses.replace(f, unit=None), t("filter_unknown_unit", f.lang, value=f.unit)
    if not unit_exists_in(info, start, end):
        return dataclasses.replace(f, unit=None), t("filter_unit_other_era", f.lang, unit=info["unit_name"], period=label)
    return f, None


def unit_exists_in(info: dict[str, Any], start: date, end: date) -> bool:
    """Tells whether a unit's directory row is valid on some day of [start, end]."""
    return pd.Timestamp(info["valid_from"]).date() <= end and pd.Timestamp(info["valid_to"]).date() >= start
