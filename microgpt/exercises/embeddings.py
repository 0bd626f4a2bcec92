"""Notebook 05, embeddings and the residual stream: a name's embeddings, rmsnorm, the MLP block with its
residual, and the consonant nearest to the vowels, in the picture of the trained token embeddings and in
their 16 numbers."""

import functools
import math
import random

from .. import model
from ..autograd import Value, zero_grad
from ..checkpoint import load_shipped
from ..tokenizer import Tokenizer
from .verdict import Hint, all_close, call, checker, reject

VOWELS = "aeiou"
LETTERS = "abcdefghijklmnopqrstuvwxyz"
CONSONANTS = [c for c in LETTERS if c not in VOWELS]


def random_matrix(rng, rows, cols, std):
    return [[Value(rng.gauss(0, std)) for _ in range(cols)] for _ in range(rows)]


def data(vectors):
    """The numbers of a list of Values, or of a list of lists of Values."""
    return [data(v) if isinstance(v, list) else v.data for v in vectors]


# --- exercise 1: the vectors the model reads for a name ---

def embeddings_of(ids, wte, wpe):
    return [[t.data + p.data for t, p in zip(wte[token], wpe[pos])] for pos, token in enumerate(ids)]


def held(table):
    """What a table holds, each Value with its number: compared before and after, it shows a change in place."""
    return [[(v, getattr(v, "data", v)) for v in row] for row in table]


def is_rows_of_values(answer):
    return (isinstance(answer, list) and all(isinstance(row, list) for row in answer)
            and all(isinstance(v, Value) for row in answer for v in row))


@checker("BOS and the letters, each its token's row of wte plus its position's row of wpe: what the model reads.")
def check_embed_name(embed_name):
    """Exercise 1: embed_name(name, tokenizer, wte, wpe), one vector wte[token] + wpe[position] per token read."""
    tokenizer = Tokenizer(list(LETTERS))
    rng = random.Random(5)
    wte = random_matrix(rng, tokenizer.vocab_size, 4, 1.0)
    long_wpe, short_wpe = random_matrix(rng, 16, 4, 1.0), random_matrix(rng, 3, 4, 1.0)
    cases = [("anna", long_wpe, "wte has one row per token (27), wpe one row per position (16): check which "
                                "table each index goes into"),
             ("annamariaguadalupe", long_wpe, "wpe has a row for each of the block_size positions only: read "
                                              "the first len(wpe) tokens of a longer name, no more"),
             ("bob", short_wpe, "these tables have only 3 positions (wpe has 3 rows): read at most len(wpe) "
                                "tokens, whatever the size of the tables")]
    for name, wpe, index_note in cases:
        before = {"wte": held(wte), "wpe": held(wpe)}
        answer = call(embed_name, name, tokenizer, wte, wpe, notes={"IndexError": index_note})
        changed = [(table, now) for table, now in (("wte", wte), ("wpe", wpe)) if held(now) != before[table]]
        if changed:
            table, now = changed[0]
            joined = " (+= on a list joins the other list onto it)" if any(
                len(row) != len(was) for row, was in zip(now, before[table])) else ""
            raise Hint(f"you changed {table} in place{joined}: its rows are shared (both n's of 'anna' read the "
                       "same row of wte), so the tables must stay as they were")
        if not is_rows_of_values(answer):
            raise Hint("return a list with one vector per token read, each a list of Values (a row of wte plus a "
                       "row of wpe, added number by number)")
        read = tokenizer.encode_doc(name)[:-1][:len(wpe)]
        expected = embeddings_of(read, wte, wpe)
        if all(all_close(row, want) for row, want in zip(data(answer), expected)) and len(answer) == len(read):
            continue
        if len(answer) == len(name) + 2:
            raise Hint("the last BOS is only a target, never read: the model reads BOS and the letters")
        if len(answer) == min(len(name), len(wpe)):
            raise Hint("the model reads BOS first, at position 0, then the letters")
        if len(answer) != len(read):
            raise Hint(f"'{name}' with {len(wpe)} rows of wpe gives {len(read)} vectors: BOS and the letters, "
                       "at most len(wpe) of them")
        if answer and len(answer[0]) == 2 * len(wte[0]):
            raise Hint("each vector has as many numbers as a row of wte: add the two rows number by number "
                       "instead of joining them")
        reject(data(answer), [
            ([[v.data for v in wte[token]] for token in read], "the two n's of 'anna' come out the same: add each "
                                                               "position's row of wpe"),
            ([[v.data for v in wpe[pos]] for pos in range(len(read))], "every name gets the same vectors: add "
                                                                       "each token's row of wte"),
        ], otherwise="compare your vectors for 'anna' with embed(token_id, pos_id, wte, wpe) of section 2, position "
                     "by position", same=lambda a, b: all(all_close(x, y) for x, y in zip(a, b)))


