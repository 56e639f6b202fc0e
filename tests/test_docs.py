"""The ontology documentation is generated from the ontology (pyLODE), so it cannot go stale."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli


@pytest.mark.slow
def test_pylode_docs(tmp_path):
    r = run_cli("docs", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    for text in ("SalaryStandard", "工资收入计算标准", "CatalogueEntry", "EligibilityCriterion", "0.1.0"):
        assert text in html, text
