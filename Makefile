# lingong: `make run` serves the platform on SQLite; `make test` runs every check and test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DATABASE_URL_PG ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test quality test-sqlite test-postgres browser-deps setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-run: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

## make run: set up everything (venv, pinned packages, SQLite in var/, reference and demo data) and serve
run: $(VENV)/.installed-run
	$(BIN)/lingong setup
	$(BIN)/lingong serve

## make test: lint, types, migrations check, then the suite on SQLite and, when it answers, PostgreSQL
test: $(VENV)/.installed-dev browser-deps quality test-sqlite test-postgres

quality: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy lingong bench
	$(BIN)/python manage.py makemigrations --check --dry-run
	LINGONG_ENV=production SECRET_KEY=check-deploy-$$RANDOM-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ \
	  LINGONG_FIELD_KEY=$$($(BIN)/python -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())') \
	  LINGONG_INDEX_KEY=$$($(BIN)/python -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())') \
	  ALLOWED_HOSTS=lingong.example.gov.cn $(BIN)/python manage.py check --deploy --fail-level WARNING

test-sqlite: $(VENV)/.installed-dev
	env -u DATABASE_URL $(BIN)/pytest -q

test-postgres: $(VENV)/.installed-dev
	@if DATABASE_URL="$${DATABASE_URL:-$(DATABASE_URL_PG)}" $(BIN)/python scripts/db_answers.py; then \
	  echo "== PostgreSQL: $${DATABASE_URL:-$(DATABASE_URL_PG)}"; \
	  DATABASE_URL="$${DATABASE_URL:-$(DATABASE_URL_PG)}" $(BIN)/pytest -q; \
	else echo "== PostgreSQL does not answer at $${DATABASE_URL:-$(DATABASE_URL_PG)}: suite ran on SQLite only"; fi

# Browser tests drive Debian's Chromium with a CJK font (without it Chinese renders as boxes).
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi -E 'wenquanyi|wqy|noto sans cjk'; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
	      || echo "!! could not install chromium: browser tests will be skipped"; \
	  else echo "!! run as root or install chromium and fonts-wqy-microhei: browser tests will be skipped"; fi; \
	fi

clean:
	rm -rf $(VENV) var
