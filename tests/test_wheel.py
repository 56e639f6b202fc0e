"""A wheel built from the repo, installed in a fresh venv outside it, builds the graph and answers a query."""

from __future__ import annotations

import json
import subprocess
import sys
import venv

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_wheel_in_fresh_venv(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)], check=True, timeout=600
    )
    wheel = next(dist.glob("talentkg-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "talentkg/ontology/talentkg.ttl",
        "talentkg/ontology/shapes.ttl",
        "talentkg/queries/salary_threshold.rq",
        "talentkg/queries/assess/31-salary-routes.ru",
        "talentkg/data/tables.yaml",
        "talentkg/data/reference/catalogue/guangzhou_2025_reconstructed.csv",
        "talentkg/loaders/tables.py",
        "talentkg/graph/build.py",
    ):
        assert needed in names, needed
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, timeout=900)
    work = tmp_path / "elsewhere"
    work.mkdir()
    tk = env_dir / "bin" / "talentkg"
    r = subprocess.run([str(tk), "build", "--out", "out"], cwd=work, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert (work / "out" / "talentkg.nt").exists()
    r = subprocess.run(
        [
            str(tk),
            "query",
            "salary_threshold",
            "-p",
            "city=Beijing",
            "-p",
            "date=2026-03-01",
            "--format",
            "json",
            "--graph",
            "out/talentkg.nt",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert {x["monthly_threshold"] for x in json.loads(r.stdout)} == {71622, 47748}
