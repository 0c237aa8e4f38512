# fazhi — two commands do everything: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

PG_URL ?= postgres://postgres@127.0.0.1:5432/test

# Browser assets: installed from the npm registry (package-lock.json pins them) and served as static files, never from a CDN.
ECHARTS := src/fazhi_web/static/vendor/echarts.min.js

.PHONY: install test test-postgres browser office lint demo bench bench-load score clean

install: $(VENV)/.installed $(ECHARTS)

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(ECHARTS): node_modules/.installed
	mkdir -p $(@D)
	cp node_modules/echarts/dist/echarts.min.js $@

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# Every test on SQLite (core, web, browser), then the web tests again on PostgreSQL.
test: lint browser office
	$(BIN)/pytest -q
	$(MAKE) --no-print-directory test-postgres

# With CI set, an unreachable PostgreSQL fails the run; on a workstation without one it is reported and skipped.
test-postgres: install
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "web tests on PostgreSQL ($(PG_URL))"; \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest -q tests/web; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL at $(PG_URL) is unreachable and CI is set: failing" >&2; exit 1; \
	else \
		echo "PostgreSQL at $(PG_URL) is unreachable: web tests ran on SQLite only"; \
	fi

# Browser tests drive Debian's chromium package (Playwright never downloads a browser).
browser:
	@{ command -v chromium && fc-list :lang=zh | grep -q . ; } >/dev/null 2>&1 || { \
		echo "installing Debian's chromium and a Chinese font (for readable screenshots) for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# Printed forms (督办单, 考核评分表, annual report) are made PDF by LibreOffice; the free CJK fonts stand in for
# 仿宋_GB2312/黑体/楷体 when it renders (fazhi.export.gongwen.FONTS). Installed from Debian's packages when missing.
office:
	@{ command -v soffice && fc-list | grep -q "AR PL UKai" && fc-list :lang=zh | grep -q "Serif CJK" ; } >/dev/null 2>&1 || { \
		echo "installing LibreOffice (writer, no GUI) and Chinese fonts for PDF output"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
			libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai >/dev/null; }

# A fresh SQLite database in ./var (FAZHI_DATA_DIR) with the sample plans and demo accounts, at http://127.0.0.1:8000
demo: install
	@$(MAKE) --no-print-directory office || echo "LibreOffice could not be installed: PDF downloads will say so; Word downloads work"
	$(BIN)/fazhi demo --port 8000

bench: install
	$(BIN)/python bench/bench_parse.py --seeds samples/plans
	$(BIN)/python bench/bench_align.py --seeds samples/plans
	$(BIN)/python bench/bench_align_corpus.py --sizes 10,100,1000
	$(BIN)/python bench/bench_jobs.py --tasks 300 --units 100 --redis redis://127.0.0.1:6379/13

# The load test (bench/load/run.py): a generated county and a generated province on PostgreSQL (made once, in
# fazhi_load_county / fazhi_load_province on $(LOAD_PG)), served by gunicorn and driven by Locust over loopback.
LOAD_PG ?= postgres://postgres@127.0.0.1:5432
LOAD_USERS ?= 10,50,200
bench-load: install
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,load]'
	$(BIN)/python bench/load/run.py --scale county --server $(LOAD_PG) --users $(LOAD_USERS)
	$(BIN)/python bench/load/run.py --scale province --server $(LOAD_PG) --users $(LOAD_USERS)

score: install
	$(BIN)/python bench/score_align.py
	$(BIN)/python $(SHARED)/tools/score_parse.py --gold $(SHARED)/gold --docs samples/plans --run "$(BIN)/fazhi parse {file} --json"
	$(BIN)/python $(SHARED)/tools/score_parse.py --gold tests/fixtures/plans --docs tests/fixtures/plans --run "$(BIN)/fazhi parse {file} --json"

clean:
	rm -rf $(VENV) node_modules $(dir $(ECHARTS)) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache test-artifacts
