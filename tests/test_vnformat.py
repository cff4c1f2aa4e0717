"""Vietnamese numbers: "1.937" is 1937, "8,5" is 8.5 (not a whole count), blank is not 0."""
from __future__ import annotations

from datetime import date

import pytest

from vocab.vnformat import fmt_date, fmt_date_long, fmt_int, fmt_pct, fmt_points, fmt_rate, nfc, parse_count, parse_rate


@pytest.mark.parametrize("raw,value", [
    ("1.937", 1937), ("12.500", 12500), ("1.234.567", 1234567), ("680.000", 680000), ("12 500", 12500),
    ("12\u00a0500", 12500), ("1,234,567", 1234567), (1937, 1937), (1937.0, 1937), ("0", 0), (" 42 ", 42),
    ("1937.0", 1937), ("+5", 5), ("1.234,0", 1234),
])
def test_counts_parse_the_vietnamese_way(raw, value):
    parsed = parse_count(raw)
    assert (parsed.value, parsed.problem) == (value, None)


@pytest.mark.parametrize("raw", [None, "", "   ", "-", "–", "—"])
def test_blank_is_not_reported_not_zero(raw):
    parsed = parse_count(raw)
    assert parsed.value is None and parsed.problem is None


@pytest.mark.parametrize("raw,problem", [
    ("8,5", "fraction"), (8.5, "fraction"), ("1.5", "fraction"), ("1.234,5", "fraction"), ("0,1", "fraction"),
    ("-3", "negative"), (-3, "negative"), ("-1.200", "negative"), (-0.5, "negative"),
    ("abc", "text"), ("12 hồ sơ", "text"), ("8,5%", "text"), (True, "text"), ("1.2.3", "text"),
])
def test_bad_counts_say_what_is_wrong(raw, problem):
    parsed = parse_count(raw)
    assert parsed.value is None and parsed.problem == problem


def test_rates():
    assert parse_rate("8,5%") == pytest.approx(0.085)
    assert parse_rate("100%") == pytest.approx(1.0)
    assert parse_rate(0.085) == pytest.approx(0.085)
    assert parse_rate("8,5") is None


def test_printing_as_vietnamese_write_it():
    assert fmt_int(1937) == "1.937"
    assert fmt_int(1937, "en") == "1,937"
    assert fmt_int(None) == "–" and fmt_int(float("nan")) == "–"
    assert fmt_pct(0.085) == "8,5%" and fmt_pct(0.085, "en") == "8.5%"
    assert fmt_pct(166 / 1937, digits=2) == "8,57%"
    assert fmt_points(0.023) == "+2,3 điểm %" and fmt_points(-0.023, "en") == "-2.3 pp"
    assert fmt_date(date(2026, 11, 23)) == "23/11/2026"
    assert fmt_date_long(date(2021, 7, 5)) == "ngày 05 tháng 07 năm 2021"


def test_nfc():
    import unicodedata

    assert nfc(unicodedata.normalize("NFD", "Chư Sê")) == "Chư Sê"


def test_names_sort_in_vietnamese_alphabetical_order():
    from vocab.vnformat import vn_sort_key
    names = ["Xã Ya Hội", "Xã Ân Tường", "Xã An Hòa", "Xã Đak Pơ", "Xã Dak Rong", "Xã Ăn", "Phường Ơ", "Phường O"]
    assert sorted(names, key=vn_sort_key) == [
        "Phường O", "Phường Ơ", "Xã An Hòa", "Xã Ăn", "Xã Ân Tường", "Xã Dak Rong", "Xã Đak Pơ", "Xã Ya Hội"]


