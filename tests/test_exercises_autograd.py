"""Notebook 03's checkers: the model answers pass, and each typical mistake gets its own hint."""

import math

from .checker_verdicts import accepted, hint
from microgpt import Value
from microgpt.exercises.autograd import HAND_X, HAND_Y, check_central_difference, check_hand_gradients, check_tanh


def test_central_difference():
    assert accepted(check_central_difference, lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h))
    assert "one-sided" in hint(check_central_difference, lambda f, x, h: (f(x + h) - f(x)) / h)
    assert "x + h and x - h" in hint(check_central_difference, lambda f, x, h: (f(x) - f(x - h)) / h)
    assert "distance" in hint(check_central_difference, lambda f, x, h: (f(x + h) - f(x - h)) / h)
    assert "a number" in hint(check_central_difference, lambda f, x, h: [f(x)])


def hand_answer():
    q = HAND_X * HAND_Y + HAND_X
    return 2 * q * (HAND_Y + 1), 2 * q * HAND_X  # x reaches q twice, so dq/dx = y + 1


def test_hand_gradients():
    grad_x, grad_y = hand_answer()
    assert accepted(check_hand_gradients, grad_x, grad_y)
    assert "chain rule" in hint(check_hand_gradients, grad_y, grad_x)
    assert "chain rule" in hint(check_hand_gradients, grad_x, -grad_y)
    assert "replace each None" in hint(check_hand_gradients, None, None)


def test_hand_gradients_missing_a_path_is_told_so_without_the_answer():
    grad_x, grad_y = hand_answer()
    q = HAND_X * HAND_Y + HAND_X
    line = hint(check_hand_gradients, 2 * q * HAND_Y, grad_y)  # forgot the `+ x` path
    assert "two paths" in line
    assert str(int(grad_x)) not in line and str(grad_x) not in line


def test_tanh_from_exp_is_accepted_in_two_forms():
    def tanh(v):
        e = (2 * v).exp()
        return (e - 1) / (e + 1)

    def tanh_other_form(v):
        e = (-2 * v).exp()
        return (1 - e) * (1 + e) ** -1

    assert accepted(check_tanh, tanh)
    assert accepted(check_tanh, tanh_other_form)


def test_tanh_on_plain_numbers_or_with_the_wrong_formula():
    def half_tanh(v):  # exp(x) instead of exp(2x): this is tanh(x/2)
        e = v.exp()
        return (e - 1) / (e + 1)

    assert "Value operations" in hint(check_tanh, lambda v: math.tanh(v.data))
    assert "gradient is not" in hint(check_tanh, lambda v: Value(math.tanh(v.data)))
    assert "forward value" in hint(check_tanh, half_tanh)


def test_tanh_that_mixes_the_notebook_s_own_value_class_with_microgpt_s_is_told_so():
    """In notebook 03 `Value` is the class the notebook built; the checker passes microgpt's Value."""
    namespace = {}
    exec("class Value:\n"  # a stand-in for the notebook's class: it only knows plain numbers
         "    def __init__(self, data):\n"
         "        self.data = data\n"
         "def raises(v):\n"
         "    return (Value(2.0) * v).exp()\n"
         "def returns_its_own(v):\n"
         "    return Value(0.5)\n"
         "def unfinished(v):\n"
         "    ...\n"
         "def right(v):\n"
         "    e = (2 * v).exp()\n"
         "    return (e - 1) / (e + 1)\n", namespace)
    assert "raised TypeError" in hint(check_tanh, namespace["raises"])
    assert "does not mix with microgpt's Value" in hint(check_tanh, namespace["raises"])
    assert hint(check_tanh, namespace["returns_its_own"]).startswith("in your notebook, `Value` is the class")
    assert accepted(check_tanh, namespace["right"])
    assert "does not mix" not in hint(check_tanh, lambda v: (Value(2.0) * v).exp() * "x")
    assert hint(check_tanh, namespace["unfinished"]).startswith("your function returns None")
    assert "does not mix" not in hint(check_tanh, namespace["unfinished"])
