"""Read-only access to the knowledge graph for the workbench.

Everything built here at start-up (jurisdiction list, choice lists, document dates) is read-only
afterwards; a request never changes it. Library queries run on the shared store (queries do not
write); an assessment runs in a scratch store of its own (``kg.assess``: the applicants graph is
never written into the shared store), so no request sees another's data.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pyoxigraph as ox

from talentkg.errors import TalentKGError
from talentkg.namespaces import PREFIXES
from talentkg.terms import solutions

QUERY_TIMEOUT_S = 30.0  # the CLI's default
MAX_ROWS = 10_000  # rows shown or downloaded per query

PRE = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items()) + "\n"


class QueryTimeout(TalentKGError):
    exit_code = 2


class RawQueryRefused(TalentKGError):
    exit_code = 2


@dataclass(frozen=True)
class Choice:
    value: str
    en: str
    zh: str


def _select(store: ox.Store, text: str):
    return list(solutions(store.query(PRE + text)))


def jurisdictions(store: ox.Store) -> list[Choice]:
    rows = _select(
        store,
        """SELECT ?code (SAMPLE(?en) AS ?l_en) (SAMPLE(?zh) AS ?l_zh) WHERE {
        ?j tk:divisionCode ?code .
        OPTIONAL { ?j rdfs:label ?en FILTER(LANG(?en) = "en") }
        OPTIONAL { ?j rdfs:label ?zh FILTER(LANG(?zh) = "zh") } } GROUP BY ?code ORDER BY ?code""",
    )
    return [
        Choice(r["code"].value, r["l_en"].value if r["l_en"] else "", r["l_zh"].value if r["l_zh"] else "")
        for r in rows
    ]


def notation_choices(store: ox.Store, cls: str) -> list[Choice]:
    rows = _select(
        store,
        f"""SELECT ?n (SAMPLE(?en) AS ?l_en) (SAMPLE(?zh) AS ?l_zh) WHERE {{
        ?c a <{cls}> ; skos:notation ?n .
        OPTIONAL {{ ?c rdfs:label|skos:prefLabel ?en FILTER(LANG(?en) = "en") }}
        OPTIONAL {{ ?c rdfs:label|skos:prefLabel ?zh FILTER(LANG(?zh) = "zh") }} }} GROUP BY ?n ORDER BY ?n""",
    )
    return [
        Choice(r["n"].value, r["l_en"].value if r["l_en"] else r["n"].value, r["l_zh"].value if r["l_zh"] else "")
        for r in rows
    ]


def document_info(store: ox.Store) -> dict[str, dict]:
    """Document IRI → titles (en, zh) and its date (in force from, or issued)."""
    rows = _select(
        store,
        """SELECT ?d (SAMPLE(?en) AS ?t_en) (SAMPLE(?zh) AS ?t_zh) (SAMPLE(?from) AS ?f) (SAMPLE(?iss) AS ?i) WHERE {
        ?d a tk:PolicyDocument .
        OPTIONAL { ?d dcterms:title ?en FILTER(LANG(?en) = "en") }
        OPTIONAL { ?d dcterms:title ?zh FILTER(LANG(?zh) = "zh") }
        OPTIONAL { ?d tk:effectiveFrom ?from }
        OPTIONAL { ?d dcterms:issued ?iss } } GROUP BY ?d""",
    )
    out = {}
    for r in rows:
        date = r["f"] or r["i"]
        out[r["d"].value] = {
            "title_en": r["t_en"].value if r["t_en"] else "",
            "title_zh": r["t_zh"].value if r["t_zh"] else "",
            "date": date.value if date else "",
        }
    return out


def points_minimums(store: ox.Store) -> dict[str, int]:
    """Criterion code → minimum points (tk:minimumPoints), for "points short"."""
    rows = _select(store, "SELECT ?code ?min WHERE { ?c tk:criterionCode ?code ; tk:minimumPoints ?min }")
    return {r["code"].value: int(r["min"].value) for r in rows}


def run_limited(store: ox.Store, text: str, consume, where: str = "query", timeout_s: float = QUERY_TIMEOUT_S):
    """Run a read-only query under the CLI's limits and ``consume`` its result (in the thread that
    made it: pyoxigraph results cannot cross threads): ``querylib.run_query`` (time and memory
    limit, UPDATE and SERVICE refused) when present; otherwise the store, waited for ``timeout_s``."""
    from talentkg import querylib

    run_query = getattr(querylib, "run_query", None)
    if run_query is not None:
        return consume(run_query(store, text, timeout=timeout_s, where=where))
    return run_with_deadline(lambda: consume(store.query(text)), timeout_s)


def collect(solutions, timeout_s: float = QUERY_TIMEOUT_S, max_rows: int = MAX_ROWS):
    """Read a lazy result with a deadline: (variables, rows of terms, truncated)."""
    deadline = time.monotonic() + timeout_s
    variables = [v.value for v in solutions.variables]
    rows, truncated = [], False
    for sol in solutions:
        rows.append([sol[v] for v in variables])
        if len(rows) >= max_rows:
            truncated = True
            break
        if time.monotonic() > deadline:
            raise QueryTimeout(
                f"query: stopped after {timeout_s:g} s (the time limit); narrow it with parameters or a LIMIT"
            )
    return variables, rows, truncated


def run_with_deadline(fn, timeout_s: float = QUERY_TIMEOUT_S):
    """Run ``fn()`` in a worker thread; give up waiting after ``timeout_s`` with a clear error."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed back to the caller
            box["error"] = e

    th = threading.Thread(target=target, daemon=True)
    th.start()
    th.join(timeout_s)
    if th.is_alive():
        raise QueryTimeout(
            f"query: stopped waiting after {timeout_s:g} s (the time limit); narrow it with parameters or a LIMIT"
        )
    if "error" in box:
        raise box["error"]
    return box.get("value")


def check_raw_query(text: str) -> str:
    """A raw query from the editor: SELECT / ASK / CONSTRUCT / DESCRIBE only, no SERVICE. Returns the form."""
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except Exception as qe:
        try:
            parseUpdate(text)
        except Exception:
            raise RawQueryRefused(f"query: not valid SPARQL 1.1: {str(qe).splitlines()[0][:200]}") from None
        raise RawQueryRefused(
            "query: updates are refused — the workbench is read-only (SELECT, ASK, CONSTRUCT or DESCRIBE)"
        ) from None
    if _has_service(tree):
        raise RawQueryRefused(
            "query: SERVICE is refused — the workbench makes no outbound requests; query the local graph only"
        )
    return tree[1].name  # SelectQuery, AskQuery, ConstructQuery, DescribeQuery


def _has_service(node) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            return True
        return any(_has_service(v) for v in node.values())
    if isinstance(node, (list, tuple, ParseResults)):
        return any(_has_service(v) for v in node)
    if isinstance(node, dict):
        return any(_has_service(v) for v in node.values())
    return False
