"""``talentkg workbench``: the analysts' web app (Starlette + Jinja2, served by uvicorn on 127.0.0.1).

Pages (all GET, so every answer has a bookmarkable address; nothing is written):
  /                      the query library as a catalogue (title, question en/zh, parameters)
  /query/NAME            a form generated from the query's ``# param:`` header, and the results
  /query/NAME/sparql     the query with its parameters bound (= ``talentkg query NAME --show-sparql``)
  /query/NAME/csv|xlsx   downloads
  /resource?iri=…        one resource: its triples (out and in) with labels in both languages
  /assess                the assessment form and the explained answer (``&view=print`` for a client file)
  /sparql-editor         YASGUI with our prefixes preloaded, on /sparql
  /sparql                a read-only SPARQL 1.1 protocol endpoint (no UPDATE, no SERVICE, time-limited)
The language is ``?lang=en|zh`` (remembered in a cookie).
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from talentkg import profile_schema
from talentkg.errors import ParameterError, TalentKGError
from talentkg.namespaces import PREFIXES
from talentkg.querylib import QueryFile
from talentkg.terms import plain
from talentkg.web import store as wstore
from talentkg.web.explain import explain, fmt_number
from talentkg.web.i18n import LANGS, Translator
from talentkg.web.terms import Cell, cell, compact

HERE = Path(__file__).parent
TK = PREFIXES["tk"]
LABEL_PREDICATES = (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel", PREFIXES["dcterms"] + "title")

# Profile fields of the assessment form, in order; (name, widget). Widgets: text, jurisdiction, date,
# number, integer, choice:<source>, tristate, list:<source>. The fields and their order are
# talentkg/profile_schema.py's; validation is profile.py's, not ours.
PROFILE_FORM = profile_schema.form("profile")
TRANSFER_FORM = profile_schema.form("transfer")
FACTOR_FORM = profile_schema.form("factor")
ALL_FIELDS = PROFILE_FORM + TRANSFER_FORM + FACTOR_FORM


class Workbench:
    """What every request reads; built once, never changed by a request."""

    def __init__(self, kg, timeout: float | None = None):
        self.kg = kg
        # The CLI's query time limit (kg.timeout when the graph has one), unless the caller sets one.
        self.timeout = timeout or getattr(kg, "timeout", None) or wstore.QUERY_TIMEOUT_S
        self.queries: dict[str, QueryFile] = dict(kg.queries)
        st = kg.store
        kg.binder.jurisdictions()  # warm the binder's read-only caches before serving
        self.jurisdictions = wstore.jurisdictions(st)
        self.docs = wstore.document_info(st)
        self.points_minimums = wstore.points_minimums(st)
        self.choices = {
            "level": wstore.notation_choices(st, TK + "TitleLevel"),
            "sector": wstore.notation_choices(st, TK + "Sector"),
            "education": wstore.notation_choices(st, TK + "EducationLevel"),
            "awards": wstore.notation_choices(st, TK + "Award"),
            "category": [wstore.Choice(c, c, c) for c in ("A", "B", "C")],
            "scheme": [wstore.Choice("P", "P — 暂行版", "P — 暂行版"), wstore.Choice("T", "T — 试用版", "T — 试用版")],
            "application_type": [wstore.Choice(v, v, v) for v in ("new", "transfer", "renewal")],
        }
        from talentkg.profile import Vocabulary

        vocab = Vocabulary.from_store(st)
        tok = lambda f: [wstore.Choice(v, v, v) for v in sorted(vocab.factor_tokens.get(f, set()) | {"none"})]  # noqa: E731
        self.choices["work_region"] = tok("work_region")
        self.choices["extras"] = [wstore.Choice(v, v, v) for v in sorted(vocab.factor_tokens.get("extras", set()))]
        self.choices["factor_education"] = tok("education")
        self.prefix_block = wstore.PRE

    # -------------------------------------------------------------- queries
    def run_library(self, name: str, given: dict[str, str]):
        """(bound text, variables, rows of terms, truncated, ms) — the CLI's binding and execution."""
        text = self.kg.bound_text(name, given)
        t0 = time.perf_counter()
        variables, rows, truncated = wstore.run_limited(
            self.kg.store, text, lambda r: wstore.collect(r, self.timeout), where=name, timeout_s=self.timeout
        )
        return text, variables, rows, truncated, (time.perf_counter() - t0) * 1000

    def assess(self, profile: dict) -> dict:
        """One assessment; kg.assess works in a scratch store of its own (the shared store is never written)."""
        return wstore.run_with_deadline(lambda: self.kg.assess(profile))

    def thresholds(self, city: str, date: str) -> list[dict]:
        try:
            _, variables, rows, _, _ = self.run_library("salary_threshold", {"city": city, "date": date})
        except TalentKGError:
            return []
        return [{v: plain(t) for v, t in zip(variables, r)} for r in rows]

    def labels(self, iris: list[str]) -> dict[str, dict[str, str]]:
        """IRI → {"en": label, "zh": label} for the IRIs given (rdfs:label, skos:prefLabel, dcterms:title)."""
        if not iris:
            return {}
        out: dict[str, dict[str, str]] = {}
        preds = [ox.NamedNode(p) for p in LABEL_PREDICATES]
        for iri in iris:
            node = ox.NamedNode(iri)
            for p in preds:
                for q in self.kg.store.quads_for_pattern(node, p, None, ox.DefaultGraph()):
                    o = q.object
                    if isinstance(o, ox.Literal):
                        lang = (o.language or "en")[:2]
                        out.setdefault(iri, {}).setdefault(lang, o.value)
        return out


