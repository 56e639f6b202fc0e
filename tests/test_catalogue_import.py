"""`talentkg catalogue import`: an official annex (XLSX/CSV, Chinese headers) in place of the reconstruction."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

from talentkg.catalogue_import import import_annex
from talentkg.errors import DataError
from tests.conftest import run_cli

ROWS = [
    (1, "Chartered Engineer (CEng)", "Engineering Council", "英国", "工程师", "工程建设与建筑交通"),
    (2, "Professional Engineer (PE)", "NCEES", "美国", "工程师", "先进制造与自动化"),
    (
        3,
        "AWS Certified Solutions Architect – Professional",
        "Amazon Web Services",
        "US",
        "高级工程师",
        "信息技术与人工智能",
    ),
]


def _xlsx(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "资格名称", "颁发机构", "国家（地区）", "对应职称", "领域"])
    for r in rows:
        ws.append(list(r))
    wb.save(path)


def test_import_xlsx_reports_totals_and_builds(tmp_path):
    src = tmp_path / "annex.xlsx"
    _xlsx(src, ROWS)
    out = tmp_path / "official.csv"
    report = import_annex(src, out)
    assert report[0].startswith("imported 3 entries")
    assert "title_level engineer: published 90, annex 2 — DIFFERS by -88" in report
    assert "total all: published 170, annex 3 — DIFFERS by -167" in report
    r = run_cli("build", "--catalogue", str(out), "--out", str(tmp_path / "b"))
    assert r.returncode == 0, r.stderr
    r = run_cli(
        "query", "qualification_equivalents", "--graph", str(tmp_path / "b" / "talentkg.nt"), "--format", "json"
    )
    rows = json.loads(r.stdout)
    assert [x["id"] for x in rows] == ["GZ2025-001", "GZ2025-002", "GZ2025-003"]
    assert {x["evidence"] for x in rows} == {"official_annex"}
    assert rows[2]["level"] == "senior_engineer" and rows[1]["country_region"] == "US"


def test_import_rejects_bad_level_with_row(tmp_path):
    src = tmp_path / "annex.xlsx"
    _xlsx(src, ROWS[:1] + [(2, "X", "Y", "美国", "大师", "先进制造与自动化")])
    with pytest.raises(DataError) as e:
        import_annex(src, tmp_path / "o.csv")
    assert e.value.line == 3 and "大师" in str(e.value)
    assert not (tmp_path / "o.csv").exists()


def test_import_csv_english_headers_missing_column(tmp_path):
    src = tmp_path / "annex.csv"
    src.write_text("No.,Qualification,Issuer,Level\n1,A,B,Engineer\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing column"):
        import_annex(src, tmp_path / "o.csv")
