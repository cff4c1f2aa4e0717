"""The Dash app factory: the shell (header, navigation, language switch), the pages, and the
few thin callbacks that turn filters and clicks into URLs. Pages are functions of the URL."""
from __future__ import annotations

import gc
import logging
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import dash
import waitress
from dash import ALL, MATCH, Input, Output, State, ctx, dcc, html, no_update
from flask_caching import Cache

from dashboard import ids, review_api  # noqa: F401  (review_api's routes join the API blueprint before it is mounted)
from dashboard.api import register_api
from dashboard.auth import LOGOUT_PATH, auth_enabled, current_user, setup_auth
from dashboard.components import FILTERS_RENDERED, app_path, site_path
from dashboard.data import Warehouse, warm
from dashboard.downloads import register_downloads
from dashboard.reviews import PAGE_PATH as REVIEW_PATH, register_reviews
from dashboard.evidence import register_evidence
from dashboard.dti_forms import register_dti_forms
from dashboard.uploads import PAGE_PATH as UPLOAD_PATH, register_uploads
from ops.accounts import UPLOAD_ROLES, may_review
from ops.store import ops_path
from vocab.i18n import norm_lang, t
from vocab.vnformat import load_locale_data

HERE = Path(str(files("dashboard")))
NAV = [("/", "nav_overview"), ("/chi-tieu", "nav_targets"), ("/don-vi", "nav_units"),
       ("/dich-vu-cong", "nav_services"), ("/chi-so", "nav_indices"),
       ("/bao-cao", "nav_reporting"), ("/danh-muc", "nav_catalog")]
UPLOAD_NAV = (UPLOAD_PATH, "nav_upload")  # shown only to the roles that may upload
REVIEW_NAV = (REVIEW_PATH, "nav_review")  # shown only to reviewers and admins
AUDIT_NAV = ("/nhat-ky", "nav_audit")     # shown only to admins
KEPT_ACROSS_PAGES = ("lang", "period", "plan")
DRILL_CHARTS = {ids.UNITS_RANKING, ids.UNITS_HEATMAP, ids.UNITS_MAP, ids.UNIT_CHILDREN}
log = logging.getLogger(__name__)
# A page asks several callbacks at once and an export holds its thread for a second or two;
# DuckDB releases the GIL while it reads.
LOCAL_THREADS = 8


