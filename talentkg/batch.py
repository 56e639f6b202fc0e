"""``talentkg assess --batch``: a roster in, one result row per row in, streamed in chunks.

Input columns are the profile fields (``city``, ``application_date`` …); points factors are
``points_factors.<name>`` columns; list fields (awards, extras, overseas_qualifications) are
separated by ``;``. Empty cells are absent fields. Files: CSV, XLSX, Parquet, a folder of them or
a URL (see :mod:`talentkg.batch_io`).

Every row gets a result or an error naming its file line, the field and the fix (the ``error``
column, and ``<out>.errors.csv`` beside the output). Rows are validated once, then assessed
``chunk`` at a time, each chunk in a fresh store holding the policy graph — in this process, in
``workers`` processes (:mod:`talentkg.batch_parallel`) or on a Dask cluster. The output order is
the input order whatever runs it, and the output is the same.

Exit codes of the CLI: 0 every row assessed; 3 some rows failed (the others are written, the
failures listed); 2 the input cannot be used at all (nothing written). ``--strict``: any bad row
is exit 2 and nothing is written.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from talentkg.batch_io import BatchInputError, InputRow, read_rows
from talentkg.errors import TalentKGError
from talentkg.profile_schema import TOP_FIELDS

CHUNK = 10_000  # applicants per set-based pass: bounds memory, keeps every query set-based

OUT_COLUMNS = [
    "source",
    "id",
    "city",
    "application_date",
    "verdict",
    "category",
    "reason",
    "routes",
    "route_details",
    "undetermined",
    "points_total",
    "points_complete",
    "recognition",
    "document_exemptions",
    "salary_candidates",
    "origin",
    "origin_facts",
    "as_of",
    "data_version",
    "error",
]
ERROR_COLUMNS = ["source", "id", "field", "error"]
COMPARE_COLUMNS = [
    "source",
    "id",
    "city",
    "date_1",
    "verdict_1",
    "category_1",
    "routes_1",
    "date_2",
    "verdict_2",
    "category_2",
    "routes_2",
    "changed",
    "change",
    "why",
    "why_sources",
    "origin",
    "origin_facts",
    "data_version",
    "error",
]


class _Columns:
    """A roster's columns: the profile fields of talentkg/profile_schema.py (points factors as
    ``points_factors.<factor>``; an unknown factor is reported on each row by the profile check)."""

    describe = ", ".join(sorted(TOP_FIELDS - {"points_factors"})) + " and points_factors.<factor>"

    def __call__(self, h: str) -> bool:
        base = h.split(".", 1)[0]
        return base in TOP_FIELDS and (("." in h) == (base == "points_factors"))


ALLOWED = _Columns()


def row_profile(cells: dict[str, str]) -> dict:
    p: dict = {}
    for k, v in cells.items():
        if k.startswith("points_factors."):
            p.setdefault("points_factors", {})[k.split(".", 1)[1]] = v
        else:
            p[k] = v
    return p


@dataclass
class Row:
    """A data row with its position among the data rows (1-based): the default id."""

    n: int
    source: str
    cells: dict[str, str]
    error: str | None = None
    field: str | None = None


def number_rows(rows: Iterable[InputRow]) -> Iterator[Row]:
    for n, r in enumerate(rows, start=1):
        yield Row(n, r.source, r.cells, r.error, r.field)


def chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    it = iter(rows)
    while block := list(itertools.islice(it, size)):
        yield block


# ---------------------------------------------------------------- one chunk


class Engine:
    """What a process needs to assess chunks: the policy graph (as a KnowledgeGraph) and its vocabulary."""

    def __init__(self, kg, mode: str = "verdict"):
        """``mode``: "verdict" (the batch: rule blocks rewritten by talentkg.batch_verdict, no
        not-met outcomes materialised) or "explain" (the rule blocks as kg.assess runs them)."""
        from talentkg.batch_verdict import verdict_updates
        from talentkg.profile import Vocabulary
        from talentkg.querylib import assessment_updates

        self.kg, self.mode = kg, mode
        self.vocab = Vocabulary.from_store(kg.store)
        self.policy = list(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        texts = [u.text for u in assessment_updates()]
        self.updates = verdict_updates(texts) if mode == "verdict" else texts
        self._candidates: dict[tuple[str, str], dict] = {}
        self._inproc: Any = None  # the graph without the forked query limit, for the candidate look-ups

    @classmethod
    def from_ntriples(cls, data: bytes, data_version: str) -> Engine:
        from talentkg.kg import KnowledgeGraph

        store = ox.Store()
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        return cls(KnowledgeGraph(store, data_version))

    # -------------------------------------------------------- validation (once per row)
    def validate(self, row: Row, date: str | None, index: int) -> tuple[str, str | None, list]:
        """(key, error, quads) of one row on one date (``date`` overrides application_date).

        The applicant is ``…/applicant/{index + 1}`` in the chunk's store."""
        from talentkg.profile import profile_quads

        p = row_profile(row.cells)
        p.setdefault("id", str(row.n))
        if row.error:
            return str(p["id"]), None, []
        if date is not None:
            p["application_date"] = date
        try:
            key, quads = profile_quads(p, index, self.kg.binder, self.vocab)
        except TalentKGError as e:
            return str(p["id"]), f"{row.source}: {e}", []
        return key, None, quads

    # -------------------------------------------------------- assessment of a chunk
    def summaries(self, items: list[tuple[int, list]]) -> dict[int, dict]:
        """Assess the valid applicants of a chunk at once: index → summary row (verdict mode)."""
        from talentkg.terms import rows_to_dicts

        if not items:
            return {}
        store = ox.Store()
        store.bulk_extend(self.policy)
        store.bulk_extend(q for _, qs in items for q in qs)
        for u in self.updates:
            store.update(u)
        out: dict[int, dict] = {}
        for r in rows_to_dicts(store.query(self.kg.queries["assess_summary"].text)):
            out[int(r["applicant"].rsplit("/", 1)[1]) - 1] = r
        from talentkg.assess import outcome_values  # coded outcomes: sentences from data/messages.csv (E1)
        from talentkg.messages import render  # the batch row carries the English sentence only

        for (a, _rule), o in outcome_values(self.kg, store).items():
            i = int(a.rsplit("/", 1)[1]) - 1
            if i in out and o["outcome"] == "undetermined" and o.get("evaluator") == "salary":
                out[i].setdefault("_salary_undetermined", set()).add(o["criterion"])
            if i in out and o["outcome"] in ("met", "undetermined"):
                line = f"{o['criterion']}: {render(o['code'], o['values'], 'en', o['labels'])}"
                out[i][o["outcome"]] = f"{out[i][o['outcome']]} | {line}" if out[i][o["outcome"]] else line
        ex: dict[int, list[str]] = {}
        for r in rows_to_dicts(store.query(self.kg.queries["assess_transfer"].text)):
            ex.setdefault(int(r["applicant"].rsplit("/", 1)[1]) - 1, []).append(f"{r['document_type']}={r['status']}")
        for i, r in out.items():
            r["document_exemptions"] = sorted(ex.get(i, []))
        if self.kg.origins:  # overlay facts behind the routes met/undetermined (issue 18.4); none on packaged data
            for r in rows_to_dicts(store.query(self.kg.queries["assess_origins"].text)):
                i = int(r["applicant"].rsplit("/", 1)[1]) - 1
                if i in out:
                    out[i].setdefault("origin", []).append((r["fact"], r["origin"]))
        del store
        return out

    def candidates(self, city: str, date: str, codes: set[str]) -> str:
        """The ``salary_candidates`` cell: for each undetermined salary route whose figure the data
        does not hold with certainty, the candidate figures ``kg.assess`` gives as ``values.candidates``
        (talentkg.candidates, the library query salary_candidates) — looked up once per (city, date),
        in this process like the rule blocks (the packaged query needs no forked time limit)."""
        if not codes:
            return ""
        key = (city, date)
        if key not in self._candidates:
            import copy

            from talentkg.candidates import salary_candidates

            if self._inproc is None:
                self._inproc = copy.copy(self.kg)
                self._inproc.timeout = None
            try:
                self._candidates[key] = salary_candidates(self._inproc, city, date)
            except TalentKGError:  # an unknown city or date is reported by the assessment itself
                self._candidates[key] = {}
        found = self._candidates[key]
        return " | ".join(candidate_text(code, found[code]) for code in sorted(codes & set(found)))

    def assess_chunk(self, rows: list[Row], as_of: str | None = None) -> list[dict]:
        """One output row per input row, in order (results or errors)."""
        checked = [(r, *self.validate(r, as_of, i)) for i, r in enumerate(rows)]
        items = [(i, quads) for i, (r, key, err, quads) in enumerate(checked) if err is None and r.error is None]
        got = self.summaries(items)
        out = []
        for i, (r, key, err, _) in enumerate(checked):
            date = as_of or r.cells.get("application_date", "")
            base = {"source": r.source, "id": key, "city": r.cells.get("city", ""), "application_date": date}
            problem = f"{r.source}: {r.field}: {r.error}" if r.error else err
            if problem:
                out.append({**base, "error": problem, "_field": r.field or _field_of(problem)})
                continue
            cols = summary_columns(got[i], date, self.kg.data_version)
            cols["salary_candidates"] = self.candidates(base["city"], date, got[i].get("_salary_undetermined", set()))
            out.append({**base, **cols, "error": ""})
        return out

    def compare_chunk(self, rows: list[Row], d1: str, d2: str) -> list[dict]:
        """Each row on both dates; for those whose verdict changes, the explained routes that changed."""
        checked = [(r, self.validate(r, d1, 2 * i), self.validate(r, d2, 2 * i + 1)) for i, r in enumerate(rows)]
        items = []
        for i, (r, a, b) in enumerate(checked):
            if r.error is None and a[1] is None and b[1] is None:
                items += [(2 * i, a[2]), (2 * i + 1, b[2])]
        got = self.summaries(items)
        out, changed = [], []
        for i, (r, a, b) in enumerate(checked):
            base = {
                "source": r.source,
                "id": a[0],
                "city": r.cells.get("city", ""),
                "date_1": d1,
                "date_2": d2,
                "data_version": self.kg.data_version,
            }
            problem = f"{r.source}: {r.field}: {r.error}" if r.error else (a[1] or b[1])
            if problem:
                out.append({**base, "error": problem, "_field": r.field or _field_of(problem)})
                continue
            s1, s2 = got[2 * i], got[2 * i + 1]
            c1 = s1["verdict"] if s1["verdict"] in ("A", "B", "C") else ""
            c2 = s2["verdict"] if s2["verdict"] in ("A", "B", "C") else ""
            row = {
                **base,
                "verdict_1": s1["verdict"],
                "category_1": c1,
                "routes_1": _codes(s1["met"]),
                "verdict_2": s2["verdict"],
                "category_2": c2,
                "routes_2": _codes(s2["met"]),
                "changed": s1["verdict"] != s2["verdict"],
                "change": "" if s1["verdict"] == s2["verdict"] else f"{s1['verdict']} → {s2['verdict']}",
                "why": "",
                "why_sources": "",
                # overlay facts used on either date (issue 18.4: every answer that used an overlay says so)
                "origin": "; ".join(sorted({o for s in (s1, s2) for _, o in s.get("origin", [])})),
                "origin_facts": " ".join(sorted({f for s in (s1, s2) for f, _ in s.get("origin", [])})),
                "error": "",
            }
            out.append(row)
            if row["changed"]:
                changed.append((row, r))
        if changed:  # explanations only for the people whose verdict changes
            profiles = []
            for _, r in changed:
                p = row_profile(r.cells)
                p.setdefault("id", str(r.n))
                profiles += [{**p, "application_date": d1}, {**p, "application_date": d2}]
            explained = self.kg.assess(profiles)
            for k, (row, _) in enumerate(changed):
                row["why"], row["why_sources"] = why_changed(explained[2 * k], explained[2 * k + 1])
        return out


