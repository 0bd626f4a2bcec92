"""Notebook 07, the whole GPT and its loss: the loss of one position by hand, where an untrained model's loss
starts, and one gradient of lm_head read off the inspector and explained in code."""

import math
import random
from functools import lru_cache

from ..engines.base import softmax
from .verdict import Hint, call, checker, close, multiple_choice, reject

INSPECTED_NAME = "emma"  # exercise 3: the name whose largest lm_head gradient the learner reads off the inspector
CHARACTERS = 52  # exercise 2: a vocabulary of the 26 letters in lower and upper case, and BOS
WHY = {
    "a": "its weights are small random numbers, so its logits are all near 0 and softmax gives every token about "
         "the same probability",
    "b": "it has seen no names yet, so it predicts BOS, the end of the name, at every position",
    "c": "no model can have a loss above ln V: it is the largest loss there is",
    "d": "its weights all start at exactly 0",
}  # exercise 2: why the loss starts near ln V; (a) is right
WRONG_WHY = {
    "b": "a model that predicted BOS would give it a probability near 1 and every letter one near 0: its loss on "
         "the letters would be huge, far above ln V. Look at the untrained model's probabilities in section 3",
    "c": "a model can do far worse than ln V: one that is sure of a wrong token gives the right one a tiny p, and "
         "-ln p is as large as you like (section 2's table has losses above ln 27)",
    "d": "the seed draws every weight from a Gaussian of standard deviation 0.08 (init_weights): small, but not 0",
}


def cross_entropy(logits, target):
    return -math.log(softmax(logits)[target])


# --- exercise 1: the loss of one position, on plain numbers ---

@lru_cache(maxsize=None)
def model_logits():
    """(logits, target) of the shipped model at position 2 of emma: it has read BOS, e, m and must predict m."""
    from ..checkpoint import load_shipped
    from ..engines import make_model
    ck = load_shipped()
    model = make_model(ck.config, ck.weights, engine="fast")
    tokens = ck.tokenizer.encode_doc("emma")
    cache = model.new_cache()
    for pos in range(3):
        logits = model.logits(tokens[pos], pos, cache)
    return tuple(logits), tokens[3]


def model_loss():
    return cross_entropy(*model_logits())


SMALL = [2.0, 1.0, 0.1]  # exercise 1's first logits: exp of them minus a large number underflows to 0
NEAR_1000 = [1000.0, 1001.0, 999.0]  # exp(1000) overflows a float
FAR_APART = [-1000.0, 0.0, 1000.0, 290.0]  # target 3: exp overflows unless the largest comes off (p = e^-710 still fits)
EXP_LIMIT = "a float holds exp(z) only up to z = 709.78"
OVERFLOW = {
    tuple(NEAR_1000): f"on the logits {NEAR_1000}: {EXP_LIMIT}, and your code takes exp of numbers that large. "
                      "Notebook 04's softmax met the same problem",
    tuple(FAR_APART): f"on the logits {FAR_APART}: those near 1000 passed, but here, after what you take off the "
                      f"logits, some of them are still far above 709 ({EXP_LIMIT}). What you take off must keep "
                      "every exp small, however far apart the logits are",
}


def position_loss_notes(logits):
    """What each error of a learner's position_loss on `logits` says about where it comes from."""
    return {
        "OverflowError": OVERFLOW.get(tuple(logits), f"on the logits {logits}: {EXP_LIMIT}"),
        "ZeroDivisionError": f"on the logits {logits}: every exp came out as 0.0, so their total is 0. math.exp(z) "
                             "of a z below about -745 is too small for a float and becomes 0: look at what your "
                             "code takes exp of",
        "AttributeError": "the logits are plain floats here, not Values: use math.exp and math.log",
        "ValueError: math domain error": "a log of 0 or of a negative number: the log is taken of a probability, "
                                         "after softmax, not of a logit"}


