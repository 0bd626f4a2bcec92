"""Notebook 04, building blocks: the cross-entropy loss, the gradient of the logits, and LayerNorm."""

import math

from ..autograd import Value
from ..model import rmsnorm
from .verdict import Hint, all_close, call, checker, close, reject


def softmax_floats(logits):
    top = max(logits)  # subtracting the largest logit keeps exp() from overflowing
    exps = [math.exp(z - top) for z in logits]
    return [e / sum(exps) for e in exps]


@checker("This is the loss the GPT minimises, one next token at a time.")
def check_cross_entropy(cross_entropy):
    """Exercise 1: the loss -log(softmax(logits)[target]) on Values."""
    for zs, target in [([2.0, 1.0, 0.1], 0), ([0.5, -1.0, 3.0, 0.0], 1), ([1000.0, 1001.0, 999.0], 2)]:
        logits = [Value(z) for z in zs]
        loss = call(cross_entropy, logits, target,
                    notes={"OverflowError": "exp() overflows on large logits: compute the probabilities with a "
                                            "softmax that subtracts the max logit first"})
        if not isinstance(loss, Value):
            raise Hint("return the loss as one Value computed from the logits")
        probs = softmax_floats(zs)
        expected = -math.log(probs[target])
        if not close(loss.data, expected):
            sign = " (check the sign: the loss is positive)" if close(loss.data, -expected) else ""
            raise Hint(f"the loss is minus the log of the probability that softmax gives the target{sign}")
        loss.backward()
        if not all_close([z.grad for z in logits], [p - (i == target) for i, p in enumerate(probs)]):
            raise Hint("the loss is right but the gradients of the logits are not: build the loss from the logits "
                       "with Value operations")


@checker("Every logit's gradient is simple: the model's probability minus the target's.")
def check_logit_grads(logit_grads):
    """Exercise 2: the gradient of the cross-entropy wrt the logits, from the probabilities (plain floats)."""
    for probs, target in [([0.7, 0.2, 0.1], 0), ([0.1, 0.6, 0.3], 2), ([0.25, 0.25, 0.25, 0.25], 3)]:
        answer = call(logit_grads, list(probs), target)
        if not isinstance(answer, list) or len(answer) != len(probs):
            raise Hint("return a list with one gradient (a number) per logit")
        onehot = [float(i == target) for i in range(len(probs))]
        if all_close(answer, [p - o for p, o in zip(probs, onehot)]):
            continue
        reject(answer, [
            (probs, "those are the probabilities themselves: the target's logit gets something more, since "
                    "raising it is what lowers the loss"),
            ([o - p for p, o in zip(probs, onehot)], "the sign is flipped: the gradient points where the loss "
                                                      "grows, so the target's logit must get a negative gradient"),
            ([-1 / p if o else 0.0 for p, o in zip(probs, onehot)], "that is the gradient wrt the probabilities; "
                                                                    "the question asks for the logits, one step "
                                                                    "further back through softmax"),
        ], otherwise="compute the logits' gradients with Values and backward() for a few cases, and compare them "
                     "with probs and the target: the pattern is simple", same=all_close)


def layernorm_of(x, eps=1e-5, ddof=0):
    """LayerNorm of Values or floats; ddof=1 divides the variance by n - 1, eps=0 leaves eps out (two mistakes)."""
    mean = sum(x) / len(x)
    variance = sum((xi - mean) ** 2 for xi in x) / (len(x) - ddof)
    return [(xi - mean) * (variance + eps) ** -0.5 for xi in x]


@checker("LayerNorm = centre, then rmsnorm; GPT-2 uses it where our model uses rmsnorm.")
def check_layernorm(layernorm):
    """Exercise 3: LayerNorm without learned parameters, on Values."""
    for xs in ([1.0, 2.0, 4.0], [-0.5, 0.3, 0.9, 2.0, -1.2]):
        x, x_ref = [Value(v) for v in xs], [Value(v) for v in xs]
        out = call(layernorm, x)
        if not (isinstance(out, list) and len(out) == len(xs) and all(isinstance(o, Value) for o in out)):
            raise Hint("return a list of Values, one per input, computed from x")
        ref = layernorm_of(x_ref)
        if not all_close([o.data for o in out], [r.data for r in ref]):
            reject([o.data for o in out], [
                (rmsnorm(xs), "that is rmsnorm: subtract the mean first, and divide by the standard deviation "
                              "around the mean"),
                (layernorm_of(xs, ddof=1), "you divided by n - 1 (the sample variance): LayerNorm's variance is "
                                           "the mean of the squared differences, divided by n"),
                (layernorm_of(xs, eps=0), "almost: the results are off slightly because eps (1e-5) is missing; "
                                          "added to the variance, it keeps an input whose values are all equal "
                                          "from dividing by zero"),
            ], otherwise="the outputs are not LayerNorm's: check each step on [1.0, 2.0, 4.0] by hand: the mean, "
                         "the variance, then the scaling", same=all_close)
        weights = [0.3, -1.0, 0.5, 2.0, 0.7]  # a weighted sum: a plain sum of LayerNorm outputs is always 0
        sum(w * o for w, o in zip(weights, out)).backward()
        sum(w * r for w, r in zip(weights, ref)).backward()
        if not all_close([v.grad for v in x], [v.grad for v in x_ref], 1e-6):
            raise Hint("the outputs are right but the gradients are not: compute them from x with Value "
                       "operations only")
