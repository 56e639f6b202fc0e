"""The benchmark code keeps working (quick mode: 1k applicants, a few rdflib comparisons)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_bench_quick(tmp_path):
    out = tmp_path / "bench.md"
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--sizes",
            "1000",
            "--repeat",
            "1",
            "--rdflib-queries",
            "2",
            "--pipeline-n",
            "20",
            "--rdflib-limit",
            "20",
            "--rdflib-query-limit",
            "20",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    assert "| 1000 |" in text and "salary_threshold" in text and "Loaded graph memory" in text
