"""Conversion of RDF terms in query results to plain Python values (for JSON, CSV, pandas)."""
from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}


def plain(term) -> object:
    """IRIs and strings → str; integers → int; decimals → int when whole, else float; booleans → bool."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        v = term.value
        if dt in _INTEGER:
            return int(v)
        if dt in (XSD + "decimal", XSD + "double", XSD + "float"):
            d = Decimal(v)
            return int(d) if d == d.to_integral_value() else float(d)
        if dt == XSD + "boolean":
            return v == "true"
        return v
    return term.value


def rows_to_dicts(result) -> list[dict]:
    names = [v.value for v in result.variables]
    return [{n: plain(sol[n]) for n in names} for sol in result]
