"""Dates, numbers and booleans are parsed in one place (talentkg/values.py): a data-table cell and a
profile field or query parameter with the same text get the same value or the same message; only the
place named differs (file:line and column vs the field)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from talentkg.errors import DataError, ParameterError
from talentkg.loaders.tables import ColumnSpec, TableReader
from talentkg.values import parse_bool, parse_date, parse_number
from tests.conftest import ROOT

READER = TableReader(Path("."), [])


def cell(kind: str, text: str):
    return READER._object(ColumnSpec(name="col", type=kind), text, "t.csv", 7)


@pytest.mark.parametrize(
    "text, message",
    [
        ("2024-02-30", "'2024-02-30' is not a date; write YYYY-MM-DD (e.g. 2023-12-01)"),  # no 30 February
        ("2024/1/1", "'2024/1/1' is not a date; write YYYY-MM-DD (e.g. 2023-12-01)"),
        ("20240101", "'20240101' is not a date; write YYYY-MM-DD (e.g. 2023-12-01)"),  # fromisoformat takes it
    ],
)
def test_a_bad_date_has_one_message(text, message):
    with pytest.raises(DataError) as d:
        cell("date", text)
    with pytest.raises(ParameterError) as p:
        parse_date("application_date", text)
    assert str(d.value) == f"t.csv:7: column 'col' {message}"
    assert str(p.value).endswith(message) and "application_date" in str(p.value)


def test_a_good_date_is_the_same_literal():
    assert cell("date", "2024-02-29") == parse_date("d", "2024-02-29")  # 2024 is a leap year


@pytest.mark.parametrize("text, value", [("yes", "true"), ("NO", "false"), ("1", "true"), ("False", "false")])
def test_booleans_read_alike(text, value):
    assert cell("boolean", text).value == value
    assert parse_bool("f", text) is (value == "true")


def test_a_bad_boolean_has_one_message():
    with pytest.raises(DataError) as d:
        cell("boolean", "maybe")
    with pytest.raises(ParameterError) as p:
        parse_bool("language_teacher", "maybe")
    assert str(d.value).endswith("'maybe' is not a boolean; write true or false")
    assert str(p.value).endswith("'maybe' is not a boolean; write true or false")


@pytest.mark.parametrize("text", ["9千", "NaN", "1_000", "Infinity"])
def test_not_a_number_alike(text):
    # 1_000 is a Python literal, not a number in a table or a profile (Decimal("1_000") would take it)
    with pytest.raises(DataError) as d:
        cell("decimal", text)
    with pytest.raises(ParameterError) as p:
        parse_number("monthly_salary_rmb", text)
    assert str(d.value).endswith(f"{text!r} is not a number")
    assert str(p.value).endswith(f"{text!r} is not a number")


def test_numbers_keep_their_exact_value():
    # 62693.99999999999999 stays below 62694 in both readers (no float on the way)
    assert Decimal(cell("decimal", "62693.99999999999999").value) == Decimal("62693.99999999999999")
    assert Decimal(parse_number("m", "62693.99999999999999").value) == Decimal("62693.99999999999999")
    assert cell("integer", "42").value == parse_number("n", "42", integer=True).value == "42"


def test_no_other_module_parses_dates_or_booleans():
    # the loaders call talentkg.values; they hold no date pattern or boolean token list of their own
    for path in sorted((ROOT / "loaders").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "fromisoformat" not in text, path
        assert not re.search(r'"yes"|"no"\)', text), path
        assert "Decimal(v)" not in text, path
