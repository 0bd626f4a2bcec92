"""Notebook 10, efficiency: an operation of your choice fused into one node, the numpy backward of a linear
layer with a bias, and an estimate of how many Values one training step makes."""

import math
import numbers
import random

import numpy as np  # exercise 2 is about numpy; like viz/, the exercises come with the notebooks' extra

from ..autograd import Value, topological_order, zero_grad
from ..config import GPTConfig
from .verdict import Hint, all_close, call, checker, close

# --- exercise 1: fuse one operation ---

FUSE_LENGTHS = (2, 3, 7, 16)  # the lists of Values the checker tries
LOW, HIGH = 0.5, 2.0  # their numbers: positive, so that logs, square roots and divisions are safe


def values_of(result, what):
    """The learner's result as a list of Values (one Value, or a list of them); a Hint otherwise."""
    if isinstance(result, Value):
        return [result]
    if isinstance(result, (list, tuple)) and result and all(isinstance(v, Value) for v in result):
        return list(result)
    raise Hint(f"{what} should return a Value (or a list of Values) computed from xs")


def input_gradients(outputs, xs, weights):
    """d(sum of weights[i] * outputs[i])/d(each of xs), by backward(): one number per input."""
    total = outputs[0] * weights[0]
    for out, w in zip(outputs[1:], weights[1:]):
        total = total + out * w
    total.backward()
    return [x.grad for x in xs]


def require_one_node(out, xs):
    """Raise a Hint unless `out` is one node made directly from the inputs `xs`, with a number per child."""
    inputs = {id(x) for x in xs}
    if isinstance(out.data, bool) or not isinstance(out.data, (int, float)):
        raise Hint("the data of your fused Value should be a plain number, computed from the inputs' .data (not a "
                   "Value: one made from Value operations would put every step of it in the graph)")
    if not (isinstance(out._children, (tuple, list)) and isinstance(out._local_grads, (tuple, list))):
        raise Hint("give the children and the local gradients as tuples (or lists), e.g. tuple(xs), so that "
                   "backward() can go through them as often as it needs")
    if not out._children:
        raise Hint("your fused Value has no children, so backward() cannot reach the inputs: make it with "
                   "Value(data, children, local_grads), the inputs as its children")
    if any(id(child) not in inputs for child in out._children):
        raise Hint("a fused node is made directly from the inputs: its children should be the Values of xs "
                   "themselves, not Values computed from them (compute the forward pass on .data, plain floats)")
    if len(out._local_grads) != len(out._children):
        raise Hint(f"your fused Value has {len(out._children)} children but {len(out._local_grads)} local "
                   "gradients: one local gradient per child, in the same order")
    if any(isinstance(g, Value) for g in out._local_grads):
        raise Hint("the local gradients are plain numbers: compute them from .data, not as Values")
    if not all(isinstance(g, (int, float)) for g in out._local_grads):
        raise Hint("the local gradients should be numbers, one per child")


def jacobian(outputs, xs):
    """d(outputs[i])/d(xs[j]) for every output i and input j, by one backward() per output."""
    rows = []
    for out in outputs:
        zero_grad(xs)
        zero_grad(topological_order(out))
        out.backward()
        rows.append([x.grad for x in xs])
    return rows


def dependency_hint(outputs, xs, reference, ys):
    """For several outputs: a hint if some fused output gives no gradient to an input it depends on, else None."""
    ours, autograd = jacobian(outputs, xs), jacobian(reference, ys)
    missed = [(i, j, a) for i, (row, auto_row) in enumerate(zip(ours, autograd))
              for j, (g, a) in enumerate(zip(row, auto_row)) if abs(g) <= 1e-12 < abs(a)]
    if not missed:
        return None
    i, j, a = missed[0]
    if all(i != j for i, j, _ in missed):
        return (f"each output depends on every input, not only on the one in its own place (through what they all "
                f"share, such as a total or a mean): your output {i} passes no gradient to input {j}, where "
                f"autograd's passes {a:.4g}")
    return (f"your output {i} passes no gradient to input {j}, but it depends on it (autograd gives "
            f"d(output {i})/d(input {j}) = {a:.4g}): give each output's node every input it depends on")


