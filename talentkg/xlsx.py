"""Excel output: one small writer used by ``query --format xlsx``, the batch output and the
catalogue export.

    from talentkg.xlsx import write_xlsx
    write_xlsx("results.xlsx", ["id", "verdict", "salary"], rows)          # one sheet
    write_xlsx("catalogue.xlsx", sheets={"engineer": (columns, rows), ...})  # several sheets

``rows`` is any iterable of sequences (in ``columns`` order) or of dicts (keyed by column); it is
consumed once, streaming (openpyxl write-only mode), so a million-row batch never sits in memory
as cells. Every sheet has a bold, frozen header row, an auto-filter and column widths fitted to
the first rows. Cells are typed: ints/Decimals/floats as numbers, ``date``/``datetime`` (and
ISO ``YYYY-MM-DD`` strings in a column declared as a date) as dates, booleans as booleans, None
/ NaN / pd.NA as empty cells. Text that a spreadsheet would run as a formula (starting with
``= + - @`` or a tab/CR) is written as text, never as a formula.

The file is written to a temporary file beside ``path`` and renamed: a failure leaves nothing
half-written. ``path`` may be ``-`` (stdout, binary).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import math
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

__all__ = ["cell_value", "write_xlsx", "xlsx_bytes"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SAMPLE_ROWS = 200  # rows looked at to size the columns
_MAX_WIDTH = 60
_DATE_FORMAT = "yyyy-mm-dd"


def _is_missing(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    try:  # pandas NA / NaT without importing pandas eagerly
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    return False


def cell_value(v, kind: str | None = None):
    """A Python value as the typed value an Excel cell should hold (None = empty cell).

    ``kind`` is the column's declared type ("date", "integer", "decimal", "boolean", "string")
    when known; an ISO date string in a "date" column becomes a date."""
    if _is_missing(v):
        return None
    if isinstance(v, bool):
        return v
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalars
        with contextlib.suppress(TypeError, ValueError):
            v = v.item()
    if isinstance(v, (bool, int)):
        return v
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, float):
        return v
    if isinstance(v, _dt.datetime):
        # pandas Timestamp is a datetime subclass; Excel has no time zones
        v = v.replace(tzinfo=None) if v.tzinfo else v
        if v.hour == v.minute == v.second == v.microsecond == 0:
            return v.date()
        return v
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, (list, tuple, set)):
        v = "; ".join(str(x) for x in v)
    s = str(v)
    if kind == "date" and _ISO_DATE.match(s):
        return _dt.date.fromisoformat(s)
    return s


def _display_len(v) -> int:
    if v is None:
        return 0
    if isinstance(v, _dt.date):
        return 10
    s = str(v)
    # CJK characters are about two columns wide
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _row_values(row, columns: Sequence[str]) -> list:
    if isinstance(row, Mapping):
        return [row.get(c) for c in columns]
    return list(row)


def _write_sheet(wb, title: str, columns: Sequence[str], rows: Iterable, kinds: Mapping[str, str] | None) -> int:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title=_sheet_title(title))
    kinds = kinds or {}
    col_kinds = [kinds.get(c) for c in columns]
    widths = [max(8, _display_len(c) + 2) for c in columns]
    it = iter(rows)
    sample: list[list] = []
    for row in it:
        vals = [cell_value(v, k) for v, k in zip(_row_values(row, columns), col_kinds)]
        sample.append(vals)
        for i, v in enumerate(vals):
            widths[i] = max(widths[i], min(_MAX_WIDTH, _display_len(v) + 2))
        if len(sample) >= _SAMPLE_ROWS:
            break
    # column widths and the frozen header must be set before the first row in write-only mode
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=str(c))
        cell.font = bold
        header.append(cell)
    ws.append(header)

    def typed(vals: list) -> list:
        out = []
        for v in vals:
            if isinstance(v, str) and v.startswith(_FORMULA_START):
                cell = WriteOnlyCell(ws, value=v)
                cell.data_type = "s"  # text, never a formula
                out.append(cell)
            elif isinstance(v, _dt.datetime):
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
                out.append(cell)
            elif isinstance(v, _dt.date):
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = _DATE_FORMAT
                out.append(cell)
            else:
                out.append(v)
        return out

    n = 0
    for vals in sample:
        ws.append(typed(vals))
        n += 1
    for row in it:
        ws.append(typed([cell_value(v, k) for v, k in zip(_row_values(row, columns), col_kinds)]))
        n += 1
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"
    return n


def _sheet_title(title: str) -> str:
    t = re.sub(r"[\[\]:*?/\\]", "_", str(title)) or "Sheet"
    return t[:31]


def xlsx_bytes(
    columns: Sequence[str] | None = None,
    rows: Iterable | None = None,
    *,
    sheet: str = "results",
    sheets: Mapping[str, tuple[Sequence[str], Iterable]] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> bytes:
    """The workbook as bytes (see :func:`write_xlsx`)."""
    buf = io.BytesIO()
    _write(buf, columns, rows, sheet=sheet, sheets=sheets, kinds=kinds)
    return buf.getvalue()


def _write(fh, columns, rows, *, sheet, sheets, kinds) -> dict[str, int]:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    counts: dict[str, int] = {}
    if sheets is None:
        if columns is None:
            raise ValueError("write_xlsx needs columns and rows, or sheets=")
        sheets = {sheet: (columns, rows if rows is not None else [])}
    for title, (cols, rs) in sheets.items():
        counts[title] = _write_sheet(wb, title, list(cols), rs, kinds)
    wb.save(fh)
    return counts


def write_xlsx(
    path: str | Path,
    columns: Sequence[str] | None = None,
    rows: Iterable | None = None,
    *,
    sheet: str = "results",
    sheets: Mapping[str, tuple[Sequence[str], Iterable]] | None = None,
    kinds: Mapping[str, str] | None = None,
    field: str = "--out",
) -> dict[str, int]:
    """Write an .xlsx file (atomically, through :mod:`talentkg.files`; ``-`` = stdout). Returns the row count per sheet.

    ``kinds`` maps a column name to its declared type (``date``, ``integer``, ``decimal``,
    ``boolean``, ``string``); it only matters for ISO date strings, which become dates."""
    if str(path) == "-":
        buf = io.BytesIO()
        counts = _write(buf, columns, rows, sheet=sheet, sheets=sheets, kinds=kinds)
        sys.stdout.buffer.write(buf.getvalue())
        sys.stdout.buffer.flush()
        return counts
    from talentkg.files import open_output

    with open_output(path, field=field, text=False) as fh:
        counts = _write(fh, columns, rows, sheet=sheet, sheets=sheets, kinds=kinds)
    return counts
