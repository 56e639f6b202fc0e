"""Property-based tests (hypothesis, issue 12): generated profiles and batch files.

- valid profiles and batches never crash: every row gets a verdict (exit 0);
- an invalid profile (one field broken) is exit 2 with one error line naming the field, never a
  traceback; a batch with broken rows reports each with its file line and assesses the rest (exit 3);
- monotonicity, everything else equal: a higher salary never turns a met route into not_met and
  never lowers the category; more points never lower the category;
- both sides of every salary bound in data/salary_thresholds.csv (不低于 includes the bound):
  the expected figures are read from the data tables, not from the engine.

Bounded: few examples per property, no deadline (a kg.assess call is ~0.1–0.6 s), derandomized
so that a CI run is reproducible (hypothesis' database is not relied on), no shrinking.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
from decimal import Decimal

import pytest

pytest.importorskip("hypothesis")  # dev extra: without it (runtime deps only) the property tests skip

from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from talentkg.cli import main
from talentkg.resources import DATA_DIR

SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    # no shrinking: a failure is reported as generated (shrinking a CLI-level case took minutes)
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RANK = {"A": 3, "B": 2, "C": 1, None: 0}
VERDICTS = {"A", "B", "C", "undetermined"}


def _table(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


STANDARDS = {r["id"]: r for r in _table("salary_standards.csv")}
THRESHOLDS = _table("salary_thresholds.csv")
JURISDICTIONS = {r["code"]: r for r in _table("reference/jurisdictions/jurisdictions.csv")}


RENEWAL_MONTHS = int(
    next(r for r in _table("salary_benchmark_rules.csv") if r["id"] == "national-previous-year-average")[
        "update_interval_months"
    ]
)


def _in_force_until(std: dict) -> dt.date:
    """The last day a standard is surely in force: its valid_until; else (an open end) the day
    before the next standard of the same jurisdiction starts, and at most RENEWAL_MONTHS - 1
    months after its start (standards are renewed yearly; an older one is honestly 'stale')."""
    start = dt.date.fromisoformat(std["valid_from"])
    if std["valid_until"]:
        return dt.date.fromisoformat(std["valid_until"])
    months = start.month - 1 + RENEWAL_MONTHS - 1
    end = dt.date(start.year + months // 12, months % 12 + 1, 1) - dt.timedelta(days=1)
    later = sorted(
        dt.date.fromisoformat(s["valid_from"])
        for s in STANDARDS.values()
        if s["jurisdiction"] == std["jurisdiction"] and dt.date.fromisoformat(s["valid_from"]) > start
    )
    return min([end] + [d - dt.timedelta(days=1) for d in later[:1]])


# ------------------------------------------------------------------ strategies
CITIES = ["Guangzhou", "Shenzhen", "Beijing", "Shanghai", "Dongguan", "Wuhan", "Chengdu", "广州", "440300", "Foshan"]
EDUCATION = ["bachelor", "master", "doctorate", "associate"]


@st.composite
def profiles(draw, salary=True):
    p: dict = {
        "city": draw(st.sampled_from(CITIES)),
        "application_date": draw(st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31))).isoformat(),
        "application_type": "new",
    }
    if draw(st.booleans()):
        p["age"] = draw(st.integers(18, 70))
    if salary and draw(st.integers(0, 9)) < 8:
        p["monthly_salary_rmb"] = draw(st.integers(0, 150000))
    if draw(st.booleans()):
        p["education"] = draw(st.sampled_from(EDUCATION))
        p["related_experience_years"] = draw(st.sampled_from([0, 1, 2, 3, 5, 10]))
    if draw(st.integers(0, 3)) == 0:
        p["points"] = draw(st.integers(0, 120))
    if draw(st.integers(0, 9)) == 0:
        p["language_teacher"] = True
        p["teaching_certificate"] = draw(st.booleans())
    return p


def _outcomes(r: dict) -> dict[str, str]:
    return {o["criterion"]: o["outcome"] for k in ("routes", "not_met", "undetermined") for o in r[k]}


# ------------------------------------------------------------------ monotonicity
@settings(max_examples=15, **SETTINGS)
@given(p=profiles(salary=False), low=st.integers(0, 120000), more=st.integers(1, 60000))
def test_higher_salary_never_lowers(kg, p, low, more):
    _check_salary(kg, p, low, more)


def _check_salary(kg, p, low, more):
    _check_more_never_lowers(kg, p, "monthly_salary_rmb", low, more)


def _check_more_never_lowers(kg, p, field, low, more):
    """More of ``field`` never gives a lower category, and no route met at ``low`` is not met at ``low + more``."""
    a, b = kg.assess([{**p, field: low}, {**p, field: low + more}])
    assert RANK[b["category"]] >= RANK[a["category"]], (p, low, more, a["category"], b["category"])
    before, after = _outcomes(a), _outcomes(b)
    for crit, outcome in before.items():
        if outcome == "met":
            assert after.get(crit) != "not_met", (crit, p, low, low + more)


@settings(max_examples=12, **SETTINGS)
@given(p=profiles(), low=st.integers(0, 110), more=st.integers(1, 40))
def test_more_points_never_lower_the_category(kg, p, low, more):
    _check_more_never_lowers(kg, p, "points", low, more)


# ------------------------------------------------------------------ both sides of each bound
@pytest.mark.parametrize("row", THRESHOLDS, ids=[r["id"] for r in THRESHOLDS])
@settings(max_examples=3, **SETTINGS)
@given(day=st.integers(0, 10_000), cents=st.integers(1, 99))
def test_salary_bound_both_sides(kg, row, day, cents):
    std = STANDARDS[row["standard"]]
    start, end = dt.date.fromisoformat(std["valid_from"]), _in_force_until(std)
    date = start + dt.timedelta(days=day % ((end - start).days + 1))
    bound = Decimal(row["monthly_amount_cny"])
    inclusive = row["bound_inclusive"] == "true"
    assert row["bound_wording"] in (("不低于", "以上") if inclusive else ("超过", "高于")), row
    below = bound - Decimal(cents) / 100
    base = {"city": std["jurisdiction"], "application_date": date.isoformat(), "application_type": "new"}
    at_r, below_r, above_r = kg.assess(
        [{**base, "monthly_salary_rmb": s} for s in (bound, below, bound + Decimal(cents) / 100)]
    )

    def salary_outcome(r):
        got = [
            o
            for k in ("routes", "not_met", "undetermined")
            for o in r[k]
            if o["evaluator"] == "salary" and o["category"] == row["category"]
        ]
        assert len(got) == 1, (row["id"], date, [o["criterion"] for o in got])
        return got[0]

    at = salary_outcome(at_r)
    assert Decimal(str(at["values"]["threshold"])) == bound, (row["id"], date, at["values"])
    assert at["outcome"] == ("met" if inclusive else "not_met"), (row["id"], date, at)
    assert salary_outcome(below_r)["outcome"] == "not_met", (row["id"], date, below)
    assert salary_outcome(above_r)["outcome"] == "met", (row["id"], date)


# ------------------------------------------------------------------ valid input never crashes
def _invoke(args, cwd, monkeypatch):
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    out = result.output  # click ≥ 8.2: stdout and stderr interleaved
    assert result.exception is None or isinstance(result.exception, SystemExit), (repr(result.exception), out)
    assert "Traceback" not in out, out
    return result, out


@settings(max_examples=6, **SETTINGS)
@given(batch=st.lists(profiles(), min_size=1, max_size=12))
def test_valid_batch_gives_every_row_a_verdict(batch, tmp_path_factory, monkeypatch):
    from talentkg.synthetic import to_csv_rows

    d = tmp_path_factory.mktemp("batch")
    cols, rows = to_csv_rows([{"id": f"r{i}", **p} for i, p in enumerate(batch)])
    with (d / "b.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    result, out = _invoke(["assess", "--batch", "b.csv", "--out", "r.csv"], d, monkeypatch)
    assert result.exit_code == 0, out
    with (d / "r.csv").open(encoding="utf-8") as fh:
        got = list(csv.DictReader(fh))
    assert [r["id"] for r in got] == [f"r{i}" for i in range(len(batch))]
    assert all(r["verdict"] in VERDICTS and not r["error"] for r in got), got
    assert [r["source"] for r in got] == [f"b.csv:{i + 2}" for i in range(len(batch))]


@settings(max_examples=10, **SETTINGS)
@given(p=profiles())
def test_valid_profile_cli_gives_a_verdict(p, tmp_path_factory, monkeypatch):
    d = tmp_path_factory.mktemp("profile")
    (d / "p.json").write_text(json.dumps(p, ensure_ascii=False), encoding="utf-8")
    result, out = _invoke(["assess", "p.json"], d, monkeypatch)
    assert result.exit_code == 0, out
    r = json.loads(result.stdout)
    assert r["verdict"] in VERDICTS and r["as_of"] == p["application_date"]
    assert r["category"] == (None if r["verdict"] == "undetermined" else r["verdict"]), r


# ------------------------------------------------------------------ invalid input: exit 2, one line
BAD_VALUES = st.one_of(
    st.tuples(st.just("monthly_salary_rmb"), st.integers(-(10**9), -1)),
    st.tuples(st.just("monthly_salary_rmb"), st.text("abcxyz万元", min_size=1, max_size=6)),
    st.tuples(
        st.just("application_date"),
        st.sampled_from(["2023-02-29", "2023-13-01", "01/02/2024", "tomorrow", "2024-1-1", ""]),
    ),
    st.tuples(st.just("city"), st.text("qxzjv", min_size=2, max_size=8).map(lambda s: "Zz" + s)),
    st.tuples(st.just("age"), st.sampled_from([-1, "old", [30], {"y": 1}])),
    st.tuples(st.just("awards"), st.sampled_from([["oscar"], "nobel_prize;x", [1]])),
    st.tuples(st.just("previous_category"), st.sampled_from(["D", "a+", 1])),
    st.tuples(st.just("education"), st.text("qwz", min_size=1, max_size=5)),
    st.tuples(st.text("qwz_", min_size=1, max_size=6).map(lambda s: "x_" + s), st.integers()),
)


@settings(max_examples=20, **SETTINGS)
@given(p=profiles(), bad=BAD_VALUES)
def test_invalid_profile_is_exit_2_naming_the_field(p, bad, tmp_path_factory, monkeypatch):
    field, value = bad
    d = tmp_path_factory.mktemp("bad")
    (d / "p.json").write_text(json.dumps({**p, field: value}, ensure_ascii=False), encoding="utf-8")
    result, out = _invoke(["assess", "p.json"], d, monkeypatch)
    assert result.exit_code == 2, (field, value, out)
    errors = [ln for ln in out.splitlines() if ln.strip()]
    assert len(errors) == 1 and errors[0].startswith("error:"), out
    assert field in errors[0], (field, out)


@settings(max_examples=15, **SETTINGS)
@given(raw=st.binary(max_size=200))
def test_arbitrary_bytes_as_profile_is_exit_2(raw, tmp_path_factory, monkeypatch):
    with contextlib.suppress(ValueError):
        assume(not isinstance(json.loads(raw), list))  # a list of profiles is a batch of its own
    d = tmp_path_factory.mktemp("bytes")
    (d / "p.json").write_bytes(raw)
    result, out = _invoke(["assess", "p.json"], d, monkeypatch)
    assert result.exit_code == 2, (raw, out)
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), out


@settings(max_examples=6, **SETTINGS)
@given(
    batch=st.lists(profiles(), min_size=2, max_size=8),
    bad=st.lists(st.tuples(st.integers(0, 7), BAD_VALUES.filter(lambda b: not b[0].startswith("x_"))), min_size=1),
)
def test_batch_with_bad_rows_reports_them_and_assesses_the_rest(batch, bad, tmp_path_factory, monkeypatch):
    from talentkg.synthetic import to_csv_rows

    rows_in = [{"id": f"r{i}", **p} for i, p in enumerate(batch)]
    broken = {}
    for i, (field, value) in bad:
        if i < len(rows_in) and i not in broken and not isinstance(value, (list, dict)):
            rows_in[i][field] = value
            broken[i] = field
    assume(broken and len(broken) < len(rows_in))
    d = tmp_path_factory.mktemp("mixed")
    cols, rows = to_csv_rows(rows_in)
    with (d / "b.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    result, out = _invoke(["assess", "--batch", "b.csv", "--out", "r.csv"], d, monkeypatch)
    with (d / "r.csv").open(encoding="utf-8") as fh:
        got = {r["id"]: r for r in csv.DictReader(fh)}
    for i in range(len(rows_in)):
        r = got[f"r{i}"]
        if i in broken:
            assert r["error"].startswith(f"b.csv:{i + 2}:") and broken[i] in r["error"], (rows_in[i], r)
            assert not r["verdict"], r
        else:
            assert r["verdict"] in VERDICTS and not r["error"], r
    assert result.exit_code == (3 if any(r["error"] for r in got.values()) else 0), out


@pytest.mark.slow
@settings(max_examples=60, **SETTINGS)
@given(p=profiles(salary=False), low=st.integers(0, 120000), more=st.integers(1, 60000))
def test_higher_salary_never_lowers_more_examples(kg, p, low, more):
    _check_salary(kg, p, low, more)
