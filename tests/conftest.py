from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Tests answer from the packaged data, whatever ./build holds in a developer's tree (the tests of
# the graph precedence set TALENTKG_GRAPH themselves).
os.environ.setdefault("TALENTKG_GRAPH", "packaged")
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def kg():
    from talentkg import KnowledgeGraph

    return KnowledgeGraph.load()


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One validated build, shared by the tests that read its files."""
    from talentkg.graph.build import build

    out = tmp_path_factory.mktemp("build")
    res = build(out)
    return out, res


@pytest.fixture(scope="session")
def hz_overlay(tmp_path_factory):
    """A folder with the Hangzhou 2025 overlay standard and its two thresholds (tests/overlay_tables.py)."""
    from tests.overlay_tables import HZ, HZ_A, HZ_B, write

    d = tmp_path_factory.mktemp("overlay")
    write(d, "salary_standards", [HZ])
    write(d, "salary_thresholds", [HZ_A, HZ_B])
    return d


@pytest.fixture(scope="session")
def kg_hz(hz_overlay):
    """The packaged graph with the Hangzhou overlay loaded on top."""
    from talentkg import KnowledgeGraph

    return KnowledgeGraph.load(data=hz_overlay)


def stop_process(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Stop a server a test started, by its process: SIGTERM, then SIGKILL if it has not gone in ``timeout`` s."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_cli(
    *args: str, input: str | None = None, cwd: Path | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("talentkg")
    return subprocess.run(
        [str(exe), *args],
        input=input,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=timeout,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
