"""Notebook 10's checkers: the model answers pass, and each typical mistake gets its own hint."""

import math
import random

import pytest

from .checker_verdicts import accepted, hint
from microgpt import GPT, GPTConfig, Value, init_weights, topological_order
from microgpt.exercises.efficiency import (NODE_CASES, check_fused, check_linear_backward, check_node_estimate,
                                           values_in_step)

np = pytest.importorskip("numpy")


# --- exercise 1: fuse an operation ---

def mean_square(xs):
    return sum(x * x for x in xs) / len(xs)


def fused_mean_square(xs, grads=lambda xs, n: [2 * x.data / n for x in xs], children=None):
    """rmsnorm's mean square as one node; `grads` and `children` make the typical mistakes."""
    n = len(xs)
    return Value(sum(x.data ** 2 for x in xs) / n, tuple(children or xs), tuple(grads(xs, n)), "mean square")


def logsumexp(xs):
    return sum(x.exp() for x in xs).log()


def fused_logsumexp(xs):
    total = sum(math.exp(x.data) for x in xs)
    return Value(math.log(total), tuple(xs), tuple(math.exp(x.data) / total for x in xs), "logsumexp")


def fused_softmax(xs):
    """A fused operation with a list of outputs: each probability one node, its children every input."""
    exps = [math.exp(x.data) for x in xs]
    probs = [e / sum(exps) for e in exps]
    return [Value(p, tuple(xs), tuple(p * ((i == j) - q) for j, q in enumerate(probs)), "softmax")
            for i, p in enumerate(probs)]


def test_a_fused_operation_is_accepted_with_one_output_or_many():
    assert accepted(check_fused, fused_mean_square, mean_square)
    assert accepted(check_fused, fused_logsumexp, logsumexp)
    assert accepted(check_fused, fused_softmax, lambda xs: [e / sum(x.exp() for x in xs) for e in
                                                            [x.exp() for x in xs]])


@pytest.mark.parametrize("fused, said", [
    (lambda xs: fused_mean_square(xs, grads=lambda xs, n: [-2 * x.data / n for x in xs]), "wrong sign"),
    (lambda xs: fused_mean_square(xs, grads=lambda xs, n: [x.data / n for x in xs]), "times autograd's"),
    (lambda xs: fused_mean_square(xs, grads=lambda xs, n: [2 * x.data for x in xs]), "times autograd's"),
    (lambda xs: fused_mean_square(xs, grads=lambda xs, n: [2 * x.data / n for x in reversed(xs)]), "wrong inputs"),
    (lambda xs: fused_mean_square(xs, grads=lambda xs, n: [2 * x / n for x in xs]), "plain numbers"),
    (lambda xs: fused_mean_square(xs, grads=lambda xs, n: [2 * x.data / n for x in xs[1:]]), "one local gradient"),
    (lambda xs: Value(mean_square(xs).data), "no children"),
    (lambda xs: fused_mean_square(xs, children=[x * 1 for x in xs]), "the Values of xs themselves"),
    (lambda xs: Value(sum(x.data for x in xs), tuple(xs), (1,) * len(xs)), "different values"),
    (lambda xs: Value(mean_square(xs), tuple(xs), tuple(2 * x.data / len(xs) for x in xs)), "a plain number"),
    (lambda xs: Value(mean_square(xs).data, tuple(xs), (2 * x.data / len(xs) for x in xs)), "as tuples"),
    (lambda xs: fused_mean_square(xs, grads=lambda xs, n: [2 * x.data / n + (i == 1) for i, x in enumerate(xs)]),
     "input 1 (of 2)"),
])
def test_fusing_mistakes(fused, said):
    assert said in hint(check_fused, fused, mean_square)


def softmax(xs):
    exps = [x.exp() for x in xs]
    return [e / sum(exps) for e in exps]


def fused_softmax_own_input_only(xs, all_children=False):
    """Each probability's gradient with respect to its own input only: the other inputs left out, or given 0."""
    probs = [v.data for v in fused_softmax(xs)]
    if all_children:
        return [Value(p, tuple(xs), tuple(p * (1 - p) * (i == j) for j in range(len(xs)))) for i, p in enumerate(probs)]
    return [Value(p, (x,), (p * (1 - p),)) for p, x in zip(probs, xs)]


