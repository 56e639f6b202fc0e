"""Writes notebooks/*.ipynb from the cell sources below (run once when the notebooks change).

The notebooks are committed without outputs; `make test` executes them top to bottom.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "notebooks"

SETUP = """%matplotlib inline
import os
from pathlib import Path
import matplotlib.pyplot as plt
from matplotlib import font_manager
import pandas as pd
from talentkg import KnowledgeGraph

# Chinese labels need a CJK font (Debian: fonts-noto-cjk, in the Makefile's APT_PACKAGES); fail loudly rather than draw boxes
CJK = next((f.name for f in font_manager.fontManager.ttflist if f.name in ("Noto Sans CJK SC", "Noto Sans CJK JP")), None)
if CJK is None:
    raise RuntimeError("no CJK font found (looked for 'Noto Sans CJK SC'/'Noto Sans CJK JP'): install fonts-noto-cjk (make sysdeps)")
plt.rcParams["font.family"] = ["DejaVu Sans", CJK]
plt.rcParams["axes.unicode_minus"] = False

kg = KnowledgeGraph.load()
print(kg.graph)
# figures are shown inline; with TALENTKG_FIGURES set (the tests, `make notebooks-figures`) they are saved there too
FIGURES = Path(os.environ["TALENTKG_FIGURES"]) if os.environ.get("TALENTKG_FIGURES") else None
def save(fig, name):
    if FIGURES is not None:
        FIGURES.mkdir(parents=True, exist_ok=True)
        fig.savefig(FIGURES / name, dpi=110, bbox_inches="tight")
pd.set_option("display.max_colwidth", 80)"""

NOTEBOOKS = {
    "policy_linkages.ipynb": [
        new_markdown_cell(
            "# Policy linkages\n\nDocuments → clauses → rules → categories → jurisdictions, as a graph; a timeline of what "
            "changed when; and which documents are in force on a date. Everything comes from the library's "
            "queries and the public API (`KnowledgeGraph`)."
        ),
        new_code_cell(SETUP),
        new_markdown_cell(
            "## The graph of rules\n\n`kg.to_networkx(classes=...)` keeps the policy documents, the rules and criteria, "
            "the categories and the jurisdictions they apply in."
        ),
        new_code_cell("""import networkx as nx

keep = ["PolicyDocument", "EligibilityCriterion", "TalentCategory", "PermitRecognition", "DocumentExemption",
        "SalaryBenchmarkRule", "RequirementWaiver", "CategoryRetentionRule", "Pilot", "Municipality", "PrefectureCity", "Country"]
g = kg.to_networkx(classes=keep)
machine = {n for n, d in g.nodes(data=True) if "EligibilityCriterion" in d["types"]}
# keep the local rules and the machine-evaluable national criteria, to keep the figure readable
evaluable = set(kg.query("criteria").query("machine_evaluable == True").criterion)
drop = [n for n in machine if n not in evaluable and "/gzfs" not in n and "/pilot" not in n]
g.remove_nodes_from(drop)
g.remove_nodes_from([n for n in list(g) if g.degree(n) == 0])
print(g.number_of_nodes(), "nodes,", g.number_of_edges(), "edges")
pd.Series([d["types"].split(";")[0] for _, d in g.nodes(data=True)]).value_counts()"""),
        new_markdown_cell(
            "The same rules as layers — documents → rules and criteria (coloured by category) → the places they "
            "apply in — full labels and a legend: the README's figure, drawn by `scripts/hero_figure.py`."
        ),
        new_code_cell("""import sys
sys.path.insert(0, str(Path.cwd().parent / "scripts"))
from hero_figure import figure

