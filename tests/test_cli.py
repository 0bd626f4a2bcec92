"""The command line: the seed's output format, train --save then sample --load, and every bad input as
exactly one line on stderr with exit code 2. Run in-process (conftest's run_cli), but for one test that
runs `python -m microgpt` as a user would."""

import gc
import random
import re
import subprocess
import sys

import pytest

import microgpt.cli
from microgpt import GPTConfig, load_checkpoint, make_model, num_parameters, samples, shipped_checkpoint_path

from . import seed_runner
from .conftest import TINY_NAMES

NAMES = "\n\n  ".join(TINY_NAMES[:3]) + " \n" + "\n".join(TINY_NAMES[3:]) + "\n"  # with blank and padded lines

# the seed's lines, in the order it prints them
HEADER = [r"num docs: \d+", r"vocab size: \d+", r"num params: \d+"]
STEP = r"step {step:4d} / {steps:4d} \| loss \d+\.\d{{4}}"
INFERENCE = "--- inference (new, hallucinated names) ---"
SAMPLE = r"sample {i:2d}: [a-z]*"


def expected_patterns(steps, n_samples):
    return (HEADER + [STEP.format(step=s, steps=steps) for s in range(1, steps + 1)] + [re.escape(INFERENCE)]
            + [SAMPLE.format(i=i) for i in range(1, n_samples + 1)])


def assert_lines_match(text, patterns):
    lines = text.splitlines()
    assert len(lines) == len(patterns), text
    for line, pattern in zip(lines, patterns):
        assert re.fullmatch(pattern, line), (line, pattern)


@pytest.fixture
def names_file(tmp_path):
    (tmp_path / "names.txt").write_text(NAMES)
    return "names.txt"  # the CLI runs in tmp_path


def test_train_prints_the_seed_lines_and_save_then_sample_works(run_cli, tmp_path, names_file):
    result = run_cli("train", "--data", names_file, "--steps", "3", "--samples", "4", "--n-embd", "8",
                     "--n-head", "2", "--save", "model.json")
    assert result.returncode == 0 and result.stderr == ""
    assert_lines_match(result.stdout, expected_patterns(3, 4))
    lines = result.stdout.splitlines()
    config = GPTConfig(vocab_size=15, n_embd=8, n_head=2)
    assert lines[:3] == ["num docs: 8", "vocab size: 15", f"num params: {num_parameters(config)}"]

    checkpoint = load_checkpoint(tmp_path / "model.json")
    assert checkpoint.config == config
    assert [f"loss {loss:.4f}" for loss in checkpoint.history] == [line[-11:] for line in lines[3:6]]
    assert checkpoint.meta == {"seed": 42, "data": names_file}

    sampled = run_cli("sample", "--load", "model.json", "--samples", "5", "--seed", "1", "--temperature", "0.8")
    assert sampled.returncode == 0 and sampled.stderr == ""
    model = make_model(checkpoint.config, checkpoint.weights)
    names = samples(model, checkpoint.tokenizer, random.Random(1), 5, temperature=0.8)
    assert sampled.stdout.splitlines() == [INFERENCE] + [f"sample {i:2d}: {n}" for i, n in enumerate(names, 1)]


