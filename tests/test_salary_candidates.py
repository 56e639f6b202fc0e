"""Candidate figures, not verdicts (issue 16.2): where the rule's figure is not in the data the salary
route stays undetermined and shows the figures the data holds, with the threshold under each (COMPUTED)."""

from __future__ import annotations

from decimal import Decimal


def _by_key(rows):
    return {(r["basis"], r["statistics_year"], r["category"]): r for r in rows}


def test_foshan_2026_library_query(kg):
    rows = _by_key(kg.rows("salary_candidates", city="Foshan", date="2026-03-15"))
    # 6 × 9,183 = 55,098 and 4 × 9,183 = 36,732 (found-2026-12.md A1, COMPUTED); 6 × 131,418 / 12 = 65,709
    assert {k: r["threshold"] for k, r in rows.items()} == {
        ("all_urban", 2024, "A"): 55098,
        ("all_urban", 2024, "B"): 36732,
        ("non_private", 2023, "A"): 65709,
        ("non_private", 2023, "B"): 43806,
    }
    r = rows[("all_urban", 2024, "A")]
    assert (
        r["rule"].endswith("gzfs-unified-benchmark")
        and r["benchmark"].endswith("jurisdiction/440000")
        and r["reference_year"] == 2025
    )
    assert r["amount_status"] == "computed" and r["confidence"] == "low" and "9183" in r["quote"]
    # regional figures (珠三角 141,588 …) are not candidates for the province
    assert all(r["annual_amount"] != 141588 for r in rows.values())


def test_assess_stays_undetermined_with_candidates(kg):
    res = kg.assess({"city": "Foshan", "application_date": "2026-03-15", "monthly_salary_rmb": 60000})
    und = {o["criterion"]: o for o in res["undetermined"]}
    assert "A-III-9" in und and all(o["criterion"] != "A-III-9" for o in res["routes"] + res["not_met"])
    cands = und["A-III-9"]["values"]["candidates"]
    assert {(c["basis"], c["threshold"]) for c in cands} == {("all_urban", 55098), ("non_private", 65709)}
    assert all(c["amount_status"] == "computed" and c["label"].startswith("COMPUTED") for c in cands)
    assert {c["monthly_amount"] for c in cands} == {9183, Decimal("10951.5")}
    assert {(c["basis"], c["threshold"]) for c in und["B-IV"]["values"]["candidates"]} == {
        ("all_urban", 36732),
        ("non_private", 43806),
    }


def test_no_candidates_when_the_figure_is_known_or_absent(kg):
    gz = kg.assess({"city": "Guangzhou", "application_date": "2023-12-01", "monthly_salary_rmb": 65000})
    assert all("candidates" not in o.get("values", {}) for o in gz["routes"] + gz["not_met"] + gz["undetermined"])
    # before the unified benchmark Foshan has no standard and no wage statistic: undetermined, no candidate
    fs = kg.assess({"city": "Foshan", "application_date": "2025-06-01", "monthly_salary_rmb": 60000})
    a = next(o for o in fs["undetermined"] if o["criterion"] == "A-III-9")
    assert "candidates" not in a.get("values", {})
    assert kg.rows("salary_candidates", city="Foshan", date="2025-06-01") == []


def test_national_rule_uses_the_city_figure(kg):
    rows = _by_key(kg.rows("salary_candidates", city="Hangzhou", date="2025-12-01"))
    # Hangzhou 2024 non-private 162,774 (secondary, low): 6 × 162,774 / 12 = 81,387; 4 × = 54,258
    assert {k: r["threshold"] for k, r in rows.items()} == {
        ("non_private", 2024, "A"): 81387,
        ("non_private", 2024, "B"): 54258,
    }
