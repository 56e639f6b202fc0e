"""Exports: RDF round-trips, GraphML through networkx, and the property graph in a real engine."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

from talentkg.exports import PropertyGraph, default_triples, export
from tests.conftest import run_cli

GZ = "https://w3id.org/talentkg/id/jurisdiction/440100"
FS = "https://w3id.org/talentkg/id/jurisdiction/440600"


@pytest.mark.parametrize(
    "fmt, rdf_format",
    [
        ("turtle", ox.RdfFormat.TURTLE),
        ("ntriples", ox.RdfFormat.N_TRIPLES),
        ("jsonld", ox.RdfFormat.JSON_LD),
        ("rdfxml", ox.RdfFormat.RDF_XML),
    ],
)
def test_rdf_round_trip(kg, tmp_path, fmt, rdf_format):
    out = tmp_path / f"g.{fmt}"
    export(kg.store, fmt, out)
    again = {q.triple for q in ox.parse(path=str(out), format=rdf_format)}
    assert again == set(default_triples(kg.store))  # no blank nodes: set equality is isomorphism


def test_graphml_loads_in_networkx(kg, tmp_path):
    import networkx as nx

    out = tmp_path / "g.graphml"
    export(kg.store, "graphml", out, schema=True)
    g = nx.read_graphml(out)
    pg = PropertyGraph(default_triples(kg.store))
    assert g.number_of_nodes() == len(pg.labels) > 3500
    assert g.number_of_edges() == len(pg.edges) + len(pg.derived)
    assert g.nodes[GZ]["label_en"] == "Guangzhou" and g.nodes[GZ]["label_zh"] == "广州市"
    assert "PrefectureCity" in g.nodes[GZ]["types"]
    entry = g.nodes["https://w3id.org/talentkg/id/catalogue-entry/GZ2025-R001"]
    assert entry["label_en"] == "AWS Certified Cloud Practitioner" and entry["countryRegion"] == "US"


def test_graphml_read_by_igraph_and_networkx(kg, tmp_path):
    """Data only by default; one key per attribute name; igraph and networkx count the same nodes and edges."""
    import re

    igraph = pytest.importorskip("igraph")  # dev extra (GraphML read back by python-igraph)
    import networkx as nx

    from talentkg.exports import data_triples

    out = tmp_path / "g.graphml"
    export(kg.store, "graphml", out)
    text = out.read_text(encoding="utf-8")
    keys = re.findall(r'<key id="[^"]*" for="(\w+)" attr.name="([^"]*)" attr.type="(\w+)"', text)
    assert len(keys) == len({(f, n) for f, n, _ in keys})  # one key (one type) per attribute name
    types = {n: t for f, n, t in keys if f == "node"}
    assert types["levelRank"] == "long" and types["ruleValue"] == "string" and types["boundInclusive"] == "boolean"
    pg = PropertyGraph(data_triples(default_triples(kg.store)))
    gi, gn = igraph.Graph.Read_GraphML(str(out)), nx.read_graphml(out)
    assert gi.vcount() == gn.number_of_nodes() == len(pg.labels) > 3500
    assert gi.ecount() == gn.number_of_edges() == len(pg.edges) + len(pg.derived)
    assert "https://w3id.org/talentkg/ontology#SalaryStandard" not in gn  # classes only with --schema
    assert not [n for n, d in gn.nodes(data=True) if "Class" in d["types"].split(";")]
    rank = {d["label_en"]: d["levelRank"] for _, d in gn.nodes(data=True) if "levelRank" in d and "label_en" in d}
    assert isinstance(rank["Assistant Engineer"], int)


NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#" + t
    for t in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger", "decimal", "double", "float")
}


def numeric_literals(triples) -> dict[tuple[str, str], set[str]]:
    """(subject IRI, property local name) → the lexical forms of its numeric literals, straight from the graph."""
    out: dict[tuple[str, str], set[str]] = {}
    for t in triples:
        o = t.object
        if isinstance(t.subject, ox.NamedNode) and isinstance(o, ox.Literal) and o.datatype.value in NUMERIC:
            out.setdefault((t.subject.value, t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]), set()).add(
                o.value
            )
    return out


def test_graphml_numbers_exact_in_networkx_and_igraph(kg, tmp_path):
    """Every numeric literal of the data graph, read back from the GraphML by networkx and python-igraph,
    equals the graph's value exactly: integer columns are `long` (networkx: int; igraph: its only numeric
    type, a double, equal exactly), a decimal column with a fractional value is text holding the literal's
    exact decimal (monthlyAmount 10449 stays "10449", 41161.67 stays "41161.67")."""
    from decimal import Decimal

    igraph = pytest.importorskip("igraph")
    import networkx as nx

    from talentkg.exports import data_triples

    out = tmp_path / "g.graphml"
    export(kg.store, "graphml", out)
    expected = numeric_literals(data_triples(default_triples(kg.store)))
    assert len(expected) > 400 and sum(len(v) for v in expected.values()) == len(expected)  # one value each
    gn, gi = nx.read_graphml(out), igraph.Graph.Read_GraphML(str(out))
    vi = {v["id"]: v.attributes() for v in gi.vs}
    kinds: dict[str, set[str]] = {}
    for (node, key), (lexical,) in sorted(expected.items()):
        got_n, got_i = gn.nodes[node][key], vi[node][key]
        if isinstance(got_n, str):  # a decimal column: the exact text, in both readers
            assert got_n == got_i == lexical, (node, key)
            kinds.setdefault(key, set()).add("text")
        else:
            assert type(got_n) is int and got_n == int(lexical), (node, key, got_n)
            assert isinstance(got_i, float) and Decimal(got_i) == Decimal(lexical), (node, key, got_i)
            kinds.setdefault(key, set()).add("long")
    assert all(len(k) == 1 for k in kinds.values())  # one type per attribute
    assert kinds["monthlyAmount"] == {"text"} and kinds["levelRank"] == kinds["annualAmount"] == {"long"}
    amounts = {gn.nodes[n]["monthlyAmount"] for n, k in expected if k == "monthlyAmount"}
    assert {"10449", "41161.67", "62694"} <= amounts and not any(a.endswith(".0") for a in amounts)


def test_neo4j_csv_numbers_exact(kg, tmp_path):
    """nodes.csv: every numeric literal of the graph in its typed column, exactly — integers in `long`
    columns as integers, decimals in a `double` column written as their exact text (each one a double
    that gives the text back, so neo4j-admin loses nothing)."""
    from decimal import Decimal

    export(kg.store, "neo4j", tmp_path)
    rows = list(csv.reader((tmp_path / "nodes.csv").open(encoding="utf-8")))
    header, by_uri = rows[0], {r[0]: r for r in rows[1:]}
    column = {h.split(":")[0]: (i, h.partition(":")[2]) for i, h in enumerate(header)}
    expected = numeric_literals(default_triples(kg.store))
    assert len(expected) > 400
    for (node, key), lexicals in sorted(expected.items()):
        i, kind = column[key]
        text = by_uri[node][i]
        if len(lexicals) > 1:  # several values of one property: joined as text
            assert kind == "" and set(text.split(" | ")) == lexicals, (node, key)
        elif kind == "long":
            assert text == str(int(next(iter(lexicals)))), (node, key, text)
        elif kind == "":  # a column mixing numbers and words (ruleValue): the literal's text
            assert text == next(iter(lexicals)), (node, key, text)
        else:
            (lexical,) = lexicals
            assert kind == "double" and text == lexical and Decimal(repr(float(text))) == Decimal(lexical), (node, key)
    assert column["monthlyAmount"][1] == "double" and column["levelRank"][1] == "long" and column["ruleValue"][1] == ""
    amounts = {by_uri[n][column["monthlyAmount"][0]] for n, k in expected if k == "monthlyAmount"}
    assert {"10449", "41161.67", "62694"} <= amounts and not any(a.endswith(".0") for a in amounts)


@pytest.mark.slow
def test_jsonld_compacted_and_expanded_back(kg, tmp_path):
    """Compacted with the published context (ontology/context.jsonld); pyld expands it back to the same triples."""
    import json

    jsonld = pytest.importorskip("pyld.jsonld")  # dev extra

    out = tmp_path / "g.jsonld"
    export(kg.store, "jsonld", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    published = json.loads(
        (Path(__file__).resolve().parents[1] / "ontology" / "context.jsonld").read_text(encoding="utf-8")
    )
    assert doc["@context"] == published["@context"]
    assert {"tk", "tkd", "skos", "dcterms", "prov", "xsd"} <= set(doc["@context"])
    gz = next(n for n in doc["@graph"] if n["@id"] == "tkd:jurisdiction/440100")
    assert "tk:PrefectureCity" in gz["@type"] and {"@value": "广州市", "@language": "zh"} in gz["rdfs:label"]
    nq = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    again = {q.triple for q in ox.parse(nq.encode("utf-8"), format=ox.RdfFormat.N_QUADS)}
    assert again == set(default_triples(kg.store))


def test_networkx_view_filters(kg):
    g = kg.to_networkx(
        classes=["PolicyDocument", "EligibilityCriterion", "TalentCategory", "PrefectureCity", "Municipality"]
    )
    types = {t for _, d in g.nodes(data=True) for t in d["types"].split(";")}
    assert "CatalogueEntry" not in types and "EligibilityCriterion" in types
    assert g.has_edge(
        "https://w3id.org/talentkg/id/criterion/std2017-A-III-9", "https://w3id.org/talentkg/ontology#CategoryA"
    )


def test_neo4j_files(kg, tmp_path):
    export(kg.store, "neo4j", tmp_path)
    header = next(csv.reader((tmp_path / "nodes.csv").open(encoding="utf-8")))
    assert header[:2] == ["uri:ID", ":LABEL"] and "label_en" in header and "label_zh" in header
    assert "monthlyAmount:double" in header and "levelRank:long" in header  # see test_neo4j_csv_numbers_exact
    rels = list(csv.DictReader((tmp_path / "relationships.csv").open(encoding="utf-8")))
    assert {"parentJurisdiction", "correspondingTitleLevel", "recognises", "correspondsTo"} <= {
        r[":TYPE"] for r in rels
    }
    derived = [
        (r[":START_ID"], r[":TYPE"], r[":END_ID"]) for r in rels if r[":TYPE"] in ("recognises", "correspondsTo")
    ]
    assert len(derived) == len(set(derived))  # created once, not once per catalogue entry
    # NOC 2-02-38-04 → ISCO 2529 comes from several catalogue entries: one relationship naming them all
    via = [
        r["via"]
        for r in rels
        if r[":TYPE"] == "correspondsTo"
        and r[":START_ID"].endswith("/noc2022/2-02-38-04")
        and r[":END_ID"].endswith("/isco08/2529")
    ]
    assert len(via) == 1 and via[0].count("catalogue-entry/") >= 1
    script = (tmp_path / "talentkg.cypher").read_text(encoding="utf-8")
    assert script.count("CREATE (n:Resource") > 10 and "CREATE (a)-[:recognises {via: row.via}]->(b)" in script


def test_cli_export(tmp_path):
    r = run_cli("export", "--format", "turtle", "--out", str(tmp_path / "x.ttl"))
    assert r.returncode == 0 and (tmp_path / "x.ttl").stat().st_size > 100000


@pytest.mark.slow
def test_cypher_script_runs_unchanged_in_arcadedb(kg, tmp_path):
    """talentkg.cypher, statement by statement as written, in ArcadeDB (embedded, openCypher): labels,
    typed properties (dates are date() values), and the paths analysts use."""
    arcadedb = pytest.importorskip("arcadedb_embedded")
    export(kg.store, "neo4j", tmp_path / "neo")
    script = (tmp_path / "neo" / "talentkg.cypher").read_text(encoding="utf-8")
    statements = [
        line.rstrip().removesuffix(";") for line in script.splitlines() if line.strip() and not line.startswith("//")
    ]
    nodes = list(csv.reader((tmp_path / "neo" / "nodes.csv").open(encoding="utf-8")))[1:]
    rels = list(csv.DictReader((tmp_path / "neo" / "relationships.csv").open(encoding="utf-8")))
    db = arcadedb.create_database(str(tmp_path / "arcade"))
    try:
        for st in statements:
            with db.transaction():
                db.command("opencypher", st)

        def one(q, *cols, **params):
            return [{c: r.get(c) for c in cols} for r in db.query("opencypher", q, params)]

        assert one("MATCH (n:Resource) RETURN count(n) AS c", "c")[0]["c"] == len(nodes)
        assert one("MATCH ()-[r]->() RETURN count(r) AS c", "c")[0]["c"] == len(rels)
        assert one("MATCH (n:CatalogueEntry) RETURN count(n) AS c", "c")[0]["c"] == 170
        assert one("MATCH (n:PrefectureCity {uri: $gz}) RETURN n.label_zh AS x", "x", gz=GZ)[0]["x"] == "广州市"
        got = one(
            "MATCH (n:Resource {uri: $c}) RETURN n.validFrom AS d, n.validFrom.year AS y",
            "d",
            "y",
            c="https://w3id.org/talentkg/id/criterion/std2017-A-I",
        )[0]
        assert str(got["d"]) == "2017-04-01" and got["y"] == 2017  # a date() value, not a string
        got = one("MATCH (n:TitleLevel) WHERE n.levelRank > 0 RETURN min(n.levelRank) AS x", "x")[0]["x"]
        assert isinstance(got, int)
        assert (
            one(
                "MATCH (a:Resource {uri: $gz})-[:recognises]->(b:Resource {uri: $fs}) RETURN count(*) AS c",
                "c",
                gz=GZ,
                fs=FS,
            )[0]["c"]
            == 1
        )
        got = one(
            "MATCH (e:Resource {notation: 'GZ2025-R001'})-[:correspondingTitleLevel]->(l:Resource) RETURN l.label_en AS x",
            "x",
        )
        assert got[0]["x"] == "Assistant Engineer"
        got = one(
            "MATCH (e:Resource {notation: 'GZ2025-R001'})-[:relatedOccupation]->(n:Resource {notation: '2-02-38-04'})-[:correspondsTo]->(i:Resource) RETURN i.notation AS x",
            "x",
        )
        assert "2529" in {g["x"] for g in got}
        dup = one("MATCH (a)-[r:correspondsTo]->(b) WITH a, b, count(r) AS n WHERE n > 1 RETURN count(*) AS c", "c")
        assert dup[0]["c"] == 0  # derived relationships created once
        # every numeric literal of the graph, exactly: integers as integers, fractional decimals as floats
        # whose shortest form is the literal's text, a column mixing numbers and words as text
        from decimal import Decimal

        expected = numeric_literals(default_triples(kg.store))
        checked = 0
        for key in sorted({k for _, k in expected}):
            got = {
                r["u"]: r["v"]
                for r in one(
                    f"MATCH (n:Resource) WHERE n.`{key}` IS NOT NULL RETURN n.uri AS u, n.`{key}` AS v", "u", "v"
                )
            }
            for (node, k), lexicals in expected.items():
                if k != key or len(lexicals) != 1:
                    continue
                (lexical,) = lexicals
                v = got[node]
                if isinstance(v, str):
                    assert key == "ruleValue" and v == lexical, (node, key, v)
                elif "." in lexical:
                    assert isinstance(v, float) and Decimal(repr(v)) == Decimal(lexical), (node, key, v)
                else:
                    assert type(v) is int and v == int(lexical), (node, key, v)
                checked += 1
        assert checked == sum(1 for v in expected.values() if len(v) == 1) > 400
    finally:
        db.close()


@pytest.mark.slow
def test_turtle_read_by_two_independent_parsers(built):
    """build/talentkg.ttl: no backslash-escaped local names; rdflib and Oxigraph read the N-Triples' triples."""
    import re

    import rdflib

    out, _ = built
    text = (out / "talentkg.ttl").read_text(encoding="utf-8")
    assert not re.search(r"\b[A-Za-z][\w-]*:[^\s\"<>]*\\", text)  # no `tkd:authority\/bj-hrssb`
    assert "@prefix tkd-authority: <https://w3id.org/talentkg/id/authority/> ." in text
    nt = {q.triple for q in ox.parse(path=str(out / "talentkg.nt"), format=ox.RdfFormat.N_TRIPLES)}
    assert {q.triple for q in ox.parse(path=str(out / "talentkg.ttl"), format=ox.RdfFormat.TURTLE)} == nt
    g = rdflib.Graph()
    g.parse(str(out / "talentkg.ttl"), format="turtle")

    def term(x):
        if isinstance(x, rdflib.URIRef):
            return ox.NamedNode(str(x))
        if x.language:
            return ox.Literal(str(x), language=x.language)
        return ox.Literal(str(x), datatype=ox.NamedNode(str(x.datatype))) if x.datatype else ox.Literal(str(x))

    assert {ox.Triple(term(s), term(p), term(o)) for s, p, o in g} == nt


