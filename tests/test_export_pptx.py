"""The deck: 16:9 from the shipped template, native charts whose data equal level_progress,
the finding as each indicator slide's title, the numbers in the speaker notes."""
from __future__ import annotations

from datetime import date

import duckdb
import pytest
from pptx import Presentation
from pptx.util import Inches

from exports import export
from vocab.findings import level_finding
from vocab.vnformat import fmt_date_long, fmt_pct

PERIOD = "2025Q3"
LEVELS = {"province": 1, "district": 2, "commune": 3}
LEVEL_VI = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}


@pytest.fixture(scope="module")
def warehouse(demo_db):
    """The demo warehouse: built through the real loader, read through the real views."""
    return demo_db


@pytest.fixture(scope="module")
def deck(warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("deck") / "deck.pptx"
    export("pptx", PERIOD, str(warehouse), str(out), made_on=date(2026, 11, 23))
    return Presentation(str(out))


@pytest.fixture(scope="module")
def views(warehouse):
    """level_progress at the period, read directly: {indicator: [rows in level order]}."""
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute(
        "SELECT indicator_code, level, value, target, status FROM level_progress "
        "WHERE period = ? AND target IS NOT NULL", [PERIOD]).fetchall()
    names = dict(con.execute("SELECT indicator_code, name_vi FROM catalog_indicators").fetchall())
    expired_on = {(code, level): deadline for code, level, deadline in con.execute(
        "SELECT indicator_code, level, deadline FROM level_progress WHERE period = ? AND status = 'expired'",
        [PERIOD]).fetchall()}
    trend = con.execute(
        # the target line stops where the target expired: no target in force to be measured against
        "SELECT indicator_code, period, level, value, CASE WHEN status <> 'expired' THEN target END FROM level_progress "
        "WHERE period_type = 'quarter' AND period <= ? AND period >= '2023Q4'", [PERIOD]).fetchall()
    assert con.execute("SELECT count(*) FROM level_progress WHERE period_type = 'quarter' AND period <= ? "
                       "AND period >= '2023Q4' AND status = 'expired'", [PERIOD]).fetchone()[0]  # the case is there
    con.close()
    by_indicator: dict[str, list] = {}
    for code, level, value, target, status in sorted(rows, key=lambda r: (r[0], LEVELS[r[1]])):
        by_indicator.setdefault(code, []).append((level, value, target, status))
    return {"levels": by_indicator, "names": names, "trend": trend, "expired_on": expired_on}


def _indicator_slides(deck, views):
    """Maps each indicator slide to its code by the first line of its speaker notes (the name)."""
    code_by_name = {name: code for code, name in views["names"].items()}
    found = {}
    for slide in deck.slides:
        if not slide.has_notes_slide:
            continue
        first = slide.notes_slide.notes_text_frame.text.split("\n", 1)[0]
        if first in code_by_name:
            found[code_by_name[first]] = slide
    return found


def test_deck_is_16_9(deck):
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))


def test_title_slide_names_province_period_and_date_in_vietnamese(deck):
    text = "\n".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert "Quý III/2025" in text
    assert "Gia Lai" in text
    assert fmt_date_long(date(2026, 11, 23)) in text


def test_one_slide_per_targeted_indicator_with_data(deck, views):
    with_data = {c for c, rows in views["levels"].items() if any(r[1] is not None for r in rows)}
    assert set(_indicator_slides(deck, views)) == with_data


def test_targets_without_data_are_named_on_the_summary(deck, views):
    empty = [c for c, rows in views["levels"].items() if all(r[1] is None for r in rows)]
    text = "\n".join(s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame)
    for code in empty:
        assert views["names"][code] in text


def test_bar_chart_data_equal_level_progress(deck, views):
    for code, slide in _indicator_slides(deck, views).items():
        charts = [s.chart for s in slide.shapes if s.has_chart]
        assert charts, f"{code}: no native chart"
        bar = charts[0]
        expected = views["levels"][code]
        assert list(bar.plots[0].categories) == [LEVEL_VI[r[0]] for r in expected]
        actual, target = bar.plots[0].series
        assert actual.values == pytest.approx([r[1] for r in expected])
        assert target.values == pytest.approx([r[2] for r in expected])


def test_trend_chart_data_equal_level_progress_and_draw_no_expired_target(deck, views):
    by_key = {(c, p, l): (v, t) for c, p, l, v, t in views["trend"]}
    for code, slide in _indicator_slides(deck, views).items():
        charts = [s.chart for s in slide.shapes if s.has_chart]
        assert len(charts) == 2, f"{code}: the trend chart is missing"
        line = charts[1]
        periods = sorted({p for c, p, _ in by_key if c == code})
        levels = [lv for lv in LEVELS if any((code, p, lv) in by_key for p in periods)]
        series = list(line.plots[0].series)
        assert [s.name for s in series[:len(levels)]] == [LEVEL_VI[lv] for lv in levels]
        for s, level in zip(series, levels):
            want = [by_key.get((code, p, level), (None, None))[0] for p in periods]
            assert [None if v is None else pytest.approx(v) for v in s.values] == want
        targeted = [lv for lv in levels if any(by_key.get((code, p, lv), (None, None))[1] is not None for p in periods)]
        assert len(series) == len(levels) + len(targeted)  # no legend entry for a line never drawn
        for s, level in zip(series[len(levels):], targeted):
            want = [by_key.get((code, p, level), (None, None))[1] for p in periods]
            assert [None if v is None else pytest.approx(v) for v in s.values] == want


