"""Self-checking exercises: each `check_...` says right, or wrong with a hint (never the answer).

Every checker prints one verdict line and returns True or False, so a notebook cell shows the
verdict and a test can assert on it. Solutions live in notebooks/solutions/.
"""

import functools
import math
import random

from . import bigram
from .autograd import Value
from .checkpoint import load_shipped
from .engines import make_model
from .model import softmax
from .sample import samples
from .tokenizer import Tokenizer


def verdict(ok, praise, hint):
    """Print the verdict of a check and return whether it passed."""
    print(f"✅ Correct! {praise}" if ok else f"❌ Not yet. Hint: {hint}")
    return ok


def _run(function, *args):
    """(result, None) from the learner's function, or (None, a hint saying why there is no result)."""
    if not callable(function):
        return None, "pass the function itself: its name, without parentheses"
    try:
        result = function(*args)
    except Exception as e:  # the learner's code may fail in any way; say how, never crash the cell
        return None, f"your function raised {type(e).__name__}: {e}"
    if result is None:
        return None, "your function returns None: replace the `...` with your code and `return` the result"
    return result, None


def _close(a, b, tol=1e-9):
    return isinstance(a, (int, float)) and math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def _all_close(xs, ys, tol=1e-9):
    return len(xs) == len(ys) and all(_close(x, y, tol) for x, y in zip(xs, ys))


def _close_lists(xs, ys):
    """A list of numbers as long as `ys` and equal to it, element by element."""
    return isinstance(xs, list) and _all_close(xs, ys)


# --- notebooks 00-02: welcome, data and tokenizer, counting baseline ---

LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]


def _sums_to_one(row):
    return isinstance(row, list) and all(isinstance(p, (int, float)) for p in row) and _close(sum(row), 1.0, 1e-6)


@functools.lru_cache(maxsize=None)
def _shipped_names(seed, temperature):
    """Ten names from the shipped model; cached, since the scalar model takes about a second."""
    ck = load_shipped()
    return samples(make_model(ck.config, ck.weights), ck.tokenizer, random.Random(seed), 10, temperature)


def check_hot_names(names):
    """00: ten names from the shipped model at temperature 1.0, drawn with random.Random(7)."""
    if not (isinstance(names, list) and len(names) == 10 and all(isinstance(n, str) for n in names)):
        return verdict(False, "", "make a list of 10 names with samples(model, ck.tokenizer, rng, 10, temperature=...)")
    if names == _shipped_names(7, 1.0):
        return verdict(True, "At temperature 1.0 the model takes more risks: odder names appear.", "")
    if names == _shipped_names(7, 0.5):
        return verdict(False, "", "these names were drawn at the default temperature 0.5: pass temperature=1.0")
    return verdict(False, "", "draw all 10 in one call to samples(...), with a fresh random.Random(7) and "
                              "temperature=1.0")


def check_novel_names(novel_names):
    """00: novel_names(generated, known) keeps the generated names not in `known`, in order, each once."""
    cases = [((["ava", "zorp", "mia"], ["mia", "ava", "emma"]), ["zorp"]),
             ((["kamari", "analia", "kamari", "emma", "bo"], ["emma"]), ["kamari", "analia", "bo"]),
             (([], ["emma"]), [])]
    for args, expected in cases:
        result, problem = _run(novel_names, *args)
        if problem:
            return verdict(False, "", problem)
        if result != expected:
            if result == [n for n in args[0] if n in args[1]]:
                return verdict(False, "", "you kept the names that ARE in the training data; keep the others")
            return verdict(False, "", "return a list of the generated names that are not in `known`, in the order "
                                      "they were generated, each name only once")
    return verdict(True, "Only names the model has never seen count as invented.", "")


def check_build_vocab(build_vocab):
    """01: build_vocab(docs) is the sorted list of the distinct characters in the documents."""
    cases = [["emma", "ava"], ["zoe", "quinn", "xavier", "wyatt", "yara", "jude"], ["b", "a", "b"]]
    for docs in cases:
        result, problem = _run(build_vocab, docs)
        if problem:
            return verdict(False, "", problem)
        if not isinstance(result, list):
            return verdict(False, "", f"return a list of characters, not a {type(result).__name__}")
        if result != sorted(set("".join(docs))):
            if len(result) != len(set(result)):
                return verdict(False, "", "each character must appear only once: a set drops repeats")
            if set(result) == set("".join(docs)):
                return verdict(False, "", "right characters, wrong order: sort them, so ids never depend on luck")
            return verdict(False, "", "collect every character of every document, each once, in sorted order")
    return verdict(True, "Sorted and unique: the same data always gives the same ids.", "")


