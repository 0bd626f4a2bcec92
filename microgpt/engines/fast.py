"""The fast engine: the seed's model in pure Python, on lists of floats, with fused operations.

The scalar engine makes one `Value` per number, ~60,000 per training step of the seed's model, then
sorts them all for the backward pass. Here a whole operation (a matrix-vector product, an RMSNorm, the
attention of one position, a softmax with its loss) is one node, ~15 per position: it computes its
output list in one go and appends one backward function to a flat list, the tape. The backward pass
calls the tape's functions in reverse; each adds its inputs' gradients, from its own local derivatives.
A weight matrix's gradient is made once at the end, from every product it took part in.

The forward pass does the seed's float operations in the seed's order (dot products added left to
right from 0, division as multiplication by x ** -1), so losses and samples are bit for bit the
scalar engine's. Gradients are the same derivatives summed in another order, so they may differ in
the last bit or so and the two runs drift apart very slowly: after the seed's 1000 steps, every loss
still agrees to ~1e-15 relative and every weight to ~1e-14 (tests/test_shipped_checkpoint.py).
"""

import math
from functools import reduce
from operator import add, mul

from ..config import RMSNORM_EPS, check_position, check_token, parameter_shapes
from .base import Engine, check_probability, softmax


def dot(a, b):
    """a[0]*b[0] + a[1]*b[1] + ..., added left to right from 0 like the seed's `sum` of Values.

    Not sum(): from Python 3.12 it compensates rounding errors, which would change the last bits.
    """
    return reduce(add, map(mul, a, b), 0.0)


class Vec:
    """A node of the graph: a vector of numbers and d(loss)/d(each number), which backward fills in."""

    __slots__ = ("data", "grad")

    def __init__(self, data):
        self.data = data
        self.grad = [0.0] * len(data)


class Matrix:
    """A weight matrix: rows of floats and, during a backward pass, what its gradient is made from."""

    __slots__ = ("rows", "grad", "cols", "uses")

    def __init__(self, rows):
        self.rows = rows
        self.grad = self.cols = self.uses = None

    def start_gradient(self):
        self.grad = [[0.0] * len(row) for row in self.rows]  # embed() adds into this
        self.cols = [list(col) for col in zip(*self.rows)]  # linear() needs them for d(input)
        self.uses = []  # linear() records (input, output) nodes of every product with this matrix

    def finish_gradient(self):
        """Once every output gradient is known, the matrix gradient of all the products: dY^T X."""
        if self.uses:
            x_columns = list(zip(*(x.data for x, _ in self.uses)))  # input j over every use
            self.grad = [[sum(map(mul, dy, x)) for x in x_columns] if any(dy) else [0.0] * len(x_columns)
                         for dy in zip(*(out.grad for _, out in self.uses))]  # output i over every use
        self.cols = self.uses = None


# --- fused operations: each returns a Vec and, given a tape (a list), appends its backward function ---

def embed(tape, wte, token_id, wpe, pos_id):
    """Token embedding plus position embedding."""
    out = Vec(list(map(add, wte.rows[token_id], wpe.rows[pos_id])))
    if tape is not None:
        def backward():
            wte.grad[token_id] = list(map(add, wte.grad[token_id], out.grad))
            wpe.grad[pos_id] = list(map(add, wpe.grad[pos_id], out.grad))
        tape.append(backward)
    return out


def linear(tape, x, w):
    """w @ x: one dot product per row of w."""
    xs = x.data
    out = Vec([reduce(add, map(mul, row, xs), 0.0) for row in w.rows])
    if tape is not None:
        w.uses.append((x, out))  # its own gradient is made at the end, from all uses at once

        def backward():
            dy = out.grad
            x.grad = [g + sum(map(mul, col, dy)) for g, col in zip(x.grad, w.cols)]
        tape.append(backward)
    return out


def rmsnorm(tape, x, eps=RMSNORM_EPS):
    """x scaled to unit root-mean-square: x * (mean(x*x) + eps) ** -0.5."""
    xs = x.data
    scale = (dot(xs, xs) * len(xs) ** -1 + eps) ** -0.5
    out = Vec([xi * scale for xi in xs])
    if tape is not None:
        def backward():
            dy = out.grad
            # d(scale)/d(x_i) = -scale**3 * x_i / n, so every x_i also feels dy . x through the scale
            c = dot(dy, xs) * scale ** 3 / len(xs)
            x.grad = [g + scale * d - c * xi for g, d, xi in zip(x.grad, dy, xs)]
        tape.append(backward)
    return out


def no_norm(tape, x):
    """RMSNorm switched off (config.use_rmsnorm): x as it is, nothing to add to the tape."""
    return x


def relu(tape, x):
    """max(0, x), element by element."""
    out = Vec([xi if xi > 0 else 0.0 for xi in x.data])
    if tape is not None:
        def backward():
            x.grad = [g + d if xi > 0 else g for g, d, xi in zip(x.grad, out.grad, x.data)]
        tape.append(backward)
    return out


def residual(tape, a, b):
    """a + b, element by element."""
    out = Vec(list(map(add, a.data, b.data)))
    if tape is not None:
        def backward():
            a.grad = list(map(add, a.grad, out.grad))
            b.grad = list(map(add, b.grad, out.grad))
        tape.append(backward)
    return out


