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
    """The run that should print the seed's recorded run, started at collection (the scalar engine takes minutes)."""
    if seed_runner.SHARED_FOUND:
        return seed_runner.start_cli(["train", "--data", str(seed_runner.SEED_NAMES), "--engine", engine])


@seed_runner.needs_shared
@pytest.mark.slow
@pytest.mark.background(start=reference_run)
@pytest.mark.parametrize("engine", ENGINES)
def test_seed42_on_the_seed_names_prints_every_reference_line(engine, background):
    reference = seed_runner.recorded_run(seed_runner.SHARED_REFERENCE)
    assert seed_runner.output_lines(background.output()) == reference


# A messy little dataset: CRLF and CR line ends, blank and indented lines, capitals, digits, a form
# feed inside a name, and fewer documents than training steps (so the steps wrap around).
MESSY = b"Ann-Marie\r\n\r\n  bob \rCarla2\n\n\tdave\x0cjr\neve\n \nZoe\n"
DATASETS = {"seed names": lambda: seed_runner.SEED_NAMES, "messy": lambda: MESSY, "embedded names": embedded_names_path}

# (dataset, settings): the seed's own output for each, every engine must print it too
CASES = {
    "seed 7, two layers": ("seed names", dict(seed=7, n_layer=2, steps=8, samples=3)),
    "narrow, two heads, hotter": ("seed names", dict(seed=3, n_embd=8, n_head=2, steps=20, samples=5, temperature=0.9)),
    "one head": ("seed names", dict(seed=11, n_head=1, steps=10, samples=3, temperature=1.0)),
    "short context cuts names": ("seed names", dict(seed=5, block_size=4, steps=20, samples=6)),
    "wide, eight heads, cooler": ("seed names", dict(seed=1, n_embd=24, n_head=8, steps=5, samples=3, temperature=0.3)),
    "messy dataset": ("messy", dict(seed=2, n_embd=8, n_head=2, block_size=6, steps=12, samples=4, temperature=1.5)),
    "embedded names": ("embedded names", dict(seed=13, steps=6, samples=4)),
}


@functools.lru_cache(maxsize=None)
def seed_run(case):
    """The seed itself on `case`, started once at collection for every engine's test of it."""
    if seed_runner.SHARED_FOUND:
        data, settings = CASES[case]
        return seed_runner.start_seed(DATASETS[data](), **settings)


@seed_runner.needs_shared
@pytest.mark.slow
@pytest.mark.background(start=lambda case, engine: seed_run(case))
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES)
def test_same_lines_as_the_seed_with_other_settings_and_data(run_cli, tmp_path, case, engine, background):
    data, settings = CASES[case]
    path = DATASETS[data]()
    if isinstance(path, bytes):
        (tmp_path / "data.txt").write_bytes(path)
        path = tmp_path / "data.txt"
    lines = package_lines(run_cli, path, engine, **settings)
    assert lines == seed_runner.output_lines(background.output())
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
