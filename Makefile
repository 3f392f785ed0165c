# Two entry points, each doing all set-up on a fresh machine:
#   make repro   build .venv, then `dvc repro` (the embedded default benchmark, CPU)
#   make test    build .venv, then ruff, the test suite and the notebooks (nbval, lax mode)
# Also:
#   make book    the course as a static HTML book in build/book/html (offline, no execution)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: repro test lint book clean-venv

$(STAMP): pyproject.toml requirements-faces.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[all]"
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-faces.txt
	touch $(STAMP)

repro: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dvc repro

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg

book: $(STAMP)
	$(BIN)/python docs/book/build.py --out build/book

clean-venv:
	rm -rf $(VENV)
