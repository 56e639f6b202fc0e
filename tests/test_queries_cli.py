"""The query library through the CLI and the API: headers, formats, typed parameters, errors."""

from __future__ import annotations

import json

from talentkg.querylib import library
from tests.conftest import run_cli


def test_every_query_has_a_full_header():
    lib = library()
    assert len(lib) >= 20
    for q in lib.values():
        assert q.title and q.question_en and q.question_zh, q.name
        if not q.name.startswith("assess_"):
            assert q.example.startswith("talentkg query") or q.params == [], q.name
        for p in q.params:
            assert p.type and p.example, (q.name, p.name)


def test_every_library_query_runs_with_its_examples(kg):
    for name, q in library().items():
        if name.startswith("assess_"):
            continue
        df = kg.query(name, **{p.name: p.example for p in q.params})
        assert list(df.columns), name


def test_queries_lists_questions():
    r = run_cli("queries", "--columns", "name,question_zh")
    assert r.returncode == 0 and "salary_threshold" in r.stdout and "工资" in r.stdout


def test_query_json_plain_values():
    r = run_cli(
        "query", "salary_threshold", "--param", "city=guangzhou", "--param", "date=2023-12-01", "--format", "json"
    )
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    a = next(x for x in rows if x["category"] == "A")
    assert a["monthly_threshold"] == 62694 and a["monthly_base"] == 10449 and a["valid_from"] == "2023-07-13"


def test_query_csv():
    r = run_cli("query", "pilot_cities", "-p", "date=2024-06-30", "--format", "csv")
    lines = r.stdout.strip().splitlines()
    assert r.returncode == 0 and lines[0].startswith("pilot,city") and len(lines) == 7


def test_city_by_chinese_name_and_code(kg):
    a = kg.rows("salary_threshold", city="深圳", date="2019-12-01")
    b = kg.rows("salary_threshold", city="440300", date="2019-12-01")
    assert a == b and {r["monthly_threshold"] for r in a} == {55152, 36768}


def test_own_query_file(tmp_path):
    f = tmp_path / "mine.rq"
    f.write_text(
        """# title: mine
# param: city jurisdiction required Beijing
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE { ?city rdfs:label ?label } ORDER BY ?label
""",
        encoding="utf-8",
    )
    r = run_cli("query", "--file", str(f), "-p", "city=北京", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert sorted(x["label"] for x in json.loads(r.stdout)) == ["Beijing", "北京市"]


def test_parameter_errors_exit_2():
    cases = [
        (["query", "salary_threshold", "-p", "city=Atlantis", "-p", "date=2024-01-01"], "city: unknown city"),
        (
            ["query", "salary_threshold", "-p", "city=Beijing", "-p", "date=2024-02-30"],
            "date: '2024-02-30' is not a date",
        ),
        (["query", "salary_threshold", "-p", "city=Beijing"], "date: required"),
        (
            ["query", "salary_threshold", "-p", "city=Beijing", "-p", "date=2024-01-01", "-p", "colour=red"],
            "colour: query 'salary_threshold' has no such parameter",
        ),
        (
            [
                "query",
                "document_exemptions",
                "-p",
                "from_city=Guangzhou",
                "-p",
                "to_city=Foshan",
                "-p",
                "date=2026-06-01",
                "-p",
                "days_since_move=-3",
            ],
            "days_since_move: -3 is negative",
        ),
        (["query", "nonexistent_query"], "unknown query"),
    ]
    for args, msg in cases:
        r = run_cli(*args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert msg in r.stderr, (msg, r.stderr)


def test_parameters_are_bound_not_pasted(kg):
    """A city name with SPARQL syntax is just an unknown city, never query text."""
    import pytest

    from talentkg.errors import ParameterError

    with pytest.raises(ParameterError):
        kg.rows("salary_threshold", city='x" } ; DROP ALL ; #', date="2024-01-01")
    text = kg.bound_text("qualification_lookup", {"name": '"} UNION { ?s ?p ?o } #'})
    rows = kg.rows("qualification_lookup", name='"} UNION { ?s ?p ?o } #')
    assert rows == [] and "VALUES (?name)" in text


def test_place_names_with_or_without_their_level_word(kg):
    """广州市 = 广州 = Guangzhou = Guangzhou City; Nansha District = Nansha = 南沙区 = 南沙; an autonomous region
    keeps 自治区 (内蒙古自治 is no name); a short name shared by two places would be refused, not guessed."""
    import pytest

    from talentkg.errors import ParameterError
    from talentkg.querylib import ParameterBinder, short_name

    binder = ParameterBinder(kg.store)
    code = {
        n: binder.jurisdiction("city", n).value.rsplit("/", 1)[1]
        for n in (
            "广州市",
            "广州",
            "Guangzhou",
            "Guangzhou City",
            "guangzhou city",
            "Nansha District",
            "Nansha",
            "南沙区",
            "南沙",
            "Guangdong Province",
            "广东",
            "内蒙古自治区",
            "Inner Mongolia",
        )
    }
    assert {code[n] for n in ("广州市", "广州", "Guangzhou", "Guangzhou City", "guangzhou city")} == {"440100"}
    assert {code[n] for n in ("Nansha District", "Nansha", "南沙区", "南沙")} == {"440115"}
    assert code["Guangdong Province"] == code["广东"] == "440000"
    assert code["内蒙古自治区"] == code["Inner Mongolia"] == "150000"
    assert short_name("内蒙古自治区") == "内蒙古自治区" and short_name("沙市") == "沙市"
    with pytest.raises(ParameterError):
        binder.jurisdiction("city", "内蒙古自治")
    # the same Nansha row on both ways of naming it
    assert kg.rows("salary_threshold", city="Nansha", date="2024-03-01") == kg.rows(
        "salary_threshold", city="440115", date="2024-03-01"
    )
