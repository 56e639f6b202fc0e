"""``talentkg docs``: ontology documentation generated with pyLODE from ontology/talentkg.ttl.

pyLODE (and rdflib under it) log INFO/DEBUG lines and print while rendering; they are silenced
here so the command prints only the file it wrote (errors still surface as exceptions)."""

from __future__ import annotations

import contextlib
import io
import logging
from pathlib import Path

from talentkg.graph.build import write_atomic
from talentkg.resources import ONTOLOGY_FILE


@contextlib.contextmanager
def _quiet():
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in ("pylode", "rdflib", "dominate"))]
    levels = [lg.level for lg in loggers]
    try:
        for lg in loggers:
            lg.setLevel(logging.WARNING)
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        for lg, lv in zip(loggers, levels):
            lg.setLevel(lv)


def make_docs(out_dir: Path) -> Path:
    with _quiet():
        from pylode import OntPub

        html = OntPub(ontology=ONTOLOGY_FILE, sort_subjects=True).make_html()
    out = out_dir / "index.html"
    write_atomic(out, html.encode("utf-8"))
    return out
