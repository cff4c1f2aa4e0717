"""Downloads of DTI evidence files (tài liệu kiểm chứng): only for a signed-in user whose role
may read them (ops.dti.EVIDENCE_READERS); never in open mode, since evidence is not published."""
from __future__ import annotations

from flask import Flask, abort, current_app, send_file

from dashboard.auth import current_user
from ops import dti

ROUTE = "/chi-so/tai-lieu/<int:evidence_id>"


def evidence_href(evidence_id: int) -> str:
    from dashboard.components import site_path

    return site_path(f"/chi-so/tai-lieu/{evidence_id}")


def register_evidence(server: Flask, db_path: str) -> None:
    server.config["GOVKPI_EVIDENCE_DIR"] = str(dti.evidence_dir(db_path))

    @server.route(ROUTE)
    def evidence_download(evidence_id: int):
        user = current_user()
        try:
            found, path = dti.evidence_file(current_app.config["GOVKPI_OPS_DB"], current_app.config["GOVKPI_EVIDENCE_DIR"],
                                            evidence_id, user.role if user else None)
        except PermissionError:
            abort(403)
        except LookupError:
            abort(404)
        if not path.exists():
            abort(404)
        return send_file(path, as_attachment=True, download_name=found.file_name)