fig = figure(kg)
save(fig, "policy_layers.png")"""),
        new_markdown_cell("## What changed when\n\nThe effective dates of the policy documents, from the graph."),
        new_code_cell("""docs = kg.sparql('''
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?document ?title ?start ?until WHERE {
  ?document a tk:PolicyDocument .
  OPTIONAL { ?document tk:effectiveFrom ?ef } OPTIONAL { ?document dcterms:issued ?is }
  BIND(COALESCE(?ef, ?is) AS ?start) FILTER(BOUND(?start))
  OPTIONAL { ?document tk:effectiveUntil ?until }
  OPTIONAL { ?document dcterms:title ?t FILTER(LANG(?t) = "en") }
  BIND(COALESCE(?t, STR(?document)) AS ?title)
} ORDER BY ?start''')
docs["start"] = pd.to_datetime(docs["start"])
docs["until"] = pd.to_datetime(docs["until"])
milestones = docs[docs.document.str.contains("std-2017|pilot-2023-gz|mohrss-2025|gz-catalogue-2025|gzfs-2026|points-t|gz-salary")]
milestones[["start", "until", "title"]]"""),
        new_code_cell("""fig, ax = plt.subplots(figsize=(11, 4))
for i, r in enumerate(milestones.itertuples()):
    end = r.until if pd.notna(r.until) else pd.Timestamp("2026-11-22")
    ax.plot([r.start, end], [i, i], lw=6, solid_capstyle="butt")
    ax.text(r.start, i + 0.25, r.title[:70], fontsize=7)
ax.set_yticks([])
ax.set_title("Validity of the main documents (open bars: no end date published)")
save(fig, "timeline.png")"""),
        new_markdown_cell(
            "## In force on a date\n\nThe `documents_in_force` query takes supersession and lapse into account."
        ),
        new_code_cell("""for date in ["2023-07-12", "2023-07-13", "2025-01-01", "2026-06-01"]:
    df = kg.query("documents_in_force", date=date)
    print(date, len(df), "documents in force:", ", ".join(d.rsplit("/", 1)[-1] for d in df.document))"""),
        new_code_cell(
            """kg.query("pilot_cities", date="2024-12-31")[["city", "city_zh", "valid_from", "valid_until", "notice_number"]]"""
        ),
    ],
    "qualification_catalogue.ipynb": [
        new_markdown_cell(
            "# The Guangzhou 2025 overseas-qualification catalogue\n\n**The 170 entries are a reconstruction**, "
            "not the official annex (which could not be obtained): every row carries its evidence flag, and this "
            "notebook shows it next to every count."
        ),
        new_code_cell(SETUP),
        new_code_cell("""summary = kg.query("catalogue_summary")
table = summary.pivot_table(index="sector_en", columns="level", values="entries", aggfunc="sum", fill_value=0, margins=True, margins_name="total")
table = table[["assistant_engineer", "engineer", "senior_engineer", "total"]]
table"""),
        new_code_cell(
            """kg.query("catalogue_totals").query("catalogue == 'gz-2025'")[["dimension", "value", "published", "loaded"]]"""
        ),
        new_code_cell("""ev = summary.groupby("sector_en")[["body_named_in_notice", "reconstructed"]].sum()
fig, ax = plt.subplots(figsize=(9, 4))
ev.plot.barh(stacked=True, ax=ax, color=["#4c72b0", "#bbbbbb"])
ax.set_xlabel("entries")
ax.set_title("Guangzhou 2025 catalogue by sector — evidence behind each entry (reconstruction)")
save(fig, "catalogue_evidence.png")"""),
        new_markdown_cell("## Issuing countries and regions"),
        new_code_cell("""entries = kg.query("qualification_equivalents")
entries.groupby(["country_region", "evidence"]).size().unstack(fill_value=0).sort_values("reconstructed", ascending=False)"""),
        new_markdown_cell("## Senior Engineer entries in IT & AI, with their evidence (competency question 15)"),
        new_code_cell(
            """kg.query("qualification_equivalents", level="senior_engineer", sector="it_ai")[["id", "name_en", "issuing_body", "country_region", "evidence"]]"""
        ),
        new_markdown_cell("## Linked occupations: NOC 2022 ↔ ISCO-08 (through the entries)"),
        new_code_cell("""cw = kg.query("occupation_crosswalk")
