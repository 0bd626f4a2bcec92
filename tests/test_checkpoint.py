"""Checkpoints: exact round trips, atomic writes, and a clear CheckpointError for every kind of bad
file. (Resuming training from a checkpoint, in every engine, is in test_engines.py.)"""

import json
import os
import random

import pytest

from microgpt import GPT, Adam, CheckpointError, init_weights, load_checkpoint, save_checkpoint, train


@pytest.fixture(scope="module")
def trained(tiny_config, tiny_docs, tiny_tokenizer):
    """A tiny model after 2 of 5 scheduled steps, with its optimizer and loss history."""
    model = GPT(tiny_config, init_weights(tiny_config, random.Random(0)))
    optimizer = Adam(len(model.params), 5)
    history = train(model, tiny_docs, tiny_tokenizer, 2, optimizer)
    return model, optimizer, history


@pytest.fixture
def good_file(tmp_path, trained, tiny_config, tiny_tokenizer):
    model, optimizer, history = trained
    path = tmp_path / "model.json"
    save_checkpoint(path, tiny_config, tiny_tokenizer, model.weights(), optimizer, history, {"seed": 0})
    return path


def test_round_trip_is_exact(good_file, trained, tiny_config, tiny_tokenizer):
    model, optimizer, history = trained
    checkpoint = load_checkpoint(good_file)
    assert checkpoint.config == tiny_config
    assert checkpoint.tokenizer.chars == tiny_tokenizer.chars
    assert checkpoint.weights == model.weights()  # floats bit for bit
    assert checkpoint.optimizer.state() == optimizer.state()
    assert checkpoint.history == history
    assert checkpoint.meta == {"seed": 0}
    assert "trained steps=2" in repr(checkpoint)


def test_optimizer_and_history_are_optional(tmp_path, tiny_model, tiny_config, tiny_tokenizer):
    path = tmp_path / "weights_only.json"
    save_checkpoint(path, tiny_config, tiny_tokenizer, tiny_model.weights())
    checkpoint = load_checkpoint(path)
    assert checkpoint.optimizer is None and checkpoint.history is None and checkpoint.meta == {}
    assert checkpoint.weights == tiny_model.weights()


def test_a_failed_save_leaves_the_old_file_intact(good_file, monkeypatch, tiny_config, tiny_tokenizer):
    before = good_file.read_bytes()
    other = init_weights(tiny_config, random.Random(99))

    def broken(*args):
        raise OSError("disk full")
    for name in ("replace", "fsync"):  # failing when renaming into place, and while writing
        with monkeypatch.context() as m:
            m.setattr(os, name, broken)
            with pytest.raises(OSError, match="disk full"):
                save_checkpoint(good_file, tiny_config, tiny_tokenizer, other)
        assert good_file.read_bytes() == before
        assert os.listdir(good_file.parent) == [good_file.name]  # no temporary file left behind


def test_non_finite_weights_are_not_saved(good_file, tiny_config, tiny_tokenizer, tiny_model):
    before = good_file.read_bytes()
    weights = tiny_model.weights()
    weights["wte"][0][0] = float("nan")
    with pytest.raises(ValueError):
        save_checkpoint(good_file, tiny_config, tiny_tokenizer, weights)
    assert good_file.read_bytes() == before
    assert os.listdir(good_file.parent) == [good_file.name]


def test_saving_refuses_weights_or_vocabulary_that_do_not_fit(tmp_path, tiny_model, tiny_config, tiny_tokenizer):
    weights = tiny_model.weights()
    del weights["wpe"]
    with pytest.raises(ValueError, match="missing \\['wpe'\\]"):
        save_checkpoint(tmp_path / "x.json", tiny_config, tiny_tokenizer, weights)
    with pytest.raises(ValueError, match="vocabulary"):
        save_checkpoint(tmp_path / "x.json", tiny_config, type(tiny_tokenizer)("ab"), tiny_model.weights())
    assert list(tmp_path.iterdir()) == []


