"""assess --batch: streamed CSV/XLSX/Parquet, per-row errors with file lines, encodings, workers, roster comparisons."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from talentkg.synthetic import boundary_salaries, generate, to_csv_rows
from tests.conftest import run_cli

HEADER = "id,city,application_date,monthly_salary_rmb,age\n"


def write_csv(path, profiles, tail: str = "") -> list[str]:
    cols, rows = to_csv_rows(profiles)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
        fh.write(tail)
    return cols


def read(path):
    return list(csv.DictReader(path.open(encoding="utf-8")))


@pytest.fixture(scope="module")
def mix(kg):
    return generate(400, seed=21, boundaries=boundary_salaries(kg))


def test_rows_match_single_assessments_with_trailing_empty_rows(tmp_path, kg, mix):
    src = tmp_path / "roster.csv"
    write_csv(src, mix, tail=",,,,\n,,\n\n")
    out = tmp_path / "res.csv"
    r = run_cli("assess", "--batch", str(src), "--out", str(out), "--workers", "1")
    assert r.returncode == 0, r.stderr
    got = read(out)
    assert len(got) == len(mix)  # the Excel ",,," rows are skipped, not errors
    explained = kg.assess(mix)
    for g, e, n in zip(got, explained, range(2, len(mix) + 2)):
        assert g["source"] == f"roster.csv:{n}" and g["id"] == e["id"] and g["error"] == ""
        assert g["verdict"] == e["verdict"] and g["category"] == (e["category"] or "")
        assert g["routes"] == ";".join(sorted(x["criterion"] for x in e["routes"]))
        assert (
            sorted(g["undetermined"].split(" | "))
            == sorted(f"{x['criterion']}: {x['reason']}" for x in e["undetermined"])
            if g["undetermined"]
            else not e["undetermined"]
        )
    assert read(tmp_path / "res.errors.csv") == []


def test_bad_rows_are_reported_with_file_line_and_field(tmp_path, kg):
    src = tmp_path / "mixed.csv"
    src.write_text(
        HEADER
        + "ok1,Guangzhou,2023-12-01,65000,40\n"
        + "bad-salary,Guangzhou,2023-12-01,lots,40\n"
        + '"multi\nline",Guangzhou,2023-12-01,65000,40\n'
        + "ragged,Guangzhou,2023-12-01,65000,40,surplus\n"
        + "bad-city,Springfield,2023-12-01,65000,40\n"
        + "ok2,Guangzhou,2023-12-01,62693,40\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    r = run_cli("assess", "--batch", str(src), "--out", str(out), "--workers", "1")
    assert r.returncode == 3, r.stderr  # some rows failed, the others are written
    got = {g["id"]: g for g in read(out)}
    assert [g["id"] for g in read(out)] == ["ok1", "bad-salary", "multi\nline", "ragged", "bad-city", "ok2"]
    assert got["ok1"]["verdict"] == "A" and "65000 ≥ 6 × 10449 = 62694" in got["ok1"]["route_details"]
    assert got["ok2"]["verdict"] == "B"  # one yuan below the A threshold of 62,694
    assert (
        got["bad-salary"]["error"].startswith("mixed.csv:3: monthly_salary_rmb:")
        and "not a number" in got["bad-salary"]["error"]
    )
    assert got["bad-salary"]["verdict"] == ""
    assert got["multi\nline"]["source"] == "mixed.csv:4" and got["multi\nline"]["verdict"] == "A"
    assert (
        got["ragged"]["error"].startswith("mixed.csv:6: row:")
        and "6 cells" in got["ragged"]["error"]
        and "5 columns" in got["ragged"]["error"]
    )
    assert (
        got["bad-city"]["error"].startswith("mixed.csv:7: city:") and "Guangzhou" in got["bad-city"]["error"]
    )  # the fix: how to name a city
    errors = read(tmp_path / "out.errors.csv")
    assert [(e["source"], e["id"], e["field"]) for e in errors] == [
        ("mixed.csv:3", "bad-salary", "monthly_salary_rmb"),
        ("mixed.csv:6", "ragged", "row"),
        ("mixed.csv:7", "bad-city", "city"),
    ]
    assert "3 row(s) failed" in r.stdout

    strict = tmp_path / "strict.csv"
    r = run_cli("assess", "--batch", str(src), "--out", str(strict), "--strict")
    assert r.returncode == 2 and "mixed.csv:3: monthly_salary_rmb" in r.stderr and "Traceback" not in r.stderr
    assert not strict.exists() and not list(tmp_path.glob(".strict*"))


def test_unusable_inputs_exit_2_and_write_nothing(tmp_path):
    out = tmp_path / "o.csv"
    cases = {
        "unknown.csv": ("city,application_date,wage\nGuangzhou,2023-12-01,5\n", "unknown column 'wage'"),
        "twice.csv": ("city,city,application_date\nGuangzhou,Guangzhou,2023-12-01\n", "appears twice"),
        "nodate.csv": ("city,monthly_salary_rmb\nGuangzhou,5\n", "no 'application_date' column"),
        "empty.csv": ("", "empty"),
    }
    for name, (text, msg) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        r = run_cli("assess", "--batch", str(tmp_path / name), "--out", str(out))
        assert r.returncode == 2 and f"{name}:" in r.stderr and msg in r.stderr and "Traceback" not in r.stderr, (
            name,
            r.stderr,
        )
        assert not out.exists()
    src = tmp_path / "unknown.csv"
    src.write_text(HEADER + "x,Guangzhou,2023-12-01,65000,40\n", encoding="utf-8")
    r = run_cli("assess", "--batch", str(src), "--out", str(src))  # never overwrite the roster
    assert (
        r.returncode == 2 and "is the input file" in r.stderr and src.read_text(encoding="utf-8").startswith("id,city")
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_encodings_read_like_utf8(tmp_path, encoding):
    text = HEADER + "p1,广州,2023-12-01,65000,40\np2,Guangzhou,2023-12-01,41796,40\n"
    (tmp_path / "u8.csv").write_text(text, encoding="utf-8")
    (tmp_path / "other.csv").write_bytes(text.encode(encoding))
    outs = []
    for name in ("u8.csv", "other.csv"):
        out = tmp_path / f"{name}.out.csv"
        r = run_cli("assess", "--batch", str(tmp_path / name), "--out", str(out))
        assert r.returncode == 0, r.stderr
        outs.append([{k: v for k, v in g.items() if k != "source"} for g in read(out)])
    assert outs[0] == outs[1] and [g["verdict"] for g in outs[0]] == ["A", "B"]


def test_gbk_is_a_clear_error_unless_declared(tmp_path):
    src = tmp_path / "gbk.csv"
    src.write_bytes((HEADER + "p1,Guangzhou,2023-12-01,65000,40\np2,广州,2023-12-01,65000,40\n").encode("gbk"))
    out = tmp_path / "o.csv"
    r = run_cli("assess", "--batch", str(src), "--out", str(out))
    assert (
        r.returncode == 2 and "gbk.csv:3: not UTF-8" in r.stderr and "GBK" in r.stderr and "--encoding gbk" in r.stderr
    )
    assert not out.exists()
    r = run_cli("assess", "--batch", str(src), "--out", str(out), "--encoding", "gbk")
    assert r.returncode == 0, r.stderr
    assert [g["verdict"] for g in read(out)] == ["A", "A"]


def test_xlsx_and_parquet_in_and_out_equal_csv(tmp_path, mix):
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    profiles = mix[:150]
    src = tmp_path / "r.csv"
    cols = write_csv(src, profiles)
    base = tmp_path / "base.csv"
    assert run_cli("assess", "--batch", str(src), "--out", str(base)).returncode == 0
    want = [{k: v for k, v in g.items() if k != "source"} for g in read(base)]
    _, rows = to_csv_rows(profiles)
    # XLSX as Excel types it: numbers as numbers, dates as dates, a trailing empty row
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(cols)
    typed = {"monthly_salary_rmb", "age", "related_experience_years", "points", "days_since_internal_move"}
    for row in rows:
        ws.append(
            [
                dt.date.fromisoformat(row[c])
                if c == "application_date"
                else (float(row[c]) if c in typed and c in row else row.get(c))
                for c in cols
            ]
        )
    ws.append([None] * len(cols))
    wb.save(tmp_path / "r.xlsx")
    # Parquet with typed columns (integers, strings, nulls)
    table = {c: [row.get(c) for row in rows] for c in cols}
    for c in ("monthly_salary_rmb", "age"):
        table[c] = pa.array([None if v is None else int(v) for v in table[c]], pa.int64())
    pq.write_table(pa.table(table), tmp_path / "r.parquet")
    for name in ("r.xlsx", "r.parquet"):
        for out_name in ("o.csv", "o.xlsx", "o.parquet"):
            out = tmp_path / f"{name}.{out_name}"
            r = run_cli("assess", "--batch", str(tmp_path / name), "--out", str(out))
            assert r.returncode == 0, (name, r.stderr)
            if out_name.endswith(".csv"):
                got = read(out)
            elif out_name.endswith(".xlsx"):
                sheet = list(openpyxl.load_workbook(out, read_only=True).active.iter_rows(values_only=True))
                got = [dict(zip(sheet[0], ["" if v is None else v for v in vals])) for vals in sheet[1:]]
            else:
                got = pq.read_table(out).to_pylist()
            assert [{k: v for k, v in g.items() if k != "source"} for g in got] == want, (name, out_name)
    assert read(tmp_path / "r.parquet.o.csv")[0]["source"] == "r.parquet:row 1"
    assert read(tmp_path / "r.xlsx.o.csv")[0]["source"] == "r.xlsx:2"


def test_workers_give_identical_output(tmp_path, mix):
    src = tmp_path / "r.csv"
    write_csv(src, mix)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert (
        run_cli("assess", "--batch", str(src), "--out", str(one), "--workers", "1", "--chunk-size", "400").returncode
        == 0
    )
    r = run_cli("assess", "--batch", str(src), "--out", str(two), "--workers", "2", "--chunk-size", "60")
    assert r.returncode == 0, r.stderr
    assert one.read_bytes() == two.read_bytes()


def test_formula_cells_are_neutralised_and_stdout(tmp_path):
    src = tmp_path / "f.csv"
    src.write_text(HEADER + '=HYPERLINK("http://x"),Guangzhou,2023-12-01,65000,40\n', encoding="utf-8")
    r = run_cli("assess", "--batch", str(src), "--out", "-")
    assert r.returncode == 0, r.stderr
    got = list(csv.DictReader(io.StringIO(r.stdout)))
    assert got[0]["id"] == '\'=HYPERLINK("http://x")' and got[0]["verdict"] == "A"


def test_folder_input_names_each_file(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.csv").write_text(HEADER + "a1,Guangzhou,2023-12-01,65000,40\n", encoding="utf-8")
    (d / "b.csv").write_text(
        HEADER + "b1,Guangzhou,2023-12-01,41795,40\nb2,Guangzhou,2023-12-01,x,40\n", encoding="utf-8"
    )
    out = tmp_path / "o.csv"
    r = run_cli("assess", "--batch", str(d), "--out", str(out))
    assert r.returncode == 3
    got = read(out)
    assert [(g["source"], g["verdict"]) for g in got] == [
        ("a.csv:2", "A"),
        ("b.csv:2", "undetermined"),
        ("b.csv:3", ""),
    ]


# ---------------------------------------------------------------- roster impact reports
# Guangzhou standards (data/salary_standards.csv): 2020-07-14 base 10,291.5 → A at 61,749;
# 2023-07-13 base 10,449 → A at 62,694 (published), B at 41,796.
ROSTER = [
    {"id": "wang", "city": "Guangzhou", "monthly_salary_rmb": 62000, "age": 40},  # A in 2020, B in 2023
    {"id": "li", "city": "Guangzhou", "monthly_salary_rmb": 70000, "age": 40},  # A on both dates
    {"id": "chen", "city": "Nanjing", "monthly_salary_rmb": 70000, "age": 40},  # no Nanjing standard: undetermined both
]


def test_compare_reports_who_changes_and_why(tmp_path, kg):
    src = tmp_path / "roster.csv"
    write_csv(src, ROSTER)
    out = tmp_path / "impact.csv"
    r = run_cli("assess", "--batch", str(src), "--as-of", "2020-08-01", "--compare", "2023-12-01", "--out", str(out))
    assert r.returncode == 0, r.stderr
    got = {g["id"]: g for g in read(out)}
    w = got["wang"]
    assert (w["verdict_1"], w["verdict_2"], w["changed"], w["change"]) == ("A", "B", "true", "A → B")
    assert "A-III-9: met on 2020-08-01 (62000 ≥ 6 × 10291.5 = 61749" in w["why"]
    assert "not met on 2023-12-01 (62000 < 6 × 10449 = 62694)" in w["why"]
    assert "hacos.cn" in w["why_sources"] and "gudianfeng.com" in w["why_sources"]  # the two standards' sources
    assert (got["li"]["verdict_1"], got["li"]["verdict_2"], got["li"]["changed"], got["li"]["why"]) == (
        "A",
        "A",
        "false",
        "",
    )
    assert (got["chen"]["verdict_1"], got["chen"]["verdict_2"]) == ("undetermined", "undetermined")
    summary = read(tmp_path / "impact.summary.csv")
    assert {(s["city"], s["verdict_1"], s["verdict_2"], s["people"]) for s in summary} == {
        ("Guangzhou", "A", "B", "1"),
        ("Guangzhou", "A", "A", "1"),
        ("Nanjing", "undetermined", "undetermined", "1"),
    }
    assert "1 people change verdict" in r.stdout and "Guangzhou: A → B: 1" in r.stdout

    import pandas as pd

    cmp = kg.compare(pd.DataFrame(ROSTER), "2020-08-01", "2023-12-01")
    people = cmp.people.set_index("id")
    for k in ("wang", "li", "chen"):
        for col in ("verdict_1", "verdict_2", "why", "why_sources"):
            assert str(people.loc[k, col]) == got[k][col], (k, col)
    assert list(cmp.changes["id"]) == ["wang"]
    assert int(cmp.summary["people"].sum()) == 3


def test_as_of_replaces_the_application_date(tmp_path):
    src = tmp_path / "r.csv"
    src.write_text("id,city,monthly_salary_rmb,age\nwang,Guangzhou,62000,40\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    assert run_cli("assess", "--batch", str(src), "--out", str(out), "--as-of", "2020-08-01").returncode == 0
    assert (read(out)[0]["verdict"], read(out)[0]["as_of"]) == ("A", "2020-08-01")
    assert run_cli("assess", "--batch", str(src), "--out", str(out), "--as-of", "2023-12-01").returncode == 0
    assert read(out)[0]["verdict"] == "B"
    r = run_cli("assess", "--batch", str(src), "--out", str(out), "--as-of", "2023-13-01")
    assert r.returncode == 2 and "--as-of" in r.stderr
