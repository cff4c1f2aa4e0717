"""Production serving: the dashboard's Flask server under gunicorn, several worker processes,
behind a reverse proxy at a URL prefix.

Each worker builds its own app after the fork (no preloading), so no worker shares a DuckDB
connection or a cache with another, and nothing is read at import."""
from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix

THREADS_PER_WORKER = 4  # a page asks several callbacks at once; DuckDB reads release the GIL
TIMEOUT_S = 120  # the exports (a deck, a PDF) take tens of seconds on a busy machine


def normalise_prefix(prefix: str | None) -> str:
    """Gives the URL prefix as '/kpi' ('' for none): one leading slash, no trailing one."""
    stripped = (prefix or "").strip().strip("/")
    return f"/{stripped}" if stripped else ""


def production_app(db_path: str, prefix: str = "") -> Any:
    """Gives the WSGI app: the dashboard answering under `prefix`, trusting one proxy's
    X-Forwarded-For/-Proto/-Host (so redirects and logged addresses are the client's)."""
    from dashboard.app import create_app, ready_to_serve

    prefix = normalise_prefix(prefix)
    app = create_app(db_path, prefix=prefix + "/", production=True)
    wsgi: Any = app.server.wsgi_app
    if prefix:
        # Answer at /kpi/… whether the proxy passes the prefix on (nginx `proxy_pass` without a
        # URI) or a client calls gunicorn directly; anything outside the prefix is 404.
        wsgi = DispatcherMiddleware(NotFound(), {prefix: wsgi})
    app.server.wsgi_app = ProxyFix(wsgi, x_for=1, x_proto=1, x_host=1)
    ready_to_serve(app)  # in each worker: gunicorn loads the app there (preload_app off)
    return app.server


class DashboardServer(BaseApplication):
    """gunicorn, configured in Python (no config file), loading the app in each worker."""

    def __init__(self, db_path: str, host: str, port: int, workers: int, prefix: str = "",
                 options: dict[str, Any] | None = None) -> None:
        self.db_path = db_path
        self.prefix = prefix
        self.options = {"bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread",
                        "threads": THREADS_PER_WORKER, "timeout": TIMEOUT_S, "graceful_timeout": 10,
                        "accesslog": "-", "errorlog": "-", "preload_app": False,
                        # several servers on one machine (tests, a staging copy) must not share ~/.gunicorn's socket
                        "control_socket_disable": True, **(options or {})}
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # e.g. control_socket_disable exists from gunicorn 27 on
                self.cfg.set(key, value)

    def load(self) -> Any:
        return production_app(self.db_path, self.prefix)


def serve_production(db_path: str, host: str = "127.0.0.1", port: int = 8050, workers: int = 2,
                     prefix: str = "") -> None:
    """Runs gunicorn until it is stopped (SIGTERM or Ctrl-C)."""
    DashboardServer(db_path, host, port, workers, prefix).run()
