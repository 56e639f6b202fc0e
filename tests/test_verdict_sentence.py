"""The verdict sentence (issue 10 / 15): one template per verdict code in data/messages.csv, in
English and Chinese, the same through every interface — the JSON (rendered by talentkg.messages
from the code and its typed values), the batch summary (rendered in SPARQL by the block generated
from the same templates), and `assess --lang zh`.

Expected figures from seed 004 (Guangzhou 2023: 6 × 10,449 = 62,694; 4 × 10,449 = 41,796) and the
basic conditions (应年满18周岁; B 不超过60周岁, relaxable)."""

from __future__ import annotations

import json
import re

import pytest

from talentkg import messages
from talentkg.assess import summarise_profiles
from talentkg.resources import QUERIES_DIR
from tests.conftest import run_cli

GZ = {"city": "Guangzhou", "application_date": "2023-12-01"}
PROFILES = [
    {**GZ, "monthly_salary_rmb": 62694},  # A
    {**GZ, "monthly_salary_rmb": 62693},  # B, A open
    {**GZ, "monthly_salary_rmb": 41795, "age": 30, "points": 40, "education": "associate"},  # C
    {**GZ, "monthly_salary_rmb": 65000, "age": 17},  # basic conditions not met, A route met
    {**GZ, "monthly_salary_rmb": 9000, "age": 17, "points": 40, "education": "associate"},  # basic not met
    {**GZ, "monthly_salary_rmb": 43000, "age": 61},  # B condition undetermined
    {**GZ, "application_date": "2017-03-31", "monthly_salary_rmb": 65000},  # no standard in force
    {**GZ},  # undetermined
]
EXPECTED_CODES = [
    "verdict.met",
    "verdict.met_higher_open",
    "verdict.category_c",
    "verdict.basic_conditions_not_met_route_met",
    "verdict.basic_conditions_not_met",
    "verdict.condition_undetermined",
    "verdict.no_standard_in_force",
    "verdict.undetermined",
]


@pytest.fixture(scope="module")
def results(kg):
    return [kg.assess(p) for p in PROFILES]


def test_every_verdict_code_the_step_writes_has_a_template_and_every_template_is_written():
    step = (QUERIES_DIR / "assess" / "40-verdict.ru").read_text(encoding="utf-8")
    code_bind = step[step.index('BIND(IF(?noStandard, "verdict.') : step.index("AS ?code)")]
    written = set(re.findall(r'"(verdict\.[a-z_]+)"', code_bind))
    templated = {c for c in messages.templates() if c.startswith("verdict.")}
    assert written == templated and len(written) == 12
    for c in templated:
        t = messages.templates()[c]
        assert t["zh"] and t["source_note"], c
        assert messages.placeholders(t["en"]) == messages.placeholders(t["zh"]), c
        assert not re.search(r"[A-Za-z]{4,}", re.sub(r"\{\w+\}", "", t["zh"])), c  # no English inside zh


def test_codes_and_typed_values(results):
    assert [r["reason_code"] for r in results] == EXPECTED_CODES
    assert results[0]["reason_values"] == {"category": "A"}
    assert results[1]["reason_values"] == {"category": "B", "open_category": "A"}
    assert results[3]["reason_values"] == {"condition_not_met_category": "A"}
    assert results[5]["reason_values"] == {"condition_open_category": "B"}
    assert results[6]["reason_values"] == {"city": "440100", "date": "2017-03-31", "valid_from": "2017-04-01"}
    assert isinstance(results[7]["reason_values"]["count"], int) and results[7]["reason_values"]["count"] > 0
    assert results[7]["reason_values"]["count"] == len(
        [o for o in results[7]["undetermined"] if o.get("category") in ("A", "B")]
    )


