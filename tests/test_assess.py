"""talentkg assess: explained verdicts, clear errors, and batch = single."""

from __future__ import annotations

import csv
import json

import pyoxigraph as ox
import pytest

from talentkg.errors import ParameterError
from talentkg.namespaces import APPLICANTS_GRAPH
from talentkg.synthetic import boundary_salaries, generate, to_csv_rows
from tests.conftest import run_cli

MIKE = {"city": "Guangzhou", "application_date": "2023-12-01", "application_type": "new", "monthly_salary_rmb": 65000}


def test_cli_assess_file_and_stdin(tmp_path):
    f = tmp_path / "mike.json"
    f.write_text(json.dumps(MIKE), encoding="utf-8")
    r1 = run_cli("assess", str(f))
    r2 = run_cli("assess", "-", input=json.dumps(MIKE))
    assert r1.returncode == 0 and r2.returncode == 0, r1.stderr
    out = json.loads(r1.stdout)
    assert out == json.loads(r2.stdout)
    assert out["verdict"] == "A" and out["category"] == "A" and out["as_of"] == "2023-12-01"
    a = next(x for x in out["routes"] if x["criterion"] == "A-III-9")
    assert a["detail"] == "65000 ≥ 6 × 10449 = 62694"
    assert a["source"]["clause"] == "A-III-9" and a["source"]["title"] == "外国人来华工作分类标准（试行）"
    assert "不低于" in a["source"]["quote"]
    from talentkg.dataset import current_release

    assert out["data_version"].startswith(current_release().version + "+")


@pytest.mark.parametrize(
    "profile, field, msg",
    [
        ({**MIKE, "monthly_salary_rmb": -5}, "monthly_salary_rmb", "negative"),
        ({**MIKE, "application_date": "2023-02-29"}, "application_date", "not a date"),
        ({**MIKE, "city": "Springfield"}, "city", "unknown city"),
        ({**MIKE, "salary": 5}, "salary", "unknown field"),
        ({**MIKE, "awards": ["oscar"]}, "awards[0]", "not one of"),
        ({**MIKE, "points_factors": {"age": "old"}}, "points_factors.age", "not a number"),
        ({**MIKE, "points_factors": {"height": 180}}, "points_factors.height", "unknown factor"),
        (
            {**MIKE, "points_factors": {"months_in_china_per_year": 13}},
            "points_factors.months_in_china_per_year",
            "above",
        ),
        ({**MIKE, "previous_category": "D"}, "previous_category", "not one of"),
        ({"application_date": "2023-12-01"}, "city", "required"),
    ],
)
def test_bad_profiles_name_the_field(kg, profile, field, msg):
    with pytest.raises(ParameterError) as e:
        kg.assess(profile)
    assert e.value.field == field and msg in str(e.value)


def test_cli_bad_profile_exit_2(tmp_path):
    r = run_cli("assess", "-", input=json.dumps({**MIKE, "monthly_salary_rmb": -1}))
    assert r.returncode == 2 and "monthly_salary_rmb" in r.stderr
    r = run_cli("assess", "-", input="{not json")
    assert r.returncode == 2 and "not valid JSON" in r.stderr


def test_bad_profile_in_batch_loads_nothing(kg):
    with pytest.raises(ParameterError, match="profile 2"):
        kg.assess([MIKE, {**MIKE, "age": -1}])
    assert list(kg.store.quads_for_pattern(None, None, None, ox.NamedNode(APPLICANTS_GRAPH))) == []


def test_batch_equals_single_assessments(kg):
    profiles = generate(120, seed=7, boundaries=boundary_salaries(kg))
    assert any(
        p.get("monthly_salary_rmb") in (62694, 62693) for p in generate(2000, seed=7, boundaries=boundary_salaries(kg))
    )
    batch = kg.assess(profiles)
    singles = [kg.assess(p) for p in profiles]
    assert [b["verdict"] for b in batch] == [s["verdict"] for s in singles]
    for b, s in zip(batch, singles):
        assert b == s
    verdicts = {b["verdict"] for b in batch}
    assert verdicts >= {"A", "B", "undetermined"}


def test_cli_batch_csv(tmp_path):
    profiles = generate(60, seed=11)
    cols, rows = to_csv_rows(profiles)
    src = tmp_path / "applicants.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    out = tmp_path / "results.csv"
    r = run_cli("assess", "--batch", str(src), "--out", str(out))
    assert r.returncode == 0, r.stderr
    got = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [g["id"] for g in got] == [p["id"] for p in profiles]
    from talentkg import KnowledgeGraph

    single = KnowledgeGraph.load().assess(profiles)
    assert [g["verdict"] for g in got] == [s["verdict"] for s in single]
    for g, s in zip(got, single):  # the summary row carries the same routes as the full answer
        assert (
            sorted(g["routes"].split(";")) == sorted(x["criterion"] for x in s["routes"])
            if g["routes"]
            else not s["routes"]
        )
        assert g["points_total"] == (
            "" if not s.get("points") or s["points"]["total"] is None else str(s["points"]["total"])
        )


def test_cli_batch_bad_column_writes_nothing(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text("city,application_date,wage\nGuangzhou,2023-12-01,5\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    r = run_cli("assess", "--batch", str(src), "--out", str(out))
    assert r.returncode == 2 and "wage" in r.stderr and not out.exists()


def test_qualifications_reported_with_evidence(kg):
    r = kg.assess({**MIKE, "overseas_qualifications": ["GZ2025-R001"]})
    q = r["qualifications"][0]
    assert (
        q["title_level"] == "assistant_engineer"
        and q["evidence"] == "body_named_in_notice"
        and q["title_is_automatic"] is False
    )


def test_chunked_batch_equals_one_pass(kg):
    from talentkg.assess import summarise_profiles

    profiles = generate(90, seed=3, boundaries=boundary_salaries(kg))
    assert summarise_profiles(kg, profiles, chunk=25) == summarise_profiles(kg, profiles, chunk=1000)
