"""RDF terms as the workbench shows them: prefixed names, typed values, links to resource pages."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox

from talentkg.namespaces import PREFIXES, TKD

XSD = PREFIXES["xsd"]
NUMERIC = {
    XSD + t
    for t in ("integer", "int", "long", "short", "decimal", "double", "float", "nonNegativeInteger", "positiveInteger")
}
# Longest namespace first, so tkd: wins over a shorter prefix of the same IRI.
_NAMESPACES = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact(iri: str) -> str:
    """``https://w3id.org/talentkg/id/document/std-2017`` → ``tkd:document/std-2017``."""
    for prefix, ns in _NAMESPACES:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def resource_href(iri: str) -> str:
    return "/resource?iri=" + quote(iri, safe="")


@dataclass(frozen=True)
class Cell:
    kind: str  # iri | literal | bnode | empty
    text: str  # what the table shows
    value: str = ""  # the full IRI or the lexical form
    datatype: str = ""  # prefixed datatype of a literal (xsd:date …)
    lang: str = ""
    href: str = ""  # a resource page (our IRIs) or the external address (other IRIs)
    numeric: bool = False

    @property
    def internal(self) -> bool:
        return self.kind == "iri" and self.href.startswith("/resource")


def cell(term) -> Cell:
    if term is None:
        return Cell("empty", "")
    if isinstance(term, ox.NamedNode):
        iri = term.value
        # Every IRI that has triples in the graph gets its own page; talentkg IRIs always do.
        return Cell("iri", compact(iri), iri, href=resource_href(iri))
    if isinstance(term, ox.BlankNode):
        return Cell("bnode", f"_:{term.value}", term.value)
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if term.language:
            return Cell("literal", term.value, term.value, datatype="rdf:langString", lang=term.language)
        href = term.value if dt == XSD + "anyURI" and term.value.startswith(("http://", "https://")) else ""
        short = compact(dt) if dt else ""
        return Cell(
            "literal",
            term.value,
            term.value,
            datatype="" if short == "xsd:string" else short,
            href=href,
            numeric=dt in NUMERIC,
        )
    return Cell("literal", str(term), str(term))


def is_ours(iri: str) -> bool:
    return iri.startswith(TKD) or iri.startswith(PREFIXES["tk"])
