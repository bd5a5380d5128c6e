# Tsunagu — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := tsunagu.settings

.PHONY: run dev demo-db test lint typecheck check clean-db messages help bench soak house-lines

help:
	@echo "make run        serve the demo city on http://$(HOST):$(PORT) (SQLite under var/) through"
	@echo "                gunicorn, as production runs it (gunicorn.conf.py, DEBUG off)"
	@echo "make dev        the same with Django's development server (reloads on code changes)"
	@echo "                (both start the background worker beside the server: bin/with-worker)"
	@echo "make test       run the whole suite (set DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make check      ruff, import layers (lint-imports) and mypy"
	@echo "make bench      CPU per screen against the floor, and a load test, on both databases;"
	@echo "                writes bench/results/<date>-<host>.md (run it alone on the machine)"
	@echo "make soak       the 10-minute soak alone (bench/soak.py: 50 users, reads and API writes);"
	@echo "                SOAK_DATABASE_URL=sqlite:///var/tsunagu.sqlite3 SOAK_SECONDS=60 on the demo"
	@echo "make house-lines  lines of the views and API hand mappers per app, and of the views of"
	@echo "                the screens the issue was filed on, then and now (ADR 0011)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files make a second `make` skip the install unless the lock file changed.
$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@ $(VENV)/.base-installed

$(VENV)/.bench-installed: requirements/bench.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/bench.txt
	touch $@ $(VENV)/.dev-installed $(VENV)/.base-installed

demo-db: $(VENV)/.base-installed
	@mkdir -p var
	TSUNAGU_DEMO=1 $(BIN)/python manage.py migrate --no-input
	TSUNAGU_DEMO=1 $(BIN)/python manage.py seed_demo

# What production runs: gunicorn with gunicorn.conf.py (a worker per core, the app preloaded
# and frozen, connections kept), the same settings module, DEBUG off.
# The background worker (django-tasks' db_worker: report documents, periodic jobs) runs beside
# the server and stops with it (bin/with-worker).
run: demo-db
	TSUNAGU_DEMO=1 PYTHON=$(BIN)/python GUNICORN_BIND=$(HOST):$(PORT) GUNICORN_ACCESS_LOG=- \
		bin/with-worker $(BIN)/gunicorn -c gunicorn.conf.py

dev: demo-db
	TSUNAGU_DEMO=1 PYTHON=$(BIN)/python bin/with-worker \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# ADR 0011's measure: views plus the API's hand mappers, per app, and the shared screen helpers.
house-lines: $(VENV)/.dev-installed
	$(PYTHON) tools/house_lines.py
	TSUNAGU_DEMO=1 $(BIN)/python tools/house_lines.py --filing

typecheck: $(VENV)/.dev-installed
	TSUNAGU_DEMO=1 $(BIN)/mypy .

check: lint typecheck

# Builds (or reuses) the scale datasets, measures each screen in process, serves the city with
# gunicorn (gunicorn.conf.py) and drives it with locust.
bench: $(VENV)/.bench-installed
	timeout 3600 $(BIN)/python bench/run.py

soak: $(VENV)/.bench-installed
	timeout 1800 $(BIN)/python bench/soak.py

clean-db:
	rm -f var/tsunagu.sqlite3*

# Regenerate the English catalogue from the Japanese source strings, then compile it.
messages: $(VENV)/.dev-installed
	TSUNAGU_DEMO=1 $(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var --no-obsolete
	TSUNAGU_DEMO=1 $(BIN)/python manage.py compilemessages --ignore=.venv -v 0
