"""Build the graph: ontology + data tables → one validated, deterministic RDF dataset.

``talentkg build`` writes ``build/talentkg.nt`` (sorted N-Triples) and ``build/talentkg.ttl``.
Both are written to a temporary file and renamed, only after validation passed, so a failed
build leaves the previous output untouched. The same inputs give byte-identical files.
"""
from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from talentkg.loaders.tables import read_tables
from talentkg.namespaces import PREFIXES
from talentkg.resources import DATA_DIR, ONTOLOGY_FILE


@dataclass
class BuildResult:
    triples: list[ox.Triple]
    timings: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)


def ontology_triples(path: Path = ONTOLOGY_FILE) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def collect_triples(data_dir: Path = DATA_DIR, ontology_file: Path = ONTOLOGY_FILE, catalogue: Path | None = None) -> list[ox.Triple]:
    """Ontology and data, de-duplicated and sorted (the canonical order of every output).

    ``catalogue``: an imported official annex (``talentkg catalogue import``) to load instead of
    the 170-entry reconstruction."""
    triples = set(ontology_triples(ontology_file))
    triples.update(read_tables(data_dir, overrides={"catalogue_entries": catalogue} if catalogue else None))
    return sorted(triples, key=str)


def make_store(triples: list[ox.Triple]) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return store


def serialize_ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def serialize_turtle(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def write_atomic(path: Path, content: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename over it (no half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def build(out_dir: Path | None, data_dir: Path = DATA_DIR, validate: bool = True, catalogue: Path | None = None) -> BuildResult:
    """Load, validate and (when ``out_dir`` is given) write the graph. Raises on any error."""
    from talentkg.graph.validate import validate_triples

    t0 = time.perf_counter()
    triples = collect_triples(data_dir, catalogue=catalogue)
    result = BuildResult(triples=triples)
    result.timings["load"] = time.perf_counter() - t0
    if validate:
        t1 = time.perf_counter()
        validate_triples(triples)
        result.timings["validate"] = time.perf_counter() - t1
    if out_dir is not None:
        t2 = time.perf_counter()
        nt, ttl = serialize_ntriples(triples), serialize_turtle(triples)
        for name, content in (("talentkg.nt", nt), ("talentkg.ttl", ttl)):
            write_atomic(out_dir / name, content)
            result.outputs.append(out_dir / name)
        result.timings["write"] = time.perf_counter() - t2
    result.timings["total"] = time.perf_counter() - t0
    return result