def test_slide_title_is_the_finding(deck, views):
    for code, slide in _indicator_slides(deck, views).items():
        parts = [level_finding(level, value, target, "vi", views["expired_on"].get((code, level)))
                 for level, value, target, _ in views["levels"][code]]
        parts = [p if i == 0 else p[0].lower() + p[1:] for i, p in enumerate(parts)]
        assert slide.shapes.title.text == "; ".join(parts)
        if any(key[0] == code for key in views["expired_on"]):  # an expired target is never 'đạt chỉ tiêu'
            assert "hết hạn" in slide.shapes.title.text


def test_charts_are_native_not_pictures(deck, views):
    for slide in _indicator_slides(deck, views).values():
        assert not [s for s in slide.shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE


def test_speaker_notes_carry_the_numbers(deck, views):
    for code, slide in _indicator_slides(deck, views).items():
        notes = slide.notes_slide.notes_text_frame.text
        for level, value, target, _ in views["levels"][code]:
            assert fmt_pct(value) in notes


def test_summary_slide_counts_indicators_met_per_level_as_the_views_do(deck, views):
    # "cấp xã 2/5": of the 5 indicators with a commune target, 2 are met (never indicator × level).
    by_level: dict[str, list[str]] = {}
    for rows in views["levels"].values():
        for level, _, _, status in rows:
            by_level.setdefault(level, []).append(status)
    title = deck.slides[1].shapes.title.text
    assert title.startswith("Chỉ tiêu đạt: ")
    for level, statuses in by_level.items():
        assert f"{LEVEL_VI[level].lower()} {statuses.count('met')}/{len(statuses)}" in title
    text = "\n".join(s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame)
    total = sum(len(s) for s in by_level.values())
    assert f"Đếm theo từng chỉ tiêu ở từng cấp: {total} lượt chỉ tiêu × cấp." in text


def test_lagging_slide_counts_units_behind(deck, warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    behind = con.execute("SELECT count(DISTINCT unit_key) FROM target_progress "
                         "WHERE period = ? AND status = 'behind'", [PERIOD]).fetchone()[0]
    con.close()
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert any(t.startswith(f"{behind} đơn vị chưa đạt") for t in titles) or behind == 0


def test_each_language_deck_prints_its_own_numbers(warehouse, tmp_path):
    """Every number format on the charts carries the deck's language: 78,5% in the Vietnamese
    deck, 78.5% in the English one (a viewer follows the format's locale, not its own)."""
    import re
    import zipfile

    for lang, tag, other in (("vi", "[$-42A]", "[$-409]"), ("en", "[$-409]", "[$-42A]")):
        out = tmp_path / f"deck-{lang}.pptx"
        export("pptx", PERIOD, str(warehouse), str(out), lang, made_on=date(2026, 11, 23))
        with zipfile.ZipFile(out) as z:
            charts = [z.read(n).decode() for n in z.namelist() if n.startswith("ppt/charts/chart")]
        codes = [c for chart in charts for c in re.findall(r'formatCode="([^"]*)"', chart)
                 + re.findall(r"<c:formatCode>([^<]*)</c:formatCode>", chart)]
        shown = [c for c in codes if "0" in c and c != "General"]
        assert shown and all(c.startswith(tag) for c in shown), (lang, sorted(set(shown)))
        assert not any(other in c for c in codes)


def test_each_indicator_slide_says_its_period_and_the_units_it_stands_on(deck, warehouse, views):
    """Beside the finding (value against the target in force): the period, and per level how
    many units have data of those expected, as level_progress counts them."""
    con = duckdb.connect(str(warehouse), read_only=True)
    counts = {(c, lv): (r, e) for c, lv, r, e in con.execute(
        "SELECT indicator_code, level, units_reporting, units_expected FROM level_progress "
        "WHERE period = ? AND target IS NOT NULL", [PERIOD]).fetchall()}
    con.close()
    for code, slide in _indicator_slides(deck, views).items():
        basis = next(s for s in slide.shapes if s.name == "indicator basis").text_frame.text
        assert "Quý III/2025 · đơn vị có số liệu: " in basis
        for level, *_ in views["levels"][code]:
            reporting, expected = counts[(code, level)]
            assert f"{LEVEL_VI[level].lower()} {reporting}/{expected}" in basis, (code, basis)
