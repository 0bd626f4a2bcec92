"""The checkers of notebooks 03-04 accept right answers, and reject typical wrong ones with a hint."""

import math

import pytest

from checker_verdicts import accepted, boom, hint, stub
from microgpt import Value, softmax
from microgpt.exercises import (HAND_X, HAND_Y, check_central_difference, check_cross_entropy,
                                check_hand_gradients, check_layernorm, check_logit_grads, check_tanh)


@pytest.mark.parametrize("checker", [check_central_difference, check_tanh, check_cross_entropy,
                                     check_logit_grads, check_layernorm])
def test_unfinished_or_failing_functions_get_a_hint_not_a_crash(capsys, checker):
    assert "returns None" in hint(capsys, checker, stub)
    assert "raised KeyError" in hint(capsys, checker, boom)
    assert "without parentheses" in hint(capsys, checker, None)


# --- 03, exercise 1: the central difference ---

def test_central_difference_accepted(capsys):
    assert accepted(capsys, check_central_difference, lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h))


def test_one_sided_differences_rejected(capsys):
    assert "one-sided" in hint(capsys, check_central_difference, lambda f, x, h: (f(x + h) - f(x)) / h)
    backward = hint(capsys, check_central_difference, lambda f, x, h: (f(x) - f(x - h)) / h)
    assert "x + h and x - h" in backward


def test_central_difference_not_halved_rejected(capsys):
    assert "distance" in hint(capsys, check_central_difference, lambda f, x, h: (f(x + h) - f(x - h)) / h)


def test_central_difference_must_return_a_number(capsys):
    assert "a number" in hint(capsys, check_central_difference, lambda f, x, h: [f(x)])


# --- 03, exercise 2: gradients by hand ---

def hand_answer():
    q = HAND_X * HAND_Y + HAND_X
    return 2 * q * (HAND_Y + 1), 2 * q * HAND_X  # x reaches q twice, so dq/dx = y + 1


def test_hand_gradients_accepted(capsys):
    assert accepted(capsys, check_hand_gradients, *hand_answer())


def test_hand_gradients_missing_a_path_rejected_without_the_answer(capsys):
    grad_x, grad_y = hand_answer()
    q = HAND_X * HAND_Y + HAND_X
    line = hint(capsys, check_hand_gradients, 2 * q * HAND_Y, grad_y)  # forgot the `+ x` path
    assert "two paths" in line
    assert str(int(grad_x)) not in line and str(grad_x) not in line


def test_hand_gradients_wrong_or_missing_rejected(capsys):
    grad_x, grad_y = hand_answer()
    assert "chain rule" in hint(capsys, check_hand_gradients, grad_y, grad_x)
    assert "chain rule" in hint(capsys, check_hand_gradients, grad_x, -grad_y)
    assert "replace each None" in hint(capsys, check_hand_gradients, None, None)


# --- 03, exercise 3: tanh from Value operations ---

def test_tanh_from_exp_accepted_in_two_forms(capsys):
    def tanh(v):
        e = (2 * v).exp()
        return (e - 1) / (e + 1)

    def tanh_other_form(v):
        e = (-2 * v).exp()
        return (1 - e) * (1 + e) ** -1

    assert accepted(capsys, check_tanh, tanh)
    assert accepted(capsys, check_tanh, tanh_other_form)


def test_tanh_on_plain_numbers_rejected(capsys):
    assert "Value operations" in hint(capsys, check_tanh, lambda v: math.tanh(v.data))
    assert "gradient is not" in hint(capsys, check_tanh, lambda v: Value(math.tanh(v.data)))


def test_tanh_with_the_wrong_formula_rejected(capsys):
    def half_tanh(v):  # exp(x) instead of exp(2x): this is tanh(x/2)
        e = v.exp()
        return (e - 1) / (e + 1)

    assert "forward value" in hint(capsys, check_tanh, half_tanh)


# --- 04, exercise 1: cross-entropy ---

def test_cross_entropy_accepted_in_two_forms(capsys):
    def log_sum_exp_form(logits, target):
        top = max(z.data for z in logits)
        return sum((z - top).exp() for z in logits).log() + top - logits[target]

    assert accepted(capsys, check_cross_entropy, lambda logits, t: -softmax(logits)[t].log())
    assert accepted(capsys, check_cross_entropy, log_sum_exp_form)


def test_cross_entropy_with_a_naive_softmax_overflows_and_is_told_so(capsys):
    def naive(logits, target):
        exps = [z.exp() for z in logits]
        return -(exps[target] / sum(exps)).log()

    assert "subtracts the max" in hint(capsys, check_cross_entropy, naive)


def test_cross_entropy_sign_log_and_gradients_checked(capsys):
    assert "check the sign" in hint(capsys, check_cross_entropy, lambda logits, t: softmax(logits)[t].log())
    assert "minus the log" in hint(capsys, check_cross_entropy, lambda logits, t: -softmax(logits)[t])
    detached = hint(capsys, check_cross_entropy, lambda logits, t: Value(-softmax(logits)[t].log().data))
    assert "gradients of the logits" in detached
    assert "one Value" in hint(capsys, check_cross_entropy, lambda logits, t: -softmax(logits)[t].log().data)


# --- 04, exercise 2: the logits' gradient ---

def test_logit_grads_accepted(capsys):
    assert accepted(capsys, check_logit_grads, lambda probs, t: [p - (i == t) for i, p in enumerate(probs)])


def test_logit_grads_wrt_probabilities_or_wrong_sign_rejected(capsys):
    wrt_probs = hint(capsys, check_logit_grads, lambda probs, t: [-1 / p if i == t else 0 for i, p in enumerate(probs)])
    assert "wrt the probabilities" in wrt_probs
    flipped = hint(capsys, check_logit_grads, lambda probs, t: [(i == t) - p for i, p in enumerate(probs)])
    assert "compare them with probs" in flipped
    assert "one gradient" in hint(capsys, check_logit_grads, lambda probs, t: probs[:-1])


# --- 04, exercise 3: LayerNorm ---

def layernorm(x, eps=1e-5):
    mean = sum(x) / len(x)
    centred = [xi - mean for xi in x]
    variance = sum(c * c for c in centred) / len(x)
    return [c / (variance + eps) ** 0.5 for c in centred]


def test_layernorm_accepted(capsys):
    assert accepted(capsys, check_layernorm, layernorm)


def test_rmsnorm_is_not_layernorm(capsys):
    def rmsnorm(x):
        scale = (sum(xi * xi for xi in x) / len(x) + 1e-5) ** -0.5
        return [xi * scale for xi in x]

    assert "that is rmsnorm" in hint(capsys, check_layernorm, rmsnorm)


def test_layernorm_without_eps_or_detached_or_floats_rejected(capsys):
    assert "sqrt(variance + 1e-5)" in hint(capsys, check_layernorm, lambda x: layernorm(x, eps=0))
    detached = hint(capsys, check_layernorm, lambda x: [Value(o.data) for o in layernorm(x)])
    assert "gradients are not" in detached
    assert "list of Values" in hint(capsys, check_layernorm, lambda x: [o.data for o in layernorm(x)])
