"""The province's DTI self-assessment in the ops file: values per (sub-)index, evidence files
checked by type and size, hashed, stored and listed, a duplicate refused, the verifying unit's
sign-off, the national rank, and pillar scores compared with the year before. Real PDF (drawn by
matplotlib), DOCX (python-docx) and XLSX (openpyxl) files."""
from __future__ import annotations

import hashlib
import io

import openpyxl
import pytest
from docx import Document

from ops import dti
from ops.intake import EVIDENCE_MAX_BYTES


def _pdf(text: str) -> bytes:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    fig.text(0.1, 0.5, text)
    out = io.BytesIO()
    fig.savefig(out, format="pdf")
    return out.getvalue()


def _docx(text: str) -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _xlsx(text: str) -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def ops_db(tmp_path):
    return tmp_path / "warehouse.ops.sqlite"


@pytest.fixture
def folder(tmp_path):
    return dti.evidence_dir(tmp_path / "warehouse.duckdb")


def test_a_pdf_a_docx_and_an_xlsx_are_hashed_stored_and_listed(ops_db, folder):
    files = {"ke_hoach_cds.pdf": _pdf("Kế hoạch"), "bao_cao.docx": _docx("Báo cáo"), "so_lieu.xlsx": _xlsx("Số liệu")}
    for name, content in files.items():
        dti.attach_evidence(ops_db, folder, 2025, "the_che_so", name, content, "cntt", "admin")
    listed = dti.evidence(ops_db, 2025, "the_che_so")
    assert [e.file_name for e in listed] == list(files)
    for e in listed:
        content = files[e.file_name]
        assert e.file_sha256 == hashlib.sha256(content).hexdigest() and e.size_bytes == len(content)
        assert (folder / e.stored_name).read_bytes() == content
    found, path = dti.evidence_file(ops_db, folder, listed[0].evidence_id, "viewer")
    assert path.read_bytes() == files["ke_hoach_cds.pdf"]