def _field_of(message: str) -> str:
    parts = message.split(": ")
    return parts[1] if len(parts) > 2 else ""


def _codes(met: str | None) -> str:
    return ";".join(sorted(m.split(": ", 1)[0] for m in met.split(" | "))) if met else ""


def _split(v: str | None) -> list[str]:
    return sorted(v.split(" | ")) if v else []


def summary_columns(r: dict, date: str, data_version: str) -> dict:
    """The output columns of one assessed applicant (from queries/assess_summary.rq)."""
    met = _split(r["met"])
    return {
        "verdict": r["verdict"],
        "category": r["verdict"] if r["verdict"] in ("A", "B", "C") else "",
        "reason": r["reason"],
        "routes": ";".join(m.split(": ", 1)[0] for m in met),
        "route_details": " | ".join(met),
        "undetermined": " | ".join(_split(r["undetermined"])),
        "points_total": "" if r["points_total"] is None else r["points_total"],
        "points_complete": "" if r["points_complete"] is None else str(r["points_complete"]).lower(),
        "recognition": " | ".join(_split(r["recognition"])),
        "document_exemptions": ";".join(r.get("document_exemptions", [])),
        "salary_candidates": "",
        "origin": "; ".join(sorted({o for _, o in r.get("origin", [])})),
        "origin_facts": " ".join(sorted({f for f, _ in r.get("origin", [])})),
        "as_of": date,
        "data_version": data_version,
    }


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def candidate_text(code: str, rows: list[dict]) -> str:
    """One criterion's candidate figures, e.g. ``A-III-9: COMPUTED 6 × 110196 ÷ 12 = 55098 (Guangdong
    all_urban 2024, wage-440000-2024-all_urban, confidence low); …`` — computed, never a verdict."""
    parts = [
        f"COMPUTED {c['multiple']} × {c['annual_amount']} ÷ 12 = {c['threshold']} "
        f"({c['benchmark_name']} {c['basis']} {c['statistics_year']}, {_local(c['statistic'])}, "
        f"confidence {c.get('confidence') or 'not stated'})"
        for c in sorted(rows, key=lambda c: (str(c["statistic"]), str(c["threshold"])))
    ]
    return f"{code}: " + "; ".join(parts)


