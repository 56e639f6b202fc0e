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
    _i, line = _first_url_line(p)
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


def test_duplicate_column_in_data_table_named(data):
    p = data / "salary_standards.csv"
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines[0].rstrip("\n").split(",")[0]
    # the repeated column would silently win over the first (csv.DictReader keeps the last)
    lines = [line.rstrip("\n") + ("," + first if i == 0 else ",x") + "\n" for i, line in enumerate(lines)]
    p.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as e:
        read_tables(data)
    assert "salary_standards.csv:1" in str(e.value) and f"column {first!r} appears 2 times" in str(e.value)


def test_unknown_prefix_in_tables_yaml_named_with_line(data):
    p = data / "tables.yaml"
    text = p.read_text(encoding="utf-8")
    assert "property: tk:note}" in text
    p.write_text(text.replace("property: tk:note}", "property: foaf:note}", 1), encoding="utf-8")
    want = next(i for i, ln in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1) if "foaf:note" in ln)
    with pytest.raises(DataError) as e:
        read_tables(data)
    assert "unknown prefix in 'foaf:note'" in str(e.value) and e.value.line == want, str(e.value)


def test_unknown_prefix_in_class_map_named(data):
    p = data / "tables.yaml"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("sector: tk:Sector", "sector: tkx:Sector", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"table 'concepts': unknown prefix in 'tkx:Sector'"):
        read_tables(data)


def test_broken_ontology_turtle_named_with_line(tmp_path):
    from talentkg.graph.build import collect_triples
    from talentkg.resources import ONTOLOGY_FILE

    lines = ONTOLOGY_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = tmp_path / "talentkg.ttl"
    n = len(lines) // 2
    bad.write_text("".join(lines[:n]) + 'tk:Broken rdfs:label "unclosed .\n' + "".join(lines[n:]), encoding="utf-8")
    with pytest.raises(DataError) as e:
        collect_triples(ontology_file=bad)
    assert e.value.line == n + 1 and "is not valid Turtle" in str(e.value) and str(bad) in str(e.value)


def test_broken_violation_query_named_with_line(tmp_path, monkeypatch):
    import pyoxigraph as ox

    from talentkg.graph import validate

    (tmp_path / "x-violation.rq").write_text("# a gate\nSELECT ?s WHERE {\n  ?s ?p \n}\n", encoding="utf-8")
    monkeypatch.setattr(validate, "VIOLATIONS_DIR", tmp_path)
    with pytest.raises(DataError) as e:
        validate.run_violation_queries(ox.Store())
    assert "x-violation.rq:4" in str(e.value) and "not a valid SPARQL query" in str(e.value)
    (tmp_path / "x-violation.rq").write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(DataError, match="must be a SELECT query"):
        validate.run_violation_queries(ox.Store())


def test_broken_shapes_named_with_line(tmp_path, monkeypatch):
    from talentkg.graph import validate
    from talentkg.resources import SHAPES_FILE

    bad = tmp_path / "shapes.ttl"
    bad.write_text(SHAPES_FILE.read_text(encoding="utf-8") + '\ntk:X sh:name "unclosed .\n', encoding="utf-8")
    monkeypatch.setattr(validate, "SHAPES_FILE", bad)
    with pytest.raises(DataError) as e:
        validate.run_shacl([])
    assert "shapes.ttl" in str(e.value) and "is not valid Turtle" in str(e.value) and e.value.line, str(e.value)
