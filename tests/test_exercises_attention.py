"""Notebook 06's checkers: the model answers pass, and each typical mistake gets its own hint."""

import math

from .checker_verdicts import accepted, hint
from microgpt import Value, softmax
from microgpt.exercises.attention import (check_attention_weights, check_explorer_answer, check_head_output,
                                          check_unscaled)


def scaled_weights(q, keys, scale=None):
    """softmax of q . k * scale over the keys; the scale 1/sqrt(head_dim) unless told otherwise."""
    scale = len(q) ** -0.5 if scale is None else scale
    return softmax([sum(qi * ki for qi, ki in zip(q, k)) * scale for k in keys])


def test_attention_weights():
    assert accepted(check_attention_weights, scaled_weights)
    assert accepted(check_attention_weights, lambda q, keys: softmax(
        [sum(qi * ki for qi, ki in zip(q, k)) / math.sqrt(len(q)) for k in keys]))


def naive_softmax(scores):
    exps = [s.exp() for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def test_attention_weights_of_large_scores():
    def own_softmax(q, keys):
        return naive_softmax([sum(qi * ki for qi, ki in zip(q, k)) * len(q) ** -0.5 for k in keys])

    said = hint(check_attention_weights, own_softmax)
    assert said.startswith("your function raised OverflowError") and "exp() overflows on large scores" in said
    said = hint(check_unscaled, lambda q, keys: naive_softmax([sum(a * b for a, b in zip(q, k)) for k in keys]), "b")
    assert "exp() overflows on large scores" in said


def test_attention_weights_mistakes():
    assert "left out the scale" in hint(check_attention_weights, lambda q, keys: scaled_weights(q, keys, 1))
    assert "head_dim itself" in hint(check_attention_weights, lambda q, keys: scaled_weights(q, keys, 1 / len(q)))
    assert "inverse" in hint(check_attention_weights, lambda q, keys: scaled_weights(q, keys, len(q) ** 0.5))
    assert "number of keys" in hint(check_attention_weights,
                                    lambda q, keys: scaled_weights(q, keys, len(keys) ** -0.5))
    assert "these are the scores" in hint(check_attention_weights, lambda q, keys: [
        sum(qi * ki for qi, ki in zip(q, k)) * len(q) ** -0.5 for k in keys])
    assert "list of Values" in hint(check_attention_weights, lambda q, keys: [w.data for w in scaled_weights(q, keys)])
    assert "one weight per key" in hint(check_attention_weights, lambda q, keys: scaled_weights(q, keys)[:-1] or [])
    assert "gets no gradient" in hint(check_attention_weights,
                                      lambda q, keys: [Value(w.data) for w in scaled_weights(q, keys)])
    assert "check each step" in hint(check_attention_weights, lambda q, keys: scaled_weights(keys[0], [q] * len(keys)))


def test_unscaled_weights_and_what_changed():
    def unscaled(q, keys):
        return scaled_weights(q, keys, 1)

    assert accepted(check_unscaled, unscaled, "b")
    assert accepted(check_unscaled, unscaled, "(B)")
    assert "still scaled" in hint(check_unscaled, scaled_weights, "b")
    assert "your function is right; now answer the question: set `what_changed`" in hint(check_unscaled, unscaled)
    assert "add up to 1" in hint(check_unscaled, unscaled, "a")
    assert "order stays" in hint(check_unscaled, unscaled, "c")
    assert "multiplying them does not" in hint(check_unscaled, unscaled, "d")


def head(q, keys, values, h, n_head, scale_dim=None, start=None, mixed=None):
    hd = len(q) // n_head
    s = h * hd if start is None else start
    weights = scaled_weights(q[s:s + hd], [k[s:s + hd] for k in keys], (scale_dim or hd) ** -0.5)
    mixed = values if mixed is None else mixed
    return [sum(w * v[j] for w, v in zip(weights, mixed)) for j in range(s, s + hd)]


def test_head_output():
    assert accepted(check_head_output, head)
    assert "whole vector's length" in hint(check_head_output, lambda q, k, v, h, n: head(q, k, v, h, n, len(q)))
    assert "not head h's" in hint(check_head_output, lambda q, k, v, h, n: head(q, k, v, h, n, start=h))
    assert "mixed the keys" in hint(check_head_output, lambda q, k, v, h, n: head(q, k, v, h, n, mixed=k))
    def the_weights(q, k, v, h, n):
        return scaled_weights(q[:len(q) // n], [x[:len(q) // n] for x in k])

    assert "one number per key" in hint(check_head_output, the_weights)
    assert "as long as the whole vector" in hint(check_head_output, lambda q, k, v, h, n: head(q, k, v, 0, 1))
    assert "list of Values" in hint(check_head_output, lambda q, k, v, h, n: [o.data for o in head(q, k, v, h, n)])
    assert "check the slice" in hint(check_head_output, lambda q, k, v, h, n: head(q, v, k, h, n))
    assert "output of head 1, not of head 2" in hint(check_head_output, lambda q, k, v, h, n: head(q, k, v, h - 1, n))
    assert "one short" in hint(check_head_output, lambda q, k, v, h, n: head(q, k, v, h, n)[:-1])


def head_of_width_4(q, keys, values, h, n_head):
    """The shipped model's head_dim written in by hand: right only when the vectors split into heads of 4."""
    part = slice(h * 4, (h + 1) * 4)
    weights = scaled_weights(q[part], [k[part] for k in keys])
    return [sum(w * v[part][j] for w, v in zip(weights, values)) for j in range(4)]


def test_head_output_of_other_widths_than_the_model_s():
    assert "4 is the shipped model's head_dim" in hint(check_head_output, head_of_width_4)
    def scale_of_4(q, k, v, h, n):
        return head(q, k, v, h, n, scale_dim=4)

    assert "scaled by the shipped model's head_dim, 4; here a head has 2 numbers" in hint(check_head_output, scale_of_4)


def test_head_output_leaves_the_cache_as_it_was():
    def slices_in_place(q, keys, values, h, n_head):
        hd = len(q) // n_head
        part = slice(h * hd, (h + 1) * hd)
        keys[:] = [k[part] for k in keys]  # the cache, cut down to this head's numbers
        values[:] = [v[part] for v in values]
        return head(q[part], keys, values, 0, 1)

    def pops_the_query(q, keys, values, h, n_head):
        out = head(q, keys, values, h, n_head)
        q.pop()
        return out

    def cuts_each_value(q, keys, values, h, n_head):
        out = head(q, keys, values, h, n_head)
        for v in values:
            del v[:]
        return out

    assert "changed `keys` in place" in hint(check_head_output, slices_in_place)
    assert "changed `q` in place" in hint(check_head_output, pops_the_query)
    assert "changed `values` in place" in hint(check_head_output, cuts_each_value)


def test_explorer_answer():
    assert accepted(check_explorer_answer, ("e", 0.62))
    assert accepted(check_explorer_answer, ("e", 0.6158))
    assert accepted(check_explorer_answer, ["e", 0.62])  # a list of two is a pair too
    assert "just before the 'n'" in hint(check_explorer_answer, ("i", 0.2))
    assert "choose head 2" in hint(check_explorer_answer, ("v", 0.25))  # head 0's
    assert "darker cell than the one of 'k'" in hint(check_explorer_answer, ("k", 0.03))
    assert "hover over or click" in hint(check_explorer_answer, ("e", 0.5))
    assert "a pair" in hint(check_explorer_answer, "e")
    assert "as a string" in hint(check_explorer_answer, (2, 0.62))
    assert "between 0 and 1" in hint(check_explorer_answer, ("e", 62))