def check_encode_with_bos(encode_with_bos):
    """01: encode_with_bos(name, chars) is [BOS] + the ids of the name's characters + [BOS], BOS = len(chars)."""
    cases = [("emma", LETTERS), ("", LETTERS), ("cab", ["a", "b", "c"]), ("zz", LETTERS)]
    for name, chars in cases:
        result, problem = _run(encode_with_bos, name, chars)
        if problem:
            return verdict(False, "", problem)
        expected = Tokenizer(chars).encode_doc(name)
        if result != expected:
            if isinstance(result, list) and result[1:-1] == expected[1:-1] and result != expected:
                return verdict(False, "", "the characters are right; check BOS: its id is len(chars), at both ends")
            if isinstance(result, list) and len(result) == len(expected) - 1:
                return verdict(False, "", "one token is missing: BOS goes at the start AND at the end")
            return verdict(False, "", "a character's id is its position in `chars` (counting from 0), and the list "
                                      "starts and ends with BOS")
    return verdict(True, "That is exactly what the model is trained on.", "")


def check_decode_ids(decode_ids):
    """01: decode_ids(ids, chars) is the text of the ids, with every BOS (id len(chars)) dropped."""
    cases = [([26, 4, 12, 12, 0, 26], LETTERS), ([26, 26], LETTERS), ([0, 1, 3, 2], ["a", "b", "c"])]
    for ids, chars in cases:
        result, problem = _run(decode_ids, ids, chars)
        if problem:
            if "IndexError" in problem:
                problem += " (BOS has id len(chars) and no character: skip it)"
            return verdict(False, "", problem)
        if result != Tokenizer(chars).decode(ids):
            if not isinstance(result, str):
                return verdict(False, "", f"return a string, not a {type(result).__name__}: ''.join(...) makes one")
            return verdict(False, "", "look each id up in `chars`, skip BOS wherever it is, and join the characters")
    return verdict(True, "Encoding then decoding gives the name back.", "")


def _toy_bigram():
    """A tiny dataset for the counting exercises: its tokenizer and add-one-smoothed probabilities."""
    docs = ["ab", "ba", "aab", "b"]
    tokenizer = Tokenizer.from_docs(docs)
    return tokenizer, bigram.bigram_probs(bigram.count_bigrams(docs, tokenizer))


def check_name_nll(name_nll):
    """02: name_nll(name, probs, tokenizer) is the average -log p over the name's predictions, BOS at both ends."""
    tokenizer, probs = _toy_bigram()
    for name in ["ab", "bba", ""]:
        result, problem = _run(name_nll, name, probs, tokenizer)
        if problem:
            return verdict(False, "", problem)
        expected = bigram.mean_nll(probs, [name], tokenizer)
        if not _close(result, expected):
            predictions = len(name) + 1
            if _close(result, -expected):
                return verdict(False, "", "a negative log-likelihood is never negative: put a minus before the log")
            if _close(result, expected * predictions):
                return verdict(False, "", "that is the sum; the loss is the average over the predictions")
            return verdict(False, "", "encode the name with BOS at both ends; for each pair (current, next) take "
                                      "-log(probs[current][next]); average them")
    return verdict(True, "The less likely the model finds a name, the higher its loss.", "")


def check_with_temperature(with_temperature):
    """02: with_temperature(probs, t) reweights probabilities to p ** (1 / t), normalised to sum to 1."""
    cases = [([0.5, 0.25, 0.25], 1.0), ([0.5, 0.25, 0.25], 0.5), ([0.7, 0.2, 0.1, 0.0], 2.0), ([0.1, 0.9], 0.25)]
    for probs, t in cases:
        result, problem = _run(with_temperature, list(probs), t)
        if problem:
            return verdict(False, "", problem)
        weights = [p ** (1 / t) for p in probs]
        expected = [w / sum(weights) for w in weights]
        if not _close_lists(result, expected):
            if not _sums_to_one(result):
                return verdict(False, "", "the result must be probabilities again: divide by their sum")
            return verdict(False, "", "raise each probability to the power 1 / temperature, then normalise; "
                                      "temperature < 1 must make the likely more likely")
    return verdict(True, "Low temperature sharpens the distribution, high temperature flattens it.", "")


