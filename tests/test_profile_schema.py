"""The profile schema (talentkg/profile_schema.py) is the one declaration of a profile's fields: the
ontology, the profile checks, the batch columns, the web form and the field reference all agree with it."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from talentkg import profile_schema as ps
from talentkg.batch import ALLOWED
from talentkg.errors import ParameterError
from talentkg.resources import ONTOLOGY_FILE
from tests.conftest import ROOT

TK = "https://w3id.org/talentkg/ontology#"
SHORT = {
    "xsd:": "http://www.w3.org/2001/XMLSchema#",
    "rdfs:": "http://www.w3.org/2000/01/rdf-schema#",
    "tk:": TK,
}
RDFS = SHORT["rdfs:"]
OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def expand(curie: str) -> str:
    for short, full in SHORT.items():
        if curie.startswith(short):
            return full + curie[len(short) :]
    raise AssertionError(curie)


@pytest.fixture(scope="module")
def onto() -> ox.Store:
    store = ox.Store()
    store.load(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    return store


def objects(store: ox.Store, s: str, p: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None)}


def ontology_problems(store: ox.Store, fields) -> list[str]:
    """Each field's property is an OWL property whose domain (when declared) is tk:Applicant (top-level
    fields) or tk:PointsInput (points factors) and whose range is the schema's; every tk:Applicant
    property is set by a field or derived by the rules."""
    out = []
    set_by_fields = set()
    for f in fields:
        if f.prop is None:
            continue
        iri = TK + f.prop
        set_by_fields.add(f.prop)
        kinds = objects(store, iri, RDF_TYPE)
        if not kinds & {OWL + "DatatypeProperty", OWL + "ObjectProperty"}:
            out.append(f"{f.name}: tk:{f.prop} is not a property in the ontology")
            continue
        domains = objects(store, iri, RDFS + "domain")
        want_domain = TK + ("PointsInput" if f.factor else "Applicant")
        if domains and domains != {want_domain}:
            out.append(f"{f.name}: tk:{f.prop} has domain {sorted(domains)}, not {want_domain}")
        ranges = objects(store, iri, RDFS + "range")
        if ranges != {expand(f.range)}:
            out.append(f"{f.name}: tk:{f.prop} has range {sorted(ranges)}, the schema says {f.range}")
    applicant_props = {
        q.subject.value[len(TK) :]
        for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "domain"), ox.NamedNode(TK + "Applicant"))
    }
    for prop in sorted(applicant_props - set_by_fields - ps.DERIVED_PROPERTIES):
        out.append(f"tk:{prop} (domain tk:Applicant) is neither a profile field's property nor derived")
    return out


def test_schema_matches_the_ontology(onto):
    assert ontology_problems(onto, ps.FIELDS) == []
    # the ontology's tk:Applicant block: 36 properties with that domain, 17 set by fields (city, application_date and
    # previous_city set properties the resolver's contexts share: tk:openDomain), 19 derived: 11 results of
    # the rules (verdictCode, verdictReasonZh: the verdict sentence from data/messages.csv; transferContext: the
    # move's context, step 0; conditionCheck: step 35's basic-condition checks), 5 verdict values, and 3 facts profile.py derives from fields (summedPoints,
    # pointsConflict, waiverConditionsDeclared)
    applicant_props = {
        q.subject.value
        for q in onto.quads_for_pattern(None, ox.NamedNode(RDFS + "domain"), ox.NamedNode(TK + "Applicant"))
    }
    assert len(applicant_props) == 36
    assert len(ps.DERIVED_PROPERTIES) == 19


def test_ontology_check_catches_a_wrong_range_and_a_missing_property(onto):
    age = ps.BY_NAME["age"]
    wrong = [replace(age, range="xsd:decimal"), replace(ps.BY_NAME["city"], prop="applicationTown")]
    problems = ontology_problems(onto, wrong)
    assert problems[:2] == [
        "age: tk:age has range ['http://www.w3.org/2001/XMLSchema#integer'], the schema says xsd:decimal",
        "city: tk:applicationTown is not a property in the ontology",
    ]
    # with only these two fields, tk:monthlySalary (set by neither) is reported as uncovered
    assert "tk:monthlySalary (domain tk:Applicant) is neither a profile field's property nor derived" in problems


def test_profile_check_allows_exactly_the_schema_fields(kg):
    with pytest.raises(ParameterError) as e:
        kg.assess({"city": "Guangzhou", "application_date": "2024-01-01", "salary": 1})
    allowed = str(e.value).split("allowed fields: ", 1)[1].split(", ")
    assert set(allowed) == ps.TOP_FIELDS
    assert "waiver_conditions" in allowed and "points_factors" in allowed and len(allowed) == 22
    with pytest.raises(ParameterError) as e:
        kg.assess({"city": "Guangzhou", "application_date": "2024-01-01", "points_factors": {"salary": 1}})
    factors = str(e.value).split("allowed: ", 1)[1].split(", ")
    assert set(factors) == set(ps.FACTORS) and len(factors) == 11


@pytest.mark.parametrize(
    "field, at_max, over",
    [
        ("age", 130, 131),
        ("related_experience_years", Decimal(100), Decimal("100.5")),
        ("points_factors.months_in_china_per_year", 12, Decimal("12.5")),
        ("points_factors.hsk_level", 9, 10),
    ],
)
def test_schema_maxima_bound_the_profile_check_inclusively(kg, field, at_max, over):
    assert ps.BY_NAME[field].maximum == Decimal(at_max)

    def profile(v):
        p: dict = {"city": "Guangzhou", "application_date": "2024-01-01"}
        if "." in field:
            p["points_factors"] = {field.split(".", 1)[1]: v}
        else:
            p[field] = v
        return p

    kg.assess(profile(at_max))  # the maximum itself is allowed
    with pytest.raises(ParameterError) as e:
        kg.assess(profile(over))
    assert e.value.field == field


def test_integer_kind_refuses_a_fraction(kg):
    assert ps.BY_NAME["points_factors.hsk_level"].kind == "integer"
    with pytest.raises(ParameterError) as e:
        kg.assess({"city": "Guangzhou", "application_date": "2024-01-01", "points_factors": {"hsk_level": "4.5"}})
    assert e.value.field == "points_factors.hsk_level"


def test_batch_columns_are_the_schema_fields():
    cols = ps.batch_columns()
    assert len(cols) == len(ps.FIELDS) - 1 and "points_factors" not in cols
    assert all(ALLOWED(c) for c in cols)
    assert not ALLOWED("salary") and not ALLOWED("points_factors") and not ALLOWED("city.x")


def test_web_form_fields_come_from_the_schema():
    from talentkg.web.app import ALL_FIELDS, FACTOR_FORM, PROFILE_FORM, TRANSFER_FORM

    assert [n for n, _ in PROFILE_FORM][:3] == ["city", "application_date", "application_type"]
    assert {n for n, _ in FACTOR_FORM} == {f"points_factors.{f}" for f in ps.FACTORS}
    assert [n for n, _ in TRANSFER_FORM] == [
        "previous_city",
        "previous_category",
        "internal_transfer",
        "days_since_internal_move",
        "same_position",
    ]
    assert {n for n, _ in ALL_FIELDS} <= set(ps.BY_NAME)
    assert dict(ALL_FIELDS)["age"] == "integer" and dict(ALL_FIELDS)["awards"] == "list:awards"


def test_field_reference_lists_every_field_once():
    from talentkg.cli import main

    res = CliRunner().invoke(main, ["assess", "--fields"])
    assert res.exit_code == 0, res.output
    names = [line.split()[0] for line in res.output.splitlines()]
    assert names == [f.name for f in ps.FIELDS]
    assert "age  " in res.output and "tk:age" in res.output


def test_readme_assessment_section_names_every_field():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Assessment", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z_]+)`", section))
    missing = [f.name for f in ps.FIELDS if (f.factor or f.name) not in named]
    assert missing == [], f"README's Assessment section does not name {missing}"
