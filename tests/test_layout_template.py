"""Layout rule: a filled-in govkpi template loads as its one unit and period, also when the
clerk typed numbers as text ("1.937") or inserted a blank row; blank is 'not reported'."""
from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbooks import *  # noqa: E402,F403

FIGURES = {"work_records_total": 1200, "work_records_online": 900, "docs_sent_total": 2500,
           "docs_sent_electronic": 2400, "services_total": 1937, "services_level2": 1535,
           "services_level3": 236, "services_level4": 166}


def test_filled_template_loads_the_unit_and_period_it_names(loader, con, tmp_path):
    path = filled_template(tmp_path / "chuse_q2.xlsx", CHU_SE, "2021Q2", FIGURES, report_date=date(2021, 7, 10))
    report = loader.load_file(path)
    assert report.status == "accepted", messages(report)
    assert (report.units, report.values) == (1, len(FIGURES))
    assert current(con, "633", "2021Q2") == FIGURES
    layout, submitted_at = con.execute("SELECT layout, submitted_at FROM submissions").fetchone()
    assert layout == "template"
    assert submitted_at == datetime(2021, 7, 10)


def test_numbers_typed_as_text_the_vietnamese_way(loader, con, tmp_path):
    typed = {"services_total": "1.937", "docs_sent_total": "12.500", "docs_sent_electronic": " 12.000 ",
             "work_records_total": "3 400"}
    report = loader.load_file(filled_template(tmp_path / "text.xlsx", CHU_SE, "2021Q2", typed))
    assert report.status == "accepted", messages(report)
    assert current(con, "633", "2021Q2") == {"services_total": 1937, "docs_sent_total": 12500,
                                               "docs_sent_electronic": 12000, "work_records_total": 3400}


def test_inserted_blank_row_does_no_harm(loader, con, tmp_path):
    path = filled_template(tmp_path / "row.xlsx", CHU_SE, "2021Q2", FIGURES, insert_blank_row_before="docs_sent_total")
    sheet = openpyxl.load_workbook(path)["Báo cáo"]
    assert any(all(c.value is None for c in row) for row in sheet.iter_rows(min_row=9, max_row=sheet.max_row))
    report = loader.load_file(path)
    assert report.status == "accepted", messages(report)
    assert current(con, "633", "2021Q2") == FIGURES


def test_blank_cells_are_not_reported_not_zero(loader, con, tmp_path):
    report = loader.load_file(filled_template(tmp_path / "few.xlsx", CHU_SE, "2021Q2",
                                              {"work_records_total": 10, "work_records_online": 0}))
    assert report.status == "accepted"
    assert report.values == 2
    assert current(con, "633", "2021Q2") == {"work_records_total": 10, "work_records_online": 0}
    stored = con.execute("SELECT count(*), count(value) FROM reported_values").fetchone()
    assert stored[1] == 2 and stored[0] > 2  # blanks kept as NULL (they clear on a later file), never 0


def test_period_and_unit_come_from_the_template_not_the_filename(loader, con, tmp_path):
    report = loader.load_file(filled_template(tmp_path / "Q4_2020_khac.xlsx", PLEIKU, "2020Q4", {"dossiers_total": 56000,
                                                                                             "dossiers_online": 9500}))
    assert report.status == "accepted"
    assert current(con, "622", "2020Q4") == {"dossiers_total": 56000, "dossiers_online": 9500}


def test_new_era_template_for_a_new_commune(loader, con, tmp_path):
    report = loader.load_file(filled_template(tmp_path / "new.xlsx", NEW_CHU_SE, "2025Q3",
                                              {"services_total": 400, "services_full_online": 150}))
    assert report.status == "accepted", messages(report)
    unit = con.execute("SELECT DISTINCT unit_key FROM reported_values").fetchone()[0]
    assert unit == "new:23941"  # the reused code resolves to the unit active in the period


def test_template_with_its_metric_codes_edited_is_rejected(loader, con, tmp_path):
    path = filled_template(tmp_path / "edited.xlsx", CHU_SE, "2021Q2", {"work_records_total": 1})
    book = openpyxl.load_workbook(path)
    book["Báo cáo"]["B9"] = "so_ho_so"
    book.save(path)
    before = data_counts(con)
    report = loader.load_file(path)
    assert report.status == "rejected"
    assert "không có trong danh mục" in issue(report, "template_unknown_metric").message_vi
    assert data_counts(con) == before


def test_template_period_against_period_option(loader, con, tmp_path):
    path = filled_template(tmp_path / "q2.xlsx", CHU_SE, "2021Q2", {"work_records_total": 5})
    report = loader.load_file(path, period="2021Q3")
    assert report.status == "rejected"
    assert "Quý II/2021" in issue(report, "period_conflict").message_vi
    assert loader.load_file(path, period="2021Q2").status == "accepted"
