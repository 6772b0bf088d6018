# The developer loop. Each target is a short command you could type yourself;
# scripts/ holds the ones CI runs too. `make help` lists them.
.DEFAULT_GOAL := help
PY := .venv/bin/python
# PostgreSQL for `make test-pg`; any reachable server will do.
DATABASE_URL_PG ?= postgres://postgres@127.0.0.1:5432/finews
# Benchmark size for `make bench` (bench/run_bench.py; needs PostgreSQL, Redis, wrk).
ARTICLES ?= 20000

.PHONY: help venv lint format test test-pg serve bench lock hooks

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

venv:  ## create .venv and install requirements.lock (scripts/bootstrap.sh)
	scripts/bootstrap.sh

lint: venv  ## what CI checks first: ruff, formatting, missing migrations
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: venv  ## fix what can be fixed: ruff --fix, ruff format
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

test:  ## the whole suite on SQLite, in random order (ARGS="-x tests/ops" to narrow)
	scripts/test.sh $(ARGS)

test-pg:  ## the suite on PostgreSQL (DATABASE_URL_PG=...); process tests ran in `make test`
	DATABASE_URL=$(DATABASE_URL_PG) scripts/test.sh -m "not processes" $(ARGS)

serve:  ## the site with demo content at http://127.0.0.1:8000/ (scripts/serve.sh)
	scripts/serve.sh

bench: venv  ## page throughput at ARTICLES articles (bench/run_bench.py; not a test)
	$(PY) bench/run_bench.py --articles $(ARTICLES)

lock: venv  ## re-pin requirements.lock from pyproject.toml's ranges
	.venv/bin/pip-compile --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml

hooks: venv  ## run the pre-commit checks before every commit
	.venv/bin/pre-commit install
