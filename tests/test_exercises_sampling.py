"""Notebook 09's checkers: the right answers pass, and each typical mistake gets its own hint."""

import random

from .checker_verdicts import accepted, hint
from microgpt.exercises.sampling import (AFTER_Q, check_greedy, check_hand_draw, check_memorised, greedy_name,
                                         memory_counts)


def test_hand_draw():
    assert accepted(check_hand_draw, "o")
    assert accepted(check_hand_draw, " o ")
    assert "greedy's choice" in hint(check_hand_draw, "u")  # the likeliest, or the stretches sorted by weight
    assert "not 1: stretch the draw" in hint(check_hand_draw, "a")  # the draw compared with the counts
    assert "just before the right one" in hint(check_hand_draw, "m")
    assert "just after the right one" in hint(check_hand_draw, "r")
    assert "until the running sum passes draw × total" in hint(check_hand_draw, "BOS")
    for wrong in ("z", "O", 14, ["o"]):
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
    assert "stop when BOS is chosen, before it becomes a letter" in hint(check_greedy, bos_as_a_letter)
    assert "model.logits(...) gives floats in every engine" in hint(check_greedy, values_expected)


def test_memorised():
    in_data, in_trained, in_popular = memory_counts()
    assert (len(in_data), len(in_trained), len(in_popular)) == (85, 0, 10)  # the notebook's, at temperature 0.25
    assert accepted(check_memorised, 0, "b")
    assert accepted(check_memorised, 0, "(B)")
    assert "how many are in the data" in hint(check_memorised, 85, "b")
    assert "the 1,000 most popular names" in hint(check_memorised, 10, "b")
    assert "count the names of in_data" in hint(check_memorised, 3, "b")
    assert "a whole number" in hint(check_memorised, 0.0, "b")
    assert "a whole number" in hint(check_memorised, False, "b")
    assert "a whole number" in hint(check_memorised, ...)
    assert "now answer the question" in hint(check_memorised, 0)
    assert "by pure chance" in hint(check_memorised, 0, "a")
    assert "never read the other 28,910" in hint(check_memorised, 0, "c")
