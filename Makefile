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

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
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

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Browser tests need Debian's Chromium; this installs it when missing (root only).
# With TEST_POSTGRES_URL the PostgreSQL pass runs beside the SQLite one (each leaves a
# core partly idle: Chromium, worker processes and the database server wait on each
# other); its output follows SQLite's, and either failing fails the target.
test: install lint
	bash .ci/system-deps chromium pango
	@if [ -z "$$TEST_POSTGRES_URL" ]; then exec $(BIN)/python -m pytest; fi; \
	log=$$(mktemp); \
	TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/python -m pytest -p no:cacheprovider >"$$log" 2>&1 & \
	postgres=$$!; \
	echo "--- SQLite pass (PostgreSQL pass running beside it) ---"; \
	$(BIN)/python -m pytest; sqlite_status=$$?; \
	wait $$postgres; postgres_status=$$?; \
	echo "--- PostgreSQL pass ---"; cat "$$log"; rm -f "$$log"; \
	echo "SQLite exit $$sqlite_status, PostgreSQL exit $$postgres_status"; \
	test $$sqlite_status -eq 0 -a $$postgres_status -eq 0

# The suite under coverage.py, then the files of core, newsletter and surveys that
# are not fully covered, with the lines no test reaches; fails below 90 % in all.
coverage: install
	bash .ci/system-deps chromium pango
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage report

bench: install
	@for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done
