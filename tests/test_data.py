"""Policy data: every fact sourced, known values, reference tables in step with ../shared."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from talentkg.resources import DATA_DIR
from tests.conftest import SHARED


def test_every_policy_fact_has_document_url_and_quote(kg):
    facts = kg.sparql("""PREFIX tk: <https://w3id.org/talentkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
      PREFIX prov: <http://www.w3.org/ns/prov#>
      SELECT ?f (COUNT(?d) AS ?docs) (COUNT(?u) AS ?urls) (COUNT(?q) AS ?quotes) WHERE {
        ?cls rdfs:subClassOf* tk:PolicyFact . ?f a ?cls .
        OPTIONAL { ?f prov:wasDerivedFrom ?d } OPTIONAL { ?f tk:sourceURL ?u } OPTIONAL { ?f tk:sourceQuote ?q }
      } GROUP BY ?f""")
    assert len(facts) > 300
    bad = facts[(facts.docs == 0) | (facts.urls == 0) | (facts.quotes == 0)]
    assert bad.empty, bad.head()


def test_every_reference_record_has_document_and_url(kg):
    df = kg.sparql("""PREFIX tk: <https://w3id.org/talentkg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
      SELECT (COUNT(?r) AS ?n) (SUM(IF(BOUND(?d) && BOUND(?u), 1, 0)) AS ?ok) WHERE {
        { ?r a tk:ReferenceRecord } UNION { ?r a tk:CatalogueEntry }
        OPTIONAL { ?r prov:wasDerivedFrom ?d } OPTIONAL { ?r tk:sourceURL ?u } }""")
    assert df.n[0] > 2000 and df.n[0] == df.ok[0]


def test_known_values(kg):
    gz = kg.query("salary_history", city="Guangzhou")
    row = gz[(gz.standard.str.endswith("gz-2023")) & (gz.category == "A")].iloc[0]
    assert (row.monthly_base, row.monthly_threshold, row.valid_from) == (10449, 62694, pd.Timestamp("2023-07-13"))
    assert gz[(gz.standard.str.endswith("gz-2023")) & (gz.category == "B")].monthly_threshold.iloc[0] == 41796
    bj = kg.query("salary_history", city="Beijing").set_index("category").monthly_threshold.to_dict()
    assert bj == {"A": 71622, "B": 47748}


def test_guangzhou_typo_recorded_not_used(kg):
    notes = " ".join(kg.query("salary_history", city="Guangzhou").note.dropna())
    assert "41,996" in notes and "typo" in notes.lower()
    assert 41996 not in set(kg.query("salary_history").monthly_threshold)


def test_catalogue_evidence_flags_visible(kg):
    df = kg.query("qualification_equivalents")
    assert len(df) == 170
    assert df.evidence.value_counts().to_dict() == {"reconstructed": 101, "body_named_in_notice": 69}
    assert df.evidence_note.str.len().min() > 10


def test_occupation_counts_and_gap_metadata(kg):
    df = kg.sparql("""PREFIX tk: <https://w3id.org/talentkg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      PREFIX xkos: <http://rdf-vocabulary.ddialliance.org/xkos#>
      SELECT ?level ?official ?present (COUNT(?c) AS ?counted) WHERE {
        ?level a xkos:ClassificationLevel ; tk:officialCount ?official ; tk:presentCount ?present ; skos:member ?c }
      GROUP BY ?level ?official ?present ORDER BY ?level""")
    got = {
        r.level.rsplit("/", 3)[-3] + "/" + r.level.rsplit("/", 1)[-1]: (r.official, r.present, r.counted)
        for r in df.itertuples()
    }
    assert got["noc2022/minor"] == (449, 446, 446)
    assert got["noc2022/unit"] == (1636, 1635, 1635)
    assert got["isco08/unit"] == (436, 436, 436)
    assert got["isco08/major"] == (10, 10, 10)


def test_every_catalogue_entry_links_noc_and_isco(kg):
    df = kg.query("occupation_crosswalk")
    assert df.entry.nunique() == 170


def test_regions_and_gba(kg):
    gba = set(kg.query("jurisdictions", region="gba").code)
    assert {"440100", "440600", "810000", "820000", "440115"} <= gba and "440000" not in gba
    west = set(kg.query("jurisdictions", region="west").code)
    assert "510100" in west and "500000" in west  # Chengdu inherits Sichuan's flag


@pytest.mark.skipif(not SHARED.exists(), reason="../shared not beside the repo")
def test_reference_tables_match_shared():
    manifest = (DATA_DIR / "reference" / "MANIFEST.sha256").read_text().split("\n")
    pairs = [line.split() for line in manifest if line.strip()]
    assert len(pairs) == 5
    for digest, rel in pairs:
        local = DATA_DIR / "reference" / rel
        assert hashlib.sha256(local.read_bytes()).hexdigest() == digest, rel
        shared = SHARED / "data" / rel
        # columns the project adds to a shared table (documented in its README) are appended last;
        # without them the file is byte-identical to the shared one
        added = LOCAL_COLUMNS.get(rel, 0)
        local_bytes = local.read_bytes()
        if added:
            lines = local_bytes.split(b"\n")
            local_bytes = b"\n".join(ln.rsplit(b",", added)[0] if ln else ln for ln in lines)
        assert local_bytes == shared.read_bytes(), (
            f"{rel} differs from ../shared; copy it again and update MANIFEST.sha256"
        )


# shared reference table -> how many columns the project appends to it (their meaning: the table's README)
LOCAL_COLUMNS = {"catalogue/guangzhou_2025_reconstructed.csv": 1}


def test_catalogue_name_zh_status_marks_exactly_the_entries_without_a_chinese_name():
    import csv

    rows = list(
        csv.DictReader((DATA_DIR / "reference/catalogue/guangzhou_2025_reconstructed.csv").open(encoding="utf-8"))
    )
    assert len(rows) == 170
    # the reconstruction's README: name_zh "left empty where we do not know a settled Chinese name (93 rows)"
    assert sum(1 for r in rows if not r["name_zh"]) == 93
    for r in rows:
        assert r["name_zh_status"] == ("" if r["name_zh"] else "not_published"), r["id"]