def test_numbered_districts_sort_by_their_number_and_never_tie():
    """Ho Chi Minh City's Quận 1 … Quận 12: a tie let the heatmap swap Quận 4 and Quận 8 between runs."""
    from vocab.vnformat import vn_sort_key
    names = ["Quận 10", "Quận Bình Thạnh", "Quận 2", "Quận 8", "Quận 1", "Quận 4", "Phường 12", "Phường 3"]
    assert sorted(names, key=vn_sort_key) == [
        "Phường 3", "Phường 12", "Quận 1", "Quận 2", "Quận 4", "Quận 8", "Quận 10", "Quận Bình Thạnh"]
    assert vn_sort_key("Quận 4") != vn_sort_key("Quận 8")


@pytest.mark.parametrize("value,target,digits,shown", [
    (0.5996, 0.6, 1, "59,9%"),   # below its target: never printed as 60,0%
    (0.6, 0.6, 1, "60,0%"),      # met exactly
    (0.59999, 0.6, 1, "59,9%"),
    (0.6004, 0.6, 1, "60,0%"),   # above: ordinary rounding
    (0.4567, 0.6, 1, "45,7%"),   # far below: ordinary rounding
    (0.596, 0.6, 0, "59%"),      # whole percentages (the heatmap)
    (0.8995, 0.9, 1, "89,9%"),
    (0.8995, None, 1, "90,0%"),  # no target: nothing to flip
    (None, 0.6, 1, "–"),
])
def test_a_rate_below_its_target_never_prints_equal_to_or_above_it(value, target, digits, shown):
    assert fmt_rate(value, target, digits=digits) == shown


def test_rates_beside_targets_keep_the_comparison_in_english_too():
    assert fmt_rate(0.5996, 0.6, "en") == "59.9%"


@pytest.mark.parametrize("places, shown", [(3, "↑3"), (-2, "↓2"), (0, "="), (None, "–"), (float("nan"), "–")])
def test_a_ranks_movement_reads_as_arrows_up_down_or_equal(places, shown):
    from vocab.vnformat import fmt_rank_change

    assert fmt_rank_change(places) == shown


def test_the_first_period_scored_has_no_movement_even_from_a_nullable_column():
    """The ranking of an index's first month: rank_change is pandas' NA (an Int64 column)."""
    import pandas as pd
    from vocab.vnformat import fmt_rank_change

    assert [fmt_rank_change(v) for v in pd.array([2, None], dtype="Int64")] == ["↑2", "–"]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("pattern", ["#,##0", "#,##0.0", "#,##0.00"])
def test_grouped_numbers_print_exactly_as_babel_prints_them(pattern, lang):
    """fmt_decimal draws its grouped patterns itself (a page prints thousands of rates): the same
    text as babel's, ties rounded half-even on the number as written, -0 kept, thousands grouped."""
    import random

    from babel.numbers import format_decimal, parse_pattern

    from vocab.vnformat import LOCALES, fmt_decimal

    rng = random.Random(2019)
    values = [0, 0.0, -0.0, 0.05, 0.15, 0.25, 2.5, 3.5, -2.5, 0.125, -0.04, -0.05, 99.95, 999.95, 999.949, 1000,
              1234567.125, 1e15, 5e-7, 1 / 3 * 100, 2 / 3 * 100, 56.25, 56.35, 10**12 + 7]
    values += [rng.randint(0, 5000) / rng.randint(1, 5000) * 100 for _ in range(3000)]
    values += [rng.randint(-10**6, 10**6) / 1000 for _ in range(3000)]
    values += [rng.random() * 10 ** rng.randint(-8, 15) for _ in range(1000)]
    for value in values:
        assert fmt_decimal(value, pattern, lang) == format_decimal(value, format=parse_pattern(pattern), locale=LOCALES[lang]), value


def test_a_ranking_reads_its_scores_with_the_same_two_decimals():
    from vocab.vnformat import fmt_score

    assert [fmt_score(v, fixed=True) for v in (98.61, 79.2, 100)] == ["98,61", "79,20", "100,00"]
    assert [fmt_score(v) for v in (98.61, 79.2, 100)] == ["98,61", "79,2", "100"]  # a maximum or a threshold
    assert fmt_score(1234.5, "en", fixed=True) == "1,234.50"
