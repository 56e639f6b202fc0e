"""CONTRIBUTING.md's recipes, done in a temporary folder: "a new query" (§4) and "a new route" (§3).

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


# ---------------------------------------------------------------- §3 a new route into category A/B/C
# A city's own award route, decided by the existing award evaluator: one concept (the award), one
# clause and one criteria row, entered as an overlay folder (the tables and headers of data/). The
# route and award are made up for the recipe (a firm's own rule); the source columns say so.
SOURCE = dict(source_document="seed-004", source_url="https://example.org/hangzhou-award-route")


def test_a_new_route_is_assessed_where_and_when_it_applies(tmp_path):
    from talentkg.kg import KnowledgeGraph
    from tests.overlay_tables import SPECS, write

    ov = tmp_path / "route"
    write(
        ov,
        "concepts",
        [
            dict(
                id="award/west_lake_award",
                kind="award",
                notation="west_lake_award",
                label_en="West Lake Friendship Award (recipe)",
                label_zh="西湖友谊奖（示例）",
                definition_en="An award a recipe test names.",
                profile_field="awards",
            )
        ],
    )
    write(
        ov,
        "clauses",
        [
            dict(
                id="hz-A-award",
                document="seed-004",
                number="A-HZ-1",
                text_en="Winners of the West Lake Friendship Award (recipe).",
                text_zh="西湖友谊奖获得者（示例）。",
                **SOURCE,
            )
        ],
    )
    criterion = {c: "" for c in SPECS["criteria"].columns} | dict(
        id="hz-A-award",
        code="A-HZ-1",
        category="A",
        route_kind="award",
        label_en="West Lake Friendship Award winner (recipe)",
        label_zh="西湖友谊奖获得者（示例）",
        clause="hz-A-award",
        instrument="std-2017",
        jurisdictions="330100",
        valid_from="2025-01-01",
        qualifying_awards="west_lake_award",
        quota_managed="false",
        machine_evaluable="true",
        evaluator="award",
        quote="西湖友谊奖获得者（示例）。",
        confidence="unverified",
        quote_kind="paraphrase",
        **SOURCE,
    )
    write(ov, "criteria", [criterion])
    kg = KnowledgeGraph.load(data=ov)

    def outcome(profile: dict) -> str | None:
        r = kg.assess(profile)
        found = [k for k in ("routes", "not_met", "undetermined") for o in r[k] if o["criterion"] == "A-HZ-1"]
        return found[0] if found else None

    winner = {"city": "Hangzhou", "application_date": "2025-03-01", "awards": ["west_lake_award"]}
    r = kg.assess(winner)
    assert r["category"] == "A" and "A-HZ-1" in [o["criterion"] for o in r["routes"]]
    # not for another award, not before its start date, not in another city (the rule is Hangzhou's)
    assert outcome({**winner, "awards": ["nobel_prize"]}) != "routes"
    assert outcome({**winner, "application_date": "2024-12-31"}) is None
    assert outcome({**winner, "city": "Guangzhou"}) is None
