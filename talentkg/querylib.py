"""The query library: ``queries/*.rq`` files, their headers, and typed parameter binding.

Each file starts with a header of ``# key: value`` lines (title, question_en, question_zh,
param, clause, example). A parameter ``name`` is bound to the variable ``?name`` as a typed RDF
term — an IRI for a city, ``xsd:date`` for a date — through the store's initial bindings
(embedded) or an inline VALUES block (remote endpoints). User text never enters the query text.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from talentkg.errors import ParameterError
from talentkg.namespaces import APPLICANTS_GRAPH, PREFIXES
from talentkg.resources import QUERIES_DIR
from talentkg.terms import solutions
from talentkg.values import literal, parse_bool, parse_date, parse_number

XSD = PREFIXES["xsd"]


@dataclass
class Param:
    name: str
    type: str
    required: bool
    example: str
    description: str = ""


@dataclass
class QueryFile:
    name: str
    path: Path
    text: str
    title: str = ""
    question_en: str = ""
    question_zh: str = ""
    clause: str = ""
    example: str = ""
    params: list[Param] = field(default_factory=list)

    @property
    def param_names(self) -> list[str]:
        return [p.name for p in self.params]

    @property
    def reads_applicants(self) -> bool:
        """Does the query read (or write) the applicants graph that ``talentkg assess`` fills?

        True when the text names the graph, as ``tkg:applicants`` under its declared prefix or
        spelled in full; a mention inside a comment or a string does not count.
        """
        return names_applicants_graph(self.text)


def names_applicants_graph(text: str) -> bool:
    """Whether a SPARQL text names the applicants graph (an IRI or a prefixed name, not a comment)."""
    from talentkg.sparqltext import tokens

    toks = tokens(text)
    declared: dict[str, str] = {}
    for i, tok in enumerate(toks[:-2]):
        if tok.upper == "PREFIX" and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            declared[toks[i + 1].text.rstrip(":")] = toks[i + 2].text[1:-1]
    for tok in toks:
        if tok.kind == "iri" and tok.text[1:-1] == APPLICANTS_GRAPH:
            return True
        if tok.kind == "pname":
            prefix, _, local = tok.text.partition(":")
            if prefix in declared and declared[prefix] + local == APPLICANTS_GRAPH:
                return True
    return False


PARAM_TYPES = (
    "jurisdiction",
    "date",
    "integer",
    "decimal",
    "boolean",
    "category",
    "scheme",
    "level",
    "sector",
    "string",
)
PARAM_LINE = re.compile(r"^(\w+)\s+(\w+)\s+(required|optional)\s+(.*?)(?:\s+—\s+(.*))?$")


def _read_query_text(path: Path) -> str:
    from talentkg.errors import DataError

    if path.is_dir():
        raise DataError(str(path), None, "is a folder; give a .rq file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(str(path), None, "no such query file; check the path") from None
    except OSError as e:
        raise DataError(str(path), None, f"cannot read it ({e.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise DataError(str(path), line, "is not UTF-8 text; save the query as UTF-8") from None


def parse_query_file(path: Path) -> QueryFile:
    from talentkg.errors import DataError

    text = _read_query_text(path)
    if "\0" in text:
        raise DataError(
            str(path), text[: text.index("\0")].count("\n") + 1, "contains a NUL byte; a query is plain text"
        )
    q = QueryFile(name=path.stem, path=path, text=text)
    last_key = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        m = re.match(r"^(title|question_en|question_zh|param|clause|example|params|reads):\s*(.*)$", body)
        if m:
            key, value = m.groups()
            last_key = key
            if key == "param":
                pm = PARAM_LINE.match(value)
                if not pm:
                    raise DataError(
                        str(path),
                        lineno,
                        f"bad param line {value!r}; write: # param: name type required|optional example — description",
                    )
                if pm.group(2) not in PARAM_TYPES:
                    raise DataError(
                        str(path), lineno, f"unknown parameter type {pm.group(2)!r}; one of: {', '.join(PARAM_TYPES)}"
                    )
                if pm.group(1) in q.param_names:
                    raise DataError(str(path), lineno, f"parameter {pm.group(1)!r} declared twice")
                n, t, req, ex, desc = pm.groups()
                q.params.append(Param(n, t, req == "required", ex.strip('"'), desc or ""))
            elif key in ("title", "question_en", "question_zh", "clause", "example"):
                setattr(q, key, value)
        elif last_key in ("clause", "question_en", "title") and body and line.startswith("#   "):
            setattr(q, last_key, getattr(q, last_key) + " " + body)
    return q


def library(queries_dir: Path = QUERIES_DIR) -> dict[str, QueryFile]:
    """All analyst queries (``queries/*.rq``), by name."""
    return {p.stem: parse_query_file(p) for p in sorted(queries_dir.glob("*.rq"))}


def assessment_updates(queries_dir: Path = QUERIES_DIR) -> list[QueryFile]:
    """The assessment pipeline (``queries/assess/*.ru``), in file-name order.

    Parsed once per version of the files (their names, sizes and modification times), not on
    every assessment call; each call gets its own copies (no state shared between callers)."""
    paths = sorted((queries_dir / "assess").glob("*.ru"))
    signature = tuple((str(p), st.st_size, st.st_mtime_ns) for p in paths for st in [p.stat()])
    return [dataclasses.replace(q) for q in _parsed_updates(signature)]


@functools.lru_cache(maxsize=8)
def _parsed_updates(signature: tuple) -> tuple[QueryFile, ...]:
    return tuple(parse_query_file(Path(path)) for path, _, _ in signature)


# ---------------------------------------------------------------- parameter parsing


def _choice(choices: tuple[str, ...], upper: bool = False) -> Callable[[str, str], ox.Literal]:
    def parse(name: str, v: str) -> ox.Literal:
        val = v.strip().upper() if upper else v.strip()
        if val not in choices:
            raise ParameterError(name, f"{v!r} is not one of {', '.join(choices)}")
        return ox.Literal(val)

    return parse


# Traditional → simplified, for the characters that differ in the jurisdictions' Chinese names
# (廣州 → 广州, 廈門 → 厦门 …); names are also NFKC-normalised (full-width Ｇｕａｎｇｚｈｏｕ → Guangzhou).
TRADITIONAL = str.maketrans(
    {
        "東": "东",
        "雲": "云",
        "區": "区",
        "華": "华",
        "廈": "厦",
        "國": "国",
        "壯": "壮",
        "寧": "宁",
        "爾": "尔",
        "島": "岛",
        "廣": "广",
        "慶": "庆",
        "漢": "汉",
        "灣": "湾",
        "維": "维",
        "肅": "肃",
        "蘇": "苏",
        "貴": "贵",
        "遼": "辽",
        "門": "门",
        "陝": "陕",
        "龍": "龙",
        "臺": "台",
        "內": "内",
        "別": "别",
        "烏": "乌",
        "蘭": "兰",
        "陽": "阳",
        "長": "长",
        "興": "兴",
        "寶": "宝",
        "濱": "滨",
    }
)


def name_key(v: str) -> str:
    """The lookup key of a place name: NFKC, trimmed, lower case, traditional characters simplified."""
    import unicodedata

    return unicodedata.normalize("NFKC", str(v)).strip().lower().translate(TRADITIONAL)


# Level words a place name may carry or omit (广州市 = 广州, Nansha District = Nansha, Guangdong Province =
# Guangdong). Autonomous-region names (…自治区) keep theirs: 内蒙古自治 is no name.
LEVEL_SUFFIXES = (" district", " city", " province", " municipality", " county", "市", "省", "区", "县")


def short_name(name: str) -> str:
    """A place name without its trailing level word, where what is left is still a name."""
    for suffix in LEVEL_SUFFIXES:
        rest = name[: -len(suffix)].rstrip()
        if name.endswith(suffix) and len(rest) >= 2 and not rest.endswith("自治"):
            return rest
    return name


class ParameterBinder:
    """Turns ``--param key=value`` strings into typed RDF terms, using the graph for names."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._jurisdictions: dict[str, ox.NamedNode] | None = None
        self._notations: dict[str, set[str]] = {}

    def jurisdictions(self) -> dict[str, ox.NamedNode]:
        if self._jurisdictions is None:
            idx: dict[str, ox.NamedNode] = {}
            q = """PREFIX tk: <https://w3id.org/talentkg/ontology#>
                   PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
                   SELECT ?j ?code ?label WHERE { ?j tk:divisionCode ?code ; rdfs:label ?label }"""
            short: dict[str, set[ox.NamedNode]] = {}
            for row in solutions(self.store.query(q)):
                j = row["j"]
                idx[name_key(row["code"].value)] = j
                key = name_key(row["label"].value)
                idx[key] = j
                short.setdefault(short_name(key), set()).add(j)
            for key, places in short.items():  # "Nansha" for "Nansha District", 广州 for 广州市: only where unique
                if len(places) == 1:
                    idx.setdefault(key, next(iter(places)))
            self._jurisdictions = idx
        return self._jurisdictions

    def jurisdiction_names(self) -> list[str]:
        """English and Chinese names of the jurisdictions (for "did you mean")."""
        q = """PREFIX tk: <https://w3id.org/talentkg/ontology#>
               PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
               SELECT DISTINCT ?label WHERE { ?j tk:divisionCode ?code ; rdfs:label ?label }"""
        names = sorted(r["label"].value for r in solutions(self.store.query(q)))
        return names + sorted({short_name(n) for n in names} - set(names))

    def jurisdiction(self, name: str, v: str) -> ox.NamedNode:
        key = name_key(v)
        j = self.jurisdictions().get(key)
        if j is None:  # "Guangzhou City", "Guangdong Province": the name without its level word
            j = self.jurisdictions().get(short_name(key))
        if j is None:
            from talentkg.render import suggest

            raise ParameterError(
                name,
                f"unknown city or jurisdiction {v!r}{suggest(v.strip(), self.jurisdiction_names())}; give its English name (e.g. Guangzhou), Chinese name (广州) or 6-digit code (440100) — `talentkg query jurisdictions` lists them",
            )
        return j

    def notation_choice(self, name: str, v: str, cls: str) -> ox.Literal:
        if not self._notations:  # built aside, then published whole: safe when threads share the binder
            q = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?cls ?n WHERE { ?c a ?cls ; skos:notation ?n }"
            notations: dict[str, set[str]] = {}
            for r in solutions(self.store.query(q)):
                notations.setdefault(r["cls"].value, set()).add(r["n"].value)
            self._notations = notations
        allowed = self._notations.get(cls, set())
        if v not in allowed:
            raise ParameterError(name, f"{v!r} is not one of {', '.join(sorted(allowed))}")
        return ox.Literal(v)

    def term(self, param: Param, value: str):
        t = param.type
        if t == "jurisdiction":
            return self.jurisdiction(param.name, value)
        if t == "date":
            return parse_date(param.name, value)
        if t in ("integer", "decimal"):
            return parse_number(param.name, value, integer=t == "integer")
        if t == "boolean":
            return literal("true" if parse_bool(param.name, value) else "false", "boolean")
        if t == "category":
            return _choice(("A", "B", "C"), upper=True)(param.name, value)
        if t == "scheme":
            return _choice(("P", "T"), upper=True)(param.name, value)
        if t == "level":
            return self.notation_choice(param.name, value, "https://w3id.org/talentkg/ontology#TitleLevel")
        if t == "sector":
            return self.notation_choice(param.name, value, "https://w3id.org/talentkg/ontology#Sector")
        if t == "string":
            if not value.strip():
                raise ParameterError(param.name, "is empty")
            return ox.Literal(value)
        raise ParameterError(param.name, f"unknown parameter type {t!r} in the query header")

    def bind(self, query: QueryFile, given: dict[str, str]) -> dict[ox.Variable, object]:
        known = {p.name: p for p in query.params}
        unknown = [k for k in given if k not in known]
        if unknown:
            from talentkg.render import suggest

            raise ParameterError(
                unknown[0],
                f"query {query.name!r} has no such parameter{suggest(unknown[0], known)}; it takes: {', '.join(known) or 'none'}",
            )
        out: dict[ox.Variable, object] = {}
        for p in query.params:
            if p.name in given and given[p.name] is not None and str(given[p.name]) != "":
                out[ox.Variable(p.name)] = self.term(p, str(given[p.name]))
            elif p.required:
                raise ParameterError(p.name, f"required by query {query.name!r} (e.g. --param {p.name}={p.example})")
        return out


def values_block(bindings: dict[ox.Variable, object]) -> str:
    """An inline VALUES block holding the typed terms (for endpoints without initial bindings)."""
    if not bindings:
        return ""
    names = " ".join(str(v) for v in bindings)
    terms = " ".join(str(t) for t in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def with_values(text: str, bindings: dict[ox.Variable, object]) -> str:
    """Put the VALUES block first inside the query's WHERE group (top-level join, like initial
    bindings). The group is found by tokenizing (strings, IRIs and comments skipped), so
    ``# where {`` in a comment or ``SELECT * { … }`` without WHERE work; the result stays
    portable SPARQL 1.1 for remote endpoints."""
    if not bindings:
        return text
    from talentkg.sparqltext import insert_values

    return insert_values(text, values_block(bindings))


# ---------------------------------------------------------------- safe execution (issue 12)

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MEMORY_MB = 2048


class QueryLimitError(ParameterError):
    """A query ran over its time or memory limit (exit 2; the message names the limit)."""


def _vm_size() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _syntax(e: Exception | str, where: str) -> ParameterError:
    return ParameterError(where, f"SPARQL syntax error: {e}; fix the query text (the position is line:column)")


def _execute(store: ox.Store, text: str, where: str):
    try:
        return store.query(text)
    except SyntaxError as e:
        raise _syntax(e, where) from None


def run_query(
    store: ox.Store,
    text: str,
    *,
    timeout: float | None = DEFAULT_TIMEOUT_S,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
    allow_service: bool = False,
    where: str = "query",
):
    """Run a read-only SPARQL query with a time and memory limit.

    Refuses an UPDATE and (unless ``allow_service``) a SERVICE clause before running anything.
    With a ``timeout`` (seconds) the query runs in a forked child process that is killed at the
    limit — the engine cannot be interrupted in-process — and whose address space is capped at
    ``memory_mb`` above the parent's; the results come back serialized and are parsed again.
    Returns what ``pyoxigraph.Store.query`` returns: QuerySolutions (with ``.variables``),
    QueryBoolean, or a list of Triples for CONSTRUCT/DESCRIBE."""
    from talentkg.sparqltext import check_read_only

    form = check_read_only(text, allow_service=allow_service, where=where).form
    if timeout is not None and timeout <= 0:
        raise ParameterError("--timeout", f"{timeout} is not a positive number of seconds")
    if timeout is None or not hasattr(os, "fork"):
        res = _execute(store, text, where)
        return list(res) if isinstance(res, ox.QueryTriples) else res
    return _run_forked(store, text, form, timeout, memory_mb, where)


def _run_forked(store, text, form, timeout, memory_mb, where):
    import resource
    import select
    import signal
    import time
    import warnings

    r, w = os.pipe()
    limit = _vm_size() + memory_mb * 1024 * 1024 if memory_mb else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.close(r)
            if limit:
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            try:
                res = store.query(text)
                if isinstance(res, ox.QueryTriples):
                    out = b"T" + (ox.serialize(list(res), format=ox.RdfFormat.N_TRIPLES) or b"")
                else:
                    out = b"R" + (res.serialize(format=ox.QueryResultsFormat.JSON) or b"")
            except SyntaxError as e:
                out = b"S" + str(e).encode("utf-8", "replace")
            except MemoryError:
                out = b"M"
            except BaseException as e:  # noqa: BLE001 - reported by the parent
                out = b"E" + f"{type(e).__name__}: {e}".encode("utf-8", "replace")
            view = memoryview(out)
            while view:
                n = os.write(w, view[: 1 << 20])
                view = view[n:]
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    chunks: list[bytes] = []
    size = 0
    cap = memory_mb * 1024 * 1024 if memory_mb else None
    deadline = time.monotonic() + timeout
    killed = None
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                killed = "time"
                break
            ready, _, _ = select.select([r], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(r, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if cap and size > cap:
                killed = "size"
                break
    finally:
        os.close(r)
        if killed:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if killed == "time":
        raise QueryLimitError(
            "--timeout",
            f"the query ran longer than the time limit of {timeout:g} s and was stopped; "
            "narrow it (LIMIT, more specific patterns) or raise --timeout",
        )
    if killed == "size":
        raise QueryLimitError(
            "--memory",
            f"the query's result is larger than the memory limit of {memory_mb} MB and was stopped; "
            "narrow it or add LIMIT",
        )
    data = b"".join(chunks)
    if not data:
        if os.WIFSIGNALED(status) or (os.WIFEXITED(status) and os.WEXITSTATUS(status)):
            raise QueryLimitError(
                "--memory",
                f"the query was stopped: it needed more than the memory limit of {memory_mb} MB "
                "(or the engine failed); narrow it or add LIMIT",
            )
        raise RuntimeError("the query process returned nothing")
    kind, body = data[:1], data[1:]
    if kind == b"S":
        raise _syntax(body.decode("utf-8", "replace"), where)
    if kind == b"M":
        raise QueryLimitError(
            "--memory",
            f"the query needed more than the memory limit of {memory_mb} MB and was stopped; narrow it or add LIMIT",
        )
    if kind == b"E":
        msg = body.decode("utf-8", "replace")
        if msg.startswith(("OSError", "ValueError", "TypeError", "ConnectionAbortedError", "ConnectionRefusedError")):
            raise ParameterError(where, f"the query failed: {msg}")
        raise RuntimeError(f"the query engine failed: {msg}")
    if kind == b"T":
        return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
