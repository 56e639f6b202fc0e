"""The Python API: ``KnowledgeGraph.load()`` then ``kg.query(name, **params)`` → DataFrame.

    from talentkg import KnowledgeGraph
    kg = KnowledgeGraph.load()
    kg.query("salary_threshold", city="Guangzhou", date="2023-12-01")
    kg.assess({"city": "Guangzhou", "application_date": "2023-12-01", "monthly_salary_rmb": 65000})
    kg.store  # the pyoxigraph Store, for raw SPARQL
"""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pyoxigraph as ox

from talentkg.graph.build import collect_triples, make_store, serialize_ntriples
from talentkg.querylib import ParameterBinder, QueryFile, library, parse_query_file, with_values
from talentkg.terms import rows_to_dicts


class KnowledgeGraph:
    # limits on every query (issue 12): seconds, megabytes, and SERVICE federation off
    timeout: float | None = 30.0
    memory_mb: int | None = 2048
    allow_service: bool = False

    def __init__(self, store: ox.Store, data_version: str, overlays: list | None = None):
        self.store = store
        self.data_version = data_version
        self.overlays = overlays or []  # loaders.overlays.Overlay: local folders loaded on top of data/
        from talentkg.origins import origins_of

        self.origins = origins_of(store)  # fact IRI → "overlay:<folder>", for the facts not packaged
        self.queries: dict[str, QueryFile] = library()
        self.binder = ParameterBinder(store)
        self._scratch = None
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
    def load(cls, path: str | Path | None = None, catalogue: str | Path | None = None, data=None) -> "KnowledgeGraph":
        """From a built file (``build/talentkg.nt`` or ``.ttl``), or straight from the packaged data.

        ``data``: overlay folders (a path or a list) loaded on top of the packaged tables; when
        omitted, those of $TALENTKG_DATA. Overlays are validated (SHACL and violation queries)
        like a build."""
        from talentkg.loaders.overlays import overlay_dirs

        overlays = overlay_dirs([data] if isinstance(data, (str, Path)) else data) if path is None else []
        report: list = []
        if path is not None:
            path = Path(path)
            fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
            triples = sorted((q.triple for q in ox.parse(path=str(path), format=fmt)), key=str)
        else:
            triples = collect_triples(catalogue=Path(catalogue) if catalogue else None, overlays=overlays, report=report)
            if overlays:
                from talentkg.graph.validate import validate_triples

                validate_triples(triples)
        from talentkg.dataset import current_release

        digest = hashlib.sha256(serialize_ntriples(triples)).hexdigest()[:12]
        # the data release (data/RELEASES.csv) beside the hash of the graph actually loaded
        return cls(make_store(triples), f"{current_release().version}+{digest}", overlays=report)

    # ------------------------------------------------------------ queries
    def query_file(self, name_or_path: str | Path) -> QueryFile:
        if isinstance(name_or_path, Path) or str(name_or_path).endswith((".rq", ".sparql")):
            return parse_query_file(Path(name_or_path))
        if name_or_path not in self.queries:
            from talentkg.errors import ParameterError
            raise ParameterError("query", f"unknown query {name_or_path!r}; `talentkg queries` lists them")
        return self.queries[name_or_path]

    def rows(self, name_or_path: str | Path, **params) -> list[dict]:
        """Run a library query (or an analyst's own .rq file) with typed parameters; plain rows.

        With overlays loaded, each row has an ``origin`` (the overlays of the facts it names)."""
        from talentkg.origins import annotate_rows

        res = self._run(name_or_path, params)
        return annotate_rows(rows_to_dicts(res), [v.value for v in res.variables], self.origins)[0]

    def query(self, name_or_path: str | Path, **params):
        """Like :meth:`rows`, as a pandas DataFrame (columns in the query's SELECT order)."""
        import pandas as pd

        from talentkg.origins import annotate_rows

        result = self._run(name_or_path, params)
        rows, cols = annotate_rows(rows_to_dicts(result), [v.value for v in result.variables], self.origins)
        return pd.DataFrame(rows, columns=cols)

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

        return run_query(self.store, text, timeout=self.timeout if timeout is None else timeout,
                         memory_mb=self.memory_mb, allow_service=self.allow_service, where=where)

    def sparql(self, text: str, timeout: float | None = None):
        """Raw read-only SPARQL over the store: SELECT → DataFrame; ASK → bool;
        CONSTRUCT / DESCRIBE → DataFrame with columns subject, predicate, object (plain values).
        An UPDATE or a SERVICE clause is refused; the query stops at ``timeout`` s."""
        import pandas as pd

        result = self.run_text(text, timeout=timeout, where="sparql")
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, list):
            from talentkg.terms import plain

            return pd.DataFrame([{"subject": plain(t.subject), "predicate": plain(t.predicate), "object": plain(t.object)}
                                 for t in result], columns=["subject", "predicate", "object"])
        cols = [v.value for v in result.variables]
        return pd.DataFrame(rows_to_dicts(result), columns=cols)

    # ------------------------------------------------------------ assessment
    def assess(self, profile):
        """Assess one profile (dict → dict) or many (list → list), in one pass over the store.

        Safe to call from several threads on one KnowledgeGraph: each call works in its own store.
        Numbers may be int, Decimal or str (exact); a float is taken by its repr (``0.1`` → 0.1),
        so a float that already lost digits (62693.99999999999999 is the float 62694.0) cannot be
        told apart — pass such figures as Decimal or str (the CLI reads JSON numbers as Decimal)."""
        from talentkg.assess import assess_profiles

        from talentkg.candidates import add_candidates  # undetermined salary routes: candidate figures (issue 16)
        from talentkg.origins import annotate_result

        profiles = profile if isinstance(profile, list) else [profile]
        results = [annotate_result(add_candidates(self, p, r), self.origins) for p, r in zip(profiles, assess_profiles(self, profiles))]
        return results if isinstance(profile, list) else results[0]

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
    def to_networkx(self, classes: list[str] | None = None, include_literals: bool = False):
        from talentkg.exports import to_networkx

        return to_networkx(self.store, classes=classes, include_literals=include_literals)
