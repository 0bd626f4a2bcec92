"""What every checker shares: the Verdict it returns, and how it gets there.

A checker is a function decorated with @checker(praise). It runs the learner's function with `call`,
raises Hint at the first mistake it recognises, and simply returns when all is right; the decorator
turns either outcome into a Verdict. So checkers never print, and none repeats the same opening.
"""

import functools
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    """A checker's answer: truthy when right; in a notebook, one line of praise or of hint."""

    ok: bool
    message: str

    def __bool__(self):
        return self.ok

    def __repr__(self):  # a notebook shows a cell's last value as its repr, in text/plain only
        return f"✅ Correct! {self.message}" if self.ok else f"❌ Not yet. Hint: {self.message}"


class Hint(Exception):
    """Raised inside a checker: the answer is not right yet, and this is what to tell the learner."""


def checker(praise):
    """Make a checker of a function that raises Hint at a mistake and returns when the answer is right."""
    def make(check):
        @functools.wraps(check)
        def run(*answer):
            try:
                check(*answer)
            except Hint as hint:
                return Verdict(False, str(hint))
            return Verdict(True, praise)
        return run
    return make


def call(function, *args, notes=None):
    """What the learner's `function` returns for `args`; a Hint when there is nothing to check.

    `notes` maps the start of an error ("OverflowError", "ValueError: math domain error") to a few
    words on where that error comes from, added to the hint.
    """
    if not callable(function):
        raise Hint("pass the function itself: its name, without parentheses")
    try:
        result = function(*args)
    except Exception as e:  # the learner's code may fail in any way: say how, never crash the cell
        error = f"{type(e).__name__}: {e}"
        note = next((f" ({note})" for start, note in (notes or {}).items() if error.startswith(start)), "")
        raise Hint(f"your function raised {error}{note}") from None
    if result is None:
        raise Hint("your function returns None: replace the `...` with your code and `return` the result")
    return result


def reject(answer, mistakes, otherwise, same):
    """Raise the hint of the first (wrong answer, hint) of `mistakes` that `answer` matches, else `otherwise`."""
    raise Hint(next((hint for wrong, hint in mistakes if same(answer, wrong)), otherwise))


def multiple_choice(answer, name, done, choices, wrong):
    """Raise a Hint unless `answer` is the right letter of a multiple-choice question.

    `name` is the learner's variable, `done` says what is already right, `choices` are the letters and
    `wrong` maps each wrong letter to its hint.
    """
    if answer is None or answer is ...:
        raise Hint(f'{done}; now answer the question: set `{name}` to the letter of your answer, e.g. {name} = "a"')
    choice = str(answer).strip().strip("()").lower()
    if choice not in choices:
        raise Hint(f'answer with one of the letters {", ".join(choices)}, e.g. {name} = "a"')
    if choice in wrong:
        raise Hint(wrong[choice])


def close(a, b, tol=1e-9):
    """`a` is a number within `tol` of the number `b`."""
    return isinstance(a, (int, float)) and math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def all_close(xs, ys, tol=1e-9):
    """`xs` is a list (or tuple) of numbers as long as `ys`, each within `tol` of its partner."""
    return isinstance(xs, (list, tuple)) and len(xs) == len(ys) and all(close(x, y, tol) for x, y in zip(xs, ys))
