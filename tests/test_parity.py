"""The core promise: the package prints what the seed prints, line for line.

Against the seed's recorded run on its names (1000 steps, by every engine), against the seed itself
run with other seeds and sizes (tests/seed_runner.py), and against the seed's run on the embedded
names recorded in tests/reference/ (so machines without ../shared check parity too; the shipped
checkpoint's 1000 steps are checked against it in test_shipped_checkpoint.py).
"""

import functools

import pytest

from microgpt import ENGINES, Run, embedded_names_path, load_names, num_parameters, train

from . import seed_runner

FLAGS = {"seed": "--seed", "n_layer": "--n-layer", "n_embd": "--n-embd", "block_size": "--block-size",
         "n_head": "--n-head", "steps": "--steps", "temperature": "--temperature", "samples": "--samples"}


def package_lines(run_cli, data_path, engine="scalar", **settings):
    """What `python -m microgpt train --engine ENGINE` prints with the same settings as seed_runner.run_seed."""
    args = ["train", "--data", data_path, "--engine", engine]
    for name, value in settings.items():
        args += [FLAGS[name], value]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    return seed_runner.output_lines(result.stdout)


def reference_run(engine):
    """The command that should print the seed's recorded run (the scalar engine takes ~2 minutes)."""
    if seed_runner.SHARED_FOUND:
        return ["train", "--data", str(seed_runner.SEED_NAMES), "--engine", engine]


@seed_runner.needs_shared
@pytest.mark.slow
@pytest.mark.background(command=reference_run)
@pytest.mark.parametrize("engine", ENGINES)
def test_seed42_on_the_seed_names_prints_every_reference_line(engine, background_cli):
    reference = seed_runner.recorded_run(seed_runner.SHARED_REFERENCE)
    assert seed_runner.output_lines(background_cli.output()) == reference


# A messy little dataset: CRLF and CR line ends, blank and indented lines, capitals, digits, a form
# feed inside a name, and fewer documents than training steps (so the steps wrap around).
MESSY = b"Ann-Marie\r\n\r\n  bob \rCarla2\n\n\tdave\x0cjr\neve\n \nZoe\n"

# (dataset, settings): the seed's own output for each is computed once, then every engine must print it
CASES = {
    "seed 7, two layers": ("seed names", dict(seed=7, n_layer=2, steps=8, samples=3)),
    "narrow, two heads, hotter": ("seed names", dict(seed=3, n_embd=8, n_head=2, steps=20, samples=5, temperature=0.9)),
    "one head": ("seed names", dict(seed=11, n_head=1, steps=10, samples=3, temperature=1.0)),
    "short context cuts names": ("seed names", dict(seed=5, block_size=4, steps=20, samples=6)),
    "wide, eight heads, cooler": ("seed names", dict(seed=1, n_embd=24, n_head=8, steps=5, samples=3, temperature=0.3)),
    "messy dataset": ("messy", dict(seed=2, n_embd=8, n_head=2, block_size=6, steps=12, samples=4, temperature=1.5)),
    "embedded names": ("embedded names", dict(seed=13, steps=6, samples=4)),
}


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    messy = tmp_path_factory.mktemp("data") / "messy.txt"
    messy.write_bytes(MESSY)
    return {"seed names": seed_runner.SEED_NAMES, "messy": messy, "embedded names": embedded_names_path()}


@functools.lru_cache(maxsize=None)
def seed_lines(case, data_path):
    """What the seed itself prints for `case` (run once, whichever engine asks first)."""
    return seed_runner.run_seed(data_path, **CASES[case][1])


@seed_runner.needs_shared
@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES)
def test_same_lines_as_the_seed_with_other_settings_and_data(run_cli, datasets, case, engine):
    data, settings = CASES[case]
    lines = package_lines(run_cli, datasets[data], engine, **settings)
    assert lines == seed_lines(case, datasets[data])
    if case == "messy dataset":
        assert lines[:2] == ["num docs: 6", "vocab size: 19"]


# --- the embedded names against the seed's recorded run (no ../shared needed) ---

EMBEDDED_PREFIX = 10  # steps of the 1000-step schedule the scalar engine takes here


def test_embedded_names_first_steps_of_the_seed_run():
    reference = seed_runner.recorded_run(seed_runner.EMBEDDED_REFERENCE)
    run = Run(load_names(), num_steps=1000)
    assert [f"num docs: {len(run.docs)}", f"vocab size: {run.tokenizer.vocab_size}",
            f"num params: {num_parameters(run.config)}"] == reference[:3]
    history = train(run.model, run.docs, run.tokenizer, EMBEDDED_PREFIX, run.optimizer)
    printed = [f"step {step + 1:4d} / 1000 | loss {loss:.4f}" for step, loss in enumerate(history)]
    assert printed == reference[3:3 + EMBEDDED_PREFIX]
