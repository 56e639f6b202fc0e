"""RDF terms → plain Python values: the one place that reads a literal's datatype (docs/ARCHITECTURE.md).

``literal_value`` decides; ``plain`` (pyoxigraph terms in query results), ``binding_value`` (SPARQL 1.1
JSON result bindings from a remote endpoint) and ``rows_to_dicts`` call it, as do the assessment's
outcome values and the graph exports. Integers stay ``int``; decimals are exact unless asked otherwise.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from talentkg.namespaces import XSD

INTEGER_TYPES = frozenset(
    XSD + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
)  # fmt: skip
DECIMAL_TYPE = XSD + "decimal"
FLOAT_TYPES = frozenset({XSD + "double", XSD + "float"})
BOOLEAN_TYPE = XSD + "boolean"
DATE_TYPE = XSD + "date"

# How a fractional number comes back: "plain" — int when whole, else float (JSON/CSV/pandas rows);
# "exact" — int when whole, else Decimal (structured outcomes and the graph exports: never a float;
# each export format then types its columns, talentkg.exports.column_kind).
NumberMode = TypingLiteral["plain", "exact"]


def literal_value(lexical: str, datatype: str, numbers: NumberMode = "plain", dates: bool = False) -> object:
    """The Python value of a literal given its lexical form and datatype IRI ('' for a plain string)."""
    if datatype in INTEGER_TYPES:
        try:
            return int(lexical)
        except ValueError:
            return lexical  # an ill-typed literal is shown as written, never guessed
    if datatype == DECIMAL_TYPE or datatype in FLOAT_TYPES:
        try:
            d = Decimal(lexical)
        except InvalidOperation:
            return lexical
        if d.is_finite() and d == d.to_integral_value():
            return int(d)
        if numbers == "exact":
            return d
        return float(d)
    if datatype == BOOLEAN_TYPE:
        return lexical in ("true", "1")
    if dates and datatype == DATE_TYPE:
        try:
            return datetime.date.fromisoformat(lexical)
        except ValueError:
            return lexical
    return lexical


def plain(term, numbers: NumberMode = "plain") -> object:
    """IRIs and strings → str; integers → int; decimals → int when whole, else float (or Decimal with
    ``numbers="exact"``); booleans → bool; unbound → None."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return literal_value(term.value, term.datatype.value if term.datatype else "", numbers)
    return term.value


def binding_value(binding: dict | None, numbers: NumberMode = "plain") -> object:
    """The same conversion for one binding of a SPARQL 1.1 Query Results JSON document."""
    if binding is None:
        return None
    if binding["type"] == "uri":
        return binding["value"]
    return literal_value(binding["value"], binding.get("datatype", ""), numbers)


def solutions(result) -> ox.QuerySolutions:
    """``store.query(...)`` of a SELECT, typed as such (an ASK or CONSTRUCT here is a programming error)."""
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("expected the solutions of a SELECT query, got " + type(result).__name__)
    return result


def rows_to_dicts(result) -> list[dict]:
    names = [v.value for v in result.variables]
    return [{n: plain(sol[n]) for n in names} for sol in result]


# ---------------------------------------------------------------- pandas dtypes
# A query's columns have declared types: a ``# columns: name:type name:type …`` header line
# (types: string, iri, integer, decimal, boolean, date, datetime). The dtype of a column in a
# DataFrame follows its declared type, never the values that happen to be present, so the same
# column has the same dtype in every result (also an empty one). Undeclared columns (an
# analyst's own query) take the type of their XSD datatypes, then string.
KINDS = ("string", "iri", "integer", "decimal", "boolean", "date", "datetime")
DTYPES = {
    "string": "string",
    "iri": "string",
    "integer": "Int64",
    "decimal": "Float64",
    "boolean": "boolean",
    "date": "datetime64[ns]",
    "datetime": "datetime64[ns]",
}
_XSD_KIND = {
    **{t: "integer" for t in INTEGER_TYPES},
    XSD + "decimal": "decimal",
    XSD + "double": "decimal",
    XSD + "float": "decimal",
    XSD + "boolean": "boolean",
    XSD + "date": "date",
    XSD + "dateTime": "datetime",
}


def term_kind(term) -> str | None:
    """The column kind an RDF term suggests (None for an unbound value)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return _XSD_KIND.get(term.datatype.value if term.datatype else "", "string")
    if isinstance(term, ox.NamedNode):
        return "iri"
    return "string"


def declared_columns(text: str) -> dict[str, str]:
    """The ``# columns:`` declaration of a query file's header (``{}`` when there is none)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        if body.startswith("columns:"):
            for item in body[len("columns:") :].split():
                name, _, kind = item.partition(":")
                if kind not in KINDS:
                    raise ValueError(f"bad column type {item!r} in '# columns:'; types: {', '.join(KINDS)}")
                out[name.lstrip("?")] = kind
    return out


def column_kinds(columns: list[str], term_rows: list[list], declared: dict[str, str] | None = None) -> dict[str, str]:
    declared = declared or {}
    kinds: dict[str, str] = {}
    for i, c in enumerate(columns):
        if c in declared:
            kinds[c] = declared[c]
            continue
        seen = {k for r in term_rows if (k := term_kind(r[i])) is not None}
        if len(seen) == 1:
            kinds[c] = seen.pop()
        elif seen and seen <= {"integer", "decimal"}:
            kinds[c] = "decimal"
        elif seen <= {"date", "datetime"} and seen:
            kinds[c] = "datetime"
        else:
            kinds[c] = "string"
    return kinds


def _series(values: list, kind: str):
    import pandas as pd

    if kind in ("date", "datetime"):
        s = pd.Series([v if v is not None else None for v in values], dtype="object")
        try:
            return pd.to_datetime(s, errors="raise", format="ISO8601").astype("datetime64[ns]")
        except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
            return pd.to_datetime(s, errors="coerce", format="ISO8601").astype("datetime64[ns]")
    if kind == "integer":
        return pd.array([None if v is None else int(v) for v in values], dtype="Int64")
    if kind == "decimal":
        return pd.array([None if v is None else float(v) for v in values], dtype="Float64")
    if kind == "boolean":
        return pd.array([None if v is None else (v == "true" or v == "1") for v in values], dtype="boolean")
    return pd.array(values, dtype="string")


def result_frame(result, declared: dict[str, str] | None = None):
    """A SELECT result as a DataFrame with dtypes fixed by the declared column types; missing = pd.NA (NaT for dates)."""
    import pandas as pd

    columns = [v.value for v in result.variables]
    term_rows = [[sol[c] for c in columns] for sol in result]
    kinds = column_kinds(columns, term_rows, declared)
    data = {}
    for i, c in enumerate(columns):
        raw = [None if r[i] is None else r[i].value for r in term_rows]
        data[c] = _series(raw, kinds[c])
    df = pd.DataFrame(data, columns=columns)
    df.attrs["column_types"] = kinds
    return df