# --- exercise 2: rmsnorm ---

def rmsnorm_of(x, eps=1e-5, eps_inside=True):
    """rmsnorm of floats; eps_inside=False adds eps to the root instead of the mean square (a mistake)."""
    ms = sum(v * v for v in x) / len(x)
    root = math.sqrt(ms + eps) if eps_inside else math.sqrt(ms) + eps
    return [v / root for v in x]


@checker("Every vector comes out with a root mean square of 1, in the direction it came in.")
def check_rmsnorm(rmsnorm):
    """Exercise 2: rmsnorm(x) on Values, with eps = 1e-5 inside the square root."""
    for xs in ([3.0, -4.0], [0.2, -0.1, 0.3, 0.05, -0.25, 0.1], [0.0, 0.0, 0.0]):
        x = [Value(v) for v in xs]
        given = list(x)
        out = call(rmsnorm, x, notes={"ZeroDivisionError": "on an all-zero vector: that is what eps (1e-5) is for"})
        if len(x) != len(given) or any(a is not b for a, b in zip(x, given)) or data(x) != xs:
            raise Hint("you changed x in place: in the model, x is the stream, which the residual connection still "
                       "needs as it was; return the normalised numbers in a new list")
        if not (isinstance(out, list) and len(out) == len(xs) and all(isinstance(o, Value) for o in out)):
            raise Hint("return a list of Values, one per input, computed from x")
        if not all_close(data(out), rmsnorm_of(xs)):
            total, n = sum(v * v for v in xs), len(xs)
            of_sum = "you divided by the square root of the sum of squares: divide by the root of their mean"
            mistakes = [
                (rmsnorm_of(xs, eps=0), "almost: eps (1e-5) is missing; added to the mean square, it keeps an "
                                        "all-zero vector from dividing by zero"),
                (rmsnorm_of(xs, eps_inside=False), "add eps to the mean square, inside the square root"),
                ([v / math.sqrt(total + 1e-5) for v in xs], of_sum),
                ([v / math.sqrt(total) for v in xs], of_sum),
                ([v * math.sqrt(total / n + 1e-5) for v in xs], "you multiplied by the root mean square: divide by it"),
                (rmsnorm_of([v - sum(xs) / n for v in xs]), "rmsnorm does not subtract the mean (that is LayerNorm)"),
            ] if any(xs) else []  # an all-zero vector: only a missing eps goes wrong, and it raises
            reject(data(out), mistakes, otherwise="work [3.0, -4.0] through by hand: its mean square is 12.5, and "
                                                  "the result's root mean square must be 1", same=all_close)
        weights = [0.5, -1.0, 2.0, 0.3, -0.7, 1.1]
        ref_x = [Value(v) for v in xs]
        sum(w * o for w, o in zip(weights, out)).backward()
        sum(w * o for w, o in zip(weights, model.rmsnorm(ref_x))).backward()
        if not all_close([v.grad for v in x], [v.grad for v in ref_x], 1e-6):
            raise Hint("the outputs are right but the gradients are not: compute them from x with Value operations "
                       "only")


# --- exercise 3: the MLP block with its residual ---

def block_of(x, fc1, fc2, norm=True, relu_at="hidden", residual="x"):
    """The MLP block on the Values x, or one of its typical mistakes: no rmsnorm, relu elsewhere than on the
    hidden units ("input" before fc1, "output" instead of or "also" besides the hidden units, "stream" after
    adding x, None), or the output added to rmsnorm(x) ("normed") or to nothing (None)."""
    normed = model.rmsnorm(x) if norm else x
    hidden = model.linear(model.relu(normed) if relu_at == "input" else normed, fc1)
    out = model.linear(model.relu(hidden) if relu_at in ("hidden", "also") else hidden, fc2)
    out = model.relu(out) if relu_at in ("output", "also") else out
    base = {"x": x, "normed": normed, None: [0.0] * len(x)}[residual]
    stream = [a + b for a, b in zip(base, out)]
    return model.relu(stream) if relu_at == "stream" else stream


