"""Checkpoints: a trained model as one JSON file (config, vocabulary, weights, optionally more).

JSON, not pickle: a checkpoint is data anyone can read, and loading one never runs code.
Floats are written with Python's repr, so they load back bit for bit (microgpt/jsonfile.py).
"""

from dataclasses import asdict
from importlib import resources

from .config import GPTConfig, check_weights, num_parameters
from .jsonfile import is_finite, read_json, write_json
from .optim import Adam
from .tokenizer import Tokenizer

FORMAT = "microgpt-checkpoint"
VERSION = 1
SHIPPED = "names_seed42_1000steps.json"  # in microgpt/assets/, made by scripts/train_shipped_checkpoint.py


class CheckpointError(ValueError):
    """A checkpoint file that is missing, corrupt, truncated or does not fit together."""


class Checkpoint:
    """What a checkpoint file holds. `optimizer` and `history` may be None."""

    def __init__(self, config, tokenizer, weights, optimizer=None, history=None, meta=None):
        self.config, self.tokenizer, self.weights = config, tokenizer, weights
        self.optimizer, self.history, self.meta = optimizer, history, meta or {}

    def __repr__(self):
        steps = len(self.history) if self.history is not None else "?"
        return f"Checkpoint({self.config}, trained steps={steps})"


def save_checkpoint(path, config, tokenizer, weights, optimizer=None, history=None, meta=None):
    """Write a checkpoint atomically: to a temporary file first, then renamed over `path`.

    An interrupted save never leaves a half-written file where a good one was.
    """
    check_weights(config, weights)
    if tokenizer.vocab_size != config.vocab_size:
        raise ValueError("the tokenizer's vocabulary does not match the config's vocab_size")
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "config": asdict(config),
        "vocab": tokenizer.chars,
        "weights": weights,
        "optimizer": optimizer.state() if optimizer is not None else None,
        "history": list(history) if history is not None else None,
        "meta": meta or {},
    }
    write_json(path, doc, "checkpoint")


def load_checkpoint(path):
    """Read and validate a checkpoint; any problem raises CheckpointError saying what is wrong."""
    doc = read_json(path, "checkpoint", CheckpointError)
    try:
        return _from_document(doc)
    except CheckpointError as e:
        raise CheckpointError(f"checkpoint {path}: {e}") from None


def _from_document(doc):
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise CheckpointError("not a microgpt checkpoint")
    if doc.get("version") != VERSION:
        raise CheckpointError(f"format version {doc.get('version')!r} is not supported (expected {VERSION})")
    missing = {"config", "vocab", "weights"} - set(doc)
    if missing:
        raise CheckpointError(f"missing {sorted(missing)}")
    try:
        config = GPTConfig(**doc["config"])
        tokenizer = Tokenizer(doc["vocab"])
    except (TypeError, ValueError) as e:
        raise CheckpointError(f"bad config or vocabulary: {e}") from None
    if tokenizer.vocab_size != config.vocab_size:
        raise CheckpointError(f"vocabulary has {tokenizer.vocab_size} tokens, config says {config.vocab_size}")
    weights = doc["weights"]
    try:
        check_weights(config, weights)
    except (TypeError, ValueError) as e:
        raise CheckpointError(f"weights do not fit the config: {e}") from None
    if not all(is_finite(w) for matrix in weights.values() for row in matrix for w in row):
        raise CheckpointError("weights must all be finite numbers")
    optimizer = None
    if doc.get("optimizer") is not None:
        try:
            optimizer = Adam.from_state(doc["optimizer"])
        except (KeyError, TypeError, ValueError) as e:
            raise CheckpointError(f"bad optimizer state: {e}") from None
        n_params = num_parameters(config)  # the weights were checked against the config above
        if len(optimizer.m) != n_params:
            raise CheckpointError(f"optimizer state is for {len(optimizer.m)} parameters, the model has {n_params}")
        if not all(map(is_finite, optimizer.m + optimizer.v)):
            raise CheckpointError("optimizer moments must all be finite numbers")
    history = doc.get("history")
    if history is not None and not (isinstance(history, list) and all(is_finite(x) for x in history)):
        raise CheckpointError("history must be a list of finite numbers")
    return Checkpoint(config, tokenizer, weights, optimizer, history, doc.get("meta"))


def shipped_checkpoint_path():
    """The model trained by the package: default config, embedded names, seed 42, 1000 steps."""
    return str(resources.files("microgpt") / "assets" / SHIPPED)


def load_shipped():
    return load_checkpoint(shipped_checkpoint_path())