def gradient_hint(ours, autograd):
    """The hint for gradients that differ from autograd's: a sign, a constant factor, an order, or which input."""
    if all_close([-g for g in ours], autograd) and any(abs(g) > 1e-9 for g in autograd):
        return "every gradient has the wrong sign: check the sign of each local gradient"
    ratios = [g / a for g, a in zip(ours, autograd) if abs(a) > 1e-9]
    if ratios and all(close(r, ratios[0], 1e-6) for r in ratios) and all(close(g, 0) for g, a in zip(ours, autograd)
                                                                           if abs(a) <= 1e-9):
        return (f"every gradient is {ratios[0]:.4g} times autograd's: a constant factor in your local gradients is "
                "missing or extra (a 2 from a square? a 1/n from a mean?)")
    if all_close(sorted(ours), sorted(autograd)):
        return "the right gradients, given to the wrong inputs: local_grads must follow the order of the children"
    k = next(i for i, (g, a) in enumerate(zip(ours, autograd)) if not close(g, a))
    return (f"the value is right but the gradients are not: input {k} (of {len(ours)}) gets {ours[k]:.6g} from your "
            f"fused node, {autograd[k]:.6g} from autograd. local_grads[i] is d(output)/d(children[i])")


@checker("One node with its own local gradients does the work of many: the fast engine is built of such nodes.")
def check_fused(fused, unfused=None):
    """Exercise 1: `fused(xs)`, one node per output with hand-written local gradients, against `unfused(xs)`,
    the same operation with Value operations: the same values, and the same gradient for every input."""
    for seed, length in enumerate(FUSE_LENGTHS):
        rng = random.Random(seed)
        numbers = [rng.uniform(LOW, HIGH) for _ in range(length)]
        xs, ys = [Value(n) for n in numbers], [Value(n) for n in numbers]  # fresh Values for each
        outputs = values_of(call(fused, xs), "fused(xs)")
        if unfused is None or unfused is ...:
            raise Hint("pass both functions, the fused one first: check_fused(fused, unfused)")
        reference = values_of(call(unfused, ys), "unfused(xs)")
        graph = [v for out in reference for v in topological_order(out)]
        if not {id(y) for y in ys} & {id(v) for v in graph}:
            raise Hint("unfused(xs) should be built from xs with Value operations: it is the autograd version that "
                       "the fused one is checked against")
        if len({id(v) for v in graph if v.op}) <= len(reference):
            raise Hint("your unfused version is already one operation per output: fusing pays for an operation made "
                       "of many, such as a sum of squares, a mean or a softmax's total (and the fused one goes first: "
                       "check_fused(fused, unfused))")
        if len(outputs) != len(reference):
            raise Hint(f"fused(xs) gives {len(outputs)} Values but unfused(xs) {len(reference)}: the two should "
                       "compute the same thing")
        for out in outputs:
            require_one_node(out, xs)
        if not all_close([o.data for o in outputs], [r.data for r in reference]):
            raise Hint(f"fused and unfused give different values for the inputs {[round(n, 3) for n in numbers]}: "
                       f"{[round(o.data, 6) for o in outputs]} against {[round(r.data, 6) for r in reference]}")
        weights = [rng.uniform(-1, 1) for _ in outputs]  # several outputs: the gradient of a weighted sum of them
        ours, autograd = input_gradients(outputs, xs, weights), input_gradients(reference, ys, weights)
        if not all_close(ours, autograd):
            raise Hint(len(outputs) > 1 and dependency_hint(outputs, xs, reference, ys)
                       or gradient_hint(ours, autograd))


# --- exercise 2: the numpy backward of a linear layer with a bias ---

SHAPES = ((5, 4, 3), (3, 4, 4), (1, 2, 6))  # (positions, inputs, outputs): one square W, one single position
SHAPE_NOTE = ("the shapes do not fit: X is positions × inputs, W outputs × inputs, dY positions × outputs; in a "
              "product A @ B the columns of A must match the rows of B")


def compare_part(name, answer, right, mistakes, shape_of):
    """Raise a Hint unless `answer` (the learner's dX, dW or db) is `right`, naming the first of `mistakes` it
    makes: (a function that makes that wrong answer, its hint)."""
    try:
        answer = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise Hint(f"{name} should be an array of numbers, with the shape of {shape_of}") from None

    def same(a, b):
        return a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-12)

    if same(answer, right):
        return
    for mistake, hint in mistakes:
        try:
            wrong = mistake()
        except ValueError:  # a mistake whose shapes do not fit this case, e.g. dY @ W.T when W is not square
            continue
        if same(answer, wrong):
            raise Hint(hint)
    if answer.shape != right.shape:
        raise Hint(f"{name} has shape {answer.shape} but should have the shape of {shape_of}, {right.shape}: one "
                   f"gradient per number of {shape_of}")
    raise Hint(f"{name} has the right shape but not the right numbers: work out one entry by hand with the chain "
               "rule, from Y[p, i] = sum over j of X[p, j] * W[i, j], plus b[i]")


