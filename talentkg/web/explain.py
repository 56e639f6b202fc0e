"""An assessment as a reader sees it: the verdict, every route with its figures and source, what
is missing and what would change the answer — in English or Chinese.

Everything here is read from what ``assess`` returns (the structured outcome contract of
COMMON.md: ``values``, ``detail``/``detail_zh``, ``reason``/``reason_zh``) and from the library
queries (``salary_threshold``) and the graph's structured facts (a points route's minimum, a
document's dates). No rule is decided here: "what would change the answer" only compares the
applicant's figure with the threshold the engine or the library reports.

Used by the workbench's assessment page and by ``talentkg assess --lang``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from talentkg.web.i18n import Translator

OUTCOME_BUCKETS = (("routes", "met"), ("not_met", "not_met"), ("undetermined", "undetermined"))
CATEGORY_ORDER = {"A": 0, "B": 1, "C": 2}


def fmt_number(v) -> str:
    """65000 → 65,000; Decimal('0.5') → 0.5 (never a float artefact)."""
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    try:
        d = Decimal(str(v))
    except Exception:
        return str(v)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


@dataclass
class Item:
    criterion: str
    category: str | None
    outcome: str
    label: str
    label_other: str
    text: str  # detail (met) or reason (not met / undetermined), page language
    text_other: str
    figures: list[tuple[str, str]] = field(default_factory=list)  # (label, value) from `values`
    formula: str = ""  # e.g. "65,000 vs threshold 62,694 = 6 × 10,449"
    source: dict = field(default_factory=dict)
    based_on: dict = field(default_factory=dict)
    code: str = ""


@dataclass
class Change:
    text: str
    source: str = ""


@dataclass
class Explained:
    lang: str
    verdict: str
    category: str | None
    reason: str
    reason_other: str
    groups: list[tuple[str, list[Item]]]
    missing: list[Item]
    changes: list[Change]
    points: dict | None
    recognition: list[dict]
    exemptions: list[dict]
    qualifications: list[dict]
    as_of: str
    data_version: str
    profile_id: str


def _pair(d: dict, key: str) -> tuple[str, str]:
    return d.get(key) or "", d.get(key + "_zh") or ""


def _item(o: dict, outcome: str, t: Translator, docs: dict[str, dict]) -> Item:
    if outcome == "met":
        en, zh = _pair(o, "detail")
    else:
        en, zh = o.get("reason") or o.get("detail") or "", o.get("reason_zh") or o.get("detail_zh") or ""
    text, other = (zh or en, en) if t.lang == "zh" else (en, zh)
    values = o.get("values") or {}
    figures = []
    for key in (
        "applicant_value",
        "threshold",
        "base",
        "multiple",
        "comparison",
        "standard",
        "valid_from",
        "condition",
    ):
        if key in values and values[key] not in (None, ""):
            v = values[key]
            shown = fmt_number(v) if isinstance(v, (int, Decimal)) or (isinstance(v, str) and _is_number(v)) else str(v)
            figures.append((t("value." + key), shown))
    formula = ""
    if "applicant_value" in values and "threshold" in values:
        formula = t(
            "formula.vs", value=fmt_number(values["applicant_value"]), threshold=fmt_number(values["threshold"])
        )
        if "multiple" in values and "base" in values:
            formula += f" = {fmt_number(values['multiple'])} × {fmt_number(values['base'])}"
    src = dict(o.get("source") or {})
    doc = docs.get(src.get("document") or "", {})
    if doc:
        src["document_title"] = t.pick(doc.get("title_en"), doc.get("title_zh")) or src.get("title")
        src["date"] = doc.get("date", "")
    return Item(
        criterion=o.get("criterion") or "",
        category=o.get("category"),
        outcome=outcome,
        label=t.pick(o.get("label_en"), o.get("label_zh")),
        label_other=o.get("label_zh" if t.lang == "en" else "label_en") or "",
        text=text,
        text_other=other if other != text else "",
        figures=figures,
        formula=formula,
        source=src,
        based_on=dict(o.get("based_on") or {}),
        code=o.get("code") or o.get("reason_code") or "",
    )


def _is_number(s: str) -> bool:
    try:
        Decimal(s)
        return True
    except Exception:
        return False


def explain(
    result: dict,
    t: Translator,
    *,
    docs: dict[str, dict] | None = None,
    thresholds: list[dict] | None = None,
    points_minimums: dict[str, int] | None = None,
    profile: dict | None = None,
) -> Explained:
    """The reader's view of one ``assess`` result.

    ``docs``: document IRI → {title_en, title_zh, date}; ``thresholds``: the rows of the
    ``salary_threshold`` library query for the profile's city and date; ``points_minimums``:
    criterion code → minimum points (tk:minimumPoints); ``profile``: the profile assessed."""
    docs = docs or {}
    groups = []
    for key, outcome in OUTCOME_BUCKETS:
        items = [_item(o, outcome, t, docs) for o in result.get(key) or []]
        items.sort(key=lambda i: (CATEGORY_ORDER.get(i.category or "", 9), i.criterion))
        groups.append((outcome, items))
    undetermined = dict(groups)["undetermined"]
    reason_en, reason_zh = result.get("reason") or "", result.get("reason_zh") or ""
    reason = t.pick(reason_en, reason_zh)
    reason_other = (reason_en if t.lang == "zh" else reason_zh) or ""
    changes = _changes(result, t, thresholds or [], points_minimums or {}, profile or {})
    return Explained(
        lang=t.lang,
        verdict=result.get("verdict") or "undetermined",
        category=result.get("category"),
        reason=reason,
        reason_other=reason_other if reason_other != reason else "",
        groups=groups,
        missing=undetermined,
        changes=changes,
        points=result.get("points"),
        recognition=result.get("recognition") or [],
        exemptions=result.get("document_exemptions") or [],
        qualifications=result.get("qualifications") or [],
        as_of=result.get("as_of") or "",
        data_version=result.get("data_version") or "",
        profile_id=str(result.get("id") or ""),
    )


def _better(category: str, verdict: str | None) -> bool:
    """Is ``category`` a better category than the verdict (A over B over C over none)?"""
    return CATEGORY_ORDER.get(category, 9) < CATEGORY_ORDER.get(verdict or "", 9)


def _changes(
    result: dict, t: Translator, thresholds: list[dict], minimums: dict[str, int], profile: dict
) -> list[Change]:
    """What would change the answer: salary needed for a better category, points short."""
    verdict = result.get("category")
    out: list[Change] = []
    salary = profile.get("monthly_salary_rmb")
    seen: set[str] = set()
    # Salary: the engine's own figures first (values.threshold of a salary outcome) …
    for o in (result.get("not_met") or []) + (result.get("undetermined") or []):
        v = o.get("values") or {}
        if (
            o.get("evaluator") == "salary"
            and "threshold" in v
            and o.get("category")
            and _better(o["category"], verdict)
        ):
            seen.add(o["category"])
            out.append(
                _salary_change(
                    t, o["category"], v["threshold"], v.get("applicant_value", salary), o.get("criterion") or ""
                )
            )
    # … else the library's thresholds for that city and date (the same query `talentkg query salary_threshold` runs).
    for row in sorted(thresholds, key=lambda r: CATEGORY_ORDER.get(r.get("category") or "", 9)):
        cat = row.get("category")
        if not cat or cat in seen or not _better(cat, verdict):
            continue
        seen.add(cat)
        if row.get("status") == "known" and row.get("monthly_threshold") is not None:
            out.append(_salary_change(t, cat, row["monthly_threshold"], salary, "", source=row.get("document") or ""))
        else:
            out.append(Change(t("change.salary_unknown", category=cat, reason=row.get("reason") or "")))
    # Points: the applicant's total against the points route's minimum.
    pts = result.get("points") or {}
    total = pts.get("total")
    if total is not None:
        for o in result.get("not_met") or []:
            v = o.get("values") or {}
            minimum = v.get("threshold") if o.get("evaluator") == "points" else None
            if minimum is None:
                minimum = minimums.get(o.get("criterion") or "")
            if minimum is None or not o.get("category") or not _better(o["category"], verdict):
                continue
            short = Decimal(str(minimum)) - Decimal(str(total))
            if short > 0:
                key = "change.points_short_incomplete" if pts.get("complete") is False else "change.points_short"
                out.append(
                    Change(
                        t(
                            key,
                            short=fmt_number(short),
                            total=fmt_number(total),
                            minimum=fmt_number(minimum),
                            category=o["category"],
                            criterion=o.get("criterion") or "",
                        )
                    )
                )
    return out


def _salary_change(t: Translator, category: str, threshold, salary, criterion: str, source: str = "") -> Change:
    if salary in (None, ""):
        return Change(t("change.salary_needed", category=category, threshold=fmt_number(threshold)), source)
    gap = Decimal(str(threshold)) - Decimal(str(salary))
    if gap <= 0:
        return Change(
            t("change.salary_reached", category=category, threshold=fmt_number(threshold), salary=fmt_number(salary)),
            source,
        )
    return Change(
        t(
            "change.salary_short",
            category=category,
            threshold=fmt_number(threshold),
            salary=fmt_number(salary),
            gap=fmt_number(gap),
        ),
        source,
    )


# ---------------------------------------------------------------- plain text (``assess --lang``)


def to_text(e: Explained, t: Translator) -> str:
    lines = [
        f"{t('verdict')}: {t('verdict.' + e.verdict)}",
        f"  {e.reason}",
        f"{t('as_of')}: {e.as_of}    {t('data_version')}: {e.data_version}",
        "",
    ]
    for outcome, items in e.groups:
        if not items:
            continue
        lines.append(f"{t('outcome.' + outcome)} ({len(items)})")
        for i in items:
            lines.append(f"  [{i.criterion}] {i.label}")
            if i.text:
                lines.append(f"      {i.text}")
            if i.formula:
                lines.append(f"      {i.formula}")
            src = i.source
            if src.get("quote"):
                lines.append(
                    f"      {t('source')}: {src.get('document_title') or src.get('title') or ''} {src.get('clause') or ''} {src.get('date') or ''}".rstrip()
                )
                lines.append(f"      「{src['quote']}」 {src.get('url') or ''}".rstrip())
        lines.append("")
    if e.changes:
        lines.append(t("what_would_change"))
        lines += [f"  - {c.text}" for c in e.changes]
        lines.append("")
    if e.points:
        lines.append(
            f"{t('points')}: {fmt_number(e.points.get('total'))}"
            + ("" if e.points.get("complete") is not False else f" ({t('points.incomplete')})")
        )
        for k, v in sorted((e.points.get("factors") or {}).items()):
            lines.append(f"  {k}: {fmt_number(v)}")
        lines.append("")
    if e.exemptions:
        lines.append(t("document_exemptions"))
        for x in e.exemptions:
            lines.append(
                f"  {x.get('document_type')}: {t('exemption.' + str(x.get('status')))} — {t.pick(x.get('reason'), x.get('reason_zh'))}"
            )
        lines.append("")
    if e.qualifications:
        lines.append(t("qualifications"))
        for q in e.qualifications:
            lines.append(
                f"  {q.get('id')} {t.pick(q.get('name_en'), q.get('name_zh'))}: {t.pick(q.get('title_level'), q.get('title_level_zh'))} ({t('evidence')}: {q.get('evidence')})"
            )
    return "\n".join(lines).rstrip() + "\n"


def explain_for_cli(kg, result: dict, profile: dict, lang: str) -> str:
    """``talentkg assess --lang``: the same explanation as the workbench page, as plain text."""
    from talentkg.terms import rows_to_dicts
    from talentkg.web import store as wstore

    t = Translator(lang)
    thresholds = []
    try:
        thresholds = rows_to_dicts(
            kg.store.query(
                kg.bound_text(
                    "salary_threshold", {"city": profile.get("city"), "date": profile.get("application_date")}
                )
            )
        )
    except Exception:  # noqa: BLE001 - the explanation is still given without the "what would change" salary lines
        thresholds = []
    e = explain(
        result,
        t,
        docs=wstore.document_info(kg.store),
        thresholds=thresholds,
        points_minimums=wstore.points_minimums(kg.store),
        profile=profile,
    )
    return to_text(e, t)
