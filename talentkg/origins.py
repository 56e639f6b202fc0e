"""Say which answers used a fact from a local overlay (loaders/overlays.py).

Overlay rows carry ``tk:origin "overlay:<folder>"``. :func:`origins_of` collects them from a store;
:func:`annotate_result` adds ``origin`` to every outcome of an assessment that names such a fact
(in ``based_on``, ``values``, ``source`` …) and a top-level ``origin`` list; :func:`annotate_rows`
adds an ``origin`` column to query rows. Packaged facts carry no origin, so answers on the
packaged data alone are unchanged.
"""

from __future__ import annotations

from talentkg.namespaces import TK

ORIGIN = TK + "origin"


def origins_of(store) -> dict[str, str]:
    import pyoxigraph as ox

    return {q.subject.value: q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(ORIGIN), None)}


def _iris(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _iris(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _iris(v)


def _local_ids(obj):
    """The short ids an outcome's ``values`` give for facts (``standard``: "hz-2025", the last segment
    of the fact's IRI), wherever a ``values`` dict sits in the answer."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "values" and isinstance(v, dict):
                yield from (x for x in v.values() if isinstance(x, str) and "/" not in x)
            else:
                yield from _local_ids(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _local_ids(v)


def _used(obj, origins: dict[str, str]) -> list[dict]:
    found = {i: origins[i] for i in _iris(obj) if i in origins}
    ids = set(_local_ids(obj))
    if ids:  # a fact named in values by its short id is as used as one named by its IRI
        found.update({i: o for i, o in origins.items() if i.rsplit("/", 1)[-1] in ids})
    return [{"fact": k, "origin": v} for k, v in sorted(found.items())]


def annotate_result(result: dict, origins: dict[str, str]) -> dict:
    if not origins:
        return result
    for _key, value in result.items():
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    used = _used(item, origins)
                    if used:
                        item["origin"] = used
    result["origin"] = _used({k: v for k, v in result.items() if k != "origin"}, origins)
    return result


def annotate_rows(rows: list[dict], columns: list[str], origins: dict[str, str]) -> tuple[list[dict], list[str]]:
    if not origins:
        return rows, columns
    marked = False
    for r in rows:
        used = sorted({origins[v] for v in r.values() if isinstance(v, str) and v in origins})
        r["origin"] = "; ".join(used) if used else None
        marked = marked or bool(used)
    return rows, [*columns, "origin"] if "origin" not in columns else columns