def test_an_output_that_misses_inputs_it_depends_on_is_named():
    assert accepted(check_fused, fused_softmax, softmax)
    for all_children in (False, True):
        said = hint(check_fused, lambda xs: fused_softmax_own_input_only(xs, all_children), softmax)
        assert "each output depends on every input" in said and "output 0 passes no gradient to input 1" in said

    def wrong_children(xs):  # every output after the first made from the first input only
        first, *rest = fused_softmax(xs)
        return [first] + [Value(v.data, (xs[0],), (1.0,)) for v in rest]
    assert "output 1 passes no gradient to input 1, but it depends on it" in hint(check_fused, wrong_children, softmax)


def test_the_unfused_reference_must_be_many_value_operations_from_the_inputs():
    assert "both functions" in hint(check_fused, fused_mean_square)
    assert "returns None" in hint(check_fused, fused_mean_square, lambda xs: None)
    assert "built from xs with Value operations" in hint(check_fused, fused_mean_square,
                                                         lambda xs: Value(mean_square(xs).data))
    assert "already one operation" in hint(check_fused, lambda xs: Value(xs[0].data * 2, (xs[0],), (2,)),
                                           lambda xs: xs[0] * 2)
    assert "the fused one goes first" in hint(check_fused, mean_square, fused_mean_square)  # the other way round
    assert "a Value (or a list of Values)" in hint(check_fused, lambda xs: 1.0, mean_square)
    assert "gives 2 Values but unfused(xs) 1" in hint(check_fused, lambda xs: [fused_mean_square(xs)] * 2,
                                                      mean_square)


# --- exercise 2: the numpy backward of a linear layer with a bias ---

def backward(X, W, dY):
    return dY @ W, dY.T @ X, dY.sum(axis=0)


def test_the_linear_backward_is_accepted_and_checked_against_autograd():
    assert accepted(check_linear_backward, backward)
    assert accepted(check_linear_backward, lambda X, W, dY: [a.tolist() for a in backward(X, W, dY)])
    rng = np.random.default_rng(3)  # the formula the checker holds is autograd's, bias included
    X, W, b, dY = rng.normal(size=(3, 4)), rng.normal(size=(2, 4)), rng.normal(size=2), rng.normal(size=(3, 2))
    Xv, Wv, bv = [[Value(x) for x in row] for row in X.tolist()], [[Value(w) for w in row] for row in W.tolist()], \
        [Value(x) for x in b.tolist()]
    Y = [[sum(w * x for w, x in zip(row, xs)) + bi for row, bi in zip(Wv, bv)] for xs in Xv]
    sum(g * y for gs, ys in zip(dY.tolist(), Y) for g, y in zip(gs, ys)).backward()
    dX, dW, db = backward(X, W, dY)
    assert np.allclose(dX, [[v.grad for v in row] for row in Xv]) and np.allclose(db, [v.grad for v in bv])
    assert np.allclose(dW, [[v.grad for v in row] for row in Wv])


def in_place(X, W, dY):
    dY *= 1.0001
    return backward(X, W, dY)


@pytest.mark.parametrize("linear_backward, said", [
    (lambda X, W, dY: (dY @ W.T, dY.T @ X, dY.sum(axis=0)), "shapes do not fit"),  # W not square: matmul fails
    (lambda X, W, dY: (dY @ W if W.shape[0] != W.shape[1] else dY @ W.T, dY.T @ X, dY.sum(axis=0)), "W itself"),
    (lambda X, W, dY: (dY @ W, X.T @ dY, dY.sum(axis=0)), "transposed"),
    (lambda X, W, dY: (dY @ W, dY.T @ X / len(X), dY.sum(axis=0)), "not their mean"),
    (lambda X, W, dY: (dY @ W, np.outer(dY[-1], X[-1]), dY.sum(axis=0)), "last position's share"),
    (lambda X, W, dY: (dY @ W, dY.T @ X, dY), "shape of b"),
    (lambda X, W, dY: (dY @ W, dY.T @ X, dY.sum(axis=1)), "axis=1"),
    (lambda X, W, dY: (dY @ W, dY.T @ X, dY.sum()), "added up everything, positions and outputs alike"),
    (lambda X, W, dY: (dY @ W, dY.T @ X, dY.mean(axis=0)), "not the mean"),
    (lambda X, W, dY: (dY @ W, dY.T @ X, np.zeros(W.shape[0])), "b gets a gradient too"),
    (lambda X, W, dY: (dY @ W, dY.T @ X, 2 * dY.sum(axis=0)), "db has the right shape but not the right numbers"),
    (lambda X, W, dY: (dY @ W, dY.T @ X[:, :1], dY.sum(axis=0)), "dW has shape"),
    (lambda X, W, dY: (dY @ W, dY.T @ X), "three arrays"),
    (lambda X, W, dY: (dY @ W, "dW", dY.sum(axis=0)), "array of numbers"),
    (in_place, "in place"),
])
def test_linear_backward_mistakes(linear_backward, said):
    assert said in hint(check_linear_backward, linear_backward)


