"""A deterministic generator of realistic applicant profiles (tests and benchmarks).

A fixed seed gives the same applicants on every machine: a mix of cities (with and without salary
standards), dates across the policy changes, salaries around the thresholds, points factors,
awards, degrees, language teachers and Guangzhou–Foshan transfers.
"""

from __future__ import annotations

import random

CITIES = [
    "Guangzhou",
    "Shenzhen",
    "Beijing",
    "Shanghai",
    "Foshan",
    "Dongguan",
    "Wuhan",
    "Chengdu",
    "Hangzhou",
    "Nanjing",
]
DATES = [
    "2019-09-01",
    "2020-03-15",
    "2021-05-10",
    "2023-07-12",
    "2023-07-13",
    "2023-12-01",
    "2024-03-01",
    "2024-08-20",
    "2025-10-01",
    "2026-02-04",
    "2026-03-03",
    "2026-06-01",
]
AWARDS = ["turing_award", "fields_medal", "nobel_prize", "kyoto_prize"]
EDUCATION = ["bachelor", "master", "doctorate", "associate"]
EXTRAS = ["fortune500", "patents", "high_level_university", "five_years_in_china"]


def boundary_salaries(kg) -> list[int]:
    """Monthly thresholds in the graph and one yuan below each: the salaries where verdicts flip."""
    values = {int(v) for v in kg.query("salary_history").monthly_threshold}
    return sorted(values | {v - 1 for v in values})


def generate(n: int, seed: int = 20261122, boundaries: list[int] | None = None) -> list[dict]:
    """``boundaries``: salaries to mix in (e.g. ``boundary_salaries(kg)``); none by default."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        city = rng.choice(CITIES)
        p: dict = {
            "id": f"app-{i + 1:06d}",
            "city": city,
            "application_date": rng.choice(DATES),
            "application_type": "new",
            "age": rng.randint(19, 64),
        }
        if rng.random() < 0.85:
            options = [rng.randint(8000, 120000)] + ([rng.choice(boundaries)] if boundaries else [])
            p["monthly_salary_rmb"] = rng.choice(options)
        if rng.random() < 0.7:
            p["education"] = rng.choice(EDUCATION)
            p["related_experience_years"] = rng.choice([0, 1, 1.5, 2, 3, 5, 8, 12])
        r = rng.random()
        if r < 0.25:
            p["points_factors"] = {
                "annual_salary_rmb": rng.randint(40000, 900000),
                "education": rng.choice(EDUCATION[:3]),
                "related_experience_years": rng.randint(0, 25),
                "months_in_china_per_year": rng.randint(0, 12),
                "hsk_level": rng.randint(0, 6),
                "age": p["age"],
                "extras": rng.sample(EXTRAS, rng.randint(0, 2)),
            }
            for f in ("education", "related_experience_years"):  # one fact, one value (a conflict is an input error)
                if f in p:
                    p["points_factors"][f] = p[f]
        elif r < 0.4:
            p["points"] = rng.randint(40, 100)
        if rng.random() < 0.03:
            p["awards"] = [rng.choice(AWARDS)]
        if rng.random() < 0.08:
            p["language_teacher"] = True
            p["teaching_certificate"] = rng.random() < 0.5
        if city in ("Guangzhou", "Foshan") and rng.random() < 0.3:
            p.update(
                application_type="transfer",
                previous_city="Foshan" if city == "Guangzhou" else "Guangzhou",
                previous_category=rng.choice(["A", "B"]),
                internal_transfer=rng.random() < 0.5,
                days_since_internal_move=rng.randint(1, 45),
                same_position=rng.random() < 0.7,
            )
        out.append(p)
    return out


def to_csv_rows(profiles: list[dict]) -> tuple[list[str], list[dict]]:
    """Flatten profiles to batch-CSV columns (points_factors.<name>, lists joined by ';')."""
    rows, cols = [], []
    for p in profiles:
        row = {}
        for k, v in p.items():
            if k == "points_factors":
                for fk, fv in v.items():
                    row[f"points_factors.{fk}"] = ";".join(fv) if isinstance(fv, list) else fv
            elif isinstance(v, list):
                row[k] = ";".join(v)
            elif isinstance(v, bool):
                row[k] = "true" if v else "false"
            else:
                row[k] = v
        for k in row:
            if k not in cols:
                cols.append(k)
        rows.append(row)
    return cols, rows
