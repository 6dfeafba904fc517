# thidua: the two commands for a fresh machine are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000

.PHONY: run test install install-test lint check demo serve worker bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: install, migrate the embedded SQLite database, load the demo, print the logins, serve.
run: install
	$(BIN)/thidua migrate --noinput -v0
	$(BIN)/thidua demo
	@echo "thidua: http://$(HOST)/"
	$(BIN)/thidua runserver $(HOST)

## make test: install with the test extras and run the whole suite.
test: install-test
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/thidua makemigrations --check --dry-run
	$(BIN)/thidua check

demo: install
	$(BIN)/thidua migrate --noinput -v0
	$(BIN)/thidua demo

serve: install
	$(BIN)/thidua runserver $(HOST)

## The background worker for long jobs (django-tasks database backend).
worker: install
	$(BIN)/thidua db_worker

## make messages: extract the Vietnamese msgids into thidua/locale/en (from the root, so config/ is included
## and .venv is not), compile the .mo that is committed, then list what is left to translate.
messages: install
	$(BIN)/thidua makemessages -l en --no-obsolete --ignore=.venv --ignore=bench --ignore=build --ignore=var
	$(BIN)/thidua compilemessages -l en --ignore=.venv --ignore=bench --ignore=build --ignore=var
	$(BIN)/python scripts/i18n_check.py check

## make bench: the awards benchmark at a tenth of the national size (see bench/README.md for full runs
## and for the campaigns benchmark, which needs PostgreSQL).
bench: install-test
	$(BIN)/python -m bench
	$(BIN)/python -m bench awards run --scale 0.1

clean:
	rm -rf $(VENV) var build *.egg-info
