"""The Python API: ``KnowledgeGraph.load()`` then ``kg.query(name, **params)`` → DataFrame.

    from talentkg import KnowledgeGraph
    kg = KnowledgeGraph.load()          # ./build/talentkg.nt after `talentkg build`, else the packaged data
    kg.graph                            # which graph: path, data version, catalogue evidence, stale?
    kg.query("salary_threshold", city="Guangzhou", date="2023-12-01")
    kg.assess({"city": "Guangzhou", "application_date": "2023-12-01", "monthly_salary_rmb": 65000})
    kg.assess(df)                       # a DataFrame of applicants → one row per applicant
    kg.sparql("ASK { ?s ?p ?o }")       # SELECT → DataFrame, ASK → bool, CONSTRUCT/DESCRIBE → DataFrame s, p, o
    kg.store  # the pyoxigraph Store, for raw SPARQL

Which graph ``load()`` picks, and when a build is stale: see :mod:`talentkg.graphsource`.
"""

from __future__ import annotations

import hashlib
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from talentkg.graph.build import collect_triples, make_store, serialize_ntriples
from talentkg.querylib import ParameterBinder, QueryFile, library, parse_query_file, with_values
from talentkg.terms import declared_columns, result_frame, rows_to_dicts, solutions

if TYPE_CHECKING:
    from talentkg.assess import ScratchStores

_EVIDENCE_Q = """PREFIX tk: <https://w3id.org/talentkg/ontology#>
SELECT ?ev (COUNT(?e) AS ?n) WHERE { ?e a tk:CatalogueEntry ; tk:evidence ?evidence .
  BIND(REPLACE(STR(?evidence), "^.*/", "") AS ?ev) } GROUP BY ?ev"""


def catalogue_evidence(store: ox.Store) -> dict[str, int]:
    """Catalogue entries in the graph, by evidence flag (``reconstructed``, ``official_annex`` …)."""
    return {r["ev"].value: int(r["n"].value) for r in solutions(store.query(_EVIDENCE_Q))}