@checker("dW = dY.T @ X and db = dY.sum(axis=0): what every position sends back, added up. The numpy engine's "
         "backward is lines like these.")
def check_linear_backward(linear_backward):
    """Exercise 2: (dX, dW, db) of Y = X @ W.T + b, from dY, the gradient of the loss with respect to Y."""
    rng = np.random.default_rng(0)
    for n, n_in, n_out in SHAPES:
        X, W, dY = rng.normal(size=(n, n_in)), rng.normal(size=(n_out, n_in)), rng.normal(size=(n, n_out))
        given = [a.copy() for a in (X, W, dY)]
        answer = call(linear_backward, X, W, dY, notes={"ValueError: matmul": SHAPE_NOTE})
        if not all(np.array_equal(a, b) for a, b in zip((X, W, dY), given)):
            raise Hint("your function changed X, W or dY in place: compute new arrays (dY @ W makes one; dY *= ... "
                       "changes dY itself)")
        if not (isinstance(answer, (tuple, list)) and len(answer) == 3):
            raise Hint("return three arrays: (dX, dW, db)")
        dX, dW, db = answer
        compare_part("dX", dX, dY @ W, [
            (lambda: dY @ W.T, "dX multiplies each position's dY by W itself: dX = dY @ W (row i of W holds what "
                               "output i took from each input)"),
        ], "X")
        compare_part("dW", dW, dY.T @ X, [
            (lambda: X.T @ dY, "your dW is transposed: dW has W's shape, outputs × inputs, and dW[i, j] pairs "
                               "output i's gradient with input j"),
            (lambda: dY.T @ X / n, "W is used at every position, so its gradient is the sum of what each position "
                                   "sends back, not their mean"),
            (lambda: np.outer(dY[-1], X[-1]), "that is the last position's share only: W is used at every "
                                              "position, and its gradient adds up the shares of all of them"),
        ], "W")
        compare_part("db", db, dY.sum(axis=0), [
            (lambda: dY.sum(), "your db is a single number: you added up everything, positions and outputs alike. b "
                               "holds one number per output, and so does its gradient"),
            (lambda: dY, "db has the shape of b, one number per output: b is added at every position, so its "
                         "gradient adds up what every position sends back"),
            (lambda: dY.sum(axis=1), "you added up each position's outputs (axis=1): add up the positions instead, "
                                     "one number per output"),
            (lambda: dY.mean(axis=0), "b is added at every position, so its gradient is the sum over the positions, "
                                      "not the mean"),
            (lambda: np.zeros(n_out), "b gets a gradient too: each output's b[i] moves Y[p, i] one for one at "
                                      "every position"),
        ], "b")


# --- exercise 3: how many Values one training step makes ---

def values_in_step(config, positions):
    """The Values in the graph of one scalar training step's loss, weights not counted, for a document of
    `positions` predictions: exactly what len(topological_order(loss)) counts, minus the weights in it.

    Each output of a linear layer is cols products, cols additions and the 0 that sum() starts from; the rest
    is rmsnorm, attention over every position so far, relu, the residuals, softmax and the loss.
    """
    E, H, hd, V = config.n_embd, config.n_head, config.head_dim, config.vocab_size

    def linear(rows, cols):
        return rows * (2 * cols + 1)

    norm = 3 * E + 6 if config.use_rmsnorm else 0  # squares, their sum (and 0), /n, +eps, **-0.5, the rescaled
    total = 0
    for keys in range(1, positions + 1):  # the position at index keys - 1 attends to `keys` positions
        # per head, per key: a dot product of hd (2hd + 1), the scale (2), softmax (6); per output number: the
        # weighted sum of the values (2 per key, and sum()'s 0); and softmax's total (its 0)
        attention = H * (keys * (4 * hd + 9) + hd + 1)
        layer = (2 * norm + 4 * linear(E, E) + attention + linear(4 * E, E) + 4 * E  # relu: one per hidden unit
                 + linear(E, 4 * E) + 2 * E)  # and the two residual additions
        loss = 4 * V + 6  # softmax of the logits as far as the target's probability, its log, the minus
        total += E + norm + config.n_layer * layer + linear(V, E) + loss  # embeddings added, then normalised
    return total + positions + 3  # the mean: the sum of the positions' losses (and 0), times 1/n


