"""Fixtures shared by the package's tests: a tiny dataset and model, and the CLI run in-process."""

import random

import pytest

from microgpt import GPT, GPTConfig, Tokenizer, init_weights
from microgpt.cli import main

# The one tiny dataset of the tests: short names whose letters cover a small vocabulary.
TINY_NAMES = ("anna", "bob", "carla", "dave", "eve", "fabian", "gloria", "hal")


@pytest.fixture(scope="session")
def tiny_docs():
    return TINY_NAMES


@pytest.fixture(scope="session")
def tiny_tokenizer():
    return Tokenizer.from_docs(TINY_NAMES)


@pytest.fixture(scope="session")
def tiny_config(tiny_tokenizer):
    """Two layers, two heads, a context shorter than some names: every part of the model is used."""
    return GPTConfig(vocab_size=tiny_tokenizer.vocab_size, n_layer=2, n_embd=8, block_size=5, n_head=2)


@pytest.fixture
def tiny_model(tiny_config):
    return GPT(tiny_config, init_weights(tiny_config, random.Random(0)))


class CliResult:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def run_cli(tmp_path, monkeypatch, capsys):
    """`python -m microgpt ARGS`, run in this process in a temporary folder: exit code and printed text."""
    monkeypatch.chdir(tmp_path)

    def run(*args):
        capsys.readouterr()  # only what this call prints
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return CliResult(code, out, err)
    return run


# --- long runs in the background ---

BACKGROUND = pytest.StashKey()


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected what will not run
def pytest_collection_modifyitems(items):
    """A test marked `background(start=f)` gets `f(**its parameters)` (a seed_runner.Background, or None when
    the test will be skipped) started now, in another process, and runs last: long runs such as the scalar
    engine's 1000 steps and the seed's own runs then overlap the other tests, on the second core."""
    for item in [item for item in items if item.get_closest_marker("background")]:
        run = item.get_closest_marker("background").kwargs["start"](**item.callspec.params)
        items.remove(item)
        items.append(item)
        if run is not None:
            item.stash[BACKGROUND] = run


@pytest.fixture
def background(request):
    """The run started for this test at collection (see pytest_collection_modifyitems)."""
    return request.node.stash[BACKGROUND]


def pytest_sessionfinish(session):
    for item in getattr(session, "items", []):  # none if collection failed
        if BACKGROUND in item.stash:
            item.stash[BACKGROUND].stop()  # a run whose test never ran (e.g. after -x) must not outlive pytest
