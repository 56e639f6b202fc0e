"""Batch rows say which overlay facts they used (``origin``, issue 18.4) and carry the candidate
salary figures where a salary route is undetermined (``salary_candidates``, issue 16.2) — the
same facts and figures ``kg.assess`` reports for the same person."""

from __future__ import annotations

import csv

from talentkg.batch import Engine, Row
from tests.conftest import run_cli

ID = "https://w3id.org/talentkg/id/"


ROWS = [
    # Hangzhou: the overlay's 2025 standard (6 × 13,565 = 81,390; 4 × = 54,260; 不低于 includes the bound)
    {"id": "hz-a", "city": "Hangzhou", "application_date": "2025-12-01", "monthly_salary_rmb": "81390"},
    {"id": "hz-b", "city": "Hangzhou", "application_date": "2025-12-01", "monthly_salary_rmb": "81389"},
    # Hangzhou before the overlay's period: no standard, nothing from the overlay used
    {"id": "hz-old", "city": "Hangzhou", "application_date": "2025-06-30", "monthly_salary_rmb": "90000"},
    # Guangzhou: packaged standard only
    {"id": "gz", "city": "Guangzhou", "application_date": "2023-12-01", "monthly_salary_rmb": "65000"},
]


def _rows(rows):
    return [Row(i + 1, f"t:{i + 2}", r) for i, r in enumerate(rows)]


def _by_id(out):
    return {r["id"]: r for r in out}


def test_batch_rows_name_the_overlay_facts_they_used(kg_hz, hz_overlay):
    origin = f"overlay:{hz_overlay.resolve()}"
    got = _by_id(Engine(kg_hz).assess_chunk(_rows(ROWS)))
    a, b = got["hz-a"], got["hz-b"]
    assert (a["verdict"], a["routes"].split(";")[:1]) == ("A", ["A-III-9"])  # 81,390 = 6 × 13,565, included
    assert b["verdict"] == "B" and "B-IV" in b["routes"].split(";")  # one yuan below A, above 4 × = 54,260
    assert a["origin"] == origin and b["origin"] == origin
    assert {ID + "salary-threshold/hz-2025-A", ID + "salary-threshold/hz-2025-B"} <= set(a["origin_facts"].split())
    # hz-b does not reach A: the not-met A threshold is not named (only routes met or undetermined are)
    assert ID + "salary-threshold/hz-2025-A" not in b["origin_facts"].split()
    assert ID + "salary-threshold/hz-2025-B" in b["origin_facts"].split()
    for key in ("hz-old", "gz"):
        assert (got[key]["origin"], got[key]["origin_facts"]) == ("", ""), key
    # the same overlay facts as the single explained assessment's routes met / undetermined
    r = kg_hz.assess(ROWS[0])
    single = {
        u["fact"]
        for bucket in ("routes", "undetermined")
        for o in r[bucket]
        if isinstance(o, dict)
        for u in o.get("origin", [])
    }
    # the overlay's standard, which the single assessment names in values.standard by its short id,
    # is in both (regression: the single answer's origin missed it)
    salary = next(o for o in r["routes"] if o["criterion"] == "A-III-9")
    assert salary["values"]["standard"] == "hz-2025"
    assert ID + "salary-standard/hz-2025" in single
    assert single == set(a["origin_facts"].split())


def test_both_modes_give_the_same_origin_columns(kg_hz):
    explain = Engine(kg_hz, mode="explain").assess_chunk(_rows(ROWS))
    verdict = Engine(kg_hz, mode="verdict").assess_chunk(_rows(ROWS))
    assert [(r["origin"], r["origin_facts"]) for r in explain] == [(r["origin"], r["origin_facts"]) for r in verdict]


def test_cli_batch_with_overlay_on_two_workers(tmp_path, hz_overlay):
    src = tmp_path / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(ROWS[0]))
        w.writeheader()
        w.writerows(ROWS)
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.csv"
        p = run_cli(
            "--data",
            str(hz_overlay),
            "assess",
            "--batch",
            str(src),
            "--out",
            str(out),
            "--workers",
            workers,
            "--chunk-size",
            "2",
        )
        assert p.returncode == 0, p.stderr
        outs.append(out.read_bytes())
        got = _by_id(csv.DictReader(out.open(encoding="utf-8")))
        assert got["hz-a"]["origin"] == f"overlay:{hz_overlay.resolve()}" and got["gz"]["origin"] == ""
    # two chunks of two rows: with --workers 2 each runs in a spawned worker loaded from the N-Triples
    assert outs[0] == outs[1]


def test_undetermined_salary_rows_carry_the_candidate_figures(kg):
    rows = [
        {"id": "fs", "city": "Foshan", "application_date": "2026-03-15", "monthly_salary_rmb": "60000"},
        {"id": "gz", "city": "Guangzhou", "application_date": "2023-12-01", "monthly_salary_rmb": "65000"},
    ]
    got = _by_id(Engine(kg).assess_chunk(_rows(rows)))
    fs = got["fs"]["salary_candidates"]
    # Guangdong's candidate averages (data/wage_statistics): 2023 non-private 131,418 a year, 2024
    # all-urban 110,196 a year → 6 × ÷ 12 = 65,709 / 55,098 and 4 × ÷ 12 = 43,806 / 36,732
    a, b = fs.split(" | ")
    assert a.startswith("A-III-9: ") and b.startswith("B-IV: ")
    for figure in ("6 × 131418 ÷ 12 = 65709", "6 × 110196 ÷ 12 = 55098"):
        assert f"COMPUTED {figure}" in a
    for figure in ("4 × 131418 ÷ 12 = 43806", "4 × 110196 ÷ 12 = 36732"):
        assert f"COMPUTED {figure}" in b
    assert got["fs"]["verdict"] == "undetermined"  # candidates are figures, never a verdict
    assert got["gz"]["salary_candidates"] == ""  # the standard is known: no candidates
    # the same figures kg.assess gives as values.candidates
    single = kg.assess(rows[0])
    thresholds = {
        (o["criterion"], c["threshold"])
        for o in single["undetermined"]
        for c in o.get("values", {}).get("candidates", [])
    }
    assert thresholds == {("A-III-9", 65709), ("A-III-9", 55098), ("B-IV", 43806), ("B-IV", 36732)}


def test_compare_rows_name_the_overlay_facts_of_either_date(kg_hz, hz_overlay):
    """A roster compared on two dates: the Hangzhou person is assessed on the overlay's 2025 standard
    on the second date only (before its period there is no standard), and the row says so."""
    res = kg_hz.compare([ROWS[0], ROWS[3]], "2025-06-30", "2025-12-01")
    people = {r["id"]: r for r in res.people.to_dict("records")}
    hz, gz = people["hz-a"], people["gz"]
    assert (hz["verdict_1"], hz["verdict_2"]) == ("undetermined", "A")
    assert hz["origin"] == f"overlay:{hz_overlay.resolve()}"
    assert ID + "salary-threshold/hz-2025-A" in hz["origin_facts"].split()
    assert (gz["origin"], gz["origin_facts"]) == ("", "")
