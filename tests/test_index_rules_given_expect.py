"""Each scoring rule of a composite index as given/expect cases, run through BOTH definitions:
etl.indices.criterion_score in Python and the index_criterion_scores view on a real warehouse
(made by init_warehouse for Gia Lai, given metric values in an accepted file, derived tables
rebuilt as a load leaves them). The two must agree with each other and with the expectation.

The index used is a test one with two versions, so that the version in force at a period's end
is exercised: version "A" to 30/6/2024, version "B" from 1/7/2024 (its linear criterion is worth
20 instead of 10). Its criteria read the quarterly rates govkpi holds:
  lin  linear on dossiers_on_time_rate (on time / resolved), max 10 (B: 20)
  stp  steps on dossiers_online_rate (online / received): ≥ 100% → full, ≥ 80% → half, else ¼; max 8
  yn   yes_no on dossiers_on_time_rate: "yes" from 95%; max 2"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from etl.derived import rebuild_all
from etl.index_catalog import install_indices
from etl.indices import criterion_score, read_index
from etl.warehouse import init_warehouse
from vocab.periods import parse_code

TEST_INDEX = """code: t
name_vi: Bộ chỉ số thử
cadence: quarter
levels: [province, district, commune]
versions:
  - version: "A"
    valid_from: 2022-01-01
    valid_to: 2024-06-30
    source: Văn bản thử A
    max_score: 20
    max_score_source: Văn bản thử A
    grades: []
    groups:
      - code: g
        name_vi: Nhóm thử
        max_score: 20
        source: Văn bản thử A
        criteria:
          - {code: lin, name_vi: Đúng hạn, max_score: 10, source: A, evidence: e, verifier: v,
             rule: {kind: linear, indicator: dossiers_on_time_rate}}
          - {code: stp, name_vi: Trực tuyến, max_score: 8, source: A, evidence: e, verifier: v,
             rule: {kind: steps, indicator: dossiers_online_rate, else_share: 0.25,
                    steps: [{at_least: 1.0, share: 1.0}, {at_least: 0.8, share: 0.5}]}}
          - {code: yn, name_vi: Đạt 95%, max_score: 2, source: A, evidence: e, verifier: v,
             rule: {kind: yes_no, indicator: dossiers_on_time_rate, yes_at_least: 0.95}}
      - code: unset
        name_vi: Nhóm có ngưỡng chưa điền
        max_score: null
        criteria:
          - {code: later, name_vi: Chưa điền, max_score: 5, source: A, evidence: e, verifier: v,
             rule: {kind: steps, indicator: dossiers_online_rate, steps: [{at_least: null, share: 1.0}]}}
  - version: "B"
    valid_from: 2024-07-01
    source: Văn bản thử B
    max_score: 30
    max_score_source: Văn bản thử B
    grades: []
    groups:
      - code: g
        name_vi: Nhóm thử
        max_score: 30
        source: Văn bản thử B
        criteria:
          - {code: lin, name_vi: Đúng hạn, max_score: 20, source: B, evidence: e, verifier: v,
             rule: {kind: linear, indicator: dossiers_on_time_rate}}
          - {code: stp, name_vi: Trực tuyến, max_score: 8, source: B, evidence: e, verifier: v,
             rule: {kind: steps, indicator: dossiers_online_rate, else_share: 0.25,
                    steps: [{at_least: 1.0, share: 1.0}, {at_least: 0.8, share: 0.5}]}}
          - {code: yn, name_vi: Đạt 95%, max_score: 2, source: B, evidence: e, verifier: v,
             rule: {kind: yes_no, indicator: dossiers_on_time_rate, yes_at_least: 0.95}}
