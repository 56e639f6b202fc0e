"""The README's hero figure (scripts/hero_figure.py): layered, full labels, a legend, deterministic;
read back from its SVG (text kept as text) and its PNG (issue 14)."""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import ROOT

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def hero():
    spec = importlib.util.spec_from_file_location("hero_figure", ROOT / "scripts" / "hero_figure.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def drawn(hero, kg, tmp_path_factory):
    a, b = tmp_path_factory.mktemp("hero-a"), tmp_path_factory.mktemp("hero-b")
    return hero.draw(kg, a), hero.draw(kg, b)


def _text(svg_path) -> str:
    root = ET.parse(svg_path).getroot()
    parts = ["".join(el.itertext()) for el in root.iter() if el.tag.endswith("}text")]
    return re.sub(r"\s+", " ", " ".join(parts))


def test_same_graph_gives_byte_identical_files(drawn):
    first, second = drawn
    assert [p.name for p in first] == ["policy_layers.png", "policy_layers.svg"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_layers_legend_and_full_labels(drawn, kg):
    text = _text(drawn[0][1])
    for title in ("Policy documents 政策文件", "Rules and criteria 规则与认定标准", "Where they apply 适用地区"):
        assert title in text
    for legend in (
        "Category A 高端人才（A类）",
        "Category B 专业人才（B类）",
        "Category C 其他人员（C类）",
        "jurisdiction 适用地区",
    ):
        assert legend in text
    crit = kg.query("criteria")
    evaluable = crit[crit.machine_evaluable.fillna(False)]
    assert len(evaluable) >= 10
    for r in evaluable.itertuples():  # every machine-evaluable criterion, its label in full (wrapped, never cut)
        assert f"{r.code}: {r.label_en}" in text, r.code
    for place in ("Guangzhou 广州市", "Foshan 佛山市", "China 中华人民共和国"):
        assert place in text


def test_png_is_not_blank(drawn):
    import matplotlib.image as mpimg

    img = mpimg.imread(drawn[0][0])
    assert img.shape[0] > 600 and img.shape[1] > 1000
    assert img[..., :3].std() > 0.05  # drawn, not a blank canvas
