"""Notebook 08's checkers: the model answers pass, and each typical mistake gets its own hint."""

import math

import pytest

from .checker_verdicts import accepted, hint
from microgpt import Adam, Run, load_names, num_parameters, train
from microgpt.exercises.training import (CHECKED_STEPS, check_adam_step, check_ten_times, check_uncorrected_ratio,
                                         first_losses)


@pytest.fixture(autouse=True)
def no_last_error(monkeypatch):
    """No error shown before (exercise 2's checker reads the last one, sys.last_value, which pytest may set)."""
    monkeypatch.delattr("sys.last_value", raising=False)


def adam_step(x, g, m, v, t, lr, b1=0.85, b2=0.99, eps=1e-8):
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g ** 2
    m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
    return x - lr * m_hat / (math.sqrt(v_hat) + eps), m, v


def test_adam_step_is_accepted_written_out_or_through_the_package():
    def by_the_package(x, g, m, v, t, lr):
        adam = Adam(1, 1000)
        adam.t, adam.m, adam.v = t - 1, [m], [v]
        adam.learning_rate = lr / (1 - adam.t / 1000)  # so that this step's decayed rate is lr
        [x] = adam.update([x], [g])
        return x, adam.m[0], adam.v[0]

    assert accepted(check_adam_step, adam_step)
    assert accepted(check_adam_step, by_the_package)


def step_with(**mistake):
    """adam_step with one typical mistake."""
    def wrong(x, g, m, v, t, lr):
        b1, b2, eps = mistake.get("betas", (0.85, 0.99)) + (mistake.get("eps", 1e-8),)
        m_new = b1 * m + (1 - b1) * g
        v_new = b2 * v + (1 - b2) * (g if mistake.get("unsquared") else g ** 2)
        shift = mistake.get("shift", 0)
        m_hat = m_new if mistake.get("no_m_correction") else m_new / (1 - b1 ** (t + shift))
        v_hat = v_new if mistake.get("no_v_correction") else v_new / (1 - b2 ** (t + shift))
        size = (v_hat + eps) ** 0.5 if mistake.get("eps_inside") else (
            v_hat if mistake.get("no_root") else v_hat ** 0.5) + eps
        x_new = x + mistake.get("sign", -1) * (1 if mistake.get("no_lr") else lr) * m_hat / size
        if mistake.get("return_hats"):
            return x_new, m_hat, v_hat
        return (x_new, m, v) if mistake.get("old_moments") else (x_new, m_new, v_new)
    return wrong


@pytest.mark.parametrize("mistake, said", [
    (dict(no_m_correction=True, no_v_correction=True), "left out the bias correction"),
    (dict(no_v_correction=True), "corrected m but not v"),
    (dict(no_m_correction=True), "corrected v but not m"),
    (dict(shift=1), "one step ahead"),
    (dict(betas=(0.99, 0.85)), "swapped"),
    (dict(sign=1), "uphill"),
    (dict(no_root=True), "square root of v̂"),
    (dict(eps_inside=True), "after the square root"),
    (dict(return_hats=True), "keep m and v themselves"),
    (dict(old_moments=True), "return the updated m and v"),
    (dict(no_lr=True), "times the learning rate"),
])
def test_adam_step_mistakes(mistake, said):
    assert said in hint(check_adam_step, step_with(**mistake))


def test_adam_step_errors_and_shapes_are_explained():
    said = hint(check_adam_step, step_with(shift=-1))  # 1 - beta ** 0 = 0 at the first step
    assert "ZeroDivisionError" in said and "t counts this step, from 1" in said
    said = hint(check_adam_step, lambda x, g, m, v, t, lr: adam_step(x, g, m, v, t, lr, eps=0))
    assert "ZeroDivisionError" in said and "that is what ε is for" in said  # the gradient of 0
    assert "squared gradient" in hint(check_adam_step, step_with(unsquared=True))
    negative_v = lambda x, g, m, v, t, lr: step_with(unsquared=True)(x, -abs(g) - 1, m, v, t, lr)
    assert "negative number" in hint(check_adam_step, negative_v)  # ** 0.5 of a negative v: a complex number
    said = hint(check_adam_step, lambda x, g, m, v, t, lr: (x - lr * math.sqrt(-1 - v), m, v))
    assert "math domain error" in said and "never negative" in said
    assert "(x, m, v)" in hint(check_adam_step, lambda *args: adam_step(*args)[0])
    assert "your step is not Adam's" in hint(check_adam_step, lambda *args: (0.0, 0.0, 0.0))


@pytest.fixture(scope="module")
def losses_10x():
    """The seed's run at learning rate 0.1 on the numpy engine: the checker's run is the fast engine's."""
    run = Run(load_names(), engine="numpy")
    return train(run.model, run.docs, run.tokenizer, 1000, Adam(num_parameters(run.config), 1000, learning_rate=0.1))


def test_ten_times_the_learning_rate_is_accepted_from_any_engine(losses_10x):
    assert losses_10x[:CHECKED_STEPS] == pytest.approx(first_losses(0.1), abs=1e-9)
    assert accepted(check_ten_times, losses_10x, "b")
    assert accepted(check_ten_times, tuple(losses_10x), " (B) ")


