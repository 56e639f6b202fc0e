"""The data's own version (SemVer), its content hash, and the dataset description in the graph.

One place holds the data version: ``data/RELEASES.csv`` (version, hash, issued, summary), one row
per release, newest last. ``hash`` is :func:`content_hash` of the packaged tables and ontology at
that release; ``tests/test_data_version.py`` fails when the data or ontology changed without a new
row (and a CHANGELOG.md section). ``KnowledgeGraph.data_version`` is ``<version>+<graph digest>``:
the release beside the hash of the graph actually loaded (overlays included).

The DCAT/VoID description (:func:`description_triples`) is computed at build from the triples and
the release row, so the same inputs give the same description (no clock is read).
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from talentkg.namespaces import TK, TKD, XSD, expand
from talentkg.resources import DATA_DIR, ONTOLOGY_DIR

RELEASES_FILE = "RELEASES.csv"
# the files that make the data: the same patterns the wheel packages (pyproject package-data)
DATA_PATTERNS = ("*.csv", "*.yaml", "reference/*/*.csv", "reference/*/*.md", "reference/MANIFEST.sha256")
ONTOLOGY_PATTERNS = ("*.ttl",)
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
DATASET = NamedNode(TKD + "dataset/talentkg")


@dataclass(frozen=True)
class Release:
    version: str
    hash: str
    issued: str
    summary: str


def content_files(data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR) -> list[tuple[str, Path]]:
    out = {}
    for base, prefix, patterns in ((data_dir, "data", DATA_PATTERNS), (ontology_dir, "ontology", ONTOLOGY_PATTERNS)):
        for pat in patterns:
            for p in base.glob(pat):
                # ui_strings.csv holds the workbench's own UI labels, not policy data: no data release.
                if p.is_file() and p.name not in (RELEASES_FILE, "ui_strings.csv"):
                    out[f"{prefix}/{p.relative_to(base).as_posix()}"] = p
    return sorted(out.items())


def content_hash(data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR) -> str:
    """sha256 over (relative path, bytes) of every data and ontology file, in path order."""
    h = hashlib.sha256()
    for rel, p in content_files(data_dir, ontology_dir):
        body = p.read_bytes()
        h.update(f"{rel}\0{len(body)}\0".encode())
        h.update(body)
    return h.hexdigest()


def releases(data_dir: Path = DATA_DIR) -> list[Release]:
    with (data_dir / RELEASES_FILE).open(encoding="utf-8", newline="") as fh:
        return [
            Release(r["version"].strip(), r["hash"].strip(), r["issued"].strip(), r["summary"].strip())
            for r in csv.DictReader(fh)
        ]


def current_release(data_dir: Path = DATA_DIR) -> Release:
    return releases(data_dir)[-1]


def parse_semver(v: str) -> tuple[int, int, int]:
    parts = v.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"{v!r} is not MAJOR.MINOR.PATCH")
    return tuple(int(p) for p in parts)  # type: ignore[return-value]


# ------------------------------------------------------------------ DCAT / VoID
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = NamedNode(expand("rdf:type"))


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=NamedNode(XSD + "integer"))


def description_triples(triples, release: Release | None = None) -> list[Triple]:
    """A dcat:Dataset / void:Dataset node describing ``triples`` (the description's own triples
    included in void:triples): version, issued, licence, sources (every tk:SourceDocument),
    distributions (the N-Triples and Turtle build outputs), counts of triples, classes, entities."""
    release = release or current_release()
    triples = list(triples)
    subjects = {t.subject for t in triples}
    classes = Counter(t.object for t in triples if t.predicate == RDF_TYPE)
    properties = {t.predicate for t in triples}
    sources = sorted(
        {t.subject for t in triples if t.predicate == RDF_TYPE and t.object == NamedNode(TK + "SourceDocument")}
        | {
            t.subject
            for t in triples
            if t.predicate == RDF_TYPE
            and t.object in (NamedNode(TK + "PolicyDocument"), NamedNode(TK + "SecondarySource"))
        },
        key=str,
    )
    d = DATASET
    P = lambda c: NamedNode(expand(c))  # noqa: E731
    out = [
        Triple(d, RDF_TYPE, NamedNode(DCAT + "Dataset")),
        Triple(d, RDF_TYPE, NamedNode(VOID + "Dataset")),
        Triple(d, P("dcterms:title"), Literal("talentkg: China's foreign-talent work-permit policy", language="en")),
        Triple(d, P("dcterms:title"), Literal("talentkg：中国外国人来华工作许可政策知识图谱", language="zh")),
        Triple(d, NamedNode(DCAT + "version"), Literal(release.version)),
        Triple(d, P("owl:versionInfo"), Literal(release.version)),
        Triple(d, NamedNode(TK + "contentHash"), Literal(release.hash)),
        Triple(d, P("dcterms:issued"), Literal(release.issued, datatype=NamedNode(XSD + "date"))),
        Triple(d, P("dcterms:license"), NamedNode(LICENCE)),
        Triple(d, NamedNode(VOID + "vocabulary"), NamedNode(TK)),
    ]
    out += [Triple(d, P("dcterms:source"), s) for s in sources]
    for name, media in (("talentkg.nt", "application/n-triples"), ("talentkg.ttl", "text/turtle")):
        dist = NamedNode(TKD + "dataset/talentkg/" + name)
        out += [
            Triple(d, NamedNode(DCAT + "distribution"), dist),
            Triple(dist, RDF_TYPE, NamedNode(DCAT + "Distribution")),
            Triple(dist, NamedNode(DCAT + "mediaType"), Literal(media)),
            Triple(dist, P("dcterms:title"), Literal("build/" + name)),
            Triple(dist, P("dcterms:license"), NamedNode(LICENCE)),
        ]
    n_classes = len(set(classes) | {t.object for t in out if t.predicate == RDF_TYPE})
    n_entities = len(subjects | {t.subject for t in out})
    n_props = len(
        properties
        | {t.predicate for t in out}
        | {NamedNode(VOID + p) for p in ("triples", "classes", "entities", "properties")}
    )
    counts = [(VOID + "classes", n_classes), (VOID + "entities", n_entities), (VOID + "properties", n_props)]
    out += [Triple(d, NamedNode(p), _int(n)) for p, n in counts]
    total = len(set(triples) | set(out)) + 1  # + the void:triples triple itself
    out.append(Triple(d, NamedNode(VOID + "triples"), _int(total)))
    return out


if __name__ == "__main__":  # python -m talentkg.dataset  → the hash to record in data/RELEASES.csv
    print(content_hash())