def _routes_by_code(doc: dict) -> dict[str, tuple[str, dict]]:
    out = {}
    for bucket, outcome in (("routes", "met"), ("not_met", "not met"), ("undetermined", "undetermined")):
        for item in doc.get(bucket, []):
            out[item["criterion"]] = (outcome, item)
    return out


def _text(item: dict) -> str:
    return item.get("detail") or item.get("reason") or ""


def why_changed(d1: dict, d2: dict) -> tuple[str, str]:
    """The routes whose outcome differs between two explained assessments, with the rule or standard used."""
    r1, r2 = _routes_by_code(d1), _routes_by_code(d2)
    parts, sources = [], []
    for code in sorted(set(r1) | set(r2)):
        a, b = r1.get(code), r2.get(code)
        if a and b and a[0] == b[0] and _basis(a[1]) == _basis(b[1]):
            continue
        if a and b:
            txt = f"{code}: {a[0]} on {d1['as_of']} ({_text(a[1])}) → {b[0]} on {d2['as_of']} ({_text(b[1])})"
        elif a:
            txt = f"{code}: {a[0]} on {d1['as_of']} ({_text(a[1])}); not in force on {d2['as_of']}"
        else:
            assert b is not None  # a route absent on both dates is not in the union
            txt = f"{code}: not in force on {d1['as_of']}; {b[0]} on {d2['as_of']} ({_text(b[1])})"
        parts.append(txt)
        for _, item in filter(None, (a, b)):
            bo = item.get("based_on") or {}
            for url in (bo.get("url"), (item.get("source") or {}).get("url")):
                if url and url not in sources:
                    sources.append(url)
    return " | ".join(parts), " ".join(sources)


