"""Batch files, streamed: CSV, XLSX and Parquet in; CSV, XLSX and Parquet out; never all rows at once.

Reading yields :class:`InputRow` objects one at a time, each naming where it came from
(``applicants.csv:17`` — the file line of a CSV record, the sheet row of an XLSX row, ``row N``
of a Parquet file). A path may be a local file, a folder (every ``*.csv`` / ``*.xlsx`` /
``*.parquet`` in it, in name order) or a URL that fsspec opens (``s3://…``, ``https://…``,
``memory://…``).

Encodings (CSV): UTF-8 with or without a BOM, UTF-16 with a BOM (or recognisable by its NUL
bytes); anything else — GBK as saved by Excel on Chinese Windows — is an error naming the file,
the line and the fix, unless the encoding is given (``--encoding gbk``).

Rows: trailing empty rows (Excel's ``,,,``) are skipped; a row with more cells than the header is a
per-row error; fewer cells mean empty fields. A header with an unknown or repeated column is an
error for the whole file (exit 2), since every row would be wrong the same way.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

from talentkg.errors import TalentKGError

INPUT_SUFFIXES = (".csv", ".xlsx", ".parquet")
OUTPUT_FORMATS = ("csv", "xlsx", "parquet")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, minus the header row


class BatchInputError(TalentKGError):
    """A batch file that cannot be used at all (unreadable, wrong encoding, bad header): exit 2."""

    exit_code = 2


@dataclass
class InputRow:
    """One data row: where it is, its non-empty cells by column, or why it cannot be read."""

    source: str
    cells: dict[str, str]
    error: str | None = None  # a row-level problem found while reading (e.g. too many cells)
    field: str | None = None


# ---------------------------------------------------------------- locations


def _is_url(path: str) -> bool:
    return "://" in str(path)


def display_name(path: str) -> str:
    s = str(path)
    return s if _is_url(s) else os.path.basename(s.rstrip("/")) or s


def expand_inputs(path: str) -> list[str]:
    """A file, a folder of batch files, or a URL (a folder URL or a glob is expanded by fsspec)."""
    s = str(path)
    if not _is_url(s):
        p = Path(s)
        if p.is_dir():
            files = sorted(
                str(f) for f in p.iterdir() if f.suffix.lower() in INPUT_SUFFIXES and not f.name.startswith(".")
            )
            if not files:
                raise BatchInputError(f"{s}: the folder holds no .csv, .xlsx or .parquet file")
            return files
        if not p.exists():
            raise BatchInputError(f"{s}: no such file")
        return [s]
    import fsspec

    fs, _, paths = fsspec.get_fs_token_paths(s)
    proto = fs.protocol[0] if isinstance(fs.protocol, (tuple, list)) else fs.protocol
    out: list[str] = []
    for p in sorted(paths):
        if fs.isdir(p):
            out += sorted(f for f in fs.find(p) if f.lower().endswith(INPUT_SUFFIXES))
        elif fs.exists(p):
            out.append(p)
    if not out:
        raise BatchInputError(f"{s}: nothing to read there (no such file, or no .csv/.xlsx/.parquet in the folder)")
    return [f if "://" in f else f"{proto}://{f}" for f in out]


def _open_binary(path: str) -> IO[bytes]:
    if _is_url(path):
        import fsspec

        return fsspec.open(path, "rb").open()
    return open(path, "rb")


def input_format(path: str) -> str:
    low = str(path).lower()
    for suf in INPUT_SUFFIXES:
        if low.endswith(suf):
            return suf[1:]
    raise BatchInputError(
        f"{display_name(path)}: unknown batch file type; give a .csv, .xlsx or .parquet file (or a folder of them)"
    )


def same_file(a: str, b: str) -> bool:
    if _is_url(a) or _is_url(b):
        return str(a).rstrip("/") == str(b).rstrip("/")
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


# ---------------------------------------------------------------- cell values


def cell_text(v) -> str | None:
    """A cell as the text a profile field parses (None = empty). Numbers keep their exact digits."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:  # NaN: an empty numeric cell in Parquet/pandas
            return None
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        items = [cell_text(x) for x in v]
        return ";".join(x for x in items if x) or None
    s = str(v).strip()
    return s or None


# ---------------------------------------------------------------- encodings


def detect_encoding(head: bytes) -> str:
    """The codec of a CSV from its first bytes: a BOM, or UTF-16's NUL bytes; UTF-8 otherwise."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] != 0:
        return "utf-16-be"
    return "utf-8"


def _encoding_error(name: str, line: int, raw: bytes, pos: int) -> BatchInputError:
    hint = ""
    try:
        raw.decode("gb18030")
        hint = " — it looks like GBK/GB18030, as Excel saves CSV on Chinese Windows"
    except UnicodeDecodeError:
        pass
    return BatchInputError(
        f"{name}:{line}: not UTF-8 (byte 0x{raw[pos]:02x} at column {pos + 1}){hint}; save the file as UTF-8 "
        f'(Excel: Save As → "CSV UTF-8") or give its encoding, e.g. --encoding gbk'
    )


def _decoded_lines(fh: IO[bytes], name: str, encoding: str) -> Iterator[str]:
    """The file's lines, decoded one by one so that an undecodable byte is reported with its line."""
    first = True
    for n, raw in enumerate(fh, start=1):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as e:
            if encoding.replace("_", "-").lower() in ("utf-8", "utf-8-sig", "utf8"):
                raise _encoding_error(name, n, raw, e.start) from None
            raise BatchInputError(
                f"{name}:{n}: cannot be read as {encoding} (byte 0x{raw[e.start]:02x}); give the file's encoding with --encoding"
            ) from None
        if first:
            text = text.lstrip("\ufeff")
            first = False
        yield text


