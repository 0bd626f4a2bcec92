"""Notebook 02, counting baseline: smoothing, the loss of a name, and sampling at a temperature."""

import functools
import math
import random

from .. import bigram
from ..data import load_names
from ..tokenizer import Tokenizer
from .verdict import Hint, all_close, call, checker, close, reject


def toy_bigram():
    """A tiny dataset's tokenizer and add-one probabilities, lopsided: probs[a][b] != probs[b][a]."""
    docs = ["ab", "ba", "aab", "b"]
    tokenizer = Tokenizer.from_docs(docs)
    return tokenizer, bigram.bigram_probs(bigram.count_bigrams(docs, tokenizer))


@functools.lru_cache(maxsize=None)
def notebook_bigram():
    """The tokenizer and add-one probabilities of notebook 02, counted over all the names."""
    names = load_names()
    tokenizer = Tokenizer.from_docs(names)
    return tokenizer, bigram.bigram_probs(bigram.count_bigrams(names, tokenizer))


def sums_to_one(row):
    """`row` is a list of numbers that add up to 1."""
    return isinstance(row, list) and all(isinstance(p, (int, float)) for p in row) and close(sum(row), 1.0, 1e-6)


def average_nll(pairs, probs):
    """The mean of -log probs[current][next] over the pairs (NaN for none: it then matches no answer)."""
    return sum(-math.log(probs[a][b]) for a, b in pairs) / len(pairs) if pairs else math.nan


def tempered(probs, t):
    """The reference with_temperature."""
    weights = [p ** (1 / t) for p in probs]
    return [w / sum(weights) for w in weights]


@functools.lru_cache(maxsize=None)
def tempered_names(*temperatures):
    """Ten bigram names per temperature, from the notebook's probs, drawn in turn from one random.Random(42)."""
    tokenizer, probs = notebook_bigram()
    rng, names = random.Random(42), []
    for t in temperatures:
        rows = [tempered(row, t) for row in probs]
        names += [bigram.sample_bigram(rows, tokenizer, rng) for _ in range(10)]
    return names


@checker("With k > 0 no pair is impossible, so no name gets an infinite loss.")
def check_bigram_probs(bigram_probs):
    """Exercise 1: bigram_probs(counts, k) adds k to every count, then divides each row by its new total."""
    for counts, k in [([[0, 2], [1, 1]], 0), ([[0, 2], [1, 1]], 1), ([[3, 0, 1], [0, 0, 4], [2, 2, 0]], 0.5)]:
        given = [list(row) for row in counts]
        result = call(bigram_probs, given, k)
        if given != counts:
            raise Hint("your function changed the `counts` it was given, which would wreck the notebook's "
                       "counts: put the new numbers in new lists and leave `counts` as it was")
        expected = bigram.bigram_probs(counts, k)
        if isinstance(result, list) and len(result) == len(expected) and all(map(all_close, result, expected)):
            continue
        if isinstance(result, list) and all(sums_to_one(row) for row in result):
            raise Hint("each row sums to 1, but the values are off: add k to EVERY count, so a row's total "
                       "grows by k times its length")
        raise Hint("work row by row: add k to each count, then divide by the row's new total, so that every "
                   "row sums to 1")


@checker("The less likely the model finds a name, the higher its loss.")
def check_name_nll(name_nll):
    """Exercise 2: name_nll(name, probs, tokenizer) is the average -log p over the name's predictions."""
    tokenizer, probs = toy_bigram()
    for name in ["bba", "ab", ""]:  # "bba" first: every mistake below gives it a different loss
        result = call(name_nll, name, probs, tokenizer)
        tokens = tokenizer.encode_doc(name)
        pairs = list(zip(tokens, tokens[1:]))
        expected = average_nll(pairs, probs)
        if close(result, expected):
            continue
        reject(result, [
            (-expected, "a negative log-likelihood is never negative: put a minus before the log"),
            (expected * len(pairs), "that is the sum; the loss is the average over the predictions"),
            (average_nll([(b, a) for a, b in pairs], probs),
             "check the order of the indexes: the row is the current token, the column the next one"),
            (average_nll(pairs[1:], probs), "the prediction of the first letter is missing: the model predicts "
                                            "it too, after BOS"),
            (average_nll(pairs[:-1], probs), "the prediction of the end is missing: after the last letter the "
                                             "model predicts BOS"),
            (average_nll(pairs[1:-1], probs), "the predictions of the first letter and of the end are missing: "
                                              "BOS comes before the first letter and after the last"),
        ], otherwise="the loss of a name is the average of -log p over its predictions, one for each pair of "
                     "neighbouring tokens", same=close)


