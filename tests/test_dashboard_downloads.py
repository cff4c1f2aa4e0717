"""One click on the overview downloads the deck and the reports, with the dashboard's numbers."""
from __future__ import annotations

import io

import duckdb
import openpyxl
from pptx import Presentation

from dashboard.app import create_app


def test_the_deck_downloads_from_the_dashboard_and_opens(demo_db):
    client = create_app(str(demo_db)).server.test_client()
    response = client.get("/tai-ve/pptx?period=2025Q3")
    assert response.status_code == 200
    assert "govkpi_2025Q3.pptx" in response.headers["Content-Disposition"]
    titles = [s.shapes.title.text for s in Presentation(io.BytesIO(response.data)).slides if s.shapes.title]
    assert any("Quý III/2025" in title for title in titles)


def test_the_workbook_download_carries_the_views_numbers(demo_db):
    client = create_app(str(demo_db)).server.test_client()
    response = client.get("/tai-ve/xlsx?period=2025Q3")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    numbers = {round(c.value, 6) for s in book for row in s.iter_rows() for c in row if isinstance(c.value, float)}
    con = duckdb.connect(str(demo_db), read_only=True)
    value = con.execute("SELECT value FROM level_progress WHERE period = '2025Q3' AND level = 'commune' "
                        "AND indicator_code = 'work_records_online_rate'").fetchall()[0][0]
    assert round(value, 6) in numbers


def test_a_download_goes_into_the_audit_trail(demo_db, tmp_path):
    """Like `govkpi export`: the kind, period, file and the caller's address (here a private ops file)."""
    from ops.audit import events

    ops_db = tmp_path / "ops.sqlite"
    client = create_app(str(demo_db), ops_db=str(ops_db)).server.test_client()
    assert client.get("/tai-ve/xlsx?period=2025Q3").status_code == 200
    assert client.get("/tai-ve/xlsx?period=x").status_code == 400  # nothing exported, nothing recorded
    [event] = events(str(ops_db), action="export")
    assert (event.period, event.detail["kind"], event.detail["file"], event.address) == (
        "2025Q3", "xlsx", "govkpi_2025Q3.xlsx", "127.0.0.1")


def test_a_bad_kind_or_period_is_a_clear_message(demo_db):
    client = create_app(str(demo_db)).server.test_client()
    assert client.get("/tai-ve/odp?period=2025Q3").status_code == 404
    bad = client.get("/tai-ve/pptx?period=2025Q9")
    assert bad.status_code == 400 and "Kỳ báo cáo không hợp lệ" in bad.get_data(as_text=True)


def test_downloading_a_period_with_no_data_gives_a_readable_vietnamese_page(demo_db):
    server = create_app(str(demo_db)).server
    server.testing = True  # an unexpected error surfaces here rather than as a 500
    # (kept above the test that imports dashboard.pages.overview: a Dash app created after that
    # import finds the page registered twice)
    client = server.test_client()
    for kind in ("pptx", "xlsx", "docx"):
        response = client.get(f"/tai-ve/{kind}?period=2026Q4")
        text = response.get_data(as_text=True)
        assert response.status_code == 404 and response.mimetype == "text/html"
        assert "Kỳ này chưa có số liệu" in text and "Quý IV/2026 chưa có số liệu" in text
        assert "Traceback" not in text and "Internal Server Error" not in text
    english = client.get("/tai-ve/pptx?period=2026Q4&lang=en").get_data(as_text=True)
    assert "No data for this period" in english


def test_the_overview_links_to_every_download_for_its_period(demo_db):
    client = create_app(str(demo_db)).server.test_client()
    from dashboard.pages import overview
    with client.application.test_request_context("/"):
        page = str(overview.layout(period="2025Q3"))
    for kind in ("pptx", "xlsx", "docx", "pdf"):
        assert f"/tai-ve/{kind}?period=2025Q3&lang=vi" in page

