"""Entering the DTI self-assessment on the web, through the real server (`govkpi serve` and
`govkpi writer` in subprocesses, accounts made with the CLI): an admin enters a main index's
score typed the Vietnamese way ("8,5"), attaches a PDF; the same file again, an .exe renamed .pdf
and an oversized file are refused with their reasons; a reviewer signs off for the verifying
unit; the national rank is entered. The pages then show the score, the sign-off (who, when) and
the evidence with a working download; a viewer's POST is 403 and changes nothing; the audit
trail names every step."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from ops import dti
from ops.intake import EVIDENCE_MAX_BYTES
from ops.store import ops_path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_site import login, page, start_site  # noqa: E402
from workbooks import base_db  # noqa: E402,F401  (the fixture)

YEAR = 2024            # Decision 922/QĐ-BTTTT is in force on 31/12/2024: Thể chế số counts 100 points
ITEM = "the_che_so"


@pytest.fixture(scope="module")
def site(base_db, tmp_path_factory):  # noqa: F811
    running = start_site(base_db, tmp_path_factory.mktemp("dti_forms_site"))
    yield running
    running.stop()


def pdf(text: str) -> bytes:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    fig.text(0.1, 0.5, text)
    out = io.BytesIO()
    fig.savefig(out, format="pdf")
    return out.getvalue()


def send(client: requests.Session, site, path: str, files=None, **form: str) -> requests.Response:
    """Posts a form of the page with the session's CSRF token, as the browser does."""
    client.get(site.base + "/_dash-layout", timeout=60)
    form["csrf_token"] = client.cookies["_csrf_token"]
    return client.post(site.base + path, data=form, files=files, allow_redirects=False, timeout=120)


def outcome(client: requests.Session, site, response: requests.Response) -> str:
    """The sentence the page shows once the browser follows the 303."""
    assert response.status_code == 303, response.text
    where = urlparse(response.headers["Location"])
    assert where.path == "/chi-so/dti" and parse_qs(where.query)["year"] == [str(YEAR)]
    return page(client, site.base, where.path, "?" + where.query)


def notice_of(content: str) -> str:
    layout = json.loads(content)

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if props.get("id") == "dti-notice":
                return props["children"]
            for value in list(node.values()) + list(props.values()):
                found = walk(value)
                if found:
                    return found
        elif isinstance(node, list):
            for value in node:
                found = walk(value)
                if found:
                    return found
        return None

    return walk(layout) or ""


