"""Versioned dataset releases (issue 16.5): a change to data/ or ontology/ comes with a version
bump (a row of data/RELEASES.csv holding the new content hash) and a CHANGELOG.md section whose
entries name the periods and jurisdictions they affect; the graph describes itself (DCAT/VoID)."""

from __future__ import annotations

import re
import shutil

import pytest

from talentkg.dataset import content_hash, current_release, description_triples, parse_semver, releases
from talentkg.resources import DATA_DIR, ONTOLOGY_DIR
from tests.conftest import ROOT

CHANGELOG = ROOT / "CHANGELOG.md"


def _sections() -> dict[str, str]:
    text = CHANGELOG.read_text(encoding="utf-8")
    parts = re.split(r"^## \[([^\]]+)\][^\n]*\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def test_data_change_comes_with_a_release():
    now, last = content_hash(), current_release()
    assert now == last.hash, (
        f"data/ or ontology/ changed since release {last.version} (content hash now {now}). "
        f"Add a row to data/RELEASES.csv: <next version>,{now},<YYYY-MM-DD>,<summary> "
        "(PATCH: corrections; MINOR: facts/columns added; MAJOR: removed or renamed), "
        "and a '## [<next version>] - <date>' section to CHANGELOG.md whose entries say 'Periods: …' and 'Jurisdictions: …'."
    )


def test_releases_are_semver_increasing_with_distinct_hashes():
    rel = releases()
    assert len(rel) >= 2 and rel[0].version == "0.1.0"
    versions = [parse_semver(r.version) for r in rel]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert len({r.hash for r in rel}) == len(rel), "two releases with the same content hash: nothing changed"
    assert all(re.fullmatch(r"[0-9a-f]{64}", r.hash) for r in rel)
    dates = [r.issued for r in rel]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates) and dates == sorted(dates)


def test_every_release_has_a_changelog_section_naming_periods_and_jurisdictions():
    sections = _sections()
    for r in releases():
        assert r.version in sections, f"CHANGELOG.md has no section ## [{r.version}]"
        body = sections[r.version]
        assert re.search(r"^### (Added|Changed|Deprecated|Removed|Fixed|Security)$", body, flags=re.M), r.version
        entries = [line for line in body.splitlines() if line.startswith("- ")]
        assert entries, r.version
        for e in entries:
            assert "Periods:" in e and "Jurisdictions:" in e, (
                f"[{r.version}] entry without periods/jurisdictions: {e[:80]}"
            )
    # newest first, as Keep a Changelog has it
    order = [v for v in sections if v != "Unreleased"]
    assert order == [r.version for r in reversed(releases())]


def test_content_hash_sees_a_one_byte_change(tmp_path):
    data, onto = tmp_path / "data", tmp_path / "ontology"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ONTOLOGY_DIR, onto, ignore=shutil.ignore_patterns("__pycache__"))
    assert content_hash(data, onto) == content_hash()
    p = data / "salary_thresholds.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("62694", "62695", 1), encoding="utf-8")
    assert content_hash(data, onto) != content_hash()
    (data / "RELEASES.csv").write_text("version,hash,issued,summary\n", encoding="utf-8")  # not part of the content
    p.write_text(p.read_text(encoding="utf-8").replace("62695", "62694", 1), encoding="utf-8")
    assert content_hash(data, onto) == content_hash()
    (onto / "talentkg.ttl").write_text((onto / "talentkg.ttl").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert content_hash(data, onto) != content_hash()


def test_data_version_is_release_plus_graph_digest(kg):
    version, _, digest = kg.data_version.partition("+")
    assert version == current_release().version and re.fullmatch(r"[0-9a-f]{12}", digest)


DESC = """PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?version ?issued ?licence ?triples ?classes
  (COUNT(DISTINCT ?src) AS ?sources) (COUNT(DISTINCT ?dist) AS ?dists) WHERE {
  ?d a dcat:Dataset, void:Dataset ; dcat:version ?version ; dcterms:issued ?issued ; dcterms:license ?licence ;
     void:triples ?triples ; void:classes ?classes ; dcterms:source ?src ; dcat:distribution ?dist .
} GROUP BY ?version ?issued ?licence ?triples ?classes"""


def test_dataset_description_in_the_graph(kg):
    df = kg.sparql(DESC)
    assert len(df) == 1
    row = df.iloc[0]
    rel = current_release()
    assert (row.version, row.issued.date().isoformat()) == (rel.version, rel.issued)  # kg.sparql: xsd:date → datetime64
    assert row.licence == "https://creativecommons.org/licenses/by/4.0/"
    assert row.triples == len(kg.store)  # the count includes the description itself
    n_docs = kg.sparql(
        "PREFIX tk: <https://w3id.org/talentkg/ontology#> SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { { ?d a tk:PolicyDocument } UNION { ?d a tk:SecondarySource } }"
    ).n[0]
    assert row.sources == n_docs > 80
    assert row.dists == 2
    n_classes = kg.sparql("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }").n[0]
    assert row.classes == n_classes


def test_description_is_deterministic(kg):
    triples = [q.triple for q in kg.store]
    assert sorted(map(str, description_triples(triples))) == sorted(
        map(str, description_triples(list(reversed(triples))))
    )


@pytest.mark.parametrize("bad", ["1.2", "v1.2.3", "1.2.x"])
def test_semver_rejects(bad):
    with pytest.raises(ValueError):
        parse_semver(bad)
