"""Notebook 06, attention: one query's weights by hand, the same without the scale, one head of multi-head
attention, and a question the attention explorer answers."""

import random
from functools import lru_cache

from ..autograd import Value
from ..engines.base import softmax
from .verdict import Hint, all_close, call, checker, close, multiple_choice, reject

EXPLORER_NAME, EXPLORER_HEAD, EXPLORER_QUERY = "kevin", 2, 5  # exercise 4: the 'n' of kevin, in head 2
MODEL_HEAD_DIM = 4  # the shipped model's head_dim, which a learner may write into exercise 3 by hand
CHOICES = {
    "a": "the weights no longer add up to 1",
    "b": "the largest weight moved toward 1 and the others toward 0",
    "c": "the keys changed order: another key got the largest weight",
    "d": "nothing: softmax cancels the scale",
}  # exercise 2: what leaving out the scale changed; (b) is right
WRONG_CHOICES = {
    "a": "softmax always gives weights that add up to 1, whatever the scores: add them up and see",
    "c": "the scale multiplies every score by the same positive number, so their order stays: compare which key "
         "has the largest weight in both",
    "d": "adding the same number to every score cancels in softmax (notebook 04), but multiplying them does not: "
         "compare the largest weight with and without the scale",
}


def dot(a, b):
    return sum(ai * bi for ai, bi in zip(a, b))


def weights_of(q, keys, scale):
    """softmax(q . k * scale) over the keys, on floats."""
    return softmax([dot(q, k) * scale for k in keys])


def cases(rng, dims=(4, 16, 2)):
    """(q, keys) of random numbers: one query of each length in `dims`, against a few keys; then one whose
    scores are all near 800 (scaled) and close together, where an exp that is not guarded overflows."""
    small = [([rng.gauss(0, 1.5) for _ in range(d)], [[rng.gauss(0, 1.5) for _ in range(d)] for _ in range(n)])
             for d, n in zip(dims, (3, 6, 1))]
    large = ([20 + rng.gauss(0, 0.05) for _ in range(4)], [[20 + rng.gauss(0, 0.05) for _ in range(4)]
                                                          for _ in range(5)])
    return small + [large]


def judge_weights(function, scale_of, mistakes):
    """Run the learner's weights `function` on random queries and keys and compare with softmax(q.k * scale).

    `scale_of(head_dim, n_keys)` is the right scale; `mistakes` maps a wrong scale (the same kind of
    function) to its hint. The weights must be Values made from q and the keys, so gradients flow.
    """
    for q, keys in cases(random.Random(6)):
        q_v, keys_v = [Value(x) for x in q], [[Value(x) for x in k] for k in keys]
        weights = call(function, q_v, keys_v, notes={
            "OverflowError": "exp() overflows on large scores, and the checker tries scores of several hundred: "
                             "notebook 04's softmax, the one imported at the top, guards against that"})
        if not (isinstance(weights, list) and all(isinstance(w, Value) for w in weights)):
            raise Hint("return a list of Values, one weight per key, computed from q and the keys with Value "
                       "operations")
        if len(weights) != len(keys):
            raise Hint(f"there are {len(keys)} keys but you returned {len(weights)} weights: one weight per key")
        answer = [w.data for w in weights]
        if all_close(answer, weights_of(q, keys, scale_of(len(q), len(keys)))):
            sum(w * (i + 1) for i, w in enumerate(weights)).backward()  # gradients must reach the query
            if len(keys) > 1 and not any(x.grad for x in q_v):  # (one key's weight is always 1: no gradient)
                raise Hint("the weights are right but q gets no gradient: compute them from q and the keys with "
                           "Value operations (microgpt.softmax works on Values)")
            continue
        scores = [dot(q, k) * scale_of(len(q), len(keys)) for k in keys]
        reject(answer, [(weights_of(q, keys, wrong(len(q), len(keys))), hint) for wrong, hint in mistakes]
               + [(scores, "these are the scores: softmax turns them into weights, positive and adding up to 1")],
               otherwise="the weights are not softmax of the scores: check each step of section 1 on one key",
               same=all_close)


