# Two commands for a new machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist): the suite's tests are independent, each process has its own
# test database. PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= 2

.PHONY: run test test-postgres test-browser lint format bench migrate demo messages clean

# Reinstall only when the pinned list changes.
$(BIN)/.installed: requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $@

# Local development: DEBUG on unless set, links in e-mails and feeds pointing at this server.
run: export DEBUG := $(or $(DEBUG),true)
run: export SITE_URL := $(or $(SITE_URL),http://$(HOST):$(PORT))
run: $(BIN)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@# The background worker (e-mails, webhooks, documents) beside the server; Ctrl-C, or the
	@# server stopping for any reason, stops both.
	@$(BIN)/python manage.py run_worker --queue-name='*' --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite; browser tests run when Debian's chromium is installed (.ci/run installs it).
test: $(BIN)/.installed
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres: $(BIN)/.installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-browser: $(BIN)/.installed
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=lint $(BIN)/python manage.py makemigrations --check --dry-run

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(BIN)/.installed
	$(BIN)/python -m bench

# One catalog per app; the settings need no secret for this, so DEBUG is on.
messages: $(BIN)/.installed
	cd events && DEBUG=true ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete
	cd participants && DEBUG=true ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete
	cd feedback && DEBUG=true ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete
	cd reports && DEBUG=true ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete
	cd integrations && DEBUG=true ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete
	cd audit && DEBUG=true ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete
	cd privacy && DEBUG=true ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete
	cd config && DEBUG=true ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=$(VENV)

clean:
	rm -rf $(VENV) .pytest_cache .test-db.sqlite3* staticfiles __pycache__