def test_python_m_microgpt_trains_on_the_embedded_names_by_default(tmp_path):
    result = subprocess.run([sys.executable, "-m", "microgpt", "train", "--steps", "1", "--samples", "1"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert_lines_match(result.stdout, expected_patterns(1, 1))
    # the first loss comes before any update, so it is the seed's first loss on the embedded names
    reference = seed_runner.recorded_run(seed_runner.EMBEDDED_REFERENCE)
    lines = result.stdout.splitlines()
    assert lines[:3] == reference[:3] == ["num docs: 29910", "vocab size: 27", "num params: 4192"]
    assert lines[3] == reference[3].replace("/ 1000", "/    1")


def test_sample_from_the_shipped_checkpoint(run_cli):
    result = run_cli("sample", "--load", shipped_checkpoint_path(), "--samples", "3")
    assert result.returncode == 0, result.stderr
    assert_lines_match(result.stdout, [re.escape(INFERENCE)] + [SAMPLE.format(i=i) for i in (1, 2, 3)])


def test_the_same_seed_gives_the_same_run(run_cli, names_file):
    args = ("train", "--data", names_file, "--steps", "2", "--samples", "3", "--n-embd", "4", "--n-head", "1")
    assert run_cli(*args).stdout == run_cli(*args).stdout
    assert run_cli(*args).stdout != run_cli(*args, "--seed", "7").stdout


BAD_FILES = {
    "empty.txt": b"",
    "blank.txt": b"\n  \n\t\n",
    "latin1.txt": "zoë\n".encode("latin-1"),
    "corrupt.json": b'{"format": "microgpt-checkpoint", "version": 1, "config": {"vocab',
    "notjson.json": b"hello",
}

ERRORS = [
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    ([], "required: command"),
    (["train", "--bogus"], "unrecognized arguments: --bogus"),
    (["train", "--steps", "abc"], "--steps: must be a positive integer, got abc"),
    (["train", "--steps", "-1"], "--steps: must be a positive integer, got -1"),
    (["train", "--steps", "0"], "--steps: must be a positive integer"),
    (["train", "--steps", "1.5"], "--steps"),
    (["train", "--n-layer", "0"], "--n-layer"),
    (["train", "--n-embd", "x"], "--n-embd"),
    (["train", "--block-size", "-4"], "--block-size"),
    (["train", "--n-head", ""], "--n-head"),
    (["train", "--samples", "-1"], "--samples: must be 0 or more"),
    (["train", "--seed", "abc"], "--seed"),
    (["train", "--temperature", "0"], "--temperature: must be a number > 0, got 0"),
    (["train", "--temperature", "-1"], "--temperature: must be a number > 0"),
    (["train", "--temperature", "nan"], "--temperature: must be a number > 0"),
    (["train", "--temperature", "inf"], "--temperature: must be a number > 0"),
    (["train", "--temperature", "abc"], "--temperature: must be a number > 0, got abc"),
    (["train", "--engine", "quantum"], "--engine: invalid choice: 'quantum'"),
    (["train", "--n-embd", "10", "--n-head", "4"], "n_embd (10) must be divisible by n_head (4)"),
    (["train", "--data", "missing.txt"], "data file not found: missing.txt"),
    (["train", "--data", "."], "is a directory"),
    (["train", "--data", "empty.txt"], "has no documents"),
    (["train", "--data", "blank.txt"], "has no documents"),
    (["train", "--data", "latin1.txt"], "not UTF-8"),
    (["train", "--save", "no/such/folder/model.json"], "does not exist"),
    (["train", "--save", "."], "is a directory"),
    (["sample"], "required: --load"),
    (["sample", "--load", "missing.json"], "checkpoint not found: missing.json"),
    (["sample", "--load", "corrupt.json"], "corrupt or truncated"),
    (["sample", "--load", "notjson.json"], "corrupt or truncated"),
    (["sample", "--load", "empty.txt"], "corrupt or truncated"),
    (["sample", "--load", "x.json", "--temperature", "-0.5"], "--temperature"),
    (["sample", "--load", "x.json", "--samples", "many"], "--samples"),
    (["train", "--learning-rate", "0"], "--learning-rate: must be a number > 0, got 0"),
    (["train", "--learning-rate", "inf"], "--learning-rate: must be a number > 0"),
    (["train", "--save-run", "no/such/folder/run.json"], "does not exist"),
    (["train", "--no-rmsnorm", "--n-head", "0"], "--n-head"),
    (["diff", "missing.json"], "required: b"),
    (["diff", "missing.json", "missing.json"], "run file not found: missing.json"),
    (["diff", "corrupt.json", "corrupt.json"], "run file corrupt.json is corrupt or truncated"),
    (["diff", "empty.txt", "empty.txt"], "corrupt or truncated"),
    (["diff", ".", "."], "run file path is a directory"),
    (["diff", "a.json", "b.json", "--tolerance", "-1"], "--tolerance: must be a number >= 0"),
]


@pytest.mark.parametrize("args, message", ERRORS, ids=lambda x: " ".join(x) if isinstance(x, list) else None)
def test_bad_input_is_one_line_on_stderr_and_exit_code_2(run_cli, tmp_path, args, message):
    for name, content in BAD_FILES.items():
        (tmp_path / name).write_bytes(content)
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""  # refused before any work
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("microgpt: error: ")
    assert message in lines[0]


def test_train_save_run_then_diff_reports_what_differs(run_cli, tmp_path, names_file):
    common = ["train", "--data", names_file, "--engine", "numpy", "--steps", "5", "--samples", "3"]
    assert run_cli(*common, "--save-run", "a.json").returncode == 0
    result = run_cli(*common, "--learning-rate", "0.1", "--no-rmsnorm", "--no-attention-scale", "--no-shuffle",
                     "--save", "b_model.json", "--save-run", "b.json")
    assert result.returncode == 0 and result.stderr == ""
    assert_lines_match(result.stdout, expected_patterns(5, 3))  # saving a run prints nothing more
    config = load_checkpoint(tmp_path / "b_model.json").config
    assert (config.use_rmsnorm, config.scale_attention) == (False, False)

    diff = run_cli("diff", "a.json", "b.json")
    assert diff.returncode == 0 and diff.stderr == ""
    lines = diff.stdout.splitlines()
    assert lines[:5] == ["settings that differ:", "  shuffle          True | False", "  learning_rate    0.01 | 0.1",
                         "  scale_attention  True | False", "  use_rmsnorm      True | False"]
    assert lines[5].startswith(f"data: the same ({names_file}, 8 documents, sha256 ")
    assert lines[6].startswith("losses: first differ at step 1: ")
    assert lines[7].startswith("final loss (mean of the last 5 steps): ")
    assert lines[8] == "samples: A | B" and len(lines) == 12

    same = run_cli("diff", "a.json", "a.json").stdout.splitlines()
    assert same[:2] == ["settings that differ:", "  none"]
    assert "losses: the same at every one of the 5 steps (within 1e-09)" in same


def test_diff_refuses_a_checkpoint_and_sample_refuses_a_run(run_cli, names_file):
    run_cli("train", "--data", names_file, "--engine", "numpy", "--steps", "2", "--samples", "0",
            "--save", "model.json", "--save-run", "run.json")
    refused = run_cli("diff", "run.json", "model.json")
    assert refused.returncode == 2
    assert refused.stderr == ("microgpt: error: model.json is not a microgpt run "
                              "(save one with: python -m microgpt train --save-run FILE)\n")
    assert "not a microgpt checkpoint" in run_cli("sample", "--load", "run.json").stderr


@pytest.mark.parametrize("collecting", [True, False])
def test_train_pauses_the_garbage_collector_while_it_trains_and_restores_it(run_cli, names_file, monkeypatch,
                                                                             collecting):
    seen = []
    steps = microgpt.cli.Run.train
    monkeypatch.setattr(microgpt.cli.Run, "train", lambda run, on_step: seen.append(gc.isenabled()) or
                        steps(run, on_step))
    (gc.enable if collecting else gc.disable)()
    try:
        assert run_cli("train", "--data", names_file, "--steps", 2, "--samples", 1).returncode == 0
        assert gc.isenabled() == collecting
        assert run_cli("train", "--data", names_file, "--steps", "x").returncode == 2
        assert gc.isenabled() == collecting
    finally:
        gc.enable()
    assert seen == [False]
