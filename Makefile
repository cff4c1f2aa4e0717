# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/warehouse.duckdb

.PHONY: install sysdeps demo test bench clean

$(BIN)/govkpi: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(BIN)/govkpi

sysdeps:
	bash scripts/install-system-deps.sh

demo: install sysdeps
	$(BIN)/govkpi demo --db $(DB)

test: install sysdeps
	$(BIN)/python -m pytest -q -ra

bench: install sysdeps
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) data/*.duckdb data/*.duckdb.wal build
