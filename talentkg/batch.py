"""Batch files for ``talentkg assess --batch``: CSV rows in, one CSV row out per row in.

Input columns are the profile fields (``city``, ``application_date`` …); points factors are
``points_factors.<name>`` columns; list fields (awards, extras, overseas_qualifications) are
separated by ``;``. Empty cells are absent fields.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from talentkg.errors import ParameterError
from talentkg.profile import TOP_FIELDS

OUT_COLUMNS = ["id", "city", "application_date", "verdict", "category", "reason", "routes", "route_details",
               "undetermined", "points_total", "points_complete", "recognition", "document_exemptions", "as_of", "data_version"]


def read_batch(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    for h in header:
        base = h.split(".", 1)[0]
        if base not in TOP_FIELDS:
            raise ParameterError(h, f"{path}:1: unknown column; allowed: {', '.join(sorted(TOP_FIELDS))} and points_factors.<factor>")
    profiles = []
    for row in reader:
        p: dict = {}
        for k, v in row.items():
            if v is None or v.strip() == "":
                continue
            if k.startswith("points_factors."):
                p.setdefault("points_factors", {})[k.split(".", 1)[1]] = v.strip()
            else:
                p[k] = v.strip()
        profiles.append(p)
    return profiles


def result_row(profile: dict, r: dict) -> dict:
    """One output row from a summary (talentkg.assess.summarise_profiles)."""
    return {
        "id": r["id"], "city": profile.get("city"), "application_date": profile.get("application_date"),
        "verdict": r["verdict"], "category": r["category"] or "", "reason": r["reason"],
        "routes": ";".join(m.split(": ", 1)[0] for m in r["met"]),
        "route_details": " | ".join(r["met"]),
        "undetermined": " | ".join(r["undetermined"]),
        "points_total": "" if r["points_total"] is None else r["points_total"],
        "points_complete": "" if r["points_complete"] is None else str(r["points_complete"]).lower(),
        "recognition": " | ".join(r["recognition"]),
        "document_exemptions": ";".join(r["document_exemptions"]),
        "as_of": r["as_of"], "data_version": r["data_version"],
    }


def write_results(profiles: list[dict], results: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=OUT_COLUMNS, lineterminator="\n")
    w.writeheader()
    for p, r in zip(profiles, results):
        w.writerow(result_row(p, r))
    return buf.getvalue().encode("utf-8")
