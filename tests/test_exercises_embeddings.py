"""Notebook 05's checkers: the model answers pass, and each typical mistake gets its own hint."""

import math

from .checker_verdicts import accepted, hint, shown
from microgpt import Value, linear, relu, rmsnorm
from microgpt.exercises.embeddings import (check_embed_name, check_mlp_block, check_nearest_consonant,
                                           check_rmsnorm, picture, token_embeddings)
from microgpt.viz.embeddings import project_2d


def add(x, y):
    return [a + b for a, b in zip(x, y)]


def embed_name(name, tokenizer, wte, wpe, read=lambda tokens, wpe: tokens[:-1][:len(wpe)], swap=False):
    ids = read(tokenizer.encode_doc(name), wpe)
    if swap:
        return [add(wte[pos], wpe[token]) for pos, token in enumerate(ids)]
    return [add(wte[token], wpe[pos]) for pos, token in enumerate(ids)]


def test_embed_name():
    assert accepted(check_embed_name, embed_name)
    with_last_bos = lambda tokens, wpe: tokens[:len(wpe)]
    assert "last BOS is only a target" in hint(check_embed_name, lambda *a: embed_name(*a, read=with_last_bos))
    without_bos = lambda tokens, wpe: tokens[1:-1][:len(wpe)]
    assert "reads BOS first" in hint(check_embed_name, lambda *a: embed_name(*a, read=without_bos))
    uncut = lambda tokens, wpe: tokens[:-1]
    assert "the first len(wpe) tokens" in hint(check_embed_name, lambda *a: embed_name(*a, read=uncut))
    block_size_16 = lambda tokens, wpe: tokens[:-1][:16]
    assert "only 3 positions" in hint(check_embed_name, lambda *a: embed_name(*a, read=block_size_16))
    assert "which table each index goes into" in hint(check_embed_name, lambda *a: embed_name(*a, swap=True))


def test_embed_name_without_a_table_joined_or_as_floats():
    def read(name, tokenizer, wpe):
        return list(enumerate(tokenizer.encode_doc(name)[:-1][:len(wpe)]))

    tokens_only = lambda name, tk, wte, wpe: [list(wte[t]) for p, t in read(name, tk, wpe)]
    assert "add each position's row of wpe" in hint(check_embed_name, tokens_only)
    positions_only = lambda name, tk, wte, wpe: [list(wpe[p]) for p, t in read(name, tk, wpe)]
    assert "add each token's row of wte" in hint(check_embed_name, positions_only)
    joined = lambda name, tk, wte, wpe: [wte[t] + wpe[p] for p, t in read(name, tk, wpe)]
    assert "instead of joining them" in hint(check_embed_name, joined)
    floats = lambda name, tk, wte, wpe: [[v.data for v in add(wte[t], wpe[p])] for p, t in read(name, tk, wpe)]
    assert "list of Values" in hint(check_embed_name, floats)
    multiplied = lambda name, tk, wte, wpe: [[a * b for a, b in zip(wte[t], wpe[p])] for p, t in read(name, tk, wpe)]
    assert "position by position" in hint(check_embed_name, multiplied)


def test_embed_name_that_changes_a_table_in_place():
    def into_wte(name, tokenizer, wte, wpe, into_wpe=False):  # adds one row into the other, shared, row
        vectors = []
        for pos, token in enumerate(tokenizer.encode_doc(name)[:-1][:len(wpe)]):
            row, other = (wpe[pos], wte[token]) if into_wpe else (wte[token], wpe[pos])
            for i in range(len(row)):
                row[i] = row[i] + other[i]
            vectors.append(row)
        return vectors

    def extends_wte(name, tokenizer, wte, wpe):  # += on a list joins wpe's row onto wte's
        vectors = []
        for pos, token in enumerate(tokenizer.encode_doc(name)[:-1][:len(wpe)]):
            row = wte[token]
            row += wpe[pos]
            vectors.append(row)
        return vectors

    assert "changed wte in place" in hint(check_embed_name, into_wte)
    assert "changed wte in place (+= on a list joins" in hint(check_embed_name, extends_wte)
    assert "changed wte in place:" in hint(check_embed_name, into_wte)
    assert "changed wpe in place" in hint(check_embed_name, lambda *a: into_wte(*a, into_wpe=True))


