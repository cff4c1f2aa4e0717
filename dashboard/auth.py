"""Sign-in for the dashboard: Flask-Login sessions in Flask's signed cookie, API tokens, CSRF on
every state-changing request, limits on failed logins, and the gate in front of every route.

Authentication is on when the ops file has users or the server runs with --production; with
neither, the dashboard stays open as before, behind a banner. Roles and who may do what live in
ops/accounts.py; this module only applies them to requests."""
from __future__ import annotations

import json
import time
from html import escape
from typing import Iterable
from urllib.parse import urlencode

import dash
import flask_login
from flask import Flask, Response, abort, current_app, g, redirect, request, session
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

from ops import accounts
from ops.accounts import User
from ops.store import setting
from vocab.i18n import norm_lang, t

LOGIN_PATH = "/dang-nhap"
LOGOUT_PATH = "/dang-xuat"
PUBLIC_PATHS = (LOGIN_PATH, LOGOUT_PATH)
# Routes that are not pages: without a login they answer 401, never a redirect to a form.
NOT_PAGES = ("/_dash-", "/_reload-hash", "/_favicon", "/assets/", "/tai-ve/", "/api/", "/nop-bao-cao/")
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
FAILED_LOGINS_PER_ADDRESS = "10 per minute; 50 per hour"
CSRF_COOKIE = "_csrf_token"  # dash-renderer sends this cookie back as the X-CSRFToken header
_ENABLED_TTL_S = 2.0


class SessionUser(flask_login.UserMixin):
    """What Flask-Login keeps: the session key (name and password fingerprint) and the user."""

    def __init__(self, key: str, user: User):
        self.key, self.user = key, user

    def get_id(self) -> str:
        return self.key


def setup_auth(app: dash.Dash, ops_db: str, production: bool = False) -> None:
    """Puts sign-in, CSRF and the limits in front of every route of the app's Flask server."""
    server: Flask = app.server
    server.secret_key = setting(ops_db, "flask_secret_key", lambda: __import__("secrets").token_hex(32))
    server.config.update(
        GOVKPI_OPS_DB=ops_db, GOVKPI_PRODUCTION=production, GOVKPI_DASH_APP=app,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=production,
        REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_SECURE=production,
        # The gate below calls csrf.protect() itself, so it can let Bearer-token calls through.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session that holds it
    )
    manager = flask_login.LoginManager(server)
    manager.session_protection = "basic"

    @manager.user_loader
    def load(key: str) -> SessionUser | None:
        user = accounts.user_for_session_key(ops_db, key)
        return SessionUser(key, user) if user else None

    # The gate is registered before CSRFProtect and the limiter, so an anonymous request gets
    # 401 (or the sign-in page) before anything else looks at it.
    server.before_request(_gate)
    csrf = CSRFProtect(server)
    limiter = Limiter(get_remote_address, app=server, storage_uri="memory://", default_limits=[])
    server.extensions["govkpi_csrf"] = csrf

    @server.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> Response:
        return _text(t("csrf_failed", _lang()), 400)

    @server.errorhandler(RateLimitExceeded)
    def too_many(error: RateLimitExceeded) -> Response:
        return _login_page(_lang(), t("login_too_many", _lang()), 429)

    @limiter.limit(FAILED_LOGINS_PER_ADDRESS, methods=["POST"],
                   deduct_when=lambda response: response.status_code != 302)  # only failures count
    def login() -> Response:
        lang = _lang()
        if request.method == "GET":
            return _login_page(lang, None, 200)
        name = accounts.norm_name(request.form.get("name", ""))
        until = accounts.locked_until(ops_db, name)
        if until is not None:
            return _login_page(lang, t("login_locked", lang, minutes=max(1, round((until - time.time()) / 60))), 401)
        user = accounts.check_password(ops_db, name, request.form.get("password", ""))
        if user is None:
            until = accounts.locked_until(ops_db, name)
            message = (t("login_locked", lang, minutes=max(1, round((until - time.time()) / 60)))
                       if until else t("login_failed", lang))
            return _login_page(lang, message, 401)
        session.clear()  # a new session at login: nothing set before it (fixation) survives
        flask_login.login_user(SessionUser(accounts.session_key(ops_db, user.name), user))
        g.govkpi_user = user  # so the redirect already carries the new session's CSRF cookie
        return redirect(request.script_root + _safe_next(request.args.get("next")), 302)

    def logout() -> Response:
        flask_login.logout_user()
        session.clear()
        return redirect(request.script_root + LOGIN_PATH + ("?lang=en" if _lang() == "en" else ""), 302)

    server.add_url_rule(LOGIN_PATH, "govkpi_login", login, methods=["GET", "POST"])
    server.add_url_rule(LOGOUT_PATH, "govkpi_logout", logout, methods=["POST"])
    server.after_request(_csrf_cookie)


def auth_enabled(app: Flask | dash.Dash | None = None) -> bool:
    """Is sign-in required? With --production, or as soon as the ops file has a user (checked
    every few seconds, so `govkpi user add` closes a running open server)."""
    server = getattr(app, "server", app) or current_app
    if server.config.get("GOVKPI_PRODUCTION"):
        return True
    ops_db = server.config.get("GOVKPI_OPS_DB")
    if ops_db is None:
        return False
    cached = server.config.get("_GOVKPI_ENABLED")
    if cached and time.monotonic() - cached[1] < _ENABLED_TTL_S:
        return cached[0]
    enabled = accounts.has_users(ops_db)
    server.config["_GOVKPI_ENABLED"] = (enabled, time.monotonic())
    return enabled


