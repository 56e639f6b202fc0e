"""Add a city's salary standard from its notice, and any dated fact the tables hold (issue 18).

``talentkg standard add --city CITY --notice FILE`` reads a notice (text or HTML, Chinese or
English), finds the candidate figures and dates with the exact span of text each came from,
checks the arithmetic and writes validated rows (documents, salary_standards, salary_thresholds,
and the wage statistic when the notice states it) into a data folder (an overlay, or data/).

Checks (every figure a Decimal, nothing rounded silently):
- base = annual ÷ 12, under one stated rounding rule: exact, to the cent, or to the nearest yuan;
- threshold = multiple × base (the published base), or multiple × annual ÷ 12 rounded as stated;
- an annual threshold = 12 × its monthly threshold (or multiple × annual base);
- A and B give the same base when the base is not printed (base = threshold ÷ multiple).
The multiples are the data's: criteria rows with ``salary_multiple`` in force nationally on the
standard's start date. A check that fails stops everything; the message names the figures that
disagree. Rows are written only after the whole data (packaged + the folder with the new rows)
loads and validates (SHACL, violation queries) — ``write_rows``, also used by ``talentkg fact add``
for any table of data/tables.yaml.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path

from talentkg.errors import DataError, ParameterError, TalentKGError
from talentkg.resources import DATA_DIR

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
NUM = r"(\d[\d,，]*(?:\.\d+)?)"
MONTH_RE = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
# basis wording → wage-basis notation (data/concepts.csv); most specific first
BASIS = [
    (
        r"城镇非私营单位在岗职工|on-the-job workers in urban non-private units|on-post workers of urban non-private units",
        "non_private_onpost",
    ),
    (r"城镇单位在岗职工", "all_urban_onpost"),
    (r"全口径|城镇全部单位|Non-Private and Private Sectors|all urban units?", "all_urban"),
    (r"城镇非私营单位|urban non-private units?|non-private (?:units|sectors?)", "non_private"),
]


class CheckError(TalentKGError):
    """A figure of the notice disagrees with another; nothing is written."""

    exit_code = 2


@dataclass
class Found:
    field: str
    value: object
    start: int
    end: int
    text: str
    note: str = ""

    def show(self) -> str:
        return f"{self.field:<18} {self.value!s:<14} [{self.start}:{self.end}] «{self.text}»"


@dataclass
class Extraction:
    text: str
    found: dict[str, Found] = field(default_factory=dict)
    thresholds: dict[str, Found] = field(default_factory=dict)  # category → monthly
    annual_thresholds: dict[str, Found] = field(default_factory=dict)  # category → annual

    def spans(self) -> list[Found]:
        return sorted(
            [*self.found.values(), *self.thresholds.values(), *self.annual_thresholds.values()], key=lambda f: f.start
        )


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in ("p", "br", "div", "tr", "li", "h1", "h2", "h3", "td"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def notice_text(raw: str) -> str:
    """Plain text of a notice: HTML tags dropped (script/style content too), entities decoded."""
    if re.search(r"<(html|body|p|div|br|span|table)\b", raw, flags=re.I):
        p = _Text()
        p.feed(raw)
        raw = "".join(p.parts)
    return html.unescape(raw).replace("\r\n", "\n")


def _num(s: str) -> Decimal:
    return Decimal(s.replace(",", "").replace("，", ""))


def _date(y, m, d) -> str:
    m = MONTHS[m.lower()] if isinstance(m, str) and not m.isdigit() else int(m)
    return dt.date(int(y), m, int(d)).isoformat()


# Where a notice states its figures: (pattern, flags, {figure: regex group}), tried in this order; the
# first match of a figure wins. Group None: the first group that matched (alternatives).
FIGURES: list[tuple[str, int, dict[str, int | None]]] = [
    (
        r"(\d{4})年[^。；;\n]{0,40}?年平均工资(?:为|是|：|:)?\s*" + NUM + r"\s*元",
        0,
        {"annual_average": 2, "statistics_year": 1},
    ),
    (r"\b(\d{4})年?\s*[^\d\n。]{0,30}?年平均工资", 0, {"statistics_year": 1}),
    (r"年平均工资\s*" + NUM + r"(?!\s*/)", 0, {"annual_average": 1}),
    (r"每年\s*" + NUM + r"\s*元", 0, {"annual_average": 1}),
    (
        r"average (?:annual )?salary[^.]{0,80}?in (\d{4}) (?:is|was) (?:RMB|CNY)\s?" + NUM,
        re.I,
        {"annual_average": 2, "statistics_year": 1},
    ),
    (NUM + r"\s*(?:yuan|RMB)? per year", re.I, {"annual_average": 1}),
    (r"(?:RMB|CNY)\s?" + NUM + r"\s*/\s*year", re.I, {"annual_average": 1}),
    (r"\b(\d{4})\b[^.\n]{0,60}?average", 0, {"statistics_year": 1}),
    (r"月平均工资(?:为|是)?\s*" + NUM + r"\s*元", 0, {"monthly_base": 1}),
    (r"(?<!倍\()(?<!倍（)每月\s*" + NUM + r"\s*元(?!人民币)", 0, {"monthly_base": 1}),
    (r"\(" + NUM + r"\s*/月\)", 0, {"monthly_base": 1}),
    (
        r"(?:RMB|CNY)\s?"
        + NUM
        + r"\s*/\s*month|"
        + NUM
        + r"\s*(?:yuan|RMB) per month|\(monthly "
        + NUM
        + r" yuan\)|\("
        + NUM
        + r" yuan per month\)",
        re.I,
        {"monthly_base": None},
    ),
    (r"monthly average (?:salary|wage)? ?(?:of )?(?:CNY|RMB) ?" + NUM, re.I, {"monthly_base": 1}),
]


def extract(text: str, multiples: dict[str, Decimal]) -> Extraction:
    """Candidate figures and dates of a notice, each with the span it came from."""
    ex = Extraction(text)
    by_multiple = {str(int(v)) if v == v.to_integral_value() else str(v): k for k, v in multiples.items()}

    def put(name, value, m, group=0, note=""):
        if name not in ex.found:
            ex.found[name] = Found(name, value, m.start(group), m.end(group), text[m.start() : m.end()], note)

    def thr(cat, value, m, annual=False):
        target = ex.annual_thresholds if annual else ex.thresholds
        if cat and cat not in target:
            target[cat] = Found(
                f"threshold {cat}" + (" (year)" if annual else ""), value, m.start(), m.end(), text[m.start() : m.end()]
            )

    # --- annual average wage (the base's statistic) and its year; monthly base (FIGURES, in order)
    for pattern, flags, groups in FIGURES:
        for m in re.finditer(pattern, text, flags=flags):
            for name, g in groups.items():
                raw = m.group(g) if g else next(x for x in m.groups() if x)
                put(name, int(raw) if name == "statistics_year" else _num(raw), m)

    # --- thresholds
    for m in re.finditer(
        r"A类和B类[^。\n]{0,20}?分别为\s*" + NUM + r"\s*(?:元)?/月和\s*" + NUM + r"\s*(?:元)?/月", text
    ):
        thr("A", _num(m.group(1)), m)
        thr("B", _num(m.group(2)), m)
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*倍[（(]\s*(?:每月|即人民币)?\s*" + NUM + r"\s*元", text):
        thr(by_multiple.get(m.group(1)), _num(m.group(2)), m)
    for m in re.finditer(r"(\d+(?:\.\d+)?) times [^.()]{0,80}?\(that is RMB\s?" + NUM + r"\)", text):
        thr(by_multiple.get(m.group(1)), _num(m.group(2)), m)
    for m in re.finditer(
        r"(?:Category|Class|Type) ([AB])\b[^≥\n]{0,60}?≥\s*RMB\s*" + NUM + r"\s*/\s*≥\s*RMB\s*" + NUM, text
    ):
        thr(m.group(1), _num(m.group(3)), m)
        thr(m.group(1), _num(m.group(2)), m, annual=True)
    for m in re.finditer(
        r"(?:Category|Class|Type) ([AB])\b[^.\n]{0,80}?(?:at least|no less than|not less than)\s*(?:RMB\s?)?" + NUM,
        text,
        flags=re.I,
    ):
        thr(m.group(1), _num(m.group(2)), m)
    for m in re.finditer(r"\b([AB]) " + NUM + r"\s*/yr = " + NUM + r"\s*/month", text):
        thr(m.group(1), _num(m.group(3)), m)
        thr(m.group(1), _num(m.group(2)), m, annual=True)

    # --- validity
    for m in re.finditer(r"自\s*(\d{4})年(\d{1,2})月(\d{1,2})日起(?:至\s*(\d{4})年(\d{1,2})月(\d{1,2})日止)?", text):
        put("valid_from", _date(*m.group(1, 2, 3)), m)
        if m.group(4):
            put("valid_until", _date(*m.group(4, 5, 6)), m)
    for m in re.finditer(r"from " + MONTH_RE + r" (\d{1,2}),? (\d{4}) to " + MONTH_RE + r" (\d{1,2}),? (\d{4})", text):
        put("valid_from", _date(m.group(3), m.group(1), m.group(2)), m)
        put("valid_until", _date(m.group(6), m.group(4), m.group(5)), m)
    for m in re.finditer(r"(?:since|from|starting from) " + MONTH_RE + r" (\d{1,2}),? (\d{4})", text):
        put("valid_from", _date(m.group(3), m.group(1), m.group(2)), m)
    for m in re.finditer(r"to " + MONTH_RE + r" (\d{1,2}),? (\d{4})", text):
        put("valid_until", _date(m.group(3), m.group(1), m.group(2)), m)

    # --- basis, document number, issue date, title
    for pattern, notation in BASIS:
        m = re.search(pattern, text, flags=re.I)
        if m:
            put("wage_basis", notation, m)
            break
    m = re.search(r"[\u4e00-\u9fff]{1,6}[〔\[［]\d{4}[〕\]］]\d+号", text)
    if m:
        put("identifier", m.group(0), m)
    m = re.search(r"发布(?:时间|日期)[:：]\s*(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        put("issued", _date(*m.group(1, 2, 3)), m)
    m = re.search(r"关于[^\n。]{4,60}?(?:公告|通知)", text)
    if m:
        put("title_zh", m.group(0), m)
    return ex


# ------------------------------------------------------------------ arithmetic
def _fmt(d: Decimal) -> str:
    d = d.normalize()
    return f"{d:,f}" if d == d.to_integral_value() or d.as_tuple().exponent < 0 else f"{d:,}"


ROUNDINGS = [("exact", None), ("to the cent", Decimal("0.01")), ("to the nearest yuan", Decimal("1"))]


def _rounds_to(value: Decimal, exact: Decimal) -> str | None:
    for name, q in ROUNDINGS:
        if (q is None and value == exact) or (
            q is not None
            and value == exact.quantize(q, rounding=ROUND_HALF_UP)
            and value.as_tuple().exponent >= q.as_tuple().exponent
        ):
            return name
    return None


@dataclass
class Checked:
    base: Decimal
    annual: Decimal | None
    base_status: str  # published | derived
    base_rule: str  # how base relates to annual
    thresholds: dict[str, tuple[Decimal, Decimal | None, str, str]]  # cat → (monthly, annual, status, rule)
    lines: list[str]


def check(ex: Extraction, multiples: dict[str, Decimal], given: dict) -> Checked:
    """The arithmetic of the notice; raises CheckError naming the figures that disagree."""
    lines: list[str] = []
    annual = given.get("annual_average") or (ex.found["annual_average"].value if "annual_average" in ex.found else None)
    base = given.get("monthly_base") or (ex.found["monthly_base"].value if "monthly_base" in ex.found else None)
    thr = {c: f.value for c, f in ex.thresholds.items()}
    thr.update({c: v for c, v in (given.get("thresholds") or {}).items() if v is not None})
    base_status = "published"
    if base is None and annual is None:
        if not thr:
            raise CheckError(
                "no base, annual average or threshold found in the notice; give --monthly-base or --annual"
            )
        c, v = sorted(thr.items())[0]
        base = v / multiples[c]
        base_status = "derived"
        lines.append(f"base {_fmt(base)} = threshold {c} {_fmt(v)} ÷ {_fmt(multiples[c])} (not printed in the notice)")
    if base is None:
        q = Decimal("0.01") if (annual / 12) != (annual / 12).quantize(Decimal("1")) else Decimal("1")
        base = (annual / 12).quantize(q, rounding=ROUND_HALF_UP)
        base_status = "derived"
        lines.append(
            f"base {_fmt(base)} = annual {_fmt(annual)} ÷ 12 (not printed in the notice; to the {'cent' if q < 1 else 'yuan'})"
        )
    rule = ""
    if annual is not None:
        rule = _rounds_to(base, annual / 12)
        if rule is None:
            raise CheckError(
                f"monthly base {_fmt(base)} disagrees with annual {_fmt(annual)} ÷ 12 = {_fmt((annual / 12).quantize(Decimal('0.01')))} "
                "(not equal, not rounded to the cent or the yuan)"
            )
        lines.append(
            f"base {_fmt(base)} = annual {_fmt(annual)} ÷ 12 = {_fmt((annual / 12).quantize(Decimal('0.0001')))}, {rule}"
        )
    else:
        annual = base * 12
        lines.append(
            f"annual base {_fmt(annual)} = 12 × base {_fmt(base)} (derived; the notice prints no annual figure)"
        )
    out = {}
    for cat, mult in sorted(multiples.items()):
        v = thr.get(cat)
        if v is None:
            v = mult * base
            out[cat] = (v, None, "computed", f"{_fmt(mult)} × base {_fmt(base)}")
            lines.append(
                f"threshold {cat} {_fmt(v)} = {_fmt(mult)} × base {_fmt(base)} (computed: not printed in the notice)"
            )
            continue
        if v == mult * base:
            how = f"{_fmt(mult)} × base {_fmt(base)}"
        else:
            r = _rounds_to(v, mult * annual / 12)
            if r is None:
                raise CheckError(
                    f"threshold {cat} {_fmt(v)} disagrees with {_fmt(mult)} × base {_fmt(base)} = {_fmt(mult * base)}"
                    + (
                        f" and with {_fmt(mult)} × annual {_fmt(annual)} ÷ 12 = {_fmt((mult * annual / 12).quantize(Decimal('0.01')))}"
                        if annual
                        else ""
                    )
                )
            how = f"{_fmt(mult)} × annual {_fmt(annual)} ÷ 12, {r}"
        y = ex.annual_thresholds.get(cat)
        yv = y.value if y else None
        if yv is not None and yv != 12 * v and yv != mult * annual:
            raise CheckError(
                f"annual threshold {cat} {_fmt(yv)} disagrees with 12 × monthly {_fmt(v)} = {_fmt(12 * v)} and with {_fmt(mult)} × annual {_fmt(annual)} = {_fmt(mult * annual)}"
            )
        out[cat] = (v, yv, "published", how)
        if yv is not None:
            how_y = f"12 × {_fmt(v)}" if yv == 12 * v else f"{_fmt(mult)} × annual {_fmt(annual)}"
            how += f"; annual {_fmt(yv)} = {how_y}"
        lines.append(f"threshold {cat} {_fmt(v)} = {how}")
    return Checked(base, annual, base_status, rule, out, lines)


# ------------------------------------------------------------------ data access
def _read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def find_city(city: str, data_dir: Path = DATA_DIR) -> dict:
    rows = _read(data_dir / "reference" / "jurisdictions" / "jurisdictions.csv")
    key = city.strip().lower()
    for r in rows:
        if key in (r["code"].lower(), r["name_en"].lower(), r["name_zh"], r["name_zh"].rstrip("市省")):
            return r
    raise ParameterError("--city", f"unknown city {city!r}; give a name (Hangzhou, 杭州) or a GB/T 2260 code")


def salary_multiples(on: str | None, data_dir: Path = DATA_DIR) -> dict[str, Decimal]:
    """Category → salary multiple, from the national criteria in force on ``on``."""
    out: dict[str, Decimal] = {}
    for r in _read(data_dir / "criteria.csv"):
        if not r.get("salary_multiple", "").strip() or "CN" not in r["jurisdictions"].split(";"):
            continue
        if on and (r["valid_from"] > on or (r["valid_until"].strip() and r["valid_until"] < on)):
            continue
        m = Decimal(r["salary_multiple"])
        if out.setdefault(r["category"], m) != m:
            raise DataError("data/criteria.csv", None, f"two national salary multiples for category {r['category']}")
    if not out:
        raise DataError("data/criteria.csv", None, "no national criterion with a salary_multiple")
    return out


def table_specs():
    from talentkg.loaders.tables import load_specs

    return {s.name: s for s in load_specs(DATA_DIR / "tables.yaml")}


def write_rows(target: Path, rows: dict[str, list[dict]]) -> list[Path]:
    """Append ``rows`` (table name → row dicts) to the tables of ``target`` (an overlay folder, or the
    packaged data/), creating a table file with its header when missing. Nothing is written unless
    the packaged data plus the folder with the new rows loads and validates."""
    from talentkg.graph.build import collect_triples
    from talentkg.graph.validate import validate_triples

    specs = table_specs()
    for table, new in rows.items():
        if table not in specs:
            raise ParameterError(
                "--table", f"unknown table {table!r}; data/tables.yaml has: {', '.join(sorted(specs))}"
            )
        for r in new:
            unknown = set(r) - set(specs[table].columns) - {"supersedes"}
            if unknown:
                raise ParameterError(
                    ", ".join(sorted(unknown)),
                    f"not a column of {table}; its columns: {', '.join(specs[table].columns)}",
                )
    target = target.resolve()
    packaged = target == DATA_DIR.resolve()
    with tempfile.TemporaryDirectory(prefix="talentkg-add-") as tmp:
        stage = Path(tmp) / "data"
        if target.exists():
            shutil.copytree(target, stage, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        stage.mkdir(parents=True, exist_ok=True)
        changed = []
        for table, new in rows.items():
            spec = specs[table]
            path = stage / spec.file
            existing_header = (
                next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))), None) if path.exists() else None
            )
            header = existing_header or list(spec.columns) + (
                ["supersedes"] if any("supersedes" in r for r in new) else []
            )
            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="raise")
            if existing_header is None:
                w.writeheader()
            for r in new:
                w.writerow({h: r.get(h, "") for h in header})
            body = path.read_text(encoding="utf-8") if path.exists() else ""
            if body and not body.endswith("\n"):
                body += "\n"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body + buf.getvalue(), encoding="utf-8")
            changed.append(spec.file)
        try:
            triples = collect_triples(stage) if packaged else collect_triples(overlays=[stage])
            validate_triples(triples)
        except DataError as e:  # name the folder written to, not the staging copy
            raise DataError(
                e.file.replace(str(stage), str(target)), e.line, e.reason.replace(str(stage), str(target)), e.column
            ) from None
        written = []
        target.mkdir(parents=True, exist_ok=True)
        for rel in changed:
            from talentkg.files import write_output

            write_output(target / rel, (stage / rel).read_bytes())
            written.append(target / rel)
        return written


# ------------------------------------------------------------------ rows of a standard
def standard_rows(
    city: dict, ex: Extraction, ck: Checked, meta: dict, multiples: dict[str, Decimal]
) -> dict[str, list[dict]]:
    code = city["code"]
    vf, vu = meta["valid_from"], meta.get("valid_until") or ""
    std_id = meta.get("id") or f"{code}-{vf}"
    doc_id = meta.get("document_id") or f"salary-notice-{code}-{vf}"
    url = meta["source_url"]
    conf = meta["confidence"]
    spans = [f.text for f in ex.spans()]
    quote = " … ".join(dict.fromkeys(spans)) or meta.get("quote", "")
    src = dict(source_document=doc_id, source_url=url, quote=quote, quote_kind="verbatim", confidence=conf)
    note_std = "; ".join(ck.lines[:2]) + f". Added by talentkg standard add from {meta['notice_name']}."
    docs = [
        dict(
            id=doc_id,
            kind="policy",
            identifier=ex.found.get("identifier").value if "identifier" in ex.found else "",
            title_zh=ex.found["title_zh"].value if "title_zh" in ex.found else "",
            title_en=meta.get("title_en")
            or f"{city['name_en']} salary calculation standard for foreigners' work permits from {vf}",
            issued=meta.get("issued") or (ex.found["issued"].value if "issued" in ex.found else ""),
            effective_from=vf,
            effective_until=vu,
            document_kind="notice",
            url=url,
            confidence=conf,
            note=f"Added by talentkg standard add from {meta['notice_name']}.",
        )
    ]
    std = [
        dict(
            id=std_id,
            jurisdiction=code,
            valid_from=vf,
            valid_from_qualifier="exact",
            valid_until=vu,
            monthly_base_cny=_plain(ck.base),
            annual_base_cny=_plain(ck.annual) if ck.annual is not None else "",
            wage_basis=meta["wage_basis"],
            base_statistics_year=str(meta.get("statistics_year") or ""),
            instrument=doc_id,
            note=note_std,
            **src,
        )
    ]
    thr = []
    for cat, (v, yv, status, how) in sorted(ck.thresholds.items()):
        thr.append(
            dict(
                id=f"{std_id}-{cat}",
                standard=std_id,
                category=cat,
                multiple=_plain(multiples[cat]),
                monthly_amount_cny=_plain(v),
                annual_amount_cny=_plain(yv) if yv is not None else "",
                amount_status=status,
                bound_inclusive="true",
                bound_wording="不低于",
                note=f"{'Computed' if status == 'computed' else 'Checked'}: {how}. bound_wording 不低于: the national rule's wording.",
                **src,
            )
        )
    out = {"documents": docs, "salary_standards": std, "salary_thresholds": thr}
    known = {
        (r["jurisdiction"], r["statistics_year"], r["wage_basis"], r.get("region", "")): r
        for r in _read(DATA_DIR / "wage_statistics.csv")
    }
    same = known.get((code, str(meta.get("statistics_year")), meta["wage_basis"], ""))
    if same and Decimal(same["annual_amount_cny"]) == ck.annual:
        meta.setdefault("skipped", []).append(
            f"wage statistic already in the data: {same['id']} ({same['annual_amount_cny']})"
        )
    elif ck.base_status == "published" and "annual_average" in ex.found and meta.get("statistics_year"):
        out["wage_statistics"] = [
            dict(
                id=f"wage-{code}-{meta['statistics_year']}-{meta['wage_basis']}",
                jurisdiction=code,
                statistics_year=str(meta["statistics_year"]),
                wage_basis=meta["wage_basis"],
                annual_amount_cny=_plain(ck.annual),
                amount_status="published",
                note="Stated in the work-permit notice (talentkg standard add).",
                **src,
            )
        ]
    return out


def _plain(d: Decimal) -> str:
    d = Decimal(d)
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")
