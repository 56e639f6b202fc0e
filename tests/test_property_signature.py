"""Every tk: property declares rdfs:domain and rdfs:range, or says in tk:openDomain why it has no domain (issue 17).

queries/violations/property-signature-violation.rq runs in every build (graph/validate.py); these tests run it
on the packaged graph and on copies with a property planted without a signature or stripped of one."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

TK = "https://w3id.org/talentkg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_DOMAIN = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#domain")
RDFS_RANGE = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#range")
OWL_DATATYPE_PROPERTY = ox.NamedNode("http://www.w3.org/2002/07/owl#DatatypeProperty")
OPEN_DOMAIN = ox.NamedNode(TK + "openDomain")


def _policy_store(kg) -> ox.Store:
    s = ox.Store()
    s.bulk_extend(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return s


def _gate(store: ox.Store) -> list[tuple[str, str]]:
    from talentkg.resources import VIOLATIONS_DIR

    text = (VIOLATIONS_DIR / "property-signature-violation.rq").read_text(encoding="utf-8")
    return [(r["property"].value, r["missing"].value) for r in store.query(text)]


def _objects(store: ox.Store, local: str, predicate: ox.NamedNode) -> list[str]:
    return [q.object.value for q in store.quads_for_pattern(ox.NamedNode(TK + local), predicate, None)]


def test_gate_passes_on_the_packaged_graph(kg):
    assert _gate(_policy_store(kg)) == []


def test_the_two_applicant_flags_describe_applicants(kg):
    """The profile fields postdoctoral_research and waiver_conditions (declared) are statements about the applicant."""
    s = _policy_store(kg)
    for local in ("postdoctoralResearch", "waiverConditionsDeclared"):
        assert _objects(s, local, RDFS_DOMAIN) == [TK + "Applicant"]
        assert _objects(s, local, RDFS_RANGE) == ["http://www.w3.org/2001/XMLSchema#boolean"]


def test_gate_names_a_planted_property_without_domain_and_range(kg):
    s = _policy_store(kg)
    planted = ox.NamedNode(TK + "plantedFlag")
    s.add(ox.Quad(planted, RDF_TYPE, OWL_DATATYPE_PROPERTY))
    assert _gate(s) == [(TK + "plantedFlag", "domain"), (TK + "plantedFlag", "range")]


def test_a_reason_excuses_the_domain_only(kg):
    s = _policy_store(kg)
    planted = ox.NamedNode(TK + "plantedFlag")
    s.add(ox.Quad(planted, RDF_TYPE, OWL_DATATYPE_PROPERTY))
    s.add(ox.Quad(planted, OPEN_DOMAIN, ox.Literal("carried by nodes of no common class", language="en")))
    assert _gate(s) == [(TK + "plantedFlag", "range")]


@pytest.mark.parametrize(
    ("local", "predicate", "missing"),
    [
        ("postdoctoralResearch", RDFS_DOMAIN, "domain"),
        ("note", OPEN_DOMAIN, "domain"),
        ("outcome", RDFS_RANGE, "range"),
    ],
)
def test_gate_names_an_existing_property_stripped_of_its_signature(kg, local, predicate, missing):
    s = _policy_store(kg)
    for q in list(s.quads_for_pattern(ox.NamedNode(TK + local), predicate, None)):
        s.remove(q)
    assert _gate(s) == [(TK + local, missing)]


def test_build_validation_refuses_a_property_without_a_domain(kg):
    """The build's own gate (graph/validate.py, as `talentkg build` runs it) fails on the stripped property."""
    from talentkg.errors import ValidationError
    from talentkg.graph.validate import validate_triples

    victim = ox.NamedNode(TK + "waiverConditionsDeclared")
    triples = [
        q.triple
        for q in kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        if not (q.subject == victim and q.predicate == RDFS_DOMAIN)
    ]
    with pytest.raises(ValidationError) as e:
        validate_triples(triples)
    assert f"[property-signature-violation] property={TK}waiverConditionsDeclared, missing=domain" in str(e.value)