def edit(path, change):
    """Rewrite the checkpoint at `path` after `change(doc)` edits its JSON document."""
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))  # json writes NaN when asked to, as a broken tool might


def drop_a_row(doc):
    doc["weights"]["wpe"].pop()


def set_weight(value):
    def change(doc):
        doc["weights"]["layer1.mlp_fc2"][2][3] = value
    return change


BAD_DOCUMENTS = {
    "wrong format": (lambda d: d.update(format="something-else"), "not a microgpt checkpoint"),
    "wrong version": (lambda d: d.update(version=2), "version 2 is not supported"),
    "missing weights": (lambda d: d.pop("weights"), "missing \\['weights'\\]"),
    "missing config and vocab": (lambda d: (d.pop("config"), d.pop("vocab")), "missing \\['config', 'vocab'\\]"),
    "shape mismatch": (drop_a_row, "'wpe' should be 5x8"),
    "unknown matrix": (lambda d: d["weights"].update(extra=[[1.0]]), "unexpected \\['extra'\\]"),
    "weights not a mapping": (lambda d: d.update(weights=[[1.0]]), "weights do not fit"),
    "vocab does not match config": (lambda d: d["vocab"].pop(), "vocabulary has 14 tokens, config says 15"),
    "vocab unsorted": (lambda d: d["vocab"].reverse(), "sorted and unique"),
    "config invalid": (lambda d: d["config"].update(n_head=3), "divisible by n_head"),
    "config unknown field": (lambda d: d["config"].update(dropout=0.1), "bad config"),
    "NaN weight": (set_weight(float("nan")), "finite"),
    "infinite weight": (set_weight(float("inf")), "finite"),
    "text weight": (set_weight("0.1"), "finite"),
    "optimizer for another model": (lambda d: (d["optimizer"]["m"].pop(), d["optimizer"]["v"].pop()),
                                    "optimizer state is for 1815 parameters, the model has 1816"),
    "optimizer moments of two lengths": (lambda d: d["optimizer"]["m"].pop(), "bad optimizer state"),
    "optimizer missing its moments": (lambda d: d["optimizer"].pop("v"), "bad optimizer state"),
    "optimizer past its schedule": (lambda d: d["optimizer"].update(t=6), "bad optimizer state"),
    "optimizer with NaN moments": (lambda d: d["optimizer"]["v"].__setitem__(0, float("nan")), "finite"),
    "history with NaN": (lambda d: d["history"].append(float("nan")), "history"),
    "history not a list": (lambda d: d.update(history="2.5"), "history"),
}


@pytest.mark.parametrize("case", BAD_DOCUMENTS)
def test_inconsistent_checkpoints_raise_checkpoint_error(good_file, case):
    change, message = BAD_DOCUMENTS[case]
    edit(good_file, change)
    with pytest.raises(CheckpointError, match=message) as err:
        load_checkpoint(good_file)
    assert str(good_file) in str(err.value)


@pytest.mark.parametrize("damage", ["truncated", "empty", "not json", "binary", "a list"])
def test_unreadable_checkpoints_raise_checkpoint_error(good_file, damage):
    text = good_file.read_bytes()
    good_file.write_bytes({"truncated": text[: len(text) // 2], "empty": b"", "not json": b"hello, world",
                           "binary": b"\xff\xfe\x00garbage", "a list": b"[1, 2, 3]"}[damage])
    with pytest.raises(CheckpointError, match="corrupt or truncated|not a microgpt checkpoint") as err:
        load_checkpoint(good_file)
    assert str(good_file) in str(err.value)


def test_missing_checkpoint_or_a_directory_raise_checkpoint_error(tmp_path):
    with pytest.raises(CheckpointError, match="checkpoint not found"):
        load_checkpoint(tmp_path / "nope.json")
    with pytest.raises(CheckpointError, match="checkpoint path is a directory"):
        load_checkpoint(tmp_path)
