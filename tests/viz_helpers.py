"""Helpers shared by the tests of microgpt.viz (one test file per topic module)."""

import subprocess
import sys

import matplotlib
import pytest

matplotlib.use("Agg")  # no display in tests; before pyplot is imported anywhere

import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture
def close_figures():
    """Close every figure a test drew (use with pytest.mark.usefixtures or autouse in the module)."""
    yield
    plt.close("all")


def modules_loaded_by(module):
    """The top-level packages a fresh Python has imported once `module` is imported."""
    code = f"import sys, {module}; print(' '.join({{name.split('.')[0] for name in sys.modules}}))"
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(result.stdout.split())
