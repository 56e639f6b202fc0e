"""Validation gates of the build: SHACL shapes (pySHACL) and ``*-violation`` queries.

OBO-kit style: each ``queries/violations/*-violation.rq`` must return no rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from talentkg.errors import ValidationError
from talentkg.resources import SHAPES_FILE, VIOLATIONS_DIR


@dataclass
class Violation:
    check: str
    detail: str


def violation_queries() -> list[Path]:
    return sorted(VIOLATIONS_DIR.glob("*-violation.rq"))


def run_violation_queries(store: ox.Store) -> list[Violation]:
    found = []
    for q in violation_queries():
        result = store.query(q.read_text(encoding="utf-8"))
        names = [v.value for v in result.variables]
        for row in result:
            found.append(
                Violation(q.stem, ", ".join(f"{n}={row[n].value if row[n] is not None else ''}" for n in names))
            )
    return found


def run_shacl(triples: list[ox.Triple]) -> list[Violation]:
    import pyshacl

    from talentkg.graph.build import serialize_ntriples
    from talentkg.rdflib_setup import rdflib as _rdflib

    rdflib = _rdflib()
    data = rdflib.Graph()
    data.parse(data=serialize_ntriples(triples), format="nt")
    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    conforms, report_graph, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True
    )
    if conforms:
        return []
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    out = []
    for r in report_graph.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report_graph.value(r, SH.focusNode)
        path = report_graph.value(r, SH.resultPath)
        msg = report_graph.value(r, SH.resultMessage)
        out.append(Violation("shacl", f"{focus} {path}: {msg}"))
    return sorted(out, key=lambda v: v.detail)


def validate_triples(triples: list[ox.Triple]) -> None:
    from talentkg.graph.build import make_store

    problems = run_violation_queries(make_store(triples)) + run_shacl(triples)
    if problems:
        lines = [f"  [{p.check}] {p.detail}" for p in problems[:50]]
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise ValidationError(f"the graph does not validate ({len(problems)} problem(s)):\n" + "\n".join(lines) + more)
