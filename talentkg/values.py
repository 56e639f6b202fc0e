"""Typed values from user input and data tables: one parser per type, the only one in the project.

``date_text``, ``number_value`` and ``bool_value`` parse a value and raise :class:`ValueProblem`
(the message, without a place). Their callers add the place: ``parse_date`` / ``to_decimal`` /
``parse_number`` / ``parse_bool`` a field (ParameterError: query parameters, profile fields),
``loaders/tables.py`` a file:line and column (DataError: data/ tables and overlays)."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from decimal import Context, Decimal, InvalidOperation

import pyoxigraph as ox

from talentkg.errors import ParameterError
from talentkg.namespaces import XSD


def literal(v: str, xsd_type: str) -> ox.Literal:
    return ox.Literal(v, datatype=ox.NamedNode(XSD + xsd_type))


class ValueProblem(ValueError):
    """A value that does not parse as its type; ``str()`` is the message (without field or line)."""


def date_text(v) -> str:
    """An ISO calendar date YYYY-MM-DD (a real day: 2024-02-30 is refused), as its text."""
    s = str(v).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            raise ValueError
        dt.date.fromisoformat(s)
    except ValueError:
        raise ValueProblem(f"{v!r} is not a date; write YYYY-MM-DD (e.g. 2023-12-01)") from None
    return s


def date_value(v) -> dt.date:
    """``date_text`` as a ``datetime.date``."""
    return dt.date.fromisoformat(date_text(v))


def bool_value(v) -> bool:
    """true/false, yes/no, 1/0 (any case), or a Python bool."""
    if isinstance(v, bool):
        return v
    low = str(v).strip().lower()
    if low in ("true", "yes", "1"):
        return True
    if low in ("false", "no", "0"):
        return False
    raise ValueProblem(f"{v!r} is not a boolean; write true or false")


def parse_date(field: str, v) -> ox.Literal:
    try:
        return literal(date_text(v), "date")
    except ValueProblem as e:
        raise ParameterError(field, str(e)) from None


# ---------------------------------------------------------------- number domain
# Oxigraph (pyoxigraph 0.5) compares xsd:decimal as a 128-bit fixed-point number with 18
# fractional digits and xsd:integer as a signed 64-bit integer. A literal outside that domain is
# not a number to it: every comparison with it is an error, so the route reading it silently
# vanishes. Every number the graph holds — profile fields, query parameters, data cells — is
# checked against this domain first (``check_number_domain``) and refused with the allowed range.
DECIMAL_FRACTION_DIGITS = 18
DECIMAL_MAX = Decimal("170141183460469231731.687303715884105727")  # (2**127 - 1) / 10**18
INTEGER_MAX = 2**63 - 1
_EXACT = Context(prec=400, Emin=-999999, Emax=999999)  # no rounding in normalize/format


def to_decimal(field: str, v) -> Decimal:
    """``number_value`` with the field named in the error (ParameterError)."""
    try:
        return number_value(v)
    except ValueProblem as e:
        raise ParameterError(field, str(e)) from None


def number_value(v) -> Decimal:
    """A number as an exact Decimal: int and Decimal as they are, str parsed exactly.

    A Python ``float`` (only possible through the API: the CLI reads JSON numbers as Decimal) is
    converted through its shortest repr (``repr(0.1) == '0.1'``), never through its binary
    expansion; digits the float had already lost cannot be recovered, so callers needing more
    than ~15 significant digits pass a Decimal, an int or a string."""
    if isinstance(v, bool):
        raise ValueProblem(f"{v!r} is not a number")
    if isinstance(v, Decimal):
        d = v
    elif isinstance(v, int):
        d = Decimal(v)
    elif isinstance(v, float):
        d = Decimal(repr(v)) if math.isfinite(v) else Decimal("NaN")
    else:
        try:
            d = Decimal(str(v).strip().replace("_", "x"))  # Decimal("1_000") is valid Python, not a number here
        except InvalidOperation:
            raise ValueProblem(f"{v!r} is not a number") from None
    if not d.is_finite():
        raise ValueProblem(f"{v!r} is not a number")
    return d


def fraction_digits(d: Decimal) -> int:
    """Significant digits after the decimal point (trailing zeros do not count)."""
    _, digits, exp = d.as_tuple()
    n = -int(exp)
    if n <= 0:
        return 0
    i = len(digits)
    while n > 0 and i > 0 and digits[i - 1] == 0:
        i -= 1
        n -= 1
    return n if i > 0 else 0


def domain_error(
    d: Decimal, *, integer: bool = False, minimum: Decimal | None = None, maximum: Decimal | None = None
) -> str | None:
    """Why ``d`` cannot be held exactly (with the allowed range), or None when it can."""
    top = Decimal(INTEGER_MAX) if integer else DECIMAL_MAX
    hi = min(top, maximum) if maximum is not None else top
    lo = minimum if minimum is not None else (-Decimal(INTEGER_MAX) - 1 if integer else -DECIMAL_MAX)
    whole = d == d.to_integral_value()
    if (whole or (not integer and fraction_digits(d) <= DECIMAL_FRACTION_DIGITS)) and lo <= d <= hi:
        return None  # the common case: no message to build (the batch validates millions of cells)
    kind = "a whole number" if integer else f"a number with at most {DECIMAL_FRACTION_DIGITS} digits after the point"
    allowed = f"allowed: {kind} from {_show(lo)} to {_show(hi)}"
    if integer and not whole:
        return f"{_show(d)} is not a whole number; {allowed}"
    if not integer and fraction_digits(d) > DECIMAL_FRACTION_DIGITS:
        return (
            f"{_show(d)} has {fraction_digits(d)} digits after the decimal point, more than the "
            f"{DECIMAL_FRACTION_DIGITS} the store compares exactly; {allowed}"
        )
    if d < lo:
        return f"{_show(d)} is negative; {allowed}" if lo == 0 else f"{_show(d)} is below {_show(lo)}; {allowed}"
    if d > hi:
        limit = "the largest value the store compares exactly" if hi == top else "the largest possible value"
        return f"{_show(d)} is above {limit}, {_show(hi)}; {allowed}"
    return None


def _show(d: Decimal) -> str:
    """For messages: plain digits, or scientific notation for absurdly long numbers."""
    return _plain(d) if -60 < d.adjusted() < 60 and fraction_digits(d) < 60 else f"{d:E}"


def _plain(d: Decimal) -> str:
    """Canonical plain digits (no exponent, no trailing zeros): the xsd lexical form."""
    if d == 0:
        return "0"
    if d == d.to_integral_value():
        return format(_EXACT.quantize(d, Decimal(1)), "f")
    return format(_EXACT.normalize(d), "f")


def decimal_literal(d: Decimal, integer: bool = False) -> ox.Literal:
    return literal(_plain(d), "integer" if integer else "decimal")


def parse_number(field: str, v, *, integer: bool = False, maximum: Decimal | None = None) -> ox.Literal:
    """A non-negative number within the store's exact domain: xsd:integer or xsd:decimal.

    Out of range, too precise or not a number → ParameterError naming the field and the allowed range."""
    if type(v) is str:  # roster cells repeat (a batch parses millions): each distinct text parsed once
        return _parse_number_text(field, v, integer, maximum)
    return _parse_number(field, v, integer, maximum)


@functools.lru_cache(maxsize=65536)
def _parse_number_text(field: str, v: str, integer: bool, maximum: Decimal | None) -> ox.Literal:
    return _parse_number(field, v, integer, maximum)  # a ParameterError is raised again each time, never cached


def _parse_number(field: str, v, integer: bool, maximum: Decimal | None) -> ox.Literal:
    d = to_decimal(field, v)
    why = domain_error(d, integer=integer, minimum=Decimal(0), maximum=maximum)
    if why:
        raise ParameterError(field, why)
    return decimal_literal(d, integer)


def parse_bool(field: str, v) -> bool:
    try:
        return bool_value(v)
    except ValueProblem as e:
        raise ParameterError(field, str(e)) from None
