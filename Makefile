# The two commands people need: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-stamp
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: install run test test-sqlite test-postgres coverage lint format bench translations extract-messages

install: $(STAMP) $(CATALOGUES)

# pip installs uv, and uv the project: the same packages from the same index, with
# their bytecode compiled on both cores, in 11 s where pip took 40 s (one core).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check 'uv>=0.5,<1'
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -e '.[dev]'
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -f -i $< -o $@

translations: $(CATALOGUES)

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --no-location -o translations/messages.pot core newsletter surveys landscape templates
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

run: install
	-@bash .ci/system-deps pango  # the PDF report; the print view works without
	$(FLASK) db upgrade
	$(FLASK) demo seed
	$(FLASK) dev

# One command line, so that `make test` runs it beside the suite without calling make
# again (a recursive $(MAKE) is run even by `make -n`, which then ran the tests).
LINT := $(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy
lint: install
	$(LINT)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Browser tests need Debian's Chromium; this installs it when missing (root only).
# Lint and the suite run side by side: the suite on SQLite and, with TEST_POSTGRES_URL,
# the same suite on PostgreSQL, each pass spread over pytest-xdist workers (tests wait
# much of their time on Chromium, worker processes and the database server, so four
# workers keep two cores busy). Chromium drives the pages once, in the SQLite pass:
# what it checks (what a person sees, axe, keyboard, phone widths) is the same over
# either database, the routes under it run on both through the test client, and its
# ~100 s of CPU a pass were a third of the suite's. SQLite's output comes as it runs,
# lint's and PostgreSQL's follow; any of them failing fails the target. Bytecode is written even
# where PYTHONDONTWRITEBYTECODE is set: each worker and `flask` process would compile
# (and pytest rewrite) the same modules again.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto --dist worksteal
test: install
	bash .ci/system-deps chromium pango
	@logs=$$(mktemp -d); \
	{ $(LINT); } >"$$logs/lint" 2>&1 & lint=$$!; \
	postgres=; \
	if [ -n "$$TEST_POSTGRES_URL" ]; then \
	  TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(PYTEST) -p no:cacheprovider \
	    -m "not browser" >"$$logs/postgres" 2>&1 & postgres=$$!; \
	fi; \
	echo "--- SQLite pass (lint$${postgres:+ and the PostgreSQL pass} beside it) ---"; \
	$(PYTEST); sqlite_status=$$?; \
	wait $$lint; lint_status=$$?; \
	echo "--- lint ---"; cat "$$logs/lint"; \
	postgres_status=0; \
	if [ -n "$$postgres" ]; then \
	  wait $$postgres; postgres_status=$$?; \
	  echo "--- PostgreSQL pass ---"; cat "$$logs/postgres"; \
	fi; \
	rm -rf "$$logs"; \
	echo "SQLite exit $$sqlite_status, PostgreSQL exit $$postgres_status, lint exit $$lint_status"; \
	test $$sqlite_status -eq 0 -a $$postgres_status -eq 0 -a $$lint_status -eq 0

# The suite under coverage.py, then the files of core, newsletter and surveys that
# are not fully covered, with the lines no test reaches; fails below 90 % in all.
coverage: install
	bash .ci/system-deps chromium pango
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage report

bench: install
	@for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done
