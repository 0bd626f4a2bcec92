"""Notebook 05's checkers: the model answers pass, and each typical mistake gets its own hint."""

from .checker_verdicts import accepted, hint
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


def block(x, fc1, fc2, normed=True, inner=True, outer=False, residual="x"):
    n = rmsnorm(x) if normed else x
    h = linear(n, fc1)
    out = linear(relu(h) if inner else h, fc2)
    out = relu(out) if outer else out
    return add({"x": x, "n": n}[residual], out) if residual else out


def test_mlp_block():
    assert accepted(check_mlp_block, block)
    assert "MLP's output alone" in hint(check_mlp_block, lambda *a: block(*a, residual=None))
    assert "not to rmsnorm(x)" in hint(check_mlp_block, lambda *a: block(*a, residual="n"))
    assert "normalise x before fc1" in hint(check_mlp_block, lambda *a: block(*a, normed=False))
    assert "through relu before fc2" in hint(check_mlp_block, lambda *a: block(*a, inner=False))
    assert "not after fc2" in hint(check_mlp_block, lambda *a: block(*a, outer=True))
    assert "check the order" in hint(check_mlp_block, lambda x, fc1, fc2: block(x, fc2, fc1))  # zip cuts it short


def test_mlp_block_that_changes_x_or_loses_the_gradients():
    def in_place(x, fc1, fc2):
        out = linear(relu(linear(rmsnorm(x), fc1)), fc2)
        x += out  # a list's += extends it: x itself changes
        return [a + b for a, b in zip(x, out)]

    assert "changed x in place" in hint(check_mlp_block, in_place)
    assert "gradients are not" in hint(check_mlp_block, lambda *a: [Value(v.data) for v in block(*a)])
    assert "list of Values" in hint(check_mlp_block, lambda *a: [v.data for v in block(*a)])
    assert "so must the result" in hint(check_mlp_block, lambda x, fc1, fc2: relu(linear(rmsnorm(x), fc1)))


def test_the_checker_reads_the_notebooks_picture():
    labels = list(token_embeddings())
    points, _ = project_2d(list(token_embeddings().values()))
    assert picture() == dict(zip(labels, points)) and labels[-1] == "." and len(labels) == 27


def test_nearest_consonant():
    assert accepted(check_nearest_consonant, "y")
    assert "nearest in all 16 numbers" in hint(check_nearest_consonant, "x")
    assert "not from the middle of the picture" in hint(check_nearest_consonant, "g")
    assert "farthest from the vowels" in hint(check_nearest_consonant, "v")
    assert "compare the distances" in hint(check_nearest_consonant, "n")
    assert "BOS, not a consonant" in hint(check_nearest_consonant, ".")
    assert "leave the vowels out" in hint(check_nearest_consonant, "a")
    assert "lower case" in hint(check_nearest_consonant, "Y")
    assert "not its token id" in hint(check_nearest_consonant, 24)
    assert "one character" in hint(check_nearest_consonant, "yx")

