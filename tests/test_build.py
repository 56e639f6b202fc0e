"""The build: validated, deterministic, atomic; counts."""

from __future__ import annotations

import shutil

import pytest

from talentkg.errors import DataError
from talentkg.graph.build import build
from talentkg.resources import DATA_DIR
from tests.conftest import run_cli


def test_build_writes_both_files(built):
    out, res = built
    assert (out / "talentkg.nt").stat().st_size > 1_000_000
    assert (out / "talentkg.ttl").stat().st_size > 500_000
    assert len(res.triples) > 35_000


def test_two_builds_byte_identical(built, tmp_path):
    out, _ = built
    build(tmp_path, validate=False)
    for name in ("talentkg.nt", "talentkg.ttl"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()


def test_ntriples_sorted(built):
    out, _ = built
    lines = (out / "talentkg.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)


def test_turtle_reparses_to_same_graph(built):
    import pyoxigraph as ox

    out, res = built
    ttl = {q.triple for q in ox.parse(path=str(out / "talentkg.ttl"), format=ox.RdfFormat.TURTLE)}
    assert ttl == set(res.triples)


def test_failed_build_leaves_previous_output(built, tmp_path):
    out, _ = built
    prev = tmp_path / "out"
    shutil.copytree(out, prev)
    before = {p.name: p.read_bytes() for p in prev.iterdir()}
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    with (data / "salary_standards.csv").open("a", encoding="utf-8") as fh:
        fh.write(
            "bad-row,440100,2024-02-30,exact,,10000,,all_urban,2023,gz-salary-2023,gz-salary-2023,https://example.org/x,quote here,medium,\n"
        )
    with pytest.raises(DataError):
        build(prev, data_dir=data)
    assert {p.name: p.read_bytes() for p in prev.iterdir()} == before


def test_cli_build_and_stats(tmp_path):
    r = run_cli("build", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "SalaryStandard" in r.stdout and "built" in r.stdout
    assert (tmp_path / "talentkg.nt").exists()
    r = run_cli("stats", "--graph", str(tmp_path / "talentkg.nt"))
    assert r.returncode == 0 and "CatalogueEntry" in r.stdout and "reconstructed" in r.stdout


def test_validation_rejects_a_fact_without_quote(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    p = data / "pilot_fields_extra.csv"
    # remove the quote of one policy rule: SHACL must reject it (quote is required by the loader,
    # so inject the fact as a table whose spec does not add provenance columns)
    text = (data / "tables.yaml").read_text(encoding="utf-8")
    text += """
  - name: broken_facts
    file: pilot_fields_extra.csv
    key: id
    iri: "rule/{id}"
    class: tk:PolicyRule
    columns:
      id: {required: true}
"""
    (data / "tables.yaml").write_text(text, encoding="utf-8")
    p.write_text("id\nbroken-rule\n", encoding="utf-8")
    from talentkg.errors import ValidationError

    with pytest.raises(ValidationError, match="source document"):
        build(None, data_dir=data)
