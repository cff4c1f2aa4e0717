"""`govkpi load ... --json`: one JSON object per file, exit 0 when none rejected, 1 when any
was, 2 for a usage error; never a traceback for a bad file."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

GOVKPI = str(Path(sys.executable).with_name("govkpi"))
WR = ["work_records_total", "work_records_online"]


def govkpi(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([GOVKPI, *args], capture_output=True, text=True, timeout=120)


def load_json(db: Path, *args: str) -> tuple[int, list[dict], str]:
    done = govkpi("load", *args, "--json", "--db", str(db))
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout), done.stderr


def assert_shape(entry: dict) -> None:
    assert {"file", "status", "units", "values", "issues"} <= set(entry)
    assert entry["status"] in ("accepted", "rejected", "duplicate")
    assert isinstance(entry["units"], int) and isinstance(entry["values"], int)
    for found in entry["issues"]:
        assert {"severity", "sheet", "cell", "message"} <= set(found)
        assert found["severity"] in ("error", "warning")


def test_json_report_of_an_accepted_file(db):
    code, report, _ = load_json(db, str(SAMPLE))
    assert code == 0
    assert report == [{"file": SAMPLE.name, "status": "accepted", "units": 11, "values": 44, "issues": []}]


def test_a_rejected_file_exits_1_with_its_issues(db, tmp_path):
    path = consolidated(tmp_path / "sai.xlsx", [("Thành phố Pleiku", {"work_records_total": 10, "work_records_online": 11})], WR)
    code, report, _ = load_json(db, str(path), str(SAMPLE))
    assert code == 1
    for entry in report:
        assert_shape(entry)
    bad, good = report
    assert (bad["file"], bad["status"], bad["units"], bad["values"]) == ("sai.xlsx", "rejected", 0, 0)
    assert bad["issues"][0]["severity"] == "error" and bad["issues"][0]["sheet"] == "Biểu 01"
    assert bad["issues"][0]["cell"] == "D10" and "lớn hơn" in bad["issues"][0]["message"]
    assert good["status"] == "accepted"


def test_duplicate_file_exits_0(db):
    load_json(db, str(SAMPLE))
    code, report, _ = load_json(db, str(SAMPLE))
    assert code == 0 and report[0]["status"] == "duplicate" and report[0]["values"] == 0


def test_english_messages_on_request(db, tmp_path):
    path = consolidated(tmp_path / "sai.xlsx", [("Huyện Không Có", {"work_records_total": 1})], WR)
    done = govkpi("load", str(path), "--json", "--lang", "en", "--db", str(db))
    assert done.returncode == 1
    assert "not found in the province" in json.loads(done.stdout)[0]["issues"][0]["message"]


def test_period_option_supplies_the_period(db, tmp_path):
    path = consolidated(tmp_path / "np.xlsx", [("Thành phố Pleiku", {"work_records_total": 1})], WR, title=None)
    code, report, _ = load_json(db, str(path), "--period", "Quý II/2021")
    assert code == 0 and report[0]["status"] == "accepted"
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT period FROM metric_values").fetchall() == [("2021Q2",)]
    con.close()


def test_every_bad_file_in_a_folder_is_reported_without_traceback(db, tmp_path):
    folder = tmp_path / "nop"
    folder.mkdir()
    good = consolidated(folder / "good.xlsx", [("Thành phố Pleiku", {"work_records_total": 1})], WR)
    (folder / "hong.xlsx").write_bytes(good.read_bytes()[:300])
    (folder / "van_ban.xlsx").write_text("không phải Excel", encoding="utf-8")
    (folder / "cu.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    (folder / "calc.ods").write_bytes(b"PK\x03\x04")
    encrypted_copy(good, folder / "matkhau.xlsx")
    bomb_copy(good, folder / "bom.xlsx", inflated_mb=320)
    filled_template(folder / "congthuc.xlsx", CHU_SE, "2021Q2", {"work_records_total": "=1+1"})
    consolidated(folder / "am.xlsx", [("Thị xã An Khê", {"work_records_total": -5})], WR)
    code, report, stderr = load_json(db, str(folder))
    assert code == 1
    status = {entry["file"]: entry["status"] for entry in report}
    assert status == {"am.xlsx": "rejected", "bom.xlsx": "rejected", "calc.ods": "rejected", "congthuc.xlsx": "rejected",
                      "cu.xls": "rejected", "good.xlsx": "accepted", "hong.xlsx": "rejected", "matkhau.xlsx": "rejected",
                      "van_ban.xlsx": "rejected"}
    for entry in report:
        assert_shape(entry)
        if entry["status"] == "rejected":
            assert entry["issues"] and all(i["message"] for i in entry["issues"])
    assert "Traceback" not in stderr


def test_human_readable_report(db, tmp_path):
    path = consolidated(tmp_path / "sai.xlsx", [("Thành phố Pleiku", {"work_records_total": "8,5"})], WR)
    done = govkpi("load", str(path), str(SAMPLE), "--db", str(db))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "sai.xlsx" in done.stdout and "bị từ chối" in done.stdout and "LỖI Biểu 01!C10" in done.stdout
    assert "Tổng: 1/2 tệp đã nạp." in done.stdout


@pytest.mark.parametrize("args", [
    ("--period", "Quý V/2021"),
    ("--period", "hôm qua"),
    ("--submitted", "15/07/2021"),
])
def test_usage_errors_exit_2(db, args):
    done = govkpi("load", str(SAMPLE), *args, "--json", "--db", str(db))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.strip()


def test_missing_warehouse_is_a_usage_error(tmp_path):
    missing = tmp_path / "khong_co.duckdb"
    done = govkpi("load", str(SAMPLE), "--json", "--db", str(missing))
    assert done.returncode == 2
    assert "govkpi init" in done.stderr and "Traceback" not in done.stderr
    assert not missing.exists()


def test_no_file_to_load_is_a_usage_error(db, tmp_path):
    (tmp_path / "trong").mkdir()
    done = govkpi("load", str(tmp_path / "trong"), "--json", "--db", str(db))
    assert done.returncode == 2 and "Không có tệp nào để nạp" in done.stderr


def test_missing_file_argument_is_rejected_not_a_crash(db, tmp_path):
    code, report, _ = load_json(db, str(tmp_path / "khong_co.xlsx"))
    assert code == 1 and report[0]["status"] == "rejected"


def test_province_option_other_than_the_title_province_is_an_error_naming_the_cell(db):
    code, report, _ = load_json(db, str(SAMPLE), "--province", "Hà Tĩnh")
    assert code == 1 and report[0]["status"] == "rejected"
    [found] = [i for i in report[0]["issues"] if i["code"] == "province_conflict"]
    assert found["cell"] and f"Ô {found['cell']}" in found["message"] and "Hà Tĩnh" in found["message"]


def test_province_option_naming_no_province_is_a_usage_error(db):
    done = govkpi("load", str(SAMPLE), "--province", "Tỉnh Không Có", "--db", str(db))
    assert done.returncode == 2 and "Tỉnh Không Có" in done.stderr and "Traceback" not in done.stderr


def test_load_in_english_prints_english_totals(db):
    done = govkpi("load", str(SAMPLE), "--lang", "en", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "Total: 1/1 files loaded." in done.stdout
    assert " units, " in done.stdout and " values" in done.stdout
    assert "Tổng" not in done.stdout and "đơn vị" not in done.stdout


def test_load_in_vietnamese_prints_vietnamese_totals(db):
    done = govkpi("load", str(SAMPLE), "--db", str(db))
    assert "Tổng: 1/1 tệp đã nạp." in done.stdout and " đơn vị, " in done.stdout
