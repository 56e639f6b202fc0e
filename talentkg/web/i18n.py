"""The workbench's own UI labels in English and Chinese, kept as data in ``data/ui_strings.csv``.

Assessment reasons and details come from the engine (``detail`` / ``detail_zh``, rendered from
``data/messages.csv``); this table holds only the page's labels, headings and buttons.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from talentkg.resources import DATA_DIR

LANGS = ("en", "zh")
UI_STRINGS = DATA_DIR / "ui_strings.csv"


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """key → {"en": …, "zh": …} (read once; immutable afterwards)."""
    out: dict[str, dict[str, str]] = {}
    with UI_STRINGS.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            key = (row.get("key") or "").strip()
            if not key or not row.get("en") or not row.get("zh"):
                raise ValueError(f"{UI_STRINGS}:{line}: every row needs key, en and zh")
            if key in out:
                raise ValueError(f"{UI_STRINGS}:{line}: duplicate key {key!r}")
            out[key] = {"en": row["en"], "zh": row["zh"]}
    return out


class Translator:
    """``t("verdict")`` → the label in the page's language; ``t.other`` is the other language."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGS else "en"
        self.other = "zh" if self.lang == "en" else "en"

    def __call__(self, key: str, **values) -> str:
        entry = strings().get(key)
        if entry is None:
            raise KeyError(f"UI string {key!r} is missing from data/ui_strings.csv")
        text = entry[self.lang]
        return text.format(**values) if values else text

    @property
    def keys(self):
        return strings().keys()

    def both(self, key: str) -> dict[str, str]:
        return dict(strings()[key])

    def pick(self, en: str | None, zh: str | None) -> str:
        """The page-language text of a pair, falling back to the other when one is missing."""
        first, second = (zh, en) if self.lang == "zh" else (en, zh)
        return first or second or ""