def check_bigram_probs(bigram_probs):
    """02: bigram_probs(counts, k) adds k to every count, then divides each row by its new total."""
    cases = [([[0, 2], [1, 1]], 0), ([[0, 2], [1, 1]], 1), ([[3, 0, 1], [0, 0, 4], [2, 2, 0]], 0.5)]
    for counts, k in cases:
        result, problem = _run(bigram_probs, [list(row) for row in counts], k)
        if problem:
            return verdict(False, "", problem)
        expected = bigram.bigram_probs(counts, k)
        if not (isinstance(result, list) and len(result) == len(expected)
                and all(_close_lists(r, e) for r, e in zip(result, expected))):
            if isinstance(result, list) and all(_sums_to_one(row) for row in result):
                return verdict(False, "", "each row sums to 1, but the values are off: add k to EVERY count, "
                                          "so a row's total grows by k times its length")
            return verdict(False, "", "work row by row: add k to each count, then divide by the row's new total, "
                                      "so that every row sums to 1")
    return verdict(True, "With k > 0 no pair is impossible, so no name gets an infinite loss.", "")


# --- notebooks 03-04: autograd, building blocks ---

def check_central_difference(central_difference):
    """03, exercise 1: the slope from nudging x both ways, which is far more accurate than one way."""
    cases = [(lambda x: x**3, 2.0, 1e-3, 12.0), (math.sin, 1.0, 1e-2, math.cos(1.0)),
             (lambda x: 5 * x - 1, -3.0, 0.5, 5.0)]
    results = []
    for f, x, h, _ in cases:
        result, problem = _run(central_difference, f, x, h)
        if problem:
            return verdict(False, "", problem)
        results.append(result)
    if not all(isinstance(r, (int, float)) for r in results):
        return verdict(False, "", "central_difference(f, x, h) should return the slope, a number.")
    ok = _all_close(results, [slope for *_, slope in cases], 1e-4)  # the central error, ~h**2, is far below this
    if not ok and _all_close(results, [(f(x + h) - f(x)) / h for f, x, h, _ in cases]):
        return verdict(False, "", "that is the one-sided nudge (f(x + h) - f(x)) / h; nudge to both sides of x.")
    return verdict(ok, "Nudging both ways cancels the curvature error: the slope is accurate to about h**2.",
                   "evaluate f on both sides of x, at x + h and x - h, and divide the change by the distance "
                   "between those two points.")


HAND_X, HAND_Y = 2.0, -3.0  # the point of exercise 03.2, L = (x*y + x)**2


def check_hand_gradients(grad_x, grad_y):
    """03, exercise 2: dL/dx and dL/dy of L = (x*y + x)**2, worked out by hand."""
    x, y = Value(HAND_X), Value(HAND_Y)
    loss = (x * y + x) ** 2
    loss.backward()
    if not all(isinstance(g, (int, float)) for g in (grad_x, grad_y)):
        return verdict(False, "", "replace each None with a number: dL/dx and dL/dy at x = 2, y = -3.")
    if _close(grad_y, y.grad) and not _close(grad_x, x.grad):
        return verdict(False, "", "grad_y is right. x reaches L along two paths (through x*y and through + x): "
                                  "add the contributions of both paths.")
    ok = _close(grad_x, x.grad) and _close(grad_y, y.grad)
    return verdict(ok, "Chain rule by hand, and x's two paths added up, as += does in backward().",
                   "call q = x*y + x. Work backwards: dL/dq = 2q, then multiply by dq/dx and dq/dy (chain rule).")


def check_tanh(tanh):
    """03, exercise 3: tanh built from Value operations, so that backward() goes through it."""
    for x in (-2.0, -0.5, 0.0, 0.7, 3.0):
        v = Value(x)
        out, problem = _run(tanh, v)
        if problem:
            return verdict(False, "", problem)
        if not isinstance(out, Value):
            return verdict(False, "", "return a Value computed from v with Value operations (exp, +, -, /, **); "
                                      "math.tanh works on plain numbers and backward() cannot go through it.")
        out.backward()
        if not _close(out.data, math.tanh(x)):
            return verdict(False, "", f"the forward value is not tanh({x}): compare with math.tanh for a few x.")
        if not _close(v.grad, 1 - math.tanh(x) ** 2):
            return verdict(False, "", "the value is right but the gradient is not: build the result from v "
                                      "itself (a Value made from a plain number has no path back to v).")
    return verdict(True, "backward() finds tanh's derivative, 1 - tanh(x)**2, without being told it.", "")


CE_CASES = [([2.0, 1.0, 0.1], 0), ([0.5, -1.0, 3.0, 0.0], 1), ([1000.0, 1001.0, 999.0], 2)]


def _stable_cross_entropy(logits, target):
    """The cross-entropy loss and its gradients wrt the logits, in plain floats."""
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    probs = [e / sum(exps) for e in exps]
    return -math.log(probs[target]), [p - (i == target) for i, p in enumerate(probs)]