@checker("-ln of the probability that softmax gives the token that really comes next: one position's loss.")
def check_position_loss(position_loss):
    """Exercise 1: position_loss(logits, target) = -ln softmax(logits)[target], on floats, even far apart."""
    real_logits, real_target = model_logits()
    for logits, target in [(SMALL, 0), ([0.5, -1.0, 3.0, 0.0], 1), (list(real_logits), real_target),
                           (NEAR_1000, 2), (FAR_APART, 3)]:
        given = list(logits)
        answer = call(position_loss, given, target, notes=position_loss_notes(logits))
        if given != logits:
            raise Hint("you changed the logits in place: leave the list as it is and compute into a new one")
        if isinstance(answer, (list, tuple)):
            raise Hint("return one number, the loss of the target, not one per token")
        if not isinstance(answer, (int, float)) or isinstance(answer, bool):
            raise Hint(f"return the loss as a plain number (a float), not a {type(answer).__name__}")
        expected = cross_entropy(logits, target)
        if close(answer, expected):
            continue
        probs, top, vocab = softmax(logits), max(logits), len(logits)
        one_side = ("the largest logit came off some logits but not off all of them (the target's, or those in "
                    "the total): softmax keeps its probabilities only when the same number comes off every logit")
        by_count = "softmax divides each exp by the total of the exps, not by the number of tokens"
        mistakes = [
            (probs[target], "that is the target's probability; the loss is minus its log"),
            (-expected, "check the sign: a loss is positive, and -ln p is 0 only when p = 1"),
            (-logits[target], "that is minus the target's logit: softmax turns the logits into probabilities "
                              "first, each exp divided by the total of all of them"),
            (expected / math.log(10), "use the natural log, math.log, as the loss does (not log10)"),
            (expected / math.log(2), "use the natural log, math.log, as the loss does (not log2)"),
            (expected + top, one_side),
            (expected - top, one_side),
            (top - logits[target] + math.log(vocab), by_count),
            (math.log(vocab) - logits[target], by_count),
            (expected / vocab, "that is the loss divided by the number of tokens: one position's loss is -ln p of "
                               "its target alone, with nothing to average"),
        ] + [(-math.log(p), f"that is the loss of token {k}; the loss reads the probability of the target, token "
                            f"{target}") for k, p in enumerate(probs) if k != target and p > 0]
        if logits[target] > 0:
            mistakes.append((-math.log(logits[target]), "that is minus the log of the target's logit: the log is "
                                                        "taken of a probability, after softmax"))
        reject(answer, mistakes, otherwise=f"on the logits of position 2 of emma the loss is {model_loss():.4f} "
                                           "(section 2's table): check each step on them", same=close)


# --- exercise 2: where an untrained model's loss starts, and why ---

def near(a, b):
    """Within 0.005: the two decimals a learner may give, and far enough from ln 52 (0.019 away)."""
    return abs(a - b) <= 0.005


@checker("An untrained model guesses about uniformly: its loss starts near ln V, here ln 53 = 3.97.")
def check_initial_loss(initial_loss, why=None):
    """Exercise 2: the loss an untrained model of a 53-token vocabulary starts near (ln 53), and why (a)."""
    vocab = CHARACTERS + 1
    if initial_loss is None or initial_loss is ...:
        raise Hint("set initial_loss to a number: the loss an untrained model starts near")
    if not isinstance(initial_loss, (int, float)) or isinstance(initial_loss, bool):
        raise Hint(f"initial_loss should be a number, not a {type(initial_loss).__name__}")
    expected = math.log(vocab)
    if not near(initial_loss, expected):
        if expected < initial_loss < expected + 0.2:
            raise Hint("that is about what a fresh model measures, a little above where it starts near: the loss "
                       "of a model that gives every token exactly the same probability")
        reject(initial_loss, [
            (math.log(CHARACTERS), "count BOS too: the model predicts it as well, the end of a name"),
            (math.log(27), "ln 27 is for the names' 27 tokens; this vocabulary has more"),
            (1 / vocab, "that is the probability each token gets; the loss is minus its log"),
            (1 / CHARACTERS, "that is about the probability each token gets; the loss is minus its log"),
            (-expected, "check the sign: a loss is positive"),
            (math.log10(vocab), "use the natural log, as the loss does (not log10)"),
            (math.log2(vocab), "use the natural log, as the loss does (not log2)"),
        ], otherwise="if every one of the tokens gets the same probability, what is it, and what is minus its "
                     "log?", same=near)
    multiple_choice(why, "why", "the number is right", WHY, WRONG_WHY)


# --- exercise 3: one gradient of lm_head, read off the inspector and explained in code ---

def shares(probs, targets, streams, token, next_token, column):
    """Each position's share of a gradient of lm_head, before the average: (p(token) - 1 if next_token comes next,
    else p(token)) times number `column` of the stream. The right one is token = next_token = t, column = j."""
    return [(p[token] - (y == next_token)) * x[column] for p, y, x in zip(probs, targets, streams)]


def lm_head_grad(probs, targets, streams, t, j):
    """d(loss)/d(lm_head[t][j]): the average of the positions' shares."""
    terms = shares(probs, targets, streams, t, t, j)
    return sum(terms) / len(terms)


