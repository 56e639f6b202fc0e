"""The Hangzhou overlay tables the overlay, origin and coupling tests share (issue 18.2/18.4).

Hangzhou has no packaged salary standard (its routes are undetermined); a firm adds its own 2025
standard (6 × 13,565 = 81,390; 4 × 13,565 = 54,260) as an overlay folder. The ``hz_overlay`` and
``kg_hz`` fixtures (tests/conftest.py) write and load it once per session."""

from __future__ import annotations

import csv

from talentkg.loaders.tables import load_specs
from talentkg.resources import DATA_DIR

SPECS = {s.name: s for s in load_specs(DATA_DIR / "tables.yaml")}
PROV = dict(
    source_document="seed-004",
    source_url="https://example.org/hangzhou-2025-notice",
    quote="a firm's own note",
    quote_kind="paraphrase",
    confidence="unverified",
)
# Hangzhou: no salary standard is packaged (its routes are undetermined); a firm adds its own.
HZ = dict(
    id="hz-2025",
    jurisdiction="330100",
    valid_from="2025-07-01",
    valid_from_qualifier="exact",
    valid_until="2026-06-30",
    monthly_base_cny="13565",
    annual_base_cny="162780",
    wage_basis="non_private",
    base_statistics_year="2024",
    instrument="seed-004",
    **PROV,
)
HZ_A = dict(
    id="hz-2025-A",
    standard="hz-2025",
    category="A",
    multiple="6",
    monthly_amount_cny="81390",
    amount_status="computed",
    bound_inclusive="true",
    bound_wording="不低于",
    **PROV,
)
HZ_B = dict(HZ_A, id="hz-2025-B", category="B", multiple="4", monthly_amount_cny="54260")
MIKE_HZ = {"city": "Hangzhou", "application_date": "2025-12-01", "monthly_salary_rmb": 82000}


def write(folder, table, rows, extra=()):
    spec = SPECS[table]
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / spec.file).open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=[*spec.columns, *extra], lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)
    return folder
