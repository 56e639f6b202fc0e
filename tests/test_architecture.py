"""The one-way layer contract (docs/ARCHITECTURE.md, [tool.importlinter] in pyproject.toml) holds,
and the checker really fails when a lower layer imports an upper one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "lint_imports.py"

pytest.importorskip("importlinter", reason="import-linter is a dev dependency (make install)")


def _run(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True, timeout=300)


def test_layers_contract_is_kept():
    res = _run(ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "1 kept, 0 broken" in res.stdout


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("talentkg", "graph", "loaders", "data", "ontology", "queries"):
        shutil.copytree(ROOT / name, dst / name, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", dst / "pyproject.toml")
    return dst


@pytest.mark.parametrize(
    ("module", "upward", "messages"),
    [
        # core (talentkg.values) importing the rule engine (talentkg.querylib) is the kind of edge the contract forbids
        ("talentkg/values.py", "talentkg.querylib", ["talentkg.values is not allowed to import talentkg.querylib"]),
        (
            "loaders/tables.py",
            "talentkg.graph.build",
            [
                "talentkg.loaders is not allowed to import talentkg.graph",
                "talentkg.loaders.tables -> talentkg.graph.build",
            ],
        ),
    ],
    ids=["core-imports-rule-engine", "loaders-import-graph"],
)
def test_an_upward_import_breaks_the_contract(tmp_path, module, upward, messages):
    dst = _copy(tmp_path)
    path = dst / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n\ndef _upward():\n    import {upward}\n", encoding="utf-8")
    res = _run(dst)
    assert res.returncode != 0
    for message in messages:
        assert message in res.stdout


def _package_modules() -> set[str]:
    """The package's own modules as the wheel lays them out: talentkg/*.py, its sub-packages, graph/, loaders/."""
    pkg = ROOT / "talentkg"
    mods = {p.stem for p in pkg.glob("*.py") if p.stem != "__init__"}
    mods |= {p.parent.name for p in pkg.glob("*/__init__.py")}
    return mods | {"graph", "loaders"}


def test_every_module_is_placed_in_the_contract_and_named_in_the_architecture_page():
    """A new module gets its layer (pyproject.toml) and its line in docs/ARCHITECTURE.md; an unplaced one is unconstrained."""
    import re

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    layers = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"][
        0
    ]["layers"]
    placed = {m.split(".", 1)[1] for layer in layers for m in re.findall(r"talentkg\.\w+", layer)}
    assert _package_modules() - placed == set()
    table = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8").split("## Layers", 1)[1].split("##", 1)[0]
    named = set(re.findall(r"`(?:talentkg\.)?(\w+)[`.(]", table))
    assert _package_modules() - named == set()
