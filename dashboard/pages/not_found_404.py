"""The page for an address the dashboard does not have, in the URL's language (Dash shows it
instead of its English "404 - Page not found")."""
from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboard.app import NAV
from dashboard.components import site_path
from vocab.i18n import norm_lang, t

dash.register_page(__name__, path="/404", title="Không tìm thấy trang / Page not found")


def layout(**query: Any) -> html.Div:
    lang = norm_lang(query.get("lang"))
    suffix = "?lang=en" if lang == "en" else ""
    links = [html.Li(dcc.Link(t(key, lang), href=site_path(path) + suffix)) for path, key in NAV]
    return html.Div([
        html.H1(t("not_found_title", lang), className="page-title"),
        html.P(t("not_found_text", lang), className="note note-muted", role="status"),
        html.Ul(links, className="not-found-links"),
    ], className="page not-found")
