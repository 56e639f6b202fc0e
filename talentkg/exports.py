"""Exports: RDF formats, GraphML (via networkx, for Gephi), and a property graph for Neo4j.

Property-graph mapping (the neosemantics convention; see docs/EXPORTS.md):
- every IRI subject or object becomes a node with label ``Resource`` plus one label per
  ``tk:``/SKOS/ORG/PROV/XKOS class it has (local name, e.g. ``SalaryStandard``), and ``uri``;
- a literal-valued property becomes a node property named by the predicate's local name;
  language-tagged values become ``<name>_en`` / ``<name>_zh`` (so ``rdfs:label`` → ``label_en``,
  ``label_zh``); several values of one property are joined with `` | ``;
- an IRI-valued property becomes a relationship whose type is the predicate's local name
  (``parentJurisdiction``, ``correspondingTitleLevel``, ``relatedOccupation`` …);
- ``rdf:type`` gives labels, not relationships;
- two derived relationships make common paths one hop: ``recognises`` from a permit recognition's
  ``fromJurisdiction`` to its ``toJurisdiction`` (property ``via`` = the rule's IRI), and
  ``correspondsTo`` from a NOC 2022 unit to an ISCO-08 unit group that a catalogue entry links
  both to (``via`` = the entries' IRIs, joined with `` | ``); each derived relationship is created once.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from talentkg.files import write_output
from talentkg.namespaces import PREFIXES, XSD
from talentkg.terms import literal_value

RDF_TYPE = PREFIXES["rdf"] + "type"
RDF_FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, "ttl"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "nt"),
    "jsonld": (ox.RdfFormat.JSON_LD, "jsonld"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "rdf"),
}
LABEL_NAMESPACES = (
    PREFIXES["tk"],
    PREFIXES["skos"],
    PREFIXES["org"],
    PREFIXES["prov"],
    PREFIXES["xkos"],
    PREFIXES["owl"],
)


def local_name(iri: str) -> str:
    name = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return re.sub(r"[^A-Za-z0-9_]", "_", name) or "resource"


def default_triples(store: ox.Store) -> list[ox.Triple]:
    return sorted((q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())), key=str)


# ---------------------------------------------------------------- property graph
class PropertyGraph:
    """Nodes (uri → labels, properties) and edges (source, type, target), built once from the store."""

    def __init__(self, triples: list[ox.Triple], classes: set[str] | None = None):
        self.labels: dict[str, set[str]] = defaultdict(set)
        self.props: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.edges: list[tuple[str, str, str]] = []
        self.derived: list[tuple[str, str, str, str]] = []  # (source, type, target, via)
        objects: dict[tuple[str, str], list[str]] = defaultdict(list)
        for t in triples:
            s = t.subject
            if not isinstance(s, ox.NamedNode):
                continue
            p, o = t.predicate.value, t.object
            if p == RDF_TYPE:
                if o.value.startswith(LABEL_NAMESPACES):
                    self.labels[s.value].add(local_name(o.value))
                else:
                    self.labels[s.value]
                continue
            if isinstance(o, ox.NamedNode):
                self.labels[s.value]
                self.labels[o.value]
                self.edges.append((s.value, local_name(p), o.value))
                objects[(s.value, local_name(p))].append(o.value)
            elif isinstance(o, ox.Literal):
                key = local_name(p) + (f"_{o.language}" if o.language else "")
                self.props[s.value][key].append(_python(o))
        for node, labels in self.labels.items():
            if "PermitRecognition" in labels:
                for f in objects.get((node, "fromJurisdiction"), []):
                    for to in objects.get((node, "toJurisdiction"), []):
                        self.derived.append((f, "recognises", to, node))
            if "CatalogueEntry" in labels:
                occ = objects.get((node, "relatedOccupation"), [])
                for n in (o for o in occ if "/noc2022/" in o):
                    for i in (o for o in occ if "/isco08/" in o):
                        self.derived.append((n, "correspondsTo", i, node))
        # one derived relationship per (source, type, target): ``via`` lists every fact it comes from
        vias: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for src, typ, dst, via in self.derived:
            vias[(src, typ, dst)].add(via)
        self.derived = [(src, typ, dst, " | ".join(sorted(v))) for (src, typ, dst), v in sorted(vias.items())]
        if classes:
            keep = {n for n, ls in self.labels.items() if ls & classes}
            self.labels = defaultdict(set, {n: ls for n, ls in self.labels.items() if n in keep})
            self.edges = [e for e in self.edges if e[0] in keep and e[2] in keep]
            self.derived = [e for e in self.derived if e[0] in keep and e[2] in keep]

    def node_properties(self, uri: str) -> dict[str, object]:
        out: dict[str, object] = {"uri": uri}
        for k, values in sorted(self.props.get(uri, {}).items()):
            vals = sorted(set(values), key=_text)
            out[k] = vals[0] if len(vals) == 1 else " | ".join(_text(v) for v in vals)
        return out


def _python(lit: ox.Literal):
    # exact values (talentkg.terms decides): integers and whole decimals → int, other decimals → Decimal,
    # dates → datetime.date; each export format then picks one type per column (column_kind)
    return literal_value(lit.value, lit.datatype.value if lit.datatype else "", numbers="exact", dates=True)


def _is_number(v) -> bool:
    return isinstance(v, (int, Decimal, float)) and not isinstance(v, bool)


def double_is_lossless(v) -> bool:
    """True when the double nearest to ``v`` gives ``v`` back by shortest round-trip formatting
    (Python ``repr``, Java/JavaScript number printing): at most 15 significant digits."""
    f = float(v)
    return f == f and abs(f) != float("inf") and Decimal(repr(f)) == Decimal(v)


def column_kind(values: list) -> str:
    """One type for a column (a GraphML key, a Neo4j CSV column): ``date``, ``boolean``, ``long``
    (every value an integer — xsd:integer or a whole xsd:decimal), ``decimal`` (numbers, one of them
    fractional), else ``string``. See docs/EXPORTS.md for what each format makes of ``decimal``."""
    import datetime

    if values and all(isinstance(v, datetime.date) for v in values):
        return "date"
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "long"
    if values and all(_is_number(v) for v in values):
        return "decimal"
    return "string"


def number_text(v) -> str:
    """The exact decimal text of a number: 10449 → "10449", Decimal("41161.67") → "41161.67"."""
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def _text(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if _is_number(v):
        return number_text(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _kind(values: list) -> str:
    """The Neo4j column type: long, boolean, date; a decimal column is double where every value's
    double is lossless (double_is_lossless), else string with the exact decimal text."""
    kind = column_kind(values)
    if kind == "decimal":
        return "double" if all(double_is_lossless(v) for v in values) else "string"
    return kind


def to_networkx(store: ox.Store, classes: list[str] | None = None, include_literals: bool = False, schema: bool = True):
    """A networkx MultiDiGraph of the default graph (nodes: IRIs with labels and types; edges: object properties).

    ``classes`` keeps only nodes of those classes (local names, e.g. ``["PolicyDocument", "Jurisdiction"]``);
    ``include_literals`` adds every literal property as a node attribute.
    """
    import networkx as nx

    triples = default_triples(store)
    pg = PropertyGraph(triples if schema else data_triples(triples), set(classes) if classes else None)
    g = nx.MultiDiGraph()
    for uri, labels in sorted(pg.labels.items()):
        props = pg.node_properties(uri)
        attrs = {
            "uri": uri,
            "types": ";".join(sorted(labels)),
            "label": str(
                props.get("label_en")
                or props.get("prefLabel_zh")
                or props.get("label_zh")
                or props.get("title_en")
                or local_name(uri)
            ),
        }
        for k in ("label_en", "label_zh"):
            if k in props:
                attrs[k] = str(props[k])
        if include_literals:
            attrs.update({k: v for k, v in props.items() if k not in attrs})
        g.add_node(uri, **attrs)
    for s, p, o in pg.edges:
        g.add_edge(s, o, key=p, predicate=p)
    for s, p, o, via in pg.derived:
        g.add_edge(s, o, key=f"{p} {via}", predicate=p, via=via)
    return g


def _graphml_clean(g):
    """networkx's GraphML writer rejects None, lists and dicts: make every attribute a scalar."""

    def clean(d):
        for k in list(d):
            v = d[k]
            if v is None:
                del d[k]
            elif isinstance(v, (list, tuple, set)):
                d[k] = " | ".join(str(x) for x in v)
            elif isinstance(v, dict):
                d[k] = json.dumps(v, ensure_ascii=False, sort_keys=True)

    for _, d in g.nodes(data=True):
        clean(d)
    for _, _, d in g.edges(data=True):
        clean(d)
    return g


