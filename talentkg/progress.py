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


class Bar:
    """A progress bar on stderr (rich): done of total, elapsed, ETA and, with ``rate``, rows per
    second. The one set-up of the bar columns: :func:`track` and ``assess --batch`` use it.

    ``total`` may be an estimate (None: unknown); it grows to what is done, and :meth:`stop`
    settles it there."""

    def __init__(self, description: str, total: int | None = None, rate: bool = False, transient: bool = True):
        import time

        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
        if rate:
            columns.append(TextColumn("{task.fields[rate]}"))
        columns += [TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn()]
        self.p = Progress(*columns, console=_console(), transient=transient)
        self.task = self.p.add_task(description, total=total, rate="")
        self.total, self.done, self.clock = total, 0, time.perf_counter
        self.t0 = self.clock()
        self.p.start()

    def advance(self, n: int = 1) -> None:
        self.done += n
        total = self.total if self.total is None or self.done <= self.total else self.done
        rate = f"{self.done / max(self.clock() - self.t0, 1e-9):,.0f} rows/s"
        self.p.update(self.task, advance=n, total=total, rate=rate)

    def stop(self) -> None:
        self.p.update(self.task, total=self.done)
        self.p.stop()


def track(items: Iterable[T], description: str, total: int | None = None, quiet: bool = False) -> Iterator[T]:
    """A progress bar over ``items``."""
    if not enabled(quiet):
        yield from items
        return
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    bar = Bar(description, total)
    try:
        for item in items:
            yield item
            bar.advance()
    finally:
        bar.p.stop()
