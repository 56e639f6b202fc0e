"""Applicant profiles: validate the fields, then write them as RDF into the applicants graph.

A profile is a JSON object (snake_case). Every field is checked; an unknown key or a bad value is
a ParameterError naming the field (``points_factors.age``) and the fix. Allowed tokens (award ids,
education levels, extras, work regions) come from the graph, not from code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from talentkg.errors import ParameterError
from talentkg.namespaces import APPLICANTS_GRAPH, TK, TKD, applicant_iri
from talentkg.profile_schema import BY_NAME, FACTORS, REQUIRED, SHARED_FACTS, TOP_FIELDS, factors_of
from talentkg.terms import solutions
from talentkg.values import literal, parse_bool, parse_date, parse_number, to_decimal

G = ox.NamedNode(APPLICANTS_GRAPH)

# the fields are declared once, in talentkg/profile_schema.py
NUMERIC_FACTORS = factors_of("number", "integer")
BOOLEAN_FACTORS = factors_of("boolean")
TOKEN_FACTORS = factors_of("choice")
LIST_FACTORS = factors_of("list")
FACTOR_FIELDS = set(FACTORS)
APPLICATION_TYPES = ("new", "transfer", "renewal")
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_APPLICANT = ox.NamedNode(TK + "Applicant")


@functools.cache
def _predicate(name: str) -> ox.NamedNode:
    """A tk: property's (immutable) term, built once per name."""
    return ox.NamedNode(TK + name)


@dataclass
class Vocabulary:
    """Tokens a profile may use, read from the graph."""

    awards: set[str]
    education: set[str]
    factor_tokens: dict[str, set[str]]
    catalogue_ids: set[str]
    waivers: set[str]

    @classmethod
    def from_store(cls, store: ox.Store) -> Vocabulary:
        def values(q: str) -> set[str]:
            return {r[0].value for r in solutions(store.query(q))}

        pre = "PREFIX tk: <https://w3id.org/talentkg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        tokens: dict[str, set[str]] = {}
        for r in solutions(
            store.query(pre + "SELECT ?f ?v WHERE { ?b a tk:PointsBand ; tk:profileField ?f ; tk:matchValue ?v }")
        ):
            tokens.setdefault(r["f"].value, set()).add(r["v"].value)
        return cls(
            awards=values(pre + "SELECT ?n WHERE { ?a a tk:Award ; skos:notation ?n }"),
            education=values(pre + "SELECT ?n WHERE { ?a a tk:EducationLevel ; skos:notation ?n }"),
            factor_tokens=tokens,
            catalogue_ids=values(pre + "SELECT ?n WHERE { ?e a tk:CatalogueEntry ; skos:notation ?n }"),
            waivers=values(pre + "SELECT ?n WHERE { ?w a tk:WaiverCondition ; skos:notation ?n }"),
        )


_lit = literal
_number = parse_number
_bool = parse_bool


def _token(field: str, v, allowed: set[str]) -> str:
    s = str(v).strip()
    if s not in allowed:
        raise ParameterError(field, f"{v!r} is not one of {', '.join(sorted(allowed))}")
    return s


def _list(field: str, v) -> list:
    if isinstance(v, str):
        return [x.strip() for x in v.split(";") if x.strip()]
    if not isinstance(v, list):
        raise ParameterError(field, f"{v!r} is not a list")
    return v


def profile_quads(profile: dict, index: int, binder, vocab: Vocabulary) -> tuple[str, list[ox.Quad]]:
    """Validate one profile and return (key, quads in the applicants graph)."""
    if not isinstance(profile, dict):
        raise ParameterError("profile", "a profile is a JSON object with fields such as city and application_date")
    unknown = sorted(set(profile) - TOP_FIELDS)
    if unknown:
        from talentkg.render import suggest

        raise ParameterError(
            unknown[0],
            f"unknown field{suggest(unknown[0], TOP_FIELDS)}; allowed fields: {', '.join(sorted(TOP_FIELDS))}",
        )
    p = {k: v for k, v in profile.items() if v is not None and v != ""}
    for req in REQUIRED:
        if req not in p:
            raise ParameterError(req, "is required")
    key = str(p.get("id", index + 1))
    _share_facts(p, vocab)
    app = ox.NamedNode(applicant_iri(index))
    quads: list[ox.Quad] = []

    def add(pred: str, obj, s=app):
        quads.append(ox.Quad(s, _predicate(pred), obj, G))

    quads.append(ox.Quad(app, _RDF_TYPE, _APPLICANT, G))
    add("profileKey", ox.Literal(key))
    add("applicationCity", binder.jurisdiction("city", str(p["city"])))
    add("applicationDate", parse_date("application_date", p["application_date"]))
    add(
        "applicationType",
        ox.Literal(_token("application_type", p.get("application_type", "new"), set(APPLICATION_TYPES))),
    )
    if "monthly_salary_rmb" in p:
        add("monthlySalary", _number("monthly_salary_rmb", p["monthly_salary_rmb"]))
    if "points" in p:
        add("declaredPoints", _number("points", p["points"]))
    if "education" in p:
        add("education", ox.NamedNode(TKD + "education/" + _token("education", p["education"], vocab.education)))
    if "related_experience_years" in p:
        add(
            "experienceYears",
            _number(
                "related_experience_years",
                p["related_experience_years"],
                maximum=BY_NAME["related_experience_years"].maximum,
            ),
        )
    if "age" in p:
        add("age", _number("age", p["age"], integer=True, maximum=BY_NAME["age"].maximum))
    for i, a in enumerate(_list("awards", p.get("awards", []))):
        add("holdsAward", ox.NamedNode(TKD + "award/" + _token(f"awards[{i}]", a, vocab.awards)))
    for i, q in enumerate(_list("overseas_qualifications", p.get("overseas_qualifications", []))):
        add(
            "holdsQualification",
            ox.NamedNode(TKD + "catalogue-entry/" + _token(f"overseas_qualifications[{i}]", q, vocab.catalogue_ids)),
        )
    for f in ("language_teacher", "internal_transfer", "same_position"):
        if f in p:
            add(
                {
                    "language_teacher": "languageTeacher",
                    "internal_transfer": "internalTransfer",
                    "same_position": "samePosition",
                }[f],
                _lit("true" if _bool(f, p[f]) else "false", "boolean"),
            )
    waivers = {
        _token(f"waiver_conditions[{i}]", w, vocab.waivers)
        for i, w in enumerate(_list("waiver_conditions", p.get("waiver_conditions", [])))
    }
    for f in ("teaching_certificate", "education_degree"):  # boolean shorthands for two waiver conditions
        if f in p and _bool(f, p[f]):
            waivers.add(f)
    if "waiver_conditions" in p:  # the applicant said which waiver conditions they hold (possibly none)
        add("waiverConditionsDeclared", _lit("true", "boolean"))
    for waiver in sorted(waivers):
        add("holdsWaiverCondition", ox.NamedNode(TKD + "waiver/" + waiver))
    if "postdoctoral_research" in p:
        add(
            "postdoctoralResearch",
            _lit("true" if _bool("postdoctoral_research", p["postdoctoral_research"]) else "false", "boolean"),
        )
    if "previous_city" in p:
        add("previousCity", binder.jurisdiction("previous_city", str(p["previous_city"])))
    if "previous_category" in p:
        cat = _token("previous_category", str(p["previous_category"]).upper(), {"A", "B", "C"})
        add("previousCategory", ox.NamedNode(TK + "Category" + cat))
    if "days_since_internal_move" in p:
        add("daysSinceMove", _number("days_since_internal_move", p["days_since_internal_move"], integer=True))
    if "points_factors" in p:
        quads += _points_inputs(app, p, vocab)
    return key, quads


