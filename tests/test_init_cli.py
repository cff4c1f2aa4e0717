"""govkpi init builds the current province that contains what the user names."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

GOVKPI = str(Path(sys.executable).with_name("govkpi"))


def _init(tmp_path: Path, province: str) -> subprocess.CompletedProcess:
    return subprocess.run([GOVKPI, "init", "--province", province, "--db", str(tmp_path / "w.duckdb")],
                          capture_output=True, text=True)


def test_an_old_province_name_builds_the_merged_province_with_its_predecessors(tmp_path):
    result = _init(tmp_path, "Bình Định")
    assert result.returncode == 0, result.stderr
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    roots = con.execute("SELECT unit_key, unit_name FROM unit_directory WHERE is_root ORDER BY unit_key").fetchall()
    assert roots == [("new:52", "Tỉnh Gia Lai"), ("old:52", "Tỉnh Bình Định"), ("old:64", "Tỉnh Gia Lai")]
    plans = {row[0] for row in con.execute("SELECT plan_code FROM plan_targets").fetchall()}
    assert "KH648" in plans and "QT2017" not in plans  # its own plan and the national ones, not Quảng Trị's


def test_an_unknown_province_is_a_usage_error_with_a_message(tmp_path):
    result = _init(tmp_path, "Gia Lay Lai")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Gia Lai" in result.stderr


def test_the_demo_refuses_to_overwrite_a_warehouse_it_did_not_create(tmp_path):
    assert _init(tmp_path, "Gia Lai").returncode == 0
    result = subprocess.run([GOVKPI, "demo", "--no-serve", "--db", str(tmp_path / "w.duckdb"),
                             "--workdir", str(tmp_path / "demo")], capture_output=True, text=True)
    assert result.returncode == 2 and "không ghi đè" in result.stderr and "Traceback" not in result.stderr
