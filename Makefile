# Two commands for a fresh machine: `make run` and `make test`. Each creates .venv and
# installs the pinned requirements first (again only when a requirements file changes).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# PostgreSQL that `make test` uses when DATABASE_URL is not set and it answers.
TEST_PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: bench run serve manage test fuzz lint install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The real OpenID provider of the OIDC login tests (node + the npm package oidc-provider,
# pinned by its package-lock.json); npm ci again only when the lock file changes.
OIDC_PROVIDER := tests/oidc/provider
$(OIDC_PROVIDER)/node_modules/.installed: $(OIDC_PROVIDER)/package-lock.json
	cd $(OIDC_PROVIDER) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# Local development settings for manage.py (DEBUG on, a generated key); git ignores the file.
.env:
	@printf '# Written by make run for local development; not for production. Git ignores it.\nDEBUG=true\nSECRET_KEY=%s\n' \
	  "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote .env (DEBUG=true, a generated SECRET_KEY) for manage.py and make manage."

## run: development server (DEBUG on, settings from .env) with API + admin on 127.0.0.1:$PORT
# CONN_MAX_AGE=0: runserver starts a thread per connection; kept connections would pile up.
run: $(VENV)/.runtime .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ensure_admin
	CONN_MAX_AGE=0 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## serve: production-style server (gunicorn, DEBUG off: needs SECRET_KEY) on 127.0.0.1:$PORT
serve: $(VENV)/.runtime
	@if [ -z "$${SECRET_KEY:-}" ]; then echo "make serve: SECRET_KEY is not set (see README, make serve)." >&2; exit 1; fi
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	CONN_MAX_AGE=$${CONN_MAX_AGE:-60} $(BIN)/gunicorn --config kiss_details/gunicorn.conf.py kiss_details.wsgi

## manage: a management command, e.g. make manage ARGS="assign_role jan --role analist"
manage: $(VENV)/.runtime .env
	$(BIN)/python manage.py $(ARGS)

# The environment of make test and make fuzz: a test SECRET_KEY, no SSL redirect, and
# PostgreSQL when DATABASE_URL is set or 127.0.0.1:5432 answers (mandatory with CI=true).
TEST_ENV = export SECRET_KEY="$${SECRET_KEY:-insecure-key-for-tests-only}" SECURE_SSL_REDIRECT=false; \
  if [ -z "$${DATABASE_URL:-}" ]; then \
    if $(BIN)/python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), timeout=2).close()' 2>/dev/null; then \
      export DATABASE_URL="$(TEST_PG_URL)"; \
    elif [ "$${CI:-}" = "true" ]; then \
      echo "CI=true but PostgreSQL does not answer on 127.0.0.1:5432: failing (no SQLite fallback in CI)."; exit 1; \
    fi; \
  fi; \
  case "$${DATABASE_URL:-sqlite}" in \
    postgres*) echo "Tests run on PostgreSQL ($${DATABASE_URL%%\?*})." ;; \
    *) if [ "$${CI:-}" = "true" ]; then echo "CI=true requires PostgreSQL, DATABASE_URL is $${DATABASE_URL:-unset}."; exit 1; fi; \
       echo "PostgreSQL not reachable: tests run on SQLite (PostgreSQL-only tests are skipped)." ;; \
  esac;

## test: lint, migration and schema checks, then the whole test suite
test: $(VENV)/.dev $(OIDC_PROVIDER)/node_modules/.installed
	@set -e; $(TEST_ENV) \
	$(BIN)/ruff check .; \
	$(BIN)/ruff format --check .; \
	$(BIN)/python manage.py makemigrations --check --dry-run; \
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null; \
	$(BIN)/pytest $(PYTEST_ARGS)

## fuzz: the long schema fuzzing run (15 minutes of schemathesis; make test runs a 120-second one)
fuzz: $(VENV)/.dev
	@set -e; $(TEST_ENV) \
	FUZZ_LONG=1 $(BIN)/pytest tests/serving/test_fuzz.py -s $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles

## bench: the issue-10 table of ratios (bench/run.py; ARGS="--count 10000000" for more rows)
bench: $(VENV)/.dev
	$(BIN)/python bench/run.py $(ARGS)
