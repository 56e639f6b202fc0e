"""The analyst notebooks run top to bottom from a fresh kernel, and produce their figures."""

from __future__ import annotations

import pytest

# the notebooks extra (make install has it); without it the module skips, so make test-fast runs on runtime deps
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")

from tests.conftest import ROOT  # noqa: E402  (after the importorskip above)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("TALENTKG_FIGURES", str(tmp_path))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert errors == []
    figures = sorted(tmp_path.glob("*.png"))
    assert figures, "the notebook draws at least one figure"
    from matplotlib import image

    for f in figures:  # not blank: a real share of the pixels are not background white
        px = image.imread(f)[..., :3]
        non_white = float((px.mean(axis=-1) < 0.95).mean())
        assert non_white > 0.01 and float(px.std()) > 0.02, f"{f.name} looks blank"
    # inline: the figures are in the notebook's outputs too
    assert any(
        o.get("output_type") == "display_data" and "image/png" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )


def test_notebooks_draw_inline_with_a_cjk_font():
    for path in NOTEBOOKS:
        src = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        assert "%matplotlib inline" in src and 'matplotlib.use("Agg")' not in src, path.name
        assert "Noto Sans CJK SC" in src and "raise RuntimeError" in src, path.name


def test_notebooks_committed_without_outputs():
    assert len(NOTEBOOKS) == 3
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name