def attention(tape, q, keys, values, n_head, scale):
    """Causal self-attention of the newest position over the cached ones, all heads at once.

    Per head: weights = softmax(q . k * scale) over the positions, output = sum of weight * value.
    `scale` is the seed's 1 / sqrt(head_dim) (config.attention_scale). Returns the output and every head's weights.
    """
    keys, values = keys[:], values[:]  # the cache grows later; backward needs the positions seen now
    width = len(q.data)
    hd = width // n_head
    heads, out = [], []
    for s in range(0, width, hd):
        q_h = q.data[s:s + hd]
        weights = softmax([dot(q_h, k.data[s:s + hd]) * scale for k in keys])
        acc = [0.0] * hd
        for weight, v in zip(weights, values):
            acc = [a + weight * vj for a, vj in zip(acc, v.data[s:s + hd])]
        out += acc
        heads.append(weights)
    out = Vec(out)
    if tape is not None:
        def backward():
            for weights, s in zip(heads, range(0, width, hd)):
                e = s + hd
                d_out, q_h = out.grad[s:e], q.data[s:e]
                d_weights = [dot(d_out, v.data[s:e]) for v in values]
                for weight, v in zip(weights, values):
                    v.grad[s:e] = [g + weight * d for g, d in zip(v.grad[s:e], d_out)]
                mean = dot(weights, d_weights)  # softmax backward: w * (dw - sum(w * dw))
                d_logits = [w * (dw - mean) * scale for w, dw in zip(weights, d_weights)]
                d_q = [0.0] * hd
                for d, k in zip(d_logits, keys):
                    d_q = [a + d * kj for a, kj in zip(d_q, k.data[s:e])]
                    k.grad[s:e] = [g + d * qj for g, qj in zip(k.grad[s:e], q_h)]
                q.grad[s:e] = list(map(add, q.grad[s:e], d_q))
        tape.append(backward)
    return out, heads


def cross_entropy(tape, logits, target, weight):
    """-log(softmax(logits)[target]), a float. Its gradient is scaled by `weight` (1/n in a mean of n)."""
    probs = softmax(logits.data)
    if tape is not None:
        def backward():
            d_logits = [p * weight for p in probs]
            d_logits[target] = (probs[target] - 1) * weight
            logits.grad = list(map(add, logits.grad, d_logits))
        tape.append(backward)
    check_probability(probs[target])
    return -math.log(probs[target])


class FastGPT(Engine):
    """The seed's model on lists of floats: the scalar engine's numbers, far fewer objects."""

    engine = "fast"

    def __init__(self, config, weights):
        super().__init__(config, weights)
        self.matrices = {name: Matrix([[float(w) for w in row] for row in weights[name]])
                         for name, _ in parameter_shapes(config)}

    def weights(self):
        return {name: [list(row) for row in m.rows] for name, m in self.matrices.items()}

    def forward(self, token_id, pos_id, cache):
        """Logits (floats) for the token after `token_id` at `pos_id`, given what `cache` holds."""
        return self._forward(token_id, pos_id, cache, None).data

    def _forward(self, token_id, pos_id, cache, tape):
        cfg, w = self.config, self.matrices
        check_token(cfg, token_id)
        check_position(cfg, pos_id, len(cache))
        norm = rmsnorm if cfg.use_rmsnorm else no_norm
        x = norm(tape, embed(tape, w["wte"], token_id, w["wpe"], pos_id))
        for li in range(cfg.n_layer):
            layer = f"layer{li}."
            xn = norm(tape, x)
            q = linear(tape, xn, w[layer + "attn_wq"])
            cache.keys[li].append(linear(tape, xn, w[layer + "attn_wk"]))
            cache.values[li].append(linear(tape, xn, w[layer + "attn_wv"]))
            heads, weights = attention(tape, q, cache.keys[li], cache.values[li], cfg.n_head, cfg.attention_scale)
            cache.record_attention(li, weights)
            x = residual(tape, linear(tape, heads, w[layer + "attn_wo"]), x)
            hidden = relu(tape, linear(tape, norm(tape, x), w[layer + "mlp_fc1"]))
            x = residual(tape, linear(tape, hidden, w[layer + "mlp_fc2"]), x)
        return linear(tape, x, w["lm_head"])

    def _loss(self, tokens, tape):
        n = self.predictions(tokens)
        cache, losses = self.new_cache(), []
        for pos_id in range(n):
            logits = self._forward(tokens[pos_id], pos_id, cache, tape)
            losses.append(cross_entropy(tape, logits, tokens[pos_id + 1], 1 / n))
        return reduce(add, losses, 0.0) * (1 / n)

    def loss(self, tokens):
        """Mean cross-entropy of predicting each next token of `tokens` (a float; no gradients)."""
        return self._loss(tokens, None)

    def loss_and_gradients(self, tokens):
        self.predictions(tokens)  # refuse a bad document before touching any gradient
        for m in self.matrices.values():
            m.start_gradient()
        tape = []
        loss = self._loss(tokens, tape)
        for backward in reversed(tape):
            backward()
        for m in self.matrices.values():
            m.finish_gradient()
        return loss, {name: m.grad for name, m in self.matrices.items()}

    def train_step(self, tokens, optimizer):
        """One step of Adam on one document; returns its loss before the update."""
        loss, grads = self.loss_and_gradients(tokens)
        data = [w for m in self.matrices.values() for row in m.rows for w in row]
        new = optimizer.update(data, [g for matrix in grads.values() for row in matrix for g in row])
        start = 0
        for m in self.matrices.values():
            cols = len(m.rows[0])
            m.rows = [new[i:i + cols] for i in range(start, start + len(m.rows) * cols, cols)]
            start += len(m.rows) * cols
            m.grad = None
        return loss
