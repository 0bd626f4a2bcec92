"""Notebook 04's checkers: the model answers pass, and each typical mistake gets its own hint."""

from .checker_verdicts import accepted, hint
from microgpt import Value, softmax
from microgpt.exercises.blocks import check_cross_entropy, check_layernorm, check_logit_grads


def test_cross_entropy_is_accepted_in_two_forms():
    def log_sum_exp_form(logits, target):
        top = max(z.data for z in logits)
        return sum((z - top).exp() for z in logits).log() + top - logits[target]

    assert accepted(check_cross_entropy, lambda logits, t: -softmax(logits)[t].log())
    assert accepted(check_cross_entropy, log_sum_exp_form)


def test_cross_entropy_with_a_naive_softmax_overflows_and_is_told_so():
    def naive(logits, target):
        exps = [z.exp() for z in logits]
        return -(exps[target] / sum(exps)).log()

    assert "raised OverflowError" in hint(check_cross_entropy, naive)
    assert "subtracts the max logit first" in hint(check_cross_entropy, naive)


def test_cross_entropy_sign_log_and_gradients():
    assert "check the sign" in hint(check_cross_entropy, lambda logits, t: softmax(logits)[t].log())
    assert "minus the log" in hint(check_cross_entropy, lambda logits, t: -softmax(logits)[t])
    assert "gradients of the logits" in hint(check_cross_entropy,
                                             lambda logits, t: Value(-softmax(logits)[t].log().data))
    assert "one Value" in hint(check_cross_entropy, lambda logits, t: -softmax(logits)[t].log().data)


def test_logit_grads():
    def logit_grads(probs, target):
        assert all(type(p) is float for p in probs), "the exercise says probs are plain floats"
        return [p - (1 if i == target else 0) for i, p in enumerate(probs)]

    assert accepted(check_logit_grads, logit_grads)
    assert "probabilities themselves" in hint(check_logit_grads, lambda probs, t: probs)
    assert "sign is flipped" in hint(check_logit_grads, lambda probs, t: [(i == t) - p for i, p in enumerate(probs)])
    assert "wrt the probabilities" in hint(check_logit_grads,
                                           lambda probs, t: [-1 / p if i == t else 0 for i, p in enumerate(probs)])
    assert "pattern is simple" in hint(check_logit_grads, lambda probs, t: [p * (i == t) for i, p in enumerate(probs)])
    assert "one gradient" in hint(check_logit_grads, lambda probs, t: probs[:-1])


def layernorm(x, eps=1e-5, ddof=0):
    mean = sum(x) / len(x)
    centred = [xi - mean for xi in x]
    variance = sum(c * c for c in centred) / (len(x) - ddof)
    return [c * (variance + eps) ** -0.5 for c in centred]


def test_layernorm():
    def rmsnorm(x):
        scale = (sum(xi * xi for xi in x) / len(x) + 1e-5) ** -0.5
        return [xi * scale for xi in x]

    assert accepted(check_layernorm, layernorm)
    assert "that is rmsnorm" in hint(check_layernorm, rmsnorm)
    assert "divided by n" in hint(check_layernorm, lambda x: layernorm(x, ddof=1))
    assert "eps (1e-5) is missing" in hint(check_layernorm, lambda x: layernorm(x, eps=0))
    assert "the mean, the variance" in hint(check_layernorm, lambda x: layernorm(x, eps=1))
    assert "gradients are not" in hint(check_layernorm, lambda x: [Value(o.data) for o in layernorm(x)])
    assert "list of Values" in hint(check_layernorm, lambda x: [o.data for o in layernorm(x)])
