"""Verdict mode: the assessment pipeline of ``queries/assess/*.ru``, generated for the batch.

Explain mode (``kg.assess``) runs every rule block as written and reads every outcome back.
Verdict mode runs the **same** rule blocks, rewritten mechanically here (never a second,
hand-kept copy of a rule): each operation whose template writes route outcomes
(``?app tk:routeOutcome ?node``) gets ``FILTER(?outcome != "not_met")`` at the end of its WHERE,
so the outcomes nobody reads in a batch row (the not-met routes and their sentences) are not
materialised. The verdict step (``40-verdict.ru``) and the summary read
(``assess_summary.rq``) only look at met and undetermined outcomes, so the verdict, reason,
routes met and undetermined with their figures and the points total are unchanged; the tests
prove both modes equal on the synthetic mix and on every ``tests/cq`` assess case.
"""

from __future__ import annotations

NOT_MET_FILTER = '\n  FILTER(?outcome != "not_met")  # verdict mode (talentkg.batch_verdict): not-met outcomes are not materialised\n'


def operation_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each operation of a SPARQL Update request: split at top-level ``;``
    (outside strings, IRIs, comments and braces)."""
    spans, depth, start, i, n = [], 0, 0, 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in "\"'":
            long = text.startswith(c * 3, i)
            end = c * 3 if long else c
            j = i + len(end)
            while j < n and not text.startswith(end, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(end)
            continue
        if c == "<":
            j = i + 1
            while j < n and text[j] not in '<>"{}|^`\\ \t\n':
                j += 1
            if j < n and text[j] == ">":
                i = j + 1
                continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == ";" and depth == 0:
            spans.append((start, i))
            start = i + 1
        i += 1
    spans.append((start, n))
    return spans


def verdict_update(text: str) -> str:
    """One ``.ru`` file in verdict mode (unchanged if none of its operations writes route outcomes)."""
    inserts = []
    for start, end in operation_spans(text):
        op = text[start:end]
        where = op.find("WHERE")
        if where > 0 and "tk:routeOutcome" in op[:where] and "?outcome" in op[where:]:
            close = text.rindex("}", start, end)
            inserts.append(close)
    for pos in reversed(inserts):
        text = text[:pos] + NOT_MET_FILTER + text[pos:]
    return text


def verdict_updates(texts: list[str]) -> list[str]:
    return [verdict_update(t) for t in texts]
