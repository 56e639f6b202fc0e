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
        emb = statistics.median(timed(lambda text=text: list(kg.store.query(text)), repeat))
        rdf, note = None, ""
        if rdflib_limit is None or i < rdflib_limit:
            rdf, note = rdflib_time(text, 1, limit_s)  # one run: rdflib takes seconds to minutes
        ratio_floor = limit_s * 1000 / (emb * 1000) if note.startswith("rdflib >") else None
        rows.append(
            {
                "query": name,
                "embedded_ms": emb * 1000,
                "rdflib_ms": None if rdf is None else rdf * 1000,
                "ratio_at_least": ratio_floor,
                "note": note,
            }
        )
    return rows


def run_child(args: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of a child process and all its descendants.

    Memory is the peak of the summed resident sets of the process tree (worker processes
    included), sampled every 50 ms with psutil, and never less than the kernel's peak of the
    child itself (wait4 rusage)."""
    import threading

    import psutil

    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample():
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            try:
                total = root.memory_info().rss + sum(c.memory_info().rss for c in root.children(recursive=True))
                peak[0] = max(peak[0], total)
            except psutil.Error:
                pass
            done.wait(0.05)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    done.set()
    th.join()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):
        raise RuntimeError(f"{args} failed ({code}): {proc.stderr.read().decode()[-800:]}")
    return wall, max(peak[0] / 2**20, usage.ru_maxrss / 1024)


REFERENCE_COLUMNS = ["id", "city", "application_date", "monthly_salary_rmb", "points"]


def write_mix(path: Path, n: int, mix: str, boundaries) -> None:
    """The synthetic mix (talentkg.synthetic: every field it generates) or the reference mix (the
    same applicants reduced to the bare pass's inputs: city, date, salary, declared points), streamed."""
    from talentkg.synthetic import generate, to_csv_rows

    cols = None
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = None
        for start in range(0, n, 50_000):
            profiles = generate(min(50_000, n - start), seed=20261122 + start, boundaries=boundaries)
            for i, p in enumerate(profiles):
                p["id"] = f"app-{start + i + 1:07d}"
            c, rows = to_csv_rows(profiles)
            if w is None:
                from talentkg.profile import TOP_FIELDS  # noqa: F401  (the columns are profile fields)

                cols = (
                    REFERENCE_COLUMNS
                    if mix == "reference"
                    else sorted(
                        {k for r in rows for k in r} | set(c), key=lambda k: (k.startswith("points_factors."), k)
                    )
                )
                w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
                w.writeheader()
            w.writerows(rows)


BARE = r"""
import csv, sys
import pyoxigraph as ox
src, out = sys.argv[1], sys.argv[2]
TK = "https://w3id.org/talentkg/bare#"
store = ox.Store()
# the policy a bare pass needs: one monthly base per city (the 2023 Guangzhou-type figures)
bases = {c: 10000 + 37 * i for i, c in enumerate(["Guangzhou", "Shenzhen", "Beijing", "Shanghai", "Foshan", "Dongguan", "Wuhan", "Chengdu", "Hangzhou", "Nanjing"])}
quads = [ox.Quad(ox.NamedNode(TK + "city/" + c), ox.NamedNode(TK + "base"), ox.Literal(str(b), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))) for c, b in bases.items()]
store.bulk_extend(quads)
P_CITY, P_SAL, P_PTS = ox.NamedNode(TK + "city"), ox.NamedNode(TK + "salary"), ox.NamedNode(TK + "points")
INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
Q = "PREFIX b: <" + TK + "> SELECT ?a ?v WHERE { ?a b:city ?c . ?c b:base ?base . OPTIONAL { ?a b:salary ?s } OPTIONAL { ?a b:points ?p } "     "BIND(IF(COALESCE(?s >= 6 * ?base, false) || COALESCE(?p >= 85, false), 'A', IF(COALESCE(?s >= 4 * ?base, false) || COALESCE(?p >= 60, false), 'B', 'C')) AS ?v) }"
with open(src, newline="", encoding="utf-8") as fh, open(out, "w", newline="", encoding="utf-8") as oh:
    w = csv.writer(oh)
    w.writerow(["id", "verdict"])
    reader = csv.DictReader(fh)
    while True:
        block = [r for _, r in zip(range(10000), reader)]
        if not block:
            break
        s = ox.Store()
        s.bulk_extend(quads)
        qs = []
        for r in block:
            a = ox.NamedNode(TK + "a/" + r["id"])
            qs.append(ox.Quad(a, P_CITY, ox.NamedNode(TK + "city/" + r["city"])))
            qs.append(ox.Quad(a, P_SAL, ox.Literal(r["monthly_salary_rmb"] or "0", datatype=INT)))
            qs.append(ox.Quad(a, P_PTS, ox.Literal(r["points"] or "0", datatype=INT)))
        s.bulk_extend(qs)
        w.writerows([(x["a"].value.rsplit("/", 1)[1], x["v"].value) for x in s.query(Q)])
"""


def bench_batch(sizes: list[int], workdir: Path, mixes=("reference", "synthetic"), workers=(None,)) -> list[dict]:
    """``assess --batch`` end to end beside the bare pass, on the same file, in the same run."""
    from talentkg import KnowledgeGraph
    from talentkg.synthetic import boundary_salaries

    boundaries = boundary_salaries(KnowledgeGraph.load())
    exe = str(Path(sys.executable).with_name("talentkg"))
    bare = workdir / "bare.py"
    bare.write_text(BARE, encoding="utf-8")
    out = []
    for n in sizes:
        for mix in mixes:
            src = workdir / f"applicants_{mix}_{n}.csv"
            write_mix(src, n, mix, boundaries)
            bare_s, bare_mb = run_child([sys.executable, str(bare), str(src), str(workdir / "bare_out.csv")])
            for wk in workers:
                args = [exe, "assess", "--batch", str(src), "--out", str(workdir / f"results_{n}.csv"), "--quiet"]
                if wk:
                    args += ["--workers", str(wk)]
                wall, rss = run_child(args)
                with (workdir / f"results_{n}.csv").open(encoding="utf-8") as fh:
                    produced = sum(1 for _ in csv.reader(fh)) - 1
                assert produced == n, (produced, n)
                out.append(
                    {
                        "applicants": n,
                        "mix": mix,
                        "workers": wk or os.cpu_count(),
                        "wall_s": wall,
                        "per_s": n / wall,
                        "us_per_applicant": wall / n * 1e6,
                        "peak_mb": rss,
                        "bare_s": bare_s,
                        "bare_peak_mb": bare_mb,
                        "ratio_to_bare": wall / bare_s,
                    }
                )
                print("batch", out[-1], file=sys.stderr, flush=True)  # kept even if a later step fails
            (workdir / f"results_{n}.csv").unlink(missing_ok=True)
            src.unlink()
    return out


def bench_single(repeat: int = 30) -> dict:
    """One explained assessment (kg.assess, the default for one applicant), median latency."""
    from talentkg import KnowledgeGraph

    kg = KnowledgeGraph.load()
    mike = {
        "city": "Guangzhou",
        "application_date": "2023-12-01",
        "application_type": "new",
        "monthly_salary_rmb": 65000,
    }
    kg.assess(mike)
    times = timed(lambda: kg.assess(mike), repeat)
    return {
        "median_ms": statistics.median(times) * 1000,
        "p90_ms": sorted(times)[int(0.9 * len(times)) - 1] * 1000,
        "runs": repeat,
    }


def bench_graph_memory() -> float:
    """Resident memory retained by KnowledgeGraph.load() (MB), measured in a fresh interpreter."""
    code = (
        "import gc, os, psutil; import talentkg.kg; p = psutil.Process(os.getpid()); a = p.memory_info().rss; "
        "from talentkg import KnowledgeGraph; kg = KnowledgeGraph.load(); gc.collect(); print(p.memory_info().rss - a)"
    )
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
        return {
            "applicants": n,
            "embedded_s": emb,
            "rdflib_s": None,
            "ratio_at_least": limit_s / emb,
            "error": f"rdflib did not finish within {limit_s:.0f} s",
        }
    rdf, err = queue.get(timeout=5)
    return {
        "applicants": n,
        "embedded_s": emb,
        "rdflib_s": rdf,
        "ratio_at_least": None if rdf is None else rdf / emb,
        "error": err,
    }


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


def batch_targets(batch: list[dict], single: dict) -> list[dict]:
    """Each batch target as a measured ratio, and whether it is met."""

    def row(n, mix, workers=None):
        rs = [
            r
            for r in batch
            if r["applicants"] == n and r["mix"] == mix and (workers is None or r["workers"] == workers)
        ]
        return rs[0] if rs else None

    out = []
    for mix, limit in (("reference", 3.0), ("synthetic", 5.0)):
        r = row(100_000, mix)
        out.append(
            {
                "target": f"100k {mix} mix ≤ {limit:.0f}× the bare pass",
                "measured": None
                if r is None
                else f"{r['ratio_to_bare']:.1f}× ({r['wall_s']:.1f} s vs {r['bare_s']:.1f} s)",
                "met": None if r is None else ("met" if r["ratio_to_bare"] <= limit else "not met"),
            }
        )
    big = max((r for r in batch if r["mix"] == "synthetic"), key=lambda r: r["applicants"], default=None)
    if big:
        out.append(
            {
                "target": "peak memory < 1 GB (largest run, all processes)",
                "measured": f"{big['peak_mb']:.0f} MB at {big['applicants']:,}",
                "met": "met"
                if big["peak_mb"] < 1024 and big["applicants"] >= 1_000_000
                else ("met at this size; 1M not run" if big["peak_mb"] < 1024 else "not met"),
            }
        )
        small = min(
            (r for r in batch if r["mix"] == "synthetic" and r["applicants"] >= 10_000),
            key=lambda r: r["applicants"],
            default=None,
        )
        if small and small is not big:
            k = big["us_per_applicant"] / small["us_per_applicant"]
            out.append(
                {
                    "target": f"linear from {small['applicants']:,} to {big['applicants']:,}",
                    "measured": f"time per applicant × {k:.2f}",
                    "met": "met" if k <= 1.25 else "not met",
                }
            )
    out.append(
        {
            "target": "one explained assessment < 50 ms",
            "measured": f"{single['median_ms']:.1f} ms median (p90 {single['p90_ms']:.1f} ms)",
            "met": "met" if single["median_ms"] < 50 else "not met",
        }
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000])
    ap.add_argument("--mixes", nargs="+", default=["reference", "synthetic"])
    ap.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[0],
        help="--workers values for the batch (0 = the default, every core)",
    )
    ap.add_argument(
        "--million",
        action="store_true",
        help="also 1M applicants (synthetic mix, default workers): run it at most once",
    )
    ap.add_argument("--batch-only", action="store_true", help="only the batch, the bare pass and the single assessment")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--rdflib-queries", type=int, default=None, help="compare only the first N library queries with rdflib"
    )
    ap.add_argument(
        "--pipeline-n", type=int, default=200, help="applicants for the embedded-vs-rdflib pipeline comparison"
    )
    ap.add_argument("--rdflib-limit", type=float, default=300.0, help="seconds rdflib may take on the pipeline")
    ap.add_argument(
        "--rdflib-query-limit", type=float, default=60.0, help="seconds rdflib may take on one library query"
    )
    ap.add_argument("--out", type=Path, default=None, help="write the report (Markdown) here")
    a = ap.parse_args()
    workers = tuple(w or None for w in a.workers)
    with tempfile.TemporaryDirectory() as tmp:
        if not a.batch_only:
            b = bench_build(max(1, min(a.repeat, 5)))
            q = bench_queries(a.repeat, a.rdflib_queries, a.rdflib_query_limit)
            for r in q:
                r["ratio"] = None if r["rdflib_ms"] is None else r["rdflib_ms"] / r["embedded_ms"]
        batch = bench_batch(a.sizes, Path(tmp), mixes=a.mixes, workers=workers)
        if a.million:
            batch += bench_batch([1_000_000], Path(tmp), mixes=("synthetic",), workers=(None,))
        single = bench_single()
        if not a.batch_only:
            mem = bench_graph_memory()
            pipe = bench_pipeline_vs_rdflib(a.pipeline_n, a.rdflib_limit)
    report = [
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores. Date: {dt.date.today()}.",
        "",
    ]
    if not a.batch_only:
        worst = max(r["embedded_ms"] for r in q)
        ratios = [r["ratio"] for r in q if r["ratio"]]
        report += [
            "## Build (ontology + all data + SHACL + violation queries)",
            "",
            table(
                [{"median_s": b["median_s"], "runs": b["runs"], "target_s": TARGETS["build_s"]}],
                ["median_s", "runs", "target_s"],
            ),
            "",
            "## Library queries, median latency",
            "",
            table(q, ["query", "embedded_ms", "rdflib_ms", "ratio", "ratio_at_least", "note"]),
            "",
            f"Slowest embedded query: {worst:.1f} ms (target {TARGETS['query_ms']:.0f} ms). "
            + (
                f"rdflib/embedded ratio: median {statistics.median(ratios):.0f}x, min {min(ratios):.0f}x."
                if ratios
                else ""
            ),
            "",
        ]
    report += [
        "## Batch assessment beside the bare pass (same file, same run)",
        "",
        "`talentkg assess --batch in.csv --out out.csv` end to end (child process, CSV in, CSV out); the bare pass is a "
        "pyoxigraph script over the same file (3 triples per applicant, one SELECT comparing salary with 6×/4× a base and "
        "points with 85/60, 10k per store). Peak memory: all processes of the run summed.",
        "",
        table(
            batch,
            [
                "applicants",
                "mix",
                "workers",
                "wall_s",
                "per_s",
                "us_per_applicant",
                "peak_mb",
                "bare_s",
                "bare_peak_mb",
                "ratio_to_bare",
            ],
        ),
        "",
        "## Batch targets",
        "",
        table(batch_targets(batch, single), ["target", "measured", "met"]),
        "",
    ]
    if not a.batch_only:
        report += [
            "## The assessment pipeline on both engines",
            "",
            table([pipe], ["applicants", "embedded_s", "rdflib_s", "ratio_at_least", "error"]),
            "",
            f"## Loaded graph memory\n\n{mem:.0f} MB resident retained by `KnowledgeGraph.load()` (the store with ontology and data, measured in a fresh interpreter).",
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
        new = old[: old.index(START)] + block + old[old.index(END) + len(END) :]
    else:
        new = block + "\n"
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
