"""``talentkg catalogue export --out F.xlsx``: the catalogue as a workbook analysts open in Excel.

Sheets: "About 说明" (which graph, which catalogue evidence, what the flags mean), then one sheet per
title level (in the ladder's order) and one per sector (largest first, named in Chinese). Every row carries its
evidence flag (a reconstruction is never shown as the official list) and its Chinese name, or
未公布 with ``name_zh_status`` = not_published where no source held publishes one. Headers are
bilingual ("Name (English) 英文名称"). The rows come from the library query
``qualification_equivalents`` — the same answer as ``talentkg query`` gives.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

# (query column, bilingual header)
COLUMNS: list[tuple[str, str]] = [
    ("id", "ID 编号"),
    ("name_en", "Name (English) 英文名称"),
    ("name_zh", "Name (Chinese) 中文名称"),
    ("name_zh_status", "Chinese name status 中文名称状态"),
    ("issuing_body", "Issuing body 颁发机构"),
    ("country_region", "Country/region 国家（地区）"),
    ("sector", "Sector code 领域代码"),
    ("sector_en", "Sector 领域 (en)"),
    ("sector_zh", "领域 Sector (zh)"),
    ("level", "Title level code 职称级别代码"),
    ("level_en", "Title level 职称 (en)"),
    ("level_zh", "职称 Title level (zh)"),
    ("evidence", "Evidence 依据"),
    ("evidence_note", "Evidence note 依据说明 (en)"),
    ("evidence_note_zh", "依据说明 Evidence note (zh)"),
    ("level_rationale", "Level rationale 定级理由"),
]
HEADERS = [h for _, h in COLUMNS]
ABOUT = "About 说明"


def _title(zh: str, en: str | None, used: set[str]) -> str:
    """A sheet name (≤ 31 characters, unique): "助理工程师 Assistant Engineer" for a level, the Chinese
    label for a sector (its English name is in every row: a sector's English name rarely fits)."""
    t = f"{zh} {en}" if en and len(f"{zh} {en}") <= 31 else zh[:31]
    base, n = t, 2
    while t in used:
        t = f"{base[:28]} {n}"
        n += 1
    used.add(t)
    return t


def _text(v) -> str | None:
    import pandas as pd

    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)


def catalogue_sheets(kg) -> dict[str, tuple[list[str], list[list]]]:
    """The workbook's sheets: {title: (headers, rows)}, deterministic for a given graph."""
    df = kg.query("qualification_equivalents")
    rows = [{c: _text(r[c]) for c, _ in COLUMNS} | {"level_rank": r["level_rank"]} for _, r in df.iterrows()]
    rows.sort(key=lambda r: r["id"])

    def table(sel):
        return [[r[c] for c, _ in COLUMNS] for r in sel]

    levels = sorted({(int(r["level_rank"]), r["level"], r["level_zh"], r["level_en"]) for r in rows})
    sector_n = Counter(r["sector"] for r in rows)
    sector_labels = {r["sector"]: (r["sector_zh"], r["sector_en"]) for r in rows}
    sectors = sorted(sector_n, key=lambda s: (-sector_n[s], s))
    evidence = Counter(r["evidence"] for r in rows)
    not_published = sum(1 for r in rows if r["name_zh_status"] == "not_published")
    g = kg.graph
    about = [
        ["entries 条目数", len(rows)],
        ["graph 图", g.note()],
        ["data version 数据版本", g.data_version],
        *[[f"evidence 依据: {k}", n] for k, n in sorted(evidence.items())],
        ["Chinese name not published 中文名称未公布", not_published],
        [
            "note 说明",
            "evidence = reconstructed / body_named_in_notice: NOT the official annex; inclusion, sector and level are "
            "assumptions (data/reference/catalogue/README.md). 依据为 reconstructed / body_named_in_notice 的条目并非官方附件，"
            "其收录、领域和级别均为推定。",
        ],
        [
            "name_zh_status 中文名称状态",
            "not_published: no source held publishes a Chinese name; none is invented (未公布：所掌握的来源均未公布中文名称，不作杜撰).",
        ],
    ]
    used: set[str] = {ABOUT}
    sheets: dict[str, tuple[list[str], list[list]]] = {ABOUT: (["Item 项目", "Value 值"], about)}
    for _, code, zh, en in levels:
        sheets[_title(zh, en, used)] = (HEADERS, table(r for r in rows if r["level"] == code))
    for s in sectors:
        sheets[_title(sector_labels[s][0], None, used)] = (HEADERS, table(r for r in rows if r["sector"] == s))
    return sheets


def deterministic_xlsx(data: bytes, stamp: str) -> bytes:
    """The same workbook with fixed timestamps (zip entries and docProps/core.xml ``stamp``, ISO
    ``YYYY-MM-DDT00:00:00Z``), so that the same graph gives byte-identical files."""
    import io
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def export_catalogue(kg, out: str | Path) -> dict[str, int]:
    """Write the workbook atomically (byte-identical for the same graph); returns the row count per sheet."""
    from talentkg.dataset import current_release
    from talentkg.files import write_output
    from talentkg.xlsx import xlsx_bytes

    sheets = catalogue_sheets(kg)
    counts = {k: len(rows) for k, (_, rows) in sheets.items()}
    stamp = f"{current_release().issued}T00:00:00Z"  # the data release's date, not the clock
    write_output(out, deterministic_xlsx(xlsx_bytes(sheets=sheets), stamp))
    return counts
