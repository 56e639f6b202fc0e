"""OWLAPI (the library under Protégé, ROBOT and the OWL reasoners) reads our files (issue 13.2/13.3).

tests/java/ReadBack.java runs on the machine's Java (single-file source launch, JDK 11+) with the
Debian package libowlapi-java (Makefile APT_PACKAGES: libowlapi-java, default-jdk-headless). It
parses a file with the parser of the format asked for — a document source with a format given
never falls back to another parser — and reports the parser's triple count, the triples it could
not map to OWL, the declarations it had to guess, and every declared entity. Expected values come
from the N-Triples of the same build, parsed by Oxigraph.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from talentkg.exports import export

JAVA_DIR = Path("/usr/share/java")
# owlapi-distribution and the jars it needs at run time (the Debian package's dependencies)
JARS = (
    "owlapi-distribution",
    "guava",
    "commons-io",
    "commons-rdf-api",
    "slf4j-api",
    "slf4j-nop",
    "caffeine",
    "jsr305",
    "atinject-jsr330-api",
    "hppcrt",
    "xz",
    "commons-codec",
)
HARNESS = Path(__file__).resolve().parent / "java" / "ReadBack.java"
OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BUILTIN = (OWL, "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#")
KINDS = {
    "class": OWL + "Class",
    "objectProperty": OWL + "ObjectProperty",
    "dataProperty": OWL + "DatatypeProperty",
    "annotationProperty": OWL + "AnnotationProperty",
}


def classpath() -> str:
    java = shutil.which("java")
    if not java or not (JAVA_DIR / "owlapi-distribution.jar").exists():
        pytest.skip("Java or OWLAPI missing (make sysdeps installs libowlapi-java and default-jdk-headless)")
    # rdf4j's Rio parsers: OWLAPI's service loader instantiates its Rio parser factories at start
    rio = sorted(p for p in JAVA_DIR.glob("rdf4j-*.jar") if not re.search(r"-\d[\d.]*$", p.stem))
    jars = [JAVA_DIR / f"{j}.jar" for j in JARS] + rio
    missing = [str(p) for p in jars if not p.exists()]
    assert not missing, f"OWLAPI dependencies missing: {missing}"
    return ":".join(str(p) for p in jars)


def read_back(fmt: str, path: Path) -> tuple[dict[str, str], dict[str, set[str]]]:
    r = subprocess.run(
        ["java", "-cp", classpath(), str(HARNESS), fmt, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    counts: dict[str, str] = {}
    entities: dict[str, set[str]] = {}
    for line in r.stdout.splitlines():
        key, _, value = line.partition(" ")
        if key in ("format", "triples", "unparsed", "guessed", "axioms", "logical"):
            counts[key] = value
        else:
            entities.setdefault(key, set()).add(value)
    return counts, entities


def expected_entities(triples: list[ox.Triple]) -> dict[str, set[str]]:
    """What an OWL parser must find in these triples: the declared classes and properties, and the
    individuals (typed with a class, or in an object/data property assertion)."""
    types: dict[str, set[str]] = {}
    for t in triples:
        if t.predicate.value == RDF_TYPE and isinstance(t.subject, ox.NamedNode):
            types.setdefault(t.subject.value, set()).add(t.object.value)
    out = {k: {s for s, ts in types.items() if iri in ts} for k, iri in KINDS.items()}
    individuals = set()
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == RDF_TYPE and (o.value == OWL + "NamedIndividual" or not o.value.startswith(BUILTIN)):
            individuals.add(s.value)
        elif p in out["objectProperty"]:
            individuals |= {s.value, o.value}
        elif p in out["dataProperty"]:
            individuals.add(s.value)
    out["signatureIndividual"] = individuals
    return out


def check(fmt: str, path: Path, triples: list[ox.Triple], owl_format: str) -> dict[str, str]:
    counts, entities = read_back(fmt, path)
    assert counts["format"] == "org.semanticweb.owlapi.formats." + owl_format  # no fallback parser
    assert int(counts["triples"]) == len(triples)  # every triple consumed
    assert counts["unparsed"] == "0" and counts["guessed"] == "0"
    want = expected_entities(triples)
    for kind in (*KINDS, "signatureIndividual"):
        assert entities.get(kind, set()) == want[kind], (kind, sorted(entities.get(kind, set()) ^ want[kind])[:5])
    assert int(counts["axioms"]) > len(triples) // 2 and int(counts["logical"]) > 10000
    return counts


@pytest.mark.slow
def test_owlapi_reads_the_turtle_and_the_owl_export(built, kg, tmp_path):
    out, _ = built
    nt = [q.triple for q in ox.parse(path=str(out / "talentkg.nt"), format=ox.RdfFormat.N_TRIPLES)]
    check("turtle", out / "talentkg.ttl", nt, "TurtleDocumentFormat")
    owl = tmp_path / "g.owl"
    export(kg.store, "owl", owl)
    owl_triples = [q.triple for q in ox.parse(path=str(owl), format=ox.RdfFormat.RDF_XML)]
    check("rdfxml", owl, owl_triples, "RDFXMLDocumentFormat")
    # every term used is declared in ontology/ (the DCAT/VoID terms included): the OWL export only
    # rewrites xsd:date as xsd:dateTime, it adds no triple
    assert len(owl_triples) == len(nt)


@pytest.mark.slow
def test_owlapi_harness_catches_bad_turtle(tmp_path):
    """The check can fail: a backslash-escaped local name (the bug issue 13 found in build/talentkg.ttl)
    is read by OWLAPI as an IRI with a backslash in it, so the entities differ from the N-Triples; a
    broken file is refused by the one parser asked for (no fallback to another format)."""
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix tkd: <https://w3id.org/talentkg/id/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "tkd:authority\\/bj-hrssb a owl:NamedIndividual .\n",
        encoding="utf-8",
    )
    meant = [
        ox.Triple(
            ox.NamedNode("https://w3id.org/talentkg/id/authority/bj-hrssb"),
            ox.NamedNode(RDF_TYPE),
            ox.NamedNode(OWL + "NamedIndividual"),
        )
    ]
    assert [q.triple for q in ox.parse(path=str(bad), format=ox.RdfFormat.TURTLE)] == meant  # valid Turtle 1.1
    with pytest.raises(AssertionError, match="signatureIndividual"):
        check("turtle", bad, meant, "TurtleDocumentFormat")
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c", encoding="utf-8")
    r = subprocess.run(
        ["java", "-cp", classpath(), str(HARNESS), "turtle", str(broken)], capture_output=True, text=True, timeout=120
    )
    assert r.returncode != 0 and "UnparsableOntologyException" in r.stderr
    tried = re.findall(r"^\d+\) (\S+)@", r.stderr, flags=re.M)
    assert tried == ["org.semanticweb.owlapi.rdf.turtle.parser.TurtleOntologyParser"]  # no other format tried
