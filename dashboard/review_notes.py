"""What review adds to the pages: the comments on figures (unit × indicator × period), the
banner of a locked period, and how many submissions wait for review. All read from the
published warehouse, so the pages that show them stay functions of the URL and its version."""
from __future__ import annotations

import pandas as pd
from dash import html

from vocab.i18n import t
from vocab.vnformat import fmt_int


def comments_list(rows: pd.DataFrame, names: dict[str, str], lang: str, with_unit: bool = False,
                  ident: str | None = None) -> html.Div:
    """The comments of `rows` (unit_comments.sql or period_comments.sql); nothing when none."""
    extra = {"id": ident} if ident else {}
    if rows.empty:
        return html.Div(**extra)
    items = [html.Li([html.Strong((f"{r.unit_name}: " if with_unit else names.get(r.indicator_code, r.indicator_code) + ": ")),
                      str(r.text), html.Span(f" — {r.author}, {pd.Timestamp(r.written_at):%d/%m/%Y}", className="muted")])
             for r in rows.itertuples()]
    return html.Div([html.H3(t("comments_title", lang), className="section-subtitle"), html.Ul(items)],
                    className="comments", **extra)


def locked_banner(wh, period: str | None, lang: str) -> html.Div | None:
    """'Số liệu đã chốt ngày dd/mm/yyyy' while the period (or its half-year or year) is locked."""
    if not period:
        return None
    rows = wh.query("period_lock", period=period)
    if rows.empty:
        return None
    day = pd.Timestamp(rows.iloc[0]["locked_on"])
    return html.Div(t("locked_banner", lang, date=f"{day:%d/%m/%Y}"), className="note locked-banner",
                    id="locked-banner", role="status")


def waiting_note(wh, period: str | None, lang: str) -> html.Div | None:
    """How many submissions wait for review, while review is required (nothing when it is off)."""
    row = wh.query("review_waiting", period=None).iloc[0]
    if row["review"] != "required":
        return None
    return html.Div(t("review_waiting", lang, count=fmt_int(int(row["waiting"]), lang)), className="note",
                    id="review-waiting", role="status")