def check_cross_entropy(cross_entropy):
    """04, exercise 1: the loss -log(softmax(logits)[target]) on Values."""
    for zs, target in CE_CASES:
        logits = [Value(z) for z in zs]
        loss, problem = _run(cross_entropy, logits, target)
        if problem and "OverflowError" in problem:
            return verdict(False, "", "exp() overflowed on large logits: compute the probabilities with a "
                                      "softmax that subtracts the max logit first.")
        if problem:
            return verdict(False, "", problem)
        if not isinstance(loss, Value):
            return verdict(False, "", "return the loss as one Value computed from the logits.")
        expected, grads = _stable_cross_entropy(zs, target)
        if not _close(loss.data, expected):
            sign = " (check the sign: the loss is positive)" if _close(loss.data, -expected) else ""
            return verdict(False, "", "the loss is minus the log of the probability that softmax gives "
                                      f"the target{sign}.")
        loss.backward()
        if not _all_close([z.grad for z in logits], grads):
            return verdict(False, "", "the loss is right but the gradients of the logits are not: "
                                      "build the loss from the logits with Value operations.")
    return verdict(True, "This is the loss the GPT minimises, one next token at a time.", "")


def check_logit_grads(logit_grads):
    """04, exercise 2: the gradient of the cross-entropy wrt the logits, from the probabilities."""
    for probs, target in [([0.7, 0.2, 0.1], 0), ([0.1, 0.6, 0.3], 2), ([0.25, 0.25, 0.25, 0.25], 3)]:
        answer, problem = _run(logit_grads, list(probs), target)
        if problem:
            return verdict(False, "", problem)
        if not isinstance(answer, list) or len(answer) != len(probs):
            return verdict(False, "", "return a list with one gradient (a number) per logit.")
        logits = [Value(math.log(p)) for p in probs]  # softmax of these logits gives back probs
        loss = -softmax(logits)[target].log()
        loss.backward()
        if not _all_close(answer, [z.grad for z in logits]):
            wrt_probs = [-1 / p if i == target else 0 for i, p in enumerate(probs)]
            if _all_close(answer, wrt_probs):
                return verdict(False, "", "that is the gradient wrt the probabilities; the question asks for "
                                          "the logits, one step further back through softmax.")
            return verdict(False, "", "compute the logits' gradients with Values and backward() for a few cases, "
                                      "and compare them with probs and the target: the pattern is simple.")
    return verdict(True, "Every logit's gradient is simple: the model's probability minus the target's.", "")


def _layernorm_reference(x, eps):
    mean = sum(x) / len(x)
    var = sum((xi - mean) ** 2 for xi in x) / len(x)
    return [(xi - mean) * (var + eps) ** -0.5 for xi in x]


def check_layernorm(layernorm):
    """04, exercise 3: LayerNorm without learned parameters, on Values."""
    for xs in ([1.0, 2.0, 4.0], [-0.5, 0.3, 0.9, 2.0, -1.2]):
        x, x_ref = [Value(v) for v in xs], [Value(v) for v in xs]
        out, problem = _run(layernorm, x)
        if problem:
            return verdict(False, "", problem)
        if not (isinstance(out, list) and len(out) == len(xs) and all(isinstance(o, Value) for o in out)):
            return verdict(False, "", "return a list of Values, one per input, computed from x.")
        ref = _layernorm_reference(x_ref, 1e-5)
        if not _all_close([o.data for o in out], [r.data for r in ref]):
            rms = [v * (sum(u * u for u in xs) / len(xs) + 1e-5) ** -0.5 for v in xs]
            if _all_close([o.data for o in out], rms):
                return verdict(False, "", "that is rmsnorm: subtract the mean first, and divide by the "
                                          "standard deviation around the mean.")
            return verdict(False, "", "subtract the mean, then divide by sqrt(variance + 1e-5), where the "
                                      "variance is the mean of the squared differences from the mean.")
        weights = [0.3, -1.0, 0.5, 2.0, 0.7]  # a weighted sum: a plain sum of LayerNorm outputs is always 0
        sum(w * o for w, o in zip(weights, out)).backward()
        sum(w * r for w, r in zip(weights, ref)).backward()
        if not _all_close([v.grad for v in x], [v.grad for v in x_ref], 1e-6):
            return verdict(False, "", "the outputs are right but the gradients are not: compute them from x "
                                      "with Value operations only.")
    return verdict(True, "LayerNorm = centre, then rmsnorm; GPT-2 uses it where our model uses rmsnorm.", "")
