"""Progress on stderr (rich) for the commands that take more than a few seconds.

Quiet when stderr is not a terminal (pipes, CI, tests) or with ``--quiet``; never on stdout, so
it cannot mix with the data a command prints.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def enabled(quiet: bool = False) -> bool:
    return not quiet and hasattr(sys.stderr, "isatty") and sys.stderr.isatty()


def _console():
    from rich.console import Console

    return Console(file=sys.stderr)


@contextlib.contextmanager
def spinner(description: str, quiet: bool = False) -> Iterator[None]:
    """A spinner with elapsed time while a step of unknown length runs."""
    if not enabled(quiet):
        yield
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=_console(), transient=True
    ) as p:
        p.add_task(description, total=None)
        yield


def track(items: Iterable[T], description: str, total: int | None = None, quiet: bool = False) -> Iterator[T]:
    """A progress bar over ``items``."""
    if not enabled(quiet):
        yield from items
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=_console(),
        transient=True,
    ) as p:
        task = p.add_task(description, total=total)
        for item in items:
            yield item
            p.advance(task)
