# fazhi — two commands do everything: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

.PHONY: install test lint demo bench score clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

# Until the web application lands (issue 3), the demo reads the five sample plans and prints each one's tree.
demo: install
	@for f in samples/plans/*.txt; do $(BIN)/fazhi parse "$$f" --units samples/units/平昌县.toml 2>&1 | head -n 60; echo; done

bench: install
	$(BIN)/python bench/bench_parse.py --seeds samples/plans

score: install
	$(BIN)/python $(SHARED)/tools/score_parse.py --gold $(SHARED)/gold --docs samples/plans --run "$(BIN)/fazhi parse {file} --json"
	$(BIN)/python $(SHARED)/tools/score_parse.py --gold tests/fixtures/plans --docs tests/fixtures/plans --run "$(BIN)/fazhi parse {file} --json"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
