"""Fixtures for the browser tests: one private JupyterLab server and one headless Chromium per session."""
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from .lab_server import LabServer
from .notebook_page import artifact_path, open_and_run, safe_name

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
# Which Chromium: $MICROGPT_CHROMIUM, else chromium, chromium-browser, google-chrome, ... on PATH
# (Playwright's own browser download is not used). One lookup, shared with `make test`'s install step.
_spec = importlib.util.spec_from_file_location(
    "find_chromium", Path(__file__).resolve().parents[2] / "scripts" / "find_chromium.py")
find_chromium = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(find_chromium)
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ACTION_TIMEOUT = 60_000  # ms, for every Playwright wait that does not set its own
expect.set_options(timeout=ACTION_TIMEOUT)


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    # On a fresh machine the first matplotlib import builds a font cache and may say so on stderr, which
    # would fail the first notebook that plots: build it here instead.
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], check=True)
    with LabServer(tmp_path_factory.mktemp("lab-root"), tmp_path_factory.mktemp("lab-state")) as server:
        yield server


@pytest.fixture
def lab_without_dot(tmp_path):
    """A second server, serving a copy of notebooks/, whose PATH holds only links to the venv's Python and
    Jupyter: no Graphviz `dot`, as on a machine where it was never installed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python", "python3", "jupyter", "jupyter-lab"):
        (bin_dir / name).symlink_to(Path(sys.executable).parent / name)
    assert shutil.which("dot", path=str(bin_dir)) is None
    shutil.copytree(NOTEBOOKS, tmp_path / "root", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (tmp_path / "state").mkdir()
    with LabServer(tmp_path / "root", tmp_path / "state", env=dict(os.environ, PATH=str(bin_dir))) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    try:
        chromium = find_chromium.find_chromium()
    except find_chromium.ChromiumNotFound as error:
        pytest.fail(str(error))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test leaves a picture of its page in test-artifacts/browser (before any teardown)."""
    report = yield
    page = item.funcargs.get("page") if report.when == "call" and report.failed else None
    if page is not None:
        try:
            page.screenshot(path=artifact_path("FAILED-" + item.name))
        except PlaywrightError:
            pass  # a crashed page has nothing to show; the failure itself is reported as usual
    return report


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies, no storage) per test."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})  # a laptop, as in the learner walk-through
    context.set_default_timeout(ACTION_TIMEOUT)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def notebooks(lab, request):
    """This test's own copy of notebooks/, as a path relative to the server root; kernels stop after."""
    name = safe_name(request.node.name)
    shutil.copytree(NOTEBOOKS, lab.root_dir / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    yield name
    lab.shutdown_kernels()


@pytest.fixture
def run_notebook(lab, page, notebooks):
    """run_notebook("NN_name.ipynb"): open this test's copy, run all cells, check for errors; a `Notebook`."""
    return lambda name: open_and_run(page, lab, f"{notebooks}/{name}")
