"""The notebooks run from the views alone and answer their question."""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def test_plan_648_notebook_says_where_the_province_stands(demo_db, monkeypatch):
    monkeypatch.setenv("GOVKPI_DB", str(demo_db))
    notebook = nbformat.read(NOTEBOOKS / "plan_648_this_quarter.ipynb", as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS.parent)}}).execute()
    printed = "".join(
        output.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
    )
    assert "Kỳ mới nhất có số liệu: Quý III/2026" in printed
    assert "Cấp xã đạt" in printed and "chỉ tiêu 60%" in printed
    assert "Đạt:" in printed and "chưa đạt:" in printed
