"""Typed values from user input (query parameters, profile fields): one parser per type, errors name the field."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from talentkg.errors import ParameterError

XSD = "http://www.w3.org/2001/XMLSchema#"


def literal(v: str, xsd_type: str) -> ox.Literal:
    return ox.Literal(v, datatype=ox.NamedNode(XSD + xsd_type))


def parse_date(field: str, v) -> ox.Literal:
    s = str(v).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            raise ValueError
        dt.date.fromisoformat(s)
    except ValueError:
        raise ParameterError(field, f"{v!r} is not a date; write YYYY-MM-DD (e.g. 2023-12-01)") from None
    return literal(s, "date")


def parse_number(field: str, v, *, integer: bool = False, maximum: Decimal | None = None) -> ox.Literal:
    """A non-negative number: xsd:integer or xsd:decimal."""
    if isinstance(v, bool):
        raise ParameterError(field, f"{v!r} is not a number")
    try:
        d = Decimal(str(v).strip())
        if not d.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise ParameterError(field, f"{v!r} is not a number") from None
    if d < 0:
        raise ParameterError(field, f"{v} is negative; give 0 or more")
    if maximum is not None and d > maximum:
        raise ParameterError(field, f"{v} is above the largest possible value {maximum}")
    if integer:
        if d != d.to_integral_value():
            raise ParameterError(field, f"{v!r} is not a whole number")
        return literal(str(int(d)), "integer")
    return literal(format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f"), "decimal")


def parse_bool(field: str, v) -> bool:
    if isinstance(v, bool):
        return v
    low = str(v).strip().lower()
    if low in ("true", "yes", "1"):
        return True
    if low in ("false", "no", "0"):
        return False
    raise ParameterError(field, f"{v!r} is not a boolean; write true or false")
