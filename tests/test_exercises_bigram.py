"""Notebook 02's checkers: the model answers pass, and each typical mistake gets its own hint."""

import math
import random

from .checker_verdicts import accepted, hint
from microgpt import Tokenizer, bigram, load_names
from microgpt.exercises.bigram import (check_bigram_probs, check_highest_loss, check_name_nll, check_tempered_names,
                                       check_with_temperature)

NAMES = load_names()
TOKENIZER = Tokenizer.from_docs(NAMES)
PROBS = bigram.bigram_probs(bigram.count_bigrams(NAMES, TOKENIZER))  # the notebook's add-one `probs`


def bigram_probs(counts, k):
    return [[(c + k) / (sum(row) + k * len(row)) for c in row] for row in counts]


def test_bigram_probs():
    assert accepted(check_bigram_probs, bigram_probs)
    assert "EVERY count" in hint(check_bigram_probs, lambda counts, k: [[c / sum(row) for c in row] for row in counts])
    assert "sums to 1" in hint(check_bigram_probs,
                               lambda counts, k: [[(c + k) / (sum(row) + k) for c in row] for row in counts])
    total = lambda counts: sum(map(sum, counts))  # noqa: E731
    assert "row by row" in hint(check_bigram_probs,
                                lambda counts, k: [[(c + k) / (total(counts) + k * len(row)) for c in row]
                                                   for row in counts])


def test_bigram_probs_that_change_the_counts_in_place_are_refused():
    def in_place(counts, k):
        for row in counts:
            total = sum(row) + k * len(row)
            row[:] = [(c + k) / total for c in row]
        return counts

    def adds_k_in_place(counts, k):
        for row in counts:
            row[:] = [c + k for c in row]
        return [[c / sum(row) for c in row] for row in counts]

    assert "changed the `counts` it was given" in hint(check_bigram_probs, in_place)
    assert "changed the `counts` it was given" in hint(check_bigram_probs, adds_k_in_place)


def name_nll(name, probs, tokenizer, ends=(True, True), swap=False):
    """The model answer; `ends` False leaves out BOS at the start or end, `swap` reads probs[next][current]."""
    tokens = [tokenizer.bos] * ends[0] + tokenizer.encode(name) + [tokenizer.bos] * ends[1]
    pairs = zip(tokens[1:], tokens) if swap else zip(tokens, tokens[1:])
    losses = [-math.log(probs[current][following]) for current, following in pairs]
    return sum(losses) / len(losses)


def mistaken(**how):
    return lambda name, probs, tokenizer: name_nll(name, probs, tokenizer, **how)


def test_name_nll():
    assert accepted(check_name_nll, name_nll)
    assert "that is the sum" in hint(check_name_nll, lambda n, p, t: name_nll(n, p, t) * (len(n) + 1))
    assert "minus" in hint(check_name_nll, lambda n, p, t: -name_nll(n, p, t))
    assert "one for each pair" in hint(check_name_nll, lambda n, p, t: name_nll(n, p, t) + 0.1)
    assert "order of the indexes" in hint(check_name_nll, mistaken(swap=True))


def test_name_nll_without_bos_says_which_predictions_are_missing():
    assert "of the first letter and of the end are missing" in hint(check_name_nll, mistaken(ends=(False, False)))
    assert "prediction of the first letter is missing" in hint(check_name_nll, mistaken(ends=(False, True)))
    assert "prediction of the end is missing" in hint(check_name_nll, mistaken(ends=(True, False)))


def test_highest_loss():
    popular = NAMES[:10]
    losses = {name: name_nll(name, PROBS, TOKENIZER) for name in popular}
    highest = max(popular, key=losses.get)
    assert accepted(check_highest_loss, highest)
    assert not any(highest in hint(check_highest_loss, name) for name in popular if name != highest)
    assert "LOWEST" in hint(check_highest_loss, min(popular, key=losses.get))
    assert "SUM" in hint(check_highest_loss, max(popular, key=lambda name: losses[name] * (len(name) + 1)))
    assert "compute name_nll" in hint(check_highest_loss, sorted(popular, key=losses.get)[-2])
    assert "not one of the ten" in hint(check_highest_loss, "zqxj")
    assert "a string" in hint(check_highest_loss, popular)


def with_temperature(probs, t):
    weights = [p ** (1 / t) for p in probs]
    return [w / sum(weights) for w in weights]


def test_with_temperature():
    assert accepted(check_with_temperature, with_temperature)
    assert "divide" in hint(check_with_temperature, lambda probs, t: [p ** (1 / t) for p in probs])
    assert "wrong way round" in hint(check_with_temperature, lambda probs, t: with_temperature(probs, 1 / t))
    assert "power 1 / t" in hint(check_with_temperature, lambda probs, t: probs[::-1])


def test_with_temperature_through_the_log_meets_log_0_and_is_told_where_it_comes_from():
    def through_log(probs, t):
        weights = [math.exp(math.log(p) / t) for p in probs]
        return [w / sum(weights) for w in weights]

    assert hint(check_with_temperature, through_log) == ("your function raised ValueError: math domain error "
                                                         "(math.log(0) is undefined, and a probability may be 0)")


def sample_names(t, rng=None, temper=with_temperature, probs=PROBS):
    """Ten bigram names at temperature t, from a fresh random.Random(42) unless `rng` is given."""
    rows = [temper(row, t) for row in probs]
    rng = rng or random.Random(42)
    return [bigram.sample_bigram(rows, TOKENIZER, rng) for _ in range(10)]


def test_tempered_names():
    cool, hot = sample_names(0.5), sample_names(2)
    assert accepted(check_tempered_names, cool, hot)
    assert "swapped" in hint(check_tempered_names, hot, cool)
    assert "section 4" in hint(check_tempered_names, sample_names(1), hot)
    assert "section 4" in hint(check_tempered_names, cool, sample_names(2, temper=lambda row, t: row))
    rng = random.Random(42)
    assert "fresh random.Random(42)" in hint(check_tempered_names, sample_names(0.5, rng), sample_names(2, rng))
    assert "for t = 2," in hint(check_tempered_names, cool, sample_names(2, random.Random(7)))
    assert "for t = 0.5," in hint(check_tempered_names, sample_names(0.25), hot)
    assert "draw 10" in hint(check_tempered_names, cool[:9], hot)
    assert "a list of names" in hint(check_tempered_names, cool, "".join(hot))