@pytest.mark.parametrize("name, content", [
    ("anh_chup.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100),      # not an accepted type
    ("bao_cao.pdf", _docx("a Word file renamed .pdf")),        # the name says PDF, the content does not
    ("so_lieu.xlsx", b"%PDF-1.4 not a workbook"),
    ("ghi_chu.txt", b"plain text"),
])
def test_a_file_of_another_type_is_refused_naming_it(ops_db, folder, name, content):
    with pytest.raises(dti.DtiError, match=name.replace(".", r"\.") + ": tài liệu kiểm chứng phải là PDF, DOCX hoặc XLSX"):
        dti.attach_evidence(ops_db, folder, 2025, "the_che_so", name, content, "cntt", "admin")
    assert dti.evidence(ops_db, 2025) == [] and not folder.exists()


def test_an_oversized_file_is_refused_with_its_size(ops_db, folder):
    big = _pdf("lớn") + b"\0" * (EVIDENCE_MAX_BYTES + 1)
    with pytest.raises(dti.DtiError, match=r"Tệp bien_ban\.pdf quá lớn \(20,0 MB; tối đa 20 MB\)"):
        dti.attach_evidence(ops_db, folder, 2025, "the_che_so", "bien_ban.pdf", big, "cntt", "admin")
    assert dti.evidence(ops_db, 2025) == []


def test_the_same_file_twice_for_one_item_is_a_duplicate_naming_the_first(ops_db, folder):
    content = _docx("Quyết định ban hành kế hoạch")
    dti.attach_evidence(ops_db, folder, 2025, "the_che_so", "quyet_dinh.docx", content, "cntt", "admin")
    with pytest.raises(dti.DtiError, match="trùng nội dung với tài liệu đã đính kèm quyet_dinh.docx"):
        dti.attach_evidence(ops_db, folder, 2025, "the_che_so", "ban_sao.docx", content, "tham-dinh", "reviewer")
    assert [e.file_name for e in dti.evidence(ops_db, 2025)] == ["quyet_dinh.docx"]
    # The same document may stand as evidence for another sub-index.
    dti.attach_evidence(ops_db, folder, 2025, "nhan_thuc_so", "quyet_dinh.docx", content, "cntt", "admin")
    assert len(dti.evidence(ops_db, 2025)) == 2


def test_only_admins_and_reviewers_enter_and_only_signed_in_readers_download(ops_db, folder):
    with pytest.raises(PermissionError):
        dti.enter_value(ops_db, 2025, "the_che_so", 50, "xa", "reporter")
    with pytest.raises(PermissionError):
        dti.attach_evidence(ops_db, folder, 2025, "the_che_so", "a.pdf", _pdf("a"), "uy-ban", "viewer")
    found = dti.attach_evidence(ops_db, folder, 2025, "the_che_so", "a.pdf", _pdf("a"), "cntt", "admin")
    for role in ("reporter", None):
        with pytest.raises(PermissionError):
            dti.evidence_file(ops_db, folder, found.evidence_id, role)


def test_whoever_entered_a_value_may_not_verify_it_themselves(ops_db):
    dti.enter_value(ops_db, 2025, "nhan_luc_so", 40, "cntt", "admin")
    with pytest.raises(dti.DtiError, match="cntt đã nhập giá trị «nhan_luc_so» năm 2025, nên không tự thẩm định"):
        dti.sign_off(ops_db, 2025, "nhan_luc_so", "Sở Khoa học và Công nghệ", "cntt", "admin")
    assert dti.assessment(ops_db, 2025)["nhan_luc_so"].signed_by is None
    # A correction by the reviewer makes the reviewer the one who may not sign; the admin now may.
    dti.enter_value(ops_db, 2025, "nhan_luc_so", 42, "tham-dinh", "reviewer")
    with pytest.raises(dti.DtiError):
        dti.sign_off(ops_db, 2025, "nhan_luc_so", "Sở Khoa học và Công nghệ", "tham-dinh", "reviewer")
    dti.sign_off(ops_db, 2025, "nhan_luc_so", "Sở Khoa học và Công nghệ", "cntt", "admin")
    assert dti.assessment(ops_db, 2025)["nhan_luc_so"].signed_by == "cntt"


def test_the_verifying_unit_signs_off_a_value_and_pillars_compare_with_last_year(ops_db):
    with pytest.raises(dti.DtiError, match="chưa có giá trị để thẩm định"):
        dti.sign_off(ops_db, 2025, "the_che_so", "Sở Khoa học và Công nghệ", "tham-dinh", "reviewer")
    dti.enter_value(ops_db, 2024, "the_che_so", 61.5, "cntt", "admin", maximum=100)
    dti.enter_value(ops_db, 2025, "the_che_so", 70, "cntt", "admin")
    dti.enter_value(ops_db, 2025, "the_che_so", 72.25, "cntt", "admin")  # a correction: the latest holds
    with pytest.raises(dti.DtiError, match="nằm ngoài 0..100"):
        dti.enter_value(ops_db, 2025, "ha_tang_so", 120, "cntt", "admin", maximum=100)
    dti.sign_off(ops_db, 2025, "the_che_so", "Sở Khoa học và Công nghệ", "tham-dinh", "reviewer")
    item = dti.assessment(ops_db, 2025)["the_che_so"]
    assert (item.value, item.verifier, item.signed_by) == (72.25, "Sở Khoa học và Công nghệ", "tham-dinh")
    assert item.signed_at >= item.entered_at
    now = dti.pillar_scores(dti.assessment(ops_db, 2025), {"the_che_so": [], "ha_tang_so": []})
    before = dti.pillar_scores(dti.assessment(ops_db, 2024), {"the_che_so": [], "ha_tang_so": []})
    assert now == {"the_che_so": 72.25, "ha_tang_so": None} and now["the_che_so"] - before["the_che_so"] == 10.75
    assert dti.national_rank(ops_db, 2025) is None
    dti.enter_rank(ops_db, 2025, 32, "cntt", "admin")
    assert dti.national_rank(ops_db, 2025) == 32


def test_evidence_downloads_only_for_signed_in_roles_that_may_read_it(demo_db, tmp_path):
    import shutil

    from dashboard.app import create_app
    from ops.accounts import add_user
    from ops.store import ops_path

    db = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_db, db)
    ops_db = ops_path(db)
    add_user(ops_db, "uy-ban", "viewer", "mat-khau-du-dai-1")
    add_user(ops_db, "ubnd-xa", "reporter", "mat-khau-du-dai-1", units=["new:21589"])
    content = _pdf("Biên bản thẩm định")
    found = dti.attach_evidence(ops_db, dti.evidence_dir(db), 2025, "the_che_so", "bien_ban.pdf", content, "cntt", "admin")
    # Dash's page registry is global: pages another test imported as dashboard.pages.* would clash
    # with this app's (duplicate paths); this app registers its own, the others come back after.
    import dash

    saved = dict(dash.page_registry)
    dash.page_registry.clear()
    try:
        _downloads_for_roles(create_app(str(db)).server, found, content)
    finally:
        dash.page_registry.clear()
        dash.page_registry.update(saved)


def _downloads_for_roles(server, found, content) -> None:
    import re

    path = f"/chi-so/tai-lieu/{found.evidence_id}"
    assert server.test_client().get(path).status_code in (302, 401)  # nobody signed in

    def signed_in(name):
        client = server.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/dang-nhap").get_data(as_text=True)).group(1)
        assert client.post("/dang-nhap", data={"name": name, "password": "mat-khau-du-dai-1",
                                               "csrf_token": token}).status_code == 302
        return client

    viewer = signed_in("uy-ban").get(path)
    assert viewer.status_code == 200 and viewer.data == content
    assert "bien_ban.pdf" in viewer.headers["Content-Disposition"]
    assert signed_in("ubnd-xa").get(path).status_code == 403
    assert signed_in("uy-ban").get("/chi-so/tai-lieu/999").status_code == 404
