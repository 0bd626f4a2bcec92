"""Notebook 09's checkers: the right answers pass, and each typical mistake gets its own hint."""

import random

import pytest

from microgpt import Run, load_names

from .checker_verdicts import accepted, hint
from microgpt.exercises.sampling import (AFTER_Q, check_greedy, check_hand_draw, check_memorised, greedy_name,
                                         memory_counts)


def test_hand_draw():
    assert accepted(check_hand_draw, "o")
    assert accepted(check_hand_draw, " o ")
    assert "greedy's choice" in hint(check_hand_draw, "u")  # the likeliest, or the stretches sorted by weight
    assert "not 1: stretch the draw" in hint(check_hand_draw, "a")  # the draw compared with the counts
    for neighbour in ("m", "r"):  # the stretches just before and after the right one: the same hint, no direction
        said = hint(check_hand_draw, neighbour)
        assert said.startswith("off by one stretch: check where each stretch starts and ends")
        assert "'o'" not in said and "before the right" not in said and "after the right" not in said
    assert "until the running sum passes draw × total" in hint(check_hand_draw, "BOS")
    for wrong in ("O", " U ", "bos", "Bos"):
        assert "the letters in lower case and 'BOS' in upper case" in hint(check_hand_draw, wrong)
    for wrong in ("z", 14, ["o"], "oo"):
        assert "one of the tokens of after_q" in hint(check_hand_draw, wrong)
    assert list(AFTER_Q)[-1] == "BOS" and sum(AFTER_Q.values()) == 238


def reference(model, tokenizer, prefix):
    """Greedy written the other natural way: every token read in the first loop, its last logits kept."""
    cache = model.new_cache()
    tokens = [tokenizer.bos] + tokenizer.encode(prefix)
    for pos_id, token_id in enumerate(tokens):
        logits = model.logits(token_id, pos_id, cache)
    name = prefix
    while True:
        token_id = max(range(len(logits)), key=logits.__getitem__)
        if token_id == tokenizer.bos:
            return name
        name += tokenizer.chars[token_id]
        if len(cache) == model.config.block_size:
            return name
        logits = model.logits(token_id, len(cache), cache)


def test_greedy():
    assert accepted(check_greedy, greedy_name)
    assert accepted(check_greedy, reference)


def test_greedy_mistakes():
    assert "return the whole name, the prefix included" in hint(
        check_greedy, lambda m, t, p: greedy_name(m, t, p, keep_prefix=False))
    assert "must read the prefix before it chooses" in hint(
        check_greedy, lambda m, t, p: greedy_name(m, t, p, read_prefix=False))
    assert "stopped one position early: with block_size 16" in hint(
        check_greedy, lambda m, t, p: greedy_name(m, t, p, last=m.config.block_size - 1))
    assert "least likely" in hint(check_greedy, lambda m, t, p: greedy_name(m, t, p, choose=min))
    assert "a string, not a list" in hint(check_greedy, lambda m, t, p: list(greedy_name(m, t, p)))
    assert "at every step take the token with the largest logit" in hint(check_greedy, lambda m, t, p: p + "a")


def test_greedy_that_forgets_bos():
    def without_bos(model, tokenizer, prefix):  # the prefix read from position 0, with nothing before it
        cache, tokens = model.new_cache(), tokenizer.encode(prefix)
        for pos_id, token_id in enumerate(tokens[:-1]):
            model.logits(token_id, pos_id, cache)
        token_id, name = tokens[-1], prefix  # an IndexError on the empty prefix, which comes after "em"
        for pos_id in range(len(tokens) - 1, model.config.block_size):
            logits = model.logits(token_id, pos_id, cache)
            token_id = max(range(len(logits)), key=logits.__getitem__)
            if token_id == tokenizer.bos:
                break
            name += tokenizer.chars[token_id]
        return name

    assert "must read BOS first, at position 0" in hint(check_greedy, without_bos)


def test_greedy_that_forgets_bos_crashes_on_the_empty_prefix_with_its_own_note():
    def without_bos(model, tokenizer, prefix):
        cache = model.new_cache()
        for pos_id, token_id in enumerate(tokenizer.encode(prefix)):
            logits = model.logits(token_id, pos_id, cache)
        return prefix + tokenizer.decode([max(range(len(logits)), key=logits.__getitem__)])

    said = hint(check_greedy, lambda m, t, p: without_bos(m, t, p) if not p else greedy_name(m, t, p))
    assert said.startswith("your function raised UnboundLocalError") and "The model reads BOS first" in said


def test_greedy_that_goes_on_after_bos():
    assert "your name goes on after BOS" in hint(check_greedy, lambda m, t, p: greedy_name(m, t, p, stop_at_bos=False))


