"""Sampling: let the trained model babble, one token at a time, until it says BOS.

`sample_steps` yields every step (the probabilities, the random number drawn, the token it picked),
so a notebook can show them; `sample` and `samples` are built on it.
"""

import numbers
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate

from .config import check_tokenizer


@dataclass(frozen=True)
class SampleStep:
    """One step of sampling: at `position` the model gave the next token the probabilities `probs`,
    and the random number `draw` (uniform in [0, 1)) picked `token`."""

    position: int
    probs: list
    draw: float
    token: int


def pick_token(probs, draw):
    """The token that `draw`, a random number in [0, 1), picks from `probs` (they need not sum to 1).

    Laid end to end, the probabilities cover [0, total); the token whose stretch holds draw * total
    is picked. This is random.choices' own rule, so a generator gives the same tokens either way.
    """
    cumulative = list(accumulate(probs))
    return bisect(cumulative, draw * (cumulative[-1] + 0.0), 0, len(cumulative) - 1)


def check_sampling(model, tokenizer, temperature, prefix):
    """Raise ValueError unless the model, tokenizer, temperature and prefix can sample together."""
    check_tokenizer(model.config, tokenizer)
    if not (isinstance(temperature, numbers.Real) and temperature > 0):
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    tokenizer.encode(prefix)  # raises, naming any character outside the vocabulary
    if len(prefix) >= model.config.block_size:
        raise ValueError(f"a prefix of {len(prefix)} characters leaves no room: the model reads at most "
                         f"{model.config.block_size} tokens, BOS and {model.config.block_size - 1} characters")


def sample_steps(model, tokenizer, rng, temperature=0.5, prefix=""):
    """Generate a document after `prefix` (default: from nothing), yielding a SampleStep per token drawn.

    `rng` is a random.Random; it gives one random number per step. Generation stops after drawing
    BOS, or when the context is full (block_size tokens).
    """
    check_sampling(model, tokenizer, temperature, prefix)
    cache = model.new_cache()
    tokens = [tokenizer.bos] + tokenizer.encode(prefix)
    for pos_id, token_id in enumerate(tokens[:-1]):
        model.logits(token_id, pos_id, cache)  # the prefix is read, not drawn: it only fills the cache
    token_id = tokens[-1]
    for pos_id in range(len(tokens) - 1, model.config.block_size):
        probs = model.next_token_probs(token_id, pos_id, cache, temperature)
        draw = rng.random()
        token_id = pick_token(probs, draw)
        yield SampleStep(pos_id, probs, draw, token_id)
        if token_id == tokenizer.bos:
            return


def sample(model, tokenizer, rng, temperature=0.5, prefix=""):
    """One new document (starting with `prefix`). Temperature in (0, 1] is usual; any > 0 works."""
    steps = sample_steps(model, tokenizer, rng, temperature, prefix)
    return prefix + tokenizer.decode([step.token for step in steps])


def samples(model, tokenizer, rng, n, temperature=0.5):
    """`n` new documents, drawn one after the other from the same `rng`."""
    return [sample(model, tokenizer, rng, temperature) for _ in range(n)]
