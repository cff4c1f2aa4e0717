"""One click from the dashboard to the meeting deck and the reports: /tai-ve/<kind>?period=…
builds the export from the same views the pages read and sends it as a file."""
from __future__ import annotations

import io
import tempfile
from pathlib import Path

from dash import html
from flask import Flask, Response, request, send_file

from vocab.i18n import norm_lang, t
from vocab.periods import parse_code

KINDS = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
LABELS = {"pptx": "download_pptx", "xlsx": "download_xlsx", "docx": "download_docx", "pdf": "download_pdf"}


def register_downloads(server: Flask, db_path: str) -> None:
    """Adds the download route to the dashboard's Flask server."""

    @server.route("/tai-ve/<kind>")
    def download(kind: str) -> Response:
        from exports import NoData, export, written_in

        lang = norm_lang(request.args.get("lang"))
        if kind not in KINDS:
            return Response(t("download_bad_kind", lang), status=404, mimetype="text/plain; charset=utf-8")
        try:
            period = parse_code(request.args.get("period", "")).code
        except ValueError as error:
            return Response(str(error), status=400, mimetype="text/plain; charset=utf-8")
        with tempfile.TemporaryDirectory(prefix="govkpi-export-") as folder:
            name = f"govkpi_{period}.{kind}"
            try:
                path = export(kind, period, db_path, str(Path(folder) / name), lang)
            except NoData as error:  # an empty period: a page that says so, not a raw 500
                return _page(t("download_no_data_title", lang), str(error), lang, 404)
            except RuntimeError as error:  # LibreOffice (ToolMissing) or Chromium missing: the message says how to install
                return Response(str(error), status=503, mimetype="text/plain; charset=utf-8")
            content = io.BytesIO(Path(path).read_bytes())
        _record_export(kind, period, name, written_in(kind, lang))
        return send_file(content, mimetype=KINDS[kind], as_attachment=True, download_name=name)


def _record_export(kind: str, period: str, name: str, lang: str) -> None:
    """The export goes into the audit trail (as `govkpi export` does): who, from where, which file."""
    from flask import current_app

    from dashboard.auth import current_user
    from ops.audit import record_export

    ops_db = current_app.config.get("GOVKPI_OPS_DB")
    if ops_db:
        user = current_user()
        record_export(ops_db, kind, period, user.name if user else None, user.role if user else None,
                      request.remote_addr, name, lang)


def _page(title: str, message: str, lang: str, status: int) -> Response:
    """A short readable page in the user's language, with a way back."""
    from html import escape

    body = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f'<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">'
            f'<h1>{escape(title)}</h1><p>{escape(message)}</p>'
            f'<p><a href="javascript:history.back()">{escape(t("download_back", lang))}</a></p></body></html>')
    return Response(body, status=status, mimetype="text/html; charset=utf-8")


def download_links(period: str, lang: str) -> html.Div:
    """Gives the row of links that download the exports of a period."""
    from dashboard.components import site_path

    return html.Div(
        [html.Span(t("download_title", lang), className="downloads-title")]
        + [html.A(t(LABELS[kind], lang), href=site_path(f"/tai-ve/{kind}") + f"?period={period}&lang={lang}",
                  className="download-link", id=f"download-{kind}") for kind in KINDS],
        className="downloads")
