"""The table-driven bad-input suite (issue 12): tests/bad_inputs/*.yaml.

Each row runs one CLI command in-process (click's CliRunner) in a fresh folder holding the row's
input files, and checks the exit code and a fragment of the message; an error is one line and
never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from talentkg.cli import main

CASES_DIR = Path(__file__).parent / "bad_inputs"
CASES = [
    (f.stem, row) for f in sorted(CASES_DIR.glob("*.yaml")) for row in yaml.safe_load(f.read_text(encoding="utf-8"))
]


def _write(tmp: Path, files: dict) -> None:
    for name, content in (files or {}).items():
        p = tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict) and "hex" in content:
            p.write_bytes(bytes.fromhex(content["hex"]))
        elif isinstance(content, dict) and "repeat" in content:
            text, n = content["repeat"]
            p.write_text(text * n, encoding="utf-8")
        else:
            p.write_bytes(str(content).encode("utf-8"))


def test_enough_rows():
    assert len(CASES) > 100, len(CASES)
    assert len({f"{f}:{r['id']}" for f, r in CASES}) == len(CASES), "ids must be unique"


@pytest.mark.parametrize("suite,row", CASES, ids=[f"{f}:{r['id']}" for f, r in CASES])
def test_bad_input(suite, row, tmp_path, monkeypatch):
    _write(tmp_path, row.get("files"))
    monkeypatch.chdir(tmp_path)
    before = {p.name for p in tmp_path.iterdir()}
    result = CliRunner().invoke(main, [str(a) for a in row["args"]], input=row.get("stdin"), catch_exceptions=True)
    out = result.output + (result.stderr if hasattr(result, "stderr") else "")
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        row["id"],
        repr(result.exception),
        out,
    )
    assert "Traceback" not in out, out
    assert result.exit_code == row["exit"], (row["id"], result.exit_code, out[-1500:])
    assert row["message"] in out, (row["id"], out[-1500:])
    if row["exit"] == 2:
        errors = [ln for ln in out.splitlines() if ln.startswith(("error:", "Error:"))]
        assert errors, out
        # nothing half-written: no new file appears beside the inputs
        assert {p.name for p in tmp_path.iterdir()} - before == set(), sorted(p.name for p in tmp_path.iterdir())
