"""``talentkg docs``: ontology documentation generated with pyLODE from ontology/talentkg.ttl."""
from __future__ import annotations

from pathlib import Path

from talentkg.graph.build import write_atomic
from talentkg.resources import ONTOLOGY_FILE


def make_docs(out_dir: Path) -> Path:
    from pylode import OntPub

    html = OntPub(ontology=ONTOLOGY_FILE, sort_subjects=True).make_html()
    out = out_dir / "index.html"
    write_atomic(out, html.encode("utf-8"))
    return out
