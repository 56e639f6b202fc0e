"""``talentkg assess``: the category an applicant can apply for on a date, explained.

The decision is made by the SPARQL files in ``queries/assess/`` (run in order over every applicant
at once) and read back by the library queries ``assess_*.rq``. This module only validates
profiles, loads them into the applicants graph, runs those files and shapes the JSON.
"""
from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from talentkg.namespaces import APPLICANTS_GRAPH
from talentkg.profile import Vocabulary, profile_quads
from talentkg.querylib import assessment_updates
from talentkg.terms import rows_to_dicts

G = ox.NamedNode(APPLICANTS_GRAPH)


def _source(r: dict) -> dict:
    return {"document": r["document"], "title": r["document_title"], "clause": r["clause"], "quote": r["quote"], "url": r["url"]}


CHUNK = 10_000  # applicants per set-based pass: bounds memory, keeps every query set-based


def validate_profiles(kg, profiles: list[dict], keep_quads: bool = True) -> list[tuple[str, str, list]]:
    """Validate every profile first (nothing is loaded if one is bad): (key, date, quads) each."""
    vocab = Vocabulary.from_store(kg.store)
    out = []
    for i, p in enumerate(profiles):
        try:
            key, q = profile_quads(p, i, kg.binder, vocab)
        except Exception as e:
            if len(profiles) > 1 and hasattr(e, "field"):
                e.args = (f"profile {i + 1}: {e.args[0]}",)
            raise
        out.append((key, str(p.get("application_date")), q if keep_quads else []))
    return out


def load_applicants(kg, profiles: list[dict]) -> list[tuple[str, str]]:
    """Validate, then load every profile into the applicants graph (replacing what was there)."""
    items = validate_profiles(kg, profiles)
    _load(kg, items)
    return [(k, d) for k, d, _ in items]


def _load(kg, items) -> None:
    kg.store.remove_graph(G) if G in set(kg.store.named_graphs()) else None
    kg.store.bulk_extend(q for _, _, quads in items for q in quads)


def run_pipeline(kg, store: ox.Store | None = None) -> None:
    """Run queries/assess/*.ru in order over every applicant in the store's applicants graph."""
    for u in assessment_updates():
        (store or kg.store).update(u.text)


def read_results(kg) -> dict[str, list[dict]]:
    out = {}
    for name in ("assess_results", "assess_routes", "assess_points", "assess_transfer", "assess_qualifications"):
        out[name] = rows_to_dicts(kg.store.query(kg.queries[name].text))
    return out


def summarise_profiles(kg, profiles: list[dict], chunk: int = CHUNK) -> list[dict]:
    """The batch path: the same pipeline, read back as one summary row per applicant (assess_summary.rq).

    Every profile is validated before anything runs (nothing is assessed if one is bad). Then the
    applicants go through the pipeline ``chunk`` at a time — each pass one set of queries over all
    of them — in a fresh store holding the policy graph, so memory stays bounded at any batch size."""
    keys = [(k, d) for k, d, _ in validate_profiles(kg, profiles, keep_quads=False)]  # quads rebuilt per chunk
    vocab = Vocabulary.from_store(kg.store)
    policy = list(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    summary, exemptions = {}, {}
    for start in range(0, len(profiles), chunk):
        store = ox.Store()
        store.bulk_extend(policy)
        store.bulk_extend(q for i in range(start, min(start + chunk, len(profiles)))
                          for q in profile_quads(profiles[i], i, kg.binder, vocab)[1])
        run_pipeline(kg, store)
        summary.update({r["applicant"]: r for r in rows_to_dicts(store.query(kg.queries["assess_summary"].text))})
        exemptions.update(_group(rows_to_dicts(store.query(kg.queries["assess_transfer"].text))))
        del store
    out = []
    for i, (key, date) in enumerate(keys):
        app = f"https://w3id.org/talentkg/id/applicant/{i + 1}"
        r = summary[app]
        split = lambda v: sorted(v.split(" | ")) if v else []  # noqa: E731
        out.append({"id": key, "verdict": r["verdict"], "category": r["verdict"] if r["verdict"] in ("A", "B", "C") else None,
                    "reason": r["reason"], "met": split(r["met"]), "undetermined": split(r["undetermined"]),
                    "recognition": split(r["recognition"]), "points_total": r["points_total"], "points_complete": r["points_complete"],
                    "document_exemptions": sorted(f"{e['document_type']}={e['status']}" for e in exemptions.get(app, [])),
                    "as_of": date, "data_version": kg.data_version})
    return out


def assess_profiles(kg, profiles: list[dict]) -> list[dict]:
    keys = load_applicants(kg, profiles)
    try:
        run_pipeline(kg)
        res = read_results(kg)
    finally:
        kg.store.remove_graph(G)
    by = lambda rows: _group(rows)  # noqa: E731
    verdicts = {r["applicant"]: r for r in res["assess_results"]}
    routes, points, transfer, quals = by(res["assess_routes"]), by(res["assess_points"]), by(res["assess_transfer"]), by(res["assess_qualifications"])
    out = []
    for i, (key, date) in enumerate(keys):
        app = f"https://w3id.org/talentkg/id/applicant/{i + 1}"
        v = verdicts[app]
        doc: dict = {"id": key, "category": v["verdict"] if v["verdict"] in ("A", "B", "C") else None,
                     "verdict": v["verdict"], "reason": v["reason"], "routes": [], "not_met": [], "undetermined": []}
        recognition = []
        for r in routes.get(app, []):
            item = {"category": r["category"], "criterion": r["criterion"] or r["rule"].rsplit("/", 1)[-1],
                    "label_en": r["label_en"], "label_zh": r["label_zh"], "detail": r["detail"], "source": _source(r)}
            if r["based_on"]:
                item["based_on"] = {"fact": r["based_on"], "url": r["based_on_url"], "quote": r["based_on_quote"]}
            bucket = {"met": "routes", "not_met": "not_met", "undetermined": "undetermined"}[r["outcome"]]
            if bucket != "routes":
                item["reason"] = item.pop("detail")
            doc[bucket].append(item)
            if "/recognition/" in r["rule"]:
                recognition.append({**item, "outcome": r["outcome"]})
        if app in points or v.get("points_total") is not None:
            factors = {p["factor_code"]: p["points"] for p in points.get(app, [])}
            missing = [p["factor_code"] for p in points.get(app, []) if p["input_missing"]]
            doc["points"] = {"total": v.get("points_total"), "complete": v.get("points_complete"),
                             "scheme": points[app][0]["scheme"] if app in points else None,
                             "factors": factors, "missing_factors": missing}
        if recognition or app in transfer:
            doc["recognition"] = recognition
            doc["document_exemptions"] = [
                {"document_type": t["document_type"], "status": t["status"], "reason": t["reason"], "rule": t["label_en"],
                 "source": {"document": t["document"], "quote": t["quote"], "url": t["url"]}}
                for t in transfer.get(app, [])]
        if app in quals:
            doc["qualifications"] = [{"id": q["id"], "name_en": q["name_en"], "title_level": q["level"], "title_level_zh": q["level_zh"],
                                      "evidence": q["evidence"], "title_is_automatic": q["title_is_automatic"]} for q in quals[app]]
        doc["as_of"] = date
        doc["data_version"] = kg.data_version
        out.append(doc)
    return out


def _group(rows: list[dict]) -> dict[str, list[dict]]:
    g: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        g[r["applicant"]].append(r)
    return g
