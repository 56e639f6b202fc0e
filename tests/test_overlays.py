"""Local overlays (issue 18.2/18.4): a folder of tables loaded on top of data/, validated like it,
each overlay fact marked with its origin in every answer, conflicts refused unless superseded."""

from __future__ import annotations

import csv
import json
import os

import pytest

from talentkg.errors import DataError, ValidationError
from talentkg.kg import KnowledgeGraph
from talentkg.resources import DATA_DIR
from tests.conftest import run_cli
from tests.overlay_tables import HZ, HZ_A, MIKE_HZ, write


def _salary(result, criterion):
    for key in ("routes", "not_met", "undetermined"):
        for o in result[key]:
            if o["criterion"] == criterion:
                return key, o
    raise AssertionError(criterion)


def test_packaged_hangzhou_is_undetermined_and_has_no_origin(kg):
    r = kg.assess(MIKE_HZ)
    assert _salary(r, "A-III-9")[0] == "undetermined"
    assert "origin" not in r


def test_overlay_standard_decides_and_says_so(kg_hz, hz_overlay):
    r = kg_hz.assess(MIKE_HZ)
    where, a = _salary(r, "A-III-9")
    assert where == "routes" and r["verdict"] == "A"  # 82,000 ≥ 6 × 13,565 = 81,390
    origin = f"overlay:{hz_overlay.resolve()}"
    assert {"fact": "https://w3id.org/talentkg/id/salary-threshold/hz-2025-A", "origin": origin} in a["origin"]
    assert any(o["origin"] == origin for o in r["origin"])
    # a route that used no overlay fact carries no origin
    _, nobel = _salary(r, "A-II-1")
    assert "origin" not in nobel
    assert [o.rows for o in kg_hz.overlays] == [3] and kg_hz.overlays[0].tables == [
        "salary_standards",
        "salary_thresholds",
    ]


def test_query_rows_name_the_overlay(kg_hz, hz_overlay):
    df = kg_hz.query("salary_history", city="Hangzhou")
    assert set(df.monthly_threshold) == {81390, 54260}
    assert set(df.origin) == {f"overlay:{hz_overlay.resolve()}"}
    gz = kg_hz.query("salary_history", city="Guangzhou")
    assert gz.origin.isna().all()


def test_overlay_below_the_bound_is_not_met(kg_hz):
    r = kg_hz.assess({**MIKE_HZ, "monthly_salary_rmb": 81389})
    assert _salary(r, "A-III-9")[0] == "not_met"


def test_conflict_with_packaged_row_is_refused(tmp_path):
    wh = dict(HZ, id="wh-2025", jurisdiction="420100", valid_from="2025-06-01", valid_until="")
    write(tmp_path, "salary_standards", [wh])
    with pytest.raises(DataError) as e:
        KnowledgeGraph.load(data=tmp_path)
    msg = str(e.value)
    assert (
        "salary_standards.csv:2" in msg
        and "'wh-2024'" in msg
        and "data/salary_standards.csv:" in msg
        and "supersedes" in msg
    )


def test_supersedes_ends_the_packaged_row(tmp_path):
    wh = dict(HZ, id="wh-2025", jurisdiction="420100", valid_from="2025-06-01", valid_until="", supersedes="wh-2024")
    write(tmp_path, "salary_standards", [wh], extra=["supersedes"])
    kg = KnowledgeGraph.load(data=tmp_path)
    rows = kg.sparql("""PREFIX tk: <https://w3id.org/talentkg/ontology#>
      SELECT ?s ?until WHERE { ?s a tk:SalaryStandard ; tk:jurisdiction <https://w3id.org/talentkg/id/jurisdiction/420100> OPTIONAL { ?s tk:validUntil ?until } } ORDER BY ?s""")
    got = {
        s.rsplit("/", 1)[-1]: (u.date().isoformat() if u is not None and u == u else None)
        for s, u in zip(rows.s, rows.until)
    }  # xsd:date → datetime64
    assert got == {"wh-2024": "2025-05-31", "wh-2025": None}


def test_same_id_needs_supersedes_then_replaces(tmp_path):
    with (DATA_DIR / "salary_standards.csv").open(encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["id"] == "dg-2024")
    write(tmp_path / "a", "salary_standards", [dict(row, note="firm's correction")])
    with pytest.raises(DataError, match="reuses the id of packaged row 'dg-2024'"):
        KnowledgeGraph.load(data=tmp_path / "a")
    write(
        tmp_path / "b",
        "salary_standards",
        [dict(row, note="firm's correction", supersedes="dg-2024")],
        extra=["supersedes"],
    )
    kg = KnowledgeGraph.load(data=tmp_path / "b")
    notes = kg.sparql("""PREFIX tk: <https://w3id.org/talentkg/ontology#>
      SELECT ?n WHERE { <https://w3id.org/talentkg/id/salary-standard/dg-2024> tk:note ?n }""").n.tolist()
    assert notes == ["firm's correction"]
    assert kg.origins["https://w3id.org/talentkg/id/salary-standard/dg-2024"].startswith("overlay:")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"valid_from": "2025-13-01"}, "salary_standards.csv:2: column 'valid_from' '2025-13-01' is not a date"),
        ({"jurisdiction": "339999"}, "unknown jurisdiction code '339999'"),
        ({"quote_kind": "guess"}, "'guess' is not one of"),
    ],
)
def test_overlay_rows_checked_like_packaged_rows(tmp_path, change, message):
    write(tmp_path, "salary_standards", [dict(HZ, **change)])
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        KnowledgeGraph.load(data=tmp_path)


def test_overlay_is_validated_like_a_build(tmp_path):
    write(tmp_path, "salary_standards", [HZ])
    write(tmp_path, "salary_thresholds", [dict(HZ_A, monthly_amount_cny="81387")])  # 6 × 13,565 = 81,390
    with pytest.raises(ValidationError, match="computed-threshold-arithmetic"):
        KnowledgeGraph.load(data=tmp_path)


def test_cli_env_and_stats(hz_overlay, tmp_path):
    env_before = os.environ.get("TALENTKG_DATA")
    try:
        os.environ["TALENTKG_DATA"] = str(hz_overlay)
        r = run_cli("stats")
        assert r.returncode == 0, r.stderr
        assert f"overlay {hz_overlay.resolve()}: 3 row(s) in salary_standards, salary_thresholds" in r.stdout
        r = run_cli("assess", "-", input=json.dumps(MIKE_HZ))
        assert r.returncode == 0 and json.loads(r.stdout)["verdict"] == "A"
    finally:
        if env_before is None:
            os.environ.pop("TALENTKG_DATA", None)
        else:
            os.environ["TALENTKG_DATA"] = env_before
    r = run_cli("--data", str(tmp_path / "missing"), "stats")
    assert r.returncode != 0 and "overlay folder not found" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("stats")
    assert "no overlay loaded" in r.stdout