# --- exercise 3: the node count of one step ---

@pytest.mark.parametrize("settings, positions", [
    *NODE_CASES[:3], (dict(n_layer=2, n_embd=8, n_head=2), 4), (dict(use_rmsnorm=False), 3),
    (dict(scale_attention=False, n_head=1), 4), (dict(n_embd=8, n_head=8, block_size=4), 4)])
def test_values_in_step_is_the_size_of_a_real_graph(settings, positions):
    config = GPTConfig(vocab_size=27, **settings)
    model = GPT(config, init_weights(config, random.Random(0)))
    rng = random.Random(1)
    graph = topological_order(model.loss([26] + [rng.randrange(26) for _ in range(positions)]))
    weights = set(model.params)
    assert sum(v not in weights for v in graph) == values_in_step(config, positions)


def linear_layers(config, positions):
    """The Values of the linear layers only: products, additions and sum()'s 0 of every output, every position."""
    E = config.n_embd
    per_layer = 4 * E * (2 * E + 1) + 4 * E * (2 * E + 1) + E * (8 * E + 1)
    return positions * (config.vocab_size * (2 * E + 1) + config.n_layer * per_layer)


def with_attention(config, positions):
    """The linear layers and attention: about 4 * head_dim Values per head, per key, per layer."""
    keys = positions * (positions + 1) // 2
    return linear_layers(config, positions) + config.n_layer * config.n_head * keys * 4 * config.head_dim


def test_estimates_within_15_percent_pass():
    assert accepted(check_node_estimate, values_in_step)
    assert accepted(check_node_estimate, with_attention)
    assert accepted(check_node_estimate, lambda config, positions: 1.1 * values_in_step(config, positions))


@pytest.mark.parametrize("estimate, said", [
    (lambda config, positions: 40_000, "the same for 1 position and for 16"),
    (lambda config, positions: values_in_step(config, positions) // 2, "about half"),
    (lambda config, positions: with_attention(config, positions) // 2, "about half"),
    (lambda config, positions: positions * (config.vocab_size * config.n_embd + 12 * config.n_layer * config.n_embd ** 2),
     "about half"),  # the products of the linear layers only
    (lambda config, positions: positions * (config.vocab_size * config.n_embd + 12 * config.n_embd ** 2),
     "about half"),  # and one layer only: the first mistake is named first
    (lambda config, positions: with_attention(GPTConfig(vocab_size=27, n_embd=config.n_embd,
                                                        n_head=config.n_head), positions),
     "does not change with n_layer (for n_layer=2, n_embd=32, n_head=4, 8 positions it is 50% too low"),
    (lambda config, positions: 39_443 / 5 * positions,  # section 1's count, per position: 19% too high for 3 layers
     "the same whatever the model's size (for n_layer=2, n_embd=32, n_head=4, 8 positions it is 85% too low, and "
     "for n_layer=3, n_embd=8, n_head=2, 10 positions it is 19% too high)"),
    (lambda config, positions: 39_443 / 5 * positions * config.n_layer, "does not change with n_embd"),
    (lambda config, positions: values_in_step(config, positions) * (1.3 if config.n_layer > 1 else 1),
     "right for the seed's model, not for other sizes: for n_layer=2, n_embd=32, n_head=4, 8 positions it is 30% "
     "too high"),
    (linear_layers, "the more so the longer the name"),
    (lambda config, positions: 3 * values_in_step(config, positions), "+200%"),
    (lambda config, positions: "many", "one number, your estimate of the Values in the step's graph, not a str"),
    (lambda config, positions: float("nan"), "your estimate is nan (for the seed's model, 5 positions)"),
    (lambda config, positions: math.inf, "a finite number"),
    (lambda config, positions: True, "one number"),
])
def test_node_estimate_mistakes(estimate, said):
    assert said in hint(check_node_estimate, estimate)