def test_greedy_that_draws_random_numbers():
    def sampled(model, tokenizer, prefix):
        rng = random.Random()
        return greedy_name(model, tokenizer, prefix, choose=lambda ids, key: rng.choices(list(ids))[0])

    assert "another name each time: greedy draws no random numbers" in hint(check_greedy, sampled)


def test_greedy_errors_say_where_they_come_from():
    def past_the_context(model, tokenizer, prefix):
        return greedy_name(model, tokenizer, prefix, last=model.config.block_size + 1)

    def bos_as_a_letter(model, tokenizer, prefix):
        cache, token_id, name = model.new_cache(), tokenizer.bos, ""
        for pos_id in range(model.config.block_size):
            logits = model.logits(token_id, pos_id, cache)
            token_id = max(range(len(logits)), key=logits.__getitem__)
            name += tokenizer.chars[token_id]
            if token_id == tokenizer.bos:
                return name
        return name

    def values_expected(model, tokenizer, prefix):
        return [logit.data for logit in model.forward(tokenizer.bos, 0, model.new_cache())]

    said = hint(check_greedy, past_the_context)
    assert said.startswith("your function raised ValueError: position 16") and "stop when the context is full" in said
    said = hint(check_greedy, lambda m, t, p: past_the_context(m, t, p) if m.config.block_size == 6 else
                greedy_name(m, t, p))
    assert said.startswith("your function raised ValueError: position 6") and "stop when the context is full" in said
    assert "stop when BOS is chosen, before it becomes a letter" in hint(check_greedy, bos_as_a_letter)
    assert "model.logits(...) gives floats in every engine" in hint(check_greedy, values_expected)


def test_greedy_that_reuses_one_cache_is_told_so():
    shared = {}

    def one_cache(model, tokenizer, prefix):  # a cache made once, outside the function, for every call
        cache = shared.setdefault("cache", model.new_cache())
        tokens = [tokenizer.bos] + tokenizer.encode(prefix)
        for pos_id, token_id in enumerate(tokens):
            logits = model.logits(token_id, pos_id, cache)
        return prefix + tokenizer.decode([max(range(len(logits)), key=logits.__getitem__)])

    said = hint(check_greedy, one_cache)
    assert said.startswith("your function raised ValueError: position 0 does not follow the cache")
    assert "start a new one, model.new_cache(), for every name" in said and "context is full" not in said


@pytest.fixture(scope="module")
def run_docs():
    return Run(load_names()).docs


def test_memorised(run_docs):
    in_data, trained, popular = memory_counts()
    assert trained == set(run_docs[:1000]) and popular == set(load_names()[:1000])
    in_trained = [name for name in in_data if name in trained]
    assert (len(in_data), len(set(in_data)), len(in_trained), len(set(in_trained))) == (442, 135, 8, 7)  # notebook's
    assert sum(name in popular for name in in_data) == 42
    right = set(run_docs[:1000])
    assert accepted(check_memorised, right, 8, "b")
    assert accepted(check_memorised, list(run_docs[:1000]), 8, "(B)")
    assert "counts each different name once" in hint(check_memorised, right, 7, "b")
    assert "how many are in the data" in hint(check_memorised, right, 442, "b")
    assert "among the 1,000 most popular" in hint(check_memorised, right, 42, "b")
    for guess in (0, 3, 9):
        assert "count the names of in_data that are in trained_on" in hint(check_memorised, right, guess, "b")
    assert "a whole number" in hint(check_memorised, right, 8.0, "b")
    assert "a whole number" in hint(check_memorised, right, False, "b")
    assert "a whole number" in hint(check_memorised, right, ...)
    assert "now answer the question" in hint(check_memorised, right, 8)
    assert "by pure chance" in hint(check_memorised, right, 8, "a")
    assert "never read the other 28,910" in hint(check_memorised, right, 8, "c")


def test_memorised_knows_the_names_of_the_training_steps(run_docs):
    for wrong in (..., None, "abc", 1000, [1, 2]):
        assert "set trained_on to the names the model read" in hint(check_memorised, wrong, 8, "b")
    assert "the 1,000 most popular names, but training reads the names shuffled" in hint(
        check_memorised, set(load_names()[:1000]), 8, "b")
    assert "trained_on holds 999 names; the model took 1,000 steps" in hint(
        check_memorised, set(run_docs[:999]), 8, "b")  # off by one: the slice that the count alone cannot tell
    assert "holds 1,001 names" in hint(check_memorised, set(run_docs[:1001]), 8, "b")
    assert "holds 29,910 names" in hint(check_memorised, set(run_docs), 442, "b")
    assert "not the ones training read" in hint(check_memorised, set(run_docs[1:1001]), 8, "b")
