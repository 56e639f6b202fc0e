"""The `talentkg serve` proxy streams answers and lets go of the upstream when the client leaves (issue 12).

A fake upstream on 127.0.0.1 (a free port) stands in for Oxigraph where we need to watch the
upstream side: one that never ends its answer (a buffering proxy would never reply), one with a
Content-Length. The end-to-end case runs the real `talentkg serve` with its Oxigraph child."""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest

from talentkg.server import bind_public, make_proxy
from tests.conftest import stop_process

CHUNK = b"x" * 65536
BODY = b"s\r\nhttp://example.org/a\r\n"


class FakeUpstream:
    """An HTTP server on 127.0.0.1:0 answering one request per connection, as told."""

    def __init__(self, mode: str):
        self.mode = mode
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.sent = 0
        self.broken = threading.Event()
        self.requests: list[bytes] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(30)
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(4096)
            self.requests.append(data)
            try:
                if self.mode == "endless":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n")
                    deadline = time.monotonic() + 30
                    while time.monotonic() < deadline:
                        conn.sendall(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
                        self.sent += len(CHUNK)
                else:
                    body = BODY
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
                    )
            except OSError:
                self.broken.set()  # the proxy closed our connection

    def close(self):
        self.sock.close()


@pytest.fixture()
def proxy():
    made = []

    def start(upstream: FakeUpstream):
        listen = bind_public(0)
        srv = make_proxy(listen, ("127.0.0.1", upstream.port), allow_service=False, timeout_s=5)
        t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        t.start()
        made.append((srv, upstream))
        return listen.getsockname()[1]

    yield start
    for srv, upstream in made:
        srv.shutdown()
        srv.server_close()
        upstream.close()


def _get(port: int, query: str = "SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D") -> socket.socket:
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    c.sendall(f"GET /query?query={query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return c


def _response(c: socket.socket) -> tuple[str, bytes]:
    """Head and body of a response with a Content-Length."""
    got = b""
    while b"\r\n\r\n" not in got:
        data = c.recv(65536)
        assert data, got
        got += data
    head, body = got.split(b"\r\n\r\n", 1)
    m = re.search(rb"(?im)^content-length: (\d+)\r?$", head)
    assert m, head
    while len(body) < int(m.group(1)):
        data = c.recv(65536)
        assert data, body
        body += data
    return head.decode(), body


def test_answer_streams_before_upstream_ends_and_client_leaving_releases_upstream(proxy):
    up = FakeUpstream("endless")
    port = proxy(up)
    c = _get(port)
    got = b""
    while len(got) < 300_000:  # the upstream never finishes: only a streaming proxy gets here
        data = c.recv(65536)
        assert data, got[:200]
        got += data
    head = got.split(b"\r\n\r\n", 1)[0].decode()
    assert head.startswith("HTTP/1.1 200") and re.search(r"(?im)^transfer-encoding: chunked$", head), head
    assert b"xxxx" in got
    c.close()  # the client leaves mid-answer
    assert up.broken.wait(15), f"upstream still being read after the client left ({up.sent} bytes sent)"
    sent = up.sent
    time.sleep(0.5)
    assert up.sent == sent  # nothing more is pulled from the upstream


def test_answer_with_length_passes_unchanged(proxy):
    up = FakeUpstream("length")
    port = proxy(up)
    c = _get(port)
    head, body = _response(c)
    c.close()
    assert re.search(rf"(?im)^content-length: {len(BODY)}\r?$", head), head
    assert body == BODY
    assert "transfer-encoding" not in head.lower()
    assert up.requests and up.requests[0].startswith(b"GET /query?query=SELECT")


def test_refused_service_never_reaches_upstream(proxy):
    up = FakeUpstream("length")
    port = proxy(up)
    c = _get(port, "SELECT%20*%20%7B%20SERVICE%20%3Chttp%3A%2F%2F127.0.0.1%3A9%2F%3E%20%7B%3Fs%20%3Fp%20%3Fo%7D%7D")
    head, body = _response(c)
    c.close()
    assert head.startswith("HTTP/1.1 403") and b"SERVICE" in body
    time.sleep(0.3)
    assert up.requests == []


def test_real_serve_streams_a_large_result_intact(tmp_path):
    """Every triple of the graph through `talentkg serve` (proxy + Oxigraph): same count as the store."""
    import csv
    import io
    import subprocess
    import sys
    import urllib.parse
    import urllib.request
    from pathlib import Path

    from talentkg.errors import TalentKGError
    from talentkg.server import oxigraph_binary

    try:
        oxigraph_binary()
    except TalentKGError:
        pytest.skip("the Oxigraph server is the 'server' extra (make install); not installed here")
    exe = str(Path(sys.executable).with_name("talentkg"))
    proc = subprocess.Popen(
        [exe, "serve", "--port", "0", "--timeout", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        line = proc.stdout.readline()
        m = re.search(r"127\.0\.0\.1:(\d+)/query", line)
        assert m, (line, proc.stderr.read() if proc.poll() is not None else "")
        base = f"http://127.0.0.1:{m.group(1)}/query?"

        def ask(q, accept):
            req = urllib.request.Request(base + urllib.parse.urlencode({"query": q}), headers={"Accept": accept})
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.read().decode("utf-8")

        n = int(ask("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "text/csv").splitlines()[1])
        rows = list(csv.reader(io.StringIO(ask("SELECT ?s ?p ?o { ?s ?p ?o }", "text/csv"))))
        assert n > 10_000 and len(rows) == n + 1 and rows[0] == ["s", "p", "o"]
    finally:
        stop_process(proc, timeout=15)
