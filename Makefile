# Newsdesk: `make run` serves the demo magazine, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export UV_PYTHON_DOWNLOADS := never

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.synced: pyproject.toml uv.lock scripts/bootstrap
	@scripts/bootstrap
	@touch $@

env: $(VENV)/.synced ## Create or update the Python environment (.venv) from uv.lock

run: env ## Serve the demo magazine at http://127.0.0.1:$(PORT)
	@$(MANAGE) check_port --port $(PORT)
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) load_demo
	@$(MANAGE) serve_site --port $(PORT)

test: env node_modules/.installed ## Run the whole test suite (SQLite, then PostgreSQL)
	@scripts/test

lint: env ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: env ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.installed ## Rebuild the theme's CSS from Sass
	@scripts/build-assets

assets-check: node_modules/.installed ## Fail if the committed CSS differs from a fresh build
	@scripts/build-assets --check

screenshots: env node_modules/.installed ## Write PNGs of the main pages to docs/screenshots/
	@$(PY) -m newsdesk.demo.screenshots docs/screenshots

bench: env ## Benchmarks on PostgreSQL into bench/RESULTS.md (BENCH=sitemaps runs one)
	@$(PY) -m bench $(BENCH)

run-prod: env ## The production stack here: gunicorn, worker, PostgreSQL, Redis, Varnish in front
	@scripts/run-prod

services: ## Start throwaway PostgreSQL, Redis and Varnish on loopback (used by make test)
	@scripts/services start

clean: ## Remove the environment, the demo database and media
	rm -rf $(VENV) .uv var node_modules

.PHONY: help env run run-prod test lint format assets assets-check screenshots bench services clean