def block_data(xs, fc1, fc2, **mistake):
    return data(block_of([Value(v) for v in xs], fc1, fc2, **mistake))


@checker("x + mlp(x), where mlp starts with its own rmsnorm: the block adds its output to the stream and leaves "
         "the stream itself alone.")
def check_mlp_block(mlp_block):
    """Exercise 3: mlp_block(x, fc1, fc2) = x + fc2 · relu(fc1 · rmsnorm(x)), on Values."""
    rng = random.Random(7)
    for width in (4, 6):
        xs = [rng.gauss(0, 1) for _ in range(width)]
        fc1, fc2 = random_matrix(rng, 4 * width, width, 0.5), random_matrix(rng, width, 4 * width, 0.5)
        fc1_fc2 = [p for row in fc1 + fc2 for p in row]
        x = [Value(v) for v in xs]
        given = list(x)
        out = call(mlp_block, x, fc1, fc2)
        if x != given or data(x) != xs:
            raise Hint("you changed x in place: the residual needs x as it was; build a new list for the output")
        if not (isinstance(out, list) and all(isinstance(o, Value) for o in out)):
            raise Hint("return a list of Values: the stream after the block")
        if len(out) == 2 * width:
            raise Hint(f"your result has {2 * width} numbers, x and the block's output one after the other: + on "
                       "two lists joins them; add them number by number")
        if len(out) != width:
            raise Hint(f"x has {width} numbers and so must the result: fc1 expands to {4 * width} hidden units, "
                       f"fc2 projects back to {width}")
        if not all_close(data(out), block_data(xs, fc1, fc2)):
            relu_misplaced = "relu is in the wrong place: it switches off hidden units, so it acts on what fc1 gives"
            reject(data(out), [
                (block_data(xs, fc1, fc2, residual=None),
                 "that is the MLP's output alone: the block adds it to its input x (the residual connection)"),
                (block_data(xs, fc1, fc2, residual="normed"),
                 "add the MLP's output to x itself, not to rmsnorm(x): the residual carries the stream on unchanged"),
                (block_data(xs, fc1, fc2, norm=False),
                 "the block reads the stream through rmsnorm first: normalise x before fc1"),
                (block_data(xs, fc2, fc1),
                 f"fc1 and fc2 are swapped: fc1 ({4 * width} rows of {width}) is the one that expands x"),
                (block_data(xs, fc1, fc2, relu_at=None), "the hidden units go through relu before fc2"),
                (block_data(xs, fc1, fc2, relu_at="also"),
                 "relu goes between the two linear layers only, not after fc2"),
                (block_data(xs, fc1, fc2, relu_at="input"), relu_misplaced + ", not on the block's input"),
                (block_data(xs, fc1, fc2, relu_at="output"), relu_misplaced + ", not on what fc2 gives"),
                (block_data(xs, fc1, fc2, relu_at="stream"),
                 "relu is in the wrong place: applied after adding x, it cuts the stream's negative numbers"),
            ], otherwise="not the stream after the block yet: compare each step with `mlp` of section 4",
               same=all_close)
        weights = [rng.uniform(-1, 1) for _ in range(width)]  # send a gradient back from a weighted sum
        sum(w * o for w, o in zip(weights, out)).backward()
        grads = [v.grad for v in x] + [p.grad for p in fc1_fc2]
        zero_grad(fc1_fc2)
        ref_x = [Value(v) for v in xs]
        sum(w * o for w, o in zip(weights, block_of(ref_x, fc1, fc2))).backward()
        if not all_close(grads, [v.grad for v in ref_x] + [p.grad for p in fc1_fc2], 1e-6):
            raise Hint("the outputs are right but the gradients are not: compute them from x, fc1 and fc2 with "
                       "Value operations only")


# --- exercise 4: the consonant nearest to the vowels, in the picture and in 16 numbers ---

