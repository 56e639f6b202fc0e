"""The ontology: OWL 2 DL in Turtle, en+zh labels and a definition on every term, HermiT-consistent."""

from __future__ import annotations

import re

import pytest

from talentkg.rdflib_setup import rdflib as _rdflib

rdflib = _rdflib()
import rdflib.compare  # noqa: E402, F811
from rdflib.namespace import OWL, RDF, RDFS, SKOS  # noqa: E402

from talentkg.resources import ONTOLOGY_FILE, SHAPES_FILE  # noqa: E402

TK = "https://w3id.org/talentkg/ontology#"
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def onto():
    return rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")


def terms(g):
    """Classes, properties, the ontology itself and every individual of the tk: namespace."""
    declared = {s for t in (*TERM_TYPES, OWL.Ontology) for s in g.subjects(RDF.type, t)}
    individuals = {s for s in g.subjects(RDF.type, None) if str(s).startswith(TK)}
    return sorted(s for s in declared | individuals if isinstance(s, rdflib.URIRef))


def missing_annotations(g):
    out = []
    for t in terms(g):
        labels = {lab.language for lab in g.objects(t, RDFS.label)}
        definitions = {d.language for d in g.objects(t, SKOS.definition)}
        if not {"en", "zh"} <= labels or not {"en", "zh"} <= definitions:
            out.append(str(t))
    return out


def test_every_term_has_en_zh_label_and_en_zh_definition(onto):
    assert len(terms(onto)) > 250
    assert str(TK + "CategoryA") in {str(t) for t in terms(onto)}
    assert missing_annotations(onto) == []


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_chinese_definitions_are_chinese_and_one_per_term(onto):
    """A zh definition is written in Chinese (not the English copied), one per term and language."""
    for t in terms(onto):
        zh = [str(d) for d in onto.objects(t, SKOS.definition) if d.language == "zh"]
        en = [str(d) for d in onto.objects(t, SKOS.definition) if d.language == "en"]
        assert len(zh) == 1 and len(en) == 1, t
        assert CJK.search(zh[0]) and zh[0] != en[0], (t, zh[0])


def test_chinese_definitions_keep_the_bound_wording(onto):
    """Seed terminology survives translation: the bound rule quotes the Civil Code words unchanged."""
    zh = {str(d) for d in onto.objects(rdflib.URIRef(TK + "boundInclusive"), SKOS.definition) if d.language == "zh"}
    (text,) = zh
    for word in ("以上", "以下", "以内", "不低于", "不超过", "超过", "不满", "低于", "第一千二百五十九条"):
        assert word in text
    (cat_a,) = [str(d) for d in onto.objects(rdflib.URIRef(TK + "CategoryA"), SKOS.definition) if d.language == "zh"]
    assert "外国高端人才" in cat_a and "绿色通道" in cat_a


def test_annotation_check_catches_a_missing_definition(onto):
    g = rdflib.Graph() + onto
    victim = rdflib.URIRef(TK + "SalaryThreshold")
    (zh,) = [d for d in g.objects(victim, SKOS.definition) if d.language == "zh"]
    g.remove((victim, SKOS.definition, zh))
    assert missing_annotations(g) == [str(victim)]


def test_annotation_check_catches_a_missing_label(onto):
    g = rdflib.Graph() + onto
    victim = rdflib.URIRef(TK + "SalaryStandard")
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


# ---------------------------------------------------------------- the build gate (issue 13, deliverable 3)
# queries/violations/ontology-annotation-violation.rq runs in every build (graph/validate.py);
# these tests run it on the packaged graph and on copies with a term planted or stripped.

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"


def _default_graph_store(kg):
    import pyoxigraph as ox

    s = ox.Store()
    s.bulk_extend(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return s


def _annotation_gate(store) -> list[tuple[str, str]]:
    from talentkg.resources import VIOLATIONS_DIR

    gate = (VIOLATIONS_DIR / "ontology-annotation-violation.rq").read_text(encoding="utf-8")
    return [(r["term"].value, r["missing"].value) for r in store.query(gate)]


def test_annotation_gate_passes_on_the_packaged_graph(kg):
    assert _annotation_gate(_default_graph_store(kg)) == []


def test_annotation_gate_fails_on_a_planted_term_without_definitions(kg):
    import pyoxigraph as ox

    s = _default_graph_store(kg)
    planted = ox.NamedNode(TK + "plantedProperty")
    s.add(ox.Quad(planted, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OWL.DatatypeProperty))))
    s.add(ox.Quad(planted, ox.NamedNode(RDFS_LABEL), ox.Literal("planted", language="en")))
    s.add(ox.Quad(planted, ox.NamedNode(RDFS_LABEL), ox.Literal("植入", language="zh")))
    s.add(ox.Quad(planted, ox.NamedNode(SKOS_DEFINITION), ox.Literal("A planted term.", language="en")))
    assert _annotation_gate(s) == [(TK + "plantedProperty", "definition@zh")]


def test_annotation_gate_fails_on_a_stripped_chinese_definition_and_label(kg):
    """An existing class and an individual lose their Chinese text; each omission is named."""
    import pyoxigraph as ox

    s = _default_graph_store(kg)
    for local, prop in (
        ("SalaryThreshold", SKOS_DEFINITION),
        ("CategoryB", SKOS_DEFINITION),
        ("CategoryB", RDFS_LABEL),
    ):
        node = ox.NamedNode(TK + local)
        for q in list(s.quads_for_pattern(node, ox.NamedNode(prop), None, ox.DefaultGraph())):
            if q.object.language == "zh":
                s.remove(q)
    assert _annotation_gate(s) == [
        (TK + "CategoryB", "definition@zh"),
        (TK + "CategoryB", "label@zh"),
        (TK + "SalaryThreshold", "definition@zh"),
    ]


def test_annotation_gate_fails_on_a_bare_class_and_ignores_data_records(kg):
    import pyoxigraph as ox

    s = _default_graph_store(kg)
    s.add(ox.Quad(ox.NamedNode(TK + "Bare"), ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OWL.Class))))
    # a data record (tkd:) with a definition in one language only is not an ontology term
    rec = ox.NamedNode("https://w3id.org/talentkg/id/planted/record")
    s.add(ox.Quad(rec, ox.NamedNode(str(RDF.type)), ox.NamedNode(TK + "Sector")))
    s.add(ox.Quad(rec, ox.NamedNode(SKOS_DEFINITION), ox.Literal("只有中文", language="zh")))
    assert _annotation_gate(s) == [
        (TK + "Bare", "definition@en"),
        (TK + "Bare", "definition@zh"),
        (TK + "Bare", "label@en"),
        (TK + "Bare", "label@zh"),
    ]


def test_build_validation_refuses_a_term_without_a_chinese_definition(kg):
    """The build's own gate (graph/validate.py, as `talentkg build` runs it) fails on the stripped term."""
    import pyoxigraph as ox

    from talentkg.errors import ValidationError
    from talentkg.graph.validate import validate_triples

    victim = ox.NamedNode(TK + "PointsBand")
    triples = [
        q.triple
        for q in kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        if not (q.subject == victim and q.predicate.value == SKOS_DEFINITION and q.object.language == "zh")
    ]
    with pytest.raises(ValidationError) as e:
        validate_triples(triples)
    assert f"[ontology-annotation-violation] term={TK}PointsBand, missing=definition@zh" in str(e.value)