def _basis(item: dict):
    return (item.get("based_on") or {}).get("fact")


# ---------------------------------------------------------------- the whole batch


@dataclass
class BatchReport:
    rows: int = 0
    failed: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    summary: dict[tuple, int] = field(default_factory=dict)  # compare: (city, category_1, category_2) → people

    @property
    def exit_code(self) -> int:
        return 3 if self.failed else 0


def run_batch(
    kg,
    src: str,
    out: str,
    *,
    as_of: str | None = None,
    compare: str | None = None,
    strict: bool = False,
    encoding: str | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    chunk: int = CHUNK,
    fmt: str | None = None,
    progress: bool = False,
    errors_out: str | None = None,
    summary_out: str | None = None,
) -> BatchReport:
    """Read ``src`` in chunks, assess each (here, in worker processes or on Dask), write ``out`` in input order.

    Nothing is in place at ``out`` until every row has been handled; an unusable input raises
    :class:`BatchInputError` (nothing written). With ``strict`` a bad row does the same."""
    from talentkg.batch_io import RowWriter, expand_inputs, same_file

    for part in expand_inputs(src):
        for target in (out, errors_out, summary_out):
            if target and target != "-" and same_file(part, target):
                raise BatchInputError(f"--out {target}: is the input file {part}; write the results to another file")
    if compare and not as_of:
        raise BatchInputError(
            "--compare: give the first date with --as-of (e.g. --as-of 2023-12-01 --compare 2026-03-03)"
        )
    from talentkg.values import parse_date

    for name, d in (("--as-of", as_of), ("--compare", compare)):
        if d is not None:
            parse_date(name, d)
    required = ("city",) if as_of else ("city", "application_date")
    rows = number_rows(read_rows(src, encoding=encoding, allowed=ALLOWED, required=required))
    columns = COMPARE_COLUMNS if compare else OUT_COLUMNS
    job = compare_job(as_of or "", compare) if compare else assess_job(as_of)  # --compare needs --as-of (above)
    report = BatchReport()
    inputs = expand_inputs(src)
    writer = RowWriter(out, columns, fmt, inputs)
    try:
        errw = RowWriter(errors_out, ERROR_COLUMNS, "csv", inputs) if errors_out else None
    except BaseException:
        writer.abort()
        raise
    bar = _progress(src, encoding) if progress else None
    try:
        for block in run_chunks(kg, chunks(rows, chunk), job, workers=workers, scheduler=scheduler):
            bad = [r for r in block if r.get("error")]
            if bad and strict:
                raise BatchInputError(
                    f"{bad[0]['error']} (--strict: nothing written; without --strict the other rows are assessed)"
                )
            writer.write(block)
            if errw:
                errw.write(
                    [
                        {"source": r["source"], "id": r["id"], "field": r.get("_field", ""), "error": r["error"]}
                        for r in bad
                    ]
                )
            report.rows += len(block)
            report.failed += len(bad)
            for r in block:
                if r.get("error"):
                    continue
                v = str(r.get("verdict_2") if compare else r["verdict"])
                report.counts[v] = report.counts.get(v, 0) + 1
                if compare:
                    k = (r["city"], r["verdict_1"], r["verdict_2"])
                    report.summary[k] = report.summary.get(k, 0) + 1
            if bar:
                bar.advance(len(block))
        if summary_out and compare:
            sw = RowWriter(summary_out, SUMMARY_COLUMNS, "csv", inputs)
            try:
                sw.write(summary_rows(report.summary))
            except BaseException:
                sw.abort()
                raise
            sw.commit()
        writer.commit()
        if errw:
            errw.commit()
    except BaseException:
        writer.abort()
        if errw:
            errw.abort()
        raise
    finally:
        if bar:
            bar.stop()
    return report


