"""The demo's DTI self-assessment for 2024 and 2025: a value for each main index of the version
in force at the year's end, an evidence file for each (DOCX, XLSX or PDF, made by the libraries
that write them), the verifying unit's sign-off, and the 2024 national rank. Demo figures, not
the province's."""
from __future__ import annotations

import io
import random
from datetime import date
from pathlib import Path

import openpyxl
from docx import Document

from etl.indices import Index
from ops import dti
from ops.store import ops_path
from vocab.periods import Period

YEARS = (2024, 2025)
VERIFIER = "Sở Khoa học và Công nghệ"
DEMO_RANK = {2024: 32}  # 2025 not yet published
SHARE_IF_NO_MAX = 100.0  # a version whose maxima are not cited: the demo scores its main indices out of 100


def write_dti_demo(db_path: str | Path, index: Index, seed: int = 2024) -> int:
    """Enters the demo self-assessment into the ops file beside db_path; gives the items entered."""
    rng = random.Random(seed)
    ops_db, folder = ops_path(db_path), dti.evidence_dir(db_path)
    entered = 0
    for year in YEARS:
        version = index.version_for(Period(year, "year", 1))
        if version is None or dti.assessment(ops_db, year):
            continue  # a rebuilt demo keeps the self-assessment its ops file already holds
        for number, group in enumerate(version.groups):
            top = group.max_score if group.max_score is not None else SHARE_IF_NO_MAX
            if top == 0:
                continue  # a main index that is not scored (Đô thị thông minh in 922)
            value = round(top * rng.uniform(0.55, 0.85) + (year - YEARS[0]) * top * 0.04, 2)
            dti.enter_value(ops_db, year, group.code, min(value, top), "demo", "admin", maximum=group.max_score)
            name, content = _evidence(number, f"{group.name_vi} – năm {year}")
            dti.attach_evidence(ops_db, folder, year, group.code, name, content, "demo", "admin")
            if number % 4 != 3:  # a few items still wait for their sign-off
                dti.sign_off(ops_db, year, group.code, VERIFIER, "demo-tham-dinh", "reviewer")  # four eyes
            entered += 1
        if year in DEMO_RANK:
            dti.enter_rank(ops_db, year, DEMO_RANK[year], "demo", "admin")
    return entered


def _evidence(number: int, title: str) -> tuple[str, bytes]:
    out = io.BytesIO()
    kind = number % 3
    if kind == 0:
        doc = Document()
        doc.add_heading(f"Tài liệu kiểm chứng: {title}", level=1)
        doc.add_paragraph(f"Tệp mẫu, lập ngày {date.today():%d/%m/%Y}.")
        doc.save(out)
        return f"kiem_chung_{number + 1}.docx", out.getvalue()
    if kind == 1:
        book = openpyxl.Workbook()
        book.active["A1"] = f"Số liệu kiểm chứng: {title}"
        book.save(out)
        return f"so_lieu_{number + 1}.xlsx", out.getvalue()
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5, 2))
    fig.text(0.05, 0.5, f"Biên bản: {title}")
    fig.savefig(out, format="pdf")
    return f"bien_ban_{number + 1}.pdf", out.getvalue()
