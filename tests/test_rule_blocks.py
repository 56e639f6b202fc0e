"""Rule blocks (queries/blocks) and message templates (data/messages.csv): generated text up to date,
every code used exists, every placeholder is fillable."""

from __future__ import annotations

import re

from talentkg import blocks, messages
from talentkg.resources import QUERIES_DIR


def test_generated_regions_are_up_to_date():
    assert blocks.main(["--check"]) == 0, "run: python -m talentkg.blocks"


def test_blocks_are_used_by_both_the_library_and_the_assessment():
    users: dict[str, set[str]] = {}
    for p in blocks.targets():
        for m in re.finditer(r"#> block ([\w-]+)", p.read_text(encoding="utf-8")):
            # the assessment: its steps and the queries reading its results (assess_*.rq, e.g. assess_transfer)
            assess = p.parent.name == "assess" or p.name.startswith("assess_")
            users.setdefault(m.group(1), set()).add("assess" if assess else "library")
    for name in (
        "criteria-in-force",
        "salary-standard",
        "salary-threshold",
        "recognition-in-force",
        "recognition-terms",
        "exemption-in-force",
        "exemption-terms",
    ):
        assert users.get(name) == {"assess", "library"}, (name, users.get(name))


def test_block_rename_and_prefix():
    text = blocks.block_text("valid-on", {"fact": "?rule", "as": "r"})
    assert "?rule tk:validFrom ?r_vf ." in text
    assert not any("?fact" in ln or "?_vf" in ln for ln in text)


def test_every_message_code_written_by_a_query_exists():
    known = messages.templates()
    used = set()
    for p in [*QUERIES_DIR.glob("*.rq"), *(QUERIES_DIR / "assess").glob("*.ru")]:
        used |= set(
            re.findall(
                r'"((?:salary|recognition|exemption|catalogue|verdict)\.[a-z_]+)"', p.read_text(encoding="utf-8")
            )
        )
    assert used and used <= set(known), sorted(used - set(known))


def test_templates_have_both_languages_and_the_same_placeholders():
    for code, t in messages.templates().items():
        assert t["en"] and t["zh"], code
        assert messages.placeholders(t["zh"]) <= messages.placeholders(t["en"]) | {"category"}, code


def test_render_salary_sentences():
    v = {"applicant_value": 65000, "multiple": 6, "base": 10449, "threshold": 62694}
    assert messages.render("salary.met", v) == "65000 ≥ 6 × 10449 = 62694"
    assert (
        messages.render("salary.met", v, "zh") == "月薪65000元，不低于本地区上年度社会平均工资10449元的6倍（62694元）"
    )
    labels = {"area": {"en": "Shenzhen", "zh": "深圳市"}}
    assert (
        messages.render("salary.no_standard", {"area": "440300", "date": "2020-07-01"}, "zh", labels)
        == "数据中没有深圳市在2020-07-01有效的工资收入标准"
    )


# the validity idiom (valid-on) and the inheritance idiom (within), written out by hand
VALIDITY_IDIOM = re.compile(r"tk:validUntil\s+\?\w+\s+FILTER\s*\(")
WITHIN_IDIOM = re.compile(r"\?\w+\s+tk:parentJurisdiction\*\s+\?\w+\s*\}")


def _outside_blocks(path):
    depth = 0
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if blocks.BEGIN.match(line):
            depth += 1
        elif line.strip().startswith(blocks.END):
            depth -= 1
        elif depth == 0 and not line.lstrip().startswith("#"):
            yield n, line


def test_no_query_or_step_writes_the_validity_idiom_out():
    """Every validity decision includes the valid-on block (issue 10: nothing else re-derives validity)."""
    found = [f"{p.name}:{n}" for p in blocks.targets() for n, ln in _outside_blocks(p) if VALIDITY_IDIOM.search(ln)]
    assert found == []


def test_no_assessment_step_writes_the_inheritance_idiom_out():
    steps = sorted((QUERIES_DIR / "assess").glob("*.ru"))
    found = [f"{p.name}:{n}" for p in steps for n, ln in _outside_blocks(p) if WITHIN_IDIOM.search(ln)]
    assert found == []


