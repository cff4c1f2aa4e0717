"""Composite indices as data: each scoring rule given → expected, the version in force for a
period, grades, and the YAML checks that name the file and the entry."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from etl.catalog import CatalogError
from etl.indices import (Criterion, GradeBand, IndexVersion, MissingSetting, Rule, Step, criterion_score, grade_of,
                         load_indices, missing_settings, read_index)
from vocab.periods import parse_code


def criterion(kind: str, max_score: float | None = 10, steps=(), else_share=0.0) -> Criterion:
    return Criterion("c", "Tiêu chí", "Criterion", max_score, Rule(kind, steps=tuple(steps), else_share=else_share),
                     "Báo cáo", "Sở KH&CN", "test", "test.yaml: v / g / c")


@pytest.mark.parametrize("ratio,expected", [
    (0.0, 0.0), (0.5, 5.0), (0.855, 8.55), (1.0, 10.0),
    (1.2, 10.0),   # a ratio above 100% is capped at the maximum
    (-0.1, 0.0), (None, None),
])
def test_linear_rule_is_the_maximum_times_the_ratio_capped(ratio, expected):
    assert criterion_score(criterion("linear"), ratio=ratio) == pytest.approx(expected) if expected is not None \
        else criterion_score(criterion("linear"), ratio=ratio) is None


STEPS = [Step(1.0, 1.0), Step(0.8, 0.5)]  # ≥ 100% → full, 80–100% → half, below → 0


@pytest.mark.parametrize("ratio,expected", [
    (1.0, 10.0), (1.05, 10.0),          # the full step includes its boundary
    (0.9999, 5.0), (0.8, 5.0),          # 80% is in the half step
    (0.7999, 0.0), (0.0, 0.0),
])
def test_steps_rule_with_its_boundaries(ratio, expected):
    assert criterion_score(criterion("steps", steps=STEPS), ratio=ratio) == expected


def test_steps_rule_below_every_step_gives_the_else_share():
    assert criterion_score(criterion("steps", steps=STEPS, else_share=0.25), ratio=0.1) == 2.5


@pytest.mark.parametrize("answer,expected", [(True, 10.0), (False, 0.0), (None, None)])
def test_yes_no_rule(answer, expected):
    assert criterion_score(criterion("yes_no"), answer=answer) == expected


@pytest.mark.parametrize("reported,expected", [(7.25, 7.25), (0, 0.0), (10, 10.0), (None, None)])
def test_reported_rule_takes_the_score_as_published(reported, expected):
    assert criterion_score(criterion("reported"), reported=reported) == expected


def test_a_reported_score_above_the_maximum_is_refused():
    with pytest.raises(ValueError, match="ngoài 0..10"):
        criterion_score(criterion("reported"), reported=10.5)


def test_a_maximum_the_province_has_not_filled_in_is_said_not_invented():
    with pytest.raises(MissingSetting, match="chưa có căn cứ, tỉnh điền"):
        criterion_score(criterion("linear", max_score=None), ratio=0.5)
    with pytest.raises(MissingSetting, match="chưa có căn cứ, tỉnh điền"):
        criterion_score(criterion("steps", steps=[Step(None, 1.0)]), ratio=0.5)


def version(grades) -> IndexVersion:
    return IndexVersion("x", "1", date(2022, 1, 1), date(9999, 12, 31), "test", 100, "test", tuple(grades), ())


@pytest.mark.parametrize("score,grade", [(95, "Xuất sắc"), (90, "Xuất sắc"), (89.99, "Tốt"), (50, "Trung bình"),
                                         (0, "Yếu"), (None, None)])
def test_grade_bands_include_their_lower_bound(score, grade):
    bands = [GradeBand("Xuất sắc", "Excellent", 90, "t"), GradeBand("Tốt", "Good", 80, "t"),
             GradeBand("Khá", "Fair", 65, "t"), GradeBand("Trung bình", "Average", 50, "t"),
             GradeBand("Yếu", "Weak", 0, "t")]
    assert grade_of(version(bands), score) == grade


def test_a_grade_threshold_not_filled_in_is_said():
    with pytest.raises(MissingSetting, match="Xuất sắc.*chưa có căn cứ, tỉnh điền"):
        grade_of(version([GradeBand("Xuất sắc", "Excellent", None, None), GradeBand("Yếu", "Weak", 0, "t")]), 97)


# The shipped indices -----------------------------------------------------------------------

def test_the_766_index_of_2022_has_the_five_groups_of_the_decision():
    v = load_indices()["766"].version_for(parse_code("2023M10"))
    assert v.version == "2022" and v.max_score == 100
    assert [(g.name_vi, g.max_score) for g in v.groups] == [
        ("Công khai, minh bạch", 18), ("Tiến độ, kết quả giải quyết", 20), ("Số hóa hồ sơ", 22),
        ("Cung cấp dịch vụ trực tuyến", 22), ("Mức độ hài lòng", 18)]


@pytest.mark.parametrize("period,expected", [
    ("2022", "2022"),        # 922/QĐ-BTTTT from 20/5/2022
    ("2024", "2022"),
    ("2025", "2025"),        # 405/QĐ-BKHCN from 3/4/2025: in force at the end of 2025
    ("2021", None),          # before any version govkpi holds
])
def test_the_version_in_force_at_the_period_end_is_used(period, expected):
    found = load_indices()["dti"].version_for(parse_code(period))
    assert (found.version if found else None) == expected


def test_every_figure_the_shipped_files_give_cites_its_text():
    for index in load_indices().values():
        for v in index.versions:
            assert v.source and (v.max_score is None or v.max_score_source)
            assert all(g.source for g in v.groups if g.max_score is not None)
            assert all(c.source for g in v.groups for c in g.criteria if c.max_score is not None)
            assert all(b.source for b in v.grades if b.min_score is not None)


def test_what_the_province_fills_in_is_listed():
    missing = missing_settings(load_indices())
    assert any("766.yaml" in m and "Xuất sắc" in m for m in missing)
    assert all(m.endswith("chưa có căn cứ, tỉnh điền") for m in missing)


@pytest.mark.parametrize("change,message", [
    ("max_score: 18\n", "max_score: 19\n"),
])
def test_group_maxima_must_add_up_to_the_total(tmp_path: Path, change, message):
    text = (Path(__file__).parents[1] / "data/catalog/indices/766.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "766.yaml"
    bad.write_text(text.replace(change, message, 1), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"766.yaml: phiên bản 2022: điểm tối đa các nhóm cộng lại 101"):
        read_index(bad)


def test_a_weight_without_its_source_names_the_file_and_entry(tmp_path: Path):
    bad = tmp_path / "x.yaml"
    bad.write_text("""code: x
