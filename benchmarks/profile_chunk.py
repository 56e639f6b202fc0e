"""In-process profile of one batch chunk (issue 11): where the time of ``assess --batch`` goes.

``python benchmarks/profile_chunk.py [--n 10000] [--mix synthetic|reference] [--mode verdict|explain]``
prints seconds per step — validation, loading the quads, each ``queries/assess/*.ru`` update, the
summary reads — for one chunk of the deterministic generator's applicants, in this process
(no worker, no interpreter start-up). The machine is shared: compare steps side by side.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--mix", choices=["synthetic", "reference"], default="synthetic")
    ap.add_argument("--mode", choices=["verdict", "explain"], default="verdict")
    args = ap.parse_args()

    import pyoxigraph as ox

    from talentkg import KnowledgeGraph
    from talentkg.batch import Engine, Row
    from talentkg.querylib import assessment_updates
    from talentkg.synthetic import boundary_salaries, generate, to_csv_rows

    kg = KnowledgeGraph.load()
    profiles = generate(args.n, seed=20261122, boundaries=boundary_salaries(kg))
    for i, p in enumerate(profiles):
        p["id"] = f"app-{i + 1:07d}"
    _, cells = to_csv_rows(profiles)
    if args.mix == "reference":
        keep = {"id", "city", "application_date", "monthly_salary_rmb", "points"}
        cells = [{k: v for k, v in r.items() if k in keep} for r in cells]
    rows = [
        Row(n, f"in.csv:{n + 1}", {k: str(v) for k, v in r.items() if v not in (None, "")})
        for n, r in enumerate(cells, 1)
    ]
    engine = Engine(kg, mode=args.mode)
    print(f"load average {os.getloadavg()[0]:.2f}; {args.n} {args.mix} applicants, {args.mode} mode", flush=True)

    t = time.perf_counter()
    checked = [engine.validate(r, None, i) for i, r in enumerate(rows)]
    steps = [("validation", time.perf_counter() - t)]
    quads = [q for _, err, qs in checked if err is None for q in qs]
    t = time.perf_counter()
    store = ox.Store()
    store.bulk_extend(engine.policy)
    store.bulk_extend(quads)
    steps.append(("load quads", time.perf_counter() - t))
    names = [u.name for u in assessment_updates()]
    for name, text in zip(names, engine.updates):
        t = time.perf_counter()
        store.update(text)
        steps.append((name, time.perf_counter() - t))
    t = time.perf_counter()
    list(store.query(kg.queries["assess_summary"].text))
    steps.append(("assess_summary", time.perf_counter() - t))
    from talentkg.assess import outcome_values

    t = time.perf_counter()
    outcome_values(kg, store)
    steps.append(("outcome_values", time.perf_counter() - t))
    t = time.perf_counter()
    del store
    steps.append(("free store", time.perf_counter() - t))
    t = time.perf_counter()
    engine.assess_chunk(rows)
    whole = time.perf_counter() - t
    for name, s in steps:
        print(f"{name:28s} {s:7.3f} s")
    print(f"{'sum of steps':28s} {sum(s for _, s in steps):7.3f} s")
    print(f"{'assess_chunk (whole)':28s} {whole:7.3f} s   load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
