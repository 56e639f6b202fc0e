"""Couplings between data tables, each gated by a violation query (issue 17, "data changes without traps").

A salary threshold is the salary criterion's multiple × the standard's monthly base (2017 standard
A-III-9 / B-IV); it is derived wherever no figure is printed, so a standard entered without threshold
rows still has its thresholds. What stays stored twice is gated: the multiple on a threshold row vs
the criterion, a standard's monthly vs annual base, a threshold's monthly vs annual figure, a printed
threshold vs multiple × base. Each gate is shown to fail on a planted error and to hold one step
inside its bound.
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest

from talentkg.errors import ValidationError
from talentkg.graph.validate import run_violation_queries
from talentkg.kg import KnowledgeGraph
from talentkg.namespaces import TK, TKD
from tests.overlay_tables import HZ, HZ_A, MIKE_HZ, write

XSD_DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


def _copy(kg) -> ox.Store:
    s = ox.Store()
    s.bulk_extend(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return s


def _set(store: ox.Store, subject: str, prop: str, value: str | None) -> None:
    """Replace (or, with None, remove) every value of ``prop`` on ``subject`` — a planted data error."""
    s, p = ox.NamedNode(TKD + subject), ox.NamedNode(TK + prop)
    for q in list(store.quads_for_pattern(s, p, None, ox.DefaultGraph())):
        store.remove(q)
    if value is not None:
        store.add(ox.Quad(s, p, ox.Literal(value, datatype=XSD_DECIMAL), ox.DefaultGraph()))


def _gates(store: ox.Store) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for v in run_violation_queries(store):
        out.setdefault(v.check, []).append(v.detail)
    return out


def test_packaged_data_passes_every_gate(kg):
    assert _gates(_copy(kg)) == {}


@pytest.mark.parametrize(
    ("subject", "prop", "bad", "good", "gate"),
    [
        # Guangzhou 2023 A: 6 × 10,449 = 62,694 (criterion A-III-9 says 6)
        ("salary-threshold/gz-2023-A", "multiple", "5", "6", "threshold-multiple-violation"),
        # Guangzhou 2019: 12 × 9,157 = 109,884; printed annual 109,879 (5 off: rounding); 7 off is an error
        ("salary-standard/gz-2019", "annualAmount", "109877", "109878", "standard-annual-base-violation"),
        # Beijing 2026 A: 12 × 71,622 = 859,464
        ("salary-threshold/bj-2026-A", "annualAmount", "859471", "859470", "threshold-annual-violation"),
        # Shenzhen 2019 B: 4 × 9,192 = 36,768, no note; the base's rounding allows 4 × 0.5 = 2
        ("salary-threshold/sz-2019-B", "monthlyAmount", "36771", "36770", "threshold-difference-violation"),
    ],
)
def test_each_coupling_gate_fails_on_a_planted_error(kg, subject, prop, bad, good, gate):
    store = _copy(kg)
    _set(store, subject, prop, bad)
    found = _gates(store)
    assert list(found) == [gate] and len(found[gate]) == 1 and TKD + subject in found[gate][0]
    _set(store, subject, prop, good)
    assert _gates(store) == {}


def test_a_documented_difference_passes(kg):
    store = _copy(kg)
    _set(store, "salary-threshold/sz-2019-B", "monthlyAmount", "36900")
    assert list(_gates(store)) == ["threshold-difference-violation"]
    note = ox.Quad(
        ox.NamedNode(TKD + "salary-threshold/sz-2019-B"),
        ox.NamedNode(TK + "note"),
        ox.Literal("The bureau printed 36,900, not 4 × 9,192."),
        ox.DefaultGraph(),
    )
    store.add(note)
    assert _gates(store) == {}


def test_thresholds_derived_where_none_is_printed(kg):
    rows = kg.query("salary_history", city="Guangzhou").set_index(["standard", "category"])
    gz2020 = rows.loc[TKD + "salary-standard/gz-2020"]
    # hacos: base 10,291.5 a month, no threshold printed → 6 × and 4 × the base, from the standard's source
    assert gz2020.monthly_threshold.to_dict() == {"A": 61749, "B": 41166}
    assert set(gz2020.amount_status) == {"computed"} and set(gz2020.source_url) == {
        "https://www.hacos.cn/en/a25831fd7e/"
    }
    gz2023 = rows.loc[TKD + "salary-standard/gz-2023"]
    assert gz2023.monthly_threshold.to_dict() == {"A": 62694, "B": 41796}
    assert set(gz2023.amount_status) == {"published"} and set(gz2023.difference) == {0}


def test_a_printed_figure_wins_and_its_difference_is_reported(kg):
    cz = kg.query("salary_history", city="Changzhou").set_index("category")
    # Changzhou 2022 prints 740,910 / 12 = 61,742.5; 6 × the monthly base 10,290.42 = 61,742.52
    assert cz.monthly_threshold["A"] == 61742.5 and cz.derived_threshold["A"] == 61742.52
    assert Decimal(str(cz.difference["A"])) == Decimal("-0.02")
    assert Decimal(str(cz.difference["B"])) == Decimal("-0.01")  # 41,161.67 vs 4 × 10,290.42 = 41,161.68


def test_a_standard_without_threshold_rows_is_not_lost(tmp_path):
    write(tmp_path, "salary_standards", [HZ])  # Hangzhou 2025: base 13,565, no threshold rows
    hz = KnowledgeGraph.load(data=tmp_path)
    rows = hz.query("salary_history", city="Hangzhou").set_index("category")
    assert rows.monthly_threshold.to_dict() == {"A": 81390, "B": 54260}  # 6 × and 4 × 13,565
    assert set(rows.amount_status) == {"computed"}
    r = hz.assess(MIKE_HZ)  # 82,000 ≥ 81,390: the assessment derives the same threshold
    salary = next(o for o in r["routes"] if o["criterion"] == "A-III-9")
    assert salary["values"]["threshold"] == 81390 and r["verdict"] == "A"


def test_an_undocumented_printed_difference_fails_the_build(tmp_path):
    write(tmp_path, "salary_standards", [HZ])
    write(tmp_path, "salary_thresholds", [dict(HZ_A, monthly_amount_cny="81400", amount_status="published")])
    with pytest.raises(ValidationError, match="threshold-difference"):
        KnowledgeGraph.load(data=tmp_path)