# ---------------------------------------------------------------- neo4j
def neo4j_files(pg: PropertyGraph) -> dict[str, bytes]:
    """neo4j-admin import CSVs (nodes.csv, relationships.csv) and a Cypher script creating the same graph."""
    nodes = sorted(pg.labels)
    columns: dict[str, list] = defaultdict(list)
    rows = []
    for uri in nodes:
        props = pg.node_properties(uri)
        rows.append(props)
        for k, v in props.items():
            columns[k].append(v)
    keys = ["uri"] + sorted(k for k in columns if k != "uri")
    types = {k: _kind(columns[k]) for k in keys}
    # a decimal column is double where lossless (else text, in both files); in it an integer stays an integer
    rows = [{k: _neo4j_value(v, types[k]) for k, v in props.items()} for props in rows]
    header = ["uri:ID", ":LABEL"] + [f"{k}:{types[k]}" if types[k] != "string" else k for k in keys[1:]]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for uri, props in zip(nodes, rows):
        labels = ";".join(["Resource", *sorted(pg.labels[uri])])
        w.writerow(
            [uri, labels]
            + [
                "" if props.get(k) is None else (repr(props[k]) if isinstance(props[k], float) else _text(props[k]))
                for k in keys[1:]
            ]
        )
    nodes_csv = buf.getvalue().encode("utf-8")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([":START_ID", ":END_ID", ":TYPE", "via"])
    for s, p, o in sorted(set(pg.edges)):
        w.writerow([s, o, p, ""])
    for s, p, o, via in pg.derived:
        w.writerow([s, o, p, via])
    rels_csv = buf.getvalue().encode("utf-8")
    # Cypher: batches of UNWIND, an index on :Resource(uri) first so relationships MATCH fast.
    lines = [
        "// talentkg property graph — run with cypher-shell -f talentkg.cypher (Neo4j 5)",
        "CREATE CONSTRAINT resource_uri IF NOT EXISTS FOR (n:Resource) REQUIRE n.uri IS UNIQUE;",
    ]
    by_labels: dict[str, list[dict]] = defaultdict(list)
    for uri, props in zip(nodes, rows):
        by_labels[":".join(["Resource", *sorted(pg.labels[uri])])].append(props)
    for labels, items in sorted(by_labels.items()):
        for i in range(0, len(items), 500):
            lines.append(f"UNWIND {_cypher_value(items[i : i + 500])} AS row CREATE (n:{labels}) SET n = row;")
    by_type: dict[str, list] = defaultdict(list)
    for s, p, o in sorted(set(pg.edges)):
        by_type[p].append({"s": s, "o": o})
    for s, p, o, via in pg.derived:
        by_type[p].append({"s": s, "o": o, "via": via})
    for p, items in sorted(by_type.items()):
        for i in range(0, len(items), 500):
            chunk = items[i : i + 500]
            props = " {via: row.via}" if "via" in chunk[0] else ""
            lines.append(
                f"UNWIND {_cypher_value(chunk)} AS row MATCH (a:Resource {{uri: row.s}}), (b:Resource {{uri: row.o}}) CREATE (a)-[:{p}{props}]->(b);"
            )
    return {
        "nodes.csv": nodes_csv,
        "relationships.csv": rels_csv,
        "talentkg.cypher": ("\n".join(lines) + "\n").encode("utf-8"),
    }


