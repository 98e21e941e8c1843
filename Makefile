# VendorHub developer commands. `make run` and `make test` are the two that matter.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

PY_FOR_UV = $(shell scripts/find-python)
UV = $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV_PY = .venv/bin/python
MANAGE = $(VENV_PY) manage.py

.PHONY: run install test test-fast lint format check worker web migrate demo clean bench bench-small bench-install

## Install everything, migrate, load demo data, run web + Celery worker + beat.
run: install migrate demo
	@echo "VendorHub on http://127.0.0.1:8000  (Ctrl-C stops web, worker and beat)"
	@echo "Celery worker + beat log: var/celery.log (reminder e-mails print there too)"
	@trap 'kill 0' EXIT INT TERM; \
	  DEBUG=$${DEBUG:-1} .venv/bin/celery -A vendorhub worker --beat --loglevel=INFO \
	    --concurrency=1 --schedule=var/celerybeat-schedule >var/celery.log 2>&1 & \
	  DEBUG=$${DEBUG:-1} $(MANAGE) runserver 127.0.0.1:8000

.tools/bin/uv:
	@command -v uv >/dev/null 2>&1 || { \
	  py=$$(scripts/find-python) && $$py -m venv .tools && .tools/bin/pip install -q uv; }

## Create .venv from uv.lock (exact versions) with an installed Python 3.12+.
install: .tools/bin/uv
	@mkdir -p var
	$(UV) sync --frozen --python "$(PY_FOR_UV)"

migrate: install
	DEBUG=$${DEBUG:-1} $(MANAGE) migrate --noinput

demo: migrate
	DEBUG=$${DEBUG:-1} $(MANAGE) seed_demo
	@echo "Running the reminder sweeps once (beat repeats them every 15 minutes);"
	@echo "their console e-mails go to var/reminders-first-run.log."
	@DEBUG=$${DEBUG:-1} $(MANAGE) send_reminders >var/reminders-first-run.log 2>&1 \
	  && grep -E '^([a-z_]+|e-mails sent): [0-9]+$$' var/reminders-first-run.log

## The whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set, else SQLite + filesystem broker).
test: install
	@$(VENV_PY) -m playwright --version >/dev/null
	$(VENV_PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing on purpose"; exit 1; fi; exit $$rc

test-fast: install
	$(VENV_PY) -m pytest -m "not browser and not worker and not server and not drill" $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

## The benchmark (docs/performance.md) on the database seed_large loaded; writes bench/results.json.
bench-install: .tools/bin/uv
	@mkdir -p var
	$(UV) sync --frozen --group bench --python "$(PY_FOR_UV)"

bench: bench-install
	DEBUG=$${DEBUG:-1} $(VENV_PY) scripts/benchmark.py $(BENCH_ARGS)

## CI-sized: seed_large at 1 % (replacing any bench data in DATABASE_URL), 5 rounds, 15 s of load.
bench-small: bench-install
	DEBUG=$${DEBUG:-1} $(MANAGE) migrate --noinput -v0
	DEBUG=$${DEBUG:-1} $(MANAGE) seed_large --scale 0.01 --reset -v0
	DEBUG=$${DEBUG:-1} $(VENV_PY) scripts/benchmark.py --small $(BENCH_ARGS)

clean:
	rm -rf .venv .tools var db.sqlite3 staticfiles
