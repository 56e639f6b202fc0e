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
]


def _read(path: Path) -> list[list[str]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        ws = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        return [["" if c is None else str(c).strip() for c in row] for row in ws.iter_rows(values_only=True)]
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))]


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


def import_annex(path: Path, out: Path) -> list[str]:
    from talentkg.files import check_output
    from talentkg.graph.build import write_atomic

    check_output(out, inputs=[path])  # fail early: the annex itself is never overwritten
    rows = [r for r in _read(path) if any(r)]
    if not rows:
        raise DataError(str(path), None, "the file is empty")
    header = [h.strip().lower() for h in rows[0]]
    col = {}
    for key, names in HEADERS.items():
        for i, h in enumerate(header):
            if h in [n.lower() for n in names]:
                col[key] = i
                break
    missing = [k for k in ("name", "body", "country", "level") if k not in col]
    if missing:
        want = {k: HEADERS[k][0] + " / " + HEADERS[k][-2] for k in missing}
        raise DataError(str(path), 1, f"missing column(s): {', '.join(want.values())}")
    sectors = _sectors()
    out_rows = []
    for n, r in enumerate(rows[1:], start=2):
        get = lambda k: r[col[k]].strip() if k in col and col[k] < len(r) else ""  # noqa: E731
        level = LEVELS.get(get("level").lower())
        if not level:
            raise DataError(
                str(path),
                n,
                f"title level {get('level')!r} is not one of 助理工程师, 工程师, 高级工程师, 正高级工程师",
                "对应职称",
            )
        country = get("country")
        code = country.upper() if re.fullmatch(r"[A-Za-z]{2}", country) else COUNTRIES.get(country.lower())
        if not code:
            raise DataError(
                str(path),
                n,
                f"country or region {country!r} not recognised; use an ISO code such as US, GB, HK",
                "国家（地区）",
            )
        sector = get("sector")
        sector_code = sectors.get(sector.lower()) if sector else ""
        if sector and not sector_code:
            raise DataError(str(path), n, f"sector {sector!r} is not one of {sorted(set(sectors.values()))}", "领域")
        if not get("name") or not get("body"):
            raise DataError(str(path), n, "qualification name and issuing body are required")
        seq = get("seq") or str(n - 1)
        out_rows.append(
            {
                "id": f"GZ2025-{int(seq):03d}" if seq.isdigit() else f"GZ2025-{seq}",
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
            }
        )
    if any(not r["sector"] for r in out_rows):
        raise DataError(str(path), None, "the annex has no sector column; the graph needs each entry's sector (领域)")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=OUT_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(out_rows)
    write_atomic(out, buf.getvalue().encode("utf-8"), inputs=[path])
    counts = Counter()
    for r in out_rows:
        counts[("total", "all")] += 1
        counts[("title_level", r["title_level"])] += 1
        counts[("sector", r["sector"])] += 1
    report = [f"imported {len(out_rows)} entries from {path}"]
    for dim, key, published in _published():
        got = counts.get((dim, key), 0)
        flag = "same" if got == published else f"DIFFERS by {got - published:+d}"
        report.append(f"{dim} {key}: published {published}, annex {got} — {flag}")
    return report
