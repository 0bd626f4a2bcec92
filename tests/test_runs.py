"""Run records and the run diff (microgpt/runs.py) on real runs, and Run's experiment options on every engine."""

import json

import pytest

from microgpt import (ENGINES, Run, RunFileError, diff_runs, docs_sha256, load_run, record_run, run_experiment,
                      shipped_checkpoint_path)
from microgpt.runs import LAST

from .conftest import TINY_NAMES

DOCS = list(TINY_NAMES)
SAME_LETTERS = ["hal" if doc == "bob" else doc for doc in DOCS]  # other data, the same vocabulary
SMALL = dict(n_embd=8, n_head=2, block_size=8)


def experiment(docs=DOCS, num_steps=6, **settings):
    return run_experiment(docs, num_steps, engine=settings.pop("engine", "numpy"), samples=4, data_name="tiny",
                          **{**SMALL, **settings})


def test_the_same_run_twice_has_no_difference():
    diff = diff_runs(experiment(), experiment())
    assert diff.settings == {} and diff.same_data and diff.first_difference is None
    report = str(diff).splitlines()
    assert report[:2] == ["settings that differ:", "  none"]
    assert "losses: the same at every one of the 6 steps (within 1e-09)" in report


def test_runs_that_differ_only_by_seed_differ_from_the_first_step():
    a, b = experiment(seed=42), experiment(seed=7)
    diff = diff_runs(a, b)
    assert diff.settings == {"seed": (42, 7)} and diff.same_data
    assert diff.first_difference == 1 and diff.loss_at(1) == (a.history[0], b.history[0])
    assert f"losses: first differ at step 1: {a.history[0]:.6f} | {b.history[0]:.6f}" in str(diff)


def test_runs_that_differ_only_by_data_say_so_and_show_both_datasets():
    a, b = experiment(num_steps=8), experiment(SAME_LETTERS, num_steps=8)
    diff = diff_runs(a, b)
    assert diff.settings == {} and not diff.same_data
    assert (a.data["sha256"], b.data["sha256"]) == (docs_sha256(DOCS), docs_sha256(SAME_LETTERS))
    assert diff.first_difference == Run(DOCS, 8).docs.index("bob") + 1  # the step that trains on "hal" instead
    report = str(diff)
    assert "data: different" in report and f"A: tiny, 8 documents, sha256 {docs_sha256(DOCS)[:12]}" in report


def test_a_larger_learning_rate_changes_nothing_before_the_first_update():
    diff = diff_runs(experiment(), experiment(learning_rate=0.1))
    assert diff.settings == {"learning_rate": (0.01, 0.1)}
    assert diff.first_difference == 2  # step 1's loss is computed before any update


def test_engines_agree_within_the_tolerance_and_differ_beyond_a_tiny_one():
    fast, numpy = experiment(engine="fast"), experiment(engine="numpy")
    diff = diff_runs(fast, numpy)
    assert diff.settings == {"engine": ("fast", "numpy")} and diff.first_difference is None
    assert fast.samples == numpy.samples
    assert diff_runs(fast, fast, tolerance=0).first_difference is None


def test_runs_of_different_lengths_are_compared_over_the_shorter():
    short, long = experiment(num_steps=4), experiment(num_steps=6)
    diff = diff_runs(short, long)
    assert diff.settings == {"num_steps": (4, 6)}
    assert "steps: A 4, B 6; losses compared over the first 4" in str(diff)
    assert "final loss (mean of the last 4 | 6 steps)" in str(diff)


def test_final_loss_is_the_mean_of_the_last_steps():
    record = experiment(num_steps=LAST + 20)
    assert record.final_loss == pytest.approx(sum(record.history[-LAST:]) / LAST)


def test_a_saved_run_loads_back_exactly(tmp_path):
    record = experiment()
    record.save(tmp_path / "run.json")
    loaded = load_run(tmp_path / "run.json")
    assert loaded == record  # every loss bit for bit: floats are written with repr
    assert loaded.settings["use_rmsnorm"] is True and loaded.settings["temperature"] == 0.5


