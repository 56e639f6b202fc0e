"""`talentkg catalogue export`: the catalogue as a workbook (one sheet per title level and per sector),
and the Chinese-name status of the catalogue entries (issue 14)."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from tests.conftest import run_cli

# seed 002: "50 … Assistant Engineer, 90 … Engineer, and 30 … Senior Engineer"; sectors 58/46/22/22/13/9
LEVEL_SHEETS = {"助理工程师 Assistant Engineer": 50, "工程师 Engineer": 90, "高级工程师 Senior Engineer": 30}
SECTOR_SHEETS = {
    "信息技术与人工智能": 58,
    "工程建设与建筑交通": 46,
    "先进制造与自动化": 22,
    "生物医药与健康": 22,
    "绿色发展与可持续": 13,
    "能源化工与新材料": 9,
}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "catalogue.xlsx"
    r = run_cli("catalogue", "export", "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out, load_workbook(out)


def _rows(ws):
    header, *rows = list(ws.iter_rows(values_only=True))
    return header, [dict(zip(header, r)) for r in rows]


def test_one_sheet_per_level_and_sector_with_published_counts(workbook):
    _, wb = workbook
    assert wb.sheetnames == ["About 说明", *LEVEL_SHEETS, *SECTOR_SHEETS]
    for name, n in {**LEVEL_SHEETS, **SECTOR_SHEETS}.items():
        _, rows = _rows(wb[name])
        assert len(rows) == n, name
    _, eng = _rows(wb["工程师 Engineer"])
    assert {r["Title level code 职称级别代码"] for r in eng} == {"engineer"}
    assert {r["职称 Title level (zh)"] for r in eng} == {"工程师"}
    _, it = _rows(wb["信息技术与人工智能"])
    assert {r["Sector code 领域代码"] for r in it} == {"it_ai"}


def test_bilingual_headers_frozen_and_evidence_on_every_row(workbook):
    _, wb = workbook
    for name in [*LEVEL_SHEETS, *SECTOR_SHEETS]:
        ws = wb[name]
        header, rows = _rows(ws)
        assert ws.freeze_panes == "A2"
        assert all(CJK.search(h) and re.search(r"[A-Za-z]", h) for h in header), header
        # the reconstruction's two flags (README: 69 body_named_in_notice, 101 reconstructed); never blank
        assert {r["Evidence 依据"] for r in rows} <= {"body_named_in_notice", "reconstructed"}
    ev = [r["Evidence 依据"] for s in LEVEL_SHEETS for r in _rows(wb[s])[1]]
    assert ev.count("body_named_in_notice") == 69 and ev.count("reconstructed") == 101


def test_chinese_name_or_not_published_never_blank(workbook):
    _, wb = workbook
    rows = {r["ID 编号"]: r for s in LEVEL_SHEETS for r in _rows(wb[s])[1]}
    assert len(rows) == 170
    # the reconstruction: R001 has a Chinese name, R002 (AWS Certified AI Practitioner) none
    assert rows["GZ2025-R001"]["Name (Chinese) 中文名称"] == "AWS认证云从业者"
    assert rows["GZ2025-R001"]["Chinese name status 中文名称状态"] is None
    assert rows["GZ2025-R002"]["Name (Chinese) 中文名称"] == "未公布"
    assert rows["GZ2025-R002"]["Chinese name status 中文名称状态"] == "not_published"
    assert all(r["Name (Chinese) 中文名称"] for r in rows.values())
    assert sum(r["Chinese name status 中文名称状态"] == "not_published" for r in rows.values()) == 93


def test_about_sheet_typed_counts(workbook):
    _, wb = workbook
    about = dict(wb["About 说明"].iter_rows(min_row=2, values_only=True))
    assert about["entries 条目数"] == 170 and isinstance(about["entries 条目数"], int)
    assert about["Chinese name not published 中文名称未公布"] == 93
    assert about["evidence 依据: reconstructed"] == 101
    assert "reconstruction" in about["graph 图"]


def test_export_is_byte_identical_when_repeated(workbook, tmp_path):
    first, _ = workbook
    again = tmp_path / "again.xlsx"
    r = run_cli("catalogue", "export", "--out", str(again), "--quiet")
    assert r.returncode == 0, r.stderr
    assert again.read_bytes() == first.read_bytes()


def test_export_refuses_other_formats(tmp_path):
    out = tmp_path / "catalogue.csv"
    r = run_cli("catalogue", "export", "--out", str(out))
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "--out" in r.stderr and ".xlsx" in r.stderr
    assert "Traceback" not in r.stderr and not out.exists()


@pytest.mark.parametrize(
    "query,params", [("qualification_lookup", {"name": "GZ2025-R002"}), ("qualification_equivalents", {})]
)
def test_queries_show_not_published_for_missing_chinese_names(kg, query, params):
    df = kg.query(query, **params)
    row = df[df.id == "GZ2025-R002"].iloc[0]
    assert row["name_zh"] == "未公布" and row["name_zh_status"] == "not_published"
    if query == "qualification_equivalents":
        assert len(df) == 170 and not df.name_zh.isna().any()
        assert (df.name_zh_status == "not_published").sum() == 93
        r1 = df[df.id == "GZ2025-R001"].iloc[0]
        assert r1["name_zh"] == "AWS认证云从业者" and r1["name_zh_status"] is __import__("pandas").NA
