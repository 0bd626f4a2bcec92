"""Notebook 03, autograd: the slope from nudging both ways, gradients by hand, and tanh from Value operations."""

import math

from ..autograd import Value
from .verdict import Hint, all_close, call, checker, close, reject

HAND_X, HAND_Y = 2.0, -3.0  # the point of exercise 2, L = (x*y + x)**2
MIXED_VALUES = ("in your notebook, `Value` is the class built there, which does not mix with microgpt's Value "
                "that v is: write the numbers as plain numbers, e.g. `2 * v`")  # exercise 3


@checker("Nudging both ways cancels the curvature error: the slope is accurate to about h**2.")
def check_central_difference(central_difference):
    """Exercise 1: the slope from nudging x both ways, which is far more accurate than one way."""
    cases = [(lambda x: x**3, 2.0, 1e-3, 12.0), (math.sin, 1.0, 1e-2, math.cos(1.0)),
             (lambda x: 5 * x - 1, -3.0, 0.5, 5.0)]
    slopes = [call(central_difference, f, x, h) for f, x, h, _ in cases]
    if not all(isinstance(slope, (int, float)) for slope in slopes):
        raise Hint("central_difference(f, x, h) should return the slope, a number")
    if not all_close(slopes, [slope for *_, slope in cases], 1e-4):  # the central error, ~h**2, is far below this
        reject(slopes, [([(f(x + h) - f(x)) / h for f, x, h, _ in cases],
                         "that is the one-sided nudge (f(x + h) - f(x)) / h; nudge to both sides of x")],
               otherwise="evaluate f on both sides of x, at x + h and x - h, and divide the change by the distance "
                         "between those two points", same=all_close)


@checker("Chain rule by hand, and x's two paths added up, as += does in backward().")
def check_hand_gradients(grad_x, grad_y):
    """Exercise 2: dL/dx and dL/dy of L = (x*y + x)**2 at x = 2, y = -3, worked out by hand."""
    x, y = Value(HAND_X), Value(HAND_Y)
    ((x * y + x) ** 2).backward()
    if not all(isinstance(g, (int, float)) for g in (grad_x, grad_y)):
        raise Hint("replace each None with a number: dL/dx and dL/dy at x = 2, y = -3")
    if close(grad_y, y.grad) and not close(grad_x, x.grad):
        raise Hint("grad_y is right. x reaches L along two paths (through x*y and through + x): add the "
                   "contributions of both paths")
    if not (close(grad_x, x.grad) and close(grad_y, y.grad)):
        raise Hint("call q = x*y + x. Work backwards: dL/dq = 2q, then multiply by dq/dx and dq/dy (chain rule)")


@checker("backward() finds tanh's derivative, 1 - tanh(x)**2, without being told it.")
def check_tanh(tanh):
    """Exercise 3: tanh built from Value operations, so that backward() goes through it."""
    # Notebook 03's `Value` is its own class, built there; it does not mix with microgpt's Value, which v is.
    own_value = getattr(tanh, "__globals__", {}).get("Value", Value) is not Value
    for x in (-2.0, -0.5, 0.0, 0.7, 3.0):
        v = Value(x)
        try:
            out = call(tanh, v)
        except Hint as hint:  # an error the two Value classes cause: say so
            mixed = own_value and str(hint).startswith("your function raised")
            raise Hint(f"{hint} ({MIXED_VALUES})" if mixed else str(hint)) from None
        if own_value and type(out).__name__ == "Value" and not isinstance(out, Value):
            raise Hint(MIXED_VALUES)
        if not isinstance(out, Value):
            raise Hint("return a Value computed from v with Value operations (exp, +, -, /, **); math.tanh works "
                       "on plain numbers and backward() cannot go through it")
        out.backward()
        if not close(out.data, math.tanh(x)):
            raise Hint(f"the forward value is not tanh({x}): compare with math.tanh for a few x")
        if not close(v.grad, 1 - math.tanh(x) ** 2):
            raise Hint("the value is right but the gradient is not: build the result from v itself (a Value made "
                       "from a plain number has no path back to v)")
