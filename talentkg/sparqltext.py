"""A small SPARQL 1.1 tokenizer that knows strings, IRIs and comments.

Used to read a query's *shape* without running it: its form (SELECT, ASK, CONSTRUCT, DESCRIBE,
or an UPDATE), whether it has a SERVICE clause (federation — an outbound HTTP request), and
where its WHERE group opens (to insert a VALUES block holding the bound parameters). Text
inside a string literal, an IRI or a comment is never taken for a keyword, so
``# where {`` or ``"SERVICE"`` cannot fool it. The engine still parses the query itself; this
module only needs to be right about keywords and braces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from talentkg.errors import ParameterError

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*\"\"\"
              | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
              | \"(?:[^\"\\\n\r]|\\.)*\"
              | '(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\s{}()\[\],;.!=<>\"'#+\-*/|&^]+)
  | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:[\w\-:%.]|\\.)*(?<!\.))
  | (?P<word>[^\W\d][\w]*)
  | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\],;.!=<>*/+\-|^&])
  | (?P<open_string>[\"'].*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


@dataclass
class Token:
    kind: str
    text: str
    start: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def tokens(text: str, keep_trivia: bool = False) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if not keep_trivia and kind in ("ws", "comment"):
            continue
        out.append(Token(kind, m.group(), m.start()))
    return out


def _unescape(text: str) -> str:
    """SPARQL's \\uXXXX / \\UXXXXXXXX escapes (which some engines apply to the whole query)."""
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})", lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


@dataclass
class Shape:
    form: str  # SELECT | CONSTRUCT | DESCRIBE | ASK | UPDATE | ""
    service: bool  # a SERVICE clause (outbound request)
    where_open: int | None  # offset just after the '{' that opens the WHERE group


def shape(text: str) -> Shape:
    toks = tokens(text)
    service = any(t.upper == "SERVICE" for t in toks)
    if not service and "\\u" in text.lower():
        service = any(t.upper == "SERVICE" for t in tokens(_unescape(text)))
    i = 0
    while i < len(toks) and toks[i].upper in ("PREFIX", "BASE"):
        i += 3 if toks[i].upper == "PREFIX" else 2
    if i >= len(toks):
        return Shape("", service, None)
    first = toks[i].upper
    if first in UPDATE_WORDS:
        return Shape("UPDATE", service, None)
    if first not in QUERY_FORMS:
        return Shape("", service, None)
    # any update keyword after a ';' at top level makes it an update request too
    j = i + 1
    if first == "CONSTRUCT" and j < len(toks) and toks[j].text == "{":
        depth = 0
        while j < len(toks):
            if toks[j].text == "{":
                depth += 1
            elif toks[j].text == "}":
                depth -= 1
                if depth == 0:
                    j += 1
                    break
            j += 1
    elif first == "CONSTRUCT":
        # CONSTRUCT WHERE { triples } — the short form: its group is also the template
        return Shape(first, service, None)
    parens = 0
    where = None
    while j < len(toks):
        t = toks[j].text
        if t == "(":
            parens += 1
        elif t == ")":
            parens -= 1
        elif t == "{" and parens == 0:
            where = toks[j].start + 1
            break
        j += 1
    return Shape(first, service, where)


def check_read_only(text: str, allow_service: bool = False, where: str = "query") -> Shape:
    """The query's shape, or a ParameterError for an update or a SERVICE clause."""
    s = shape(text)
    if s.form == "UPDATE":
        raise ParameterError(
            where,
            "is a SPARQL UPDATE (INSERT/DELETE/LOAD/CLEAR/DROP …); talentkg runs read-only queries — "
            "use SELECT, ASK, CONSTRUCT or DESCRIBE",
        )
    if s.service and not allow_service:
        raise ParameterError(
            where,
            "contains a SERVICE clause (federation: the engine would send a request to another "
            "server); it is off by default — pass --allow-service (API: allow_service=True) if you mean it",
        )
    return s


def insert_values(text: str, block: str) -> str:
    """``block`` (a VALUES clause) first inside the query's WHERE group."""
    if not block:
        return text
    s = shape(text)
    if s.form == "CONSTRUCT" and s.where_open is None:
        raise ParameterError(
            "query", "the short form CONSTRUCT WHERE { … } cannot take parameters; write CONSTRUCT { … } WHERE { … }"
        )
    if s.where_open is None:
        raise ParameterError("query", "has no WHERE group { … } to bind the parameters in")
    close = _group_close(text, s.where_open)
    keep = ""
    names = re.findall(r"\?\w+", block.split("{", 1)[0])
    if close is not None and names:
        # Virtuoso 7 forgets a VALUES variable inside OPTIONAL / EXISTS filters unless the group
        # mentions it again after them (the rows come back unbound); a no-op filter keeps it in scope.
        keep = "\n  FILTER(" + " && ".join(f"BOUND({n})" for n in names) + ")\n"
        text = text[:close] + keep + text[close:]
    return text[: s.where_open] + "\n  " + block + "\n" + text[s.where_open :]


def _group_close(text: str, open_at: int) -> int | None:
    """The offset of the '}' that closes the group opened just before ``open_at``."""
    depth = 1
    for t in tokens(text):
        if t.start < open_at:
            continue
        if t.text == "{":
            depth += 1
        elif t.text == "}":
            depth -= 1
            if depth == 0:
                return t.start
    return None
