"""Isolation (issue 10 #10): every assessment call works in its own store; a KnowledgeGraph is
safe to share across threads — concurrent calls give exactly the sequential answers."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest

from talentkg.assess import run_pipeline
from talentkg.errors import ParameterError

PROFILES = [
    {"id": "mike", "city": "Guangzhou", "application_date": "2023-12-01", "monthly_salary_rmb": 65000},
    {
        "id": "leo",
        "city": "Guangzhou",
        "application_date": "2023-09-25",
        "application_type": "transfer",
        "previous_city": "Shenzhen",
        "monthly_salary_rmb": 43000,
    },
    {
        "id": "c",
        "city": "Guangzhou",
        "application_date": "2023-12-01",
        "monthly_salary_rmb": 41795,
        "age": 30,
        "points": 40,
        "education": "associate",
    },
    {"id": "sz-gap", "city": "Shenzhen", "application_date": "2020-07-01", "monthly_salary_rmb": 80000},
    {"id": "pts85", "city": "Chengdu", "application_date": "2025-03-01", "points": 85},
    {
        "id": "pts",
        "city": "Shanghai",
        "application_date": "2025-03-01",
        "points_factors": {
            "annual_salary_rmb": 350000,
            "education": "master",
            "related_experience_years": 10,
            "months_in_china_per_year": 9,
            "hsk_level": 5,
            "age": 30,
            "extras": ["fortune500"],
        },
    },
    {
        "id": "teacher",
        "city": "Nanjing",
        "application_date": "2025-03-01",
        "language_teacher": True,
        "education": "bachelor",
        "related_experience_years": 2,
        "age": 30,
    },
    {"id": "nobel", "city": "Beijing", "application_date": "2024-05-01", "awards": ["nobel_prize"]},
]


def test_concurrent_calls_equal_sequential(kg):
    sequential = [kg.assess(p) for p in PROFILES]
    assert len({r["verdict"] for r in sequential}) >= 3  # a mix of verdicts, so a mix-up would show
    jobs = [i for _ in range(6) for i in range(len(PROFILES))]
    start = threading.Barrier(8)

    def one(i):
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=30)
        return i, kg.assess(PROFILES[i])

    with ThreadPoolExecutor(max_workers=8) as ex:
        results = list(ex.map(one, jobs))
    for i, r in results:
        assert r == sequential[i], PROFILES[i]["id"]


def test_concurrent_lists_equal_sequential(kg):
    a, b = PROFILES[:4], PROFILES[4:]
    seq_a, seq_b = kg.assess(a), kg.assess(b)
    with ThreadPoolExecutor(max_workers=4) as ex:
        futs = [ex.submit(kg.assess, a if n % 2 == 0 else b) for n in range(8)]
        for n, f in enumerate(futs):
            assert f.result() == (seq_a if n % 2 == 0 else seq_b)


def test_assess_never_writes_the_shared_store(kg):
    before = len(kg.store)
    kg.assess(PROFILES)
    assert len(kg.store) == before
    assert list(kg.store.named_graphs()) == []


def test_pipeline_writes_only_the_applicants_graph(kg):
    # the scratch stores are reused: the pipeline must leave their policy graph untouched
    policy = list(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    from talentkg.assess import _load, validate_profiles

    store = ox.Store()
    store.bulk_extend(policy)
    _load(store, validate_profiles(kg, PROFILES))
    run_pipeline(kg, store)
    assert sorted(map(str, store.quads_for_pattern(None, None, None, ox.DefaultGraph()))) == sorted(map(str, policy))


def test_a_bad_profile_leaves_nothing_behind(kg):
    good = kg.assess(PROFILES[0])
    with pytest.raises(ParameterError):
        kg.assess([PROFILES[1], {"city": "Guangzhou", "application_date": "2023-12-01", "monthly_salary_rmb": "lots"}])
    assert kg.assess(PROFILES[0]) == good
    assert list(kg.store.named_graphs()) == []
