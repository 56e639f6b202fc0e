"""``talentkg catalogue import``: load the official Guangzhou annex in place of the reconstruction.

Reads CSV or XLSX with Chinese or English headers (序号, 资格名称, 颁发机构, 国家（地区）, 对应职称 …),
normalises it to the columns of the reconstruction with ``evidence = official_annex``, writes it
atomically, and reports every total (overall, by title level, by sector) that differs from the
published ones (seed 002). Build with ``talentkg build --catalogue FILE``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from pathlib import Path

from talentkg.errors import DataError
from talentkg.resources import DATA_DIR

HEADERS = {
    "seq": ["序号", "no", "no.", "number", "id", "编号"],
    "name": [
        "资格名称",
        "职业资格名称",
        "境外职业资格名称",
        "qualification",
        "qualification name",
        "name",
        "name_en",
        "名称",
    ],
    "name_zh": ["中文名称", "资格中文名称", "name_zh"],
    "body": ["颁发机构", "发证机构", "issuing body", "issuer", "issuing_body", "issuing_body_en", "awarding body"],
    "country": [
        "国家（地区）",
        "国家(地区)",
        "国家/地区",
        "国家",
        "country",
        "country/region",
        "country_region",
        "region",
    ],
    "level": ["对应职称", "对应职称级别", "比照职称", "corresponding title", "title level", "title_level", "level"],
    "sector": ["领域", "产业领域", "行业", "所属领域", "sector", "field"],
}
LEVELS = {
    "助理工程师": "assistant_engineer",
    "assistant engineer": "assistant_engineer",
    "assistant_engineer": "assistant_engineer",
    "工程师": "engineer",
    "engineer": "engineer",
    "高级工程师": "senior_engineer",
    "senior engineer": "senior_engineer",
    "senior_engineer": "senior_engineer",
    "正高级工程师": "professor_level_senior_engineer",
    "professor-level senior engineer": "professor_level_senior_engineer",
}
COUNTRIES = {
    "美国": "US",
    "united states": "US",
    "usa": "US",
    "英国": "GB",
    "united kingdom": "GB",
    "uk": "GB",
    "日本": "JP",
    "japan": "JP",
    "加拿大": "CA",
    "canada": "CA",
    "香港": "HK",
    "中国香港": "HK",
    "hong kong": "HK",
    "澳门": "MO",
    "中国澳门": "MO",
    "macao": "MO",
    "macau": "MO",
    "德国": "DE",
    "germany": "DE",
    "法国": "FR",
    "france": "FR",
    "比利时": "BE",
    "belgium": "BE",
    "澳大利亚": "AU",
    "australia": "AU",
    "新加坡": "SG",
    "singapore": "SG",
    "爱尔兰": "IE",
    "ireland": "IE",
    "新西兰": "NZ",
    "new zealand": "NZ",
    "瑞士": "CH",
    "switzerland": "CH",
}
OUT_COLUMNS = [
    "id",
    "sector",
    "name_en",
    "name_zh",
    "issuing_body_en",
    "issuing_body_zh",
    "country_region",
    "title_level",
    "evidence",
    "noc2022_code",
    "isco08_code",
    "level_rationale",
    "name_zh_status",
]


HEADER_SCAN = 10  # a header may sit below a title row or two; look this far for it
REQUIRED = ("name", "body", "country", "level")


def _cell(v) -> str:
    """An XLSX/CSV cell as text: whole-number floats (Excel's 3.0) as 3, None as ''."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _read_xlsx(path: Path) -> tuple[str, list[tuple[int, list[str]]], str]:
    """(label ``file:sheet``, numbered rows, note) of the first *visible* sheet.

    A formula cell whose value Excel never saved (a file written by a script, not by Excel) is an
    error naming the cell: reading it as empty would drop or change the row silently."""
    from itertools import zip_longest
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        values_wb = load_workbook(path, read_only=True, data_only=True)
        formulas_wb = load_workbook(path, read_only=True, data_only=False)
    except (BadZipFile, KeyError, ValueError, OSError, TypeError) as e:
        raise DataError(
            str(path), None, f"is not a readable XLSX workbook ({type(e).__name__}); save it from Excel as .xlsx"
        ) from None
    try:
        visible = [i for i, ws in enumerate(values_wb.worksheets) if ws.sheet_state == "visible"]
        if not visible:
            raise DataError(str(path), None, "has no visible sheet; unhide the sheet that holds the annex")
        i = visible[0]
        ws, wf = values_wb.worksheets[i], formulas_wb.worksheets[i]
        label = f"{path}:{ws.title}"
        skipped = [w.title for w in values_wb.worksheets if w.sheet_state != "visible"]
        others = [values_wb.worksheets[j].title for j in visible[1:]]
        note = ""
        if skipped or others:
            parts = [f"hidden sheet(s) skipped: {', '.join(skipped)}"] if skipped else []
            parts += [f"other sheet(s) not read: {', '.join(others)}"] if others else []
            note = f"read sheet {ws.title!r} ({'; '.join(parts)})"
        out = []
        for n, (vals, forms) in enumerate(
            zip_longest(ws.iter_rows(values_only=True), wf.iter_rows(values_only=True), fillvalue=()), start=1
        ):
            for c, (v, f) in enumerate(zip_longest(vals, forms), start=1):
                if v is None and isinstance(f, str) and f.startswith("="):
                    raise DataError(
                        label,
                        n,
                        f"cell {get_column_letter(c)}{n} holds the formula {f[:40]!r} with no saved value; "
                        "open and save the file in Excel, or paste the values",
                    )
            out.append((n, [_cell(v) for v in vals]))
        return label, out, note
    finally:
        values_wb.close()
        formulas_wb.close()


def _read(path: Path) -> tuple[str, list[tuple[int, list[str]]], str]:
    """(label for messages, non-empty rows with their line/row number, note on what was read)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        label, rows, note = _read_xlsx(path)
    else:
        raw = path.read_bytes()
        if raw[:4] == b"PK\x03\x04":
            raise DataError(str(path), None, "is an XLSX workbook named as CSV; rename it to .xlsx")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise DataError(
                str(path), raw[: e.start].count(b"\n") + 1, "is not UTF-8 text (GBK?); save the file as UTF-8 CSV"
            ) from None
        if "\0" in text:
            raise DataError(str(path), text[: text.index("\0")].count("\n") + 1, "contains a NUL byte; remove it")
        reader = csv.reader(io.StringIO(text, newline=""))
        label, rows, note, last = str(path), [], "", 0
        try:
            for cells in reader:
                start, last = last + 1, reader.line_num
                rows.append((start, [c.strip() for c in cells]))
        except csv.Error as e:
            raise DataError(str(path), last + 1, f"not a readable CSV ({e}); check the quoting of that line") from None
    return label, [(n, r) for n, r in rows if any(r)], note


def _columns(header: list[str]) -> dict[str, int]:
    low = [h.strip().lower() for h in header]
    col = {}
    for key, names in HEADERS.items():
        wanted = [n.lower() for n in names]
        for i, h in enumerate(low):
            if h in wanted:
                col[key] = i
                break
    return col


def _find_header(label: str, rows: list[tuple[int, list[str]]]) -> tuple[int, dict[str, int]]:
    """Index in ``rows`` of the header (the first row naming every required column) and its columns.

    Rows above it (an annex's title, a date line) are skipped; a header missing a column is an
    error naming the row that looks most like the header."""
    best: tuple[int, int, dict[str, int]] | None = None
    for i, (_, cells) in enumerate(rows[:HEADER_SCAN]):
        col = _columns(cells)
        if all(k in col for k in REQUIRED):
            dup = _repeated_header(cells)
            if dup:
                raise DataError(label, rows[i][0], f"column {dup!r} appears twice in the header; keep one")
            return i, col
        if best is None or len(col) > best[1]:
            best = (i, len(col), col)
    assert best is not None
    i, _, col = best
    missing = [k for k in REQUIRED if k not in col]
    want = {k: HEADERS[k][0] + " / " + HEADERS[k][-2] for k in missing}
    raise DataError(label, rows[i][0], f"missing column(s): {', '.join(want.values())}")


def _repeated_header(cells: list[str]) -> str | None:
    seen: set[str] = set()
    for h in cells:
        k = h.strip().lower()
        if k and k in seen:
            return h
        seen.add(k)
    return None


def _seq(label: str, line: int, raw: str, position: int) -> int:
    """The entry's 序号: a whole number ≥ 1 (its position among the entries when the cell is empty)."""
    if not raw:
        return position
    text = unicodedata.normalize("NFKC", raw).strip()
    if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
        raise DataError(label, line, f"序号 {raw!r} is not a whole number of 1 or more; number the entries 1, 2, 3 …")
    return int(text)


def _sectors() -> dict[str, str]:
    out = {}
    for r in csv.DictReader((DATA_DIR / "concepts.csv").open(encoding="utf-8")):
        if r["kind"] == "sector":
            for k in (r["notation"], r["label_en"], r["label_zh"]):
                out[k.strip().lower()] = r["notation"]
    return out


def _published() -> list[tuple[str, str, int]]:
    rows = csv.DictReader((DATA_DIR / "catalogue_totals.csv").open(encoding="utf-8"))
    return [
        (r["dimension"], r["title_level"] or r["sector"] or "all", int(r["published_count"]))
        for r in rows
        if r["catalogue"] == "gz-2025"
    ]


def import_annex(path: Path, out: Path, quiet: bool = False) -> list[str]:
    """Read the annex, write ``out`` atomically, return the report lines. ``quiet``: no progress display."""
    from talentkg.files import check_output, write_output
    from talentkg.progress import spinner, track

    check_output(out, inputs=[path])  # fail early: the annex itself is never overwritten
    with spinner(f"reading {path.name}", quiet=quiet):
        label, rows, note = _read(path)
    if not rows:
        raise DataError(str(path), None, "the file is empty")
    h, col = _find_header(label, rows)
    sectors = _sectors()
    out_rows = []
    seen_seq: dict[int, int] = {}
    seen_entry: dict[tuple[str, str, str], int] = {}
    body = rows[h + 1 :]
    for position, (n, r) in enumerate(track(body, "checking annex rows", total=len(body), quiet=quiet), start=1):
        get = lambda k, r=r: r[col[k]].strip() if k in col and col[k] < len(r) else ""  # noqa: E731
        level = LEVELS.get(get("level").lower())
        if not level:
            raise DataError(
                label,
                n,
                f"title level {get('level')!r} is not one of 助理工程师, 工程师, 高级工程师, 正高级工程师",
                "对应职称",
            )
        country = get("country")
        code = country.upper() if re.fullmatch(r"[A-Za-z]{2}", country) else COUNTRIES.get(country.lower())
        if not code:
            raise DataError(
                label,
                n,
                f"country or region {country!r} not recognised; use an ISO code such as US, GB, HK",
                "国家（地区）",
            )
        sector = get("sector")
        sector_code = sectors.get(sector.lower()) if sector else ""
        if sector and not sector_code:
            raise DataError(label, n, f"sector {sector!r} is not one of {sorted(set(sectors.values()))}", "领域")
        if not get("name") or not get("body"):
            raise DataError(label, n, "qualification name and issuing body are required")
        seq = _seq(label, n, get("seq"), position)
        if seq in seen_seq:
            raise DataError(
                label,
                n,
                f"序号 {seq} is also the number of row {seen_seq[seq]}; give each entry its own number",
            )
        seen_seq[seq] = n
        entry = (" ".join(get("name").split()).casefold(), " ".join(get("body").split()).casefold(), code)
        if entry in seen_entry:
            raise DataError(
                label,
                n,
                f"repeats the entry of row {seen_entry[entry]} ({get('name')!r}, {get('body')!r}, {code}); delete one",
            )
        seen_entry[entry] = n
        out_rows.append(
            {
                "id": f"GZ2025-{seq:03d}",
                "sector": sector_code or "",
                "name_en": get("name"),
                "name_zh": get("name_zh"),
                "issuing_body_en": get("body"),
                "issuing_body_zh": "",
                "country_region": code,
                "title_level": level,
                "evidence": "official_annex",
                "noc2022_code": "",
                "isco08_code": "",
                "level_rationale": "official annex",
                # no Chinese name in the annex: say so (never invent one)
                "name_zh_status": "" if get("name_zh") else "not_published",
            }
        )
    if not out_rows:
        raise DataError(label, rows[h][0], "the header has no entries below it")
    if any(not r["sector"] for r in out_rows):
        raise DataError(str(path), None, "the annex has no sector column; the graph needs each entry's sector (领域)")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=OUT_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(out_rows)
    write_output(out, buf.getvalue().encode("utf-8"), inputs=[path])
    counts: Counter[tuple[str, str]] = Counter()
    for entry_row in out_rows:
        counts[("total", "all")] += 1
        counts[("title_level", entry_row["title_level"])] += 1
        counts[("sector", entry_row["sector"])] += 1
    report = [f"imported {len(out_rows)} entries from {path}"]
    if note:
        report.append(note)
    if h:
        report.append(f"skipped {h} row(s) above the header (row {rows[h][0]})")
    for dim, key, published in _published():
        got = counts.get((dim, key), 0)
        flag = "same" if got == published else f"DIFFERS by {got - published:+d}"
        report.append(f"{dim} {key}: published {published}, annex {got} — {flag}")
    return report
