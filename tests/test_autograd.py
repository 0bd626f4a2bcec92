"""Value: every operation's gradient against central finite differences, the whole model's too,
deep graphs, accumulation, and the seed's order of visiting nodes."""

import math
import random

import pytest

from microgpt import GPT, GPTConfig, Tokenizer, Value, init_weights, topological_order, zero_grad

H = 1e-6        # finite-difference step: float64 rounding noise ~1e-16/H, truncation ~H**2
REL_TOL = 1e-6


def relative_error(a, b):
    return abs(a - b) / max(abs(a), abs(b)) if a != b else 0.0


def numerical_grad(f, xs, i, h=H):
    """Central difference of f (floats -> float) with respect to its i-th input."""
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


# Each case: a function of Values (or floats mixed in), and the points where it is checked.
# Points stay away from relu's kink at 0 and inside the domains of log and fractional powers.
OPERATIONS = {
    "add": (lambda a, b: a + b, [(0.7, -1.3)]),
    "sub": (lambda a, b: a - b, [(0.7, -1.3)]),
    "mul": (lambda a, b: a * b, [(0.7, -1.3)]),
    "truediv": (lambda a, b: a / b, [(0.7, -1.3), (-2.0, 0.4)]),
    "pow_int": (lambda a: a**3, [(0.7,), (-1.3,)]),
    "pow_negative": (lambda a: a**-1, [(0.7,), (-1.3,)]),
    "pow_fraction": (lambda a: a**-0.5, [(0.7,), (2.5,)]),
    "pow_float": (lambda a: a**2.5, [(0.7,)]),
    "log": (lambda a: a.log(), [(0.7,), (3.1,)]),
    "exp": (lambda a: a.exp(), [(0.7,), (-1.3,)]),
    "relu": (lambda a: a.relu(), [(0.7,), (-1.3,)]),
    "neg": (lambda a: -a, [(0.7,)]),
    "radd": (lambda a: 2.5 + a, [(0.7,)]),
    "rsub": (lambda a: 2.5 - a, [(0.7,)]),
    "rmul": (lambda a: 2.5 * a, [(0.7,)]),
    "rtruediv": (lambda a: 2.5 / a, [(0.7,), (-1.3,)]),
    "add_number": (lambda a: a + 2.5, [(0.7,)]),
    "sub_number": (lambda a: a - 2.5, [(0.7,)]),
    "mul_number": (lambda a: a * 2.5, [(0.7,)]),
    "div_number": (lambda a: a / 2.5, [(0.7,)]),
    "composite": (lambda a, b: ((a * b).exp() + (a - b) ** 2 / b.relu()).log() - 3 / (a + 1), [(0.4, 1.2)]),
}


def check_gradients(f, point):
    values = [Value(x) for x in point]
    out = f(*values)
    out.backward()
    float_f = lambda *xs: f(*map(Value, xs)).data  # noqa: E731 -- the same graph, on plain inputs
    for i, v in enumerate(values):
        numeric = numerical_grad(float_f, point, i)
        assert relative_error(v.grad, numeric) < REL_TOL, (i, v.grad, numeric)


@pytest.mark.parametrize("name", OPERATIONS)
def test_operation_gradient_matches_finite_differences(name):
    f, points = OPERATIONS[name]
    for point in points:
        check_gradients(f, point)


def test_operations_compute_the_right_values():
    a, b = Value(0.7), Value(-1.3)
    assert (a + b).data == 0.7 + -1.3
    assert (a - b).data == 0.7 + 1.3
    assert (a * b).data == 0.7 * -1.3
    assert (a / b).data == 0.7 * (-1.3) ** -1  # division is multiplication by a power, as in the seed
    assert (a**3).data == 0.7**3
    assert a.log().data == math.log(0.7) and a.exp().data == math.exp(0.7)
    assert a.relu().data == 0.7 and b.relu().data == 0
    assert (-a).data == -0.7 and (2 - a).data == 2 + -0.7 and (2 / a).data == 2 * 0.7**-1


def test_relu_gradient_is_zero_below_the_kink_and_one_above():
    a, b = Value(-0.5), Value(0.5)
    (a.relu() + b.relu()).backward()
    assert (a.grad, b.grad) == (0.0, 1.0)


def test_operations_record_their_names_and_inputs():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    assert (a + b).op == "+" and (a * b).op == "*" and (a**2).op == "**2"
    assert a.log().op == "log" and a.exp().op == "exp" and a.relu().op == "relu" and a.op == ""
    assert (a * b)._children == (a, b)
    assert "label='a'" in repr(a)


def test_power_with_a_value_exponent_is_refused():
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** Value(3.0)