# ---------------------------------------------------------------- readers


class _Table:
    """Rows of one file: header first, then (source, cells list) per row."""

    def __init__(self, path: str, encoding: str | None):
        self.path, self.name, self.encoding = path, display_name(path), encoding
        self.format = input_format(path)

    def rows(self) -> Iterator[tuple[str, list]]:
        return getattr(self, f"_{self.format}")()

    def size_hint(self) -> int | None:
        """Roughly how many data rows (for the progress bar); None if unknown without reading."""
        try:
            if self.format == "parquet":
                import pyarrow.parquet as pq

                with _open_binary(self.path) as fh:
                    return pq.ParquetFile(fh).metadata.num_rows
            if self.format == "csv" and not _is_url(self.path):
                n = 0
                with open(self.path, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        n += block.count(b"\n")
                return max(n - 1, 0)  # utf-16 counts are close enough for a progress bar
            if self.format == "xlsx":
                return None
        except Exception:
            return None
        return None

    def _csv(self) -> Iterator[tuple[str, list]]:
        with _open_binary(self.path) as fh:
            head = fh.read(4)
            fh.seek(0)
            enc = self.encoding or detect_encoding(head)
            if enc.startswith("utf-16"):
                text: Iterator[str] = io.TextIOWrapper(fh, encoding=enc, newline="")
            else:
                text = _decoded_lines(fh, self.name, enc)
            reader = csv.reader(text)
            last = 0
            try:
                for cells in reader:
                    start, last = last + 1, reader.line_num
                    yield f"{self.name}:{start}", cells
            except UnicodeDecodeError as e:
                raise BatchInputError(
                    f"{self.name}: cannot be read as {enc} ({e.reason}); give the file's encoding with --encoding"
                ) from None
            except csv.Error as e:
                raise BatchInputError(
                    f"{self.name}:{last + 1}: not a readable CSV ({e}); check the quoting of that line"
                ) from None

    def _xlsx(self) -> Iterator[tuple[str, list]]:
        import openpyxl

        with _open_binary(self.path) as fh:
            try:
                wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
            except Exception as e:
                raise BatchInputError(
                    f"{self.name}: not a readable XLSX workbook ({type(e).__name__}); save it from Excel as .xlsx"
                ) from None
            try:
                ws = wb.worksheets[0]
                for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
                    yield f"{self.name}:{n}", list(values)
            finally:
                wb.close()

    def _parquet(self) -> Iterator[tuple[str, list]]:
        import pyarrow.parquet as pq

        with _open_binary(self.path) as fh:
            try:
                pf = pq.ParquetFile(fh)
            except Exception as e:
                raise BatchInputError(f"{self.name}: not a readable Parquet file ({type(e).__name__})") from None
            names = pf.schema_arrow.names
            yield f"{self.name}:header", list(names)
            n = 0
            for batch in pf.iter_batches(batch_size=8192):
                cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                for values in zip(*cols):
                    n += 1
                    yield f"{self.name}:row {n}", list(values)


def _header(name: str, cells: list, allowed) -> list[str]:
    header = [cell_text(c) or "" for c in cells]
    while header and header[-1] == "":
        header.pop()
    if not header:
        raise BatchInputError(f"{name}:1: the first row must name the columns (city, application_date, …)")
    seen: set[str] = set()
    for i, h in enumerate(header, start=1):
        if not h:
            raise BatchInputError(f"{name}:1: column {i} has no name; name it or delete the column")
        if h in seen:
            raise BatchInputError(f"{name}:1: column {h!r} appears twice; keep one")
        seen.add(h)
        if allowed is not None and not allowed(h):
            raise BatchInputError(f"{name}:1: unknown column {h!r}; allowed: {allowed.describe}")
    return header


def read_rows(
    path: str, encoding: str | None = None, allowed=None, required: tuple[str, ...] = ()
) -> Iterator[InputRow]:
    """Every data row of a file, a folder or a URL, streamed, in order.

    ``allowed(column) -> bool`` (with a ``describe`` attribute) checks the header; ``required``
    columns must be in it. Both are whole-file errors (:class:`BatchInputError`)."""
    for part in expand_inputs(path):
        table = _Table(part, encoding)
        it = table.rows()
        first = next(it, None)
        if first is None:
            raise BatchInputError(
                f"{table.name}: the file is empty; the first row must name the columns (city, application_date, …)"
            )
        header = _header(table.name, first[1], allowed)
        missing = [c for c in required if c not in header]
        if missing:
            raise BatchInputError(f"{table.name}:1: no {missing[0]!r} column; add it (columns: {', '.join(header)})")
        width = len(header)
        for source, values in it:
            texts = [cell_text(v) for v in values]
            if not any(texts):
                continue  # an empty row (Excel's ",,,"), wherever it is
            extra = [t for t in texts[width:] if t]
            cells = {h: t for h, t in zip(header, texts) if t is not None}
            if extra:
                yield InputRow(
                    source,
                    cells,
                    f"the row has {width + len(texts[width:]) - texts[width:].count(None)} cells but the header names {width} columns; "
                    f"remove the extra cells ({extra[0]!r} …) or name their column",
                    "row",
                )
                continue
            yield InputRow(source, cells)


def size_hint(path: str, encoding: str | None = None) -> int | None:
    total = 0
    try:
        parts = expand_inputs(path)
    except TalentKGError:
        return None
    for part in parts:
        try:
            n = _Table(part, encoding).size_hint()
        except TalentKGError:
            return None
        if n is None:
            return None
        total += n
    return total


# ---------------------------------------------------------------- writers


def output_format(path: str, fmt: str | None = None) -> str:
    if fmt:
        return fmt
    if path == "-":
        return "csv"
    low = str(path).lower()
    for f in OUTPUT_FORMATS:
        if low.endswith("." + f):
            return f
    raise BatchInputError(
        f"--out {path}: unknown output type; end the name in .csv, .xlsx or .parquet (or give --format)"
    )


def neutralise(v: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (talentkg.files.safe_cell)."""
    from talentkg.files import safe_cell

    return safe_cell(v)


class _Aborted(Exception):
    pass


class _Target:
    """The output through talentkg.files.open_output (temporary beside it, renamed at commit; ``-``
    = stdout; out == input refused), or an fsspec URL."""

    def __init__(self, path: str, inputs=()):
        import contextlib

        self.path = path
        self._stack = contextlib.ExitStack()
        if _is_url(path):
            import fsspec

            self.fh: IO[bytes] = self._stack.enter_context(fsspec.open(path, "wb"))
        else:
            from talentkg.files import open_output

            self.fh = self._stack.enter_context(open_output(path, [i for i in inputs if not _is_url(i)], text=False))

    def commit(self) -> None:
        self._stack.close()

    def abort(self) -> None:
        self._stack.__exit__(_Aborted, _Aborted(), None)


class RowWriter:
    """Write result rows in chunks; nothing is in place until :meth:`commit` (a crash leaves no half file)."""

    def __init__(self, path: str, columns: list[str], fmt: str | None = None, inputs=()):
        self.format = output_format(path, fmt)
        if self.format != "csv" and path == "-":
            raise BatchInputError(f"--out -: standard output takes CSV only, not {self.format}")
        self.columns, self.path, self.rows = columns, path, 0
        self._target = _Target(path, inputs)
        try:
            if self.format == "csv":
                self._text = io.TextIOWrapper(self._target.fh, encoding="utf-8", newline="", write_through=True)
                self._csv = csv.writer(self._text, lineterminator="\n")
                self._csv.writerow(columns)
            elif self.format == "xlsx":
                import openpyxl

                self._wb = openpyxl.Workbook(write_only=True)
                self._ws = self._wb.create_sheet("results")
                self._ws.append(columns)
            else:
                import pyarrow as pa
                import pyarrow.parquet as pq

                self._schema = pa.schema([(c, pa.string()) for c in columns])
                self._pq = pq.ParquetWriter(self._target.fh, self._schema, compression="zstd")
        except BaseException:
            self._target.abort()
            raise

    def write(self, rows: list[dict]) -> None:
        if not rows:
            return
        self.rows += len(rows)
        if self.format == "csv":
            self._csv.writerows([[neutralise(_s(r.get(c))) for c in self.columns] for r in rows])
        elif self.format == "xlsx":
            if self.rows > XLSX_MAX_ROWS:
                raise BatchInputError(
                    f"--out {self.path}: more than {XLSX_MAX_ROWS:,} rows do not fit in an Excel sheet; write .csv or .parquet"
                )
            for r in rows:
                self._ws.append([neutralise(_s(r.get(c))) for c in self.columns])
        else:
            import pyarrow as pa

            data = {c: [_s(r.get(c)) for r in rows] for c in self.columns}
            self._pq.write_table(pa.Table.from_pydict(data, schema=self._schema))

    def commit(self) -> None:
        if self.format == "csv":
            self._text.flush()
            self._text.detach()
        elif self.format == "xlsx":
            self._wb.save(self._target.fh)
        else:
            self._pq.close()
        self._target.commit()

    def abort(self) -> None:
        try:
            if self.format == "parquet":
                with contextlib.suppress(Exception):
                    self._pq.close()
        finally:
            self._target.abort()


def _s(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
