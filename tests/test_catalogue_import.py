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
    # the annex gives no Chinese name: marked not published (never invented), shown as 未公布
    assert {(x["name_zh"], x["name_zh_status"]) for x in rows} == {("未公布", "not_published")}


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


# ---- issue 12: hostile or careless annexes, each a file:sheet:row error and nothing written
HEADER = ["序号", "资格名称", "颁发机构", "国家（地区）", "对应职称", "领域"]


def _refused(tmp_path, src, *fragments, line=None):
    out = tmp_path / "o.csv"
    with pytest.raises(DataError) as e:
        import_annex(src, out)
    for f in fragments:
        assert f in str(e.value), str(e.value)
    if line is not None:
        assert e.value.line == line, str(e.value)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [src.name]
    return str(e.value)


def test_formula_without_saved_value_is_named_by_cell(tmp_path):
    src = tmp_path / "annex.xlsx"
    # openpyxl, like any script, writes the formula and no cached value: data_only reads None
    _xlsx(src, ROWS[:1] + [(2, '=A2&" (copy)"', "NCEES", "美国", "工程师", "先进制造与自动化")])
    msg = _refused(tmp_path, src, "annex.xlsx:Sheet:3", "cell B3", "no saved value", line=3)
    assert "=A2" in msg


def test_duplicate_seq_names_both_rows(tmp_path):
    src = tmp_path / "annex.xlsx"
    _xlsx(src, [ROWS[0], ROWS[1], (2, *ROWS[2][1:])])
    _refused(tmp_path, src, "annex.xlsx:Sheet:4", "序号 2 is also the number of row 3", line=4)


def test_duplicate_entry_names_both_rows(tmp_path):
    src = tmp_path / "annex.csv"
    src.write_text(
        ",".join(HEADER) + "\n1,Chartered Engineer (CEng),Engineering Council,英国,工程师,工程建设与建筑交通\n"
        "2,Professional Engineer (PE),NCEES,美国,工程师,先进制造与自动化\n"
        "3,chartered  engineer (CEng),Engineering Council,GB,高级工程师,工程建设与建筑交通\n",
        encoding="utf-8",
    )
    _refused(tmp_path, src, "annex.csv:4", "repeats the entry of row 2", line=4)


@pytest.mark.parametrize("seq", [2.5, -1, 0, "R-1/../x", "2a"])
def test_odd_seq_refused(tmp_path, seq):
    src = tmp_path / "annex.xlsx"
    _xlsx(src, [ROWS[0], (seq, *ROWS[1][1:])])
    _refused(tmp_path, src, "annex.xlsx:Sheet:3", "is not a whole number of 1 or more", line=3)


def test_whole_number_float_seq_and_fullwidth_digits_accepted(tmp_path):
    src = tmp_path / "annex.xlsx"
    _xlsx(src, [(1.0, *ROWS[0][1:]), ("０２", *ROWS[1][1:])])
    out = tmp_path / "o.csv"
    import_annex(src, out)
    ids = [line.split(",")[0] for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert ids == ["GZ2025-001", "GZ2025-002"]


def test_hidden_first_sheet_skipped(tmp_path):
    src = tmp_path / "annex.xlsx"
    wb = Workbook()
    hidden = wb.active
    hidden.title = "draft"
    hidden.append(HEADER)
    hidden.append([1, "Draft entry", "Nobody", "美国", "大师", "x"])  # would be refused if read
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("附件")
    ws.append(HEADER)
    for r in ROWS:
        ws.append(list(r))
    wb.save(src)
    report = import_annex(src, tmp_path / "o.csv")
    assert report[0].startswith("imported 3 entries")
    assert "read sheet '附件' (hidden sheet(s) skipped: draft)" in report


def test_title_rows_above_header_skipped_and_rows_numbered_as_in_the_sheet(tmp_path):
    src = tmp_path / "annex.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["广州市境外职业资格比照认定职称目录（2025年）"])
    ws.append([])
    ws.append(HEADER)
    for r in ROWS:
        ws.append(list(r))
    wb.save(src)
    out = tmp_path / "o.csv"
    report = import_annex(src, out)
    assert report[0].startswith("imported 3 entries") and "skipped 1 row(s) above the header (row 3)" in report
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("GZ2025-001,")
    # an error below such a header names the sheet's own row number (6), not the data row's index
    ws.append([4, "X", "Y", "美国", "大师", "先进制造与自动化"])
    wb.save(src)
    out.unlink()
    _refused(tmp_path, src, "annex.xlsx:Sheet:7", "大师", line=7)


def test_header_with_repeated_column_refused(tmp_path):
    src = tmp_path / "annex.csv"
    src.write_text(
        ",".join(HEADER + ["对应职称"]) + "\n1,A,B,美国,工程师,先进制造与自动化,高级工程师\n", encoding="utf-8"
    )
    _refused(tmp_path, src, "annex.csv:1", "'对应职称' appears twice", line=1)


@pytest.mark.parametrize(
    "content,fragment",
    [
        (b"\x00\x01garbage" * 50, "not a readable XLSX"),
        (b"PK\x03\x04" + b"\x00" * 100, "not a readable XLSX"),
    ],
)
def test_corrupted_xlsx_refused(tmp_path, content, fragment):
    src = tmp_path / "annex.xlsx"
    src.write_bytes(content)
    _refused(tmp_path, src, fragment)


def test_xlsx_named_csv_and_gbk_csv_refused(tmp_path):
    src = tmp_path / "annex.csv"
    _xlsx(src.with_suffix(".tmp"), ROWS)
    src.with_suffix(".tmp").rename(src)
    _refused(tmp_path, src, "XLSX workbook named as CSV")
    src.write_bytes((",".join(HEADER) + "\n1,A,B,美国,工程师,先进制造与自动化\n").encode("gbk"))
    _refused(tmp_path, src, "not UTF-8", line=1)


def test_annex_chinese_names_kept_and_status_only_where_missing(tmp_path):
    import csv

    src = tmp_path / "annex.csv"
    src.write_text(
        "序号,资格名称,中文名称,颁发机构,国家（地区）,对应职称,领域\n"
        "1,Chartered Engineer (CEng),英国特许工程师,Engineering Council,英国,工程师,工程建设与建筑交通\n"
        "2,Professional Engineer (PE),,NCEES,美国,工程师,先进制造与自动化\n",
        encoding="utf-8",
    )
    out = tmp_path / "official.csv"
    import_annex(src, out, quiet=True)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["name_zh"], r["name_zh_status"]) for r in rows] == [("英国特许工程师", ""), ("", "not_published")]
