"""Notebook 07's checkers: the model answers pass, and each typical mistake gets its own hint."""

import math
import statistics

import pytest

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


def test_position_loss_with_a_wrong_total():
    def numerator_only(logits, t):
        return -math.log(math.exp(logits[t] - max(logits)) / sum(math.exp(z) for z in logits))

    def total_only(logits, t):
        return -math.log(math.exp(logits[t]) / sum(math.exp(z - max(logits)) for z in logits))

    for one_side in (numerator_only, total_only):
        assert "same number comes off every logit" in hint(check_position_loss, one_side)
    by_count = lambda logits, t: -math.log(math.exp(logits[t] - max(logits)) / len(logits))
    assert "not by the number of tokens" in hint(check_position_loss, by_count)
    plain_by_count = lambda logits, t: -math.log(math.exp(logits[t]) / len(logits))
    assert "not by the number of tokens" in hint(check_position_loss, plain_by_count)
    averaged = lambda logits, t: position_loss(logits, t) / len(logits)
    assert "nothing to average" in hint(check_position_loss, averaged)


def subtracting(number):
    """position_loss that takes number(logits, target) off every logit before exp: right only for the max."""
    def loss(logits, t):
        shift = number(logits, t)
        exps = [math.exp(z - shift) for z in logits]
        return -math.log(exps[t] / sum(exps))
    return loss


def test_position_loss_that_fails_on_the_way():
    assert accepted(check_position_loss, subtracting(lambda logits, t: max(logits)))
    naive = lambda logits, t: -math.log(math.exp(logits[t]) / sum(math.exp(z) for z in logits))
    overflow = hint(check_position_loss, naive)
    assert "OverflowError" in overflow and "[1000.0, 1001.0, 999.0]" in overflow and "709.78" in overflow
    assert "Notebook 04's softmax" in overflow and "largest" not in overflow  # where to look, not what to do
    for number in (lambda logits, t: min(logits), lambda logits, t: logits[0],
                   lambda logits, t: statistics.mean(logits), lambda logits, t: logits[t]):
        wide = hint(check_position_loss, subtracting(number))
        assert "OverflowError" in wide and "[-1000.0, 0.0, 1000.0, 290.0]: those near 1000 passed" in wide
        assert "however far apart" in wide and "largest" not in wide
    underflow = hint(check_position_loss, subtracting(lambda logits, t: 1000))
    assert "ZeroDivisionError" in underflow and "every exp came out as 0.0" in underflow
    assert "[2.0, 1.0, 0.1]" in underflow
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


def gradient(token="t", next_token="t", column="j", shift=0, positions=slice(None), divide=None, sign=1,
             target=True, stream=True):
    """lm_head_gradient, or one of its mistakes: which index goes where, the targets shifted by `shift`
    positions (wrapping round), only some positions, a fixed divisor, the sign, the -1, the stream's number."""
    def answer(probs, targets, streams, t, j):
        index = {"t": t, "j": j}
        a, b, c = index[token], index[next_token], index[column]
        moved = targets[shift:] + targets[:shift]
        terms = [sign * (p[a] - (target and y == b)) * (x[c] if stream else 1)
                 for p, y, x in list(zip(probs, moved, streams))[positions]]
        return sum(terms) / (divide or len(terms))
    return answer


def test_the_gradient_helper_is_right_by_default():
    assert accepted(check_lm_head_gradient, gradient(), READ)


def test_lm_head_gradient_mistakes():
    assert "sign is flipped" in hint(check_lm_head_gradient, gradient(sign=-1), READ)
    assert "average over the positions" in hint(check_lm_head_gradient, gradient(divide=1), READ)
    assert "gradient of the logit of t" in hint(check_lm_head_gradient, gradient(stream=False), READ)
    assert "p - 1, not p" in hint(check_lm_head_gradient, gradient(target=False), READ)
    assert "then the average" in hint(check_lm_head_gradient, lambda probs, targets, streams, t, j: 0.25, READ)
    assert "one number" in hint(check_lm_head_gradient, lambda *args: [lm_head_gradient(*args)], READ)

    def in_place(probs, targets, streams, t, j):
        streams.reverse()
        return lm_head_gradient(probs, targets, streams, t, j)

    assert "in place" in hint(check_lm_head_gradient, in_place, READ)


@pytest.mark.parametrize("indices", [("j", "j", "t"), ("t", "t", "t"), ("j", "t", "t"), ("j", "t", "j")])
def test_t_and_j_mixed_up(indices):
    token, next_token, column = indices
    assert "t and j are mixed up" in hint(check_lm_head_gradient, gradient(token, next_token, column), READ)


def test_a_target_compared_with_j_misses_the_minus_one():
    assert "p - 1, not p" in hint(check_lm_head_gradient, gradient(next_token="j"), READ)


def test_targets_off_by_one_position():
    for shift in (1, -1):  # targets[pos + 1] and targets[pos - 1], wrapping round
        assert "off by one position" in hint(check_lm_head_gradient, gradient(shift=shift), READ)

    def next_target(probs, targets, streams, t, j):  # targets[pos + 1], up to where there is one
        shares = [(p[t] - (y == t)) * x[j] for p, y, x in zip(probs, targets[1:], streams)]
        return sum(shares) / len(shares)

    assert "off by one position" in hint(check_lm_head_gradient, next_target, READ)

    def indexed(probs, targets, streams, t, j):
        return sum((probs[k][t] - (targets[k + 1] == t)) * streams[k][j] for k in range(len(probs))) / len(probs)

    assert "one target per position" in hint(check_lm_head_gradient, indexed, READ)  # an IndexError


def test_one_position_only_and_emma_s_length():
    for positions in (slice(-1, None), slice(0, 1)):
        said = hint(check_lm_head_gradient, gradient(positions=positions), READ)
        assert "position counts in your answer" in said
        assert "only the last" in said if positions.start == -1 else "only the first" in said
    assert "only the last position" in hint(check_lm_head_gradient, lambda probs, targets, streams, t, j: (
        probs[-1][t] - (targets[-1] == t)) * streams[-1][j] / len(probs), READ)
    assert "emma's number of positions" in hint(check_lm_head_gradient, gradient(divide=5), READ)


def test_the_value_read_off_the_inspector():
    assert "read the largest gradient" in hint(check_lm_head_gradient, lm_head_gradient)
    assert "read the largest gradient" in hint(check_lm_head_gradient, lm_head_gradient, ...)
    assert "the number the inspector shows" in hint(check_lm_head_gradient, lm_head_gradient, "0.4647")
    assert "not the sign" in hint(check_lm_head_gradient, lm_head_gradient, -READ)
    assert "number 2 of the inspector's list" in hint(check_lm_head_gradient, lm_head_gradient, -0.4461)
    assert "number 5 of the inspector's list" in hint(check_lm_head_gradient, lm_head_gradient, -0.3365)
    assert "the first listed" in hint(check_lm_head_gradient, lm_head_gradient, 1.0320)  # ava's, not emma's
    assert "four decimals" in hint(check_lm_head_gradient, lm_head_gradient, 0.46)