@checker("One query against the keys: scaled dot products, then softmax. This is what each head does.")
def check_attention_weights(attention_weights):
    """Exercise 1: attention_weights(q, keys) = softmax(q . k / sqrt(head_dim)) over the keys."""
    judge_weights(attention_weights, lambda d, n: d ** -0.5, [
        (lambda d, n: 1, "you left out the scale: every dot product is divided by something before softmax"),
        (lambda d, n: 1 / d, "you divided by head_dim itself; look again at the scale in section 1"),
        (lambda d, n: d ** 0.5, "you multiplied by the scale's inverse: the scale makes the scores smaller"),
        (lambda d, n: n ** -0.5, "you scaled by the number of keys; the scale depends on how many numbers each "
                                 "dot product adds up, head_dim"),
    ])


@checker("Without the scale the weights saturate: nearly all on one key, and softmax's gradients vanish.")
def check_unscaled(unscaled_weights, what_changed=None):
    """Exercise 2: the weights without the scale, and which of CHOICES says what changed (b)."""
    judge_weights(unscaled_weights, lambda d, n: 1, [
        (lambda d, n: d ** -0.5, "these weights are still scaled: leave the scale out this time"),
    ])
    multiple_choice(what_changed, "what_changed", "your function is right", CHOICES, WRONG_CHOICES)


def head_of(q, keys, values, h, n_head, scale_dim=None, start=None, mixed=None):
    """Head h's output, floats. The keyword arguments make the typical mistakes: scale by another length,
    take another slice, mix other vectors than the values."""
    hd = len(q) // n_head
    s = h * hd if start is None else start
    q_h = q[s:s + hd]
    weights = weights_of(q_h, [k[s:s + hd] for k in keys], (scale_dim or hd) ** -0.5)
    mixed = values if mixed is None else mixed
    return [sum(w * v[j] for w, v in zip(weights, mixed)) for j in range(s, s + hd)]


def changed(before, after):
    """Whether the learner's function changed a vector (or a list of vectors) it was given, in place."""
    if isinstance(before, Value):
        return after is not before
    return len(after) != len(before) or any(changed(b, a) for b, a in zip(before, after))


