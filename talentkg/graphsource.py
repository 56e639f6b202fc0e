"""Which graph a command or ``KnowledgeGraph.load()`` answers from — one current graph.

Precedence (first that applies):

1. an explicit path (``--graph PATH`` / ``KnowledgeGraph.load(PATH)``) or an explicit
   ``catalogue=`` (build from the packaged data with that catalogue);
2. the ``TALENTKG_GRAPH`` environment variable: a path to a built graph, or ``packaged``;
3. ``./build/talentkg.nt`` when it exists (the output of ``talentkg build``, with or without
   ``--catalogue``) — so after a build every command uses it;
4. the packaged data (ontology + data tables), loaded in memory.

``talentkg build`` writes ``build/talentkg.build.json`` beside the graph: the content hash of
the inputs (data tables, ontology, shapes, the catalogue file), the data version and the
catalogue used. A build whose recorded input hash differs from the current inputs is *stale*:
it is reported (a warning on stderr / ``warnings.warn``, and ``GraphSource.stale``), never
silently used. The manifest holds no time stamp, so builds stay byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from talentkg.resources import DATA_DIR, ONTOLOGY_DIR

ENV_VAR = "TALENTKG_GRAPH"
DEFAULT_BUILD = Path("build") / "talentkg.nt"
MANIFEST_NAME = "talentkg.build.json"
PACKAGED = "packaged"


def inputs_hash(
    data_dir: Path = DATA_DIR,
    ontology_dir: Path = ONTOLOGY_DIR,
    catalogue: Path | None = None,
    overlays: list | None = None,
) -> str:
    """SHA-256 (first 16 hex digits) over the content of every input file, in a fixed order
    (data tables, ontology, the catalogue file, overlay folders)."""
    h = hashlib.sha256()
    files: list[tuple[str, Path]] = []
    bases = [(Path(data_dir), "data"), (Path(ontology_dir), "ontology")]
    bases += [(Path(o), f"overlay{i}") for i, o in enumerate(overlays or [])]
    for base, tag in bases:
        for p in sorted(base.rglob("*")):
            if p.is_file() and p.suffix in (".csv", ".yaml", ".yml", ".ttl") and "__pycache__" not in p.parts:
                files.append((f"{tag}/{p.relative_to(base).as_posix()}", p))
    if catalogue is not None:
        files.append(("catalogue", Path(catalogue)))
    for name, p in files:
        h.update(name.encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:16]


def manifest_path(graph_path: Path) -> Path:
    return Path(graph_path).with_name(MANIFEST_NAME)


def write_manifest(
    out_dir: Path, data_version: str, catalogue: Path | None, evidence: dict[str, int], overlays: list | None = None
) -> Path:
    """Record what a build was made from (called by ``talentkg build`` after the graph is written)."""
    from talentkg.files import write_output

    doc = {
        "graph": "talentkg.nt",
        "inputs_hash": inputs_hash(catalogue=catalogue, overlays=overlays),
        "overlays": [str(o) for o in overlays or []],
        "data_version": data_version,
        "catalogue": str(catalogue) if catalogue else None,
        "catalogue_sha256": hashlib.sha256(Path(catalogue).read_bytes()).hexdigest()[:16] if catalogue else None,
        "catalogue_evidence": dict(sorted(evidence.items())),
    }
    out = Path(out_dir) / MANIFEST_NAME
    write_output(out, (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return out


@dataclass
class GraphSource:
    """Where a loaded graph came from. ``str(source)`` is the one-line note the CLI prints."""

    kind: str  # "built" | "file" | "packaged"
    path: Path | None = None  # the graph file, for built/file
    chosen_by: str = "default"  # "argument" | "env TALENTKG_GRAPH" | "./build" | "default"
    catalogue: str | None = None  # the catalogue file the build used (None: the reconstruction)
    data_version: str = ""
    evidence: dict[str, int] = field(default_factory=dict)
    stale: bool = False
    stale_reason: str = ""
    manifest: dict | None = None

    def note(self) -> str:
        where = "packaged data (in memory)" if self.kind == "packaged" else str(self.path)
        cat = f"catalogue {self.catalogue}" if self.catalogue else "catalogue: reconstruction"
        ev = ", ".join(f"{k} {v}" for k, v in sorted(self.evidence.items())) or "no catalogue entries"
        s = f"graph: {where} [{self.chosen_by}] · data {self.data_version} · {cat} ({ev})"
        if self.stale:
            s += f" · STALE: {self.stale_reason}"
        return s

    __str__ = note

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "path": str(self.path) if self.path else None,
            "chosen_by": self.chosen_by,
            "catalogue": self.catalogue,
            "data_version": self.data_version,
            "catalogue_evidence": self.evidence,
            "stale": self.stale,
            "stale_reason": self.stale_reason or None,
        }


def resolve(path: str | Path | None = None, catalogue: str | Path | None = None) -> GraphSource:
    """Decide which graph to load (see the module docstring for the precedence)."""
    if catalogue is not None:
        return GraphSource("packaged", chosen_by="argument", catalogue=str(catalogue))
    chosen = "argument"
    if path is None or str(path) == "":
        env = os.environ.get(ENV_VAR, "").strip()
        if env:
            path, chosen = env, f"env {ENV_VAR}"
        elif DEFAULT_BUILD.is_file():
            path, chosen = DEFAULT_BUILD, "./build"
        else:
            return GraphSource("packaged", chosen_by="default")
    if str(path) == PACKAGED:
        return GraphSource("packaged", chosen_by=chosen)
    p = Path(path)
    if not p.is_file():
        from talentkg.errors import ParameterError

        raise ParameterError(
            "--graph" if chosen == "argument" else ENV_VAR,
            f"no graph file {str(p)!r}; run `talentkg build` or give a built .nt/.ttl file (or 'packaged')",
        )
    src = GraphSource("built", path=p, chosen_by=chosen)
    mf = manifest_path(p)
    if mf.is_file():
        try:
            src.manifest = json.loads(mf.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            src.manifest = None
    if src.manifest is None:
        src.kind = "file"
        return src
    src.catalogue = src.manifest.get("catalogue")
    cat = Path(src.catalogue) if src.catalogue else None
    if cat is not None and not cat.is_file():
        src.stale, src.stale_reason = True, f"the catalogue it was built from ({cat}) is gone"
        return src
    overlays = [Path(o) for o in src.manifest.get("overlays") or []]
    gone = [o for o in overlays if not o.is_dir()]
    if gone:
        src.stale, src.stale_reason = True, f"the overlay folder it was built with ({gone[0]}) is gone"
        return src
    now = inputs_hash(catalogue=cat, overlays=overlays)
    if now != src.manifest.get("inputs_hash"):
        src.stale = True
        src.stale_reason = (
            f"the data/ontology{'/catalogue' if cat else ''} changed since this build "
            f"(inputs {now}, build recorded {src.manifest.get('inputs_hash')}); rebuild with "
            f"`talentkg build{' --catalogue ' + str(cat) if cat else ''}`"
        )
    return src