def test_the_idiom_guard_sees_a_written_out_idiom(tmp_path):
    p = tmp_path / "x.ru"
    p.write_text(
        "  FILTER NOT EXISTS { ?w tk:validUntil ?vu FILTER(?d > ?vu) }\n  #> block valid-on\n"
        "  FILTER NOT EXISTS { ?fact tk:validUntil ?_vu FILTER(?date > ?_vu) }\n  #< block valid-on\n",
        encoding="utf-8",
    )
    assert [n for n, ln in _outside_blocks(p) if VALIDITY_IDIOM.search(ln)] == [1]


def test_a_block_whose_name_starts_another_blocks_name_is_expanded_once():
    """Regression: the end marker of block recognition matched '#< block recognition-terms' inside it."""
    lines = ["  #> block recognition", "  #< block recognition"]
    once = blocks.expand(lines)
    assert blocks.expand(once) == once
    assert sum(ln.strip() == "#< block recognition-terms" for ln in once) == 1
    assert once[-1] == "  #< block recognition"


# issue 10: what is in force in a place on a date is decided by step 0 (05-contexts.ru), once per
# (city, date) context and per (previous city, city, date) transfer context; the other steps and the
# assessment's read queries take it from the context (tk:applicableRule, tk:applicantConditionInForce,
# tk:waiverInForce, tk:recognitionInForce, tk:exemptionInForce …), never re-derive it
IN_FORCE_BLOCKS = {
    "valid-on",
    "document-in-force",
    "criteria-in-force",
    "points-scheme-in-force",
    "salary-standard",
    "recognition",
    "recognition-in-force",
    "exemption",
    "exemption-in-force",
    "waiver-in-force",
    "applicant-condition-in-force",
    "within",
}
SELECTS_A_RULE = re.compile(
    r"\ba\s+tk:(PermitRecognition|DocumentExemption|RequirementWaiver|ApplicantCondition|EligibilityCriterion|SalaryStandard"
    r"|SalaryBenchmarkRule|PointsScheme)\b"
)


def _in_force_decisions(path):
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = blocks.BEGIN.match(line)
        if m and m["name"] in IN_FORCE_BLOCKS:
            out.append(f"{path.name}:{n}: block {m['name']}")
        elif not line.lstrip().startswith("#") and "EXISTS" not in line and SELECTS_A_RULE.search(line):
            # (a type test, FILTER NOT EXISTS { ?rule a tk:ApplicantCondition }, selects nothing)
            out.append(f"{path.name}:{n}: {line.strip()}")
    return out


def _context_readers():
    return [p for p in sorted((QUERIES_DIR / "assess").glob("*.ru")) if p.name != "05-contexts.ru"] + [
        QUERIES_DIR / "assess_transfer.rq"
    ]


def test_only_the_resolver_step_decides_what_is_in_force():
    assert [p.name for p in _context_readers()][:1] == ["10-points-factors.ru"]
    found = [f for p in _context_readers() for f in _in_force_decisions(p)]
    assert found == []
    # and the resolver does decide each of them, from the blocks
    resolver = _in_force_decisions(QUERIES_DIR / "assess" / "05-contexts.ru")
    for name in (
        "criteria-in-force",
        "points-scheme-in-force",
        "salary-standard",
        "recognition-in-force",
        "exemption-in-force",
        "waiver-in-force",
        "applicant-condition-in-force",
    ):
        assert any(f.endswith(f"block {name}") for f in resolver), name


def test_the_in_force_guard_sees_a_step_deciding_validity(tmp_path):
    p = tmp_path / "34-x.ru"
    p.write_text(
        "  # ?w a tk:RequirementWaiver (a comment)\n  FILTER NOT EXISTS { ?rule a tk:ApplicantCondition }\n"
        "  ?lw a tk:RequirementWaiver ; tk:waivesCriterion ?rule .\n"
        "      #> block valid-on fact=?lw as=_w\n      #< block valid-on\n"
        "  #> block recognition-terms\n  #< block recognition-terms\n",
        encoding="utf-8",
    )
    assert _in_force_decisions(p) == [
        "34-x.ru:3: ?lw a tk:RequirementWaiver ; tk:waivesCriterion ?rule .",
        "34-x.ru:4: block valid-on",
    ]
