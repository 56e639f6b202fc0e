"""Benchmarks: build, library-query latency (embedded vs rdflib), batch assessment at scale, memory.

    python benchmarks/run.py --sizes 1000 10000 100000 --out BENCHMARKS.md     (make bench)
    python benchmarks/run.py --sizes 1000 --repeat 1                           (make bench-quick)

Everything runs on this machine; the batch runs `talentkg assess --batch` end to end in a child
process (CSV in, CSV out) and reads its peak resident set from the kernel (wait4 rusage).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGETS = {"build_s": 5.0, "query_ms": 50.0, "batch_100k_s": 10.0, "batch_peak_mb": 1024.0, "rdflib_ratio": 50.0}


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def bench_build(repeat: int) -> dict:
    from talentkg.graph.build import build

    build(None, validate=False)  # warm imports
    times = timed(lambda: build(None, validate=True), repeat)
    return {"median_s": statistics.median(times), "runs": len(times)}


_RDFLIB_GRAPH = None


def _rdflib_query(text: str, repeat: int, queue) -> None:
    try:
        queue.put((statistics.median(timed(lambda: list(_RDFLIB_GRAPH.query(text)), repeat)), ""))
    except Exception as e:  # an rdflib failure is a result too: report it
        queue.put((None, f"rdflib error: {type(e).__name__}"))


def rdflib_time(text: str, repeat: int, limit_s: float) -> tuple[float | None, str]:
    """Median seconds of rdflib on ``text`` in a forked child, or (None, why) past ``limit_s``."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_rdflib_query, args=(text, repeat, queue))
    proc.start()
    proc.join(limit_s * repeat)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None, f"rdflib > {limit_s:.0f} s"
    return queue.get(timeout=5)


def bench_queries(repeat: int, rdflib_limit: int | None, limit_s: float = 60.0) -> list[dict]:
    from talentkg import KnowledgeGraph
    from talentkg.graph.build import serialize_ntriples
    from talentkg.rdflib_setup import rdflib

    kg = KnowledgeGraph.load()
    global _RDFLIB_GRAPH
    rl = rdflib()
    g = rl.Dataset(default_union=False)
    g.parse(data=serialize_ntriples(sorted((q.triple for q in kg.store), key=str)), format="nt")
    _RDFLIB_GRAPH = g
    rows = []
    names = [n for n in kg.queries if not n.startswith("assess_")]
    for i, name in enumerate(names):
        q = kg.queries[name]
        params = {p.name: p.example for p in q.params if p.required}
        text = kg.bound_text(name, params)
        kg.store.query(text)
        emb = statistics.median(timed(lambda: list(kg.store.query(text)), repeat))
        rdf, note = None, ""
        if rdflib_limit is None or i < rdflib_limit:
            rdf, note = rdflib_time(text, 1, limit_s)  # one run: rdflib takes seconds to minutes
        ratio_floor = limit_s * 1000 / (emb * 1000) if note.startswith("rdflib >") else None
        rows.append({"query": name, "embedded_ms": emb * 1000, "rdflib_ms": None if rdf is None else rdf * 1000,
                     "ratio_at_least": ratio_floor, "note": note})
    return rows


def run_child(args: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of a child process."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{args} failed: {proc.stderr.read().decode()[-800:]}")
    return wall, usage.ru_maxrss / 1024


def bench_batch(sizes: list[int], workdir: Path) -> list[dict]:
    from talentkg import KnowledgeGraph
    from talentkg.synthetic import boundary_salaries, generate, to_csv_rows

    boundaries = boundary_salaries(KnowledgeGraph.load())
    exe = str(Path(sys.executable).with_name("talentkg"))
    out = []
    for n in sizes:
        cols, rows = to_csv_rows(generate(n, boundaries=boundaries))
        src = workdir / f"applicants_{n}.csv"
        with src.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)
        wall, rss = run_child([exe, "assess", "--batch", str(src), "--out", str(workdir / f"results_{n}.csv")])
        with (workdir / f"results_{n}.csv").open(encoding="utf-8") as fh:
            produced = sum(1 for _ in fh) - 1
        assert produced == n, (produced, n)
        out.append({"applicants": n, "wall_s": wall, "per_s": n / wall, "peak_rss_mb": rss})
    return out


def bench_graph_memory() -> float:
    """Resident memory retained by KnowledgeGraph.load() (MB), measured in a fresh interpreter."""
    code = ("import gc, os, psutil; import talentkg.kg; p = psutil.Process(os.getpid()); a = p.memory_info().rss; "
            "from talentkg import KnowledgeGraph; kg = KnowledgeGraph.load(); gc.collect(); print(p.memory_info().rss - a)")
    return int(subprocess.check_output([sys.executable, "-c", code], text=True).strip()) / 2**20


