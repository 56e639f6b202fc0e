"""``talentkg docs``: ontology documentation generated with pyLODE from ontology/talentkg.ttl.

One page per language, so English and Chinese never run together: ``index.html`` shows the English
labels and definitions, ``zh/index.html`` the Chinese ones (a term with no Chinese definition keeps
its English one there, so nothing is lost). Each page links to the other.

pyLODE (and rdflib under it) log INFO/DEBUG lines and print while rendering; they are silenced
here so the command prints only the file it wrote (errors still surface as exceptions)."""

from __future__ import annotations

import contextlib
import io
import logging
import re
from pathlib import Path

from talentkg.files import write_output
from talentkg.resources import ONTOLOGY_FILE


@contextlib.contextmanager
def _quiet():
    # pyLODE calls logging.basicConfig(level=DEBUG) on import, so levels set beforehand are undone:
    # disable INFO and below for the duration instead (restored after)
    previous = logging.root.manager.disable
    try:
        logging.disable(logging.INFO)
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        logging.disable(previous)


# annotation properties whose literals are shown in one language per page
_TEXT_PROPS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2000/01/rdf-schema#comment",
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#scopeNote",
    "http://purl.org/dc/terms/title",
    "http://purl.org/dc/terms/description",
)
LANGS = {"en": ("index.html", "中文版", "zh/index.html"), "zh": ("zh/index.html", "English", "../index.html")}


def one_language(lang: str):
    """The ontology (rdflib Graph) with its labels and definitions in ``lang`` only; a subject with
    none in ``lang`` for a property keeps its other literals for it, untagged literals are kept."""
    from rdflib import Graph, Literal, URIRef

    g = Graph()
    g.parse(ONTOLOGY_FILE, format="turtle")
    for p in map(URIRef, _TEXT_PROPS):
        for s in set(g.subjects(p, None)):
            lits = [o for o in g.objects(s, p) if isinstance(o, Literal) and o.language]
            if any(o.language == lang for o in lits):
                for o in lits:
                    if o.language != lang:
                        g.remove((s, p, o))
    return g


def make_docs(out_dir: Path) -> Path:
    """Write index.html (English) and zh/index.html (Chinese); returns the English page."""
    pages = {}
    with _quiet():
        from pylode import OntPub

        for lang, (rel, other, href) in LANGS.items():
            html = OntPub(ontology=one_language(lang), sort_subjects=True).make_html()
            link = (
                f'<p class="talentkg-lang"><a href="{href}" hreflang="{"zh" if lang == "en" else "en"}">{other}</a></p>'
            )
            html = html.replace("<body>", f"<body>{link}", 1)
            html = re.sub(r"<html(?: lang=\"[^\"]*\")?>", f'<html lang="{lang}">', html, count=1)
            pages[rel] = html
    for rel, html in pages.items():
        write_output(out_dir / rel, html.encode("utf-8"))
    return out_dir / "index.html"
