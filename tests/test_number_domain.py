"""Number domain (issue 10 #11): every number the store holds is compared exactly by Oxigraph.

pyoxigraph 0.5 compares xsd:decimal as a 128-bit fixed-point number with 18 fractional digits
(largest 170141183460469231731.687303715884105727) and xsd:integer as a signed 64-bit integer.
A literal outside that domain makes every comparison an error: the route reading it vanished and
the verdict changed. Values just inside each limit are accepted (and compared exactly by the
store); values just outside are refused with the field and the allowed range."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pyoxigraph as ox
import pytest

from talentkg.errors import DataError, ParameterError
from talentkg.loaders.tables import read_tables
from talentkg.resources import DATA_DIR
from talentkg.values import DECIMAL_MAX, INTEGER_MAX, parse_number  # noqa: F401

XSD = "http://www.w3.org/2001/XMLSchema#"
GZ = {"city": "Guangzhou", "application_date": "2023-12-01"}  # 6 × 10449 = 62694 (seed 004, Mike)


def _store_compares(lit: ox.Literal) -> bool:
    """Does Oxigraph itself compare the literal (not an error)?"""
    q = f"SELECT ?r WHERE {{ VALUES ?v {{ {lit} }} BIND(?v >= 0 AS ?r) }}"
    return next(iter(ox.Store().query(q)))["r"] is not None


def test_the_limits_are_the_stores():
    # just inside: the store compares them; one step outside: it does not (what the checks refuse)
    assert _store_compares(ox.Literal(str(DECIMAL_MAX), datatype=ox.NamedNode(XSD + "decimal")))
    assert not _store_compares(
        ox.Literal("170141183460469231731.687303715884105728", datatype=ox.NamedNode(XSD + "decimal"))
    )
    assert _store_compares(ox.Literal("0." + "0" * 17 + "1", datatype=ox.NamedNode(XSD + "decimal")))
    assert not _store_compares(ox.Literal("0." + "0" * 18 + "1", datatype=ox.NamedNode(XSD + "decimal")))
    assert _store_compares(ox.Literal(str(INTEGER_MAX), datatype=ox.NamedNode(XSD + "integer")))
    assert not _store_compares(ox.Literal(str(INTEGER_MAX + 1), datatype=ox.NamedNode(XSD + "integer")))


@pytest.mark.parametrize(
    "value, ok",
    [
        (DECIMAL_MAX, True),
        (Decimal("170141183460469231731.687303715884105728"), False),
        (str(DECIMAL_MAX), True),
        ("1." + "0" * 17 + "1", True),
        ("1." + "0" * 18 + "1", False),
        ("1." + "0" * 30, True),  # trailing zeros are not precision: exactly 1
        ("1e21", False),
        (10**21, False),
        ("0", True),
        ("-0.000001", False),
    ],
)
def test_decimal_field_bounds(value, ok):
    if ok:
        lit = parse_number("monthly_salary_rmb", value)
        assert _store_compares(lit) and Decimal(lit.value) == Decimal(str(value))
    else:
        with pytest.raises(ParameterError) as e:
            parse_number("monthly_salary_rmb", value)
        assert e.value.field == "monthly_salary_rmb" and "allowed:" in str(e.value)
        assert str(DECIMAL_MAX) in str(e.value)  # the allowed range is named


@pytest.mark.parametrize(
    "value, ok",
    [(INTEGER_MAX, True), (INTEGER_MAX + 1, False), (str(INTEGER_MAX + 1), False), ("7.0", True), ("7.5", False)],
)
def test_integer_field_bounds(value, ok):
    if ok:
        assert _store_compares(parse_number("days_since_internal_move", value, integer=True))
    else:
        with pytest.raises(ParameterError) as e:
            parse_number("days_since_internal_move", value, integer=True)
        assert (
            e.value.field == "days_since_internal_move"
            and "allowed: a whole number from 0 to 9223372036854775807" in str(e.value)
        )


def test_profile_field_out_of_range_is_refused_with_the_field(kg):
    for field, value in (
        ("monthly_salary_rmb", "170141183460469231732"),
        ("points", "60.0000000000000000001"),
        ("days_since_internal_move", 2**63),
    ):
        with pytest.raises(ParameterError) as e:
            kg.assess({**GZ, field: value})
        assert e.value.field == field, str(e.value)
    with pytest.raises(ParameterError) as e:
        kg.assess({**GZ, "points_factors": {"annual_salary_rmb": "1e30"}})
    assert e.value.field == "points_factors.annual_salary_rmb"


def test_largest_salary_still_gives_every_route(kg):
    r = kg.assess({**GZ, "monthly_salary_rmb": str(DECIMAL_MAX)})
    assert {"A-III-9", "B-IV"} <= {i["criterion"] for i in r["routes"]} and r["verdict"] == "A"


@pytest.mark.parametrize(
    "salary", [Decimal("62693.99999999999999"), "62693.99999999999999", "62693.999999999999999999"]
)
def test_just_below_the_6x_bound_is_not_met(kg, salary):
    # 62693.99999999999999 < 62694 = 6 × 10449 (不低于 includes the bound, but this is below it)
    r = kg.assess({**GZ, "monthly_salary_rmb": salary})
    assert "A-III-9" in {i["criterion"] for i in r["not_met"]}
    assert r["verdict"] == "B"


@pytest.mark.parametrize(
    "salary", [Decimal("62694"), Decimal("62694.000000000000000000"), 62694, "62694.000000000000000001"]
)
def test_at_or_just_above_the_6x_bound_is_met(kg, salary):
    r = kg.assess({**GZ, "monthly_salary_rmb": salary})
    assert "A-III-9" in {i["criterion"] for i in r["routes"]} and r["verdict"] == "A"


def test_a_float_is_taken_by_its_repr(kg):
    # documented: the float 0.1 is 0.1 (not 0.1000000000000000055…); 62693.99999999999999 as a float
    # IS 62694.0 before talentkg sees it — pass Decimal or str for such figures
    assert parse_number("x", 0.1).value == "0.1"
    assert parse_number("x", 62693.99999999999999).value == "62694"
    with pytest.raises(ParameterError):
        parse_number("x", float("nan"))
    with pytest.raises(ParameterError):
        parse_number("x", float("inf"))


def test_cli_reads_json_numbers_exactly(tmp_path):
    from tests.conftest import run_cli

    p = tmp_path / "p.json"
    p.write_text(
        '{"city": "Guangzhou", "application_date": "2023-12-01", "monthly_salary_rmb": 62693.99999999999999}',
        encoding="utf-8",
    )
    r = run_cli("assess", str(p))
    assert r.returncode == 0, r.stderr
    assert '"verdict": "B"' in r.stdout


@pytest.fixture()
def data(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(DATA_DIR, d)
    return d


@pytest.mark.parametrize(
    "cell, ok",
    [
        ("10449", True),
        ("170141183460469231731.687303715884105727", True),
        ("170141183460469231731.687303715884105728", False),
        ("10449.0000000000000000001", False),
    ],
)
def test_data_decimal_cell_domain(data, cell, ok):
    p = data / "salary_standards.csv"
    text = p.read_text(encoding="utf-8")
    old = "gz-2023,440100,2023-07-13,exact,,10449,"
    assert old in text
    p.write_text(text.replace(old, f"gz-2023,440100,2023-07-13,exact,,{cell},", 1), encoding="utf-8")
    if ok:
        read_tables(data)
    else:
        with pytest.raises(DataError) as e:
            read_tables(data)
        assert e.value.column == "monthly_base_cny" and "allowed:" in str(e.value)
