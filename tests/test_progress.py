"""The one progress bar (talentkg/progress.py) that ``assess --batch`` and ``track`` share (issue 11.5)."""

from __future__ import annotations

import io
import sys

from talentkg.progress import Bar, track


def test_bar_counts_rows_and_grows_an_underestimated_total(monkeypatch):
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buf)
    bar = Bar("assessing", 10, rate=True, transient=False)  # a size hint of 10 rows; 12 come
    bar.advance(4)
    bar.advance(8)
    bar.stop()
    out = buf.getvalue()
    assert out.startswith("assessing ")
    assert " 12/12 " in out  # the total settles at what was done, never "12/10"
    assert " rows/s " in out and " ETA " in out


def test_track_yields_every_item_quietly_off_a_terminal(monkeypatch):
    buf = io.StringIO()  # not a TTY: no bar at all
    monkeypatch.setattr(sys, "stderr", buf)
    assert list(track(iter(["a", "b", "c"]), "reading")) == ["a", "b", "c"]
    assert buf.getvalue() == ""


def test_batch_uses_the_shared_bar():
    import inspect

    import talentkg.batch as batch

    assert "rich" not in inspect.getsource(batch)  # the bar is set up once, in talentkg/progress.py
