"""`govkpi dti` on a real warehouse (a copy of the Gia Lai one, accounts made with `govkpi user
add`), run as the clerk runs it, in a subprocess: a score typed with a decimal comma, evidence
files (several at once; a duplicate, an .exe renamed .pdf and a missing file refused by name), a
reviewer's sign-off for the catalog's verifying unit, the national rank; a viewer is refused and
nothing changes; bad input is a sentence, never a traceback; every change is in the audit trail."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from ops import dti
from ops.store import ops_path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import base_db  # noqa: E402,F401  (the fixture)

GOVKPI = str(Path(sys.executable).with_name("govkpi"))
PASSWORD = "mật-khẩu-thử-nghiệm"


def govkpi(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([GOVKPI, *args], input=stdin, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def db(base_db, tmp_path_factory):  # noqa: F811
    path = tmp_path_factory.mktemp("dti_cli") / "warehouse.duckdb"
    shutil.copy(base_db, path)
    for name, role in (("tham-dinh", "reviewer"), ("uy-ban", "viewer")):
        done = govkpi("user", "add", name, "--role", role, "--password-stdin", "--db", str(path), stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
    return path


def dti_cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    done = govkpi("dti", *args, "--db", str(db))
    assert "Traceback" not in done.stderr and "Lỗi không mong đợi" not in done.stderr, done.stderr
    return done


def shown(db: Path, year: int) -> dict:
    done = dti_cli(db, "show", "--year", str(year), "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_score_evidence_sign_off_and_rank_from_the_shell(db, tmp_path):
    done = dti_cli(db, "value", "nhan_luc_so", "72,25", "--year", "2024")
    assert done.returncode == 0 and "Đã lưu điểm 72,25 của «Nhân lực số» năm 2024" in done.stderr

    book = openpyxl.Workbook()
    book.active["A1"] = "Số cán bộ được đào tạo kỹ năng số"
    book.save(tmp_path / "dao_tao.xlsx")
    doc = Document()
    doc.add_paragraph("Kế hoạch đào tạo nhân lực số")
    doc.save(tmp_path / "ke_hoach.docx")
    done = dti_cli(db, "evidence", "nhan_luc_so", str(tmp_path / "dao_tao.xlsx"), str(tmp_path / "ke_hoach.docx"),
                   "--year", "2024")
    assert done.returncode == 0, done.stderr
    assert "Đã đính kèm dao_tao.xlsx" in done.stderr and "Đã đính kèm ke_hoach.docx" in done.stderr

    done = dti_cli(db, "sign-off", "nhan_luc_so", "--year", "2024", "--as", "tham-dinh")
    assert done.returncode == 0 and "Sở Khoa học và Công nghệ đã thẩm định «Nhân lực số» năm 2024 (tham-dinh)" in done.stderr
    assert dti_cli(db, "rank", "32", "--year", "2024").returncode == 0

    year = shown(db, 2024)
    item = next(i for i in year["items"] if i["item"] == "nhan_luc_so")
    assert item["value"] == 72.25 and item["max_score"] == 100 and item["signed_by"] == "tham-dinh"
    assert item["verifier"] == "Sở Khoa học và Công nghệ"
    assert [e["file_name"] for e in item["evidence"]] == ["dao_tao.xlsx", "ke_hoach.docx"]
    assert year["national_rank"] == 32 and year["version"] == "2022" and year["pillars"]["nhan_luc_so"] == 72.25
    table = dti_cli(db, "show", "--year", "2024").stdout
    assert "nhan_luc_so\tNhân lực số\t72,25 / 100\tđã thẩm định: Sở Khoa học và Công nghệ · tham-dinh · " in table

    trail = json.loads(govkpi("audit", "--json", "--db", str(db)).stdout)
    steps = [(e["action"], e["actor"], e["address"], e["detail"].get("item")) for e in trail
             if e["action"].startswith("dti_")]
    assert ("dti_signoff", "tham-dinh", "cli", "nhan_luc_so") in steps
    assert [s[0] for s in steps].count("dti_evidence") == 2 and ("dti_rank", steps[-1][1], "cli", None) in steps


@pytest.mark.parametrize("args, said", [
    (("value", "the_che_so", "180", "--year", "2024"), "Giá trị 180 của «Thể chế số» năm 2024 nằm ngoài 0..100"),
    (("value", "the_che_so", "tám", "--year", "2024"), "«tám» không phải là điểm của «Thể chế số»"),
    (("value", "chi_so_la", "5", "--year", "2024"), "Không có chỉ số «chi_so_la» trong DTI năm 2024; các mã: nhan_thuc_so"),
    (("value", "the_che_so", "5", "--year", "2019"), "Năm 2019 không có phiên bản DTI nào có hiệu lực."),
    (("evidence", "the_che_so", "khong_co.pdf", "--year", "2024"), "Không tìm thấy tệp: khong_co.pdf."),
    (("sign-off", "ha_tang_so", "--year", "2024"), "«ha_tang_so» năm 2024 chưa có giá trị để thẩm định."),
    (("rank", "0", "--year", "2024"), "Thứ hạng 0 năm 2024 phải từ 1 đến 63."),
    (("value", "the_che_so", "5", "--year", "2024", "--as", "ai-do"), "Không có tài khoản 'ai-do' (--as)."),
])
def test_bad_input_is_a_sentence_and_exit_2(db, args, said):
    done = dti_cli(db, *args)
    assert done.returncode == 2 and said in " ".join(done.stderr.split()), done.stderr


def test_a_viewer_is_refused_and_nothing_changes(db, tmp_path):
    before = (dti.assessment(ops_path(db), 2025), dti.evidence(ops_path(db), 2025), dti.national_rank(ops_path(db), 2025))
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    for args in (("value", "the_che_so", "5"), ("evidence", "the_che_so", str(tmp_path / "a.pdf")), ("rank", "3")):
        done = dti_cli(db, *args, "--year", "2025", "--as", "uy-ban")
        assert done.returncode == 2 and "Vai trò viewer không được nhập tự đánh giá DTI" in done.stderr
    assert (dti.assessment(ops_path(db), 2025), dti.evidence(ops_path(db), 2025),
            dti.national_rank(ops_path(db), 2025)) == before


def test_a_renamed_program_and_a_second_copy_are_refused_naming_the_file(db, tmp_path):
    (tmp_path / "quyet_dinh.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    (tmp_path / "ban_sao.pdf").write_bytes((tmp_path / "quyet_dinh.pdf").read_bytes())
    (tmp_path / "chuong_trinh.pdf").write_bytes(b"MZ\x90\x00" + b"\0" * 512)
    done = dti_cli(db, "evidence", "the_che_so", str(tmp_path / "quyet_dinh.pdf"), str(tmp_path / "ban_sao.pdf"),
                   str(tmp_path / "chuong_trinh.pdf"), "--year", "2025")
    text = " ".join(done.stderr.split())
    assert done.returncode == 2
    assert "Đã đính kèm quyet_dinh.pdf" in text
    assert "Tệp ban_sao.pdf trùng nội dung với tài liệu đã đính kèm quyet_dinh.pdf" in text
    assert "Tệp chuong_trinh.pdf: tài liệu kiểm chứng phải là PDF, DOCX hoặc XLSX (nội dung không khớp đuôi .pdf)" in text
    assert [e.file_name for e in dti.evidence(ops_path(db), 2025, "the_che_so")] == ["quyet_dinh.pdf"]