SUMMARY_COLUMNS = ["city", "verdict_1", "verdict_2", "people", "changed"]


def summary_rows(summary: dict[tuple, int]) -> list[dict]:
    return [
        {"city": c, "verdict_1": a, "verdict_2": b, "people": n, "changed": a != b}
        for (c, a, b), n in sorted(summary.items())
    ]


# ---------------------------------------------------------------- jobs and runners


def assess_job(as_of: str | None) -> tuple:
    return ("assess", as_of)


def compare_job(d1: str, d2: str) -> tuple:
    return ("compare", d1, d2)


def run_job(engine: Engine, job: tuple, rows: list[Row]) -> list[dict]:
    if job[0] == "assess":
        return engine.assess_chunk(rows, job[1])
    return engine.compare_chunk(rows, job[1], job[2])


def run_chunks(
    kg, blocks: Iterator[list[Row]], job: tuple, workers: int = 1, scheduler: str | None = None
) -> Iterator[list[dict]]:
    """Output rows of every chunk, in input order: here, in worker processes, or on a Dask cluster."""
    if scheduler:
        from talentkg.batch_parallel import run_dask

        yield from run_dask(kg, blocks, job, scheduler)
        return
    first = next(blocks, None)
    if first is None:
        return
    second = next(blocks, None)
    if workers <= 1 or second is None:  # one chunk: no pool to start
        engine = Engine(kg)
        for block in itertools.chain([first], [second] if second else [], blocks):
            yield run_job(engine, job, block)
        return
    from talentkg.batch_parallel import run_pool

    yield from run_pool(kg, itertools.chain([first, second], blocks), job, workers)