@checker("Popular is not the same as likely: the bigram model scores pairs of letters, not whole names.")
def check_highest_loss(name):
    """Exercise 2, then: which of the ten most popular names has the highest loss under the notebook's probs."""
    tokenizer, probs = notebook_bigram()
    popular = load_names()[:10]
    if not isinstance(name, str):
        raise Hint("set `highest` to one name of `popular`, a string")
    if name not in popular:
        raise Hint(f"{name!r} is not one of the ten names of `popular`")
    losses = {candidate: bigram.mean_nll(probs, [candidate], tokenizer) for candidate in popular}
    if name == min(popular, key=losses.get):
        raise Hint("that is the name with the LOWEST loss, the one the model finds most likely")
    if name == max(popular, key=lambda candidate: losses[candidate] * (len(candidate) + 1)):
        raise Hint("that name has the largest SUM of -log p, as long names do: compare the averages, with name_nll")
    if name != max(popular, key=losses.get):
        raise Hint("compute name_nll(name, probs, tokenizer) for each name of `popular`, and keep the one with "
                   "the highest loss")


@checker("Low temperature sharpens the distribution, high temperature flattens it.")
def check_with_temperature(with_temperature):
    """Exercise 3: with_temperature(probs, t) reweights probabilities to p ** (1 / t), normalised to sum to 1."""
    for probs, t in [([0.5, 0.25, 0.25], 1.0), ([0.5, 0.25, 0.25], 0.5), ([0.7, 0.2, 0.1, 0.0], 2.0),
                     ([0.1, 0.9], 0.25)]:
        result = call(with_temperature, list(probs), t,
                      notes={"ValueError: math domain error": "math.log(0) is undefined, and a probability "
                                                              "may be 0"})
        expected = tempered(probs, t)
        if isinstance(result, list) and all_close(result, expected):
            continue
        if not sums_to_one(result):
            raise Hint("the result must be probabilities again: divide by their sum")
        reject(result, [(tempered(probs, 1 / t), "the power is the wrong way round: a temperature below 1 must "
                                                 "make the likely more likely")],
               otherwise="raise each probability to the power 1 / t, then divide by the sum", same=all_close)


@checker("At t = 0.5 the likeliest pairs win again and again; at t = 2 rare letters such as x and q crowd in.")
def check_tempered_names(cool_names, hot_names):
    """Exercise 3, then: ten bigram names at t = 0.5 and ten at t = 2, each list from a fresh random.Random(42)."""
    for names in (cool_names, hot_names):
        if not (isinstance(names, list) and all(isinstance(name, str) for name in names)):
            raise Hint("make each a list of names, drawn with bigram.sample_bigram(...)")
        if len(names) != 10:
            raise Hint(f"a list has {len(names)} names: draw 10 at each temperature")
    if [cool_names, hot_names] == [tempered_names(2), tempered_names(0.5)]:
        raise Hint("the lists are swapped: cool_names are drawn at t = 0.5, hot_names at t = 2")
    if tempered_names(1) in (cool_names, hot_names):
        raise Hint("these are the names of section 4, drawn at t = 1: sample from the rows after with_temperature")
    if hot_names == tempered_names(0.5, 2)[10:] or cool_names == tempered_names(2, 0.5)[10:]:
        raise Hint("draw each list from a fresh random.Random(42), so that only the temperature differs")
    for names, t in [(cool_names, 0.5), (hot_names, 2)]:
        if names != tempered_names(t):
            raise Hint(f"for t = {t}, apply with_temperature(row, {t}) to every row of probs, then draw 10 names "
                       "from those rows with bigram.sample_bigram and a fresh random.Random(42)")
