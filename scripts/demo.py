"""`make demo`: build the graph, then answer a few of the seed questions, explained."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent / "talentkg"


def run(*args: str) -> None:
    print(f"\n$ talentkg {' '.join(args)}", flush=True)
    subprocess.run([str(BIN), *args], check=True)


def main() -> None:
    run("build", "--out", "build")
    run("query", "salary_threshold", "--param", "city=Guangzhou", "--param", "date=2023-12-01")
    run("query", "salary_threshold", "--param", "city=Foshan", "--param", "date=2026-06-01")
    run(
        "query",
        "recognition",
        "--param",
        "from_city=Guangzhou",
        "--param",
        "to_city=Foshan",
        "--param",
        "date=2026-06-01",
        "--param",
        "category=A",
    )
    run("query", "catalogue_totals")
    run("query", "pilot_cities", "--param", "date=2023-06-01")
    mike = {
        "city": "Guangzhou",
        "application_date": "2023-12-01",
        "application_type": "new",
        "monthly_salary_rmb": 65000,
    }
    print("\n$ talentkg assess -   # seed 004: Mike, Guangzhou, December 2023, RMB 65,000 a month", flush=True)
    subprocess.run([str(BIN), "assess", "-"], input=json.dumps(mike), text=True, check=True)


if __name__ == "__main__":
    main()
