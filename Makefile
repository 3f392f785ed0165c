# Two entry points, each doing all set-up on a fresh machine:
#   make repro   build .venv, then `dvc repro` (the embedded default benchmark, CPU)
#   make test    build .venv, then ruff, the test suite and the notebooks (nbval, lax mode), and
#                the widgets driven in Chromium (installed first by apt-get when missing and possible)
# Also:
#   make book          the course as a static HTML book in build/book/html (offline, no execution)
#   make browser-test  only the widget test in Chromium (fails, not skips, without Chromium)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: repro test lint book chromium browser-test clean-venv lock

# The venv gets the exact versions of requirements.lock (a constraints file: pyproject.toml keeps the
# ranges the code supports, the lock the versions the committed results were made with), then the
# packages that are installed without their declared dependencies (requirements-nodeps.txt says why).
$(STAMP): pyproject.toml requirements.lock requirements-nodeps.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[all]"
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

# Rewrite requirements.lock from a venv resolved afresh from pyproject.toml's ranges (today's PyPI),
# without the no-deps packages; then run `make test` and `make repro` before committing it.
lock:
	rm -rf build/lock-venv
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/python -m pip install --quiet --upgrade pip
	build/lock-venv/bin/python -m pip install --quiet -e ".[all]"
	{ echo "# Exact versions for make's venv (a pip constraints file). Regenerate with: make lock"; \
	  build/lock-venv/bin/python -m pip freeze --all --exclude-editable | LC_ALL=C sort -f; } > requirements.lock
	rm -rf build/lock-venv

repro: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dvc repro

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint chromium
	$(BIN)/mypy
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg

book: $(STAMP)
	$(BIN)/python docs/book/build.py --out build/book

# Debian's chromium for the widget test (no browser build is downloaded): installed when missing
# and this is root with apt-get (as CI is); elsewhere the test says it is skipped, and why.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the widget test"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else \
	    echo "chromium is missing and cannot be installed here (needs root and apt-get): the widget test will be skipped"; \
	  fi; \
	fi

browser-test: $(STAMP) chromium
	GRNET_BROWSER_TEST=required $(BIN)/python -m pytest tests/test_widgets_in_browser.py

clean-venv:
	rm -rf $(VENV)
