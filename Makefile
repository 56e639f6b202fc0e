# talentkg — two commands on a fresh machine:  make demo   |   make test
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: install demo test test-fast bench bench-quick docs build clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

build: install
	$(BIN)/talentkg build --out build

# The main job: build and validate the graph, then answer real questions from the seeds.
demo: install
	$(BIN)/python scripts/demo.py

# The whole test suite (HermiT, servers, notebooks, wheel install included).
test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

bench: install
	$(BIN)/python benchmarks/run.py --sizes 1000 10000 100000 --pipeline-n 200 --rdflib-limit 120 --rdflib-query-limit 20 --out BENCHMARKS.md

bench-quick: install
	$(BIN)/python benchmarks/run.py --sizes 1000 --repeat 1

docs: install
	$(BIN)/talentkg docs --out docs/ontology

clean:
	rm -rf build dist docs/ontology .pytest_cache
