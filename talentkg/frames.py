"""pandas in and out of ``kg.assess``: profiles from a DataFrame, outcomes to a DataFrame.

Absent means absent: None, NaN, NaT and pd.NA cells (and empty strings) are dropped from the
profile, never read as a value. Dates may be ``pd.Timestamp``, ``numpy.datetime64``,
``datetime.date``/``datetime`` or ISO strings; whole floats (a column of ints with a gap becomes
float64 in pandas) are given back as ints, other floats as exact decimal text.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

# profile fields that are dates (a Timestamp there becomes YYYY-MM-DD)
_DATE_SUFFIXES = ("_date", "date", "_from", "_until", "_on")


def _missing(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, str) and not v.strip():
        return True
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    try:
        import numpy as np

        if isinstance(v, np.datetime64) and np.isnat(v):
            return True
        if isinstance(v, np.floating) and np.isnan(v):
            return True
    except ImportError:  # pragma: no cover
        pass
    return False


def clean_value(v):
    """One cell as a plain JSON-like value (None when absent)."""
    if _missing(v):
        return None
    try:
        import numpy as np

        if isinstance(v, np.datetime64):
            import pandas as pd

            v = pd.Timestamp(v)
        elif isinstance(v, np.bool_):
            return bool(v)
        elif isinstance(v, np.integer):
            return int(v)
        elif isinstance(v, np.floating):
            v = float(v)
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, dt.datetime):
        if (v.hour, v.minute, v.second, v.microsecond) != (0, 0, 0, 0):
            return v.isoformat()
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        if v == int(v):
            return int(v)
        return Decimal(repr(v))
    if isinstance(v, dict):
        return clean_profile(v)
    if isinstance(v, (list, tuple)):
        return [clean_value(x) for x in v if not _missing(x)]
    return v


def clean_profile(p):
    """A profile dict without absent fields, with dates as ISO strings (other values unchanged)."""
    if not isinstance(p, dict):
        return p
    out = {}
    for k, v in p.items():
        c = clean_value(v)
        if c is not None:
            out[k] = c
    return out


def profiles_from_frame(df) -> list[dict]:
    """One profile per row; a column whose name has dots (``points.age``) is not split: give nested fields as dicts."""
    records = df.to_dict(orient="records")
    profiles = []
    for idx, rec in zip(df.index, records):
        p = clean_profile(rec)
        if "id" not in p:
            p["id"] = str(idx)
        profiles.append(p)
    return profiles


def _first(outcomes: list[dict], key: str):
    return outcomes[0].get(key) if outcomes else None


def outcomes_frame(results: list[dict], index=None):
    """One row per applicant: id, verdict, category, reason(_zh/_code), counts and criteria met /
    not met / undetermined, points, as_of, data_version, and the typed ``values`` of each route
    that has them (as ``<criterion>.<value>`` columns). Fields the engine does not give are left out."""
    import pandas as pd

    rows = []
    for r in results:
        row = {"id": r.get("id"), "verdict": r.get("verdict"), "category": r.get("category")}
        for k in ("reason", "reason_zh", "reason_code", "error", "as_of", "data_version"):
            if k in r:
                row[k] = r.get(k)
        for k in ("routes", "not_met", "undetermined"):
            items = r.get(k) or []
            row[f"{'met' if k == 'routes' else k}_criteria"] = "; ".join(str(x.get("criterion")) for x in items) or None
        pts = r.get("points")
        if isinstance(pts, dict):
            for pk, pv in pts.items():
                if isinstance(pv, (int, float, str, Decimal, bool)) or pv is None:
                    row[f"points.{pk}"] = pv
        for k in ("routes", "not_met", "undetermined"):
            for x in r.get(k) or []:
                crit = x.get("criterion")
                row[f"{crit}.outcome"] = x.get("outcome") or {"routes": "met"}.get(k, k)
                for vk, vv in (x.get("values") or {}).items():
                    if isinstance(vv, (int, float, str, Decimal, bool)) or vv is None:
                        row[f"{crit}.{vk}"] = vv
        rows.append(row)
    df = pd.DataFrame(rows)
    if index is not None and len(index) == len(df):
        df.index = index
    for c in df.columns:
        col = df[c]
        vals = [v for v in col if v is not None and not (isinstance(v, float) and math.isnan(v))]
        if vals and all(isinstance(v, bool) for v in vals):
            df[c] = col.astype("boolean")
        elif vals and all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
            df[c] = pd.array(
                [None if v is None or (isinstance(v, float) and math.isnan(v)) else int(v) for v in col], dtype="Int64"
            )
        elif vals and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in vals):
            df[c] = pd.array(
                [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in col],
                dtype="Float64",
            )
        elif c in ("as_of",) or c.endswith(("valid_from", "valid_until")):
            df[c] = pd.to_datetime(col, errors="coerce")
        else:
            df[c] = col.astype("string")
    return df