def test_reusing_a_node_accumulates_its_gradient():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2
    c = Value(3.0)
    (c * c).backward()
    assert c.grad == 6.0


def test_backward_twice_accumulates_and_zero_grad_resets():
    a, b = Value(2.0), Value(5.0)
    out = a * b
    out.backward()
    out.backward()
    assert (a.grad, b.grad) == (10.0, 4.0)
    zero_grad([a, b])
    assert (a.grad, b.grad) == (0, 0)
    (a * b).backward()
    assert (a.grad, b.grad) == (5.0, 2.0)


def test_backward_through_a_chain_deeper_than_the_recursion_limit():
    depth = 20_000  # far beyond Python's default recursion limit of 1,000
    x = Value(1.0)
    y = x
    for _ in range(depth):
        y = y * 1.0001
    y.backward()
    expected = 1.0
    for _ in range(depth):
        expected = 1.0001 * expected
    assert x.grad == expected
    assert len(topological_order(y)) == 2 * depth + 1  # x, and each step's product and constant
    zero_grad(topological_order(y))
    assert x.grad == 0 and y.grad == 0


def recursive_topological_order(root):
    """The seed's recursive depth-first search, written out as the reference."""
    order, visited = [], set()

    def visit(v):
        if v not in visited:
            visited.add(v)
            for child in v._children:
                visit(child)
            order.append(v)
    visit(root)
    return order


def test_topological_order_is_the_seed_recursive_order_on_a_random_graph():
    rng = random.Random(1)
    nodes = [Value(rng.uniform(0.5, 1.5)) for _ in range(6)]
    for _ in range(200):  # a graph that shares nodes in many places
        a, b = rng.choice(nodes[-15:]), rng.choice(nodes)
        nodes.append(rng.choice([a + b, a * b, a - b, a.relu(), -a]))
    root = sum(nodes[-10:])
    order = topological_order(root)
    assert [id(v) for v in order] == [id(v) for v in recursive_topological_order(root)]
    position = {id(v): i for i, v in enumerate(order)}
    assert all(position[id(c)] < position[id(v)] for v in order for c in v._children)


def test_topological_order_is_the_seed_recursive_order_on_a_model_loss():
    tok = Tokenizer("ab")
    config = GPTConfig(vocab_size=3, n_layer=1, n_embd=4, block_size=3, n_head=2)
    loss = GPT(config, init_weights(config, random.Random(0))).loss(tok.encode_doc("abb"))
    order = topological_order(loss)
    assert [id(v) for v in order] == [id(v) for v in recursive_topological_order(loss)]


# --- the whole model: d(loss)/d(weight) against finite differences, in every weight matrix ---

FD_STEP = 1e-5        # the loss sums many terms, so its rounding noise is larger than one operation's
MIN_GRADIENT = 1e-3   # a relative error means something only well above that noise (~1e-10)
RELU_MARGIN = 1e-4    # no ReLU input closer to 0 than this, so a step of FD_STEP never crosses the kink


def test_model_loss_gradient_matches_finite_differences_in_every_matrix():
    tok = Tokenizer("abcd")
    config = GPTConfig(vocab_size=5, n_layer=2, n_embd=4, block_size=4, n_head=2)
    # a wider init than the seed's 0.08, so attention is far from uniform and its weights get real gradients
    model = GPT(config, init_weights(config, random.Random(0), std=0.3))
    tokens = tok.encode_doc("dcab")  # every token and every position, and a document cut at block_size
    loss = model.loss(tokens)
    loss.backward()
    relu_inputs = [node._children[0].data for node in topological_order(loss) if node.op == "relu"]
    assert min(abs(x) for x in relu_inputs) > RELU_MARGIN

    def numeric(p):
        original = p.data
        p.data = original + FD_STEP
        up = model.loss(tokens).data
        p.data = original - FD_STEP
        down = model.loss(tokens).data
        p.data = original
        return (up - down) / (2 * FD_STEP)

    rng = random.Random(0)
    for name, matrix in model.state_dict.items():
        params = [p for row in matrix for p in row]
        large = [p for p in params if abs(p.grad) >= MIN_GRADIENT]
        assert len(large) >= 3, f"{name}: too few parameters with a measurable gradient"
        for p in rng.sample(large, 3):
            assert relative_error(p.grad, numeric(p)) < REL_TOL, (name, p.label, p.grad, numeric(p))
        dead = [p for p in params if p.grad == 0]  # e.g. inputs of a ReLU unit that is off everywhere
        for p in dead[:1]:
            assert abs(numeric(p)) < 1e-9, (name, p.label)
