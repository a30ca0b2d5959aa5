# Kuaixiang: `make run` serves the demo on 127.0.0.1:8000; `make test` runs lint and every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres lint bench messages clean

$(STAMP): requirements.txt requirements-dev.txt scripts/ensure-python.sh
	@bash scripts/ensure-python.sh $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

run: $(STAMP)
	@bash scripts/run.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# scripts/test-passes.sh: the suite on SQLite with the browser tests beside it (a process of
# their own), then the suite on PostgreSQL. scripts/with-redis.sh: a private Redis for the live
# chat's scale-out tests and benchmark.
test: $(STAMP) lint
	@bash scripts/browser-deps.sh
	@PY=$(PY) bash scripts/test-passes.sh

test-sqlite: $(STAMP)
	@bash scripts/with-redis.sh $(PY) -m pytest -n 2 --dist loadgroup -m "not browser"

test-postgres: $(STAMP)
	@bash scripts/with-redis.sh bash scripts/with-postgres.sh $(PY) -m pytest -n 2 --dist loadgroup -m "not browser"

bench: $(STAMP)
	@bash scripts/with-redis.sh $(PY) benchmarks/run.py

messages: $(STAMP)
	@bash scripts/messages.sh

clean:
	rm -rf $(VENV) staticfiles var/kuaixiang.sqlite3*
