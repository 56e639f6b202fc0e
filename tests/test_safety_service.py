"""SERVICE federation is off: no request leaves the process (issue 12, deliverable 1).

A listener on 127.0.0.1 (a free port) records every connection; queries with SERVICE and
SERVICE SILENT pointing at it are refused by --file, kg.sparql and the served endpoint, and the
listener sees nothing."""

from __future__ import annotations

import socket
import threading

import pytest
from click.testing import CliRunner

from talentkg.cli import main
from talentkg.errors import ParameterError


@pytest.fixture()
def listener():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    s.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                c, _ = s.accept()
            except OSError:
                continue
            hits.append(c.recv(200))
            c.close()

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield s.getsockname()[1], hits
    stop.set()
    t.join(2)
    s.close()


def _queries(port):
    return [
        f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/a> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT <http://127.0.0.1:{port}/b> {{ ?s ?p ?o }} }}",
        f"ASK {{ service silent <http://127.0.0.1:{port}/c> {{ ?s ?p ?o }} }}",
    ]


def test_listener_works(listener):
    """The control: the listener does see a connection (else the tests below could not fail)."""
    port, hits = listener
    with socket.create_connection(("127.0.0.1", port), timeout=2) as c:
        c.sendall(b"ping")
    import time

    for _ in range(50):
        if hits:
            break
        time.sleep(0.05)
    assert hits == [b"ping"]


def test_kg_sparql_refuses_service(kg, listener):
    port, hits = listener
    for q in _queries(port):
        with pytest.raises(ParameterError, match="SERVICE clause"):
            kg.sparql(q)
    assert hits == []


def test_file_query_refuses_service(listener, tmp_path):
    port, hits = listener
    for i, q in enumerate(_queries(port)):
        f = tmp_path / f"q{i}.rq"
        f.write_text(q, encoding="utf-8")
        r = CliRunner().invoke(main, ["query", "--file", str(f)])
        assert r.exit_code == 2 and "SERVICE clause" in r.output, r.output
    assert hits == []


def test_allow_service_really_sends(kg, listener, monkeypatch):
    """The opt-in works (so the refusal is what keeps the listener quiet)."""
    port, hits = listener
    monkeypatch.setattr(kg, "allow_service", True)
    kg.sparql(f"SELECT * {{ SERVICE SILENT <http://127.0.0.1:{port}/opt-in> {{ ?s ?p ?o }} }}", timeout=20)
    assert any(b"/opt-in" in h for h in hits)


@pytest.mark.slow
def test_served_endpoint_refuses_service_and_child_dies_with_parent(listener):
    import re
    import signal
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.parse
    import urllib.request
    from pathlib import Path

    port, hits = listener
    exe = str(Path(sys.executable).with_name("talentkg"))
    proc = subprocess.Popen(
        [exe, "serve", "--port", "0", "--timeout", "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline()
        m = re.search(r"127\.0\.0\.1:(\d+)/query", line)
        assert m, (line, proc.stderr.read() if proc.poll() is not None else "")
        public = int(m.group(1))
        for q in _queries(port):
            url = f"http://127.0.0.1:{public}/query?" + urllib.parse.urlencode({"query": q})
            with pytest.raises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(url, timeout=10)
            assert e.value.code == 403 and b"SERVICE" in e.value.read()
            req = urllib.request.Request(
                f"http://127.0.0.1:{public}/query",
                data=q.encode(),
                method="POST",
                headers={"Content-Type": "application/sparql-query"},
            )
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(req, timeout=10)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{public}/query?" + urllib.parse.urlencode({"query": "ASK {}"}), timeout=10
        ) as r:
            assert b"true" in r.read()
        assert hits == []
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        oxi = [
            int(c) for c in children if "oxigraph" in Path(f"/proc/{c}/cmdline").read_bytes().decode(errors="replace")
        ]
        assert oxi
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.time() + 10
        while time.time() < deadline and any(
            Path(f"/proc/{c}").exists() and "Z" not in Path(f"/proc/{c}/stat").read_text().split()[2] for c in oxi
        ):
            time.sleep(0.1)
        assert not any(
            Path(f"/proc/{c}").exists() and "Z" not in Path(f"/proc/{c}/stat").read_text().split()[2] for c in oxi
        )
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