"""


@dataclass(frozen=True)
class Case:
    """Given a unit's counts in a quarter, expect a criterion's score under a version."""

    name: str
    unit: str
    period: str
    on_time: int      # dossiers_on_time of dossiers_resolved = 1000
    online: int       # dossiers_online of dossiers_total = 1000
    criterion: str
    version: str
    score: float


CASES = [
    Case("linear: maximum × the on-time share", "old:622", "2023Q1", 855, 500, "lin", "A", 8.55),
    Case("linear: nothing on time scores 0", "old:623", "2023Q1", 0, 500, "lin", "A", 0.0),
    Case("linear: all on time is the maximum", "old:540", "2023Q1", 1000, 500, "lin", "A", 10.0),
    Case("steps: exactly 100% is the full step", "old:622", "2023Q2", 900, 1000, "stp", "A", 8.0),
    Case("steps: exactly 80% is the half step (the boundary belongs to the step)", "old:623", "2023Q2", 900, 800,
         "stp", "A", 4.0),
    Case("steps: 79,9% is below every step: the else share", "old:540", "2023Q2", 900, 799, "stp", "A", 2.0),
    Case("yes/no: exactly 95% on time is yes", "old:622", "2023Q3", 950, 500, "yn", "A", 2.0),
    Case("yes/no: 94,9% on time is no", "old:623", "2023Q3", 949, 500, "yn", "A", 0.0),
    Case("version: 2024Q2 ends on 30/6, version A (max 10)", "old:622", "2024Q2", 500, 500, "lin", "A", 5.0),
    Case("version: 2024Q3 ends on 30/9, version B (max 20)", "old:622", "2024Q3", 500, 500, "lin", "B", 10.0),
    Case("version: B's steps as A's", "old:623", "2024Q3", 500, 850, "stp", "B", 4.0),
]


@pytest.fixture(scope="module")
def test_index(tmp_path_factory):
    path = tmp_path_factory.mktemp("index") / "t.yaml"
    path.write_text(TEST_INDEX, encoding="utf-8")
    return read_index(path)


@pytest.fixture(scope="module")
def scored(tmp_path_factory, test_index) -> dict[tuple, tuple]:
    """The index_criterion_scores rows of a warehouse given every case's counts."""
    path = tmp_path_factory.mktemp("index_rules") / "rules.duckdb"
    init_warehouse(path, "Gia Lai")
    con = duckdb.connect(str(path))
    try:
        install_indices(con, {"t": test_index})
        con.execute("INSERT INTO submissions (submission_id, file_name, file_sha256, loaded_at, status,"
                    " units_count, values_count, errors_count, warnings_count)"
                    " VALUES (1, 'given.xlsx', 'x', now(), 'accepted', 0, 0, 0, 0)")
        values = {}
        for case in CASES:
            values[(case.unit, case.period)] = [("dossiers_resolved", 1000), ("dossiers_on_time", case.on_time),
                                                ("dossiers_total", 1000), ("dossiers_online", case.online)]
        con.executemany("INSERT INTO reported_values (submission_id, unit_key, period, metric_code, value)"
                        " VALUES (1, ?, ?, ?, ?)",
                        [(u, p, m, v) for (u, p), rows in values.items() for m, v in rows])
        con.executemany("INSERT INTO unit_reports VALUES (1, ?, ?, ?)",
                        [(u, p, datetime(2025, 1, 10)) for u, p in values])
        rebuild_all(con)
        rows = con.execute("SELECT unit_key, period, criterion_code, version, score, max_score, rule_kind, ratio,"
                           " group_code, source FROM index_criterion_scores WHERE index_code = 't'").fetchall()
        groups = con.execute("SELECT unit_key, period, group_code, version, score, source FROM index_group_scores"
                             " WHERE index_code = 't'").fetchall()
    finally:
        con.close()
    return {"criteria": {(r[0], r[1], r[2]): r[3:] for r in rows},
            "groups": {(r[0], r[1], r[2]): r[3:] for r in groups}}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_python_and_sql_score_a_criterion_alike(case: Case, test_index, scored):
    version = test_index.version_for(parse_code(case.period))
    assert version.version == case.version
    criterion = next(c for g in version.groups for c in g.criteria if c.code == case.criterion)
    ratio = (case.on_time if criterion.rule.indicators[0] == "dossiers_on_time_rate" else case.online) / 1000
    in_python = criterion_score(criterion, ratio=ratio)

    sql_version, in_sql, max_score, kind, sql_ratio, group, source = \
        scored["criteria"][(case.unit, case.period, case.criterion)]

    assert in_python == pytest.approx(case.score)
    assert in_sql == pytest.approx(case.score)
    assert (sql_version, max_score, kind, source) == (case.version, criterion.max_score, criterion.rule.kind,
                                                      "computed")
    assert sql_ratio == pytest.approx(ratio)


def test_a_group_is_computed_as_the_sum_of_its_criteria_when_all_are_scored(scored):
    # old:622 in 2023Q1: 85,5% on time → 8,55; 50% online → below every step, ¼ of 8 = 2; not 95% → 0
    version, score, source = scored["groups"][("old:622", "2023Q1", "g")]
    assert (version, source) == ("A", "computed") and score == pytest.approx(8.55 + 2.0 + 0.0)
    # version B from 2024Q3: 50% on time of 20 → 10; 50% online → ¼ of 8 = 2; not 95% → 0
    version, score, source = scored["groups"][("old:622", "2024Q3", "g")]
    assert (version, source) == ("B", "computed") and score == pytest.approx(12.0)


def test_a_criterion_whose_threshold_the_province_has_not_set_is_not_computed(scored):
    assert not any(code == "later" for _, _, code in scored["criteria"])
    assert not any(group == "unset" for _, _, group in scored["groups"])
