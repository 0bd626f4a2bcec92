"""Notebook 07's checkers: the model answers pass, and each typical mistake gets its own hint."""

import math

from .checker_verdicts import accepted, hint
from microgpt import Value, softmax
from microgpt.exercises.loss import check_initial_loss, check_lm_head_gradient, check_position_loss


def position_loss(logits, target):
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    return -math.log(exps[target] / sum(exps))


def probabilities(logits):
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    return [e / sum(exps) for e in exps]


def test_position_loss():
    assert accepted(check_position_loss, position_loss)
    log_sum_exp = lambda logits, t: max(logits) + math.log(sum(math.exp(z - max(logits)) for z in logits)) - logits[t]
    assert accepted(check_position_loss, log_sum_exp)


def test_position_loss_mistakes():
    assert "minus its log" in hint(check_position_loss, lambda logits, t: probabilities(logits)[t])
    assert "check the sign" in hint(check_position_loss, lambda logits, t: -position_loss(logits, t))
    assert "minus the target's logit" in hint(check_position_loss, lambda logits, t: -logits[t])
    assert "not log10" in hint(check_position_loss, lambda logits, t: -math.log10(probabilities(logits)[t]))
    assert "not log2" in hint(check_position_loss, lambda logits, t: -math.log2(probabilities(logits)[t]))
    assert "the loss of token 1" in hint(check_position_loss, lambda logits, t: position_loss(logits, t + 1))
    assert "the loss of token" in hint(check_position_loss, lambda logits, t: position_loss(
        logits, max(range(len(logits)), key=logits.__getitem__)))  # the favourite, not the target
    assert "one number" in hint(check_position_loss, lambda logits, t: [position_loss(logits, k)
                                                                        for k in range(len(logits))])
    assert "plain number" in hint(check_position_loss, lambda logits, t: Value(position_loss(logits, t)))


def test_position_loss_that_fails_on_the_way():
    naive = lambda logits, t: -math.log(math.exp(logits[t]) / sum(math.exp(z) for z in logits))
    assert "subtract the largest logit first" in hint(check_position_loss, naive)
    on_values = lambda logits, t: -softmax(logits)[t].log()
    assert "not Values: use math.exp and math.log" in hint(check_position_loss, on_values)
    log_of_logit = lambda logits, t: -math.log(logits[t])
    assert "log of the target's logit" in hint(check_position_loss, log_of_logit)
    negative_logit = lambda logits, t: -math.log(logits[t]) if t == 1 else position_loss(logits, t)
    assert "not of a logit" in hint(check_position_loss, negative_logit)  # -1.0: a math domain error

    def in_place(logits, t):
        top = max(logits)
        for i, z in enumerate(logits):
            logits[i] = z - top
        return position_loss(logits, t)

    assert "in place" in hint(check_position_loss, in_place)


def test_initial_loss_and_why():
    assert accepted(check_initial_loss, math.log(53), "a")
    assert accepted(check_initial_loss, 3.97, " (A) ")
    assert "count BOS too" in hint(check_initial_loss, math.log(52), "a")
    assert "27 tokens" in hint(check_initial_loss, math.log(27), "a")
    assert "minus its log" in hint(check_initial_loss, 1 / 53, "a")
    assert "minus its log" in hint(check_initial_loss, 1 / 52, "a")
    assert "sign" in hint(check_initial_loss, -math.log(53), "a")
    assert "log10" in hint(check_initial_loss, math.log10(53), "a")
    assert "log2" in hint(check_initial_loss, math.log2(53), "a")
    assert "what a fresh model measures" in hint(check_initial_loss, 4.005, "a")
    assert "same probability, what is it" in hint(check_initial_loss, 2.0, "a")
    assert "a number" in hint(check_initial_loss, "3.97", "a")
    assert "the number is right; now answer the question: set `why`" in hint(check_initial_loss, math.log(53))
    assert "far above ln V" in hint(check_initial_loss, math.log(53), "b")
    assert "far worse than ln V" in hint(check_initial_loss, math.log(53), "c")
    assert "not 0" in hint(check_initial_loss, math.log(53), "d")


def lm_head_gradient(probs, targets, streams, t, j):
    shares = [(p[t] - (y == t)) * x[j] for p, y, x in zip(probs, targets, streams)]
    return sum(shares) / len(shares)


READ = 0.4647  # emma's largest gradient of lm_head, as the inspector shows it


def test_lm_head_gradient_and_the_value_read():
    assert accepted(check_lm_head_gradient, lm_head_gradient, READ)
    assert accepted(check_lm_head_gradient, lm_head_gradient, 0.46467)


def test_lm_head_gradient_mistakes():
    def variant(sign=1, mean=True, target=True, stream=True, swap=False):
        def gradient(probs, targets, streams, t, j):
            if swap:
                t, j = j, t
            shares = [sign * (p[t] - (target and y == t)) * (x[j] if stream else 1)
                      for p, y, x in zip(probs, targets, streams)]
            return sum(shares) / (len(shares) if mean else 1)
        return gradient

    assert "sign is flipped" in hint(check_lm_head_gradient, variant(sign=-1), READ)
    assert "average over the positions" in hint(check_lm_head_gradient, variant(mean=False), READ)
    assert "gradient of the logit of t" in hint(check_lm_head_gradient, variant(stream=False), READ)
    assert "p - 1, not p" in hint(check_lm_head_gradient, variant(target=False), READ)
    assert "t and j are swapped" in hint(check_lm_head_gradient, variant(swap=True), READ)
    assert "then the average" in hint(check_lm_head_gradient, lambda probs, targets, streams, t, j: 0.25, READ)
    assert "one number" in hint(check_lm_head_gradient, lambda *args: [lm_head_gradient(*args)], READ)

    def in_place(probs, targets, streams, t, j):
        streams.reverse()
        return lm_head_gradient(probs, targets, streams, t, j)

    assert "in place" in hint(check_lm_head_gradient, in_place, READ)


def test_the_value_read_off_the_inspector():
    assert "read the largest gradient" in hint(check_lm_head_gradient, lm_head_gradient)
    assert "read the largest gradient" in hint(check_lm_head_gradient, lm_head_gradient, ...)
    assert "the number the inspector shows" in hint(check_lm_head_gradient, lm_head_gradient, "0.4647")
    assert "not the sign" in hint(check_lm_head_gradient, lm_head_gradient, -READ)
    assert "number 2 of the inspector's list" in hint(check_lm_head_gradient, lm_head_gradient, -0.4461)
    assert "number 5 of the inspector's list" in hint(check_lm_head_gradient, lm_head_gradient, -0.3365)
    assert "the first listed" in hint(check_lm_head_gradient, lm_head_gradient, 1.0320)  # ava's, not emma's
    assert "four decimals" in hint(check_lm_head_gradient, lm_head_gradient, 0.46)
