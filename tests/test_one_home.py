"""One home per concept (issue 17): RDF terms → Python values in talentkg/terms.py only; every value
list the loader, the shapes and the code use is the same list."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import yaml

from talentkg.loaders import tables as loader_tables
from talentkg.namespaces import APPLICANTS_GRAPH, GRAPHS, PREFIXES, XSD, applicant_iri
from talentkg.terms import binding_value, literal_value, plain

ROOT = Path(__file__).resolve().parent.parent


def lit(v: str, t: str) -> ox.Literal:
    return ox.Literal(v, datatype=ox.NamedNode(XSD + t))


def test_integers_stay_int_and_decimals_exact_when_asked():
    # Guangzhou 2020: 10,291.5 yuan a month, 123,498 a year (data/salary_standards.csv gz-2020)
    assert plain(lit("123498", "integer")) == 123498 and type(plain(lit("123498", "integer"))) is int
    assert plain(lit("10291.5", "decimal"), numbers="exact") == Decimal("10291.5")
    assert type(plain(lit("10291.5", "decimal"), numbers="exact")) is Decimal
    assert plain(lit("10291.5", "decimal")) == 10291.5  # "plain" rows: float for JSON/CSV/pandas
    assert type(plain(lit("61746.00", "decimal"), numbers="exact")) is int  # whole decimals → int
    assert plain(lit("true", "boolean")) is True and plain(lit("false", "boolean")) is False
    assert plain(ox.NamedNode(PREFIXES["tkd"] + "x")) == PREFIXES["tkd"] + "x"
    assert plain(None) is None
    assert plain(ox.Literal("广州")) == "广州"


def test_exact_mode_and_dates_for_exports():
    # the exports read literals exactly (no float mode any more): 6 stays an int, 41161.67 a Decimal
    assert type(literal_value("6", XSD + "decimal", numbers="exact")) is int
    assert literal_value("41161.67", XSD + "decimal", numbers="exact") == Decimal("41161.67")
    assert literal_value("2023-12-01", XSD + "date", dates=True) == datetime.date(2023, 12, 1)
    assert literal_value("2023-12-01", XSD + "date") == "2023-12-01"
    assert literal_value("12x", XSD + "integer") == "12x"  # ill-typed: shown as written


def test_remote_json_bindings_convert_the_same_way():
    assert binding_value({"type": "literal", "value": "41796", "datatype": XSD + "integer"}) == 41796
    assert binding_value({"type": "literal", "value": "1", "datatype": XSD + "boolean"}) is True
    assert binding_value({"type": "uri", "value": "https://w3id.org/talentkg/id/x"}) == "https://w3id.org/talentkg/id/x"
    assert binding_value(None) is None
    for v, t in (("10291.5", "decimal"), ("42", "integer"), ("true", "boolean"), ("abc", "string")):
        assert binding_value({"type": "literal", "value": v, "datatype": XSD + t}) == plain(lit(v, t))


def test_no_other_module_reads_literal_datatypes():
    """Only talentkg/terms.py turns literals into Python values; the XSD namespace is named once."""
    spelled = []
    for path in sorted([*ROOT.glob("talentkg/**/*.py"), *ROOT.glob("graph/*.py"), *ROOT.glob("loaders/*.py")]):
        text = path.read_text(encoding="utf-8")
        if path.name != "namespaces.py" and '"http://www.w3.org/2001/XMLSchema#"' in text:
            spelled.append(str(path.relative_to(ROOT)))
    assert spelled == []


def test_applicant_iris_and_graph_named_once():
    assert applicant_iri(0) == PREFIXES["tkd"] + "applicant/1"
    graph = APPLICANTS_GRAPH
    assert graph == PREFIXES["tkd"] + "graph/applicants"
    spelled = [
        str(p.relative_to(ROOT))
        for p in sorted(ROOT.glob("talentkg/**/*.py"))
        if p.name != "namespaces.py"
        and re.search(r"talentkg/id/(applicant/|graph/applicants)", p.read_text(encoding="utf-8"))
    ]
    assert spelled == []


def _choices(node, out: dict[str, set]) -> None:
    if isinstance(node, dict):
        if "property" in node and "choices" in node:
            out.setdefault(node["property"], set()).update(str(c) for c in node["choices"])
        for v in node.values():
            _choices(v, out)
    elif isinstance(node, list):
        for v in node:
            _choices(v, out)


def _shape_lists() -> dict[str, set]:
    from rdflib import Graph, Namespace
    from rdflib.collection import Collection

    sh = Namespace("http://www.w3.org/ns/shacl#")
    g = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    out: dict[str, set] = {}
    for prop in g.subjects(sh["in"], None):
        path = g.value(prop, sh.path)
        lst = Collection(g, g.value(prop, sh["in"]))
        out.setdefault(g.namespace_manager.qname(path), set()).update(str(v) for v in lst)
    return out


def test_value_lists_are_the_same_in_tables_yaml_the_loader_and_the_shapes():
    spec = yaml.safe_load((ROOT / "data" / "tables.yaml").read_text(encoding="utf-8"))
    choices: dict[str, set] = {}
    _choices(spec, choices)
    _choices(loader_tables.__dict__.get("PROVENANCE_COLUMNS", {}), choices)
    shapes = _shape_lists()
    assert shapes, "ontology/shapes.ttl has sh:in lists"
    for prop, allowed in shapes.items():
        if prop in choices:
            assert choices[prop] == allowed, prop
    # confidence, amount status, aggregation: declared in both places
    assert {"tk:confidence", "tk:amountStatus", "tk:aggregation"} <= set(shapes) & set(choices)
    # categories: every table that names categories uses the same A/B/C (extending only to A or B)
    assert choices["tk:grantsCategory"] == choices["tk:appliesToCategory"] == {"A", "B", "C"}
    assert choices["tk:extendsCategory"] <= {"A", "B", "C"}


QUERY_FILES = sorted(
    p for pattern in ("queries/**/*.rq", "queries/**/*.ru", "queries/**/*.sparql") for p in ROOT.glob(pattern)
)


def test_no_query_file_spells_the_applicants_graph():
    # The graph is written tkg:applicants under one declared prefix, the graphs base of namespaces.py.
    assert len(QUERY_FILES) > 40
    spelled = [str(p.relative_to(ROOT)) for p in QUERY_FILES if APPLICANTS_GRAPH in p.read_text(encoding="utf-8")]
    assert spelled == []
    tkg = re.compile(r"^PREFIX tkg: <([^>]*)>$", re.M)
    declared = {m for p in QUERY_FILES for m in tkg.findall(p.read_text(encoding="utf-8"))}
    assert declared == {GRAPHS}


def test_reads_applicants_from_the_query_text(tmp_path):
    from talentkg.querylib import assessment_updates, library, parse_query_file

    lib = library()
    readers = sorted(name for name, q in lib.items() if q.reads_applicants)
    # the assess_* queries read what `talentkg assess` wrote; the policy queries do not
    assert readers == sorted(name for name in lib if name.startswith("assess_"))
    assert all(u.reads_applicants for u in assessment_updates())
    cases = {
        "full.rq": f"SELECT * WHERE {{ GRAPH <{APPLICANTS_GRAPH}> {{ ?s ?p ?o }} }}",
        "other.rq": "PREFIX g: <https://w3id.org/talentkg/id/graph/>\nSELECT * WHERE { GRAPH g:applicants { ?s ?p ?o } }",
        "comment.rq": "# not GRAPH tkg:applicants\nSELECT * WHERE { ?s ?p 'tkg:applicants' }",
        "policy.rq": "PREFIX tkg: <https://w3id.org/talentkg/id/graph/>\nSELECT * WHERE { GRAPH tkg:policy { ?s ?p ?o } }",
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    got = {name: parse_query_file(tmp_path / name).reads_applicants for name in cases}
    assert got == {"full.rq": True, "other.rq": True, "comment.rq": False, "policy.rq": False}