def norm(x, eps=1e-5, root_eps=0.0, power=-0.5, of_sum=False):
    total = sum(v * v for v in x)
    scale = ((total if of_sum else total / len(x)) + eps) ** power
    if root_eps:
        scale = ((total / len(x)) ** 0.5 + root_eps) ** -1
    return [v * scale for v in x]


def test_rmsnorm():
    assert accepted(check_rmsnorm, norm) and accepted(check_rmsnorm, rmsnorm)
    assert "eps (1e-5) is missing" in hint(check_rmsnorm, lambda x: norm(x, eps=0))
    assert "inside the square root" in hint(check_rmsnorm, lambda x: norm(x, eps=0, root_eps=1e-5))
    assert "sum of squares" in hint(check_rmsnorm, lambda x: norm(x, of_sum=True))
    assert "sum of squares" in hint(check_rmsnorm, lambda x: norm(x, eps=0, of_sum=True))
    assert "multiplied by the root mean square" in hint(check_rmsnorm, lambda x: norm(x, power=0.5))
    assert "that is LayerNorm" in hint(check_rmsnorm, lambda x: norm([v - sum(x) / len(x) for v in x]))
    assert "mean square is 12.5" in hint(check_rmsnorm, lambda x: norm(x, power=-1))
    assert "gradients are not" in hint(check_rmsnorm, lambda x: [Value(v.data) for v in norm(x)])
    assert "list of Values" in hint(check_rmsnorm, lambda x: [v.data for v in norm(x)])


def test_rmsnorm_without_eps_fails_on_the_zero_vector_with_a_note():
    def no_eps_when_zero(x):  # right wherever eps hardly matters, but it divides by zero on zeros
        ms = sum(v * v for v in x) / len(x)
        return [v * (ms + (1e-5 if ms.data > 1e-3 else 0)) ** -0.5 for v in x]

    assert "what eps (1e-5) is for" in hint(check_rmsnorm, no_eps_when_zero)


def test_rmsnorm_that_changes_x_in_place():
    def in_place(x):
        normed = norm(x)
        for i, v in enumerate(normed):
            x[i] = v
        return x

    assert "changed x in place" in hint(check_rmsnorm, in_place)


def block(x, fc1, fc2, normed=True, relu_at="hidden", residual="x"):
    n = rmsnorm(x) if normed else x
    h = linear(relu(n) if relu_at == "input" else n, fc1)
    out = linear(relu(h) if relu_at in ("hidden", "also") else h, fc2)
    out = relu(out) if relu_at in ("output", "also") else out
    stream = add({"x": x, "n": n}[residual], out) if residual else out
    return relu(stream) if relu_at == "stream" else stream


def test_mlp_block():
    assert accepted(check_mlp_block, block)
    assert "MLP's output alone" in hint(check_mlp_block, lambda *a: block(*a, residual=None))
    assert "not to rmsnorm(x)" in hint(check_mlp_block, lambda *a: block(*a, residual="n"))
    assert "normalise x before fc1" in hint(check_mlp_block, lambda *a: block(*a, normed=False))
    assert "through relu before fc2" in hint(check_mlp_block, lambda *a: block(*a, relu_at=None))
    assert "not after fc2" in hint(check_mlp_block, lambda *a: block(*a, relu_at="also"))
    assert "fc1 and fc2 are swapped" in hint(check_mlp_block, lambda x, fc1, fc2: block(x, fc2, fc1))  # zip cuts
    assert "not on the block's input" in hint(check_mlp_block, lambda *a: block(*a, relu_at="input"))
    assert "not on what fc2 gives" in hint(check_mlp_block, lambda *a: block(*a, relu_at="output"))
    assert "after adding x" in hint(check_mlp_block, lambda *a: block(*a, relu_at="stream"))
    doubled = lambda x, fc1, fc2: [2 * v for v in block(x, fc1, fc2)]
    assert "compare each step with `mlp` of section 4" in hint(check_mlp_block, doubled)


