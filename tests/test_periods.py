"""Periods: written forms ("Quý IV/2020", "6 tháng đầu năm 2021", "năm 2020") become
warehouse labels (2020Q4, 2021H1, 2020), with dates, containment and eras."""
from __future__ import annotations

from datetime import date

import pytest

from vocab.periods import Period, all_periods, parse_code, parse_text, quarter_of, quarter_range


@pytest.mark.parametrize("text,code", [
    ("2025Q3", "2025Q3"), ("Q4/2024", "2024Q4"), ("IV/2024", "2024Q4"), ("Quý IV/2024", "2024Q4"),
    ("QUÝ IV/2020", "2020Q4"), ("quý 2 năm 2021", "2021Q2"), ("Quý II năm 2021", "2021Q2"),
    ("BẢNG TỔNG HỢP KẾT QUẢ ỨNG DỤNG CNTT CẤP HUYỆN QUÝ II/2021", "2021Q2"),
    ("6 tháng đầu năm 2021", "2021H1"), ("Báo cáo 6 tháng cuối năm 2020", "2020H2"), ("2021H1", "2021H1"),
    ("năm 2020", "2020"), ("NĂM 2020", "2020"), ("2020", "2020"), ("Quy IV/2020", "2020Q4"),
])
def test_written_forms(text, code):
    assert parse_text(text).code == code


@pytest.mark.parametrize("text", ["Bảng tổng hợp", "ngày 15", "Quý V/2021", "", "123/BC-STTTT"])
def test_text_stating_no_period(text):
    assert parse_text(text) is None


def test_parse_code_rejects_with_a_vietnamese_message():
    with pytest.raises(ValueError, match="Kỳ báo cáo không hợp lệ"):
        parse_code("hôm qua")


def test_dates_and_labels():
    q = parse_code("2020Q4")
    assert (q.start, q.end) == (date(2020, 10, 1), date(2020, 12, 31))
    assert q.label() == "Quý IV/2020" and q.label("en") == "Q4/2020"
    h = parse_code("2021H1")
    assert (h.start, h.end, h.label()) == (date(2021, 1, 1), date(2021, 6, 30), "6 tháng đầu năm 2021")
    y = parse_code("2020")
    assert (y.start, y.end, y.label()) == (date(2020, 1, 1), date(2020, 12, 31), "Năm 2020")


def test_containment_and_neighbours():
    assert [q.code for q in parse_code("2021H2").quarters()] == ["2021Q3", "2021Q4"]
    assert [q.code for q in parse_code("2021").quarters()] == ["2021Q1", "2021Q2", "2021Q3", "2021Q4"]
    assert parse_code("2021Q1").previous().code == "2020Q4"
    assert parse_code("2021H1").previous().code == "2020H2"
    assert parse_code("2021Q3").year_before().code == "2020Q3"
    assert quarter_of(date(2025, 7, 1)).code == "2025Q3"
    assert [q.code for q in quarter_range(parse_code("2020Q3"), parse_code("2021Q2"))] == \
        ["2020Q3", "2020Q4", "2021Q1", "2021Q2"]
    assert len(all_periods(2020, 2021)) == 14


def test_eras_of_the_2025_reform():
    assert parse_code("2025Q2").era() == "old"
    assert parse_code("2025Q3").era() == "new"
    assert parse_code("2025").era() == "both"
    assert parse_code("2025H2").era() == "new"


def test_periods_order():
    assert Period(2020, "quarter", 4) < Period(2021, "quarter", 1)