def test_ten_times_the_learning_rate_runs_that_are_not_it(losses_10x):
    assert "set losses_10x" in hint(check_ten_times, ..., "b")
    assert "list of numbers" in hint(check_ten_times, ["3.3"] * 1000, "b")
    assert "took 300 steps" in hint(check_ten_times, losses_10x[:300], "b")
    assert "is not the seed's 3.3285" in hint(check_ten_times, [3.0] + losses_10x[1:], "b")
    padded = [2.0] * (1000 - CHECKED_STEPS)
    assert "seed's learning rate, 0.01" in hint(check_ten_times, first_losses(0.01) + padded, "b")
    assert "10 times smaller" in hint(check_ten_times, first_losses(0.001) + padded, "b")
    not_scheduled = [losses_10x[0]] + [loss + 0.01 for loss in losses_10x[1:]]
    assert "a fresh run" in hint(check_ten_times, not_scheduled, "b")


def test_ten_times_the_learning_rate_after_a_run_that_diverged(losses_10x, monkeypatch):
    """Section 6's trained run at 0.1 diverges: the cell fails, and losses_10x keeps an older value."""
    monkeypatch.setattr("sys.last_value", ValueError("the loss is infinite: training has diverged"), raising=False)
    for stale in (..., first_losses(0.01) + [2.0] * (1000 - CHECKED_STEPS), [2.5] * 1000):
        said = hint(check_ten_times, stale, "c")
        assert "still holds what it held before" in said and "`run`, from section 6, has learned already" in said
    assert accepted(check_ten_times, losses_10x, "b")  # an old error does not stand in the way of a right run
    assert "finished its 1000 steps" in hint(check_ten_times, losses_10x, "c")
    monkeypatch.setattr("sys.last_value", KeyError("oops"))  # another error: the usual hints
    assert "set losses_10x" in hint(check_ten_times, ..., "c")


def test_ten_times_the_learning_rate_question(losses_10x):
    assert "plot it beside the seed's to see what happened); now answer the question" in hint(check_ten_times,
                                                                                                  losses_10x)
    assert "fall faster than the seed's" in hint(check_ten_times, losses_10x, "a")
    assert "finished its 1000 steps" in hint(check_ten_times, losses_10x, "c")
    assert "ten times the step" in hint(check_ten_times, losses_10x, "d")


def ratio(t, b1=0.85, b2=0.99):
    return (1 - b1 ** t) / math.sqrt(1 - b2 ** t)


def test_uncorrected_ratio_is_accepted_by_formula_or_by_running_the_means():
    def by_running(t, g=0.3):
        m = v = 0.0
        for _ in range(t):
            m, v = 0.85 * m + 0.15 * g, 0.99 * v + 0.01 * g * g
        return (m / math.sqrt(v)) / (g / abs(g))

    assert accepted(check_uncorrected_ratio, ratio)
    assert accepted(check_uncorrected_ratio, by_running)


def test_uncorrected_ratio_with_epsilon_kept():
    def by_running(t, g, eps=1e-8):
        m = v = 0.0
        for _ in range(t):
            m, v = 0.85 * m + 0.15 * g, 0.99 * v + 0.01 * g * g
        corrected = (m / (1 - 0.85 ** t)) / (math.sqrt(v / (1 - 0.99 ** t)) + eps)
        return (m / (math.sqrt(v) + eps)) / corrected

    assert accepted(check_uncorrected_ratio, lambda t: by_running(t, 0.3))  # within 1e-7: ε is tiny beside g
    said = hint(check_uncorrected_ratio, lambda t: by_running(t, 0.001))  # within 1e-4: ε is felt
    assert "very close" in said and "kept ε" in said


def test_the_praise_leaves_the_questions_to_the_learner():
    praise = repr(check_uncorrected_ratio(ratio))
    assert not any(number in praise for number in ("1.5", "2.6", "1.26", "1.03", "step 8"))  # the answers' numbers


def test_uncorrected_ratio_mistakes():
    assert "upside down" in hint(check_uncorrected_ratio, lambda t: 1 / ratio(t))
    assert "through its square root" in hint(check_uncorrected_ratio, lambda t: (1 - 0.85 ** t) / (1 - 0.99 ** t))
    assert "swapped" in hint(check_uncorrected_ratio, lambda t: ratio(t, 0.99, 0.85))
    assert "v starts at 0 too" in hint(check_uncorrected_ratio, lambda t: 1 - 0.85 ** t)
    assert "m starts at 0 too" in hint(check_uncorrected_ratio, lambda t: 1 / math.sqrt(1 - 0.99 ** t))
    assert "one step ahead" in hint(check_uncorrected_ratio, lambda t: ratio(t + 1))
    assert "one step behind" in hint(check_uncorrected_ratio, lambda t: ratio(t - 1) if t > 1 else 1.5)
    said = hint(check_uncorrected_ratio, lambda t: ratio(t - 1))
    assert "ZeroDivisionError" in said and "counts the steps from 1" in said
    assert "one number" in hint(check_uncorrected_ratio, lambda t: [ratio(t)])
    assert "not at t = 1" in hint(check_uncorrected_ratio, lambda t: 1.0)
