# Two set-up commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_INPUT := src/ficlens/examples/lighthouse.html
DEMO_OUT := out/lighthouse.json
DEMO_REPORT := out/lighthouse.report.html

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ficlens needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ficlens info $(DEMO_INPUT)
	$(BIN)/ficlens analyze $(DEMO_INPUT) -o $(DEMO_OUT)
	@echo "The analysis of the example work is in $(DEMO_OUT)"
	$(BIN)/ficlens report $(DEMO_INPUT) -o $(DEMO_REPORT)
	@echo "The HTML report of the example work is $(abspath $(DEMO_REPORT)) (open it in a browser)"

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/ingest_bench.py

clean:
	rm -rf $(VENV) out build *.egg-info src/*.egg-info
