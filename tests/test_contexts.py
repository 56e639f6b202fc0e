"""The in-force resolver (queries/assess/05-contexts.ru, issue 10): what is in force is decided once per
(city, date) context and once per (previous city, city, date) transfer context, and the steps read it.

Expected values from the data tables: recognitions.csv (gzfs-a-gz-to-fs 440100→440600 and
gzfs-a-fs-to-gz from 2026-03-03, Category A; national-a-one-time CN→CN from 2025-09-30, Category A,
cross-jurisdiction only), document_exemptions.csv (four gzfs-* rows, members 440100;440600, from
2026-03-03; national-a-documents CN from 2025-09-30), requirement_waivers.csv (gzfs-experience-waiver,
440100;440600, from 2026-03-03), applicant_conditions.csv (basic-conditions, b-age-limit: CN, from
2017-04-01), criteria.csv (the 2017 standard, CN, from 2017-04-01; nothing covering Foshan earlier)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from talentkg.assess import _load, run_pipeline, validate_profiles

TK = "https://w3id.org/talentkg/ontology#"
ID = "https://w3id.org/talentkg/id/"

PROFILES = [
    # two holders of the same move share one transfer context
    {
        "id": "gz-fs-a",
        "city": "Foshan",
        "application_date": "2026-06-01",
        "previous_city": "Guangzhou",
        "previous_category": "A",
    },
    {
        "id": "gz-fs-b",
        "city": "Foshan",
        "application_date": "2026-06-01",
        "previous_city": "Guangzhou",
        "previous_category": "B",
    },
    # a new application: no transfer context
    {"id": "fs-new", "city": "Foshan", "application_date": "2026-06-01", "age": 30},
    # into a district of Guangzhou the day before the Guangzhou–Foshan measures: only the nationwide rules
    {
        "id": "fs-nansha",
        "city": "440115",
        "application_date": "2026-03-02",
        "previous_city": "Foshan",
        "previous_category": "A",
    },
    # the day before the 2017 standard (criteria.csv: CN from 2017-04-01, the earliest covering Foshan)
    {"id": "fs-2017", "city": "Foshan", "application_date": "2017-03-31", "age": 30},
]


@pytest.fixture(scope="module")
def store(kg):
    s = ox.Store()
    s.bulk_extend(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    _load(s, validate_profiles(kg, PROFILES))
    run_pipeline(kg, s)
    return s


def _objects(store, subject: str, prop: str) -> set[str]:
    return {
        q.object.value[len(ID) :]
        for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(TK + prop), None, None)
    }


def _transfer_contexts(store) -> dict[str, str]:
    """profile key → its transfer context IRI"""
    out = {}
    for q in store.quads_for_pattern(None, ox.NamedNode(TK + "transferContext"), None, None):
        key = next(store.quads_for_pattern(q.subject, ox.NamedNode(TK + "profileKey"), None, None)).object.value
        out[key] = q.object.value
    return out


def test_one_transfer_context_per_move_only_for_applicants_with_a_previous_city(store):
    t = _transfer_contexts(store)
    assert sorted(t) == ["fs-nansha", "gz-fs-a", "gz-fs-b"]
    assert t["gz-fs-a"] == t["gz-fs-b"] == ID + "transfer-context/440100/440600/2026-06-01"
    assert t["fs-nansha"] == ID + "transfer-context/440600/440115/2026-03-02"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    typed = {
        q.subject.value for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(TK + "TransferContext"), None)
    }
    assert typed == set(t.values())


def test_recognitions_and_exemptions_in_force_per_move(store):
    t = _transfer_contexts(store)
    gzfs = t["gz-fs-a"]
    # every category's rules are in the context; the permit's category is checked per applicant
    assert _objects(store, gzfs, "recognitionInForce") == {
        "recognition/gzfs-a-gz-to-fs",
        "recognition/national-a-one-time",
    }
    assert _objects(store, gzfs, "exemptionInForce") == {
        "document-exemption/gzfs-degree",
        "document-exemption/gzfs-experience",
        "document-exemption/gzfs-transfer-criminal",
        "document-exemption/gzfs-transfer-medical",
        "document-exemption/national-a-documents",
    }
    # 2026-03-02: the Guangzhou–Foshan measures (from 2026-03-03) not yet; the district inherits CN's
    nansha = t["fs-nansha"]
    assert _objects(store, nansha, "recognitionInForce") == {"recognition/national-a-one-time"}
    assert _objects(store, nansha, "exemptionInForce") == {"document-exemption/national-a-documents"}


def test_waivers_and_applicant_conditions_in_force_per_city_and_date(store):
    foshan = ID + "context/440600/2026-06-01"
    nansha = ID + "context/440115/2026-03-02"
    assert _objects(store, foshan, "waiverInForce") == {"requirement-waiver/gzfs-experience-waiver"}
    assert _objects(store, nansha, "waiverInForce") == set()  # the waiver starts 2026-03-03
    for ctx in (foshan, nansha):
        assert _objects(store, ctx, "applicantConditionInForce") == {
            "applicant-condition/basic-conditions",
            "applicant-condition/b-age-limit",
        }


def test_the_recognition_step_reads_the_context_and_checks_the_category(store):
    rows = store.query(
        """PREFIX tk: <https://w3id.org/talentkg/ontology#>
        PREFIX tkg: <https://w3id.org/talentkg/id/graph/>
        SELECT ?key ?rule ?outcome WHERE { GRAPH tkg:applicants {
          ?app tk:profileKey ?key ; tk:routeOutcome ?o . ?o tk:evaluatorKind "recognition" ; tk:outcomeRule ?rule ; tk:outcome ?outcome } }"""
    )
    got = sorted((r["key"].value, r["rule"].value[len(ID) :], r["outcome"].value) for r in rows)
    assert got == [
        ("fs-nansha", "recognition/national-a-one-time", "undetermined"),  # conditional: unified national standard
        ("gz-fs-a", "recognition/gzfs-a-gz-to-fs", "met"),
        ("gz-fs-a", "recognition/national-a-one-time", "undetermined"),
        # gz-fs-b: a Category B permit — every rule in force is for Category A
    ]


def test_a_context_without_criteria_knows_when_they_start(store):
    early = ID + "context/440600/2017-03-31"
    assert _objects(store, early, "applicableRule") == set()
    assert _objects(store, early, "applicantConditionInForce") == set()  # both from 2017-04-01
    start = TK + "criteriaStartFrom"
    starts = [q.object for q in store.quads_for_pattern(ox.NamedNode(early), ox.NamedNode(start), None, None)]
    assert [(s.value, s.datatype.value) for s in starts] == [("2017-04-01", "http://www.w3.org/2001/XMLSchema#date")]
    # a context with criteria in force has no start date written
    assert _objects(store, ID + "context/440600/2026-06-01", "criteriaStartFrom") == set()
    # and the verdict step reads it from the context
    codes = {
        (
            store.query(f"SELECT ?k WHERE {{ GRAPH ?g {{ <{q.subject.value}> <{TK}profileKey> ?k }} }}")
            .__next__()["k"]
            .value,
            q.object.value,
        )
        for q in store.quads_for_pattern(None, ox.NamedNode(TK + "verdictCode"), None, None)
    }
    assert ("fs-2017", "verdict.no_standard_in_force") in codes
    assert {c for k, c in codes if k != "fs-2017"}.isdisjoint({"verdict.no_standard_in_force"})
