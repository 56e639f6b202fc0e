"""Every library query declares every column it returns (`# columns: name:type`), so that pandas
dtypes follow the declaration, never the data (issue 14); and the declared types fit the values."""

from __future__ import annotations

import re

import pytest

from talentkg.querylib import library
from talentkg.terms import declared_columns, term_kind

LIBRARY = library()


def projection(text: str) -> list[str] | None:
    """The variables a SELECT query returns, in order (``(expr AS ?v)`` gives ``v``); None for other forms."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    m = re.search(r"\bSELECT\b(.*?)\bWHERE\b", body, re.S | re.I)
    if not m:
        return None
    sel, out, k = m.group(1), [], 0
    while k < len(sel):
        if sel[k] == "(":
            depth, start = 1, k
            k += 1
            while depth:
                depth += (sel[k] == "(") - (sel[k] == ")")
                k += 1
            alias = re.search(r"\bAS\s+\?(\w+)\s*\)$", sel[start:k], re.I)
            assert alias, f"a projected expression without AS: {sel[start:k]}"
            out.append(alias.group(1))
            continue
        var = re.match(r"[?$](\w+)", sel[k:])
        if var:
            out.append(var.group(1))
            k += var.end()
            continue
        k += 1
    return out


def test_projection_parser_reads_aliases_and_skips_inner_variables():
    text = '# title: t\nSELECT ?a (GROUP_CONCAT(DISTINCT ?x; separator=";") AS ?b) ?c WHERE { ?a ?c ?x }'
    assert projection(text) == ["a", "b", "c"]
    assert projection("ASK { ?s ?p ?o }") is None


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_every_library_query_declares_every_column_it_returns(name):
    text = LIBRARY[name].text
    cols = projection(text)
    if cols is None:
        pytest.skip("not a SELECT query")
    declared = declared_columns(text)
    assert list(declared) == cols, (
        f"{name}: '# columns:' must list {cols} in SELECT order; "
        f"missing {[c for c in cols if c not in declared]}, extra {[c for c in declared if c not in cols]}"
    )


def _fits(declared: str, kind: str) -> bool:
    return (
        declared == kind
        or declared == "string"  # a lexical form (e.g. a value whose datatype varies with its key)
        or (declared == "decimal" and kind == "integer")
        or (declared == "datetime" and kind == "date")
    )


RUNNABLE = sorted(
    n
    for n, q in LIBRARY.items()
    if projection(q.text) is not None and not q.reads_applicants and all(p.example or not p.required for p in q.params)
)


@pytest.mark.parametrize("name", RUNNABLE)
def test_declared_types_fit_the_values_the_query_returns(kg, name):
    q = LIBRARY[name]
    params = {p.name: p.example for p in q.params if p.example}
    result = kg._run(name, params)
    declared = declared_columns(q.text)
    cols = [v.value for v in result.variables]
    bad = set()
    for sol in result:
        for c in cols:
            kind = term_kind(sol[c])
            if kind is not None and not _fits(declared[c], kind):
                bad.add((c, declared[c], kind))
    assert not bad, f"{name} ({params}): declared vs returned {sorted(bad)}"