def test_an_admin_enters_a_score_with_evidence_a_reviewer_signs_it_off_and_the_pages_show_it(site):
    admin = login(site.base, site.name("admin"))
    reviewer = login(site.base, site.name("reviewer"))
    viewer = login(site.base, site.name("viewer"))
    ops_db = ops_path(site.db)

    shown = outcome(admin, site, send(admin, site, "/chi-so/dti/gia-tri", year=str(YEAR), item=ITEM, value="8,5"))
    assert notice_of(shown) == f"Đã lưu điểm 8,5 của «Thể chế số» năm {YEAR}."
    assert "dti-value-save-the_che_so" in shown and "csrf_token" in shown  # an admin gets the forms
    assert dti.assessment(ops_db, YEAR)[ITEM].value == 8.5

    # Above the maximum, or not a number: the reason, and the score stays.
    said = notice_of(outcome(admin, site, send(admin, site, "/chi-so/dti/gia-tri", year=str(YEAR), item=ITEM,
                                                  value="120")))
    assert "Giá trị 120 của «Thể chế số» năm 2024 nằm ngoài 0..100 (điểm tối đa 100)." == said
    said = notice_of(outcome(admin, site, send(admin, site, "/chi-so/dti/gia-tri", year=str(YEAR), item=ITEM,
                                                  value="tám")))
    assert said == "«tám» không phải là điểm của «Thể chế số»: nhập một số, ví dụ 8,5."
    assert dti.assessment(ops_db, YEAR)[ITEM].value == 8.5

    plan = pdf("Kế hoạch chuyển đổi số năm 2024")
    said = notice_of(outcome(admin, site, send(admin, site, "/chi-so/dti/tai-lieu", year=str(YEAR), item=ITEM,
                                                  files=[("file", ("ke_hoach_cds_2024.pdf", plan, "application/pdf"))])))
    assert said == "Đã đính kèm ke_hoach_cds_2024.pdf cho «Thể chế số»."
    refusals = {
        "ban_sao.pdf": (plan, "Tệp ban_sao.pdf trùng nội dung với tài liệu đã đính kèm ke_hoach_cds_2024.pdf"),
        "bao_cao.pdf": (b"MZ\x90\x00" + b"\0" * 4000, "Tệp bao_cao.pdf: tài liệu kiểm chứng phải là PDF, DOCX hoặc XLSX "
                                                      "(nội dung không khớp đuôi .pdf)."),
        "bien_ban.pdf": (pdf("lớn") + b"\0" * (EVIDENCE_MAX_BYTES + 1), "Tệp bien_ban.pdf quá lớn (20,0 MB; tối đa 20 MB)."),
    }
    for name, (content, reason) in refusals.items():
        said = notice_of(outcome(admin, site, send(admin, site, "/chi-so/dti/tai-lieu", year=str(YEAR), item=ITEM,
                                                      files=[("file", (name, content, "application/pdf"))])))
        assert reason in said, said
    assert [e.file_name for e in dti.evidence(ops_db, YEAR, ITEM)] == ["ke_hoach_cds_2024.pdf"]

    said = notice_of(outcome(reviewer, site, send(reviewer, site, "/chi-so/dti/tham-dinh", year=str(YEAR), item=ITEM)))
    assert said == "Sở Khoa học và Công nghệ đã thẩm định «Thể chế số»."
    said = notice_of(outcome(admin, site, send(admin, site, "/chi-so/dti/xep-hang", year=str(YEAR), rank="29")))
    assert said == f"Đã lưu xếp hạng toàn quốc 29 của năm {YEAR}."

    # A viewer reads everything, gets no form, and its POSTs change nothing.
    before = (dti.assessment(ops_db, YEAR), dti.evidence(ops_db, YEAR), dti.national_rank(ops_db, YEAR))
    for path, form in (("/chi-so/dti/gia-tri", {"item": ITEM, "value": "1"}), ("/chi-so/dti/tham-dinh", {"item": ITEM}),
                       ("/chi-so/dti/xep-hang", {"rank": "1"})):
        assert send(viewer, site, path, year=str(YEAR), **form).status_code == 403
    assert send(viewer, site, "/chi-so/dti/tai-lieu", year=str(YEAR), item=ITEM,
                files=[("file", ("khac.pdf", pdf("khác"), "application/pdf"))]).status_code == 403
    assert (dti.assessment(ops_db, YEAR), dti.evidence(ops_db, YEAR), dti.national_rank(ops_db, YEAR)) == before

    shown = page(viewer, site.base, "/chi-so/dti", f"?year={YEAR}")
    assert "Điểm: 8,5" in shown and "dti-value-save" not in shown and "csrf_token" not in shown
    signed = dti.assessment(ops_db, YEAR)[ITEM]
    assert signed.signed_by == site.name("reviewer") and signed.verifier == "Sở Khoa học và Công nghệ"
    assert f"Đã thẩm định: Sở Khoa học và Công nghệ · {site.name('reviewer')} · " in shown
    assert f"Tổng điểm năm {YEAR}: 8,5 / 1.000" in shown and "xếp hạng toàn quốc: 29" in shown
    evidence_id = dti.evidence(ops_db, YEAR, ITEM)[0].evidence_id
    assert f"/chi-so/tai-lieu/{evidence_id}" in shown and "ke_hoach_cds_2024.pdf" in shown
    download = viewer.get(site.base + f"/chi-so/tai-lieu/{evidence_id}", timeout=60)
    assert download.status_code == 200 and download.content == plan
    assert "ke_hoach_cds_2024.pdf" in download.headers["Content-Disposition"]

    # The indices page's DTI part shows the pillar score and the rank.
    indices = page(viewer, site.base, "/chi-so", f"?index=dti&year={YEAR}")
    assert "Thể chế số" in indices and "8,5" in indices and "xếp hạng toàn quốc: 29" in indices

    # Every accepted step is in the audit trail, with who, from where.
    trail = requests.get(site.base + "/api/v1/audit?limit=200", headers=site.auth("admin"), timeout=60).json()
    steps = [(e["action"], e["actor"], e["period"]) for e in trail["events"] if e["action"].startswith("dti_")]
    assert sorted(steps) == sorted([("dti_value", site.name("admin"), str(YEAR)),
                                    ("dti_evidence", site.name("admin"), str(YEAR)),
                                    ("dti_signoff", site.name("reviewer"), str(YEAR)),
                                    ("dti_rank", site.name("admin"), str(YEAR))])
    assert all(e["address"] == "127.0.0.1" for e in trail["events"] if e["action"].startswith("dti_"))


def test_an_unknown_item_or_a_year_without_a_version_is_refused_by_name(site):
    admin = login(site.base, site.name("admin"))
    response = send(admin, site, "/chi-so/dti/gia-tri", year=str(YEAR), item="chi_so_la", value="5")
    said = notice_of(outcome(admin, site, response))
    assert said.startswith(f"Không có chỉ số «chi_so_la» trong DTI năm {YEAR}; các mã: nhan_thuc_so, the_che_so")
    response = send(admin, site, "/chi-so/dti/xep-hang", year="2019", rank="5")
    assert response.status_code == 303 and "year=2019" in response.headers["Location"]
    assert notice_of(page(admin, site.base, "/chi-so/dti", "?" + urlparse(response.headers["Location"]).query)) == \
        "Năm 2019 không có phiên bản DTI nào có hiệu lực."
    assert dti.national_rank(ops_path(site.db), 2019) is None


def test_an_anonymous_post_is_refused_and_writes_nothing(site):
    response = requests.post(site.base + "/chi-so/dti/gia-tri", data={"year": str(YEAR), "item": ITEM, "value": "99"},
                             allow_redirects=False, timeout=60)
    assert response.status_code == 401
    assert dti.assessment(ops_path(site.db), YEAR).get(ITEM) is None or \
        dti.assessment(ops_path(site.db), YEAR)[ITEM].value != 99
