# talentkg — two commands on a fresh machine:  make demo   |   make test
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: install sysdeps demo test test-fast lint format bench bench-quick docs figures build clean

# System packages the tests need (Virtuoso for the portability tests, Chromium + driver for the
# workbench browser tests, a CJK font for the notebooks' Chinese labels and the PDF, poppler-utils
# for pdftotext, which reads the printed PDF's text back; OWLAPI and a JDK for tests/test_owlapi.py,
# which runs tests/java/ReadBack.java by Java's single-file source launch). Installed with apt-get
# when missing (as root, as on CI); a machine that has them installs nothing.
APT_PACKAGES := virtuoso-opensource chromium chromium-driver fonts-noto-cjk poppler-utils libowlapi-java default-jdk-headless
SYSSTAMP     := $(VENV)/.sysdeps

$(SYSSTAMP): Makefile
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages: $$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@mkdir -p $(VENV) && touch $(SYSSTAMP)

sysdeps: $(SYSSTAMP)

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
test: install sysdeps
	$(BIN)/python -m pytest -q

# The quick suite: no slow tests; runs with only the runtime deps + pytest too (tests needing the
# optional extras — notebooks, docs, reasoner, server, browser — skip themselves via importorskip).
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

# Habits (CONTRIBUTING.md): ruff lint + format check, mypy, the one-way layer contract.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python scripts/lint_imports.py

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python benchmarks/run.py --sizes 1000 10000 100000 --pipeline-n 200 --rdflib-limit 120 --rdflib-query-limit 20 --out BENCHMARKS.md

bench-quick: install
	$(BIN)/python benchmarks/run.py --sizes 1000 --repeat 1

# the README's hero figure (docs/figures/policy_layers.png and .svg), deterministic
figures: install
	$(BIN)/python scripts/hero_figure.py docs/figures

docs: install
	$(BIN)/talentkg docs --out docs/ontology

clean:
	rm -rf build .build.* dist docs/ontology .pytest_cache
