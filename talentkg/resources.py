"""Where the packaged ontology, data tables and query files are (in the repo and in the wheel)."""

from __future__ import annotations

from pathlib import Path

import talentkg.data
import talentkg.ontology
import talentkg.queries

ONTOLOGY_DIR = Path(talentkg.ontology.__file__).parent
DATA_DIR = Path(talentkg.data.__file__).parent
QUERIES_DIR = Path(talentkg.queries.__file__).parent
ONTOLOGY_FILE = ONTOLOGY_DIR / "talentkg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
VIOLATIONS_DIR = QUERIES_DIR / "violations"
