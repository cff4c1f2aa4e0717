# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/warehouse.duckdb

.PHONY: install sysdeps demo test bench clean

$(BIN)/govkpi: pyproject.toml
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { echo "$(PYTHON) -m venv cần gói python3-venv: make sysdeps" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	-$(BIN)/python -m pip install -q --upgrade pip  # a newer pip is welcome, not required (offline index)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(BIN)/govkpi

sysdeps:
	PYTHON=$(PYTHON) bash scripts/install-system-deps.sh

# sysdeps first: on a fresh Debian machine the venv itself needs python3-venv.
demo: sysdeps install
	$(BIN)/govkpi demo --db $(DB)

test: sysdeps install
	$(BIN)/python -m pytest -q -ra

bench: sysdeps install
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) data/*.duckdb data/*.duckdb.wal build
