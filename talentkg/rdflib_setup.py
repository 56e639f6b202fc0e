"""rdflib is used for parsing, SHACL and interop only; it never fetches graphs named in a query."""

from __future__ import annotations


def rdflib():
    import rdflib as _rdflib
    import rdflib.plugins.sparql as _sparql

    _sparql.SPARQL_LOAD_GRAPHS = False
    return _rdflib