def lm_head_mistakes(probs, targets, streams, t, j):
    """(wrong answer, hint) for the typical mistakes of exercise 3 on one document."""
    n, vocab, width = len(probs), len(probs[0]), len(streams[0])
    right = shares(probs, targets, streams, t, t, j)
    mean = sum(right) / n
    mistakes = [
        (-mean, "the sign is flipped: where t comes next, raising its logit lowers the loss, so that logit's "
                "gradient is negative"),
        (sum(right), "the loss is the average over the positions: divide by how many there are"),
        (sum(p[t] - (y == t) for p, y in zip(probs, targets)) / n,
         "that is the gradient of the logit of t; a weight's gradient is also times the input it multiplies, "
         "number j of the stream"),
    ]
    if any(y == t for y in targets):
        mistakes.append((sum(p[t] * x[j] for p, x in zip(probs, streams)) / n,
                         "at the positions where t comes next, the logit of t gets p - 1, not p: raising it is what "
                         "lowers the loss there"))
    mixed = ("t and j are mixed up: t is a token (a row of lm_head, an index into probs, a target), j a number of "
             "the stream")
    mistakes += [(sum(shares(probs, targets, streams, a, b, c)) / n, mixed)
                 for a in (t, j) for b in (t, j) for c in (t, j) if (a, b, c) != (t, t, j) and a < vocab and c < width]
    shifted = "the targets are off by one position: targets[pos] is already the token that comes after position pos, " \
              "the one probs[pos] gives a probability"
    later, earlier = shares(probs, targets[1:], streams, t, t, j), shares(probs[1:], targets, streams[1:], t, t, j)
    mistakes += [(sum(terms) / k, shifted) for terms in (later, earlier) for k in (n, n - 1)]
    mistakes += [(sum(shares(probs, rolled, streams, t, t, j)) / n, shifted)  # targets[pos + 1], targets[pos - 1]
                 for rolled in (targets[1:] + targets[:1], targets[-1:] + targets[:-1])]
    for where, share in (("last", right[-1]), ("first", right[0])):
        mistakes += [(share / k, f"only the {where} position counts in your answer: lm_head[t][j] makes the logit "
                                 "of t at every position, and each brings its share") for k in (n, 1)]
    if n != 5:
        mistakes.append((sum(right) / 5, "you divide by 5, emma's number of positions: the checker's documents have "
                                         "other lengths"))
    return mistakes


def random_document(rng, n, vocab, width, t):
    """(probs, targets, streams) of n positions; token t is the target at some of them, not at all."""
    probs = [softmax([rng.gauss(0, 1.5) for _ in range(vocab)]) for _ in range(n)]
    targets = [t if pos % 2 else rng.randrange(vocab) for pos in range(n)]
    streams = [[rng.gauss(0, 1) for _ in range(width)] for _ in range(n)]
    return probs, targets, streams


@lru_cache(maxsize=None)
def inspected_gradients():
    """The gradients of lm_head for INSPECTED_NAME in the shipped model, as the inspector reads them."""
    from ..checkpoint import load_shipped
    from ..engines import make_model
    ck = load_shipped()
    _, gradients = make_model(ck.config, ck.weights, engine="fast").loss_and_gradients(
        ck.tokenizer.encode_doc(INSPECTED_NAME))
    return sorted((g for row in gradients["lm_head"] for g in row), key=abs, reverse=True)


@checker("Row t of lm_head moves the logit of t: its gradient averages (p - 1 where t comes next, p elsewhere) "
         "times the number of the stream it multiplies.")
def check_lm_head_gradient(lm_head_gradient, read=None):
    """Exercise 3: lm_head_gradient(probs, targets, streams, t, j), and `read`, emma's largest lm_head gradient."""
    rng = random.Random(11)
    for n, vocab, width, t, j in [(5, 27, 16, 4, 7), (3, 5, 4, 2, 0), (6, 10, 8, 0, 5), (4, 6, 6, 5, 3)]:
        probs, targets, streams = random_document(rng, n, vocab, width, t)
        if n == 3:
            targets = [(t + 1) % vocab] * n  # t never comes next: only the p terms
        kept = [list(p) for p in probs], list(targets), [list(x) for x in streams]
        answer = call(lm_head_gradient, probs, targets, streams, t, j, notes={
            "IndexError": "there is one target per position: targets[pos] is the token that comes after position "
                          "pos"})
        if (probs, targets, streams) != kept:
            raise Hint("you changed probs, targets or streams in place: leave them as they are")
        if not isinstance(answer, (int, float)) or isinstance(answer, bool):
            raise Hint(f"return one number, the gradient of lm_head[t][j], not a {type(answer).__name__}")
        if close(answer, lm_head_grad(probs, targets, streams, t, j)):
            continue
        reject(answer, lm_head_mistakes(probs, targets, streams, t, j), same=close,
               otherwise="at each position, the gradient of the logit of t (notebook 04, exercise 2) times number j "
                         "of the stream; then the average")
    if read is None or read is ...:
        raise Hint("your function is right; now read the largest gradient of lm_head for emma off the inspector "
                   "and set `read` to it, e.g. read = -0.1234")
    if not isinstance(read, (int, float)) or isinstance(read, bool):
        raise Hint("set `read` to the number the inspector shows, e.g. read = -0.1234")
    largest = inspected_gradients()
    if close(read, round(largest[0], 4), 0.00006):
        return
    if close(read, -round(largest[0], 4), 0.00006):
        raise Hint("the size is right, not the sign: the inspector shows it with its sign (a blue cell is positive)")
    if abs(read - largest[0]) < 0.006:
        raise Hint("almost: give the gradient with the four decimals the inspector shows")
    listed = next((k for k in range(1, 5) if close(abs(read), round(abs(largest[k]), 4), 0.00006)), None)
    if listed is not None:
        raise Hint(f"that is number {listed + 1} of the inspector's list for emma; the largest is the first")
    raise Hint("pick emma and lm_head in the inspector: the largest gradient is the first listed under the map")