def test_owl_export_is_owl2_dl_structurally(kg, tmp_path):
    """`export --format owl`: RDF/XML of ontology + data; dates as xsd:dateTime at midnight (the OWL 2
    datatype map has no xsd:date); the structural DL check finds nothing, while the plain graph fails it."""
    from talentkg.exports import owl_profile_problems

    assert any("XMLSchema#date>" in p for p in owl_profile_problems(default_triples(kg.store)))
    out = tmp_path / "g.owl"
    export(kg.store, "owl", out)
    triples = [q.triple for q in ox.parse(path=str(out), format=ox.RdfFormat.RDF_XML)]
    assert owl_profile_problems(triples) == []
    std = ox.NamedNode("https://w3id.org/talentkg/id/salary-standard/guangzhou-2023")
    dated = {str(t.object) for t in triples if t.subject == std and t.predicate.value.endswith("#validFrom")}
    assert not dated or all("XMLSchema#dateTime>" in d and "T00:00:00" in d for d in dated)
    assert any(
        t.object
        == ox.Literal("2017-04-01T00:00:00", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"))
        for t in triples
    )
    # Chinese definitions travel into the OWL file (issue 13.3): the bilingual annotation gate holds on
    # every term of the export, nothing excluded — the DCAT/VoID terms of the dataset description
    # included (declared with labels and definitions in ontology/talentkg.ttl).
    from talentkg.resources import ONTOLOGY_FILE, VIOLATIONS_DIR

    ontology_terms = {str(t.subject) for t in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)}
    exported = ox.Store()
    exported.bulk_extend([ox.Quad(t.subject, t.predicate, t.object) for t in triples])
    gate = (VIOLATIONS_DIR / "ontology-annotation-violation.rq").read_text(encoding="utf-8")
    assert len(ontology_terms) > 250 and [(r["term"], r["missing"]) for r in exported.query(gate)] == []
    described = {
        "http://www.w3.org/ns/dcat#Dataset",
        "http://rdfs.org/ns/void#triples",
        "http://purl.org/dc/terms/source",
    }
    labelled = {
        (t.subject.value, t.object.language)
        for t in triples
        if t.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label" and t.subject.value in described
    }
    assert labelled == {(d, lang) for d in described for lang in ("en", "zh")}  # the gate sees these terms
    definitions = {
        t.object
        for t in triples
        if t.subject == ox.NamedNode("https://w3id.org/talentkg/ontology#SalaryStandard")
        and t.predicate.value == "http://www.w3.org/2004/02/skos/core#definition"
    }
    assert {d.language for d in definitions} == {"en", "zh"}


@pytest.mark.slow
def test_owl_export_opened_by_owlready2_and_consistent_for_hermit(kg, tmp_path):
    owlready2 = pytest.importorskip("owlready2")  # reasoner extra

    out = tmp_path / "g.owl"
    export(kg.store, "owl", out)
    world = owlready2.World()
    onto = world.get_ontology(out.as_uri()).load()
    entry = world["https://w3id.org/talentkg/ontology#CatalogueEntry"]
    assert len(list(entry.instances())) >= 170
    gz = world["https://w3id.org/talentkg/id/jurisdiction/440100"]
    assert "PrefectureCity" in {c.name for c in gz.is_a}
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)  # raises if inconsistent
    assert list(world.inconsistent_classes()) == []
