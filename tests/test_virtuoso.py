"""Portable SPARQL: every library query gives the same rows, as RDF terms, on Virtuoso 7 and the embedded store.

A throw-away Virtuoso (Debian `virtuoso-opensource`, `make sysdeps`) is started here on 127.0.0.1 with a
generated virtuoso.ini (free ports, its database in tmp_path), the graph is loaded with `talentkg push`
through the Graph Store Protocol, every library query runs with its required and with all its example
parameters, and the server is stopped by its process id.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from talentkg.querylib import library
from tests.conftest import run_cli, stop_process

pytestmark = pytest.mark.slow
GRAPH = "https://w3id.org/talentkg/id/graph/policy"
XSD = "http://www.w3.org/2001/XMLSchema#"

# E1's queries (issue 10 is rewriting them): what Virtuoso 7.2 does with them today.
KNOWN = {
    "salary_threshold": "Virtuoso TR…: transitive start not given (a parentJurisdiction* path from ?city inside an OPTIONAL that filters on ?date)",
    "documents_in_force": "Virtuoso SP031: sparp_find_origin_of_external_var(): bad e_external_src_idx (the salary-standard block inside FILTER NOT EXISTS)",
    "document_exemptions": "equal with all the example parameters; without the optional ones Virtuoso drops the exempt row "
    "(gzfs-degree): it evaluates `false && !BOUND(?same_position)` on a parameter that no pattern or VALUES mentions as an "
    "external parameter, and a BIND that errs drops its row (binding left-out parameters as UNDEF fixes it here but "
    "empties recognition)",
}

HOLDS_THE_SERVER: set[str] = set()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
MaxClientConnections = 8
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 1
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 4
ServerThreads = 4
Charset = UTF-8
[Client]
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 60
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    exe, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    if not exe or not isql:
        pytest.skip("Virtuoso is not installed (make sysdeps installs the Debian package virtuoso-opensource)")
    d = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    (d / "virtuoso.ini").write_text(INI.format(d=d, sql=sql, http=http), encoding="utf-8")
    proc = subprocess.Popen(
        [exe, "-f", "-c", str(d / "virtuoso.ini")], cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{http}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (
                        (d / "virtuoso.log").read_text(errors="replace")[-2000:]
                        if (d / "virtuoso.log").exists()
                        else ""
                    )
                    pytest.fail(f"Virtuoso did not start: {log}")
                time.sleep(0.5)
        # the Graph Store Protocol endpoint /sparql-graph-crud writes as the SPARQL user: allow it, on this throw-away database only
        subprocess.run(
            [isql, f"127.0.0.1:{sql}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
            check=True,
            timeout=60,
            capture_output=True,
        )
        yield base
    finally:
        stop_process(proc, timeout=30)


@pytest.fixture(scope="module")
def loaded(virtuoso, kg):
    r = run_cli("push", "--endpoint", virtuoso + "/sparql-graph-crud", "--graph", GRAPH)
    assert r.returncode == 0, r.stderr
    return virtuoso


def _select(base: str, text: str) -> dict:
    data = urllib.parse.urlencode({"query": text, "default-graph-uri": GRAPH}).encode()
    req = urllib.request.Request(base + "/sparql", data=data, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as e:
        raise AssertionError(e.read().decode("utf-8", "replace")[:300]) from None


def _term(b: dict | None):
    """A SPARQL JSON binding as an RDF term. Virtuoso writes xsd:boolean values as 1/0 (valid lexical
    forms of the same values): compared as true/false."""
    if b is None:
        return None
    if b["type"] == "uri":
        return ox.NamedNode(b["value"])
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    dt = b.get("datatype")
    if dt == XSD + "boolean":
        return ox.Literal({"1": "true", "0": "false"}.get(b["value"], b["value"]), datatype=ox.NamedNode(dt))
    return ox.Literal(b["value"], datatype=ox.NamedNode(dt)) if dt else ox.Literal(b["value"])


def _canon(t) -> str:
    """GROUP_CONCAT's order is unspecified in SPARQL: a ;-joined list compares as a set."""
    if isinstance(t, ox.Literal) and ";" in t.value and t.datatype == ox.NamedNode(XSD + "string"):
        return str(ox.Literal(";".join(sorted(t.value.split(";")))))
    return "UNBOUND" if t is None else str(t)


def _cases(q):
    params = {p.name: p.example for p in q.params}
    required = {k: v for k, v in params.items() if any(p.name == k and p.required for p in q.params)}
    return [required] if required == params else [required, params]


def _params():
    out = []
    for name in library():
        # a query that holds the server past its time limit is not sent at all: it would fail every later test
        run = name not in HOLDS_THE_SERVER
        marks = [pytest.mark.xfail(reason=KNOWN[name], strict=False, run=run)] if name in KNOWN else []
        out.append(pytest.param(name, marks=marks, id=name))
    return out


def test_push_loads_the_whole_graph(loaded, kg):
    res = _select(loaded, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    n = int(res["results"]["bindings"][0]["n"]["value"])
    assert n == len(list(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    # a second push replaces the graph (no duplicates)
    r = run_cli("push", "--endpoint", loaded + "/sparql-graph-crud", "--graph", GRAPH)
    assert r.returncode == 0, r.stderr
    res = _select(loaded, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    assert int(res["results"]["bindings"][0]["n"]["value"]) == n


@pytest.mark.parametrize("name", _params())
def test_same_rows_as_rdf_terms(loaded, kg, name):
    q = library()[name]
    for given in _cases(q):
        text = kg.bound_text(name, given)
        res = kg.store.query(text)
        cols = [v.value for v in res.variables]
        local = sorted(tuple(_canon(s[c]) for c in cols) for s in res)
        data = _select(loaded, text)
        assert data["head"]["vars"] == cols
        remote = sorted(tuple(_canon(_term(b.get(c))) for c in cols) for b in data["results"]["bindings"])
        assert remote == local, (
            name,
            given,
            sorted(set(local) - set(remote))[:2],
            sorted(set(remote) - set(local))[:2],
        )


def _plain_canon(rows):
    def canon(v):
        return ";".join(sorted(v.split(";"))) if isinstance(v, str) and ";" in v else v

    return sorted(
        json.dumps({k: canon(v) for k, v in r.items()}, sort_keys=True, ensure_ascii=False, default=str) for r in rows
    )


@pytest.mark.parametrize("name", _params())
def test_cli_query_endpoint(loaded, kg, name):
    """`talentkg query NAME --endpoint URL --default-graph IRI` gives the embedded store's rows."""
    from talentkg.cli import main

    for given in _cases(library()[name])[-1:]:  # with all the example parameters (the term test runs both)
        args = ["query", name, "--format", "json", "--endpoint", loaded + "/sparql", "--default-graph", GRAPH]
        for k, v in given.items():
            args += ["-p", f"{k}={v}"]
        r = CliRunner().invoke(main, args, catch_exceptions=False)
        assert r.exit_code == 0, r.output
        assert _plain_canon(json.loads(r.output)) == _plain_canon(kg.rows(name, **given)), (name, given)


def test_default_graph_is_the_union_without_the_parameter(loaded):
    """Why --default-graph exists: without it Virtuoso's default graph is the union of all its graphs."""
    data = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).encode()
    req = urllib.request.Request(loaded + "/sparql", data=data, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        union = int(json.loads(resp.read())["results"]["bindings"][0]["n"]["value"])
    ours = int(_select(loaded, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")["results"]["bindings"][0]["n"]["value"])
    assert union > ours > 35000