# ---------------------------------------------------------------- helpers


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or "en"
    return lang if lang in LANGS else "en"


def _url_with(request: Request, **changes) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, v) for k, v in changes.items() if v is not None]
    return request.url.path + ("?" + urlencode(params) if params else "")


def _params_from(request: Request, q: QueryFile) -> dict[str, str]:
    qp = request.query_params
    return {p.name: qp.get(p.name, "") for p in q.params if qp.get(p.name, "").strip() != ""}


def _csv_bytes(columns: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if v is None else v for v in (plain(t) for t in r)])
    return buf.getvalue().encode("utf-8")


def _xlsx_bytes(columns: list[str], rows: list[list]) -> bytes:
    from talentkg.xlsx import xlsx_bytes

    return xlsx_bytes(columns, [[plain(t) for t in r] for r in rows])


def _form_profile(request: Request) -> dict:
    """The profile from the form's fields (empty fields are left out, as in a JSON profile)."""
    qp = request.query_params
    profile: dict = {}
    factors: dict = {}
    for name, kind in ALL_FIELDS:
        value: list[str] | str | None
        if kind.startswith("list:"):
            vals = [v for v in qp.getlist(name) if v.strip()]
            value = vals if vals else None
        else:
            value = qp.get(name, "").strip() or None
        if value is None:
            continue
        if name.startswith("points_factors."):
            factors[name.split(".", 1)[1]] = value
        else:
            profile[name] = value
    if factors:
        profile["points_factors"] = factors
    return profile


def _field_of_error(e: ParameterError) -> str:
    """``awards[0]`` → ``awards``; ``points_factors.extras[1]`` → ``points_factors.extras``."""
    f = str(getattr(e, "field", "") or "")
    return f.split("[", 1)[0]


# ---------------------------------------------------------------- the app


