"""talentkg.xlsx: typed cells, frozen header, widths, several sheets, streaming, atomic write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from talentkg.xlsx import cell_value, write_xlsx


def test_typed_cells_header_and_widths(tmp_path):
    out = tmp_path / "r.xlsx"
    rows = [
        {"id": "p1", "salary": 65000, "rate": Decimal("1.5"), "since": dt.date(2023, 7, 13), "ok": True, "note": None},
        {
            "id": "p2",
            "salary": Decimal("60000"),
            "rate": float("nan"),
            "since": "2024-07-12",
            "ok": False,
            "note": "=1+1",
        },
    ]
    counts = write_xlsx(out, ["id", "salary", "rate", "since", "ok", "note"], rows, kinds={"since": "date"})
    assert counts == {"results": 2}
    wb = openpyxl.load_workbook(out)
    ws = wb["results"]
    assert [c.value for c in ws[1]] == ["id", "salary", "rate", "since", "ok", "note"]
    assert ws[1][0].font.b
    assert ws.freeze_panes == "A2"
    assert ws["B2"].value == 65000 and isinstance(ws["B2"].value, int)
    assert ws["B3"].value == 60000 and ws["B3"].data_type == "n"
    assert ws["C2"].value == 1.5
    assert ws["C3"].value is None  # NaN = empty, not the text "nan"
    assert ws["D2"].value == dt.datetime(2023, 7, 13) and ws["D2"].is_date
    assert ws["D3"].value == dt.datetime(2024, 7, 12) and ws["D3"].is_date  # ISO string in a date column
    assert ws["E2"].value is True and ws["E3"].value is False
    assert ws["F2"].value is None
    assert ws["F3"].value == "=1+1" and ws["F3"].data_type == "s"  # text, never a formula
    assert ws.column_dimensions["A"].width >= 8


def test_several_sheets_and_streaming_generator(tmp_path):
    out = tmp_path / "s.xlsx"
    gen = ([i, f"row {i}"] for i in range(5000))
    counts = write_xlsx(out, sheets={"a": (["n", "label"], gen), "b/c": (["x"], [[1]])})
    assert counts == {"a": 5000, "b/c": 1}
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["a", "b_c"]
    assert sum(1 for _ in wb["a"].iter_rows()) == 5001


def test_failed_write_leaves_nothing(tmp_path):
    out = tmp_path / "bad.xlsx"

    def rows():
        yield [1]
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_xlsx(out, ["n"], rows())
    assert list(tmp_path.iterdir()) == []


def test_cell_value_pandas_missing_and_timestamps():
    pd = pytest.importorskip("pandas")
    assert cell_value(pd.NA) is None
    assert cell_value(pd.NaT) is None
    assert cell_value(pd.Timestamp("2023-07-13")) == dt.date(2023, 7, 13)
    assert cell_value("2023-07-13") == "2023-07-13"  # not a date unless the column is declared one
