"""``talentkg serve``: the Oxigraph server (PyPI ``oxigraph``) on 127.0.0.1 with the built graph.

The graph is written to a persistent Oxigraph store in a temporary folder (or ``location``), then
``oxigraph serve-read-only`` (or ``serve`` with ``--writable``) serves it; it also serves a query
web page at http://127.0.0.1:PORT/ . Ctrl-C stops it cleanly.
"""
from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from talentkg.errors import TalentKGError


def oxigraph_binary() -> str:
    import sys

    exe = Path(sys.executable).with_name("oxigraph")
    if exe.exists():
        return str(exe)
    found = shutil.which("oxigraph")
    if not found:
        raise TalentKGError("the Oxigraph server is not installed; pip install 'talentkg[server]' (PyPI package oxigraph)")
    return found


def write_store(store: ox.Store, location: Path) -> None:
    disk = ox.Store(str(location))
    disk.bulk_extend(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    disk.flush()
    del disk


def launch(location: Path, port: int, writable: bool = False, host: str = "127.0.0.1") -> subprocess.Popen:
    cmd = [oxigraph_binary(), "serve" if writable else "serve-read-only", "--location", str(location), "--bind", f"{host}:{port}"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(proc: subprocess.Popen, port: int, host: str = "127.0.0.1") -> subprocess.Popen:
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise TalentKGError(f"the Oxigraph server stopped: {proc.stderr.read().decode(errors='replace')[-500:]}")
        try:
            urllib.request.urlopen(f"http://{host}:{port}/query?query=ASK%7B%7D", timeout=1).read()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise TalentKGError(f"the Oxigraph server did not answer on {host}:{port} within 30 s")


def start(location: Path, port: int, writable: bool = False, host: str = "127.0.0.1") -> subprocess.Popen:
    proc = launch(location, port, writable, host)
    try:
        return wait_ready(proc, port, host)
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


def serve(store: ox.Store, port: int = 7878, writable: bool = False, location: Path | None = None) -> None:
    tmp = None
    if location is None:
        tmp = Path(tempfile.mkdtemp(prefix="talentkg-store-"))
        location = tmp
    # Ctrl-C (and SIGTERM) stop the server cleanly, even when started from a shell that ignores SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    proc = None
    try:
        write_store(store, location)
        proc = launch(location, port, writable)
        wait_ready(proc, port)
        mode = "read-write" if writable else "read-only"
        print(f"talentkg: SPARQL endpoint http://127.0.0.1:{port}/query ({mode}); query page http://127.0.0.1:{port}/ — Ctrl-C stops", flush=True)
        proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if proc is not None:
            stop(proc)
            print("talentkg: server stopped", flush=True)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