def _progress(src: str, encoding: str | None):
    from talentkg.batch_io import size_hint
    from talentkg.progress import Bar

    return Bar("assessing", size_hint(src, encoding), rate=True, transient=False)


# ---------------------------------------------------------------- the Python API


def assess_table(kg, table, as_of: str | None = None, chunk: int = CHUNK) -> list[dict]:
    """Verdict rows for a pandas DataFrame or a list of row dicts (the batch columns), errors per row."""
    return _table_job(kg, table, assess_job(as_of), chunk)


def compare_table(kg, table, d1: str, d2: str, chunk: int = CHUNK) -> list[dict]:
    return _table_job(kg, table, compare_job(d1, d2), chunk)


def _table_job(kg, table, job: tuple, chunk: int) -> list[dict]:
    from talentkg.batch_io import cell_text

    records = table.to_dict("records") if hasattr(table, "to_dict") else list(table)
    for rec in records[:1]:
        for h in rec:
            if not ALLOWED(str(h)):
                raise BatchInputError(f"column {h!r}: unknown; allowed: {ALLOWED.describe}")
    rows = (
        Row(n, f"row {n}", {str(k): t for k, v in rec.items() if (t := cell_text(v)) is not None})
        for n, rec in enumerate(records, start=1)
    )
    out: list[dict] = []
    engine = Engine(kg)
    for block in chunks(rows, chunk):
        out += run_job(engine, job, block)
    for r in out:
        r.pop("_field", None)
    return out


def compare(kg, table, d1: str, d2: str):
    """``kg.compare(df, d1, d2)``: each person on both dates, and a summary by city and verdicts."""
    import pandas as pd

    rows = compare_table(kg, table, d1, d2)
    people = pd.DataFrame(rows, columns=COMPARE_COLUMNS)
    counts: dict[tuple, int] = {}
    for r in rows:
        if not r.get("error"):
            k = (r["city"], r["verdict_1"], r["verdict_2"])
            counts[k] = counts.get(k, 0) + 1
    return RosterComparison(people, pd.DataFrame(summary_rows(counts), columns=SUMMARY_COLUMNS))


@dataclass
class RosterComparison:
    people: Any  # DataFrame: one row per person (COMPARE_COLUMNS)
    summary: Any  # DataFrame: city × verdict on date 1 × verdict on date 2 → people

    @property
    def changes(self):
        return self.people[self.people["changed"] == True]  # noqa: E712


Job = Callable[[Engine, list[Row]], list[dict]]