def current_user() -> User | None:
    """Gives the signed-in user of this request: a Bearer token, else the session; or None."""
    if "govkpi_user" in g:
        return g.govkpi_user
    ops_db = current_app.config.get("GOVKPI_OPS_DB")
    user, via_token = None, False
    header = request.headers.get("Authorization", "")
    if ops_db and header[:7].lower() == "bearer ":
        user, via_token = accounts.user_for_token(ops_db, header[7:].strip()), True
    elif ops_db:
        session_user = flask_login.current_user
        user = session_user.user if session_user and session_user.is_authenticated else None
    g.govkpi_user, g.govkpi_via_token = user, via_token
    return user


def require(roles: Iterable[str] | None = None, unit: str | None = None) -> User:
    """Gives the current user, or stops the request: 401 without a login, 403 when the role is not
    among roles or (for a reporter) the unit_key is not one of theirs. Applies in open mode too:
    nobody changes data anonymously."""
    user = current_user()
    if user is None:
        abort(_text(t("need_login", _lang()), 401))
    if (roles is not None and user.role not in tuple(roles)) or (
            unit is not None and user.role == "reporter" and unit not in user.units):
        abort(_text(t("forbidden", _lang()), 403))
    return user


def _gate() -> Response | None:
    """Runs before every route: sign-in when required, then CSRF on state-changing requests."""
    enabled = auth_enabled()
    path = request.path
    user = current_user()
    if enabled and user is None and path not in PUBLIC_PATHS:
        if request.method == "GET" and not path.startswith(NOT_PAGES):
            query = {"next": request.full_path.rstrip("?")}
            if _lang() == "en":
                query["lang"] = "en"
            # Paths here are the app's own (behind --prefix the browser's have request.script_root before them).
            return redirect(f"{request.script_root}{LOGIN_PATH}?{urlencode(query)}", 302)
        return _text(t("need_login", _lang()), 401)
    if request.method in STATE_CHANGING and not g.get("govkpi_via_token"):
        # Bearer-token calls skip CSRF: a browser never attaches that header by itself.
        # Dash callbacks (/_dash-update-component) change no state today (they turn filters into
        # URLs and read the warehouse), so in open mode, with no identity to abuse, they go
        # unchecked; once sign-in is on they are checked too: dash-renderer sends the
        # _csrf_token cookie back as X-CSRFToken. State changes (uploads, reviews) belong in
        # Flask routes, never in a Dash callback.
        if enabled or not path.endswith("/_dash-update-component"):
            current_app.extensions["govkpi_csrf"].protect()
    return None


def _csrf_cookie(response: Response) -> Response:
    """Gives signed-in browsers the CSRF token in a cookie script can read, for Dash's callbacks."""
    if (response.mimetype in ("text/html", "application/json") and not g.get("govkpi_via_token")
            and g.get("govkpi_user") is not None):
        production = current_app.config.get("GOVKPI_PRODUCTION", False)
        response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Lax", secure=production, httponly=False)
    return response


def _lang() -> str:
    return norm_lang(request.args.get("lang"))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _text(message: str, status: int) -> Response:
    if request.path.startswith("/api/"):  # machines read the API's error shape (dashboard/api.py)
        body = {"error": {"code": {400: "bad_request", 401: "unauthorized", 403: "forbidden"}.get(status, "error"),
                          "message": message}}
        return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    return Response(message, status=status, mimetype="text/plain; charset=utf-8")


def _login_page(lang: str, message: str | None, status: int) -> Response:
    """The sign-in page: self-contained (no asset behind the gate), Vietnamese unless ?lang=en."""
    other = "en" if lang == "vi" else "vi"
    query = urlencode({k: v for k, v in {"next": request.args.get("next"), "lang": lang if lang == "en" else None}.items() if v})
    switch = urlencode({k: v for k, v in {"next": request.args.get("next"), "lang": other}.items() if v})
    error = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
    body = f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(t("login_title", lang))} · {escape(t("app_title", lang))}</title>
<style>body{{font-family:"Be Vietnam Pro","Segoe UI","DejaVu Sans",Arial,sans-serif;background:#f5f6f8;margin:0}}
header{{background:#0b3d6e;color:#fff;padding:.6rem 1.2rem;font-weight:700;display:flex;justify-content:space-between}}
header a{{color:#fff}}form{{max-width:22rem;margin:3rem auto;background:#fff;padding:1.5rem;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.1)}}
label{{display:block;margin:.8rem 0 .2rem}}input{{width:100%;padding:.45rem;font-size:1rem;box-sizing:border-box}}
button{{margin-top:1.2rem;padding:.5rem 1.2rem;font-size:1rem;background:#0b3d6e;color:#fff;border:0;border-radius:4px}}
.error{{color:#a33a00;background:#fdeee8;padding:.5rem;border-radius:4px}}</style></head>
<body><header><span>{escape(t("app_title", lang))}</span><a href="{escape(request.script_root)}{LOGIN_PATH}?{escape(switch)}">{escape(t("switch_lang", lang))}</a></header>
<form method="post" action="{escape(request.script_root)}{LOGIN_PATH}{'?' + escape(query) if query else ''}"><h1>{escape(t("login_title", lang))}</h1>{error}
<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">
<label for="name">{escape(t("login_name", lang))}</label><input id="name" name="name" autocomplete="username" required autofocus>
<label for="password">{escape(t("login_password", lang))}</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">{escape(t("login_submit", lang))}</button></form></body></html>"""
    return Response(body, status=status, mimetype="text/html; charset=utf-8")
