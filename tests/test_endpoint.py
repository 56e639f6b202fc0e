"""A real Oxigraph server on 127.0.0.1: remote queries, push, faults. Servers are started and stopped here."""

from __future__ import annotations

import http.server
import json
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest

from talentkg.querylib import library
from talentkg.remote import RemoteError, push, remote_rows
from talentkg.server import start, stop, write_store
from tests.conftest import run_cli

pytestmark = pytest.mark.slow
GRAPH = "https://w3id.org/talentkg/id/graph/policy"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def readonly_server(kg, tmp_path_factory):
    loc = tmp_path_factory.mktemp("store")
    write_store(kg.store, loc)
    port = free_port()
    proc = start(loc, port)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


@pytest.fixture()
def writable_server(tmp_path):
    port = free_port()
    proc = start(tmp_path / "store", port, writable=True)
    yield f"http://127.0.0.1:{port}", proc, tmp_path / "store", port
    stop(proc)


def _norm(rows):
    """GROUP_CONCAT's order is unspecified in SPARQL: compare ;-joined lists as sets."""

    def canon(v):
        return ";".join(sorted(v.split(";"))) if isinstance(v, str) and ";" in v else v

    return sorted(
        json.dumps({k: canon(v) for k, v in r.items()}, sort_keys=True, ensure_ascii=False, default=str) for r in rows
    )


def test_every_library_query_same_rows_remote(kg, readonly_server):
    checked = 0
    for name, q in library().items():
        params = {p.name: p.example for p in q.params}
        for given in ({k: v for k, v in params.items() if any(p.name == k and p.required for p in q.params)}, params):
            text = kg.bound_text(name, given)
            _, remote = remote_rows(readonly_server + "/query", text, timeout=30)
            assert _norm(remote) == _norm(kg.rows(name, **given)), (name, given)
            checked += 1
    assert checked >= 2 * len(library())


def test_cli_query_endpoint(readonly_server):
    r = run_cli(
        "query",
        "salary_threshold",
        "-p",
        "city=Beijing",
        "-p",
        "date=2026-05-01",
        "--format",
        "json",
        "--endpoint",
        readonly_server + "/query",
    )
    assert r.returncode == 0, r.stderr
    assert {x["monthly_threshold"] for x in json.loads(r.stdout)} == {71622, 47748}


def _count(base, graph=GRAPH):
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    with urllib.request.urlopen(base + "/query?" + urllib.parse.urlencode({"query": q}), timeout=30) as r:
        data = json.loads(r.read())
    return int(data["results"]["bindings"][0]["n"]["value"])


def test_push_twice_replaces(kg, writable_server):
    base, _, _, _ = writable_server
    n1 = push(kg.store, base + "/store", GRAPH)
    assert _count(base) == n1
    n2 = push(kg.store, base + "/store", GRAPH)
    assert n2 == n1 and _count(base) == n1  # replaced, not duplicated


def test_cli_push(kg, writable_server, tmp_path):
    base, _, _, _ = writable_server
    r = run_cli("push", "--endpoint", base + "/store", "--graph", GRAPH)
    assert r.returncode == 0, r.stderr
    assert _count(base) > 35000


def test_interrupted_push_keeps_previous_graph(kg, writable_server):
    """A client that dies half-way through the upload: the server keeps the graph it had."""
    base, _, _, port = writable_server
    n1 = push(kg.store, base + "/store", GRAPH)
    body = b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n" * 50000
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        path = "/store?graph=" + urllib.parse.quote(GRAPH, safe="")
        s.sendall(
            f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/n-triples\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        s.sendall(body[: len(body) // 2])
    time.sleep(1)
    assert _count(base) == n1


def test_server_killed_mid_push_keeps_previous_graph(kg, writable_server):
    """The server process is killed while a PUT is under way; restarted, it has the previous graph."""
    base, proc, loc, port = writable_server
    n1 = push(kg.store, base + "/store", GRAPH)
    body = b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n" * 200000
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    path = "/store?graph=" + urllib.parse.quote(GRAPH, safe="")
    s.sendall(
        f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/n-triples\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    )
    s.sendall(body[: len(body) // 3])
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    s.close()
    proc2 = start(loc, port, writable=False)
    try:
        assert _count(base) == n1
    finally:
        stop(proc2)


# ---------------------------------------------------------------- faults
@contextmanager
def fake_server(handler_body):
    port = free_port()

    class H(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            handler_body(self)

        do_GET = do_PUT = do_POST  # noqa: N815

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", port), H)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.shutdown()
        srv.server_close()


def test_connection_refused():
    with pytest.raises(RemoteError, match="cannot connect"):
        remote_rows(f"http://127.0.0.1:{free_port()}/query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", timeout=5)
    r = run_cli("query", "pilot_fields", "--endpoint", f"http://127.0.0.1:{free_port()}/query")
    assert r.returncode == 3 and "cannot connect" in r.stderr


def test_timeout():
    port = free_port()
    lst = socket.socket()
    lst.bind(("127.0.0.1", port))
    lst.listen(1)
    try:
        t0 = time.time()
        with pytest.raises(RemoteError, match=r"no answer|cannot connect"):
            remote_rows(f"http://127.0.0.1:{port}/query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", timeout=2)
        assert time.time() - t0 < 20
    finally:
        lst.close()


def test_http_4xx_and_5xx():
    def bad_request(h):
        h.send_response(400)
        h.end_headers()
        h.wfile.write(b"bad query")

    def server_error(h):
        h.send_response(503)
        h.end_headers()

    with fake_server(bad_request) as url:
        with pytest.raises(RemoteError):
            remote_rows(url + "/query", "SELECT * WHERE { ?s ?p ?o }", timeout=5)
    with fake_server(server_error) as url:
        with pytest.raises(RemoteError, match=r"503|rejected"):
            remote_rows(url + "/query", "SELECT * WHERE { ?s ?p ?o }", timeout=5)
        with pytest.raises(RemoteError, match="503"):
            push(__import__("pyoxigraph").Store(), url + "/store", GRAPH, timeout=5)


def test_malformed_response():
    def garbage(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/sparql-results+json")
        h.end_headers()
        h.wfile.write(b"{this is not json")

    with fake_server(garbage) as url:
        with pytest.raises(RemoteError, match="malformed"):
            remote_rows(url + "/query", "SELECT * WHERE { ?s ?p ?o }", timeout=5)


def test_cli_serve_and_ctrl_c(tmp_path):
    port = free_port()
    exe = __import__("sys").executable.replace("python", "talentkg")
    proc = subprocess.Popen(
        [exe, "serve", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                q = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/query?{q}", timeout=2) as r:
                    n = int(json.loads(r.read())["results"]["bindings"][0]["n"]["value"])
                if "SPARQL endpoint" in (proc.stdout.readline() or ""):
                    break
            except OSError:
                assert time.time() < deadline and proc.poll() is None, (
                    proc.stderr.read() if proc.poll() is not None else "timeout"
                )
                time.sleep(0.3)
        assert n > 35000
        # read-only: an update is refused
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/update",
            data=b"INSERT DATA { <a:b> <a:c> <a:d> }",
            headers={"Content-Type": "application/sparql-update"},
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(req, timeout=5)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "server stopped" in out
