"""Notebook 08, training: one Adam step by hand, the seed's run at a learning rate 10 times larger, and
what the bias correction changes."""

import math
import sys
from functools import lru_cache

from ..config import num_parameters
from ..data import load_names
from ..optim import Adam
from ..train import Run, train
from .verdict import Hint, all_close, call, checker, close, multiple_choice, reject

BETA1, BETA2, EPS = 0.85, 0.99, 1e-8  # the seed's Adam
SEED_LR, NUM_STEPS = 0.01, 1000
CHECKED_STEPS = 10  # exercise 2 compares the first losses only: later, runs this unstable drift apart between engines
CHOICES = {
    "a": "the loss falls faster and ends lower: larger steps get downhill sooner",
    "b": "the loss rises at once and jumps around for a few hundred steps; it comes down as the decaying learning "
         "rate gets smaller, and ends higher than at 0.01",
    "c": "the loss becomes infinite and training stops with an error",
    "d": "nothing changes: Adam's steps do not depend on the learning rate",
}  # exercise 2: what a learning rate of 0.1 does to the seed's run; (b) is right
WRONG_CHOICES = {
    "a": "look at the first steps of your run: does the loss fall faster than the seed's 3.33, 3.36, 3.32, 3.10?",
    "c": "your run finished its 1000 steps: its largest loss is large but finite (max(losses_10x) says how large)",
    "d": "Adam's step is the learning rate times m̂ / (√v̂ + ε): ten times the learning rate, ten times the step",
}


def adam_of(x, g, m, v, t, lr, b1=BETA1, b2=BETA2, corrected=(True, True), shift=0, root=True, eps_inside=False,
            square=True, sign=-1, keep_hats=False, keep_old=False, use_lr=True):
    """One parameter's Adam step (x, m, v); the keyword arguments make the typical mistakes."""
    m_new = b1 * m + (1 - b1) * g
    v_new = b2 * v + (1 - b2) * (g * g if square else g)
    m_hat = m_new / (1 - b1 ** (t + shift)) if corrected[0] else m_new
    v_hat = max(v_new / (1 - b2 ** (t + shift)) if corrected[1] else v_new, 0.0)  # (g alone may make it negative)
    size = math.sqrt(v_hat + EPS) if eps_inside else (math.sqrt(v_hat) if root else v_hat) + EPS
    x_new = x + sign * (lr if use_lr else 1) * m_hat / size
    if keep_hats:
        return x_new, m_hat, v_hat
    return (x_new, m, v) if keep_old else (x_new, m_new, v_new)


# (x, g, m, v, t, lr): a first step, one without a gradient (ε's job), later steps, a tiny gradient, a large one
ADAM_CASES = [
    (0.5, 0.3, 0.0, 0.0, 1, 0.01),
    (0.7, 0.0, 0.0, 0.0, 1, 0.01),
    (0.49, -0.1, 0.045, 0.0009, 2, 0.00999),
    (-0.2, 0.25, 0.0233, 0.00098, 5, 0.00996),
    (0.08, 1e-5, 0.002, 4e-6, 40, 0.0096),
    (1.3, -2.0, -0.5, 0.9, 300, 0.007),
]
ADAM_MISTAKES = [
    (dict(corrected=(False, False)), "m and v start at 0, so for the first steps they are too small: you left out "
                                     "the bias correction"),
    (dict(corrected=(True, False)), "you corrected m but not v: both start at 0, both need their correction"),
    (dict(corrected=(False, True)), "you corrected v but not m: both start at 0, both need their correction"),
    (dict(shift=1), "your bias correction is one step ahead: t already counts this step, from 1"),
    (dict(b1=BETA2, b2=BETA1), "β1 and β2 are swapped: 0.85 is for the running mean of the gradient, 0.99 for the "
                               "running mean of its square"),
    (dict(sign=1), "the parameter moved uphill, along its gradient: the step is subtracted"),
    (dict(square=False), "v is the running mean of the squared gradient, g**2"),
    (dict(root=False), "divide by the square root of v̂: √v̂ is the typical size of the gradient"),
    (dict(eps_inside=True), "ε is added after the square root, √v̂ + ε, not inside it: that changes the steps of "
                            "parameters whose gradients are tiny"),
    (dict(keep_hats=True), "you returned m̂ and v̂ as the new moments: keep m and v themselves, the correction is "
                           "applied afresh at every step"),
    (dict(keep_old=True), "the moments you returned are the ones you were given: return the updated m and v"),
    (dict(use_lr=False), "the step is m̂ / (√v̂ + ε) times the learning rate lr"),
]


@checker("This is Adam for one parameter; microgpt.Adam runs the same formula over all 4,192 of them at once.")
def check_adam_step(adam_step):
    """Exercise 1: adam_step(x, g, m, v, t, lr) -> (x, m, v), the seed's Adam for one parameter at step t (from 1)."""
    for case in ADAM_CASES:
        x, g, m, v, t, lr = case
        answer = call(adam_step, *case, notes={
            "ZeroDivisionError": ("a gradient of 0 makes v̂ = 0: that is what ε is for" if g == 0 else
                                  "at t = 1, 1 - β**t must not be 0: t counts this step, from 1"),
            "ValueError: math domain error": "the square root of a negative number: v averages something that is "
                                             "never negative"})
        if not (isinstance(answer, (tuple, list)) and len(answer) == 3):
            raise Hint("return three numbers, the parameter and both moments after the step: (x, m, v)")
        if any(isinstance(a, complex) for a in answer):
            raise Hint("you took the square root of a negative number: v averages something that is never negative")
        if all_close(list(answer), adam_of(*case)):
            continue
        reject(list(answer), [(adam_of(*case, **mistake), hint) for mistake, hint in ADAM_MISTAKES],
               otherwise=f"for x={x}, g={g}, m={m}, v={v}, t={t}, lr={lr} your step is not Adam's: check m, v, their "
                         "corrections, then the step, one at a time", same=all_close)


