# Two entry points (see README): `make run` and `make test`. Both build .venv first if needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA ?= synthetic
OUT ?= outputs/$(DATA)

.PHONY: run test install
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# the full pipeline on the built-in market (or DATA=amazon-scientific|amazon-games|homedepot|<folder>)
run: install
	$(BIN)/recsys-nb run --data $(DATA) --out $(OUT)

# every notebook (nbdev-test, the test cells tagged skip-execution included: tests/run_notebooks.py), then pytest: export/clean drift, bad input, the papermill pipeline, real data
test: install
	$(BIN)/python tests/run_notebooks.py --n-workers 2
	$(BIN)/python -m pytest -q tests
