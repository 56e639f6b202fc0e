"""IRIs and prefixes used across talentkg (one place, so queries and loaders agree)."""

from __future__ import annotations

TK = "https://w3id.org/talentkg/ontology#"
TKD = "https://w3id.org/talentkg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
ONTOLOGY_IRI = "https://w3id.org/talentkg/ontology"
GRAPHS = TKD + "graph/"  # named graphs; SPARQL files write the applicants graph as tkg:applicants
APPLICANTS_GRAPH = GRAPHS + "applicants"
APPLICANT = TKD + "applicant/"  # applicant IRIs: APPLICANT + its 1-based position in the call or chunk


def applicant_iri(index: int) -> str:
    """The IRI of the applicant at 0-based ``index`` of a call (or of a batch chunk)."""
    return f"{APPLICANT}{index + 1}"


PREFIXES: dict[str, str] = {
    "tk": TK,
    "tkd": TKD,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xkos": "http://rdf-vocabulary.ddialliance.org/xkos#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
}


def expand(curie: str) -> str:
    """Expand a CURIE such as ``tk:SalaryStandard`` to a full IRI (full IRIs pass through)."""
    if curie.startswith("http://") or curie.startswith("https://"):
        return curie
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES:
        raise ValueError(f"unknown prefix in {curie!r}; known: {', '.join(sorted(PREFIXES))}")
    return PREFIXES[prefix] + local
