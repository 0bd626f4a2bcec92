"""The shipped checkpoint (microgpt/data/names_seed42_1000steps.json, trained by the scalar engine) is
made again in full by the faster engines, with the command scripts/train_shipped_checkpoint.py runs.

The fast engine's forward pass is the scalar engine's, float for float, and its gradients differ in
the last bit or so; the numpy engine differs from both by rounding. Measured after 1000 steps: losses
within ~8e-16 relative, weights and Adam moments within ~1e-14, for both engines.
"""

import pytest
import seed_runner

from microgpt import load_checkpoint, load_shipped
from microgpt.cli import main

LOSS_TOLERANCE = {"fast": 1e-12, "numpy": 1e-9}  # relative, at every one of the 1000 steps
STATE_TOLERANCE = 1e-12  # absolute, on every weight and Adam moment (weights are below 1 in size)


@pytest.fixture(scope="module")
def shipped():
    return load_shipped()


def largest_difference(a, b):
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def flat(weights):
    return [w for matrix in weights.values() for row in matrix for w in row]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["fast", "numpy"])
def test_the_engine_retrains_the_shipped_checkpoint(engine, shipped, tmp_path, capsys):
    path = tmp_path / "retrained.json"
    # the arguments of scripts/train_shipped_checkpoint.py, saving elsewhere
    assert main(["train", "--seed", "42", "--steps", "1000", "--samples", "20",
                 "--engine", engine, "--save", str(path)]) == 0
    printed = seed_runner.output_lines(capsys.readouterr().out)
    assert printed == seed_runner.recorded_run(seed_runner.EMBEDDED_REFERENCE)

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
