"""`talentkg standard add` (issue 18.1/18.3): from the notices quoted in the stored sources
(tests/fixtures/notices, see SOURCES.md) it reproduces the rows the data already holds; a figure
that disagrees stops it with a message naming both figures; nothing is written on doubt."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest

from talentkg.kg import KnowledgeGraph
from talentkg.resources import DATA_DIR
from talentkg.standard_add import CheckError, check, extract, salary_multiples
from tests.conftest import ROOT, run_cli

NOTICES = ROOT / "tests" / "fixtures" / "notices"
# What the Guangzhou 2023 notices do not print: the date it applies from, the wage basis and its statistics
# year (the packaged gz-2023 row of data/salary_standards.csv).
GZ_2023 = ("--valid-from", "2023-07-13", "--basis", "all_urban", "--statistics-year", "2022")


def packaged(table: str) -> dict[str, dict]:
    with (DATA_DIR / table).open(encoding="utf-8", newline="") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def standard_add(city: str, notice: str, *opts: str):
    """``talentkg standard add --city CITY --notice NOTICE --yes OPTS…`` (figures accepted without asking)."""
    return run_cli("standard", "add", "--city", city, "--notice", notice, "--yes", *opts)


def dry_run(city: str, notice: str, *opts: str):
    r = standard_add(city, str(NOTICES / notice), "--dry-run", "--source-url", "https://example.org/notice", *opts)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout[r.stdout.index("\n{") + 1 :]), r.stdout


def same_as_packaged(rows: dict, std_id: str) -> None:
    """The standard and its thresholds equal the packaged ones in every figure and date."""
    std, pkg = rows["salary_standards"][0], packaged("salary_standards.csv")[std_id]
    for col in ("jurisdiction", "valid_from", "valid_until", "wage_basis", "base_statistics_year"):
        assert std[col] == pkg[col], (col, std[col], pkg[col])
    for col in ("monthly_base_cny", "annual_base_cny"):
        assert Decimal(std[col]) == Decimal(pkg[col]), (col, std[col], pkg[col])
    thr = {t["category"]: t for t in rows["salary_thresholds"]}
    pkg_thr = {t["category"]: t for t in packaged("salary_thresholds.csv").values() if t["standard"] == std_id}
    assert set(thr) == set(pkg_thr) == {"A", "B"}
    for cat, t in thr.items():
        p = pkg_thr[cat]
        assert (
            Decimal(t["monthly_amount_cny"]) == Decimal(p["monthly_amount_cny"]) and t["multiple"] == p["multiple"]
        ), cat
        assert t["amount_status"] == p["amount_status"] and t["bound_inclusive"] == p["bound_inclusive"]
        if p["annual_amount_cny"]:
            assert Decimal(t["annual_amount_cny"]) == Decimal(p["annual_amount_cny"]), cat


def test_wuhan_2024_html_notice():
    rows, out = dry_run("武汉", "wuhan-2024.html", "--valid-from", "2024-07-01", "--valid-until", "2025-06-30")
    same_as_packaged(rows, "wh-2024")
    doc = rows["documents"][0]
    assert (doc["issued"], doc["title_zh"]) == (
        "2024-06-29",
        "关于2024年度武汉市外国人来华工作许可工资收入计算标准的公告",
    )
    assert "base 9,178 = annual 110,134 ÷ 12 = 9,177.8333, to the nearest yuan" in out
    assert "«A类和B类工资收入计算标准分别为55068/月和36712/月»" in out  # the exact span is shown
    assert "wage statistic already in the data: wage-420100-2023-all_urban_onpost (110134)" in out
    # the quote is the notice's own text, spans joined
    assert "2023年武汉市城镇单位在岗职工年平均工资110134元" in rows["salary_standards"][0]["quote"]


def test_changzhou_2022_everything_from_the_text():
    rows, out = dry_run("Changzhou", "changzhou-2022.txt")
    same_as_packaged(rows, "cz-2022")
    assert rows["documents"][0]["identifier"] == "常科发〔2022〕116号"
    assert "threshold B 41,161.67 = 4 × annual 123,485 ÷ 12, to the cent" in out


def test_guangzhou_2023_typo_stops_it_and_names_the_figures(tmp_path):
    r = standard_add(
        "Guangzhou",
        str(NOTICES / "guangzhou-2023-gudianfeng.txt"),
        "--source-url",
        "https://gudianfeng.com/new/f8af22363ead417eb73a02709964f0bf",
        *GZ_2023,
        "--data",
        str(tmp_path / "ov"),
    )
    assert r.returncode == 2, r.stdout + r.stderr
    assert "threshold B 41,996 disagrees with 4 × base 10,449 = 41,796" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "ov").exists()  # nothing written
    rows, _ = dry_run(
        "Guangzhou",
        "guangzhou-2023-gudianfeng.txt",
        *GZ_2023,
        "--threshold",
        "B=41796",
    )
    same_as_packaged(rows, "gz-2023")


def test_guangzhou_2023_from_seed_004_derives_the_base():
    rows, out = dry_run(
        "广州",
        "guangzhou-2023-seed004.txt",
        *GZ_2023,
    )
    same_as_packaged(rows, "gz-2023")
    assert "base 10,449 = threshold A 62,694 ÷ 6 (not printed in the notice)" in out


@pytest.mark.parametrize(
    "city, notice, valid_from, std",
    [
        ("Beijing", "beijing-2026.txt", "2026-02-04", "bj-2026"),
        ("Shanghai", "shanghai-2026.txt", "2026-02-03", "sh-2026"),
    ],
)
def test_beijing_shanghai_2026(city, notice, valid_from, std):
    rows, _out = dry_run(city, notice, "--valid-from", valid_from, "--basis", "all_urban", "--statistics-year", "2024")
    same_as_packaged(rows, std)


def test_missing_figures_are_asked_for_or_named(tmp_path):
    r = standard_add(
        "Wuhan",
        str(NOTICES / "wuhan-2024.html"),
        "--data",
        str(tmp_path),
    )
    assert r.returncode == 2 and "--valid-from" in r.stderr and "--source-url" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_conflicting_standard_is_not_written(tmp_path):
    r = standard_add(
        "Wuhan",
        str(NOTICES / "wuhan-2024.html"),
        "--source-url",
        "https://example.org/n",
        "--valid-from",
        "2024-07-01",
        "--data",
        str(tmp_path / "ov"),
    )
    assert r.returncode != 0 and "'wh-2024'" in r.stderr and "supersedes" in r.stderr
    assert not (tmp_path / "ov").exists()


HZ_NOTICE = """关于2025年度杭州市外国人来华工作许可工资收入计算标准的通知
2024年杭州市城镇非私营单位就业人员年平均工资162774元,折算为月平均工资13564.5元。
A类和B类工资收入计算标准分别为81387/月和54258/月。自2025年7月1日起至2026年6月30日止。"""


def test_new_city_written_to_an_overlay_and_used(tmp_path):
    # a notice in the form the cities publish; figures are 6×/4× 162,774 ÷ 12 (Hangzhou's 2024 non-private average)
    ov = tmp_path / "firm"
    r = standard_add(
        "Hangzhou",
        HZ_NOTICE,
        "--source-url",
        "https://example.org/hz-2025",
        "--confidence",
        "low",
        "--data",
        str(ov),
    )
    assert r.returncode == 0, r.stderr
    # the 2024 statistic is already packaged (wage-330100-2024-non_private, same amount): not repeated
    assert "wage statistic already in the data: wage-330100-2024-non_private (162774)" in r.stdout
    assert {p.name for p in ov.iterdir()} == {"documents.csv", "salary_standards.csv", "salary_thresholds.csv"}
    kg = KnowledgeGraph.load(data=ov)
    df = kg.query("salary_history", city="Hangzhou").set_index("category")
    assert df.monthly_threshold.to_dict() == {"A": Decimal("81387"), "B": Decimal("54258")}
    assert (str(df.valid_from.iloc[0].date()), str(df.valid_until.iloc[0].date()), df.wage_basis.iloc[0]) == (
        "2025-07-01",
        "2026-06-30",
        "non_private",
    )  # typed dates
    assert set(df.origin) == {f"overlay:{ov.resolve()}"}
    res = kg.assess({"city": "Hangzhou", "application_date": "2025-12-01", "monthly_salary_rmb": 81387})
    a = next(o for o in res["routes"] if o["criterion"] == "A-III-9")  # 不低于: the bound itself qualifies
    assert a["origin"][0]["origin"] == f"overlay:{ov.resolve()}"
    # adding it again conflicts with the overlay's own rows (duplicate id), and changes nothing
    before = (ov / "salary_standards.csv").read_bytes()
    r = standard_add(
        "Hangzhou",
        HZ_NOTICE,
        "--source-url",
        "https://example.org/hz-2025",
        "--data",
        str(ov),
    )
    assert r.returncode != 0 and (ov / "salary_standards.csv").read_bytes() == before


def test_fact_add_any_table(tmp_path):
    ov = tmp_path / "ov"
    r = run_cli(
        "fact",
        "add",
        "wage_statistics",
        "--data",
        str(ov),
        "--set",
        "id=wage-330100-2025-non_private",
        "--set",
        "jurisdiction=330100",
        "--set",
        "statistics_year=2025",
        "--set",
        "wage_basis=non_private",
        "--set",
        "annual_amount_cny=170000",
        "--set",
        "amount_status=published",
        "--set",
        "source_document=seed-004",
        "--set",
        "source_url=https://example.org/s",
        "--set",
        "quote=an internal note",
        "--set",
        "quote_kind=paraphrase",
        "--set",
        "confidence=unverified",
    )
    assert r.returncode == 0, r.stderr
    df = KnowledgeGraph.load(data=ov).query("wage_statistics", city="Hangzhou")
    row = df[df.year == 2025]
    assert len(row) == 1 and row.origin.iloc[0] == f"overlay:{ov.resolve()}"
    r = run_cli("fact", "add", "wage_statistics", "--data", str(tmp_path / "x"), "--set", "salary=1")
    assert r.returncode == 2 and "not a column of wage_statistics" in r.stderr and not (tmp_path / "x").exists()


def test_multiples_come_from_the_criteria():
    assert salary_multiples("2024-01-01") == {"A": Decimal(6), "B": Decimal(4)}
    ex = extract("A类和B类工资收入计算标准分别为60000/月和48000/月", {"A": Decimal(5), "B": Decimal(4)})
    ck = check(ex, {"A": Decimal(5), "B": Decimal(4)}, {})
    assert ck.base == Decimal(12000)  # 60,000 ÷ 5 — the multiple given, not a constant in code
    with pytest.raises(CheckError, match="threshold B 48,000 disagrees with 4 × base 10,000 = 40,000"):
        check(ex, {"A": Decimal(6), "B": Decimal(4)}, {})
