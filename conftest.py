"""The notebooks' time budget, measured on the nbval run (pytest --nbval runs each notebook once, cell
by cell, in its own fresh kernel): a course requirement, so a teacher can run them all before class."""

from collections import defaultdict

import pytest

NOTEBOOK_BUDGET = 60  # seconds per notebook, kernel start included (they take ~2-10 s)

seconds = defaultdict(float)  # notebook path -> seconds so far
last_cell = {}  # notebook path -> node id of its last cell, where the budget is checked


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            last_cell[item.path] = item.nodeid


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if item.path.suffix == ".ipynb":
        seconds[item.path] += call.duration  # the first cell's setup starts the kernel
        if report.when == "call" and item.nodeid == last_cell[item.path] and report.passed \
                and seconds[item.path] > NOTEBOOK_BUDGET:
            report.outcome = "failed"
            report.longrepr = (f"{item.path.name} took {seconds[item.path]:.0f} s under nbval; a notebook must run "
                               f"in under {NOTEBOOK_BUDGET} s in a fresh kernel")
    return report


def pytest_terminal_summary(terminalreporter):
    if seconds:
        terminalreporter.section("seconds per notebook under nbval")
        for path, total in sorted(seconds.items()):
            terminalreporter.write_line(f"{total:6.1f} s  {path.parent.name}/{path.name}")