def test_the_mlp_blocks_praise_is_the_notebooks_formula():
    assert "x + mlp(x), where mlp starts with its own rmsnorm" in shown(check_mlp_block(block))


def test_mlp_block_that_changes_x_or_loses_the_gradients():
    def in_place(x, fc1, fc2):
        out = linear(relu(linear(rmsnorm(x), fc1)), fc2)
        x += out  # a list's += extends it: x itself changes
        return [a + b for a, b in zip(x, out)]

    assert "changed x in place" in hint(check_mlp_block, in_place)
    assert "gradients are not" in hint(check_mlp_block, lambda *a: [Value(v.data) for v in block(*a)])
    assert "list of Values" in hint(check_mlp_block, lambda *a: [v.data for v in block(*a)])
    assert "so must the result" in hint(check_mlp_block, lambda x, fc1, fc2: relu(linear(rmsnorm(x), fc1)))
    joined = lambda x, fc1, fc2: x + linear(relu(linear(rmsnorm(x), fc1)), fc2)  # + on lists joins them
    assert "+ on two lists joins them" in hint(check_mlp_block, joined)


def test_the_checker_reads_the_notebooks_picture():
    labels = list(token_embeddings())
    points, _ = project_2d(list(token_embeddings().values()))
    assert picture() == dict(zip(labels, points)) and labels[-1] == "." and len(labels) == 27


def test_nearest_consonant():
    assert accepted(check_nearest_consonant, ("y", "x")) and accepted(check_nearest_consonant, ["y", "x"])
    assert "mean of the five vowels only" in hint(check_nearest_consonant, ("y", "f"))
    assert "not from zero" in hint(check_nearest_consonant, ("y", "r"))
    assert "farthest from the vowels" in hint(check_nearest_consonant, ("y", "v"))
    assert "compare the distances of all 21 consonants' rows" in hint(check_nearest_consonant, ("y", "n"))
    assert "not from the middle of the picture" in hint(check_nearest_consonant, ("g", "x"))
    assert "farthest from the vowels" in hint(check_nearest_consonant, ("v", "x"))
    assert "compare the distances of all 21 consonants' points" in hint(check_nearest_consonant, ("n", "x"))
    assert "swapped" in hint(check_nearest_consonant, ("x", "y"))
    assert "BOS, not a consonant" in hint(check_nearest_consonant, (".", "x"))
    assert "leave the vowels out" in hint(check_nearest_consonant, ("y", "a"))
    assert "lower case" in hint(check_nearest_consonant, ("Y", "x"))
    assert "not its token id" in hint(check_nearest_consonant, (24, 23))
    for not_a_pair in ("y", ("y",), ("y", "x", "z"), ("yx", "x")):
        assert "a pair of characters" in hint(check_nearest_consonant, not_a_pair)


def test_nearest_consonant_by_eye_or_along_too_few_numbers():
    def nearest(vectors, numbers=None):  # numbers=1 or 2: the distance along the first number(s) only
        centre = [sum(vectors[v][i] for v in "aeiou") / 5 for i in range(len(vectors["a"]))]
        cut = slice(numbers)
        return min((c for c in vectors if c not in "aeiou."),
                   key=lambda c: math.dist(vectors[c][cut], centre[cut]))

    pictured, rows = dict(picture()), dict(token_embeddings())
    assert accepted(check_nearest_consonant, (nearest(pictured), nearest(rows)))
    for numbers in (1, 2):
        assert "the distance in 16 numbers counts all 16" in hint(check_nearest_consonant,
                                                    (nearest(pictured, numbers), nearest(rows, numbers)))
    assert "the distance in 16 numbers counts all 16" in hint(check_nearest_consonant, ("y", "y"))  # the picture read by eye
