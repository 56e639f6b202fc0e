"""Candidate figures, not verdicts (issue 16.2).

When a salary route is undetermined because the rule names a figure the data does not hold with
certainty (the 2026 Guangzhou–Foshan unified benchmark: Guangdong's previous-year average wage of
urban employees, basis not published), the outcome keeps ``outcome: undetermined`` and gets
``values.candidates``: the wage figures the data does hold that the rule could mean, each with its
basis, year, source and confidence, and the threshold it would give (COMPUTED, never published).
The lookup is the library query ``queries/salary_candidates.rq`` (the same rows for analysts).
"""

from __future__ import annotations

from decimal import Decimal

COMPUTED_NOTE = "COMPUTED: multiple × annual ÷ 12 on a candidate figure; not a published threshold, not a verdict"


def _num(v):
    if isinstance(v, float):
        v = Decimal(str(v))
    if isinstance(v, Decimal) and v == v.to_integral_value():
        return int(v)
    return v


def salary_candidates(kg, city: str, date: str) -> dict[str, list[dict]]:
    """criterion code → candidate rows for an application in ``city`` on ``date``."""
    out: dict[str, list[dict]] = {}
    for r in kg.rows("salary_candidates", city=city, date=date):
        out.setdefault(r["criterion"], []).append(
            {
                "rule": r["rule"],
                "benchmark": r["benchmark"],
                "benchmark_name": r["benchmark_name"],
                "rule_basis": r["rule_basis"],
                "reference_year": _num(r["reference_year"]),
                "statistic": r["candidate"],
                "statistics_year": _num(r["statistics_year"]),
                "basis": r["basis"],
                "annual_amount": _num(r["annual_amount"]),
                "monthly_amount": _num(r["monthly_amount"]),
                "category": r["category"],
                "multiple": _num(r["multiple"]),
                "threshold": _num(r["threshold"]),
                "amount_status": "computed",
                "label": COMPUTED_NOTE,
                "confidence": r.get("confidence"),
                "source_url": r["source_url"],
                "quote": r["quote"],
            }
        )
    return out


def add_candidates(kg, profile: dict, result: dict) -> dict:
    """Put ``values.candidates`` on each undetermined salary outcome whose rule's figure is unknown."""
    # candidates are figures of salary rules: no look-up (a forked, time-limited query) for the others
    undetermined = [o for o in result.get("undetermined", []) if isinstance(o, dict) and o.get("evaluator") == "salary"]
    city, date = profile.get("city"), result.get("as_of") or profile.get("application_date")
    if not undetermined or not city or not date:
        return result
    try:
        found = salary_candidates(kg, str(city), str(date))
    except Exception:  # an unknown city or date is reported by the assessment itself
        return result
    for o in undetermined:
        rows = found.get(o.get("criterion") or "")
        if rows:
            o.setdefault("values", {})["candidates"] = rows
    return result
