"""The query library: ``queries/*.rq`` files, their headers, and typed parameter binding.

Each file starts with a header of ``# key: value`` lines (title, question_en, question_zh,
param, clause, example). A parameter ``name`` is bound to the variable ``?name`` as a typed RDF
term — an IRI for a city, ``xsd:date`` for a date — through the store's initial bindings
(embedded) or an inline VALUES block (remote endpoints). User text never enters the query text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from talentkg.errors import ParameterError
from talentkg.namespaces import PREFIXES
from talentkg.resources import QUERIES_DIR
from talentkg.values import literal, parse_bool, parse_date, parse_number

XSD = PREFIXES["xsd"]


@dataclass
class Param:
    name: str
    type: str
    required: bool
    example: str
    description: str = ""


@dataclass
class QueryFile:
    name: str
    path: Path
    text: str
    title: str = ""
    question_en: str = ""
    question_zh: str = ""
    clause: str = ""
    example: str = ""
    params: list[Param] = field(default_factory=list)

    @property
    def param_names(self) -> list[str]:
        return [p.name for p in self.params]


PARAM_LINE = re.compile(r"^(\w+)\s+(\w+)\s+(required|optional)\s+(.*?)(?:\s+—\s+(.*))?$")


def parse_query_file(path: Path) -> QueryFile:
    text = path.read_text(encoding="utf-8")
    q = QueryFile(name=path.stem, path=path, text=text)
    last_key = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        m = re.match(r"^(title|question_en|question_zh|param|clause|example|params|reads):\s*(.*)$", body)
        if m:
            key, value = m.groups()
            last_key = key
            if key == "param":
                pm = PARAM_LINE.match(value)
                if not pm:
                    raise ValueError(f"{path}: bad param line {value!r}; write: name type required|optional example — description")
                n, t, req, ex, desc = pm.groups()
                q.params.append(Param(n, t, req == "required", ex.strip('"'), desc or ""))
            elif key in ("title", "question_en", "question_zh", "clause", "example"):
                setattr(q, key, value)
        elif last_key in ("clause", "question_en", "title") and body and line.startswith("#   "):
            setattr(q, last_key, getattr(q, last_key) + " " + body)
    return q


def library(queries_dir: Path = QUERIES_DIR) -> dict[str, QueryFile]:
    """All analyst queries (``queries/*.rq``), by name."""
    return {p.stem: parse_query_file(p) for p in sorted(queries_dir.glob("*.rq"))}


def assessment_updates(queries_dir: Path = QUERIES_DIR) -> list[QueryFile]:
    """The assessment pipeline (``queries/assess/*.ru``), in file-name order."""
    return [parse_query_file(p) for p in sorted((queries_dir / "assess").glob("*.ru"))]


# ---------------------------------------------------------------- parameter parsing

def _choice(choices: tuple[str, ...], upper: bool = False) -> Callable[[str, str], ox.Literal]:
    def parse(name: str, v: str) -> ox.Literal:
        val = v.strip().upper() if upper else v.strip()
        if val not in choices:
            raise ParameterError(name, f"{v!r} is not one of {', '.join(choices)}")
        return ox.Literal(val)
    return parse


class ParameterBinder:
    """Turns ``--param key=value`` strings into typed RDF terms, using the graph for names."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._jurisdictions: dict[str, ox.NamedNode] | None = None
        self._notations: dict[str, set[str]] = {}

    def jurisdictions(self) -> dict[str, ox.NamedNode]:
        if self._jurisdictions is None:
            idx: dict[str, ox.NamedNode] = {}
            q = """PREFIX tk: <https://w3id.org/talentkg/ontology#>
                   PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
                   SELECT ?j ?code ?label WHERE { ?j tk:divisionCode ?code ; rdfs:label ?label }"""
            for row in self.store.query(q):
                j = row["j"]
                idx[row["code"].value.lower()] = j
                label = row["label"].value
                idx[label.lower()] = j
                if label.endswith(("市", "省")) and len(label) > 2:
                    idx.setdefault(label[:-1].lower(), j)
            self._jurisdictions = idx
        return self._jurisdictions

    def jurisdiction_names(self) -> list[str]:
        """English and Chinese names of the jurisdictions (for "did you mean")."""
        q = """PREFIX tk: <https://w3id.org/talentkg/ontology#>
               PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
               SELECT DISTINCT ?label WHERE { ?j tk:divisionCode ?code ; rdfs:label ?label }"""
        names = sorted(r["label"].value for r in self.store.query(q))
        return names + [n[:-1] for n in names if n.endswith(("市", "省")) and len(n) > 2]

    def jurisdiction(self, name: str, v: str) -> ox.NamedNode:
        key = v.strip().lower()
        j = self.jurisdictions().get(key)
        if j is None:
            from talentkg.render import suggest

            raise ParameterError(name, f"unknown city or jurisdiction {v!r}{suggest(v.strip(), self.jurisdiction_names())}; give its English name (e.g. Guangzhou), Chinese name (广州) or 6-digit code (440100) — `talentkg query jurisdictions` lists them")
        return j

    def notation_choice(self, name: str, v: str, cls: str) -> ox.Literal:
        if not self._notations:  # built aside, then published whole: safe when threads share the binder
            q = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?cls ?n WHERE { ?c a ?cls ; skos:notation ?n }"
            notations: dict[str, set[str]] = {}
            for r in self.store.query(q):
                notations.setdefault(r["cls"].value, set()).add(r["n"].value)
            self._notations = notations
        allowed = self._notations.get(cls, set())
        if v not in allowed:
            raise ParameterError(name, f"{v!r} is not one of {', '.join(sorted(allowed))}")
        return ox.Literal(v)

    def term(self, param: Param, value: str):
        t = param.type
        if t == "jurisdiction":
            return self.jurisdiction(param.name, value)
        if t == "date":
            return parse_date(param.name, value)
        if t in ("integer", "decimal"):
            return parse_number(param.name, value, integer=t == "integer")
        if t == "boolean":
            return literal("true" if parse_bool(param.name, value) else "false", "boolean")
        if t == "category":
            return _choice(("A", "B", "C"), upper=True)(param.name, value)
        if t == "scheme":
            return _choice(("P", "T"), upper=True)(param.name, value)
        if t == "level":
            return self.notation_choice(param.name, value, "https://w3id.org/talentkg/ontology#TitleLevel")
        if t == "sector":
            return self.notation_choice(param.name, value, "https://w3id.org/talentkg/ontology#Sector")
        if t == "string":
            if not value.strip():
                raise ParameterError(param.name, "is empty")
            return ox.Literal(value)
        raise ParameterError(param.name, f"unknown parameter type {t!r} in the query header")

    def bind(self, query: QueryFile, given: dict[str, str]) -> dict[ox.Variable, object]:
        known = {p.name: p for p in query.params}
        unknown = [k for k in given if k not in known]
        if unknown:
            from talentkg.render import suggest

            raise ParameterError(unknown[0], f"query {query.name!r} has no such parameter{suggest(unknown[0], known)}; it takes: {', '.join(known) or 'none'}")
        out: dict[ox.Variable, object] = {}
        for p in query.params:
            if p.name in given and given[p.name] is not None and str(given[p.name]) != "":
                out[ox.Variable(p.name)] = self.term(p, str(given[p.name]))
            elif p.required:
                raise ParameterError(p.name, f"required by query {query.name!r} (e.g. --param {p.name}={p.example})")
        return out


def values_block(bindings: dict[ox.Variable, object]) -> str:
    """An inline VALUES block holding the typed terms (for endpoints without initial bindings)."""
    if not bindings:
        return ""
    names = " ".join(str(v) for v in bindings)
    terms = " ".join(str(t) for t in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def with_values(text: str, bindings: dict[ox.Variable, object]) -> str:
    """Put the VALUES block first inside the outermost WHERE group (top-level join, like initial bindings)."""
    if not bindings:
        return text
    m = re.search(r"\bWHERE\s*\{", text, flags=re.IGNORECASE)
    if not m:
        raise ValueError("query has no WHERE clause")
    return text[: m.end()] + "\n  " + values_block(bindings) + "\n" + text[m.end():]
