"""`govkpi serve --host`: this PC only by default (127.0.0.1); the option is passed through to
the server, which answers on that address. One desk is served by a production WSGI server
(waitress), never by Flask's development server."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

GOVKPI = str(Path(sys.executable).with_name("govkpi"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_listens_on_the_host_given_and_answers_the_overview(demo_db):
    port = free_port()
    server = subprocess.Popen([GOVKPI, "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(demo_db)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        status, server_header, deadline = None, None, time.monotonic() + 90
        while status is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                    status, server_header = response.status, response.headers["Server"]
            except OSError:
                time.sleep(0.5)
        assert status == 200, server.stderr.read() if server.poll() is not None else "no answer"
    finally:
        server.terminate()
        server.wait(timeout=30)
    said = server.stderr.read() + server.stdout.read()
    assert f"http://127.0.0.1:{port}" in said
    # waitress names itself by our ident; Werkzeug's development server says "Werkzeug/…" and warns
    assert server_header == "govkpi"
    assert "development server" not in said
    assert server.returncode == 0  # a SIGTERM stops the server cleanly, the writer child with it


def test_serve_documents_its_host_option():
    done = subprocess.run([GOVKPI, "serve", "--help"], capture_output=True, text=True)
    assert "--host" in done.stdout and "127.0.0.1" in done.stdout and "0.0.0.0" in done.stdout
