"""Read the ``data/`` tables into RDF triples, driven by ``data/tables.yaml``.

One mechanism for every table: the YAML spec says which class a row is, how its IRI is made,
and which column becomes which property with which datatype. Adding a kind of fact means adding
a table and its spec, not code. Every bad row stops the load with ``file:line: column: reason``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from pyoxigraph import Literal, NamedNode, Triple

from talentkg.errors import DataError
from talentkg.namespaces import PREFIXES, TKD, expand
from talentkg.values import ValueProblem, bool_value, date_text, domain_error, number_value

XSD = PREFIXES["xsd"]
RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
PROVENANCE_COLUMNS: dict[str, dict[str, dict[str, Any]]] = {
    # every policy fact: the document, the URL and a short quote
    "fact": {
        "source_document": {"property": "prov:wasDerivedFrom", "type": "ref", "ref": "documents", "required": True},
        "source_url": {"property": "tk:sourceURL", "type": "uri", "required": True},
        "quote": {"property": "tk:sourceQuote", "type": "string", "required": True},
        # verbatim: the quote is the source's text (tests/test_quotes.py checks it against the
        # stored copies); paraphrase: the project's wording of it; label: a table cell or heading
        "quote_kind": {
            "property": "tk:quoteKind",
            "type": "string",
            "required": True,
            "choices": ["verbatim", "paraphrase", "label"],
        },
        "confidence": {"property": "tk:confidence", "type": "string"},
        "note": {"property": "tk:note", "type": "string"},
    },
    # reference rows (jurisdictions, catalogue entries): document and URL, no quote
    "record": {
        "source_document": {"property": "prov:wasDerivedFrom", "type": "ref", "ref": "documents", "required": True},
        "source_url": {"property": "tk:sourceURL", "type": "uri", "required": True},
        "note": {"property": "tk:note", "type": "string"},
    },
}
CONFIDENCE_VALUES = {"high", "medium", "low", "unverified"}


def slug(value: str) -> str:
    """A stable IRI-safe slug: ASCII letters/digits kept, everything else folded to '-'."""
    norm = unicodedata.normalize("NFKD", value)
    ascii_ = norm.encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")
    return s or quote(value, safe="")


def noc_parent(code: str) -> str:
    """Parent of a NOC 2022 code: '2-02-38-01' -> '2-02-38', '2-02' -> '2', '2' -> ''."""
    return code.rsplit("-", 1)[0] if "-" in code else ""


TRANSFORMS: dict[str, Callable[[str], str]] = {"slug": slug, "noc_parent": noc_parent, "lower": str.lower}


@dataclass
class ColumnSpec:
    name: str
    property: str | None = None
    type: str = "string"
    required: bool = False
    multi: str | None = None
    ref: str | None = None
    lang: str | None = None
    min: float | None = None
    inverse: bool = False
    when: str | None = None
    object: str | None = None
    transform: str | None = None
    template: str | None = None
    choices: list[str] | None = None
    node: dict[str, Any] | None = None
    ref_prefix: str = ""
    also: list[ColumnSpec] = field(default_factory=list)


@dataclass
class TableSpec:
    name: str
    file: str
    iri: str
    key: str | None
    cls: str | None
    class_from: dict[str, Any] | None
    columns: dict[str, ColumnSpec]
    constants: dict[str, str] = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)


def _column(name: str, raw: dict[str, Any]) -> ColumnSpec:
    known = set(ColumnSpec.__dataclass_fields__)
    extra = set(raw) - known
    if extra:
        raise ValueError(f"column {name}: unknown spec keys {sorted(extra)}")
    also = [_column(name, a) for a in raw.pop("also", [])]
    return ColumnSpec(name=name, also=also, **raw)


_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(?::\d{1,5})?(?:[/?#][^\s<>\"{}|\\^`]*)?")


def _open_table(path: Path, rel: str):
    """A data CSV as text: UTF-8 (a BOM is accepted), no NUL bytes; else a DataError naming file:line."""
    import io

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(
            rel, raw[: e.start].count(b"\n") + 1, "is not UTF-8 text (GBK? UTF-16?); save the file as UTF-8"
        ) from None
    if "\0" in text:
        raise DataError(rel, text[: text.index("\0")].count("\n") + 1, "contains a NUL byte; remove it")
    return io.StringIO(text, newline="")


def load_specs(spec_path: Path) -> list[TableSpec]:
    try:
        doc = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise DataError(
            str(spec_path), mark.line + 1 if mark else None, f"not valid YAML: {getattr(e, 'problem', None) or e}"
        ) from None
    except UnicodeDecodeError:
        raise DataError(str(spec_path), None, "is not UTF-8 text") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("tables"), list):
        raise DataError(str(spec_path), None, "must be a mapping with a 'tables:' list")
    try:
        specs = _load_specs(spec_path, doc)
    except ValueError as e:
        raise DataError(str(spec_path), None, str(e)) from None
    except (KeyError, TypeError) as e:
        raise DataError(
            str(spec_path), None, f"a table spec lacks or mistypes {e}; each table needs name, file and iri"
        ) from None
    _check_prefixes(spec_path, specs)
    return specs


def _spec_curies(spec: TableSpec) -> Iterable[str]:
    """Every CURIE a table spec will expand (classes, properties, constants, objects, datatypes)."""
    if spec.cls:
        yield spec.cls
    if spec.class_from:
        yield from (str(v) for v in (spec.class_from.get("map") or {}).values())
    for prop, value in spec.constants.items():
        yield prop.lstrip("^")
        yield str(value["datatype"]) if isinstance(value, dict) and "datatype" in value else str(value)
    if ":" in spec.iri.split("/")[0] and "{" not in spec.iri.split(":")[0]:
        yield spec.iri.split("{")[0]
    for col in spec.columns.values():
        for c in (col, *col.also):
            if c.property:
                yield c.property
            if c.object:
                yield c.object
            if c.node and c.node.get("class"):
                yield str(c.node["class"])
            if c.template and ":" in c.template and "{" not in c.template.split(":")[0]:
                yield c.template.split("{")[0]


def _check_prefixes(spec_path: Path, specs: list[TableSpec]) -> None:
    """An unknown prefix (``foaf:name`` when foaf is not declared) is named with its line in the
    spec before any table is read, instead of failing half-way through the load."""
    for spec in specs:
        for curie in _spec_curies(spec):
            try:
                expand(curie)
            except ValueError as e:
                lines = spec_path.read_text(encoding="utf-8").splitlines()
                line = next((i for i, text in enumerate(lines, start=1) if curie in text), None)
                raise DataError(
                    str(spec_path), line, f"table {spec.name!r}: {e}; declare it in talentkg/namespaces.py or fix it"
                ) from None


TABLE_KEYS = {
    "name",
    "file",
    "iri",
    "key",
    "class",
    "class_from",
    "columns",
    "constants",
    "ignore",
    "provenance",
    "overlay_conflict",
}


def _load_specs(spec_path: Path, doc) -> list[TableSpec]:
    for t in doc["tables"]:
        extra = set(t) - TABLE_KEYS if isinstance(t, dict) else set()
        if extra:
            raise ValueError(
                f"table {t.get('name')!r}: unknown spec keys {sorted(extra)}; allowed: {', '.join(sorted(TABLE_KEYS))}"
            )
    specs = []
    for t in doc["tables"]:
        cols = {n: _column(n, c or {}) for n, c in (t.get("columns") or {}).items()}
        prov = t.get("provenance")
        if prov:
            for n, c in PROVENANCE_COLUMNS[prov].items():
                cols.setdefault(n, _column(n, dict(c)))
        specs.append(
            TableSpec(
                name=t["name"],
                file=t["file"],
                iri=t["iri"],
                key=t.get("key"),
                cls=t.get("class"),
                class_from=t.get("class_from"),
                columns=cols,
                constants=t.get("constants") or {},
                ignore=t.get("ignore") or [],
            )
        )
    names = [s.name for s in specs]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError(f"{spec_path}: table names repeated: {sorted(dup)}")
    return specs


def _iri(template: str, row: dict[str, str], file: str, line: int) -> NamedNode:
    try:
        local = template.format(**{k: quote(v.strip(), safe="-_.~/") for k, v in row.items() if k})
    except KeyError as e:
        raise DataError(file, line, f"IRI template {template!r} needs column {e}") from None
    return NamedNode(expand(local) if ":" in local.split("/")[0] else TKD + local)


class TableReader:
    """Reads every table; resolves references between tables; yields triples."""

    def __init__(self, data_dir: Path, specs: list[TableSpec]):
        self.data_dir = data_dir
        self.specs = specs
        self.rows: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self.keys: dict[str, dict[str, NamedNode]] = {}

    # -- pass 1: read and check the shape of every file, collect keys
    def read_all(self) -> None:
        for spec in self.specs:
            path = self.data_dir / spec.file
            rel = spec.file if Path(spec.file).is_absolute() else f"data/{spec.file}"
            if not path.exists():
                raise DataError(rel, None, "file not found")
            with _open_table(path, rel) as fh:
                reader = csv.DictReader(fh)
                header = reader.fieldnames or []
                repeated = sorted({c for c in header if header.count(c) > 1})
                if repeated:
                    raise DataError(
                        rel,
                        1,
                        f"column {repeated[0]!r} appears {header.count(repeated[0])} times in the header; keep one",
                    )
                missing = [c for c in spec.columns if c not in header]
                if missing:
                    raise DataError(
                        rel,
                        1,
                        f"missing column(s) {', '.join(missing)}; the header must have: {', '.join(spec.columns)}",
                    )
                unexpected = [c for c in header if c not in spec.columns and c not in spec.ignore]
                if unexpected:
                    raise DataError(
                        rel,
                        1,
                        f"unexpected column(s) {', '.join(unexpected)}; add them to data/tables.yaml or remove them",
                    )
                rows = []
                end = reader.line_num
                for row in reader:
                    i, end = end + 1, reader.line_num
                    if None in row:
                        raise DataError(
                            rel, i, f"more fields than the header has ({len(header)}); quote values that contain commas"
                        )
                    if any(v is None for v in row.values()):
                        raise DataError(rel, i, f"fewer fields than the header has ({len(header)})")
                    if not any(v.strip() for v in row.values()):
                        continue
                    rows.append((i, row))
            self.rows[spec.name] = rows
            keys: dict[str, NamedNode] = {}
            for line, row in rows:
                subject = _iri(spec.iri, row, rel, line)
                if spec.key:
                    k = row[spec.key].strip()
                    if not k:
                        raise DataError(rel, line, "empty key", spec.key)
                    if k in keys:
                        first = next(ln for ln, r in rows if r[spec.key].strip() == k)
                        raise DataError(rel, line, f"duplicate id {k!r} (first at line {first})", spec.key)
                    keys[k] = subject
            self.keys[spec.name] = keys

    # -- pass 2: convert
    def triples(self) -> Iterable[Triple]:
        for spec in self.specs:
            rel = spec.file if Path(spec.file).is_absolute() else f"data/{spec.file}"
            for line, row in self.rows[spec.name]:
                yield from self._row(spec, rel, line, row)

    def _row(self, spec: TableSpec, rel: str, line: int, row: dict[str, str]) -> Iterable[Triple]:
        s = _iri(spec.iri, row, rel, line)
        if spec.cls:
            yield Triple(s, RDF_TYPE, NamedNode(expand(spec.cls)))
        if spec.class_from:
            col = spec.class_from["column"]
            v = row[col].strip()
            if v not in spec.class_from["map"]:
                raise DataError(rel, line, f"{v!r} is not one of {sorted(spec.class_from['map'])}", col)
            yield Triple(s, RDF_TYPE, NamedNode(expand(spec.class_from["map"][v])))
        for prop, value in spec.constants.items():
            if isinstance(value, dict):
                obj = Literal(value["literal"], datatype=NamedNode(expand(value["datatype"])))
            else:
                obj = NamedNode(expand(value))
            if prop.startswith("^"):
                yield Triple(obj, NamedNode(expand(prop[1:])), s)
            else:
                yield Triple(s, NamedNode(expand(prop)), obj)
        for c in spec.columns.values():
            raw = row[c.name].strip()
            if not raw:
                if c.required:
                    raise DataError(rel, line, "required value is empty", c.name)
                continue
            values = [v.strip() for v in raw.split(c.multi)] if c.multi else [raw]
            for v in values:
                if not v:
                    continue
                for spec_ in (c, *c.also):
                    yield from self._cell(s, spec_, v, rel, line, row)

    def _cell(self, s: NamedNode, c: ColumnSpec, v: str, rel: str, line: int, row: dict[str, str]) -> Iterable[Triple]:
        if c.transform:
            v = TRANSFORMS[c.transform](v)
            if not v:
                return
        if c.choices is not None and v not in c.choices:
            raise DataError(rel, line, f"{v!r} is not one of {c.choices}", c.name)
        if c.when is not None:
            if v == c.when:
                assert c.property and c.object  # tables.yaml: a `when` column names its property and object
                yield Triple(s, NamedNode(expand(c.property)), NamedNode(expand(c.object)))
            return
        if c.property is None:
            return
        p = NamedNode(expand(c.property))
        if c.node:
            yield from self._embedded_node(s, p, c, v, row)
            return
        o = self._object(c, v, rel, line)
        yield Triple(o, p, s) if c.inverse else Triple(s, p, o)

    def _embedded_node(self, s, p, c: ColumnSpec, v: str, row: dict[str, str]) -> Iterable[Triple]:
        assert c.node is not None  # called for node columns only
        n = NamedNode(TKD + c.node["template"].format(slug=slug(v)))
        yield Triple(s, p, n)
        yield Triple(n, RDF_TYPE, NamedNode(expand(c.node["class"])))
        yield Triple(n, NamedNode(expand("rdfs:label")), Literal(v, language="en"))
        zh_col = c.node.get("label_zh")
        if zh_col and row.get(zh_col, "").strip():
            yield Triple(n, NamedNode(expand("rdfs:label")), Literal(row[zh_col].strip(), language="zh"))

    def _object(self, c: ColumnSpec, v: str, rel: str, line: int):
        t = c.type
        if t == "string":
            if c.name == "confidence" and v not in CONFIDENCE_VALUES:
                raise DataError(rel, line, f"{v!r} is not one of {sorted(CONFIDENCE_VALUES)}", c.name)
            return Literal(v)
        if t == "text":
            return Literal(v, language=c.lang)
        try:  # the one parser of dates, numbers and booleans (talentkg/values.py); the place is ours
            if t == "date":
                return Literal(date_text(v), datatype=NamedNode(XSD + "date"))
            if t == "boolean":
                return Literal("true" if bool_value(v) else "false", datatype=NamedNode(XSD + "boolean"))
            d = number_value(v) if t in ("decimal", "integer") else Decimal(0)
        except ValueProblem as e:
            raise DataError(rel, line, str(e), c.name) from None
        if t in ("decimal", "integer"):
            if t == "integer" and d != d.to_integral_value():
                raise DataError(rel, line, f"{v!r} is not a whole number", c.name)
            if c.min is not None and d < Decimal(str(c.min)):
                raise DataError(rel, line, f"{v} is below the minimum {c.min}", c.name)
            why = domain_error(d, integer=t == "integer")  # the range and precision the store compares exactly
            if why:
                raise DataError(rel, line, why, c.name)
            if t == "integer":
                return Literal(str(int(d)), datatype=NamedNode(XSD + "integer"))
            text = format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")
            return Literal(text, datatype=NamedNode(XSD + "decimal"))
        if t == "uri":
            if not _URL.fullmatch(v):
                raise DataError(rel, line, f"{v!r} is not an http(s) URL", c.name)
            return Literal(v, datatype=NamedNode(XSD + "anyURI"))
        if t == "ref":
            target = self.keys.get(c.ref or "")
            if target is None:
                raise DataError(rel, line, f"refers to unknown table {c.ref!r}", c.name)
            v = c.ref_prefix + v
            if v not in target:
                hint = "jurisdiction code" if c.ref == "jurisdictions" else f"id in table {c.ref}"
                raise DataError(rel, line, f"unknown {hint} {v!r}", c.name)
            return target[v]
        if t == "iri":
            return NamedNode(expand(c.template.format(value=v)) if c.template else expand(v))
        raise DataError(rel, line, f"unknown column type {t!r} in data/tables.yaml", c.name)


def read_tables(
    data_dir: Path,
    spec_path: Path | None = None,
    overrides: dict[str, Path] | None = None,
    overlays: list[Path] | None = None,
    report: list | None = None,
) -> list[Triple]:
    """All triples of all tables, or a DataError naming the first bad row.

    ``overrides`` replaces a table's file (e.g. ``{"catalogue_entries": official.csv}``).
    ``overlays``: folders of tables loaded on top (loaders/overlays.py); their descriptions are
    appended to ``report`` when given."""
    spec_path = spec_path or data_dir / "tables.yaml"
    specs = load_specs(spec_path)
    for spec in specs:
        if overrides and spec.name in overrides:
            spec.file = str(Path(overrides[spec.name]).resolve())
    reader = TableReader(data_dir, specs)
    reader.read_all()
    if overlays:
        from talentkg.loaders.overlays import apply_overlays, overlay_triples

        found = apply_overlays(reader, overlays, spec_path)
        if report is not None:
            report.extend(found)
        return [*reader.triples(), *overlay_triples(reader)]
    return list(reader.triples())
