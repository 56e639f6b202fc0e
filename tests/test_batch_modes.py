"""Verdict mode (the batch) and explain mode (kg.assess) come from the same rule blocks and agree."""

from __future__ import annotations

import pytest

from talentkg.batch import Engine, Row
from talentkg.batch_verdict import NOT_MET_FILTER, verdict_update
from talentkg.querylib import assessment_updates
from talentkg.synthetic import boundary_salaries, generate, to_csv_rows
from tests.test_cq import CASES


@pytest.fixture(scope="module")
def engines(kg):
    return Engine(kg, mode="explain"), Engine(kg, mode="verdict")


def _rows(profiles):
    _, flat = to_csv_rows(profiles)
    return [
        Row(i + 1, f"t:{i + 2}", {k: str(v) for k, v in r.items() if v not in (None, "")}) for i, r in enumerate(flat)
    ]


def test_verdict_mode_rewrites_only_the_route_blocks():
    rewritten = 0
    for u in assessment_updates():
        v = verdict_update(u.text)
        assert v.replace(NOT_MET_FILTER, "") == u.text, u.name  # the same rule text, plus a filter
        assert v.count(NOT_MET_FILTER) == (1 if "tk:routeOutcome ?node" in u.text else 0), u.name
        rewritten += v != u.text
    assert rewritten >= 5  # salary, points, award, education, basic conditions, recognition


def test_both_modes_agree_on_the_generator_mix(kg, engines):
    explain, verdict = engines
    rows = _rows(generate(1500, seed=44, boundaries=boundary_salaries(kg)))
    a, b = explain.assess_chunk(rows), verdict.assess_chunk(rows)
    assert a == b  # every row, every column
    assert {r["verdict"] for r in a} >= {"A", "B", "C", "undetermined"}
    assert sum(1 for r in a if r["undetermined"]) > 100 and sum(1 for r in a if r["points_total"] != "") > 100


ASSESS_CASES = [c for c in CASES if "profile" in c]


@pytest.mark.parametrize("case", ASSESS_CASES, ids=[c["id"] for c in ASSESS_CASES])
def test_both_modes_agree_on_cq_cases(kg, engines, case):
    explain, verdict = engines
    rows = _rows([case["profile"]])
    a, b = explain.assess_chunk(rows), verdict.assess_chunk(rows)
    assert a == b
    full = kg.assess(case["profile"])  # and the batch row says what the explained answer says
    assert a[0]["verdict"] == full["verdict"] and a[0]["routes"] == ";".join(
        sorted(x["criterion"] for x in full["routes"])
    )
