"""CONTRIBUTING.md's recipes, done in a temporary folder: here "a new query" (§4).

(The salary-standard recipe, §1 — `talentkg standard add` into an overlay, then salary_threshold and
assess see it — is exercised end to end by tests/test_standard_add.py.)"""

from __future__ import annotations

import csv
import json

from talentkg.querylib import library
from talentkg.resources import DATA_DIR, QUERIES_DIR
from tests.conftest import run_cli

NEW_QUERY = """\
# title: Salary standards of a city since a date
# question_en: Which salary standards has a city published since a date?
# question_zh: 某城市自某日以来公布了哪些工资标准？
# param: city jurisdiction required Guangzhou — English or Chinese name, or 6-digit code
# param: since date required 2020-01-01 — the earliest start date
# clause: recipe test (CONTRIBUTING.md §4)
# example: talentkg query --file standards_since.rq --param city=Guangzhou --param since=2020-01-01
PREFIX tk: <https://w3id.org/talentkg/ontology#>
SELECT ?standard ?valid_from ?monthly_base WHERE {
  ?standard a tk:SalaryStandard ; tk:jurisdiction ?city ; tk:validFrom ?valid_from ; tk:monthlyAmount ?monthly_base .
  FILTER(?valid_from >= ?since)
}
ORDER BY ?valid_from
"""


def _expected(code: str, since: str) -> list[tuple[str, str]]:
    with open(DATA_DIR / "salary_standards.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["jurisdiction"] == code and r["valid_from"] >= since]
    return sorted((r["valid_from"], r["id"]) for r in rows)


def test_a_new_query_file_is_read_with_its_typed_parameters_and_runs(tmp_path):
    qdir = tmp_path / "queries"
    qdir.mkdir()
    for p in QUERIES_DIR.glob("*.rq"):
        (qdir / p.name).write_bytes(p.read_bytes())
    (qdir / "standards_since.rq").write_text(NEW_QUERY, encoding="utf-8")
    lib = library(qdir)
    assert "standards_since" in lib and set(lib) >= {p.stem for p in QUERIES_DIR.glob("*.rq")}
    assert lib["standards_since"].title == "Salary standards of a city since a date"

    r = run_cli(
        "query",
        "--file",
        str(qdir / "standards_since.rq"),
        "--param",
        "city=广州",
        "--param",
        "since=2020-01-01",
        "--format",
        "json",
    )
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    rows = rows["rows"] if isinstance(rows, dict) else rows
    expected = _expected("440100", "2020-01-01")
    assert expected and "gz-2019" not in [i for _, i in expected]
    assert [(row["valid_from"], row["standard"].rstrip("/").rsplit("/", 1)[-1]) for row in rows] == expected

    bad = run_cli(
        "query", "--file", str(qdir / "standards_since.rq"), "--param", "city=Guangzhou", "--param", "since=2020-13-01"
    )
    assert bad.returncode == 2 and "since" in bad.stderr and "Traceback" not in bad.stderr
