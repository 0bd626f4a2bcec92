"""The shipped checkpoint (microgpt/assets/names_seed42_1000steps.json) is the seed's run on the
embedded names: its config, vocabulary, 1000 losses and Adam state, the seed's 20 samples from it, and
the same checkpoint made again in full by the faster engines, with the command
scripts/train_shipped_checkpoint.py runs.

It was trained by the scalar engine. The fast engine's forward pass is the scalar engine's, float for
float, and its gradients differ in the last bit or so; the numpy engine differs from both by rounding.
Measured after 1000 steps: losses within ~8e-16 relative, weights and Adam moments within ~1e-14.
"""

import string

import pytest

from microgpt import Run, load_names, load_checkpoint, load_shipped, make_model, samples
from microgpt.cli import main

from . import seed_runner

LOSS_TOLERANCE = {"fast": 1e-12, "numpy": 1e-9}  # relative, at every one of the 1000 steps
STATE_TOLERANCE = 1e-12  # absolute, on every weight and Adam moment (weights are below 1 in size)


@pytest.fixture(scope="module")
def shipped():
    return load_shipped()


@pytest.fixture(scope="module")
def reference():
    return seed_runner.recorded_run(seed_runner.EMBEDDED_REFERENCE)


def step_lines(history):
    return [f"step {step + 1:4d} / {len(history):4d} | loss {loss:.4f}" for step, loss in enumerate(history)]


def test_it_is_the_seed_run_on_the_embedded_names(shipped, reference):
    config, run = shipped.config, Run(load_names())
    assert config == run.config
    assert (config.vocab_size, config.n_layer, config.n_embd, config.block_size, config.n_head) == (27, 1, 16, 16, 4)
    assert "".join(shipped.tokenizer.chars) == string.ascii_lowercase == "".join(run.tokenizer.chars)
    assert shipped.meta == {"seed": 42, "data": "embedded names"}
    assert shipped.optimizer.t == 1000
    assert step_lines(shipped.history) == reference[3:1003]
    assert sum(shipped.history[-100:]) / 100 < sum(shipped.history[:100]) / 100 - 0.25  # it learned


def test_the_seed_samples_come_from_it(shipped, reference):
    """The samples draw from the run's generator after the shuffle and the initial weights drew from it."""
    run = Run(load_names())  # the generator as the seed leaves it before training (which draws nothing)
    model = make_model(shipped.config, shipped.weights, "fast")  # the scalar engine's sampling numbers, faster
    names = samples(model, shipped.tokenizer, run.rng, 20, temperature=0.5)
    assert [f"sample {i:2d}: {name}" for i, name in enumerate(names, 1)] == reference[1004:]


def largest_difference(a, b):
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def flat(weights):
    return [w for matrix in weights.values() for row in matrix for w in row]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["fast", "numpy"])
def test_the_engine_retrains_it(engine, shipped, reference, tmp_path, capsys):
    path = tmp_path / "retrained.json"
    # the arguments of scripts/train_shipped_checkpoint.py, saving elsewhere
    assert main(["train", "--seed", "42", "--steps", "1000", "--samples", "20",
                 "--engine", engine, "--save", str(path)]) == 0
    assert seed_runner.output_lines(capsys.readouterr().out) == reference

    retrained = load_checkpoint(path)
    assert retrained.config == shipped.config
    assert retrained.tokenizer.chars == shipped.tokenizer.chars
    assert retrained.meta == shipped.meta
    assert len(retrained.history) == len(shipped.history) == 1000
    for step, (ours, theirs) in enumerate(zip(retrained.history, shipped.history)):
        assert abs(ours - theirs) <= LOSS_TOLERANCE[engine] * theirs, step
    assert list(retrained.weights) == list(shipped.weights)
    assert largest_difference(flat(retrained.weights), flat(shipped.weights)) <= STATE_TOLERANCE
    ours, theirs = retrained.optimizer, shipped.optimizer
    assert ours.t == theirs.t == 1000
    assert largest_difference(ours.m, theirs.m) <= STATE_TOLERANCE
    assert largest_difference(ours.v, theirs.v) <= STATE_TOLERANCE