class KnowledgeGraph:
    # limits on every query (issue 12): seconds, megabytes, and SERVICE federation off
    timeout: float | None = 30.0
    memory_mb: int | None = 2048
    allow_service: bool = False

    def __init__(self, store: ox.Store, data_version: str, overlays: list | None = None, graph=None):
        from talentkg.graphsource import GraphSource

        self.store = store
        self.data_version = data_version
        self.overlays = overlays or []  # loaders.overlays.Overlay: local folders loaded on top of data/
        from talentkg.origins import origins_of

        self.origins = origins_of(store)  # fact IRI → "overlay:<folder>", for the facts not packaged
        self.queries: dict[str, QueryFile] = library()
        self.binder = ParameterBinder(store)
        self.graph = graph or GraphSource("packaged", data_version=data_version)
        self._scratch: ScratchStores | None = None
        self._scratch_lock = threading.Lock()

    @property
    def scratch(self):
        """The per-call assessment stores (talentkg.assess.ScratchStores): ``kg.store`` is never written by assess."""
        if self._scratch is None:
            from talentkg.assess import ScratchStores

            with self._scratch_lock:
                if self._scratch is None:
                    self._scratch = ScratchStores(self)
        return self._scratch

    @classmethod
    def load(cls, path: str | Path | None = None, catalogue: str | Path | None = None, data=None) -> KnowledgeGraph:
        """The current graph: ``path`` (a built ``.nt``/``.ttl``) > overlays (``data`` / $TALENTKG_DATA,
        loaded on the packaged data) > ``$TALENTKG_GRAPH`` > ``./build/talentkg.nt`` > the packaged data
        (``catalogue=``: the packaged data with that catalogue). ``kg.graph`` says which; a stale build
        is reported with a warning.

        ``data``: overlay folders (a path or a list) loaded on top of the packaged tables; when
        omitted, those of $TALENTKG_DATA. Overlays are validated (SHACL and violation queries)
        like a build."""
        from talentkg.graphsource import GraphSource, resolve
        from talentkg.loaders.overlays import overlay_dirs

        overlays = overlay_dirs([data] if isinstance(data, (str, Path)) else data) if path is None else []
        report: list = []
        if overlays:
            src = GraphSource("packaged", chosen_by="overlays", catalogue=str(catalogue) if catalogue else None)
        else:
            src = resolve(path, catalogue)
        if src.kind == "packaged":
            triples = collect_triples(
                catalogue=Path(src.catalogue) if src.catalogue else None, overlays=overlays, report=report
            )
            if overlays:
                from talentkg.graph.validate import validate_triples

                validate_triples(triples)
        else:
            p = src.path
            assert p is not None  # a GraphSource that is not packaged/overlay names its file
            fmt = ox.RdfFormat.N_TRIPLES if p.suffix == ".nt" else ox.RdfFormat.TURTLE
            triples = sorted((q.triple for q in ox.parse(path=str(p), format=fmt)), key=str)
        from talentkg.dataset import current_release

        digest = hashlib.sha256(serialize_ntriples(triples)).hexdigest()[:12]
        # the data release (data/RELEASES.csv) beside the hash of the graph actually loaded
        data_version = f"{current_release().version}+{digest}"
        store = make_store(triples)
        src.data_version = data_version
        src.evidence = catalogue_evidence(store)
        if src.stale:
            warnings.warn(f"{src.path} is stale: {src.stale_reason}", stacklevel=2)
        return cls(store, data_version, overlays=report, graph=src)

    # ------------------------------------------------------------ queries
    def query_file(self, name_or_path: str | Path) -> QueryFile:
        if isinstance(name_or_path, Path) or str(name_or_path).endswith((".rq", ".sparql")):
            return parse_query_file(Path(name_or_path))
        if name_or_path not in self.queries:
            from talentkg.errors import ParameterError
            from talentkg.render import suggest

            raise ParameterError(
                "query",
                f"unknown query {name_or_path!r}{suggest(str(name_or_path), self.queries)}; `talentkg queries` lists them",
            )
        return self.queries[name_or_path]

    def rows(self, name_or_path: str | Path, **params) -> list[dict]:
        """Run a library query (or an analyst's own .rq file) with typed parameters; plain rows.

        With overlays loaded, each row has an ``origin`` (the overlays of the facts it names)."""
        from talentkg.origins import annotate_rows

        res = self._run(name_or_path, params)
        return annotate_rows(rows_to_dicts(res), [v.value for v in res.variables], self.origins)[0]

    def column_types(self, name_or_path: str | Path) -> dict[str, str]:
        """The query's declared column types (its ``# columns:`` header line)."""
        return declared_columns(self.query_file(name_or_path).text)

    def query(self, name_or_path: str | Path, **params):
        """Like :meth:`rows`, as a pandas DataFrame (columns in the query's SELECT order).

        dtypes follow the query's declared column types: ``Int64``, ``Float64``, ``boolean``,
        ``string``, ``datetime64[ns]`` — the same whatever the values; missing values are pd.NA (NaT).
        With overlays loaded, an ``origin`` column names the overlays of the facts each row names."""
        result = self._run(name_or_path, params)
        df = result_frame(result, self.column_types(name_or_path))
        if self.origins:
            from talentkg.origins import annotate_rows

            cols = list(df.columns)
            rows = [
                {c: (None if v is None else str(v)) for c, v in zip(cols, r)}
                for r in df.astype(object).where(df.notna(), None).itertuples(index=False)
            ]
            rows, _ = annotate_rows(rows, cols, self.origins)
            df["origin"] = __import__("pandas").array([r.get("origin") for r in rows], dtype="string")
        df.attrs["graph"] = self.graph.as_dict()
        return df

    def bound_text(self, name_or_path: str | Path, params: dict) -> str:
        """The query text with its parameters bound as typed terms in a leading VALUES block."""
        q = self.query_file(name_or_path)
        return with_values(q.text, self.binder.bind(q, {k: v for k, v in params.items() if v is not None}))

    def _run(self, name_or_path, params: dict, timeout: float | None = None):
        return self.run_text(self.bound_text(name_or_path, params), timeout=timeout, where=str(name_or_path))

    def run_text(self, text: str, timeout: float | None = None, where: str = "query"):
        """Run read-only SPARQL under the graph's limits (``timeout``, ``memory_mb``,
        ``allow_service``): QuerySolutions, QueryBoolean, or a list of Triples."""
        from talentkg.querylib import run_query

        return run_query(
            self.store,
            text,
            timeout=self.timeout if timeout is None else timeout,
            memory_mb=self.memory_mb,
            allow_service=self.allow_service,
            where=where,
        )

    def sparql(self, text: str, timeout: float | None = None, graph: bool = False):
        """Raw read-only SPARQL over the store: SELECT → DataFrame (typed columns); ASK → bool;
        CONSTRUCT / DESCRIBE → DataFrame with columns subject, predicate, object (plain values), or with
        ``graph=True`` a pyoxigraph Store. An UPDATE or a SERVICE clause is refused; the query stops at
        ``timeout`` s."""
        import pandas as pd

        result = self.run_text(text, timeout=timeout, where="sparql")
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, list):
            if graph:
                g = ox.Store()
                g.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in result)
                return g
            from talentkg.terms import plain

            return pd.DataFrame(
                [
                    {"subject": plain(t.subject), "predicate": plain(t.predicate), "object": plain(t.object)}
                    for t in result
                ],
                columns=["subject", "predicate", "object"],
            )
        return result_frame(result)

    # ------------------------------------------------------------ assessment
    def assess(self, profile):
        """Assess one profile (dict → dict), many (list → list), or a DataFrame (→ DataFrame, one row
        per applicant), in one pass over the store. None/NaN/NaT/pd.NA are absent fields;
        ``pd.Timestamp``/``datetime64``/``datetime.date`` are accepted as dates.

        Safe to call from several threads on one KnowledgeGraph: each call works in its own store.
        Numbers may be int, Decimal or str (exact); a float is taken by its repr (``0.1`` → 0.1),
        so a float that already lost digits (62693.99999999999999 is the float 62694.0) cannot be
        told apart — pass such figures as Decimal or str (the CLI reads JSON numbers as Decimal)."""
        from talentkg.assess import assess_profiles
        from talentkg.candidates import add_candidates  # undetermined salary routes: candidate figures (issue 16)
        from talentkg.origins import annotate_result

        try:
            import pandas as pd
        except ImportError:  # pragma: no cover
            pd = None
        if pd is not None and isinstance(profile, pd.DataFrame):
            from talentkg.frames import outcomes_frame, profiles_from_frame

            return outcomes_frame(self._assess_rows(profiles_from_frame(profile)), index=profile.index)
        from talentkg.frames import clean_profile

        profiles = [clean_profile(p) for p in profile] if isinstance(profile, list) else [clean_profile(profile)]
        results = [
            annotate_result(add_candidates(self, p, r), self.origins)
            for p, r in zip(profiles, assess_profiles(self, profiles))
        ]
        return results if isinstance(profile, list) else results[0]

    def _assess_rows(self, profiles: list[dict]) -> list[dict]:
        """All rows in one pass; a row that does not validate gets verdict None and its ``error``
        (the others are still assessed)."""
        from talentkg.assess import assess_profiles, validate_profiles
        from talentkg.errors import TalentKGError

        if not profiles:
            return []
        try:
            return assess_profiles(self, profiles)
        except TalentKGError:
            pass
        errors: dict[int, str] = {}
        for i, p in enumerate(profiles):
            try:
                validate_profiles(self, [p], keep_quads=False)
            except TalentKGError as e:
                errors[i] = f"row {i + 1}: {e}"
        good = [p for i, p in enumerate(profiles) if i not in errors]
        done = iter(assess_profiles(self, good) if good else [])
        return [
            {"id": p.get("id"), "verdict": None, "category": None, "error": errors[i]} if i in errors else next(done)
            for i, p in enumerate(profiles)
        ]

    def compare(self, table, d1: str, d2: str):
        """A roster (DataFrame or list of row dicts, batch columns) on two dates: ``.people``, ``.changes``, ``.summary``.

        Each person's verdict on ``d1`` and ``d2``; for those whose verdict changes, the routes that
        changed and the standard or rule behind them, with its source (talentkg.batch)."""
        from talentkg.batch import compare

        return compare(self, table, d1, d2)

    def verdicts(self, table, as_of: str | None = None):
        """Verdict rows for a roster (DataFrame or list of row dicts), bad rows in the ``error`` column — the batch path."""
        import pandas as pd

        from talentkg.batch import OUT_COLUMNS, assess_table

        return pd.DataFrame(assess_table(self, table, as_of=as_of), columns=OUT_COLUMNS)

    # ------------------------------------------------------------ interop
    def subclasses(self, name: str) -> set[str]:
        """Local names of a class of the ontology and all its subclasses (rdfs:subClassOf*)."""
        from talentkg.namespaces import TK

        q = with_values(
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT DISTINCT ?c WHERE { ?c rdfs:subClassOf* ?top }",
            {ox.Variable("top"): ox.NamedNode(TK + name)},
        )
        out = set()
        for r in solutions(self.store.query(q)):
            if isinstance(r["c"], ox.NamedNode) and r["c"].value.startswith(TK):
                out.add(r["c"].value[len(TK) :])
        return out

    def class_names(self) -> set[str]:
        from talentkg.namespaces import TK

        q = "PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT ?c WHERE { ?c a owl:Class }"
        return {r["c"].value[len(TK) :] for r in solutions(self.store.query(q)) if r["c"].value.startswith(TK)}

    def to_networkx(self, classes: list[str] | None = None, include_literals: bool = False):
        """A networkx MultiDiGraph; ``classes`` (local names, e.g. ``["Jurisdiction"]``) keeps the nodes of
        those classes and of all their subclasses. An unknown class name is an error (with a suggestion)."""
        from talentkg.exports import to_networkx

        keep: list[str] | None = None
        if classes:
            from talentkg.errors import ParameterError
            from talentkg.render import suggest

            known = self.class_names()
            wanted: set[str] = set()
            for c in classes:
                name = c.split(":", 1)[1] if c.startswith("tk:") else c
                if name not in known:
                    raise ParameterError("classes", f"no class {c!r} in the ontology{suggest(name, known)}")
                wanted |= self.subclasses(name) | {name}
            keep = sorted(wanted)
        return to_networkx(self.store, classes=keep, include_literals=include_literals)