NOT_RUNS = {
    "missing": (None, "run file not found"),
    "not json": (b"hello", "corrupt or truncated"),
    "truncated": (b'{"format": "microgpt-run", "version": 1, "sett', "corrupt or truncated"),
    "a list": (b"[1, 2]", "is not a microgpt run"),
    "another version": (b'{"format": "microgpt-run", "version": 99}', "format version 99 is not supported"),
    "no history": (b'{"format": "microgpt-run", "version": 1, "settings": {}, "data": {}}', "has no history"),
    "empty history": (b'{"format": "microgpt-run", "version": 1, "settings": {}, "data": {}, "history": []}',
                      "non-empty list of finite numbers"),
    "NaN in history": (b'{"format": "microgpt-run", "version": 1, "settings": {}, "data": {}, "history": [NaN]}',
                       "non-empty list of finite numbers"),
    "settings not an object": (b'{"format": "microgpt-run", "version": 1, "settings": [], "data": {}, '
                               b'"history": [1.0]}', "settings and data must be JSON objects"),
    "bad samples": (b'{"format": "microgpt-run", "version": 1, "settings": {}, "data": {}, "history": [1.0], '
                    b'"samples": [3]}', "samples must be a list of strings"),
}


@pytest.mark.parametrize("case", NOT_RUNS)
def test_a_file_that_is_not_a_run_is_refused_with_its_reason(tmp_path, case):
    content, message = NOT_RUNS[case]
    path = tmp_path / "run.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RunFileError, match=message) as error:
        load_run(path)
    assert str(path) in str(error.value) and isinstance(error.value, ValueError)


def test_a_checkpoint_or_a_folder_is_not_a_run(tmp_path):
    with pytest.raises(RunFileError, match="is not a microgpt run"):
        load_run(shipped_checkpoint_path())
    with pytest.raises(RunFileError, match="is a directory"):
        load_run(tmp_path)


def test_an_untrained_run_has_no_record_and_a_negative_tolerance_is_refused():
    with pytest.raises(ValueError, match="has not trained yet"):
        record_run(Run(DOCS, 3, engine="numpy"))
    record = experiment()
    with pytest.raises(ValueError, match="tolerance must be a number >= 0"):
        diff_runs(record, record, tolerance=-1)


def test_the_saved_file_is_plain_json_a_reader_can_open(tmp_path):
    experiment().save(tmp_path / "run.json")
    doc = json.loads((tmp_path / "run.json").read_text())
    assert (doc["format"], doc["version"]) == ("microgpt-run", 1)
    assert set(doc) == {"format", "version", "settings", "data", "history", "samples"}


# --- Run's experiment options ---

OPTIONS = {
    "no shuffle": dict(shuffle=False),
    "learning rate x10": dict(learning_rate=0.1),
    "no attention scale": dict(scale_attention=False),
    "no RMSNorm": dict(use_rmsnorm=False),
    "two layers, one head": dict(n_layer=2, n_head=1),
}


@pytest.mark.parametrize("option", OPTIONS)
def test_every_engine_gives_the_same_losses_and_samples_for_each_option(option):
    runs = {engine: Run(DOCS, 5, engine=engine, **{**SMALL, **OPTIONS[option]}) for engine in ENGINES}
    histories = {engine: run.train() for engine, run in runs.items()}
    for engine in ("fast", "numpy"):
        assert all(abs(a - b) <= 1e-12 * a for a, b in zip(histories["scalar"], histories[engine])), engine
    assert runs["fast"].samples(5) == runs["scalar"].samples(5) == runs["numpy"].samples(5)
    assert histories["scalar"] != Run(DOCS, 5, engine="scalar", **SMALL).train()  # the option changed the run


def test_without_shuffling_the_documents_keep_their_order_and_the_weights_are_the_default_runs():
    shuffled, in_order = Run(DOCS, 3, engine="fast"), Run(DOCS, 3, engine="fast", shuffle=False)
    assert in_order.docs == DOCS and shuffled.docs != DOCS and sorted(shuffled.docs) == sorted(DOCS)
    assert in_order.model.weights() == shuffled.model.weights()
    assert in_order.data_sha256 == shuffled.data_sha256 == docs_sha256(DOCS)


@pytest.mark.parametrize("settings, message", [
    (dict(learning_rate=0), "learning_rate must be a number > 0"),
    (dict(learning_rate=float("nan")), "learning_rate must be a number > 0"),
    (dict(learning_rate=True), "learning_rate must be a number > 0"),
    (dict(n_heads=2), "unknown setting n_heads: choose from n_layer, n_embd, block_size, n_head"),
    (dict(use_rmsnorm="no"), "use_rmsnorm must be True or False"),
    (dict(scale_attention=0), "scale_attention must be True or False"),
])
def test_bad_options_are_refused_before_any_work(settings, message):
    with pytest.raises(ValueError, match=message):
        Run(DOCS, 3, **settings)