def _share_facts(p: dict, vocab: Vocabulary) -> None:
    """Age, education and experience are one fact each, wherever the profile gives them.

    A fact given only inside ``points_factors`` is used by every route (copied to the top level);
    the same fact given twice with different values is an input conflict — an error naming both
    fields, never one picked silently. ``points_factors.education`` may be a vocational level
    (e.g. ``senior_technician``) that says nothing about the degree: only a degree level is shared."""
    pf = p.get("points_factors")
    if not isinstance(pf, dict):
        return
    for f in SHARED_FACTS:
        inner = pf.get(f)
        if inner is None or inner == "":
            continue
        inner_v: str | Decimal
        top_v: str | Decimal | None
        if f == "education":
            inner_v, top_v = str(inner).strip(), (str(p[f]).strip() if f in p else None)
            if inner_v not in vocab.education:
                continue
        else:
            inner_v = to_decimal(f"points_factors.{f}", inner)
            top_v = to_decimal(f, p[f]) if f in p else None
        if top_v is None:
            p[f] = inner
        elif top_v != inner_v:
            raise ParameterError(
                f"points_factors.{f}",
                f"{inner} disagrees with {f} = {p[f]}; give the fact once, or the same value in both",
            )


def _points_inputs(app: ox.NamedNode, p: dict, vocab: Vocabulary) -> list[ox.Quad]:
    pf = p["points_factors"]
    if not isinstance(pf, dict):
        raise ParameterError("points_factors", 'must be an object, e.g. {"annual_salary_rmb": 500000, "age": 35}')
    unknown = sorted(set(pf) - FACTOR_FIELDS)
    if unknown:
        from talentkg.render import suggest

        raise ParameterError(
            f"points_factors.{unknown[0]}",
            f"unknown factor{suggest(unknown[0], FACTOR_FIELDS)}; allowed: {', '.join(sorted(FACTOR_FIELDS))}",
        )
    pf = {k: v for k, v in pf.items() if v is not None and v != ""}
    for f in SHARED_FACTS:
        if f not in pf and f in p:
            pf[f] = p[f]
    out: list[ox.Quad] = []

    def node(field: str, i: int | None = None):
        return ox.NamedNode(f"{app.value}/input/{field}" + (f"/{i}" if i is not None else ""))

    def put(n, field, pred, obj):
        out.append(ox.Quad(app, _predicate("pointsInput"), n, G))
        out.append(ox.Quad(n, _predicate("profileField"), ox.Literal(field), G))
        out.append(ox.Quad(n, _predicate(pred), obj, G))

    for f, v in sorted(pf.items()):
        name = f"points_factors.{f}"
        if f in NUMERIC_FACTORS:
            spec = FACTORS[f]
            put(node(f), f, "numericValue", _number(name, v, integer=spec.kind == "integer", maximum=spec.maximum))
        elif f in BOOLEAN_FACTORS:
            if _bool(name, v):
                put(node(f), f, "tokenValue", ox.Literal("true"))
        elif f in TOKEN_FACTORS:
            allowed = vocab.factor_tokens.get(f, set()) | ({"none"} | vocab.education if f == "education" else {"none"})
            put(node(f), f, "tokenValue", ox.Literal(_token(name, v, allowed)))
        else:  # extras
            allowed = vocab.factor_tokens.get(f, set())
            for i, item in enumerate(_list(name, v)):
                put(node(f, i), f, "tokenValue", ox.Literal(_token(f"{name}[{i}]", item, allowed)))
    return out
