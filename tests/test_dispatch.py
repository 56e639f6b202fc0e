"""Dispatch declared in data (issue "One source of truth for every rule", deliverable 3).

Each machine-evaluable criterion names its evaluator (data/criteria.csv `evaluator`); each evaluator
names its step files and the criterion properties it reads (data/evaluators.csv). The build gate
`queries/violations/evaluator-dispatch-violation.rq` fails when a machine-evaluable criterion has no
evaluator, an unknown one, or records a limit (a property marked tk:criterionLimit) its evaluator
does not read. These tests check the gate can fail, and that the declarations are true of the
step files themselves (a declared read that no step reads would make the gate vacuous).
"""

from __future__ import annotations

import csv
import re

import pyoxigraph as ox
import pytest

from talentkg.resources import DATA_DIR, QUERIES_DIR, VIOLATIONS_DIR

TK = "https://w3id.org/talentkg/ontology#"
GATE = (VIOLATIONS_DIR / "evaluator-dispatch-violation.rq").read_text(encoding="utf-8")


def _evaluators() -> list[dict]:
    with open(DATA_DIR / "evaluators.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _store(kg) -> ox.Store:
    s = ox.Store()
    s.bulk_extend(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return s


def _gate(store: ox.Store) -> list[tuple]:
    return [
        tuple(None if r[v] is None else r[v].value for v in ("criterion", "evaluator", "unread"))
        for r in store.query(GATE)
    ]


def test_the_packaged_data_passes_the_gate(kg):
    assert _gate(_store(kg)) == []


@pytest.mark.parametrize("ev", _evaluators(), ids=lambda e: e["id"])
def test_each_declared_read_occurs_in_the_evaluators_steps(ev):
    steps = [s for s in ev["steps"].split(";") if s]
    text = ""
    for s in steps:
        path = QUERIES_DIR / s.removeprefix("queries/")
        assert path.is_file(), f"evaluator {ev['id']}: step {s} does not exist"
        text += path.read_text(encoding="utf-8")
    for prop in ev["reads"].split(";"):
        local = prop.removeprefix("tk:")
        assert re.search(rf"tk:{local}\b", text), (
            f"evaluator {ev['id']} declares it reads {prop}, but {steps} never mention it"
        )


def test_every_machine_evaluable_criterion_names_a_declared_evaluator():
    known = {e["id"] for e in _evaluators()}
    with open(DATA_DIR / "criteria.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["machine_evaluable"] == "true"]
    assert rows, "no machine-evaluable criterion"
    assert {r["id"]: r["evaluator"] for r in rows if r["evaluator"] not in known} == {}


def test_gate_fails_on_a_criterion_without_evaluator(kg):
    s = _store(kg)
    c = ox.NamedNode("https://w3id.org/talentkg/id/criterion/planted")
    s.add(
        ox.Quad(
            c,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(TK + "EligibilityCriterion"),
        )
    )
    s.add(
        ox.Quad(
            c,
            ox.NamedNode(TK + "machineEvaluable"),
            ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
        )
    )
    assert (c.value, None, None) in _gate(s)


def test_gate_fails_on_an_unknown_evaluator(kg):
    s = _store(kg)
    c = ox.NamedNode("https://w3id.org/talentkg/id/criterion/std2017-A-III-9")
    s.remove(next(iter(s.quads_for_pattern(c, ox.NamedNode(TK + "evaluatorKind"), None, ox.DefaultGraph()))))
    s.add(ox.Quad(c, ox.NamedNode(TK + "evaluatorKind"), ox.Literal("horoscope")))
    assert {r[:2] for r in _gate(s)} == {(c.value, "horoscope")}


def test_gate_fails_on_a_limit_its_evaluator_does_not_read(kg):
    # A-III-9 is a salary route; a maximum age recorded on it would be read by no salary step.
    s = _store(kg)
    c = ox.NamedNode("https://w3id.org/talentkg/id/criterion/std2017-A-III-9")
    s.add(
        ox.Quad(
            c,
            ox.NamedNode(TK + "maximumAge"),
            ox.Literal("60", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        )
    )
    assert (c.value, "salary", TK + "maximumAge") in _gate(s)
