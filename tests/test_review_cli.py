"""The review cycle from the server's shell: `govkpi load`, `review`, `lock`, `unlock`, `audit`,
`history`, run as the real command on a real warehouse and real workbooks."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from etl.warehouse import connect, set_review

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

GOVKPI = str(Path(sys.executable).with_name("govkpi"))
PERIOD = "2024Q3"


def govkpi(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([GOVKPI, *args, "--db", str(db)], capture_output=True, text=True, input=stdin, timeout=120)


def test_the_operator_loads_reviews_locks_and_reads_the_trail_from_the_shell(db, tmp_path):
    con = connect(db)
    set_review(con, "required")
    con.close()
    earlier = filled_template(tmp_path / "q2.xlsx", CHU_SE, "2024Q2", {"work_records_total": 900, "work_records_online": 300})
    first = filled_template(tmp_path / "q3.xlsx", CHU_SE, PERIOD, {"work_records_total": 1000, "work_records_online": 500})
    fixed = filled_template(tmp_path / "q3b.xlsx", CHU_SE, PERIOD, {"work_records_total": 1000, "work_records_online": 610})

    # The ICT department's own load counts at once only when it says it reviewed it.
    assert govkpi(db, "load", str(earlier), "--reviewed").returncode == 0
    assert govkpi(db, "load", str(first)).returncode == 0
    history = json.loads(govkpi(db, "history", "633", "work_records_online", "2024Q2", "--json").stdout)
    assert [(h["value"], h["review_state"], h["current"]) for h in history] == [(300, "accepted", True)]

    waiting = json.loads(govkpi(db, "review", "list", "--period", PERIOD, "--json").stdout)
    online = next(r for r in waiting if r["metric_code"] == "work_records_online")
    assert (online["value"], online["previous_value"], online["flagged"]) == (500, 300, True)  # +67% > 30%
    submission = online["submission_id"]

    assert govkpi(db, "user", "add", "duyet", "--role", "reviewer", "--password-stdin", stdin="mật khẩu dài\n").returncode == 0
    refused = govkpi(db, "review", "send-back", str(submission), "--comment", "", "--as", "duyet")
    assert refused.returncode == 2 and "cần ghi rõ lý do" in refused.stderr
    assert govkpi(db, "review", "send-back", str(submission), "--comment", "Số trực tuyến tăng bất thường",
                  "--as", "duyet").returncode == 0
    assert govkpi(db, "load", str(fixed)).returncode == 0
    again = json.loads(govkpi(db, "review", "list", "--json").stdout)[0]["submission_id"]
    assert govkpi(db, "review", "accept", str(again), "--as", "duyet").returncode == 0

    assert govkpi(db, "lock", PERIOD, "--as", "duyet").returncode == 0
    late = govkpi(db, "load", str(filled_template(tmp_path / "q3c.xlsx", CHU_SE, PERIOD, {"work_records_total": 1})))
    assert late.returncode == 1 and "Kỳ Quý III/2024 đã chốt số liệu ngày" in late.stdout
    not_admin = govkpi(db, "unlock", PERIOD, "--reason", "sửa", "--as", "duyet")
    assert not_admin.returncode == 2 and "Chỉ quản trị viên" in not_admin.stderr
    assert govkpi(db, "unlock", PERIOD, "--reason", "Huyện xin sửa số").returncode == 0
    assert govkpi(db, "comment", "633", "work_records_online_rate", PERIOD, "Tăng nhờ một cửa điện tử",
                  "--as", "duyet").returncode == 0

    trail = json.loads(govkpi(db, "audit", "--unit", "633", "--period", PERIOD, "--json").stdout)
    assert [(e["action"], e["actor"]) for e in trail if e["actor"] == "duyet"] == [
        ("review_send_back", "duyet"), ("review_accept", "duyet"), ("comment", "duyet")]
    assert [e["detail"]["status"] for e in trail if e["action"] == "upload"] == ["accepted", "accepted", "rejected"]
    everything = json.loads(govkpi(db, "audit", "--json").stdout)
    assert [e["action"] for e in everything if e["action"] in ("lock", "unlock", "user_add")] == ["user_add", "lock", "unlock"]
    history = json.loads(govkpi(db, "history", "633", "work_records_online", PERIOD, "--json").stdout)
    assert [(h["value"], h["review_state"], h["reviewed_by"], h["current"]) for h in history] == [
        (500, "sent_back", "duyet", False), (610, "accepted", "duyet", True)]
