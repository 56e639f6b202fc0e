"""Build the graph: ontology + data tables → one validated, deterministic RDF dataset.

``talentkg build`` writes ``build/talentkg.nt`` (sorted N-Triples) and ``build/talentkg.ttl``.
Both are written, only after validation passed, into a new versioned folder and swapped in as
one set (``talentkg.files.replace_set``), so a failed or killed build leaves the previous set. The same inputs give byte-identical files.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from talentkg.errors import DataError
from talentkg.loaders.tables import read_tables
from talentkg.namespaces import PREFIXES
from talentkg.resources import DATA_DIR, ONTOLOGY_FILE


@dataclass
class BuildResult:
    triples: list[ox.Triple]
    timings: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    overlays: list = field(default_factory=list)  # loaders.overlays.Overlay, one per folder loaded


def source_name(path: Path) -> str:
    """A packaged source file as the repository names it (ontology/talentkg.ttl), else its path."""
    from talentkg.resources import ONTOLOGY_DIR, QUERIES_DIR

    for base, name in ((ONTOLOGY_DIR, "ontology"), (QUERIES_DIR, "queries")):
        try:
            return f"{name}/{Path(path).resolve().relative_to(base.resolve())}"
        except ValueError:
            continue
    return str(path)


def ontology_triples(path: Path = ONTOLOGY_FILE) -> list[ox.Triple]:
    """The triples of a Turtle file; a syntax error is a DataError naming file:line."""
    try:
        return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    except SyntaxError as e:
        reason = str(e).split(" (", 1)[0] if e.lineno else str(e)
        raise DataError(source_name(path), e.lineno, f"is not valid Turtle: {reason}; fix the file") from None
    except UnicodeDecodeError:
        raise DataError(source_name(path), None, "is not UTF-8 text; save it as UTF-8") from None
    except OSError as e:
        raise DataError(source_name(path), None, f"cannot be read ({e.strerror or e})") from None


def collect_triples(
    data_dir: Path = DATA_DIR,
    ontology_file: Path = ONTOLOGY_FILE,
    catalogue: Path | None = None,
    overlays: list[Path] | None = None,
    report: list | None = None,
) -> list[ox.Triple]:
    """Ontology and data, de-duplicated and sorted (the canonical order of every output).

    ``catalogue``: an imported official annex (``talentkg catalogue import``) to load instead of
    the 170-entry reconstruction. ``overlays``: local folders of tables (loaders/overlays.py);
    the overlays found are appended to ``report``."""
    triples = set(ontology_triples(ontology_file))
    triples.update(
        read_tables(
            data_dir,
            overrides={"catalogue_entries": catalogue} if catalogue else None,
            overlays=overlays,
            report=report,
        )
    )
    from talentkg.dataset import description_triples  # the DCAT/VoID description of these triples

    triples.update(description_triples(triples))
    return sorted(triples, key=str)


def make_store(triples: list[ox.Triple]) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return store


def serialize_ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


_SAFE_LOCAL = re.compile(
    r"[A-Za-z_][A-Za-z0-9_-]*"
)  # no escapes, no leading digit, no dot: every Turtle parser reads it


def turtle_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The well-known prefixes plus one per IRI folder under ``tkd:`` (``tkd-authority:`` for
    ``…/id/authority/``), so no local name needs a backslash escape."""
    prefixes = dict(PREFIXES)
    tkd = PREFIXES["tkd"]
    for t in triples:
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(tkd):
                folder = term.value[len(tkd) :].rpartition("/")[0]
                if folder and re.fullmatch(r"[A-Za-z][A-Za-z0-9/_-]*", folder):
                    prefixes.setdefault("tkd-" + folder.replace("/", "-"), f"{tkd}{folder}/")
    return prefixes


def serialize_turtle(triples: list[ox.Triple]) -> bytes:
    """Turtle that OWLAPI, Jena, rdflib, raptor and Oxigraph all read: a prefixed name only where the
    local name is plain (letters, digits, ``_``, ``-``; not starting with a digit), else the full IRI.
    Subjects in sorted order, one block each; the same triples give byte-identical output."""
    prefixes = turtle_prefixes(triples)
    by_ns = sorted(((ns, p) for p, ns in prefixes.items()), key=lambda x: -len(x[0]))
    cache: dict[str, str] = {}

    def iri(value: str) -> str:
        out = cache.get(value)
        if out is None:
            out = f"<{value}>"
            for ns, p in by_ns:
                if value.startswith(ns):
                    local = value[len(ns) :]
                    if _SAFE_LOCAL.fullmatch(local):
                        out = f"{p}:{local}"
                    break
            cache[value] = out
        return out

    def term(t) -> str:
        if isinstance(t, ox.NamedNode):
            return iri(t.value)
        if isinstance(t, ox.Literal) and t.language is None and t.datatype.value != PREFIXES["xsd"] + "string":
            text = str(t)
            return text[: text.rindex("^^") + 2] + iri(t.datatype.value)
        return str(t)  # N-Triples form: a valid Turtle term

    used = set()
    for t in triples:
        for x in (t.subject, t.predicate, t.object):
            if isinstance(x, ox.NamedNode):
                used.add(iri(x.value).partition(":")[0])
            if isinstance(x, ox.Literal) and x.datatype is not None:
                used.add(iri(x.datatype.value).partition(":")[0])
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(prefixes.items()) if p in used]
    rdf_type = PREFIXES["rdf"] + "type"
    blocks: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        s = term(t.subject)
        p = "a" if t.predicate.value == rdf_type else iri(t.predicate.value)
        blocks.setdefault(s, {}).setdefault(p, []).append(term(t.object))
    for s in sorted(blocks):
        preds = blocks[s]
        order = sorted(preds, key=lambda p: (p != "a", p))
        body = " ;\n    ".join(f"{p} " + " ,\n        ".join(sorted(set(preds[p]))) for p in order)
        lines.append(f"\n{s} {body} .")
    return ("\n".join(lines) + "\n").encode("utf-8")


def build(
    out_dir: Path | None,
    data_dir: Path = DATA_DIR,
    validate: bool = True,
    catalogue: Path | None = None,
    overlays: list[Path] | None = None,
) -> BuildResult:
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
