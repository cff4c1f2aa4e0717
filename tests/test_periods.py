"""Periods: written forms ("Quý IV/2020", "6 tháng đầu năm 2021", "năm 2020") become
warehouse labels (2020Q4, 2021H1, 2020), with dates, containment and eras."""
from __future__ import annotations

from datetime import date

import pytest

from vocab.periods import Period, all_periods, latest_ending_by, parse_code, parse_text, quarter_of, quarter_range


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


# Months, ISO weeks and the cumulative nine months: the periods composite indices are reviewed in.

@pytest.mark.parametrize("text,code", [
    ("2026M10", "2026M10"), ("2026M1", "2026M1"), ("Tháng 10/2026", "2026M10"),
    ("BẢNG ĐIỂM CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP THÁNG 10/2023", "2023M10"),
    ("tháng 3 năm 2024", "2024M3"), ("2026W44", "2026W44"), ("2026W05", "2026W05"),
    ("TUẦN 44/2026", "2026W44"), ("Tuần 1 năm 2025", "2025W01"), ("2026Q1-Q3", "2026Q1-Q3"),
    ("9 THÁNG ĐẦU NĂM 2026", "2026Q1-Q3"), ("Báo cáo 9 tháng năm 2025", "2025Q1-Q3"),
    # quarters and half-years still win over a month named beside them
    ("BÁO CÁO QUÝ III/2025 (số liệu đến tháng 9/2025)", "2025Q3"), ("6 tháng đầu năm 2021", "2021H1"),
])
def test_index_period_written_forms(text, code):
    assert parse_text(text).code == code
    assert parse_code(code).code == code


@pytest.mark.parametrize("text", ["Tháng 13/2026", "Tuần 54/2026", "2025W53"])
def test_index_periods_that_do_not_exist(text):
    assert parse_text(text) is None  # 2025 has 52 ISO weeks


@pytest.mark.parametrize("code,start,end,vi,en", [
    ("2026M10", date(2026, 10, 1), date(2026, 10, 31), "Tháng 10/2026", "10/2026"),
    ("2024M2", date(2024, 2, 1), date(2024, 2, 29), "Tháng 2/2024", "02/2024"),
    ("2026W44", date(2026, 10, 26), date(2026, 11, 1), "Tuần 44/2026", "Week 44/2026"),
    # ISO week 1 of 2025 begins on 30/12/2024; 2026 has a week 53 that ends in 2027
    ("2025W01", date(2024, 12, 30), date(2025, 1, 5), "Tuần 1/2025", "Week 1/2025"),
    ("2026W53", date(2026, 12, 28), date(2027, 1, 3), "Tuần 53/2026", "Week 53/2026"),
    ("2026Q1-Q3", date(2026, 1, 1), date(2026, 9, 30), "9 tháng đầu năm 2026", "9M/2026"),
])
def test_index_period_dates_and_labels(code, start, end, vi, en):
    period = parse_code(code)
    assert (period.start, period.end, period.label(), period.label("en")) == (start, end, vi, en)


def test_index_periods_neighbours_and_parts():
    assert parse_code("2026M1").previous().code == "2025M12"
    assert parse_code("2026W01").previous().code == "2025W52"
    assert parse_code("2027W01").previous().code == "2026W53"
    assert parse_code("2026Q1-Q3").previous().code == "2025Q1-Q3"
    assert parse_code("2026W53").year_before().code == "2025W52"
    assert [q.code for q in parse_code("2026Q1-Q3").quarters()] == ["2026Q1", "2026Q2", "2026Q3"]
    assert parse_code("2026M10").quarters() == []


def test_index_periods_order_within_and_across_kinds():
    months = [parse_code(c) for c in ("2026M10", "2025M12", "2026M2")]
    assert [p.code for p in sorted(months)] == ["2025M12", "2026M2", "2026M10"]
    mixed = [parse_code(c) for c in ("2026", "2026Q3", "2026Q1-Q3", "2026M9", "2026W40")]
    assert [p.code for p in sorted(mixed, key=lambda p: p.sort_key)] == \
        ["2026Q1-Q3", "2026Q3", "2026M9", "2026W40", "2026"]


def test_a_month_before_july_2025_is_the_old_era():
    assert parse_code("2025M6").era() == "old"
    assert parse_code("2025M7").era() == "new"
    assert parse_code("2025W27").era() == "both"  # 30/6 to 6/7/2025
    assert parse_code("2025Q1-Q3").era() == "both"


def test_an_index_as_it_stood_at_a_quarter_is_its_latest_period_ended_by_then():
    months = ["2025M12", "2025M9", "2025M10", "2025M8"]
    assert latest_ending_by(months, parse_code("2025Q3")) == "2025M9"  # the quarter's last month
    assert latest_ending_by(months, parse_code("2025")) == "2025M12"
    assert latest_ending_by(["2023", "2024", "2025"], parse_code("2025Q3")) == "2024"  # the DTI: the last year ended
    assert latest_ending_by(months, parse_code("2025Q2")) is None  # nothing scored by then
