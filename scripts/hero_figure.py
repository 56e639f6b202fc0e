"""The README's hero figure: policy documents → rules and criteria → jurisdictions, in layers.

    python scripts/hero_figure.py [OUT_DIR]        (default docs/figures; `make figures`)

Writes policy_layers.png (the README) and policy_layers.svg (text kept as text, so a test reads the
labels back). Layered, not force-directed: one column per layer, every label in full (wrapped, never
cut), each rule coloured by the talent category it leads to, a legend; nodes ordered within a layer
by the mean position of their neighbours (fewer crossings). Deterministic: the same graph gives
byte-identical files (fixed order, no dates in the metadata, a fixed SVG hash salt).

The content comes from the graph through the public API (`kg.to_networkx`, `kg.query("criteria")`):
the machine-evaluable national criteria and every local rule (recognitions, exemptions, benchmark
rules, waivers, retention rules, pilots), the documents they come from and where they apply.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

RULE_CLASSES = (
    "EligibilityCriterion",
    "PermitRecognition",
    "DocumentExemption",
    "SalaryBenchmarkRule",
    "RequirementWaiver",
    "CategoryRetentionRule",
    "Pilot",
)
PLACE_CLASSES = ("Municipality", "PrefectureCity", "Country", "Province", "District")
PLACE_EDGES = ("jurisdiction", "memberJurisdiction", "fromJurisdiction", "toJurisdiction")
CATEGORY_EDGES = ("grantsCategory", "appliesToCategory")
CATEGORY_COLOURS = {"A": "#c44e52", "B": "#dd8452", "C": "#ccb974", None: "#8172b3"}
DOC_COLOUR, PLACE_COLOUR = "#4c72b0", "#55a868"
LAYERS = (
    ("Policy documents 政策文件", "documents"),
    ("Rules and criteria 规则与认定标准", "rules"),
    ("Where they apply 适用地区", "places"),
)
WRAP = 46


def _types(d) -> set[str]:
    return set(d["types"].split(";"))


def layers(kg):
    """{layer: [(node, label, category)]} and the edges between adjacent layers (deterministic)."""
    g = kg.to_networkx(classes=["PolicyDocument", "TalentCategory", *RULE_CLASSES, *PLACE_CLASSES])
    crit = kg.query("criteria")
    evaluable = set(crit[crit.machine_evaluable.fillna(False)].criterion)
    code = dict(zip(crit.criterion, crit.code))
    rules = sorted(
        n
        for n, d in g.nodes(data=True)
        if _types(d) & set(RULE_CLASSES) and ("EligibilityCriterion" not in _types(d) or n in evaluable)
    )
    cat_of, docs, places, edges = {}, set(), set(), set()
    for r in rules:
        for _, o, e in g.out_edges(r, data=True):
            p, od = e.get("predicate"), g.nodes[o]
            if p in CATEGORY_EDGES and "TalentCategory" in _types(od):
                local = o.rsplit("#", 1)[-1].rsplit("/", 1)[-1]  # tk:CategoryA
                cat_of[r] = local[-1] if local.startswith("Category") else None
            elif p == "instrument" and "PolicyDocument" in _types(od):
                docs.add(o)
                edges.add((o, r))
            elif p in PLACE_EDGES and _types(od) & set(PLACE_CLASSES):
                places.add(o)
                edges.add((r, o))

    def label(n):
        d = g.nodes[n]
        en, zh = d.get("label_en") or d.get("label") or n.rsplit("/", 1)[-1], d.get("label_zh")
        if n in code:
            en = f"{code[n]}: {en}"
        if n in places and zh:
            en = f"{en} {zh}"
        return "\n".join(textwrap.wrap(en, WRAP, break_on_hyphens=False, break_long_words=False)) or en

    def category(n):
        c = cat_of.get(n)
        return c if c in CATEGORY_COLOURS else None

    order_rules = sorted(rules, key=lambda n: (str(category(n) or "Z"), code.get(n, "~"), label(n)))
    pos = {n: i for i, n in enumerate(order_rules)}

    def bary(n, nbrs):
        ys = sorted(pos[m] for m in nbrs if m in pos)
        return (sum(ys) / len(ys) if ys else 0.0, label(n))

    order_docs = sorted(docs, key=lambda n: bary(n, [r for d_, r in edges if d_ == n]))
    order_places = sorted(places, key=lambda n: bary(n, [r for r, p in edges if p == n]))
    out = {
        "documents": [(n, label(n), None) for n in order_docs],
        "rules": [(n, label(n), category(n)) for n in order_rules],
        "places": [(n, label(n), None) for n in order_places],
    }
    return out, sorted(edges)


def draw(kg, out_dir: Path) -> list[Path]:
    """The README's figure, written as PNG and SVG into ``out_dir`` (headless: the Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = figure(kg)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "policy_layers.png", out_dir / "policy_layers.svg"]
    fig.savefig(paths[0], dpi=100, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(paths[1], bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return paths


def figure(kg):
    """The layered figure as a matplotlib Figure, on the current backend (inline in a notebook)."""
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    from matplotlib.lines import Line2D

    cjk = next(
        (f.name for f in font_manager.fontManager.ttflist if f.name in ("Noto Sans CJK SC", "Noto Sans CJK JP")), None
    )
    if cjk is None:
        raise RuntimeError("no CJK font found ('Noto Sans CJK SC'/'JP'): install fonts-noto-cjk (make sysdeps)")
    plt.rcParams.update(
        {
            "font.family": ["DejaVu Sans", cjk],
            "svg.fonttype": "none",
            "svg.hashsalt": "talentkg",
            "axes.unicode_minus": False,
        }
    )
    cols, edges = layers(kg)
    xs = {"documents": 0.0, "rules": 1.0, "places": 2.1}
    label_end = 1.72  # edges to the places start right of the rules' labels, never across them
    rows = max(sum(lbl.count("\n") + 1.6 for _, lbl, _ in v) for v in cols.values())
    height = max(8.0, rows * 0.16)
    y: dict[str, tuple[float, float]] = {}
    for layer, nodes in cols.items():
        total = sum(lbl.count("\n") + 1.6 for _, lbl, _ in nodes)
        cur = (rows - total) / 2
        for n, lbl, _ in nodes:
            h = lbl.count("\n") + 1.6
            y[n] = (xs[layer], rows - (cur + h / 2))
            cur += h
    fig, ax = plt.subplots(figsize=(19, height))
    for a, b in edges:
        (x1, y1), (x2, y2) = y[a], y[b]
        x1 = label_end if x1 == xs["rules"] else x1 + 0.02
        ax.plot([x1, x2 - 0.02], [y1, y2], color="#999999", lw=0.6, alpha=0.5, zorder=1)
    for layer, nodes in cols.items():
        x = xs[layer]
        for n, lbl, cat in nodes:
            colour = (
                CATEGORY_COLOURS[cat] if layer == "rules" else (DOC_COLOUR if layer == "documents" else PLACE_COLOUR)
            )
            ax.scatter([x], [y[n][1]], s=40, color=colour, zorder=3)
            right = layer == "documents"
            ax.text(
                x - 0.03 if right else x + 0.03,
                y[n][1],
                lbl,
                ha="right" if right else "left",
                va="center",
                fontsize=7,
                zorder=4,
            )
    for title, layer in LAYERS:
        ax.text(xs[layer], rows + 1.5, title, ha="center", va="bottom", fontsize=11, fontweight="bold")
    handles = [
        Line2D([], [], marker="o", ls="", color=DOC_COLOUR, label="policy document 政策文件"),
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            color=CATEGORY_COLOURS["A"],
            label="criterion / rule for Category A 高端人才（A类）",
        ),
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            color=CATEGORY_COLOURS["B"],
            label="criterion / rule for Category B 专业人才（B类）",
        ),
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            color=CATEGORY_COLOURS["C"],
            label="criterion / rule for Category C 其他人员（C类）",
        ),
        Line2D(
            [], [], marker="o", ls="", color=CATEGORY_COLOURS[None], label="rule for no single category 不限类别的规则"
        ),
        Line2D([], [], marker="o", ls="", color=PLACE_COLOUR, label="jurisdiction 适用地区"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=8, frameon=False)
    ax.set_xlim(-1.05, 3.0)
    ax.set_ylim(-1, rows + 3)
    ax.axis("off")
    ax.set_title(
        "talentkg: which document sets which rule, for which category, where "
        "(machine-evaluable national criteria and every local rule)",
        fontsize=12,
    )
    return fig


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from talentkg import KnowledgeGraph

    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "docs" / "figures"
    for p in draw(KnowledgeGraph.load(), out):
        print(f"written {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
