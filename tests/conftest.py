"""Fixtures shared by the package's tests: a tiny model, and the CLI run as a user would run it."""

import random
import subprocess
import sys

import pytest

from microgpt import GPT, GPTConfig, Tokenizer, init_weights

TINY_DOCS = ["anna", "bob", "carla", "dave", "eve", "fabian", "gloria", "hal"]


@pytest.fixture(scope="session")
def tiny_docs():
    return tuple(TINY_DOCS)  # a tuple: shared by every test, so nobody can change it


@pytest.fixture(scope="session")
def tiny_tokenizer():
    return Tokenizer.from_docs(TINY_DOCS)


@pytest.fixture(scope="session")
def tiny_config(tiny_tokenizer):
    """Two layers, two heads, a context shorter than some names: every part of the model is used."""
    return GPTConfig(vocab_size=tiny_tokenizer.vocab_size, n_layer=2, n_embd=8, block_size=5, n_head=2)


@pytest.fixture
def tiny_model(tiny_config):
    return GPT(tiny_config, init_weights(tiny_config, random.Random(0)))


@pytest.fixture
def run_cli(tmp_path):
    """Run `python -m microgpt ARGS` in a subprocess (in a temporary folder) and return the result."""
    def run(*args, timeout=600):
        return subprocess.run([sys.executable, "-m", "microgpt", *map(str, args)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=timeout)
    return run
