"""The ontology documentation is generated from the ontology (pyLODE), so it cannot go stale;
one page per language, so English and Chinese labels never run together (issue 14)."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from tests.conftest import run_cli

TK = "https://w3id.org/talentkg/ontology#"


@pytest.mark.parametrize("lang,other", [("en", "zh"), ("zh", "en")])
def test_each_page_shows_one_language(lang, other):
    from talentkg.docs import one_language

    g = one_language(lang)
    labels = set(g.objects(URIRef(TK + "SalaryStandard"), RDFS.label))
    # ontology/talentkg.ttl: rdfs:label "salary standard"@en , "工资收入计算标准"@zh
    expected = {"en": Literal("salary standard", lang="en"), "zh": Literal("工资收入计算标准", lang="zh")}
    assert labels == {expected[lang]}
    langs = {o.language for p in (RDFS.label, SKOS.definition) for o in g.objects(None, p) if isinstance(o, Literal)}
    assert lang in langs
    # every term has an English and a Chinese label and definition (the ontology-annotation gate):
    # no text of the other language remains on either page
    assert other not in langs
    d = set(g.objects(URIRef(TK + "SalaryStandard"), SKOS.definition))
    assert {o.language for o in d} == {lang}
    if lang == "zh":  # ontology/talentkg.ttl: the Chinese definition of tk:SalaryStandard
        assert any("上一年度当地平均工资" in o for o in d)


def test_a_term_without_a_chinese_definition_keeps_its_english_one(monkeypatch, tmp_path):
    """Nothing lost: where a term has no text in the page's language, the other language stays."""
    import talentkg.docs
    from talentkg.resources import ONTOLOGY_FILE

    text = ONTOLOGY_FILE.read_text(encoding="utf-8")
    zh = ' , "公布的月基数（上一年度当地平均工资），6 倍和 4 倍工资条件以其为基数相乘；对应一个行政区和一个有效期。"@zh'
    assert zh in text
    stripped = tmp_path / "talentkg.ttl"
    stripped.write_text(text.replace(zh, ""), encoding="utf-8")
    monkeypatch.setattr(talentkg.docs, "ONTOLOGY_FILE", stripped)
    d = set(talentkg.docs.one_language("zh").objects(URIRef(TK + "SalaryStandard"), SKOS.definition))
    assert {o.language for o in d} == {"en"}


@pytest.mark.slow
def test_pylode_docs(tmp_path):
    r = run_cli("docs", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "INFO" not in r.stderr and "DEBUG" not in r.stderr, r.stderr
    en = (tmp_path / "index.html").read_text(encoding="utf-8")
    zh = (tmp_path / "zh" / "index.html").read_text(encoding="utf-8")
    for html in (en, zh):
        for text in ("SalaryStandard", "CatalogueEntry", "EligibilityCriterion", "0.1.0"):
            assert text in html, text
    assert "工资收入计算标准" in zh and "工资收入计算标准" not in en
    assert '<html lang="en">' in en and '<html lang="zh">' in zh
    assert 'href="zh/index.html"' in en and 'href="../index.html"' in zh