@checker("One head: its slice of q, k and v, scaled dot products, softmax, then the weighted sum of the values.")
def check_head_output(head_output):
    """Exercise 3: head_output(q, keys, values, h, n_head), the output of head h alone."""
    rng = random.Random(3)
    for n_embd, n_head, n_keys, h in [(16, 4, 6, 2), (8, 4, 5, 1), (12, 4, 5, 3), (16, 2, 3, 1), (12, 3, 5, 0)]:
        q, keys, values = ([rng.gauss(0, 1.5) for _ in range(n_embd)],
                           *([[rng.gauss(0, 1.5) for _ in range(n_embd)] for _ in range(n_keys)] for _ in "kv"))
        given = [Value(x) for x in q], [[Value(x) for x in k] for k in keys], [[Value(x) for x in v] for v in values]
        kept = list(given[0]), [list(k) for k in given[1]], [list(v) for v in given[2]]
        out = call(head_output, *given, h, n_head)
        for name, before, after in zip(("q", "keys", "values"), kept, given):
            if changed(before, after):
                raise Hint(f"your function changed `{name}` in place: the other heads and the later positions read "
                           "the same vectors, so leave them as they were")
        if not (isinstance(out, list) and all(isinstance(o, Value) for o in out)):
            raise Hint("return the head's output as a list of Values")
        hd = n_embd // n_head
        if len(out) != hd:
            known = {n_keys: "that is one number per key, like the weights: the output is a mix of the values",
                     n_embd: "that is as long as the whole vector: one head works on its own head_dim numbers",
                     hd - 1: "one short: a slice a[start:stop] stops just before `stop`",
                     MODEL_HEAD_DIM: f"{MODEL_HEAD_DIM} is the shipped model's head_dim, but these vectors are "
                                     "split into heads of another size"}
            raise Hint(f"head {h}'s output should have head_dim = {n_embd} // {n_head} = {hd} numbers, not "
                       f"{len(out)}" + (f"; {known[len(out)]}" if len(out) in known else ""))
        answer = [o.data for o in out]
        if all_close(answer, head_of(q, keys, values, h, n_head)):
            continue
        other_heads = [(head_of(q, keys, values, other, n_head),
                        f"that is the output of head {other}, not of head {h}: count the heads from 0")
                       for other in range(n_head) if other != h]
        reject(answer, other_heads + [
            (head_of(q, keys, values, h, n_head, scale_dim=n_embd),
             "you scaled by the whole vector's length; each head's dot products add up head_dim numbers"),
            (head_of(q, keys, values, h, n_head, scale_dim=MODEL_HEAD_DIM),
             f"you scaled by the shipped model's head_dim, {MODEL_HEAD_DIM}; here a head has {hd} numbers"),
            (head_of(q, keys, values, h, n_head, start=h),
             "your slice is not head h's: head 0 owns the first head_dim numbers, head 1 the next head_dim, and so on"),
            (head_of(q, keys, values, h, n_head, mixed=keys),
             "you mixed the keys: the weights say how much of each value to take"),
        ], otherwise="the output is not head h's: check the slice, the weights, then the weighted sum of the values",
            same=all_close)


@lru_cache(maxsize=None)
def explorer_row():
    """(labels, weights) of exercise 4's row: what the shipped model's query looks at, in every head."""
    from ..checkpoint import load_shipped
    from ..engines import make_model
    ck = load_shipped()
    model = make_model(ck.config, ck.weights, engine="fast")
    tokens = [ck.tokenizer.bos] + ck.tokenizer.encode(EXPLORER_NAME)
    cache = model.new_cache()
    for pos_id, token_id in enumerate(tokens):
        model.logits(token_id, pos_id, cache)
    labels = ["BOS"] + list(EXPLORER_NAME)
    return labels, [heads[EXPLORER_QUERY] for heads in cache.attention[0]]


@checker("The explorer answers such questions at a glance: this head looks back past the 'i' to the last 'e'.")
def check_explorer_answer(answer):
    """Exercise 4: (letter, weight) of the earlier letter that kevin's 'n' looks at most in head 2."""
    labels, heads = explorer_row()
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Hint("answer with a pair: the letter and its weight, e.g. (\"a\", 0.25)")
    letter, weight = answer
    if not isinstance(letter, str) or letter not in labels:
        raise Hint(f"give the letter as a string, one of {', '.join(repr(x) for x in dict.fromkeys(labels))}")
    if not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
        raise Hint("give the weight as the number the explorer shows, between 0 and 1")
    row = heads[EXPLORER_HEAD]
    top = max(range(len(row)), key=row.__getitem__)
    if letter != labels[top]:
        others = [h for h, weights in enumerate(heads) if labels[max(range(len(weights)), key=weights.__getitem__)]
                  == letter]
        if letter == labels[EXPLORER_QUERY - 1]:
            raise Hint(f"{letter!r} is the letter just before the 'n'; in head {EXPLORER_HEAD} the 'n' looks "
                       "elsewhere more: find the darkest cell of its row")
        if others:
            raise Hint(f"that is where the 'n' looks most in head {others[0]}: choose head {EXPLORER_HEAD}")
        raise Hint(f"in head {EXPLORER_HEAD}, the row of the 'n' has a darker cell than the one of {letter!r}")
    if not close(weight, round(row[top], 2), 0.0051):
        raise Hint(f"{letter!r} is right; its weight is not {weight}: hover over or click the cell to read it")

