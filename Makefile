# thidua: the two commands for a fresh machine are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000
# The Makefile is the development path: DEBUG on (with a development key) unless the environment says
# otherwise. Production runs `thidua serve` with THIDUA_DEBUG unset (see docs/deploy.md).
export THIDUA_DEBUG ?= 1
# pip itself is pinned like everything else; the lock files pin every package with its hashes (`make lock`).
PIP_VERSION := 26.3
UV_VERSION  := 0.13.10
PIP_INSTALL := $(BIN)/python -m pip install -q --require-hashes --no-deps

.PHONY: run test install install-test lint check demo serve worker bench clean messages lock system-deps system-deps-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q pip==$(PIP_VERSION)

# The app from requirements/app.txt, then the project itself (no dependency resolution: the lock is the truth).
$(VENV)/.installed: requirements/app.txt pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -r requirements/app.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: requirements/test.txt pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -r requirements/test.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $(VENV)/.installed $@

## make system-deps: the Debian packages the app needs (fonts come with the project); make system-deps-test
## adds what the suite needs (Chromium, gettext). Installs with apt-get when it can, else names what to install.
system-deps:
	@sh scripts/system-deps.sh run

system-deps-test:
	@sh scripts/system-deps.sh test

## make lock: refresh requirements/app.txt and requirements/test.txt (exact versions with hashes) from
## pyproject.toml with uv; commit both files.
lock: | $(BIN)/python
	$(BIN)/python -m pip install -q uv==$(UV_VERSION)
	$(BIN)/uv pip compile -q --universal --python-version 3.11 --generate-hashes pyproject.toml requirements/build.in -o requirements/app.txt
	$(BIN)/uv pip compile -q --universal --python-version 3.11 --generate-hashes --extra test pyproject.toml requirements/build.in -o requirements/test.txt

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: install, migrate the embedded SQLite database, load the demo, print the logins, serve.
run: system-deps install
	$(BIN)/thidua migrate --noinput -v0
	$(BIN)/thidua demo
	@echo "thidua: http://$(HOST)/"
	$(BIN)/thidua runserver $(HOST)

## make test: install with the test extras and run the whole suite.
test: system-deps-test install-test
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
