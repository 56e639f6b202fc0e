"""Rule blocks: one WHERE-clause fragment per decision, included in every query that needs it.

SPARQL has no include, so the blocks (``queries/blocks/*.sparql``) are copied into the library
queries (``queries/*.rq``, single SELECTs that run on any endpoint) and the assessment steps
(``queries/assess/*.ru``) between marker lines::

    #> block salary-standard
    … generated: the block's text …
    #< block salary-standard

A marker may rename the block's parameters and give its local variables a prefix::

    #> block valid-on fact=?rule as=r        (?fact → ?rule, ?_vf → ?r_vf)

Blocks may include blocks. ``python -m talentkg.blocks`` rewrites every file from the blocks;
``--check`` exits 1 naming the files that are out of date (a test runs it). See docs/RULE_ENGINE.md.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from talentkg.resources import QUERIES_DIR

BLOCKS_DIR = QUERIES_DIR / "blocks"
BEGIN = re.compile(r"^(?P<indent>[ \t]*)#> block (?P<name>[\w-]+)(?P<args>(?:[ \t]+[\w]+=\S+)*)[ \t]*$")
END = "#< block "


def _args(text: str) -> dict[str, str]:
    return dict(a.split("=", 1) for a in text.split())


def _sparql_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


XSD_STRING = "<http://www.w3.org/2001/XMLSchema#string>"


def _text_literal(s: str) -> str:
    """A literal for a sentence part. Non-ASCII text goes through STRDT(…, xsd:string) — the same
    term in SPARQL 1.1 — because Virtuoso 7 CONCATs a bare non-ASCII query literal with a stored
    value as mojibake (its wide/narrow string split); STRDT gives it the stored values' encoding."""
    lit = _sparql_string(s)
    return lit if s.isascii() else f"STRDT({lit}, {XSD_STRING})"


def message_text(args: dict[str, str]) -> list[str]:
    """``#> block messages codes=salary. code=?reason_code out=?reason lang=en``: one BIND that renders
    the data/messages.csv templates whose code starts with ``codes`` — generated, so a single SELECT
    on any endpoint gives the same sentence as talentkg.messages. A placeholder {x} takes the label
    variable ?x_label (?x_label_zh for zh) when bound, else STR(?x); ``x=?v`` maps {x} to ?v."""
    from talentkg.messages import templates

    lang, code_var, out = args.get("lang", "en"), args["code"], args["out"]
    var = {k: v.lstrip("?") for k, v in args.items() if k not in ("codes", "code", "out", "lang", "as")}
    chosen = [(c, t) for c, t in sorted(templates().items()) if c.startswith(args["codes"])]
    expr = '""'
    for code, t in reversed(chosen):
        parts, text = [], t[lang] or t["en"]
        for lit, field, _, _ in __import__("string").Formatter().parse(text):
            if lit:
                parts.append(_text_literal(lit))
            if field:
                v = var.get(field, field)
                lab = f"?{v}_label_zh, ?{v}_label" if lang == "zh" else f"?{v}_label"
                parts.append(f"COALESCE({lab}, STR(?{v}))")
        body = parts[0] if len(parts) == 1 else f"CONCAT({', '.join(parts)})"
        expr = f"IF({code_var} = {_sparql_string(code)}, {body},\n   {expr})"
    return [f"# generated from data/messages.csv (codes {args['codes']}*, {lang})", f"BIND({expr} AS {out})"]


def block_text(name: str, args: dict[str, str], depth: int = 0) -> list[str]:
    """The block's lines (its header comments dropped), parameters renamed, nested blocks expanded."""
    if name == "messages":
        return "\n".join(message_text(args)).splitlines()
    if depth > 8:
        raise ValueError(f"block {name}: nesting too deep (a cycle?)")
    path = BLOCKS_DIR / f"{name}.sparql"
    if not path.exists():
        raise ValueError(f"unknown block {name!r} ({path} not found)")
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [ln for ln in lines if not ln.startswith("##")]  # '## ' lines document the block, not copied
    prefix = args.get("as")
    renames = {k: v for k, v in args.items() if k != "as"}

    def sub(line: str) -> str:
        if prefix:  # the block's own locals first, so a parameter renamed to a ?_name is not prefixed
            line = re.sub(r"\?_(\w+)", rf"?{prefix}_\1", line)
        for k, v in renames.items():
            line = re.sub(rf"\?{re.escape(k)}\b", v, line)
        return line

    return expand([sub(ln) for ln in body], depth + 1)


def expand(lines: list[str], depth: int = 0) -> list[str]:
    """Replace every marked region (or a lone begin marker) by the current block text."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = BEGIN.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        name, indent = m["name"], m["indent"]
        end, j = [*END.split(), name], i + 1  # the exact end marker: not recognition-terms for recognition
        while j < len(lines) and lines[j].split() != end:
            j += 1
        if j >= len(lines):
            raise ValueError(f"block {name}: begin marker without '{END}{name}'")
        out.append(lines[i])
        out.extend((indent + ln) if ln.strip() else "" for ln in block_text(name, _args(m["args"] or ""), depth))
        out.append(f"{indent}{END}{name}")
        i = j + 1
    return out


def targets() -> list[Path]:
    return sorted(
        [*QUERIES_DIR.glob("*.rq"), *(QUERIES_DIR / "assess").glob("*.ru"), *(QUERIES_DIR / "violations").glob("*.rq")]
    )


def generated(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    new = "\n".join(expand(text.splitlines()))
    return new + ("\n" if text.endswith("\n") else "")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    stale = []
    for p in targets():
        text = p.read_text(encoding="utf-8")
        if "#> block " not in text:
            continue
        new = generated(p)
        if new != text:
            stale.append(p)
            if not check:
                p.write_text(new, encoding="utf-8")
    if check and stale:
        print(
            "out of date (run: python -m talentkg.blocks): "
            + ", ".join(str(p.relative_to(QUERIES_DIR.parent)) for p in stale)
        )
        return 1
    if not check:
        for p in stale:
            print(f"regenerated {p.relative_to(QUERIES_DIR.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