@functools.lru_cache(maxsize=None)
def token_embeddings():
    """The trained token embeddings as {label: 16 numbers}, BOS labelled '.' as in the picture."""
    ck = load_shipped()
    return dict(zip(list(ck.tokenizer.chars) + ["."], ck.weights["wte"]))


@functools.lru_cache(maxsize=None)
def picture():
    """The 2-D points of the trained token embeddings, as notebook 05's picture draws them: {label: (x, y)}."""
    from ..viz.embeddings import project_2d  # the picture's own numbers (numpy, as in the notebooks)
    points, _ = project_2d(list(token_embeddings().values()))
    return dict(zip(token_embeddings(), points))


def vowel_centre(vectors):
    """The mean of the five vowels' vectors (or points)."""
    return [sum(vectors[v][i] for v in VOWELS) / len(VOWELS) for i in range(len(vectors["a"]))]


def by_distance(vectors, centre):
    """The consonants, nearest to `centre` first."""
    return sorted(CONSONANTS, key=lambda c: math.dist(vectors[c], centre))


def mistaken_nearest(vectors, pictured):
    """(answer, hint) for typical mistakes in finding the consonant nearest to the vowels among `vectors`."""
    mean_of_all = [sum(numbers) / len(vectors) for numbers in zip(*vectors.values())]
    farthest = by_distance(vectors, vowel_centre(vectors))[-1]
    if pictured:  # its middle is the mean of all 27 points: measuring from there or from zero is the same mistake
        wrong_centre = [(by_distance(vectors, mean_of_all)[0], "measure from the centre of the five vowels (the "
                                                               "mean of their points), not from the middle of the "
                                                               "picture")]
    else:
        wrong_centre = [(by_distance(vectors, mean_of_all)[0], "the vowels' centre is the mean of the five vowels "
                                                               "only, not of all 27 tokens"),
                        (by_distance(vectors, [0.0] * 16)[0], "measure from the vowels' centre (the mean of their "
                                                              "rows), not from zero")]
    return wrong_centre + [(farthest, "that is the consonant farthest from the vowels: keep the smallest distance")]


@checker("In the picture y, the letter that is sometimes a vowel, is the consonant nearest to the vowels; in all "
         "16 numbers it is x. A picture that keeps 2 of 16 directions can put points nearer than they are.")
def check_nearest_consonant(answer):
    """Exercise 4: (in the picture, in the 16 numbers): the consonant nearest to the mean of the five vowels."""
    pair = "set nearest to a pair of characters, (in the picture, in the 16 numbers), e.g. ('b', 'c')"
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Hint(pair)
    points, rows = picture(), token_embeddings()
    right = [by_distance(vectors, vowel_centre(vectors))[0] for vectors in (points, rows)]
    if list(answer) == right[::-1]:
        raise Hint("the two are swapped: the picture's answer comes first, then the 16 numbers'")
    for given, where in zip(answer, ("in the picture", "in the 16 numbers")):
        if isinstance(given, int) and not isinstance(given, bool):
            raise Hint(f"{where}: answer with the character itself, e.g. 'b', not its token id")
        if not (isinstance(given, str) and len(given) == 1):
            raise Hint(pair)
        if given == ".":
            raise Hint(f"{where}: '.' is BOS, not a consonant: leave it out")
        if given.lower() in VOWELS:
            raise Hint(f"{where}: leave the vowels out, the question asks for the consonant nearest to them")
        if given != given.lower():
            raise Hint("the vocabulary's characters are lower case")
    if answer[0] != right[0]:
        reject(answer[0], mistaken_nearest(points, pictured=True), same=str.__eq__,
               otherwise="in the picture: not this one; compare the distances of all 21 consonants' points to the "
                         "vowels' centre, and keep the smallest")
    if answer[1] != right[1]:
        in_two = (right[0], f"in the 16 numbers, {right[0]} is what the picture says (and what the first one or two "
                            "of the 16 numbers say): the distance in 16 numbers counts all 16")
        reject(answer[1], [in_two, *mistaken_nearest(rows, pictured=False)], same=str.__eq__,
               otherwise="in the 16 numbers: not this one; compare the distances of all 21 consonants' rows of wte "
                         "to the vowels' centre, and keep the smallest")
