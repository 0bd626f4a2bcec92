"""microgpt.bigram, the counting baseline of notebook 02: counts, smoothed probabilities, loss, sampling."""

import math
import random

import pytest

from microgpt import Tokenizer
from microgpt.bigram import bigram_probs, count_bigrams, mean_nll, sample_bigram

TOKENIZER = Tokenizer(["a", "b"])  # ids: a = 0, b = 1, BOS = 2


def test_counts_every_pair_with_bos_at_both_ends():
    # "ab": BOS a, a b, b BOS; "b": BOS b, b BOS
    assert count_bigrams(["ab", "b"], TOKENIZER) == [[0, 1, 0], [0, 0, 2], [1, 1, 0]]


def test_smoothing_adds_to_every_count_and_rows_sum_to_one():
    counts = [[0, 1, 0], [0, 0, 2], [1, 1, 0]]
    assert bigram_probs(counts, smoothing=0)[1] == [0, 0, 1]
    assert bigram_probs(counts)[1] == [1 / 5, 1 / 5, 3 / 5]  # add-one by default
    assert all(math.isclose(sum(row), 1) for row in bigram_probs(counts, smoothing=0.5))


def test_bad_smoothing_or_an_empty_row_is_refused():
    with pytest.raises(ValueError, match="smoothing must be >= 0"):
        bigram_probs([[1, 1]], smoothing=-1)
    with pytest.raises(ValueError, match="all zero"):
        bigram_probs([[1, 1], [0, 0]], smoothing=0)


def test_loss_is_the_mean_negative_log_likelihood_and_infinite_for_an_unseen_pair():
    probs = bigram_probs(count_bigrams(["ab", "b"], TOKENIZER), smoothing=0)
    # "b": BOS -> b has probability 1/2, b -> BOS has 1
    assert math.isclose(mean_nll(probs, ["b"], TOKENIZER), math.log(2) / 2)
    assert mean_nll(probs, ["ba"], TOKENIZER) == math.inf  # b -> a was never seen
    with pytest.raises(ValueError, match="no documents"):
        mean_nll(probs, [], TOKENIZER)


def test_sampling_follows_the_rows_from_bos_to_bos_and_stops_at_max_len():
    certain = [[0, 1, 0], [0, 0, 1], [1, 0, 0]]  # BOS -> a -> b -> BOS, always
    assert sample_bigram(certain, TOKENIZER, random.Random(0)) == "ab"
    endless = [[1, 0, 0], [0, 1, 0], [1, 0, 0]]  # BOS -> a -> a -> ..., never BOS again
    assert sample_bigram(endless, TOKENIZER, random.Random(0), max_len=5) == "aaaaa"