def _rdflib_pipeline(data: bytes, queue) -> None:
    """Child process: the same pipeline on rdflib's SPARQL engine (a Dataset parsed from N-Quads)."""
    from talentkg.querylib import assessment_updates, library
    from talentkg.rdflib_setup import rdflib

    rl = rdflib()
    ds = rl.Dataset()
    ds.parse(data=data, format="nquads")
    lib = library()
    t = time.perf_counter()
    try:
        for u in assessment_updates():
            ds.update(u.text)
        for name in ("assess_results", "assess_routes", "assess_points", "assess_transfer", "assess_qualifications"):
            list(ds.query(lib[name].text))
        queue.put((time.perf_counter() - t, ""))
    except Exception as e:  # report, do not hide
        queue.put((None, f"{type(e).__name__}: {str(e)[:120]}"))


def bench_pipeline_vs_rdflib(n: int, limit_s: float) -> dict:
    """The assessment pipeline (every queries/assess/*.ru, then the read queries) on both engines.

    rdflib runs in a child process stopped after ``limit_s``: then the ratio is reported as a lower bound."""
    import multiprocessing as mp

    import pyoxigraph as ox

    from talentkg import KnowledgeGraph
    from talentkg.assess import load_applicants, read_results, run_pipeline
    from talentkg.synthetic import generate

    kg = KnowledgeGraph.load()
    load_applicants(kg, generate(n, seed=99))
    data = ox.serialize(list(kg.store), format=ox.RdfFormat.N_QUADS)
    t = time.perf_counter()
    run_pipeline(kg)
    read_results(kg)
    emb = time.perf_counter() - t
    queue = mp.get_context("fork").Queue()
    proc = mp.get_context("fork").Process(target=_rdflib_pipeline, args=(data, queue))
    proc.start()
    proc.join(limit_s)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return {"applicants": n, "embedded_s": emb, "rdflib_s": None, "ratio_at_least": limit_s / emb,
                "error": f"rdflib did not finish within {limit_s:.0f} s"}
    rdf, err = queue.get(timeout=5)
    return {"applicants": n, "embedded_s": emb, "rdflib_s": rdf, "ratio_at_least": None if rdf is None else rdf / emb, "error": err}


def table(rows: list[dict], cols: list[str]) -> str:
    def fmt(v):
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:,.2f}" if v < 1000 else f"{v:,.0f}"
        return str(v)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(fmt(r.get(c)) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rdflib-queries", type=int, default=None, help="compare only the first N library queries with rdflib")
    ap.add_argument("--pipeline-n", type=int, default=200, help="applicants for the embedded-vs-rdflib pipeline comparison")
    ap.add_argument("--rdflib-limit", type=float, default=300.0, help="seconds rdflib may take on the pipeline")
    ap.add_argument("--rdflib-query-limit", type=float, default=60.0, help="seconds rdflib may take on one library query")
    ap.add_argument("--out", type=Path, default=None, help="write the report (Markdown) here")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        b = bench_build(max(1, min(a.repeat, 5)))
        q = bench_queries(a.repeat, a.rdflib_queries, a.rdflib_query_limit)
        for r in q:
            r["ratio"] = None if r["rdflib_ms"] is None else r["rdflib_ms"] / r["embedded_ms"]
        batch = bench_batch(a.sizes, Path(tmp))
        mem = bench_graph_memory()
        pipe = bench_pipeline_vs_rdflib(a.pipeline_n, a.rdflib_limit)
    worst = max(r["embedded_ms"] for r in q)
    ratios = [r["ratio"] for r in q if r["ratio"]]
    report = [
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores. Date: {dt.date.today()}.",
        "",
        "## Build (ontology + all data + SHACL + violation queries)",
        "", table([{"median_s": b["median_s"], "runs": b["runs"], "target_s": TARGETS["build_s"]}], ["median_s", "runs", "target_s"]),
        "", "## Library queries, median latency", "",
        table(q, ["query", "embedded_ms", "rdflib_ms", "ratio", "ratio_at_least", "note"]),
        "", f"Slowest embedded query: {worst:.1f} ms (target {TARGETS['query_ms']:.0f} ms). "
            + (f"rdflib/embedded ratio: median {statistics.median(ratios):.0f}x, min {min(ratios):.0f}x." if ratios else ""),
        "", "## Batch assessment, `talentkg assess --batch` end to end (CSV in, CSV out, one child process)", "",
        table(batch, ["applicants", "wall_s", "per_s", "peak_rss_mb"]),
        "", "## The assessment pipeline on both engines", "",
        table([pipe], ["applicants", "embedded_s", "rdflib_s", "ratio_at_least", "error"]),
        "", f"## Loaded graph memory\n\n{mem:.0f} MB resident retained by `KnowledgeGraph.load()` (the store with ontology and data, measured in a fresh interpreter).",
    ]
    text = "\n".join(report) + "\n"
    print(text)
    if a.out:
        write_report(a.out, text)


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def write_report(path: Path, text: str) -> None:
    """Replace the measured section of an existing report (between the markers), keeping the analysis."""
    block = f"{START}\n{text}{END}"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in old and END in old:
        new = old[: old.index(START)] + block + old[old.index(END) + len(END):]
    else:
        new = block + "\n"
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