def _neo4j_value(v, kind: str):
    if kind == "double":
        return v if isinstance(v, int) else float(v)  # Cypher: 10449 stays an integer, 41161.67 a float
    if kind == "string" and not isinstance(v, str):
        return _text(v)  # a decimal that would not survive a double: its exact text
    return v


def _cypher_value(v) -> str:
    import datetime

    if isinstance(v, datetime.date):
        return f"date('{v.isoformat()}')"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)  # an int, or a float whose repr is the decimal's exact text (double_is_lossless)
    if isinstance(v, str):
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "") + "'"
    if isinstance(v, list):
        return "[" + ", ".join(_cypher_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"`{k}`: {_cypher_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


# ---------------------------------------------------------------- JSON-LD (compacted)
CONTEXT_FILE = Path(__file__).resolve().parent.parent / "ontology" / "context.jsonld"


def jsonld_context() -> dict:
    from talentkg.resources import ONTOLOGY_FILE

    path = ONTOLOGY_FILE.parent / "context.jsonld"
    return json.loads((path if path.exists() else CONTEXT_FILE).read_text(encoding="utf-8"))["@context"]


def compact_jsonld(triples: list[ox.Triple]) -> bytes:
    """JSON-LD compacted with the published context (ontology/context.jsonld, embedded): one node
    object per subject, CURIEs for keys, ``@id`` and ``@type``; literal lexical forms kept exactly."""
    ctx = jsonld_context()
    by_ns = sorted(((ns, p) for p, ns in ctx.items() if isinstance(ns, str)), key=lambda x: -len(x[0]))

    def curie(iri: str) -> str:
        for ns, p in by_ns:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns) :].startswith("/"):
                return f"{p}:{iri[len(ns) :]}"
        return iri

    nodes: dict[str, dict] = {}
    for t in triples:
        node = nodes.setdefault(t.subject.value, {"@id": curie(t.subject.value)})
        o = t.object
        if t.predicate.value == RDF_TYPE and isinstance(o, ox.NamedNode):
            node.setdefault("@type", []).append(curie(o.value))
            continue
        if isinstance(o, ox.NamedNode):
            v: object = {"@id": curie(o.value)}
        elif o.language:
            v = {"@value": o.value, "@language": o.language}
        elif o.datatype.value == XSD + "string":
            v = o.value
        else:
            v = {"@value": o.value, "@type": curie(o.datatype.value)}
        node.setdefault(curie(t.predicate.value), []).append(v)
    graph = []
    for key in sorted(nodes):
        node = nodes[key]
        graph.append(
            {
                k: (
                    sorted(v, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
                    if isinstance(v, list)
                    else v
                )
                for k, v in sorted(node.items(), key=lambda kv: (kv[0] not in ("@id", "@type"), kv[0]))
            }
        )
    doc = {"@context": ctx, "@graph": graph}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


# ---------------------------------------------------------------- GraphML
SCHEMA_LABELS = {
    "Class",
    "ObjectProperty",
    "DatatypeProperty",
    "AnnotationProperty",
    "Ontology",
    "FunctionalProperty",
    "TransitiveProperty",
    "SymmetricProperty",
    "InverseFunctionalProperty",
    "AsymmetricProperty",
    "IrreflexiveProperty",
    "ReflexiveProperty",
    "Restriction",
    "NodeShape",
    "PropertyShape",
}


def data_triples(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples about data: without the classes, properties and ontology header (and edges to them)."""
    schema = {
        t.subject.value
        for t in triples
        if t.predicate.value == RDF_TYPE
        and isinstance(t.object, ox.NamedNode)
        and local_name(t.object.value) in SCHEMA_LABELS
        and t.object.value.startswith(LABEL_NAMESPACES + (PREFIXES["rdfs"], PREFIXES["sh"]))
    }
    return [
        t
        for t in triples
        if t.subject.value not in schema
        and not (isinstance(t.object, ox.NamedNode) and t.object.value in schema and t.predicate.value != RDF_TYPE)
    ]


def _graphml_types(g) -> None:
    """One type per attribute name (igraph and Gephi need it), by column_kind: booleans stay boolean,
    integers stay integers (long); a decimal column with a fractional value is text holding each
    value's exact decimal ("10449", "41161.67": never a double, see docs/EXPORTS.md); any other mix is text."""

    def unify(items):
        values: dict[str, list] = defaultdict(list)
        for d in items:
            for k, v in d.items():
                values[k].append(v)
        for k, vals in values.items():
            kind = column_kind(vals)
            if kind in ("boolean", "long"):
                continue
            for d in items:
                if k in d:
                    d[k] = _text(d[k])

    unify([d for _, d in g.nodes(data=True)])
    unify([d for _, _, d in g.edges(data=True)])


def graphml(store: ox.Store, schema: bool = False) -> bytes:
    import networkx as nx

    g = _graphml_clean(to_networkx(store, include_literals=True, schema=schema))
    _graphml_types(g)
    buf = io.BytesIO()
    nx.write_graphml(g, buf, named_key_ids=True)
    return buf.getvalue()


# ---------------------------------------------------------------- OWL 2 DL (RDF/XML)
OWL = PREFIXES["owl"]
RDFS = PREFIXES["rdfs"]
# The OWL 2 datatype map has no xsd:date: a date D is written as the xsd:dateTime D at 00:00:00 (no time zone).
DATE_AS_DATETIME = "T00:00:00"
PROPERTY_KINDS = (OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty")


def owl_triples(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Ontology + data in OWL 2 DL: xsd:date values and ranges as xsd:dateTime at midnight; every
    property and class used but not declared here (DCAT, VoID, Dublin Core) declared — as an
    annotation property, or owl:Class."""
    xsd_date, xsd_dt = ox.NamedNode(XSD + "date"), ox.NamedNode(XSD + "dateTime")
    rdf_type = ox.NamedNode(RDF_TYPE)
    out = set()
    declared: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        o = t.object
        if isinstance(o, ox.Literal) and o.datatype == xsd_date:
            o = ox.Literal(o.value + DATE_AS_DATETIME, datatype=xsd_dt)
        elif o == xsd_date:
            o = xsd_dt
        out.add(ox.Triple(t.subject, t.predicate, o))
        if t.predicate == rdf_type and isinstance(o, ox.NamedNode):
            declared[t.subject.value].add(o.value)
    builtin = (PREFIXES["rdf"], RDFS, OWL)
    for t in triples:
        p = t.predicate.value
        if not p.startswith(builtin) and not declared[p] & set(PROPERTY_KINDS):
            out.add(ox.Triple(t.predicate, rdf_type, ox.NamedNode(OWL + "AnnotationProperty")))
        if (
            t.predicate == rdf_type
            and isinstance(t.object, ox.NamedNode)
            and not t.object.value.startswith(builtin)
            and OWL + "Class" not in declared[t.object.value]
        ):
            out.add(ox.Triple(t.object, rdf_type, ox.NamedNode(OWL + "Class")))
    return sorted(out, key=str)


def owl_profile_problems(triples: list[ox.Triple]) -> list[str]:
    """A structural OWL 2 DL check of the RDF: datatypes in the OWL 2 datatype map; every property
    declared as exactly one of object / datatype / annotation property; object properties with IRI
    values only, datatype properties with literals only; every class used declared."""
    allowed = {
        XSD + n
        for n in (
            "string",
            "anyURI",
            "decimal",
            "integer",
            "boolean",
            "dateTime",
            "dateTimeStamp",
            "double",
            "float",
            "int",
            "long",
            "nonNegativeInteger",
            "positiveInteger",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "hexBinary",
            "base64Binary",
            "short",
            "byte",
            "nonPositiveInteger",
            "negativeInteger",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
        )
    }
    allowed |= {
        PREFIXES["rdf"] + "PlainLiteral",
        PREFIXES["rdf"] + "XMLLiteral",
        RDFS + "Literal",
        OWL + "real",
        OWL + "rational",
    }
    kinds: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            kinds[t.subject.value].add(t.object.value)
    problems = []
    builtin = (PREFIXES["rdf"], RDFS, OWL)
    for t in triples:
        o, p = t.object, t.predicate.value
        if isinstance(o, ox.Literal) and o.language is None and o.datatype.value not in allowed:
            problems.append(f"datatype not in the OWL 2 datatype map: {o}")
        if p.startswith(builtin):
            continue
        k = kinds[p] & set(PROPERTY_KINDS)
        if len(k) != 1:
            problems.append(f"{p} declared as {sorted(k) or 'nothing'}")
        elif OWL + "ObjectProperty" in k and not isinstance(o, ox.NamedNode):
            problems.append(f"object property {p} with a literal value {o}")
        elif OWL + "DatatypeProperty" in k and not isinstance(o, ox.Literal):
            problems.append(f"datatype property {p} with an IRI value {o}")
    for t in triples:
        if (
            t.predicate.value == RDF_TYPE
            and isinstance(t.object, ox.NamedNode)
            and not t.object.value.startswith(builtin)
            and OWL + "Class" not in kinds[t.object.value]
        ):
            problems.append(f"class not declared: {t.object.value}")
    return sorted(set(problems))


def export(store: ox.Store, fmt: str, out: Path, schema: bool = False) -> list[Path]:
    triples = default_triples(store)
    if fmt == "owl":
        write_output(out, ox.serialize(owl_triples(triples), format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES))
        return [out]
    if fmt == "jsonld":
        write_output(out, compact_jsonld(triples))
        return [out]
    if fmt in RDF_FORMATS:
        rdf_format, _ = RDF_FORMATS[fmt]
        kw = {"prefixes": PREFIXES} if fmt in ("turtle", "rdfxml") else {}
        write_output(out, ox.serialize(triples, format=rdf_format, **kw))
        return [out]
    if fmt == "graphml":
        write_output(out, graphml(store, schema=schema))
        return [out]
    if fmt == "neo4j":
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, content in neo4j_files(PropertyGraph(triples)).items():
            write_output(out / name, content)
            paths.append(out / name)
        return paths
    raise ValueError(f"unknown format {fmt}")