cadence: year
levels: [province]
versions:
  - version: "1"
    valid_from: 2024-01-01
    source: QĐ 1
    max_score: null
    groups:
      - {code: a, name_vi: Nhóm A, max_score: 10}
""", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"x.yaml: phiên bản 1 / nhóm a: điểm tối đa 10 chưa ghi văn bản căn cứ"):
        read_index(bad)


@pytest.mark.parametrize("rule,message", [
    ("{kind: yes_no, indicator: dossiers_on_time_rate}",
     "cách tính có/không trên chỉ số dossiers_on_time_rate cần yes_at_least"),
    ("{kind: linear, indicator: dossiers_on_time_rate, yes_at_least: 1.0}", "yes_at_least chỉ dùng cho cách tính yes_no"),
])
def test_a_yes_no_read_from_a_ratio_says_from_which_ratio_it_is_yes(tmp_path: Path, rule, message):
    bad = tmp_path / "x.yaml"
    bad.write_text(f"""code: x
cadence: year
levels: [province]
versions:
  - version: "1"
    valid_from: 2024-01-01
    source: QĐ 1
    groups:
      - code: a
        name_vi: Nhóm A
        criteria:
          - {{code: c, name_vi: Tiêu chí, evidence: e, verifier: v, rule: {rule}}}
""", encoding="utf-8")
    with pytest.raises(CatalogError, match=f"x.yaml: 1 / a / c: {message}"):
        read_index(bad)