def create_app(db_path: str, prefix: str = "/", ops_db: str | None = None, production: bool = False) -> dash.Dash:
    """Gives the dashboard app reading the warehouse at db_path (read-only, reopened on change),
    with accounts from ops_db (default: the ops file beside the warehouse); `prefix` ('/kpi/'
    behind a proxy, see dashboard.serving) is where browsers ask for it."""
    app = dash.Dash(
        __name__,
        requests_pathname_prefix=prefix,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        suppress_callback_exceptions=True,  # pages come and go; their layouts need the database
        title=t("app_title"),
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    cache = Cache(app.server, config={"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 3600,
                                      "CACHE_THRESHOLD": 2000})
    reader = Warehouse(db_path, cache=cache)
    reader.prepare()  # its spare DuckDB instances, and babel's data, as the server starts, not on its first page
    app.server.config["GOVKPI_WAREHOUSE"] = reader
    load_locale_data()
    setup_auth(app, str(ops_db or ops_path(db_path)), production=production)
    register_downloads(app.server, db_path)
    register_api(app.server)
    register_uploads(app.server, db_path)
    register_reviews(app.server)
    register_evidence(app.server, db_path)
    register_dti_forms(app.server)
    app.layout = shell
    register_callbacks(app)
    return app


def serve(db_path: str, port: int = 8050, host: str = "127.0.0.1", ops_db: str | None = None) -> None:
    """Serves the dashboard on host:port (this PC only by default; 0.0.0.0 for the office network)
    under waitress, a production WSGI server that runs in this process on threads (gunicorn forks
    workers): the warm LibreOffice and the prebuilt exports started beside it stay this server's
    own (waitress also runs on Windows, gunicorn does not). Returns when the process is told to stop."""
    app = create_app(db_path, ops_db=ops_db)
    ready_to_serve(app)
    waitress.serve(app.server, host=host, port=port, threads=LOCAL_THREADS, ident="govkpi")


def ready_to_serve(app: dash.Dash) -> None:
    """A serving process calls this once its app is made, before its first request: it reads
    what every page reads whatever its filters (dashboard.data.warm: ~20 ms of a national
    warehouse's first page, measured), then freezes the start-up heap with those reads in it."""
    warm(app.server.config["GOVKPI_WAREHOUSE"])
    _freeze_start_heap()


def _freeze_start_heap() -> None:
    """What exists once the app is made (modules, the app, its pages) lives as long as the
    process, so it is taken out of the garbage collector's full passes (gc.freeze), which walked
    all of it (~170,000 objects) and paused the request that set one off by up to 120 ms
    (measured on /don-vi after a load; 23 ms once frozen). The garbage made so far is collected
    first, not frozen with it."""
    gc.collect()
    gc.freeze()


def shell() -> html.Div:
    """Gives the frame around every page; its links are filled in from the URL."""
    return html.Div([
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        html.Header([
            html.Div(t("app_title"), id=ids.APP_TITLE, className="app-title"),
            html.Nav(nav_links("/", ""), id=ids.NAV, className="nav"),
            dcc.Link(t("switch_lang"), id=ids.LANG_LINK, href=site_path("/") + "?lang=en", className="lang-link"),
            account_menu(),
        ], className="header"),
        html.Div(open_banner(), id=ids.OPEN_BANNER, className="open-banner", role="alert"),
        html.Main(dash.page_container, className="main"),
    ], className="app")


def account_menu() -> html.Form | None:
    """The signed-in user's name and a sign-out button (a POST carrying the CSRF token)."""
    from flask import has_request_context
    from flask_wtf.csrf import generate_csrf

    user = current_user() if has_request_context() else None
    if user is None:
        return None
    return html.Form([
        html.Span(f"{user.name} ({user.role})", className="account-name"),
        dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
        html.Button(t("logout"), type="submit", className="logout-button"),
    ], method="POST", action=site_path(LOGOUT_PATH), className="account")


def nav_links(pathname: str, search: str) -> list[Any]:
    """Gives the navigation links, keeping the language, period and plan of the current URL."""
    query = dict(parse_qsl((search or "").lstrip("?")))
    lang = norm_lang(query.get("lang"))
    kept = urlencode({k: v for k, v in query.items() if k in KEPT_ACROSS_PAGES})
    pathname = app_path(pathname)
    links = []
    # A reporter's main task comes second, so it shows even when the menu scrolls on a laptop.
    for path, key in NAV[:1] + ([UPLOAD_NAV] if _may_upload() else []) + NAV[1:] + _review_nav():
        active = pathname == path or (path != "/" and (pathname or "").startswith(path))
        links.append(dcc.Link(t(key, lang), href=site_path(path) + (f"?{kept}" if kept else ""),
                              className="nav-link active" if active else "nav-link"))
    return links


def _review_nav() -> list[tuple[str, str]]:
    from flask import has_request_context

    user = current_user() if has_request_context() else None
    return ([REVIEW_NAV] if may_review(user) else []) + ([AUDIT_NAV] if user is not None and user.role == "admin" else [])


def _may_upload() -> bool:
    from flask import has_request_context

    user = current_user() if has_request_context() else None
    return user is not None and user.role in UPLOAD_ROLES


def open_banner(lang: str = "vi") -> str | None:
    """The warning shown while sign-in is off (no users, no --production)."""
    from flask import has_request_context

    return t("open_banner", lang) if has_request_context() and not auth_enabled() else None


def with_filters(search: str, changes: dict[str, Any]) -> str:
    """Gives the query string with the changed filters set (None or '' removes one)."""
    query = dict(parse_qsl((search or "").lstrip("?")))
    for name, value in changes.items():
        if value in (None, "", []):
            query.pop(name, None)
        else:
            query[name] = str(value)
    return "?" + urlencode(query) if query else ""


def unit_href(unit_key: str, search: str) -> str:
    """Gives the unit page's address, keeping language, period and indicator."""
    query = dict(parse_qsl((search or "").lstrip("?")))
    kept = urlencode({k: v for k, v in query.items() if k in ("lang", "period", "indicator")})
    return site_path(f"/don-vi/{quote(unit_key, safe=':')}") + (f"?{kept}" if kept else "")


def clicked_unit(click: dict | None) -> str | None:
    """Gives the unit_key a chart click carries (ranking: customdata[0]; heatmap: customdata)."""
    try:
        point = click["points"][0]
    except (TypeError, KeyError, IndexError):
        return None
    data = point.get("customdata")
    if isinstance(data, list):
        data = data[0] if data else None
    return data if isinstance(data, str) and data else None


def register_callbacks(app: dash.Dash) -> None:
    """Adds the shell's callbacks: navigation and language, filters → URL, clicks → unit page, CSV."""

    @app.callback(
        Output(ids.NAV, "children"), Output(ids.LANG_LINK, "href"), Output(ids.LANG_LINK, "children"),
        Output(ids.APP_TITLE, "children"), Output(ids.OPEN_BANNER, "children"),
        Input(ids.URL, "pathname"), Input(ids.URL, "search"),
    )
    def update_shell(pathname: str, search: str):
        lang = norm_lang(dict(parse_qsl((search or "").lstrip("?"))).get("lang"))
        other = "en" if lang == "vi" else "vi"
        return (nav_links(pathname, search), (pathname or "/") + with_filters(search, {"lang": other}),
                t("switch_lang", lang), t("app_title", lang), open_banner(lang))

    @app.callback(
        Output(ids.URL, "search"),
        Input({"type": ids.FILTER, "name": ALL}, "value"),
        State({"type": ids.FILTER, "name": ALL}, "id"),
        State(ids.URL, "search"),
        State({"type": FILTERS_RENDERED, "name": ALL}, "data"),
        prevent_initial_call=True,
    )
    def filters_to_url(values: list, idents: list[dict], search: str, rendered: list | None = None):
        changes = {ident["name"]: value for ident, value in zip(idents, values)}
        drawn = (rendered or [None])[0] or {}
        # Only what the user changed: dropdowns mounting with the page's resolved values must not
        # rewrite an invalid or dropped filter out of the URL before its notice is read.
        changes = {name: value for name, value in changes.items() if name not in drawn or drawn[name] != value}
        if not changes:
            return no_update
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and trigger.get("name") == "level":
            changes["unit"] = None  # a parent of another level means nothing
        new = with_filters(search, changes)
        return no_update if new == (search or "") else new

    @app.callback(
        Output(ids.URL, "href"),
        Input({"type": ids.CHART, "index": ALL}, "clickData"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def open_unit(clicks: list, search: str):
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or trigger.get("index") not in DRILL_CHARTS:
            return no_update
        click = ctx.triggered[0]["value"] if ctx.triggered else None
        key = clicked_unit(click)
        return unit_href(key, search) if key else no_update

    app.clientside_callback(
        "function(n) { return n > 0; }",
        Output({"type": ids.GRID, "index": MATCH}, "exportDataAsCsv"),
        Input({"type": ids.CSV_BUTTON, "index": MATCH}, "n_clicks"),
        prevent_initial_call=True,
    )
