# make lab  : set everything up, then open the notebooks in JupyterLab
# make test : set everything up, then run every test (package, notebooks with nbval, browser)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab test setup system-deps notebooks benchmark clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[notebooks,test]"
	touch $@

setup: system-deps $(STAMP)

system-deps:
	PYTHON=$(PYTHON) bash scripts/install_system_deps.sh

# As root (a container, a CI machine) JupyterLab needs --allow-root.
lab: setup
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

test: setup
	$(BIN)/python -m pytest

# Re-execute every notebook in place in a fresh kernel, then normalise it for committing.
notebooks: setup
	$(BIN)/python scripts/execute_notebooks.py

benchmark: setup
	$(BIN)/python benchmarks/engines.py

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache
