"""Portable SPARQL, without a server: the library queries avoid the patterns Virtuoso 7 answers
differently (issue 13; measured in tests/test_virtuoso.py).

- a bare non-ASCII string literal inside CONCAT: Virtuoso concatenates it with a stored value as
  mojibake — write STRDT("…", xsd:string) (talentkg/blocks.py _text_literal);
- an optional parameter free inside EXISTS / OPTIONAL: Virtuoso binds it there when the caller
  leaves it out — BIND(COALESCE(?p, …) AS ?_p) first and use ?_p;
- ``?x <= ?date`` against a date parameter: Virtuoso drops xsd:date rows (its range scan) —
  write ``!(?x > ?date)``;
- ``COALESCE(CONCAT(…, STR(?opt)), …)`` counting on the error of an unbound ?opt to fall through:
  Virtuoso concatenates an unbound value as "" and never falls through — test BOUND(?opt) with IF,
  or give the case a UNION branch of its own;
- a plain projected GROUP BY key that several UNION branches bind and later patterns have as subject: Virtuoso
  gives the grouped rows another branch's value of it (``changes``) — group by an internal ?_v and
  project ``(SAMPLE(?_v) AS ?v)``;
- ``… && !?p`` or ``… && ?x != ?p`` on an optional parameter ?p: SPARQL makes ``false && error`` false,
  Virtuoso does not, and a BIND that errs drops its row there (``document_exemptions`` lost its
  exempt row) — read ?p through COALESCE(?p, …) where an earlier test has handled it unbound.
"""

from __future__ import annotations

import pytest

from talentkg.querylib import library
from talentkg.sparqltext import Token, tokens


def _groups(toks: list[Token], keyword: str):
    """The token spans of every ``keyword { … }`` group (EXISTS, OPTIONAL, CONCAT( … ))."""
    opener, closer = ("(", ")") if keyword == "CONCAT" else ("{", "}")
    for i, t in enumerate(toks):
        if t.upper != keyword or i + 1 >= len(toks) or toks[i + 1].text != opener:
            continue
        depth, j = 0, i + 1
        while j < len(toks):
            if toks[j].text == opener:
                depth += 1
            elif toks[j].text == closer:
                depth -= 1
                if depth == 0:
                    break
            j += 1
        yield toks[i + 2 : j]


def bare_non_ascii_in_concat(text: str) -> list[str]:
    out = []
    for span in _groups(tokens(text), "CONCAT"):
        for k, t in enumerate(span):
            if t.kind == "string" and not t.text.isascii():
                wrapped = k >= 2 and span[k - 1].text == "(" and span[k - 2].upper == "STRDT"
                if not wrapped:
                    out.append(t.text)
    return out


def optional_param_in_exists(text: str, optional: set[str]) -> list[str]:
    out = []
    toks = tokens(text)
    for kw in ("EXISTS", "OPTIONAL"):
        for span in _groups(toks, kw):
            out += [f"{kw} {t.text}" for t in span if t.kind == "var" and t.text[1:] in optional]
    return sorted(set(out))


def le_date_parameter(text: str, dates: set[str]) -> list[str]:
    toks = tokens(text)
    return [
        f"{toks[i - 1].text} <= {toks[i + 1].text}"
        for i in range(1, len(toks) - 1)
        if toks[i].text == "<=" and toks[i + 1].kind == "var" and toks[i + 1].text[1:] in dates
    ]


def concat_as_coalesce_fallback(text: str) -> list[str]:
    toks = tokens(text)
    return [
        "COALESCE(CONCAT(…"
        for i in range(len(toks) - 2)
        if toks[i].upper == "COALESCE" and toks[i + 1].text == "(" and toks[i + 2].upper == "CONCAT"
    ]


