"""``talentkg serve``: the Oxigraph server (PyPI ``oxigraph``) on 127.0.0.1 with the built graph.

The graph is written to a persistent Oxigraph store in a temporary folder (or ``location``), then
``oxigraph serve-read-only`` (or ``serve`` with ``--writable``) serves it on a private port, with
its own query time limit (``--timeout-s``). In front of it, on the port the user asked for, a
small proxy of ours refuses any request whose query or update has a SERVICE clause (federation:
Oxigraph would send HTTP requests to any address) unless ``--allow-service``. The proxy owns the
public socket, so the endpoint that answers is ours; start-up checks that the Oxigraph child
serves our store (its triple count). The child dies with us (its own process group and a
parent-death signal), and the temporary store is removed even after a SIGKILL (a janitor).
Ctrl-C stops it cleanly. It also serves Oxigraph's query web page at http://127.0.0.1:PORT/ .
"""

from __future__ import annotations

import http.client
import http.server
import json
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from talentkg.errors import ParameterError, TalentKGError

DEFAULT_TIMEOUT_S = 30


def oxigraph_binary() -> str:
    import sys

    exe = Path(sys.executable).with_name("oxigraph")
    if exe.exists():
        return str(exe)
    found = shutil.which("oxigraph")
    if not found:
        raise TalentKGError(
            "the Oxigraph server is not installed; pip install 'talentkg[server]' (PyPI package oxigraph)"
        )
    return found


def check_port(port) -> int:
    """1–65535, or 0 for a free port chosen by the system."""
    try:
        p = int(port)
    except (TypeError, ValueError):
        raise ParameterError("--port", f"{port!r} is not a port number; give 1–65535, or 0 for a free port") from None
    if not 0 <= p <= 65535:
        raise ParameterError("--port", f"{p} is not a port number; give 1–65535, or 0 for a free port")
    return p


def write_store(store: ox.Store, location: Path) -> None:
    disk = ox.Store(str(location))
    disk.bulk_extend(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    disk.flush()
    del disk


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    import ctypes
    import os

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    os.setpgrp()  # its own process group: a terminal's Ctrl-C reaches us, and we stop it


def _free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def launch(
    location: Path,
    port: int,
    writable: bool = False,
    host: str = "127.0.0.1",
    timeout_s: int | None = DEFAULT_TIMEOUT_S,
) -> subprocess.Popen:
    cmd = [
        oxigraph_binary(),
        "serve" if writable else "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"{host}:{port}",
    ]
    if timeout_s:
        cmd += ["--timeout-s", str(int(timeout_s))]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent)


def _count(host: str, port: int) -> int:
    q = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    req = urllib.request.Request(
        f"http://{host}:{port}/query?{q}", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(req, timeout=5) as r:
        return int(json.loads(r.read())["results"]["bindings"][0]["n"]["value"])


def wait_ready(
    proc: subprocess.Popen, port: int, host: str = "127.0.0.1", expect: int | None = None
) -> subprocess.Popen:
    """Wait until the child answers; with ``expect``, check it serves that many triples (ours)."""
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            err = (proc.stderr.read() if proc.stderr else b"").decode(errors="replace").strip().splitlines()
            last = err[-1] if err else f"exit code {proc.returncode}"
            raise TalentKGError(f"the Oxigraph server stopped at start-up on {host}:{port}: {last[:300]}")
        try:
            n = _count(host, port)
        except (OSError, ValueError, KeyError, IndexError):
            time.sleep(0.1)
            continue
        if expect is not None and n != expect:
            raise TalentKGError(
                f"another server answers on {host}:{port} (it has {n} triples, ours {expect}); choose another --port"
            )
        return proc
    proc.kill()
    raise TalentKGError(f"the Oxigraph server did not answer on {host}:{port} within 30 s")


def start(location: Path, port: int, **options: Any) -> subprocess.Popen:
    """:func:`launch` (the same options: writable, host, timeout_s), then wait until it answers."""
    proc = launch(location, port, **options)
    try:
        return wait_ready(proc, port, options.get("host", "127.0.0.1"))
    except BaseException:
        stop(proc)
        raise


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- the SERVICE-refusing proxy

HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "host",
}


def sparql_texts(method: str, path: str, headers, body: bytes) -> list[str]:
    """Every query / update text a SPARQL protocol request carries (URL, form or direct body)."""
    texts = []
    parsed = urllib.parse.urlsplit(path)
    for k, vs in urllib.parse.parse_qs(parsed.query, keep_blank_values=True).items():
        if k in ("query", "update"):
            texts += vs
    ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if body:
        if ctype == "application/x-www-form-urlencoded":
            for k, vs in urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                if k in ("query", "update"):
                    texts += vs
        elif ctype in ("application/sparql-query", "application/sparql-update") or parsed.path.rstrip("/").endswith(
            ("/query", "/update")
        ):
            texts.append(body.decode("utf-8", "replace"))
    return texts


