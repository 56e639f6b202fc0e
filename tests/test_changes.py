"""`talentkg changes` = queries/changes.rq (issue 16.6): what changed between two dates, with sources."""

from __future__ import annotations

import json

from tests.conftest import run_cli

ID = "https://w3id.org/talentkg/id/"


def changes(kg, **p):
    return {(r["change"], r["fact"].removeprefix(ID)): r for r in kg.rows("changes", **p)}


def test_changzhou_standard_starts_and_ends(kg):
    got = changes(kg, from_date="2022-06-30", to_date="2023-07-01", city="Changzhou")
    facts = [
        "document/cz-salary-2022",
        "salary-standard/cz-2022",
        "salary-threshold/cz-2022-A",
        "salary-threshold/cz-2022-B",
    ]
    assert set(got) == {(c, f) for c in ("started", "ended") for f in facts}
    assert got[("started", "salary-threshold/cz-2022-A")]["detail"] == "A: 6 × base = 61742.5 a month"
    assert got[("ended", "salary-threshold/cz-2022-B")]["change_date"] == "2023-06-30"
    assert (
        got[("started", "salary-standard/cz-2022")]["source_url"]
        == "http://xiuzhiben.com/downxxgk.php?fid=402165666510337"
    )


def test_guangzhou_2023_city_scope(kg):
    got = changes(kg, from_date="2022-12-31", to_date="2023-12-31", city="Guangzhou")
    assert {
        ("started", "salary-standard/gz-2023"),
        ("started", "salary-threshold/gz-2023-B"),
        ("started", "document/pilot-2023-gz"),
    } <= set(got)
    assert got[("started", "salary-threshold/gz-2023-B")]["detail"] == "B: 4 × base = 41796 a month"
    others = {f for _, f in got if "pilot-2023-bj" in f or "cz-2022" in f or "wh-2024" in f}
    assert not others


def test_bounds_both_sides(kg):
    # from_date excluded, to_date included
    assert ("started", "salary-standard/gz-2023") not in changes(
        kg, from_date="2023-07-13", to_date="2023-12-31", city="Guangzhou"
    )
    assert ("started", "salary-standard/gz-2023") in changes(
        kg, from_date="2023-07-12", to_date="2023-07-13", city="Guangzhou"
    )
    # a last day in force on from_date counts as ended; on to_date it is still in force
    assert ("ended", "salary-standard/cz-2022") in changes(
        kg, from_date="2023-06-30", to_date="2023-07-01", city="Changzhou"
    )
    assert ("ended", "salary-standard/cz-2022") not in changes(
        kg, from_date="2023-06-01", to_date="2023-06-30", city="Changzhou"
    )


def test_guangzhou_foshan_2026_and_everywhere(kg):
    got = changes(kg, from_date="2025-12-31", to_date="2026-03-31", city="Foshan")
    r = got[("started", "salary-benchmark-rule/gzfs-unified-benchmark")]
    assert (
        r["change_date"] == "2026-03-03"
        and r["source_url"] == "https://macaonews.org/news/business/guangzhou-foshan-foreign-work-permits/"
    )
    assert ("started", "salary-standard/bj-2026") not in got
    everywhere = changes(kg, from_date="2025-12-31", to_date="2026-03-31")
    assert {
        ("started", "salary-standard/bj-2026"),
        ("started", "salary-standard/sh-2026"),
        ("started", "salary-benchmark-rule/gzfs-unified-benchmark"),
    } <= set(everywhere)


def test_cli_is_the_library_query(kg):
    r = run_cli("changes", "--from", "2022-06-30", "--to", "2023-07-01", "--city", "常州", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == json.loads(
        json.dumps(kg.rows("changes", from_date="2022-06-30", to_date="2023-07-01", city="Changzhou"), default=str)
    )
    bad = run_cli("changes", "--from", "2023-13-01", "--to", "2023-07-01")
    assert bad.returncode == 2 and "from_date" in bad.stderr and "Traceback" not in bad.stderr
