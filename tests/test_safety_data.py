"""Data checks in loaders/tables.py (issue 12): strict URLs, NUL bytes, BOM, encodings, YAML spec errors."""

from __future__ import annotations

import shutil

import pytest

from talentkg.errors import DataError
from talentkg.loaders.tables import read_tables
from talentkg.resources import DATA_DIR


@pytest.fixture()
def data(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(DATA_DIR, d)
    return d


def _first_url_line(p):
    for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
        if "https://" in line or "http://" in line:
            return i, line
    raise AssertionError(p)


def test_url_with_quote_and_angle_bracket_refused(data):
    p = data / "documents.csv"
    i, line = _first_url_line(p)
    url = next(tok for tok in line.replace('"', ",").split(",") if tok.startswith("http"))
    p.write_text(p.read_text(encoding="utf-8").replace(url, 'http://x>"<y', 1), encoding="utf-8")
    with pytest.raises(DataError, match="not an http"):
        read_tables(data)


def test_nul_byte_refused_with_line(data):
    p = data / "salary_standards.csv"
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",", ",\0", 1)
    p.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as e:
        read_tables(data)
    assert "NUL" in str(e.value) and e.value.line == 3 and "salary_standards.csv" in str(e.value)


def test_bom_tolerated(data):
    p = data / "salary_standards.csv"
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    assert len(read_tables(data)) == len(read_tables(DATA_DIR))


def test_gbk_file_named(data):
    p = data / "salary_standards.csv"
    p.write_bytes(p.read_text(encoding="utf-8").encode("gbk", errors="replace"))
    with pytest.raises(DataError) as e:
        read_tables(data)
    assert "salary_standards.csv" in str(e.value) and "not UTF-8" in str(e.value)


def test_yaml_error_named_with_line(data):
    p = data / "tables.yaml"
    p.write_text(p.read_text(encoding="utf-8") + "\n  - name: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        read_tables(data)
    assert "tables.yaml" in str(e.value) and "not valid YAML" in str(e.value) and e.value.line


def test_unknown_spec_key_named(data):
    p = data / "tables.yaml"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("    file:", "    colour: red\n    file:", 1), encoding="utf-8")
    with pytest.raises(DataError, match="unknown spec keys \\['colour'\\]"):
        read_tables(data)