def _union_chains(toks: list[Token]) -> list[list[tuple[int, int]]]:
    """Each chain ``{ … } UNION { … } UNION …`` as the (start, end) token indexes of its branches."""
    close: dict[int, int] = {}
    stack = []
    for i, t in enumerate(toks):
        if t.text == "{":
            stack.append(i)
        elif t.text == "}" and stack:
            close[stack.pop()] = i
    opener = {v: k for k, v in close.items()}
    chains, seen = [], set()
    for i, t in enumerate(toks):
        if t.upper != "UNION" or i in seen or toks[i - 1].text != "}":
            continue
        chain = [(opener[i - 1], i - 1)]
        j = i
        while j < len(toks) and toks[j].upper == "UNION" and toks[j + 1].text == "{":
            seen.add(j)
            chain.append((j + 1, close[j + 1]))
            j = close[j + 1] + 1
        chains.append(chain)
    return chains


def grouped_key_across_union(text: str) -> list[str]:
    toks = tokens(text)
    upper = [t.upper for t in toks]
    if "GROUP" not in upper:
        return []
    g = upper.index("GROUP")
    keys = set()
    for t in toks[g + 2 :]:
        if t.upper in ("ORDER", "HAVING", "LIMIT", "OFFSET"):
            break
        if t.kind == "var":
            keys.add(t.text)
    s, w = upper.index("SELECT"), upper.index("WHERE")
    plain, depth = set(), 0
    for t in toks[s + 1 : w]:
        depth += t.text == "("
        depth -= t.text == ")"
        if depth == 0 and t.kind == "var":
            plain.add(t.text)
    out = set()
    for chain in _union_chains(toks):
        if any(a < w for a, _ in chain):
            continue
        rest = toks[chain[-1][1] + 1 :]
        after = {  # the subject of a triple pattern after the chain
            t.text
            for k, t in enumerate(rest[1:-1], 1)
            if t.kind == "var"
            and rest[k - 1].text in "{."
            and (rest[k + 1].kind in ("pname", "iri") or rest[k + 1].text == "a")
        }
        for v in keys & plain & after:
            if sum(any(t.text == v for t in toks[a:b]) for a, b in chain) >= 2:
                out.add(v)
    return sorted(out)


def and_then_optional_param(text: str, optional: set[str]) -> list[str]:
    toks = tokens(text)
    out = []
    for i, t in enumerate(toks[:-3]):
        if t.text != "&&":
            continue
        a, b, c = toks[i + 1], toks[i + 2], toks[i + 3]
        if a.text == "!" and b.kind == "var" and b.text[1:] in optional:
            out.append(f"&& !{b.text}")
        elif a.kind == "var" and b.text == "!=" and c.kind == "var" and {a.text[1:], c.text[1:]} & optional:
            out.append(f"&& {a.text} {b.text} {c.text}")
    return out


