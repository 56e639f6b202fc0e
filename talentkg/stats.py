"""Counts of the graph: by class, by confidence, by evidence flag."""

from __future__ import annotations

from collections import Counter

TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TK = "https://w3id.org/talentkg/ontology#"


def graph_stats(triples) -> dict[str, Counter]:
    classes: Counter[str] = Counter()
    confidence: Counter[str] = Counter()
    evidence: Counter[str] = Counter()
    for t in triples:
        p = t.predicate.value
        if p == TYPE and t.object.value.startswith(TK):
            classes[t.object.value[len(TK) :]] += 1
        elif p == TK + "confidence":
            confidence[t.object.value] += 1
        elif p == TK + "evidence":
            evidence[t.object.value.rsplit("/", 1)[-1]] += 1
    return {"classes": classes, "confidence": confidence, "evidence": evidence}


def print_stats(triples) -> None:
    from rich.console import Console
    from rich.table import Table

    triples = list(triples)
    s = graph_stats(triples)
    t = Table(title=f"talentkg: {len(triples)} triples")
    t.add_column("what")
    t.add_column("count", justify="right")
    for k, v in sorted(s["classes"].items()):
        t.add_row(f"class {k}", str(v))
    for k, v in sorted(s["confidence"].items()):
        t.add_row(f"confidence {k}", str(v))
    for k, v in sorted(s["evidence"].items()):
        t.add_row(f"catalogue evidence {k}", str(v))
    Console(width=100).print(t)
