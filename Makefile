# Rights Desk: `make run` serves the demo on 127.0.0.1:8000, `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
UV := $(shell command -v uv 2>/dev/null || echo $(VENV)-tools/bin/uv)
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Two processes: the suite is CPU-bound (PDF rendering) and our machines have two cores.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: help run test lint bench diagrams install install-dev system-packages frontend-files clean

help:
	@echo "make run    - set up, migrate, load demo data, serve on http://127.0.0.1:8000"
	@echo "make test   - set up, then ruff, mypy, import-linter and the whole pytest suite"
	@echo "make lint   - ruff, mypy and import-linter only"
	@echo "make bench  - the performance figures (not a test)"

# uv comes from PyPI through pip when the machine has none.
$(VENV)-tools/bin/uv:
	$(PYTHON) -m venv $(VENV)-tools
	$(VENV)-tools/bin/pip install --quiet --disable-pip-version-check uv

system-packages:
	@./scripts/system-packages.sh

install: $(if $(findstring $(VENV)-tools,$(UV)),$(VENV)-tools/bin/uv) system-packages frontend-files
	$(UV) sync --locked --no-dev --quiet

install-dev: $(if $(findstring $(VENV)-tools,$(UV)),$(VENV)-tools/bin/uv) system-packages frontend-files
	$(UV) sync --locked --quiet

frontend-files: build/frontend/govuk/govuk-frontend.min.css

build/frontend/govuk/govuk-frontend.min.css: package-lock.json scripts/frontend.py
	$(PYTHON) scripts/frontend.py

# The demo's last line is its sign-in (users and password), so it is the last thing said before the server starts.
# A real Celery worker and beat run beside the server on kombu's filesystem transport (var/broker), so packs are
# never rendered inside a web request; the tests stay eager (CELERY_BROKER_URL empty).
run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	@echo
	@echo "Rights Desk is on http://127.0.0.1:8000/ (demo users exist only with DEBUG on; a new password:"
	@echo "DEBUG=1 .venv/bin/python manage.py demo --new-password). Tasks run in a Celery worker and beat beside the"
	@echo "server on an embedded broker (files in var/broker; set CELERY_BROKER_URL for Redis); stopping the server stops it."
	@DEBUG=1 $(PY) manage.py demo --if-empty
	@echo
	@export DEBUG=1 CELERY_BROKER_URL=$${CELERY_BROKER_URL:-filesystem://}; \
	$(PY) -m celery -A config worker --beat --concurrency 2 --loglevel warning & \
	worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Synthetic data in a scratch database of its own (var/bench/, or beside a PostgreSQL DATABASE_URL), never yours.
bench: install-dev
	DEBUG=1 $(PY) manage.py bench $(BENCH_ARGS)

diagrams: install-dev
	$(PY) manage.py machine_diagram --write docs/state-machines.md
	$(PY) scripts/sync_readme_diagrams.py

clean:
	rm -rf $(VENV) $(VENV)-tools build node_modules staticfiles .mypy_cache .pytest_cache .ruff_cache
