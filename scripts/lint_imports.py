"""Check the one-way layer contract ([tool.importlinter] in pyproject.toml) with import-linter.

The repository keeps ``graph/`` and ``loaders/`` at the top level and maps them into the package as
``talentkg.graph`` / ``talentkg.loaders`` ([tool.setuptools] package-dir). import-linter reads a
package from its directory on disk, so this script lays the package out as the wheel does — a
temporary directory with symbolic links (``talentkg/*`` plus ``talentkg/graph`` → ``graph/``,
``talentkg/loaders`` → ``loaders/``, and the data/, ontology/, queries/ resource packages) — and runs ``lint-imports`` over it. Exit status = lint-imports'.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPED = ("graph", "loaders", "data", "ontology", "queries")


def main(argv: list[str] | None = None) -> int:
    """``lint_imports.py [ROOT]`` — ROOT defaults to this repository (tests pass a modified copy)."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]).resolve() if args else ROOT
    with tempfile.TemporaryDirectory(prefix="talentkg-layers-") as tmp:
        pkg = Path(tmp) / "talentkg"
        pkg.mkdir()
        for entry in (root / "talentkg").iterdir():
            if entry.name != "__pycache__":
                (pkg / entry.name).symlink_to(entry)
        for name in MAPPED:
            (pkg / name).symlink_to(root / name)
        env = dict(os.environ, PYTHONPATH=tmp + os.pathsep + os.environ.get("PYTHONPATH", ""))
        exe = Path(sys.executable).with_name("lint-imports")
        cmd = [str(exe) if exe.exists() else "lint-imports", str(root / "pyproject.toml"), "--no-cache"]
        return subprocess.run(cmd, env=env, cwd=tmp).returncode


if __name__ == "__main__":
    sys.exit(main())
