"""Local overlays: folders of tables with the same schema as ``data/``, loaded on top of it.

``--data DIR`` (repeatable) or ``TALENTKG_DATA`` (folders separated by ``os.pathsep``) adds a
folder holding any of the packaged tables under the same file names (``salary_standards.csv``,
``documents.csv`` …, only the rows to add). Overlay rows are read and checked by the same
mechanism as the packaged rows (loaders/tables.py: header, types, references, SHACL after), and
each overlay row's subject gets ``tk:origin "overlay:<folder>"`` so every answer can say it used
a local fact.

Conflicts. An overlay row conflicts with a packaged row when its table declares
``overlay_conflict`` columns in data/tables.yaml, the two rows agree on them (multi-valued
cells: share a value) and their periods (valid_from/valid_until, or effective_from/
effective_until) overlap; or when it reuses a packaged id. A conflict stops the load with a
message naming both rows, unless the overlay row's extra column ``supersedes`` names the packaged
row(s): a row with the same id then replaces the packaged one; a row with another id ends the
packaged row the day before it starts (or, when it starts no later than the packaged row,
removes it together with the rows that refer to it).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from pyoxigraph import Literal, NamedNode, Triple

from talentkg.errors import DataError
from talentkg.namespaces import TK
from talentkg.values import date_value

ENV = "TALENTKG_DATA"
SUPERSEDES = "supersedes"
ORIGIN = NamedNode(TK + "origin")
PERIODS = (("valid_from", "valid_until"), ("effective_from", "effective_until"))


@dataclass
class Overlay:
    path: Path
    tables: list[str] = field(default_factory=list)  # table names found in the folder
    rows: int = 0

    @property
    def origin(self) -> str:
        return f"overlay:{self.path}"


def overlay_dirs(explicit=None) -> list[Path]:
    """The overlay folders: the explicit ones, else those of $TALENTKG_DATA."""
    items = (
        [str(p) for p in explicit] if explicit else [p for p in os.environ.get(ENV, "").split(os.pathsep) if p.strip()]
    )
    out = []
    for p in items:
        path = Path(p).expanduser().resolve()
        if not path.is_dir():
            src = "--data" if explicit else ENV
            raise DataError(
                str(p),
                None,
                f"overlay folder not found ({src}); give a folder holding tables with the names and headers of data/",
            )
        if path not in out:
            out.append(path)
    return out


def _conflict_columns(spec_path: Path) -> dict[str, list[str]]:
    doc = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    return {t["name"]: list(t.get("overlay_conflict") or []) for t in doc["tables"]}


def _period(row: dict) -> tuple[dt.date, dt.date] | None:
    for a, b in PERIODS:
        if a in row:
            try:
                start = date_value(row[a]) if row[a].strip() else dt.date.min
                end = date_value(row[b]) if row.get(b, "").strip() else dt.date.max
            except ValueError:
                return None  # a bad date is reported by the loader with its line
            return start, end
    return None


def _values(row: dict, col: str, multi: str | None) -> set[str]:
    v = row.get(col, "").strip()
    return {x.strip() for x in v.split(multi)} if multi else {v}


def apply_overlays(reader, dirs: list[Path], spec_path: Path) -> list[Overlay]:
    """Read every overlay folder into ``reader`` (a TableReader that has read the packaged data).

    Returns the overlays with the tables and row counts found. Raises DataError on a conflict."""
    from talentkg.loaders.tables import TableReader

    conflict_cols = _conflict_columns(spec_path)
    overlays: list[Overlay] = []
    reader.overlay_readers = []
    for d in dirs:
        ov = Overlay(d)
        specs = []
        for spec in reader.specs:
            f = d / Path(spec.file).name if Path(spec.file).is_absolute() else d / spec.file
            if not f.exists() and (d / Path(spec.file).name).exists():
                f = d / Path(spec.file).name
            if f.exists():
                specs.append(replace(spec, file=str(f), ignore=[*spec.ignore, SUPERSEDES]))
        sub = TableReader(d, specs)
        sub.read_all()
        for spec in specs:
            rows = sub.rows[spec.name]
            ov.tables.append(spec.name)
            ov.rows += len(rows)
            base = next(s for s in reader.specs if s.name == spec.name)
            _merge(reader, sub, base, spec, rows, conflict_cols.get(spec.name, []), ov)
        reader.overlay_readers.append((sub, ov))
        overlays.append(ov)
    # every reader resolves references against the merged keys
    for sub, _ in reader.overlay_readers:
        sub.keys = reader.keys
    return overlays


def _merge(reader, sub, base, spec, rows, conflict_cols, ov: Overlay) -> None:
    from talentkg.loaders.tables import _iri

    packaged = reader.rows[base.name]
    keys = reader.keys[base.name]
    by_key = {r[base.key].strip(): (ln, r) for ln, r in packaged} if base.key else {}
    rel_pkg = base.file if Path(base.file).is_absolute() else f"data/{base.file}"
    for line, row in rows:
        k = row[base.key].strip() if base.key else None
        sup = {s.strip() for s in row.get(SUPERSEDES, "").split(";") if s.strip()}
        unknown = sup - set(by_key)
        if unknown:
            raise DataError(
                spec.file, line, f"supersedes unknown packaged row(s) {sorted(unknown)} of {rel_pkg}", SUPERSEDES
            )
        clashes = []
        if k is not None and k in by_key:
            clashes.append(k)
        if conflict_cols:
            p = _period(row)
            for pk, (_pln, prow) in by_key.items():
                if pk in clashes:
                    continue
                same = all(
                    _values(row, c, base.columns[c].multi) & _values(prow, c, base.columns[c].multi)
                    for c in conflict_cols
                )
                pp = _period(prow)
                undated = p is None and pp is None and not any(a in row for a, _ in PERIODS)
                if same and (undated or (p and pp and p[0] <= pp[1] and pp[0] <= p[1])):
                    clashes.append(pk)
        for pk in clashes:
            if pk not in sup:
                pln = by_key[pk][0]
                what = (
                    "reuses the id of"
                    if pk == k
                    else "overlaps (same " + ", ".join(conflict_cols) + ", overlapping period)"
                )
                raise DataError(
                    spec.file,
                    line,
                    f"{what} packaged row {pk!r} ({rel_pkg}:{pln}); "
                    f"add a column {SUPERSEDES} with {pk} to replace it, or change the overlay row",
                )
        for pk in sup:
            _supersede(reader, base, pk, row, k)
            by_key.pop(pk, None)
        if k is not None:
            keys[k] = _iri(base.iri, row, spec.file, line)


def _supersede(reader, base, pk: str, row: dict, k: str | None) -> None:
    packaged = reader.rows[base.name]
    idx = next(i for i, (_, r) in enumerate(packaged) if r[base.key].strip() == pk)
    ln, prow = packaged[idx]
    start = _period(row)
    pstart = _period(prow)
    if pk != k and start and pstart and start[0] > pstart[0]:
        for a, b in PERIODS:
            if a in prow:
                prow = dict(prow)
                prow[b] = (start[0] - dt.timedelta(days=1)).isoformat()
                packaged[idx] = (ln, prow)
                return
    del packaged[idx]
    if pk != k:
        reader.keys[base.name].pop(pk, None)
        _cascade(reader, base.name, pk)


def _cascade(reader, table: str, key: str) -> None:
    """Remove packaged rows whose reference column points at a removed row (one level deep)."""
    for spec in reader.specs:
        for c in spec.columns.values():
            if c.type == "ref" and c.ref == table:
                kept = []
                for ln, r in reader.rows[spec.name]:
                    if key in _values(r, c.name, c.multi):
                        if spec.key:
                            reader.keys[spec.name].pop(r[spec.key].strip(), None)
                        continue
                    kept.append((ln, r))
                reader.rows[spec.name] = kept


def overlay_triples(reader):
    """The triples of every overlay row; each row's subject marked with its origin."""
    from talentkg.loaders.tables import _iri

    for sub, ov in getattr(reader, "overlay_readers", []):
        yield from sub.triples()
        origin = Literal(ov.origin)
        for spec in sub.specs:
            for line, row in sub.rows[spec.name]:
                yield Triple(_iri(spec.iri, row, spec.file, line), ORIGIN, origin)
