"""Build the graph: ontology + data tables → one validated, deterministic RDF dataset.

``talentkg build`` writes ``build/talentkg.nt`` (sorted N-Triples) and ``build/talentkg.ttl``.
Both are written, only after validation passed, into a new versioned folder and swapped in as
one set (``talentkg.files.replace_set``), so a failed or killed build leaves the previous set. The same inputs give byte-identical files.
"""
from __future__ import annotations

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
    overlays: list = field(default_factory=list)  # loaders.overlays.Overlay, one per folder loaded


def ontology_triples(path: Path = ONTOLOGY_FILE) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def collect_triples(data_dir: Path = DATA_DIR, ontology_file: Path = ONTOLOGY_FILE, catalogue: Path | None = None,
                    overlays: list[Path] | None = None, report: list | None = None) -> list[ox.Triple]:
    """Ontology and data, de-duplicated and sorted (the canonical order of every output).

    ``catalogue``: an imported official annex (``talentkg catalogue import``) to load instead of
    the 170-entry reconstruction. ``overlays``: local folders of tables (loaders/overlays.py);
    the overlays found are appended to ``report``."""
    triples = set(ontology_triples(ontology_file))
    triples.update(read_tables(data_dir, overrides={"catalogue_entries": catalogue} if catalogue else None,
                               overlays=overlays, report=report))
    from talentkg.dataset import description_triples  # the DCAT/VoID description of these triples

    triples.update(description_triples(triples))
    return sorted(triples, key=str)


def make_store(triples: list[ox.Triple]) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return store


def serialize_ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def serialize_turtle(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def write_atomic(path: Path, content: bytes, inputs=(), field: str = "--out") -> None:
    """Write to a temporary file beside ``path``, then rename over it (no half-written file).

    Delegates to :func:`talentkg.files.write_output` (``-`` = stdout, umask / existing mode
    respected, never renames over a device, refuses an input as output)."""
    from talentkg.files import write_output

    write_output(path, content, inputs=inputs, field=field)


def build(out_dir: Path | None, data_dir: Path = DATA_DIR, validate: bool = True, catalogue: Path | None = None,
          overlays: list[Path] | None = None) -> BuildResult:
    """Load, validate and (when ``out_dir`` is given) write the graph. Raises on any error."""
    from talentkg.graph.validate import validate_triples

    t0 = time.perf_counter()
    report: list = []
    triples = collect_triples(data_dir, catalogue=catalogue, overlays=overlays, report=report)
    result = BuildResult(triples=triples, overlays=report)
    result.timings["load"] = time.perf_counter() - t0
    if validate:
        t1 = time.perf_counter()
        validate_triples(triples)
        result.timings["validate"] = time.perf_counter() - t1
    if out_dir is not None:
        t2 = time.perf_counter()
        from talentkg.files import replace_set

        nt, ttl = serialize_ntriples(triples), serialize_turtle(triples)
        # both files replaced as one set (a versioned folder and one atomic link switch)
        result.outputs.extend(replace_set(out_dir, {"talentkg.nt": nt, "talentkg.ttl": ttl}))
        result.timings["write"] = time.perf_counter() - t2
    result.timings["total"] = time.perf_counter() - t0
    return result
