"""Display tables: a view's frame turned into translated headers and Vietnamese-formatted cells.
What the grid shows is what its CSV holds."""
from __future__ import annotations


from datetime import date, datetime
from typing import Any, Callable

import pandas as pd

from vocab.levels import STATUS_NAMES, level_name
from vocab.i18n import t
from vocab.periods import parse_code
from vocab.vnformat import fmt_date, fmt_fixed, fmt_int, fmt_pct


def display(frame: pd.DataFrame | list[dict], columns: dict[str, tuple[str, str]], lang: str) -> pd.DataFrame:
    """Gives frame's columns (key → (i18n header key, kind)) formatted for people; the rows may
    also be plain dicts (a list, as chart_style.records gives them).
    kinds: text, int, pct, date, period, level, status."""
    out = {}
    headers = [t(header, lang) for header, _ in columns.values()]
    assert len(set(headers)) == len(headers), f"two columns share a header: {headers}"  # one would hide the other
    for column, (header, kind) in columns.items():
        if isinstance(frame, list):
            if not frame or column not in frame[0]:
                continue
            values = [row[column] for row in frame]
        elif column not in frame:
            continue
        else:
            values = frame[column].tolist()  # plain values: iterating an arrow column is ~10× slower
        out[t(header, lang)] = [_FORMATS[kind](value, lang) for value in values]
    return pd.DataFrame(out)


def _text(value: Any, lang: str) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _int(value: Any, lang: str) -> str:
    return fmt_int(None if pd.isna(value) else value, lang)


def _coord(value: Any, lang: str) -> str:
    """A latitude or longitude the way the language writes decimals: 13,7843 (vi), 13.7843 (en)."""
    if value is None or pd.isna(value):
        return ""
    return fmt_fixed(float(value), 4, lang)


def _pct(value: Any, lang: str) -> str:
    return fmt_pct(None if value is None or pd.isna(value) else float(value), lang)


def _date(value: Any, lang: str) -> str:
    if value is None or pd.isna(value):  # NaT passes isinstance(…, datetime): test it first
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        value = value.date()
    return fmt_date(value, lang)


def _period(value: Any, lang: str) -> str:
    try:
        return parse_code(str(value)).label(lang)
    except ValueError:
        return _text(value, lang)


def _level(value: Any, lang: str) -> str:
    return level_name(value, lang, capitalise=True) if value in ("province", "district", "commune") else _text(value, lang)


def _status(value: Any, lang: str) -> str:
    return STATUS_NAMES[lang].get(value, STATUS_NAMES[lang]["no_data"]) if isinstance(value, str) else STATUS_NAMES[lang]["no_data"]


def submission_status(status: object, lang: str) -> str:
    """A submission's state in the reader's language ('accepted' → 'Đã tiếp nhận')."""
    key = f"submission_{status}"
    try:
        return t(key, lang)
    except KeyError:
        return "" if status is None else str(status)


_FORMATS: dict[str, Callable[[Any, str], str]] = {
    "text": _text, "int": _int, "pct": _pct, "date": _date, "period": _period, "level": _level,
    "status": _status, "coord": _coord,
}
