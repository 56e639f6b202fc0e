"""Terminal tables that fit, and the small helpers every table the CLI prints shares.

- The width is the terminal's (``shutil.get_terminal_size``, which honours ``COLUMNS``), all of
  it; no line printed is wider.
- Short values are never wrapped or cut; long text is cut with an ellipsis ("…") — in table mode
  only (CSV, JSON and XLSX always carry the full value). Nothing is ever split across lines.
- IRIs are shown as prefixed names (``tkd:salary-standard/gz-2023``), with the prefixes of
  :mod:`talentkg.namespaces` (the one place they are defined).
- When the columns cannot all fit at a readable width, the last ones are left out and a note
  says which, and how to see them (``--columns`` or ``--format csv``).
- :func:`suggest` gives the "did you mean" of the error messages (difflib).
"""

from __future__ import annotations

import difflib
import re
import shutil
import sys
from collections.abc import Iterable, Sequence

from talentkg.namespaces import PREFIXES

ELLIPSIS = "…"
MIN_WIDTH = 8  # a truncated column is never narrower than this (plus its header, up to 12)
SHORT = 24  # a column whose values all fit in this many cells is never cut
IDENT = 48  # nor a column of identifiers (one ASCII token each) up to this many cells
_IDENT = re.compile(r"[A-Za-z0-9_:/.#\-]*")
_PAD = 3  # per column: rich's padding (one each side) + the column separator

# longest namespace first, so tkd: wins over a shorter prefix of it
_NAMESPACES = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))


def terminal_width(default: int = 120) -> int:
    """The terminal's width in columns (``COLUMNS`` when set; ``default`` when not a terminal)."""
    return max(20, shutil.get_terminal_size(fallback=(default, 24)).columns)


def compact(value) -> str:
    """An IRI as a prefixed name (``https://w3id.org/talentkg/id/x`` → ``tkd:x``); other text as is."""
    if value is None:
        return ""
    s = str(value)
    if s.startswith(("http://", "https://")):
        for ns, prefix in _NAMESPACES:
            if s.startswith(ns) and len(s) > len(ns):
                return f"{prefix}:{s[len(ns) :]}"
    return s


def cell_text(value) -> str:
    """A value as one line of table text (lists joined with ';', newlines → ' / ')."""
    if value is None:
        return ""
    try:
        import math

        if isinstance(value, float) and math.isnan(value):
            return ""
    except Exception:  # pragma: no cover
        pass
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (list, tuple, set)):
        value = "; ".join(compact(v) for v in value)
    text = compact(value)
    if "\n" in text or "\r" in text:
        text = " / ".join(part.strip() for part in text.splitlines() if part.strip())
    if str(value) in ("<NA>", "NaT", "nan"):
        return ""
    return text


def cell_len(text: str) -> int:
    from rich.cells import cell_len as _cl

    return _cl(text)


def truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, ending in an ellipsis when cut."""
    if cell_len(text) <= width:
        return text
    from rich.cells import set_cell_size

    return set_cell_size(text, max(0, width - 1)).rstrip() + ELLIPSIS


def fit_widths(headers: Sequence[str], cells: Sequence[Sequence[str]], width: int) -> list[int]:
    """Column widths (content cells, without padding) whose total fits ``width``.

    Columns whose values are all short (≤ ``SHORT`` cells: codes, numbers, dates, names) keep
    their full width, so they are never cut; long-text columns share what is left in proportion
    to their natural widths, none below ``MIN_WIDTH``. When even that does not fit, long-text
    columns are left out first (rightmost first), then the rightmost others; a column left out
    gets width 0."""
    n = len(headers)
    value_w = [0] * n
    for row in cells:
        for i, c in enumerate(row):
            value_w[i] = max(value_w[i], cell_len(c))
    head_w = [cell_len(h) for h in headers]
    natural = [max(value_w[i], head_w[i]) for i in range(n)]
    if sum(natural) + _PAD * n - 1 <= width:
        return natural
    # identifiers (query names, codes, prefixed names: one ASCII token) up to IDENT cells are never cut either
    ident = [all(_IDENT.fullmatch(row[i] or "") for row in cells) and value_w[i] <= IDENT for i in range(n)]
    is_long = [value_w[i] > SHORT and not ident[i] for i in range(n)]
    # a short column keeps its values whole; its header may be cut down to the values (min MIN_WIDTH)
    floor = [
        max(value_w[i], min(head_w[i], MIN_WIDTH)) if not is_long[i] else max(MIN_WIDTH, min(12, head_w[i]))
        for i in range(n)
    ]
    keep = list(range(n))

    def need(cols):
        return sum(floor[i] for i in cols) + _PAD * len(cols) - 1

    while len(keep) > 1 and need(keep) > width:
        longs = [i for i in keep if is_long[i] and i != keep[0]]
        keep.remove(longs[-1] if longs else keep[-1])
    avail = width - _PAD * len(keep) + 1
    widths = [0] * n
    for i in keep:
        widths[i] = floor[i]
    # give the room left: first whole headers of short columns, then the long columns
    spare = avail - sum(widths[i] for i in keep)
    for i in keep:
        if not is_long[i] and spare > 0:
            extra = min(spare, natural[i] - widths[i])
            widths[i] += extra
            spare -= extra
    longs = [i for i in keep if is_long[i]]
    total_long = sum(natural[i] - widths[i] for i in longs)
    if longs and spare > 0 and total_long > 0:
        give = {i: min(natural[i] - widths[i], spare * (natural[i] - widths[i]) // total_long) for i in longs}
        for i in longs:
            widths[i] += give[i]
        spare -= sum(give.values())
        while spare > 0 and any(widths[i] < natural[i] for i in longs):
            i = max((i for i in longs if widths[i] < natural[i]), key=lambda i: natural[i] - widths[i])
            widths[i] += 1
            spare -= 1
    return widths


def select_columns(columns: Sequence[str], wanted: str | Sequence[str] | None, what: str = "--columns") -> list[str]:
    """The columns named in ``--columns a,b,c`` (in that order); an unknown name is an error with a suggestion."""
    if not wanted:
        return list(columns)
    from talentkg.errors import ParameterError

    names = [w.strip() for w in (wanted.split(",") if isinstance(wanted, str) else wanted) if w.strip()]
    for name in names:
        if name not in columns:
            raise ParameterError(
                what, f"no column {name!r}{suggest(name, columns)}; the columns are: {', '.join(columns)}"
            )
    return names


def render_table(
    columns: Sequence[str],
    rows: Iterable,
    *,
    width: int | None = None,
    title: str | None = None,
    file=None,
    count: bool = True,
    numeric: Sequence[str] = (),
) -> None:
    """Print ``rows`` (dicts or sequences) as a table that fits the terminal."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    width = width or terminal_width()
    columns = list(columns)
    cells = []
    for r in rows:
        vals = [r.get(c) for c in columns] if isinstance(r, dict) else list(r)
        cells.append([cell_text(v) for v in vals])
    widths = fit_widths(columns, cells, width)
    shown = [i for i, w in enumerate(widths) if w > 0]
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        expand=False,
        title=title,
        title_justify="left",
    )
    for i in shown:
        right = columns[i] in numeric or (
            cells and all(_looks_numeric(row[i]) for row in cells if row[i]) and any(row[i] for row in cells)
        )
        table.add_column(
            truncate(columns[i], widths[i]),
            no_wrap=True,
            overflow="ellipsis",
            min_width=widths[i],
            max_width=widths[i],
            justify="right" if right else "left",
        )
    for row in cells:
        table.add_row(*[truncate(row[i], widths[i]) for i in shown])
    console = Console(file=file or sys.stdout, width=width, soft_wrap=False, highlight=False, emoji=False, markup=False)
    console.print(table)
    notes = []
    if count:
        notes.append(f"{len(cells)} row(s)")
    hidden = [columns[i] for i, w in enumerate(widths) if w == 0]
    if hidden:
        notes.append(
            f"{len(hidden)} column(s) not shown for lack of width ({', '.join(hidden)}): "
            "choose with --columns a,b,c, or use --format csv"
        )
    for note in notes:
        for line in _wrap(note, width):
            console.print(line, markup=False, highlight=False)


def _looks_numeric(s: str) -> bool:
    try:
        float(s.replace(",", ""))
        return True
    except ValueError:
        return False


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False) or [""]


def suggest(name: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.6) -> str:
    """``"; did you mean 'Guangzhou'?"`` for a near miss (case-insensitive), else ``""``."""
    choices = list(dict.fromkeys(str(c) for c in choices))
    lower = {c.lower(): c for c in choices}
    if len(str(name)) <= 3:  # 广洲 → 广州: one character of two is a ratio of 0.5
        cutoff = min(cutoff, 0.5)
    hits = difflib.get_close_matches(str(name).lower(), list(lower), n=n, cutoff=cutoff)
    if not hits:
        return ""
    names = [lower[h] for h in hits]
    if len(names) == 1:
        return f"; did you mean {names[0]!r}?"
    return "; did you mean " + ", ".join(repr(x) for x in names[:-1]) + f" or {names[-1]!r}?"
