"""The core promise: the package prints what the seed prints, line for line.

Against the seed's recorded run on its names (1000 steps, by every engine), against the seed itself
run with other seeds and sizes (tests/seed_runner.py), and against the seed's run on the embedded
names recorded in tests/reference/ (so machines without ../shared check parity too).
"""

import random

import pytest
import seed_runner

from microgpt import (ENGINES, GPT, Adam, Tokenizer, init_weights, load_names, load_shipped, num_parameters,
                      samples, train)
from microgpt.model import GPTConfig

needs_seed = pytest.mark.skipif(not seed_runner.SHARED_FOUND, reason=seed_runner.SHARED_MISSING)

FLAGS = {"seed": "--seed", "n_layer": "--n-layer", "n_embd": "--n-embd", "block_size": "--block-size",
         "n_head": "--n-head", "steps": "--steps", "temperature": "--temperature", "samples": "--samples"}


def package_lines(run_cli, data_path, engine="scalar", **settings):
    """What `python -m microgpt train --engine ENGINE` prints with the same settings as seed_runner.run_seed."""
    args = ["train", "--data", data_path, "--engine", engine]
    for name, value in settings.items():
        args += [FLAGS[name], value]
    result = run_cli(*args, timeout=3600)
    assert result.returncode == 0, result.stderr
    return seed_runner.output_lines(result.stdout)


@needs_seed
@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_seed42_on_the_seed_names_prints_every_reference_line(run_cli, engine):
    reference = seed_runner.recorded_run(seed_runner.SHARED_REFERENCE)
    assert package_lines(run_cli, seed_runner.SEED_NAMES, engine) == reference


# A messy little dataset: CRLF and CR line ends, blank and indented lines, capitals, digits, a form
# feed inside a name, and fewer documents than training steps (so the steps wrap around).
MESSY = b"Ann-Marie\r\n\r\n  bob \rCarla2\n\n\tdave\x0cjr\neve\n \nZoe\n"

CONFIGS = {
    "seed 7, two layers": dict(seed=7, n_layer=2, steps=8, samples=3),
    "narrow, two heads, hotter": dict(seed=3, n_embd=8, n_head=2, steps=20, samples=5, temperature=0.9),
    "one head": dict(seed=11, n_head=1, steps=10, samples=3, temperature=1.0),
    "short context cuts names": dict(seed=5, block_size=4, steps=20, samples=6),
    "wide, eight heads, cooler": dict(seed=1, n_embd=24, n_head=8, steps=5, samples=3, temperature=0.3),
}


@needs_seed
@pytest.mark.parametrize("name", CONFIGS)
def test_same_lines_as_the_seed_with_other_settings(run_cli, name):
    settings = CONFIGS[name]
    assert package_lines(run_cli, seed_runner.SEED_NAMES, **settings) == \
        seed_runner.run_seed(seed_runner.SEED_NAMES, **settings)


@needs_seed
def test_same_lines_as_the_seed_on_a_messy_dataset(run_cli, tmp_path):
    path = tmp_path / "messy.txt"
    path.write_bytes(MESSY)
    settings = dict(seed=2, n_embd=8, n_head=2, block_size=6, steps=12, samples=4, temperature=1.5)
    lines = package_lines(run_cli, path, **settings)
    assert lines[:2] == ["num docs: 6", "vocab size: 19"]
    assert lines == seed_runner.run_seed(path, **settings)


@needs_seed
def test_same_lines_as_the_seed_on_the_embedded_names(run_cli):
    from microgpt import embedded_names_path
    settings = dict(seed=13, steps=6, samples=4)
    assert package_lines(run_cli, embedded_names_path(), **settings) == \
        seed_runner.run_seed(embedded_names_path(), **settings)


# --- the embedded names against the seed's recorded run (no ../shared needed) ---

EMBEDDED_PREFIX = 30  # steps of the 1000-step schedule retrained here; the fast engines check all 1000


@pytest.fixture(scope="module")
def embedded_reference():
    path = seed_runner.EMBEDDED_REFERENCE
    assert path.exists(), f"{path} is missing: record it with `python tests/seed_runner.py`"
    return seed_runner.recorded_run(path)


def seed_start(seed=42):
    """The run's state before training, made as the seed makes it: the one RNG shuffles the names,
    then draws the weights, then (after training, which draws nothing) the samples."""
    rng = random.Random(seed)
    docs = load_names()
    rng.shuffle(docs)
    tokenizer = Tokenizer.from_docs(docs)
    config = GPTConfig(vocab_size=tokenizer.vocab_size)
    weights = init_weights(config, rng)
    return rng, docs, tokenizer, config, weights


def test_embedded_names_first_steps_of_the_seed_run(embedded_reference):
    _, docs, tokenizer, config, weights = seed_start()
    assert [f"num docs: {len(docs)}", f"vocab size: {tokenizer.vocab_size}",
            f"num params: {num_parameters(config)}"] == embedded_reference[:3]
    model = GPT(config, weights)
    history = train(model, docs, tokenizer, EMBEDDED_PREFIX, Adam(len(model.params), 1000))
    printed = [f"step {step + 1:4d} / 1000 | loss {loss:.4f}" for step, loss in enumerate(history)]
    assert printed == embedded_reference[3:3 + EMBEDDED_PREFIX]


def test_shipped_checkpoint_is_the_seed_run_on_the_embedded_names(embedded_reference):
    """All 1000 losses and the 20 samples, from the checkpoint the package ships."""
    rng, _, tokenizer, config, _ = seed_start()
    checkpoint = load_shipped()
    assert checkpoint.config == config and checkpoint.tokenizer.chars == tokenizer.chars
    printed = [f"step {step + 1:4d} / 1000 | loss {loss:.4f}" for step, loss in enumerate(checkpoint.history)]
    assert printed == embedded_reference[3:1003]
    names = samples(GPT(config, checkpoint.weights), tokenizer, rng, 20, temperature=0.5)
    assert ["--- inference (new, hallucinated names) ---"] + [f"sample {i:2d}: {n}" for i, n in enumerate(names, 1)] \
        == embedded_reference[1003:]
