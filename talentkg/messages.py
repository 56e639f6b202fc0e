"""Outcome sentences in English and Chinese, rendered from ``data/messages.csv``.

Every route outcome carries a message ``code`` and typed ``values`` (threshold, base, multiple, the
applicant's value …). The sentence is never built in SPARQL: it is the template of the code
filled with the values. A placeholder ``{name}`` takes, in the language of the template,
``labels[name][lang]`` when the value is a labelled thing (a jurisdiction, a rule), else the
value itself (Decimals printed exactly, booleans as true/false).

    from talentkg.messages import render
    render("salary.met", {"applicant_value": 65000, "multiple": 6, "base": 10449, "threshold": 62694})
    → "65000 ≥ 6 × 10449 = 62694"
"""

from __future__ import annotations

import csv
import string
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from talentkg.resources import DATA_DIR

LANGS = ("en", "zh")


@lru_cache(maxsize=4)
def templates(path: Path | None = None) -> dict[str, dict[str, str]]:
    """code → {"en": template, "zh": template, "source_note": …}; a repeated code is an error."""
    path = path or DATA_DIR / "messages.csv"
    out: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            code = (row.get("code") or "").strip()
            if not code:
                continue
            if code in out:
                raise ValueError(f"data/messages.csv:{i}: code {code!r} repeated")
            out[code] = {k: row.get(k) or "" for k in ("en", "zh", "source_note")}
    return out


def placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def _text(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        s = format(v, "f")
        return s.rstrip("0").rstrip(".") if "." in s else s
    return "" if v is None else str(v)


class _Fill(dict):
    def __init__(self, values: dict, labels: dict, lang: str):
        super().__init__()
        self.given, self.labels, self.lang = values, labels, lang

    def __missing__(self, key: str) -> str:
        lab = self.labels.get(key) or {}
        if lab.get(self.lang) or lab.get("en"):
            return lab.get(self.lang) or lab["en"]
        if key in self.given and self.given[key] is not None:
            return _text(self.given[key])
        return "?"


def render(code: str, values: dict | None = None, lang: str = "en", labels: dict | None = None) -> str:
    """The sentence of ``code`` in ``lang`` (en or zh) filled with ``values``."""
    t = templates().get(code)
    if t is None:
        raise KeyError(f"message code {code!r} is not in data/messages.csv")
    return (t[lang] or t["en"]).format_map(_Fill(values or {}, labels or {}, lang))  # = Formatter().vformat, in C


def both(code: str, values: dict | None = None, labels: dict | None = None) -> tuple[str, str]:
    return render(code, values, "en", labels), render(code, values, "zh", labels)
