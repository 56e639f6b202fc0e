"""Validation gates of the build: SHACL shapes (pySHACL) and ``*-violation`` queries.

OBO-kit style: each ``queries/violations/*-violation.rq`` must return no rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from talentkg.errors import DataError, ValidationError
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
        result = _run_gate(store, q)
        names = [v.value for v in result.variables]
        for row in result:
            found.append(
                Violation(q.stem, ", ".join(f"{n}={row[n].value if row[n] is not None else ''}" for n in names))
            )
    return found


def _run_gate(store: ox.Store, q: Path):
    """Run one violation query; a broken file is a DataError naming queries/violations/X.rq:line."""
    import re

    from talentkg.graph.build import source_name

    try:
        text = q.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DataError(source_name(q), None, "is not UTF-8 text; save it as UTF-8") from None
    try:
        result = store.query(text)
    except SyntaxError as e:
        m = re.search(r"error at (\d+):(\d+)", str(e))
        line = int(m.group(1)) if m else None
        raise DataError(source_name(q), line, f"is not a valid SPARQL query: {e}; fix the file") from None
    if not isinstance(result, ox.QuerySolutions):
        raise DataError(source_name(q), None, "must be a SELECT query (each row it returns is a violation)")
    return result


def _parse_shapes(path: Path):
    import re

    from talentkg.graph.build import source_name
    from talentkg.rdflib_setup import rdflib as _rdflib

    try:
        return _rdflib().Graph().parse(path, format="turtle")
    except UnicodeDecodeError:
        raise DataError(source_name(path), None, "is not UTF-8 text; save it as UTF-8") from None
    except Exception as e:  # rdflib's BadSyntax and friends: the message carries the line
        if type(e).__name__ != "BadSyntax" and not isinstance(e, (SyntaxError, ValueError)):
            raise
        m = re.search(r"at line (\d+)", str(e))
        why = getattr(e, "_why", None) or str(e).splitlines()[-1][:200]
        raise DataError(
            source_name(path), int(m.group(1)) if m else None, f"is not valid Turtle: {why}; fix the file"
        ) from None


def run_shacl(triples: list[ox.Triple]) -> list[Violation]:
    import pyshacl

    from talentkg.graph.build import serialize_ntriples
    from talentkg.rdflib_setup import rdflib as _rdflib

    rdflib = _rdflib()
    data = rdflib.Graph()
    data.parse(data=serialize_ntriples(triples), format="nt")
    shapes = _parse_shapes(SHAPES_FILE)
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