STALE = ("the last error shown in this notebook said the training has diverged: if that was your run, losses_10x "
         "still holds what it held before it. Which model did that run train? `run`, from section 6, has learned "
         "already; the question is what 0.1 does to the seed's run from its first weights")


def diverged_last():
    """Whether the last error the notebook showed (IPython keeps it in sys.last_value) was a diverged run's."""
    error = getattr(sys, "last_value", None)
    return isinstance(error, ValueError) and "diverged" in str(error)


@lru_cache(maxsize=None)
def first_losses(learning_rate):
    """The first losses of the seed's run (fast engine) with Adam at `learning_rate`, scheduled over 1000 steps."""
    run = Run(load_names(), num_steps=NUM_STEPS, engine="fast")
    optimizer = Adam(num_parameters(run.config), NUM_STEPS, learning_rate=learning_rate)
    return train(run.model, run.docs, run.tokenizer, CHECKED_STEPS, optimizer)


@checker("Too large a step overshoots: the loss climbs and jumps until the decaying learning rate makes the steps "
         "small again.")
def check_ten_times(losses_10x, what_happened=None):
    """Exercise 2: the losses of the seed's run at learning rate 0.1, and which of CHOICES says what happened (b)."""
    if losses_10x is ... or not isinstance(losses_10x, (list, tuple)) or not losses_10x:
        raise Hint(STALE if diverged_last() else
                   "set losses_10x to the list of losses your run returns (train() and run.train() return it)")
    if not all(isinstance(loss, (int, float)) for loss in losses_10x):
        raise Hint("losses_10x should be a list of numbers, one loss per step")
    if len(losses_10x) != NUM_STEPS:
        raise Hint(f"your run took {len(losses_10x)} steps: train for the seed's {NUM_STEPS}")
    first = list(losses_10x[:CHECKED_STEPS])
    if not all_close(first, first_losses(0.1), 1e-6) and diverged_last():
        raise Hint(STALE)
    if not close(first[0], first_losses(0.1)[0], 1e-6):  # a step's loss comes before its update: any rate's first
        raise Hint("the first loss is not the seed's 3.3285: start from microgpt.Run(names), the seed's shuffled "
                   "names and first weights, and train its model on its docs")
    if not all_close(first, first_losses(0.1), 1e-6):
        reject(first, [(first_losses(SEED_LR), "these are the losses at the seed's learning rate, 0.01: give Adam "
                                               "learning_rate=0.1"),
                       (first_losses(0.001), "that is 10 times smaller than the seed's: 10 times 0.01 is 0.1")],
               otherwise="these are not the losses of Adam at learning rate 0.1 over the seed's run: make a new "
                         "microgpt.Adam(..., 1000, learning_rate=0.1) and train a fresh run with it",
               same=lambda a, b: all_close(a, b, 1e-6))
    multiple_choice(what_happened, "what_happened", "your run is right (plot it beside the seed's to see what happened)", CHOICES, WRONG_CHOICES)


def ratio_of(t, b1=BETA1, b2=BETA2, m_part=True, v_part=True, root=True):
    """How many times larger Adam's step is without bias correction, for a gradient that never changes."""
    m_factor = 1 - b1 ** t if m_part else 1
    v_factor = 1 - b2 ** t if v_part else 1
    return m_factor / (math.sqrt(v_factor) if root else v_factor)


@checker("That is the factor the bias correction takes out. Now print it at t = 1, 10 and 1000 and answer the "
         "two questions: too large or too small at first, and from when on it no longer matters.")
def check_uncorrected_ratio(uncorrected_ratio):
    """Exercise 3: uncorrected_ratio(t) = (1 - β1**t) / √(1 - β2**t), the uncorrected step over the corrected one."""
    for t in (1, 2, 8, 100, 1000):
        answer = call(uncorrected_ratio, t, notes={
            "ZeroDivisionError": "at t = 1, 1 - β**t is not 0: t counts the steps from 1"})
        if not isinstance(answer, (int, float)):
            raise Hint("return one number: how many times larger the step is without the correction")
        if close(answer, ratio_of(t), 1e-6):  # ε kept, with a gradient near 1, is within 1e-7: right too
            continue
        if close(answer, ratio_of(t), 1e-3):
            raise Hint(f"at t = {t} very close, but not quite: if you kept ε, it weighs more the smaller your "
                       "gradient is; the question ignores it")
        mistakes = [
            (1 / ratio_of(t), "upside down: the question is how many times larger the uncorrected step is than the "
                              "corrected one"),
            (ratio_of(t, root=False), "v̂ enters the step through its square root"),
            (ratio_of(t, b1=BETA2, b2=BETA1), "β1 and β2 are swapped: m uses 0.85, v uses 0.99"),
            (ratio_of(t, v_part=False), "v starts at 0 too: its correction changes the step as well"),
            (ratio_of(t, m_part=False), "m starts at 0 too: its correction changes the step as well"),
            (ratio_of(t + 1), "one step ahead: at t = 1, m and v have had one update each, from 0"),
        ]
        if t > 1:
            mistakes.append((ratio_of(t - 1), "one step behind: at t = 1, m and v have had one update each, from 0"))
        reject(answer, mistakes, same=close,
               otherwise=f"not at t = {t}: with the same gradient g at every step, write m and v after t steps as "
                         "multiples of g and g**2 (or run the updates t times), then compare the two steps")