cw.groupby(["noc2022_minor", "isco08"]).entry.count().sort_values(ascending=False).head(15)"""),
        new_code_cell(
            """kg.query("qualification_lookup", name="Chartered Engineer")[["id", "name_en", "level_zh", "evidence", "title_is_automatic", "rule_en"]]"""
        ),
    ],
    "salary_thresholds.ipynb": [
        new_markdown_cell(
            "# Salary thresholds across cities and periods\n\nA and B monthly thresholds from the graph; an "
            "applicant's category as the date moves across standards; and what the 2026 Guangzhou–Foshan unified "
            "benchmark changes — including what is unknown."
        ),
        new_code_cell(SETUP),
        new_code_cell("""hist = kg.query("salary_history")
hist[["city_name", "valid_from", "valid_until", "category", "monthly_threshold", "amount_status"]]"""),
        new_code_cell("""from matplotlib.lines import Line2D
fig, ax = plt.subplots(figsize=(12, 6))
cities = sorted(hist.city_name.unique())
colours = dict(zip(cities, plt.cm.tab10.colors))
for (city, cat), df in hist.groupby(["city_name", "category"]):
    for r in df.sort_values("valid_from").itertuples():
        start = r.valid_from
        end = r.valid_until if pd.notna(r.valid_until) else start + pd.DateOffset(months=12)
        ax.plot([start, end], [r.monthly_threshold] * 2, lw=3, color=colours[city], ls="-" if cat == "A" else "--")
ax.set_ylabel("monthly threshold (CNY) 月薪标准线（元）")
ax.set_title("A (solid) and B (dashed) salary thresholds by city 各城市A类（实线）、B类（虚线）工资标准线")
handles = [Line2D([], [], color=colours[c], lw=3, label=c) for c in cities]
handles += [Line2D([], [], color="black", lw=2, ls="-", label="A 类"), Line2D([], [], color="black", lw=2, ls="--", label="B 类")]
ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), title="city / category 城市 / 类别")
ax.grid(alpha=0.3)
save(fig, "salary_thresholds.png")"""),
        new_markdown_cell(
            "## One applicant, many dates\n\nThe same Guangzhou applicant earning RMB 65,000 a month, assessed in one batch "
            "at dates across the standards. Undetermined where the data has no standard in force."
        ),
        new_code_cell("""dates = ["2019-10-01", "2020-03-01", "2020-08-01", "2022-01-10", "2023-07-12", "2023-07-13", "2024-07-12", "2024-07-13", "2026-03-03"]
profiles = [{"id": d, "city": "Guangzhou", "application_date": d, "monthly_salary_rmb": 65000} for d in dates]
results = kg.assess(profiles)
pd.DataFrame([{"date": r["as_of"], "verdict": r["verdict"],
               "A route": next((x.get("detail") or x.get("reason") for k in ("routes", "not_met", "undetermined") for x in r[k] if x["criterion"] == "A-III-9"), None)}
              for r in results])"""),
        new_markdown_cell(
            "## Foshan and the 2026 unified benchmark\n\nFrom 2026-03-03 both cities use the previous year's average "
            "wage of urban employees in Guangdong province. That figure is not in the data, so the graph says so."
        ),
        new_code_cell(
            """kg.query("salary_threshold", city="Foshan", date="2026-06-01")[["category", "status", "reason"]]"""
        ),
        new_code_cell(
            """kg.query("wage_statistics", city="Guangdong")[["year", "basis", "annual_average", "confidence"]]"""
        ),
    ],
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(
            cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
        )
        for k, cell in enumerate(nb.cells):  # stable cell ids: the same sources give the same files
            cell.id = f"{Path(name).stem.replace('_', '-')}-{k}"
        nbformat.write(nb, OUT / name)
        print("written", OUT / name)


if __name__ == "__main__":
    main()