def create_app(kg=None, graph: str | Path | None = None, timeout: float | None = None) -> Starlette:
    if kg is None:
        from talentkg.kg import KnowledgeGraph

        kg = KnowledgeGraph.load(graph)
    wb = Workbench(kg, timeout=timeout)
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = fmt_number
    env.globals["compact"] = compact

    def page(request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
        lang = _lang(request)
        t = Translator(lang)
        html = env.get_template(template).render(
            t=t,
            lang=lang,
            request=request,
            wb=wb,
            data_version=kg.data_version,
            switch_url=_url_with(request, lang=t.other),
            **ctx,
        )
        resp = HTMLResponse(html, status_code=status)
        if request.query_params.get("lang") in LANGS:
            resp.set_cookie("lang", lang, samesite="lax", httponly=True)
        return resp

    def index(request: Request):
        return page(request, "index.html", queries=list(wb.queries.values()))

    def _query(request: Request):
        name = request.path_params["name"]
        if name not in wb.queries:
            raise ParameterError("query", f"unknown query {name!r}; the catalogue at / lists them")
        return wb.queries[name]

    def query_page(request: Request):
        try:
            q = _query(request)
        except ParameterError as e:
            return page(request, "error.html", status=404, message=str(e))
        given = _params_from(request, q)
        ctx = {"q": q, "given": given, "errors": {}, "result": None}
        if request.query_params.get("run"):
            try:
                _text, variables, rows, truncated, ms = wb.run_library(q.name, given)
                cells: list[list[Cell]] = [[cell(t) for t in r] for r in rows]
                types = {}
                for i, v in enumerate(variables):
                    types[v] = next((c[i].datatype for c in cells if c[i].datatype), "")
                qs = urlencode(given)
                ctx["result"] = {
                    "variables": variables,
                    "rows": cells,
                    "truncated": truncated,
                    "ms": ms,
                    "types": types,
                    "csv": f"/query/{q.name}/csv?{qs}",
                    "xlsx": f"/query/{q.name}/xlsx?{qs}",
                    "sparql": f"/query/{q.name}/sparql?{qs}",
                    "max_rows": wstore.MAX_ROWS,
                }
            except ParameterError as e:
                ctx["errors"][e.field] = str(e).split(": ", 1)[-1]
            except TalentKGError as e:
                ctx["errors"]["_"] = str(e)
        example = {}
        for p in q.params:
            if p.example:
                example[p.name] = p.example
        ctx["example_url"] = f"/query/{q.name}?" + urlencode({**example, "run": "1"})
        return page(request, "query.html", status=400 if ctx["errors"] else 200, **ctx)

    def query_sparql(request: Request):
        try:
            q = _query(request)
            return PlainTextResponse(wb.kg.bound_text(q.name, _params_from(request, q)))
        except TalentKGError as e:
            return PlainTextResponse(f"error: {e}\n", status_code=400)

    def _download(kind: str):
        def handler(request: Request):
            try:
                q = _query(request)
                _, variables, rows, _, _ = wb.run_library(q.name, _params_from(request, q))
            except TalentKGError as e:
                return PlainTextResponse(f"error: {e}\n", status_code=400)
            if kind == "csv":
                body, media = _csv_bytes(variables, rows), "text/csv; charset=utf-8"
            else:
                body, media = (
                    _xlsx_bytes(variables, rows),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
            return Response(
                body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{q.name}.{kind}"'}
            )

        return handler

    def resource(request: Request):
        iri = request.query_params.get("iri", "").strip()
        if not iri.startswith(("http://", "https://", "urn:")):
            return page(
                request,
                "error.html",
                status=400,
                message="iri: give the full IRI of a resource, e.g. https://w3id.org/talentkg/id/document/std-2017",
            )
        node = ox.NamedNode(iri)
        st = kg.store
        out = sorted(
            ((q.predicate, q.object) for q in st.quads_for_pattern(node, None, None, ox.DefaultGraph())),
            key=lambda po: (str(po[0]), str(po[1])),
        )
        inc = sorted(
            ((q.subject, q.predicate) for q in st.quads_for_pattern(None, None, node, ox.DefaultGraph())),
            key=lambda sp: (str(sp[1]), str(sp[0])),
        )[:500]
        iris = {iri} | {p.value for p, _ in out} | {o.value for _, o in out if isinstance(o, ox.NamedNode)}
        iris |= {s.value for s, _ in inc if isinstance(s, ox.NamedNode)} | {p.value for _, p in inc}
        labels = wb.labels(sorted(iris))
        status = 200 if out or inc else 404
        return page(
            request,
            "resource.html",
            status=status,
            iri=iri,
            short=compact(iri),
            labels=labels,
            out=[(cell(p), cell(o)) for p, o in out],
            inc=[(cell(s), cell(p)) for s, p in inc],
        )

    def assess_page(request: Request):
        lang = _lang(request)
        t = Translator(lang)
        profile = _form_profile(request)
        ctx: dict = {
            "profile": profile,
            "errors": {},
            "e": None,
            "form": (PROFILE_FORM, TRANSFER_FORM, FACTOR_FORM),
            "qp": request.query_params,
            "print_view": request.query_params.get("view") == "print",
            "result_json": None,
        }
        if request.query_params.get("run"):
            try:
                result = wb.assess(profile)
                thresholds = wb.thresholds(str(profile.get("city")), str(profile.get("application_date")))
                ctx["e"] = explain(
                    result, t, docs=wb.docs, thresholds=thresholds, points_minimums=wb.points_minimums, profile=profile
                )
                ctx["print_url"] = _url_with(request, view="print")
                ctx["form_url"] = _url_with(request, view=None)
            except ParameterError as err:
                f = _field_of_error(err)
                if f not in profile and f"points_factors.{f}" in request.query_params:
                    f = f"points_factors.{f}"  # a fact given only among the points factors
                ctx["errors"][f] = str(err)
            except TalentKGError as err:
                ctx["errors"]["_"] = str(err)
        return page(request, "assess.html", status=400 if ctx["errors"] else 200, **ctx)

    def editor(request: Request):
        return page(
            request,
            "sparql.html",
            prefixes=wb.prefix_block,
            example=wb.prefix_block
            + "\nSELECT ?standard ?city ?amount ?valid_from WHERE {\n  ?standard a tk:SalaryStandard ;\n"
            "    tk:jurisdiction ?city ;\n    tk:monthlyAmount ?amount ;\n    tk:validFrom ?valid_from .\n} ORDER BY ?city ?valid_from\nLIMIT 100\n",
        )

    async def sparql_endpoint(request: Request):
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip()
            body = (await request.body()).decode("utf-8", errors="replace")
            if ctype == "application/sparql-query":
                text = body
            elif ctype == "application/sparql-update":
                return PlainTextResponse("updates are refused: the workbench is read-only\n", status_code=403)
            else:
                form = dict(parse_qsl(body, keep_blank_values=True))
                if "update" in form:
                    return PlainTextResponse("updates are refused: the workbench is read-only\n", status_code=403)
                text = form.get("query", "")
        else:
            if "update" in request.query_params:
                return PlainTextResponse("updates are refused: the workbench is read-only\n", status_code=403)
            text = request.query_params.get("query", "")
        if not text.strip():
            return PlainTextResponse("query: give a SPARQL query (query=…)\n", status_code=400)
        try:
            form_name = wstore.check_raw_query(text)
        except wstore.RawQueryRefused as e:
            status = 403 if ("refused" in str(e)) else 400
            return PlainTextResponse(f"{e}\n", status_code=status)
        accept = request.headers.get("accept", "")

        def consume(res):
            if form_name == "SelectQuery":
                # Check the deadline while rows stream, then serialise exactly the rows read.
                variables, rows, truncated = wstore.collect(res, wb.timeout)
                return ("select", variables, rows, truncated)
            if form_name == "AskQuery":
                return ("ask", bool(res))  # QueryBoolean
            fmt = ox.RdfFormat.TURTLE if "turtle" in accept else ox.RdfFormat.N_TRIPLES
            return ("graph", ox.serialize(list(res), format=fmt), fmt)

        from starlette.concurrency import run_in_threadpool

        def run():
            return wstore.run_limited(kg.store, text, consume, where="query", timeout_s=wb.timeout)

        try:
            out = await run_in_threadpool(run)
        except wstore.QueryTimeout as e:
            return PlainTextResponse(f"{e}\n", status_code=503)
        except ParameterError as e:  # querylib's limits and refusals
            limit = "limit" in str(e)
            return PlainTextResponse(f"{e}\n", status_code=503 if limit else 400)
        except (SyntaxError, ValueError, OSError) as e:
            return PlainTextResponse(f"query: {e}\n", status_code=400)
        if out[0] == "select":
            _, variables, rows, _truncated = out
            if "text/csv" in accept:
                return Response(_csv_bytes(variables, rows), media_type="text/csv; charset=utf-8")
            return Response(_select_json(variables, rows), media_type="application/sparql-results+json")
        if out[0] == "ask":
            import json

            return Response(json.dumps({"head": {}, "boolean": out[1]}), media_type="application/sparql-results+json")
        media = "text/turtle" if out[2] == ox.RdfFormat.TURTLE else "application/n-triples"
        return Response(out[1], media_type=media)

    async def handle_error(request: Request, exc: Exception):
        return page(request, "error.html", status=500, message=f"{type(exc).__name__}: {exc}")

    routes = [
        Route("/", index),
        Route("/query/{name}", query_page),
        Route("/query/{name}/sparql", query_sparql),
        Route("/query/{name}/csv", _download("csv")),
        Route("/query/{name}/xlsx", _download("xlsx")),
        Route("/resource", resource),
        Route("/assess", assess_page),
        Route("/sparql-editor", editor),
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route("/favicon.ico", lambda r: RedirectResponse("/static/favicon.svg")),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={500: handle_error})
    app.state.workbench = wb
    return app


def _select_json(variables: list[str], rows: list[list]) -> bytes:
    import json

    def term(t):
        if isinstance(t, ox.NamedNode):
            return {"type": "uri", "value": t.value}
        if isinstance(t, ox.BlankNode):
            return {"type": "bnode", "value": t.value}
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype and t.datatype.value != PREFIXES["xsd"] + "string":
            d["datatype"] = t.datatype.value
        return d

    bindings = [{v: term(x) for v, x in zip(variables, r) if x is not None} for r in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode(
        "utf-8"
    )


def serve(port: int = 8765, host: str = "127.0.0.1", graph: str | None = None) -> None:
    """Run the workbench with uvicorn until Ctrl-C."""
    import uvicorn

    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ParameterError("--host", f"{host!r}: the workbench serves this machine only; use 127.0.0.1")
    app = create_app(graph=graph)
    print(f"talentkg workbench: http://{host}:{port}/ (read-only) — Ctrl-C stops", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