# the checks themselves catch what they are for
def test_the_checks_find_the_patterns():
    assert bare_non_ascii_in_concat('SELECT * { BIND(CONCAT(?a, " ≥ ", ?b) AS ?c) }') == ['" ≥ "']
    assert bare_non_ascii_in_concat('SELECT * { BIND(CONCAT(?a, STRDT(" ≥ ", <x>), ?b) AS ?c) }') == []
    assert bare_non_ascii_in_concat('SELECT * { BIND(" ≥ " AS ?c) }') == []  # not in a CONCAT
    q = "SELECT * { ?s ?p ?o OPTIONAL { ?s ?q ?city } FILTER EXISTS { ?s ?r ?x } }"
    assert optional_param_in_exists(q, {"city"}) == ["OPTIONAL ?city"]
    assert optional_param_in_exists(q, {"x"}) == ["EXISTS ?x"]
    assert optional_param_in_exists(q, {"s"}) == ["EXISTS ?s", "OPTIONAL ?s"]
    assert optional_param_in_exists("SELECT * { ?s ?p ?city }", {"city"}) == []
    assert le_date_parameter("SELECT * { ?s ?p ?f FILTER(?f <= ?date) }", {"date"}) == ["?f <= ?date"]
    assert le_date_parameter("SELECT * { ?s ?p ?f FILTER(!(?f > ?date)) }", {"date"}) == []
    assert concat_as_coalesce_fallback('SELECT * { BIND(COALESCE(CONCAT("b ", STR(?x)), ?y, "") AS ?d) }') == [
        "COALESCE(CONCAT(…"
    ]
    assert concat_as_coalesce_fallback('SELECT * { BIND(IF(BOUND(?x), CONCAT("b ", STR(?x)), "") AS ?d) }') == []
    old = "BIND(IF(BOUND(?e) && ?e != ?category, 1, IF(?need && !?same, 2, 3)) AS ?c)"
    assert and_then_optional_param(old, {"category", "same"}) == ["&& ?e != ?category", "&& !?same"]
    new = "BIND(IF(BOUND(?e) && COALESCE(?e != ?category, false), 1, IF(?need && !COALESCE(?same, true), 2, 3)) AS ?c)"
    assert and_then_optional_param(new, {"category", "same"}) == []
    grouped = (
        "SELECT ?f (COUNT(?j) AS ?n) WHERE { { ?f a ?c ; ?p ?j } UNION { ?f a ?d } OPTIONAL { ?f <q> ?l } } GROUP BY ?f"
    )
    assert grouped_key_across_union(grouped) == ["?f"]
    # the rewrite: grouped as ?_f, projected as SAMPLE(?_f)
    assert (
        grouped_key_across_union(grouped.replace("?f", "?_f").replace("SELECT ?_f", "SELECT (SAMPLE(?_f) AS ?f)")) == []
    )
    assert grouped_key_across_union(grouped.replace(" GROUP BY ?f", "").replace("(COUNT(?j) AS ?n)", "?j")) == []


# Guarded uses, answered the same on Virtuoso with and without the parameter (tests/test_virtuoso.py
# runs every query both ways): a new one needs the same proof before it is added here.
GUARDED = {
    ("occupation_crosswalk", "EXISTS ?code"),  # FILTER(!BOUND(?code) || EXISTS { … ?code })
    ("recognition", "EXISTS ?category"),  # the rule's categories, compared by value
    ("recognition", "OPTIONAL ?category"),  # the output column when no category is given
    (
        "salary_history",
        "EXISTS ?city",
    ),  # criteria-in-force's within block: ?city is bound by the standard's jurisdiction first
}


# still differs on Virtuoso (tests/test_virtuoso.py KNOWN): the check names the cause to fix
NOT_YET: dict[str, str] = {}


def _names():
    return [
        pytest.param(n, marks=pytest.mark.xfail(reason=NOT_YET[n], strict=True)) if n in NOT_YET else n
        for n in sorted(library())
    ]


@pytest.mark.parametrize("name", _names())
def test_library_query_is_portable(name):
    q = library()[name]
    assert bare_non_ascii_in_concat(q.text) == [], f"{name}: wrap non-ASCII sentence parts in STRDT(…, xsd:string)"
    optional = {p.name for p in q.params if not p.required}
    free = [f for f in optional_param_in_exists(q.text, optional) if (name, f) not in GUARDED]
    assert free == [], f"{name}: an optional parameter inside EXISTS/OPTIONAL; BIND(COALESCE(?p, …) AS ?_p) first"
    dates = {"date"} | {p.name for p in q.params if p.type == "date"}
    assert le_date_parameter(q.text, dates) == [], f"{name}: write !(?x > ?date), not ?x <= ?date"
    assert concat_as_coalesce_fallback(q.text) == [], f"{name}: IF(BOUND(?x), CONCAT(…), …), not COALESCE(CONCAT(…))"
    assert grouped_key_across_union(q.text) == [], f"{name}: group by ?_v and project (SAMPLE(?_v) AS ?v)"
    assert and_then_optional_param(q.text, optional) == [], (
        f"{name}: read an optional parameter through COALESCE after &&"
    )