def make_proxy(listen: socket.socket, upstream: tuple[str, int], allow_service: bool, timeout_s: float):
    from talentkg.sparqltext import shape

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def _refuse(self, code: int, msg: str):
            data = (msg + "\n").encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _forward(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            if not allow_service:
                for text in sparql_texts(self.command, self.path, self.headers, body):
                    if shape(text).service:
                        return self._refuse(
                            403,
                            "SERVICE (federation) is off on this endpoint: it would make the server send "
                            "requests to other addresses; restart with talentkg serve --allow-service if you mean it",
                        )
            conn = http.client.HTTPConnection(*upstream, timeout=timeout_s + 10)
            try:
                hdrs = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
                conn.request(self.command, self.path, body=body or None, headers=hdrs)
                resp = conn.getresponse()
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                return self._refuse(
                    504 if isinstance(e, TimeoutError) else 502, f"the Oxigraph server did not answer: {e}"
                )
            try:
                self._stream(resp)
            finally:
                conn.close()  # a client that left also closes the upstream connection: Oxigraph stops writing

        def _stream(self, resp) -> None:
            """Pass the answer on as it comes (64 KiB at a time), never holding a whole result.

            The upstream length is kept when Oxigraph gives one; a streamed result (no length) is sent
            chunked. When the client goes away mid-answer, the write fails and the upstream connection
            is closed, so Oxigraph's next write fails and its evaluation ends. A query that computes
            for long before its first row (ORDER BY over a huge join) is bounded by Oxigraph's own
            time limit (``--timeout-s``, set from ``talentkg serve --timeout``)."""
            self.send_response(resp.status, resp.reason)
            for k, v in resp.getheaders():
                if k.lower() not in HOP:
                    self.send_header(k, v)
            length = resp.getheader("Content-Length")
            bodyless = self.command == "HEAD" or resp.status in (204, 304) or 100 <= resp.status < 200
            chunked = length is None and not bodyless
            if length is not None:
                self.send_header("Content-Length", length)
            elif chunked:
                self.send_header("Transfer-Encoding", "chunked")
            elif self.command == "HEAD":
                self.send_header("Content-Length", "0")
            self.end_headers()
            if bodyless:
                return
            try:
                while True:
                    try:
                        data = resp.read1(1 << 16)
                    except (OSError, http.client.HTTPException):
                        self.close_connection = True  # upstream failed mid-answer: the client sees a cut stream
                        return
                    if not data:
                        break
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
                    self.wfile.flush()
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client left

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _forward

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def server_bind(self):  # the socket is already bound (honest start-up: we own the port)
            self.server_address = self.socket.getsockname()

    srv = Server(listen.getsockname(), Handler, bind_and_activate=False)
    srv.socket.close()
    srv.socket = listen
    srv.server_bind()
    return srv


def bind_public(port: int, host: str = "127.0.0.1") -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((host, port))
        s.listen(64)
    except PermissionError:
        s.close()
        raise ParameterError(
            "--port",
            f"{port} needs administrator rights on this machine; choose a port above 1023, or 0 for a free one",
        ) from None
    except OSError as e:
        s.close()
        raise ParameterError(
            "--port",
            f"{host}:{port} is in use by another program ({e.strerror}); choose another --port, or 0 for a free one",
        ) from None
    return s


def serve(
    store: ox.Store,
    port: int = 7878,
    writable: bool = False,
    location: Path | None = None,
    allow_service: bool = False,
    timeout_s: int = DEFAULT_TIMEOUT_S,
) -> None:
    from talentkg.files import _Janitor

    port = check_port(port)
    if not timeout_s or timeout_s < 1:
        raise ParameterError("--timeout", f"{timeout_s} is not a positive number of seconds")
    listen = bind_public(port)  # first: a busy port is an error before any work
    public_port = listen.getsockname()[1]
    tmp = None
    janitor = _Janitor()
    if location is None:
        tmp = Path(tempfile.mkdtemp(prefix="talentkg-store-"))
        janitor.register(tmp, always=True)
        location = tmp
    # Ctrl-C (and SIGTERM) stop the server cleanly, even when started from a shell that ignores SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    proc = srv = None
    try:
        write_store(store, location)
        expected = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        private = _free_port()
        proc = launch(location, private, writable, timeout_s=timeout_s)
        wait_ready(proc, private, expect=expected)
        srv = make_proxy(listen, ("127.0.0.1", private), allow_service, timeout_s)
        t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        t.start()
        if _count("127.0.0.1", public_port) != expected:  # through our own front door
            raise TalentKGError(f"127.0.0.1:{public_port} does not serve this graph; choose another --port")
        mode = "read-write" if writable else "read-only"
        fed = "SERVICE allowed" if allow_service else "SERVICE off"
        print(
            f"talentkg: SPARQL endpoint http://127.0.0.1:{public_port}/query ({mode}, {fed}, query time limit {timeout_s} s); "
            f"query page http://127.0.0.1:{public_port}/ — Ctrl-C stops",
            flush=True,
        )
        while proc.poll() is None:
            time.sleep(0.5)
        raise TalentKGError(f"the Oxigraph server stopped unexpectedly (exit code {proc.returncode})")
    except KeyboardInterrupt:
        pass
    finally:
        if srv is not None:
            srv.shutdown()
            srv.server_close()
        else:
            listen.close()
        if proc is not None:
            stop(proc)
            print("talentkg: server stopped", flush=True)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        janitor.close()