def test_chinese_sentences(results):
    zh = [r["reason_zh"] for r in results]
    assert zh[0] == "符合A类认定条件之一"
    assert zh[2] == "不符合A类、B类认定条件，符合基本条件：可列为C类（实行配额管理）"
    assert zh[3] == "不满足申请人应当具备的基本条件（见“不满足”），虽符合A类认定条件之一，仍不能列入任何类别"
    assert zh[6] == "2017-03-31广州市尚无有效的外国人来华工作分类标准：数据中适用于该地的认定条件自2017-04-01起施行"
    n = results[7]["reason_values"]["count"]
    assert zh[7] == f"不符合任何A类或B类认定条件，另有{n}项无法根据现有数据判定（见“无法判定”）"


def test_json_and_batch_give_the_same_sentence_in_both_languages(kg, results):
    """talentkg.messages (JSON) and the SPARQL block generated from the same template (batch) agree."""
    batch = summarise_profiles(kg, PROFILES)
    for r, b in zip(results, batch):
        assert (b["verdict"], b["reason_code"], b["reason"], b["reason_zh"]) == (
            r["verdict"],
            r["reason_code"],
            r["reason"],
            r["reason_zh"],
        )


def test_cli_lang_zh_prints_the_chinese_verdict(tmp_path):
    p = tmp_path / "leo.json"
    p.write_text(json.dumps({**GZ, "monthly_salary_rmb": 43000}), encoding="utf-8")
    zh = run_cli("assess", str(p), "--lang", "zh")
    assert zh.returncode == 0, zh.stderr
    assert "符合B类认定条件之一；A类认定条件无法判定（见“无法判定”）" in zh.stdout.splitlines()[1]
    en = run_cli("assess", str(p), "--lang", "en")
    assert "a Category B route is met; a Category A route is undetermined" in en.stdout.splitlines()[1]


# ---------------------------------------------------------------- conditions in Chinese sentences

NATIONAL_ZH = "仅适用于按全国统一标准（而非地方补充标准）认定的外国高端人才"


def test_every_recorded_condition_has_its_chinese_text():
    import csv

    from talentkg.resources import DATA_DIR

    for name in ("recognitions.csv", "category_retention_rules.csv"):
        with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["condition_en"]:
                    assert row["condition_zh"] and not re.search(r"[A-Za-z]{4,}", row["condition_zh"]), row["id"]
                    assert "condition_zh" in row["note"], row["id"]  # its basis (a translation) is stated


def test_a_conditional_recognition_and_exemption_speak_chinese_in_zh(kg):
    """seed 003: one-time approval, nationwide recognition — only for unified-standard A talent."""
    r = kg.assess(
        {
            "city": "Shanghai",
            "application_date": "2026-01-15",
            "previous_city": "Beijing",
            "previous_category": "A",
            "monthly_salary_rmb": 90000,
        }
    )
    rec = next(o for o in r["undetermined"] if o["criterion"] == "national-a-one-time")
    assert rec["reason_zh"] == "北京市签发的A类工作许可在上海市互认，无需重新审核——前提是：" + NATIONAL_ZH + (
        "；变更用人单位的，可在新工作地直接申请同类别工作许可，无需重新提交证明材料"
    )
    assert rec["reason"].endswith("without resubmitting supporting documents.")  # English stays English
    assert rec["values"]["condition"].startswith("Only for talent recognised under the unified national standard")
    ex = next(e for e in r["document_exemptions"] if e["document_type"] == "all_supporting_documents")
    assert ex["status"] == "undetermined"
    assert ex["reason_zh"] == "该免交规定所依据的互认仅在以下情形适用：" + NATIONAL_ZH + (
        "；变更用人单位的，可在新工作地直接申请同类别工作许可，无需重新提交证明材料"
    )
    # the library query gives the same Chinese sentence, one row per exemption (no language duplicates)
    rows = kg.rows("document_exemptions", from_city="Beijing", to_city="Shanghai", date="2026-01-15", category="A")
    lib = [x for x in rows if x["document_type"].endswith("all_supporting_documents")]
    assert len(lib) == 1 and lib[0]["reason_zh"] == ex["reason_zh"]
    assert len(kg.rows("recognition", from_city="Beijing", to_city="Shanghai", date="2026-01-15", category="A")) == 1