NODE_CASES = (  # (GPTConfig's settings, positions): the seed's model for emet, for 1 and for 16 positions, with a
    (dict(), 5),  # context of 32 for 32 positions, then a deeper and wider model, and a deeper and narrower one
    (dict(), 1),
    (dict(), 16),
    (dict(block_size=32), 32),
    (dict(n_layer=2, n_embd=32, n_head=4), 8),
    (dict(n_layer=3, n_embd=8, n_head=2), 10),
)
SIZES = {"n_layer", "n_embd", "n_head"}  # the settings that make a model of another size than the seed's
TOLERANCE = 0.15  # an estimate within 15% of the exact count is right: the linear layers and attention are enough


def described(settings, positions):
    shown = ", ".join(f"{k}={v}" for k, v in settings.items()) or "the seed's model"
    return f"{shown}, {positions} position{'s' if positions > 1 else ''}"


def misses(wrong):
    """How far off each (settings, positions, estimate, exact) is, in words: 'for ... it is 19% too high'."""
    return ", and ".join(f"for {described(s, p)} it is {abs(e / exact - 1):.0%} too {'high' if e > exact else 'low'}"
                         for s, p, e, exact in wrong)


def ignores(estimate_values, wrong, setting):
    """True if the estimate stays the same for every case of `wrong` with the config's `setting` doubled."""
    def doubled(settings):
        return GPTConfig(vocab_size=27, **{**settings, setting: 2 * getattr(GPTConfig(vocab_size=27, **settings),
                                                                              setting)})
    return all(call(estimate_values, doubled(s), p) == e for s, p, e, _ in wrong)


@checker("That is where the scalar engine's time goes: tens of thousands of Values, each a Python object, for "
         "every name, most of them the products and sums of the linear layers.")
def check_node_estimate(estimate_values):
    """Exercise 3: estimate_values(config, positions), within 15% of values_in_step for each of NODE_CASES."""
    found = []
    for settings, positions in NODE_CASES:
        config = GPTConfig(vocab_size=27, **settings)
        estimate = call(estimate_values, config, positions)
        if isinstance(estimate, bool) or not isinstance(estimate, numbers.Real):
            raise Hint(f"return one number, your estimate of the Values in the step's graph, not a "
                       f"{type(estimate).__name__}")
        if not math.isfinite(estimate):
            raise Hint(f"your estimate is {estimate} (for {described(settings, positions)}): return a count of "
                       "Values, a finite number")
        found.append((settings, positions, estimate, values_in_step(config, positions)))
    seed_model = {p: (e, e / exact) for s, p, e, exact in found if not s}  # positions: (estimate, its ratio)
    if seed_model[1][0] == seed_model[16][0]:
        raise Hint("your estimate is the same for 1 position and for 16: every position runs the whole model, so the "
                   "graph grows with the name")
    wrong = [(s, p, e, exact) for s, p, e, exact in found if abs(e - exact) > TOLERANCE * exact]
    if not wrong:
        return
    ratios = [e / exact for _, _, e, exact in wrong]
    if sum(0.35 <= e / exact <= 0.65 for *_, e, exact in found) >= 2 / 3 * len(found):  # most cases about half
        raise Hint("about half of the Values: each output of linear with n inputs is n products and n additions (and "
                   "the 0 that sum() starts from)")
    if all(SIZES & s.keys() for s, *_ in wrong):  # right for the seed's sizes, wrong only for other sizes
        no_depth, no_width = ignores(estimate_values, wrong, "n_layer"), ignores(estimate_values, wrong, "n_embd")
        if no_depth and no_width:
            raise Hint(f"your estimate is the same whatever the model's size ({misses(wrong)}): count what one "
                       "position makes from the config's sizes, n_layer, n_embd, n_head and head_dim")
        if no_depth:
            raise Hint(f"your estimate does not change with n_layer ({misses(wrong)}): each layer has its own "
                       "attention and MLP, with its own six linear layers, and each position goes through all of them")
        if no_width:
            raise Hint(f"your estimate does not change with n_embd ({misses(wrong)}): the width sets the size of "
                       "every linear layer and of attention")
        raise Hint(f"right for the seed's model, not for other sizes: {misses(wrong)}. Check how each part of "
                   "your count grows with n_layer, n_embd and n_head")
    if all(r < 1 for r in ratios) and seed_model[16][1] < seed_model[1][1] - 0.05:
        raise Hint("too low, and the more so the longer the name: attention scores each position against every "
                   "position so far, so each later position makes more Values than the one before")
    settings, positions, estimate, exact = wrong[0]
    raise Hint(f"for {described(settings, positions)} your estimate is {estimate:,.0f}, but the graph has "
               f"{exact:,} Values ({estimate / exact - 1:+.0%}): count what one position makes, layer by layer, "
               "and check your count against a real graph")
