"""The ontology: OWL 2 DL in Turtle, en+zh labels and a definition on every term, HermiT-consistent."""

from __future__ import annotations

import pytest

from talentkg.rdflib_setup import rdflib as _rdflib

rdflib = _rdflib()
import rdflib.compare  # noqa: E402
from rdflib.namespace import OWL, RDF, RDFS, SKOS  # noqa: E402

from talentkg.resources import ONTOLOGY_FILE, SHAPES_FILE

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def onto():
    return rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")


def terms(g):
    return sorted({s for t in TERM_TYPES for s in g.subjects(RDF.type, t) if isinstance(s, rdflib.URIRef)})


def missing_annotations(g):
    out = []
    for t in terms(g):
        langs = {l.language for l in g.objects(t, RDFS.label)}
        if "en" not in langs or "zh" not in langs or not list(g.objects(t, SKOS.definition)):
            out.append(str(t))
    return out


def test_every_term_has_en_zh_label_and_definition(onto):
    assert len(terms(onto)) > 150
    assert missing_annotations(onto) == []


def test_annotation_check_catches_a_missing_label(onto):
    g = rdflib.Graph() + onto
    victim = rdflib.URIRef("https://w3id.org/talentkg/ontology#SalaryStandard")
    g.remove((victim, RDFS.label, rdflib.Literal("工资收入计算标准", lang="zh")))
    assert missing_annotations(g) == [str(victim)]


def test_ontology_header(onto):
    o = rdflib.URIRef("https://w3id.org/talentkg/ontology")
    assert (o, RDF.type, OWL.Ontology) in onto
    assert onto.value(o, OWL.versionIRI) == rdflib.URIRef("https://w3id.org/talentkg/ontology/0.1.0")
    assert onto.value(o, rdflib.URIRef("http://purl.org/dc/terms/license")) is not None


def test_reuses_w3c_vocabularies(onto):
    used = {str(p) for p in onto.subjects(RDF.type, None)}
    for iri in (
        "http://www.w3.org/ns/prov#wasDerivedFrom",
        "http://www.w3.org/2004/02/skos/core#Concept",
        "http://rdf-vocabulary.ddialliance.org/xkos#ClassificationLevel",
        "http://www.w3.org/ns/org#Organization",
        "http://purl.org/dc/terms/replaces",
    ):
        assert iri in used


def test_title_levels_are_ordered(kg):
    rows = kg.sparql("""PREFIX tk: <https://w3id.org/talentkg/ontology#>
        SELECT ?hi ?lo WHERE { ?h tk:nextLowerLevel+ ?l . ?h tk:levelRank ?hi . ?l tk:levelRank ?lo }""")
    assert len(rows) == 10  # 5 levels, every pair ordered
    assert (rows["hi"] > rows["lo"]).all()


def test_rdfxml_export_reparses(onto, tmp_path):
    out = tmp_path / "talentkg.owl"
    onto.serialize(out, format="xml")
    again = rdflib.Graph().parse(out, format="xml")
    assert rdflib.compare.isomorphic(again, onto)


def test_shapes_parse():
    g = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    assert len(list(g.subjects(RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape")))) >= 15


@pytest.mark.slow
def test_hermit_consistent(onto, tmp_path):
    owlready2 = pytest.importorskip("owlready2")
    owl_file = tmp_path / "talentkg.owl"
    onto.serialize(owl_file, format="xml")
    world = owlready2.World()
    o = world.get_ontology(owl_file.as_uri()).load()
    with o:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []


@pytest.mark.slow
def test_hermit_detects_an_inconsistency(onto, tmp_path):
    """The check can fail: an individual both a Country and a Province (declared disjoint)."""
    owlready2 = pytest.importorskip("owlready2")
    g = rdflib.Graph() + onto
    x = rdflib.URIRef("https://w3id.org/talentkg/id/jurisdiction/bad")
    g.add((x, RDF.type, rdflib.URIRef("https://w3id.org/talentkg/ontology#Country")))
    g.add((x, RDF.type, rdflib.URIRef("https://w3id.org/talentkg/ontology#Province")))
    owl_file = tmp_path / "bad.owl"
    g.serialize(owl_file, format="xml")
    world = owlready2.World()
    o = world.get_ontology(owl_file.as_uri()).load()
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        with o:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
