"""The numpy engine: the seed's model on float64 arrays, with a hand-written backward pass.

Training reads a whole document at once: every position's queries, keys and values come out of one
matrix product, and a causal mask keeps each position from attending to later ones, which is what
the seed's key-value cache does one position at a time. The backward pass is the chain rule written
out layer by layer (no autograd library). Sampling runs the same code one position at a time.

Arrays add in a different order than the seed (and matrix products may fuse multiply-adds), so the
numbers agree with the scalar engine to ~1e-15 relative per step rather than bit for bit.
The weights, their gradients and Adam's moments each live in one flat array, so an Adam step is a
handful of array operations; the model's matrices are views into the flat arrays.
"""

import numpy as np

from ..config import RMSNORM_EPS, check_position, check_token, parameter_shapes
from .base import Engine, check_probability


def rmsnorm(x):
    """Each row of x scaled to unit root-mean-square; also returns the scales, for backward."""
    scale = ((x * x).mean(axis=-1, keepdims=True) + RMSNORM_EPS) ** -0.5
    return x * scale, scale


def rmsnorm_backward(dy, x, scale):
    """d(loss)/dx from d(loss)/d(x * scale): the scale depends on x too (d scale/d x_i = -scale**3 x_i / n)."""
    return scale * dy - x * (scale ** 3 * (dy * x).mean(axis=-1, keepdims=True))


def no_norm(x):
    """RMSNorm switched off (config.use_rmsnorm): x as it is, with no scale to remember."""
    return x, None


def no_norm_backward(dy, x, scale):
    return dy


def softmax(logits):
    """Softmax along the last axis (the seed's: exp(l - max), then times the total ** -1)."""
    exps = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return exps * exps.sum(axis=-1, keepdims=True) ** -1


def matrix_views(flat, config):
    """{name: 2-D view into `flat`} in the order of parameter_shapes."""
    views, start = {}, 0
    for name, (rows, cols) in parameter_shapes(config):
        views[name] = flat[start:start + rows * cols].reshape(rows, cols)
        start += rows * cols
    return views


class NumpyGPT(Engine):
    """The seed's model on numpy arrays: a document per call, not a number per object."""

    engine = "numpy"

    def __init__(self, config, weights):
        super().__init__(config, weights)
        self.data = np.concatenate([np.asarray(weights[name], dtype=np.float64).ravel()
                                    for name, _ in parameter_shapes(config)])
        self.grad = np.zeros_like(self.data)
        self.w = matrix_views(self.data, config)
        self.g = matrix_views(self.grad, config)

    def weights(self):
        return {name: matrix.tolist() for name, matrix in self.w.items()}

    def forward(self, token_id, pos_id, cache):
        """Logits (floats) for the token after `token_id` at `pos_id`, given what `cache` holds."""
        check_token(self.config, token_id)
        check_position(self.config, pos_id, len(cache))
        return self._forward([token_id], pos_id, cache)[0].tolist()

    def _forward(self, tokens, start, cache, saved=None):
        """Logits of positions start.. of `tokens` (one row each), attending to what `cache` holds.

        `saved`, if a list, receives what the backward pass needs, one dict per layer then one more.
        """
        cfg, w = self.config, self.w
        n, hd = len(tokens), cfg.head_dim
        norm = rmsnorm if cfg.use_rmsnorm else no_norm
        x0 = w["wte"][tokens] + w["wpe"][start:start + n]
        x, scale0 = norm(x0)
        # position start+i may attend to cached positions 0..start+i: -inf hides the later ones
        mask = np.triu(np.full((n, start + n), -np.inf), k=start + 1)
        for li in range(cfg.n_layer):
            layer = f"layer{li}."
            x_in = x
            xn, scale1 = norm(x_in)
            q, k, v = (xn @ w[layer + name].T for name in ("attn_wq", "attn_wk", "attn_wv"))
            cache.keys[li].extend(k)
            cache.values[li].extend(v)
            qh = q.reshape(n, cfg.n_head, hd).transpose(1, 0, 2)  # (head, position, head_dim)
            kh = np.array(cache.keys[li]).reshape(-1, cfg.n_head, hd).transpose(1, 0, 2)
            vh = np.array(cache.values[li]).reshape(-1, cfg.n_head, hd).transpose(1, 0, 2)
            att = softmax(qh @ kh.transpose(0, 2, 1) * cfg.attention_scale + mask)
            for i, rows in enumerate(att.transpose(1, 0, 2).tolist()):  # per position: its row of each head
                cache.record_attention(li, [row[:start + i + 1] for row in rows])
            heads = (att @ vh).transpose(1, 0, 2).reshape(n, cfg.n_embd)
            x_mid = heads @ w[layer + "attn_wo"].T + x_in
            xn2, scale2 = norm(x_mid)
            hidden = xn2 @ w[layer + "mlp_fc1"].T
            relu = np.maximum(hidden, 0.0)
            x = relu @ w[layer + "mlp_fc2"].T + x_mid
            if saved is not None:
                saved.append(dict(x_in=x_in, xn=xn, scale1=scale1, qh=qh, kh=kh, vh=vh, att=att, heads=heads,
                                  x_mid=x_mid, xn2=xn2, scale2=scale2, hidden=hidden, relu=relu))
        if saved is not None:
            saved.append(dict(x0=x0, scale0=scale0, x=x))
        return x @ w["lm_head"].T

    @staticmethod
    def _mean_nll(probs, targets):
        """The mean of -log p over the probabilities the rows of `probs` give `targets`."""
        p = probs[np.arange(len(targets)), targets]
        check_probability(p.min())
        return float(-np.log(p).sum() * (1 / len(targets)))

    def _document(self, tokens):
        """The inputs and targets the loss uses: at most block_size positions, like the seed."""
        n = self.predictions(tokens)
        return np.array(tokens[:n]), np.array(tokens[1:n + 1])

    def loss(self, tokens):
        """Mean cross-entropy of predicting each next token of `tokens` (a float; no gradients)."""
        inputs, targets = self._document(tokens)
        return self._mean_nll(softmax(self._forward(inputs, 0, self.new_cache())), targets)

    def loss_and_gradients(self, tokens):
        """The loss of `tokens` and d(loss)/d(every weight), as {name: array} (views of self.grad, rows of floats)."""
        cfg, w, g = self.config, self.w, self.g
        norm_backward = rmsnorm_backward if cfg.use_rmsnorm else no_norm_backward
        inputs, targets = self._document(tokens)
        n, hd = len(inputs), cfg.head_dim
        saved = []
        probs = softmax(self._forward(inputs, 0, self.new_cache(), saved=saved))
        rows = np.arange(n)
        loss = self._mean_nll(probs, targets)
        top = saved.pop()
        d_logits = probs
        d_logits[rows, targets] -= 1
        d_logits *= 1 / n  # d(mean cross-entropy)/d(logits) = (softmax - one-hot) / n
        np.matmul(d_logits.T, top["x"], out=g["lm_head"])
        dx = d_logits @ w["lm_head"]
        for li in reversed(range(cfg.n_layer)):
            layer, s = f"layer{li}.", saved[li]
            # MLP block: x = relu(rmsnorm(x_mid) @ fc1.T) @ fc2.T + x_mid
            np.matmul(dx.T, s["relu"], out=g[layer + "mlp_fc2"])
            d_hidden = (dx @ w[layer + "mlp_fc2"]) * (s["hidden"] > 0)
            np.matmul(d_hidden.T, s["xn2"], out=g[layer + "mlp_fc1"])
            dx = dx + norm_backward(d_hidden @ w[layer + "mlp_fc1"], s["x_mid"], s["scale2"])
            # attention block: x_mid = heads @ wo.T + x_in
            np.matmul(dx.T, s["heads"], out=g[layer + "attn_wo"])
            d_heads = (dx @ w[layer + "attn_wo"]).reshape(n, cfg.n_head, hd).transpose(1, 0, 2)
            att = s["att"]
            d_att = d_heads @ s["vh"].transpose(0, 2, 1)
            d_vh = att.transpose(0, 2, 1) @ d_heads
            d_scores = att * (d_att - (d_att * att).sum(axis=-1, keepdims=True)) * cfg.attention_scale
            d_qh = d_scores @ s["kh"]
            d_kh = d_scores.transpose(0, 2, 1) @ s["qh"]
            d_xn = 0
            for name, d in (("attn_wq", d_qh), ("attn_wk", d_kh), ("attn_wv", d_vh)):
                d = d.transpose(1, 0, 2).reshape(n, cfg.n_embd)
                np.matmul(d.T, s["xn"], out=g[layer + name])
                d_xn = d_xn + d @ w[layer + name]
            dx = dx + norm_backward(d_xn, s["x_in"], s["scale1"])
        dx0 = norm_backward(dx, top["x0"], top["scale0"])
        g["wpe"][:] = 0
        g["wpe"][:n] = dx0
        g["wte"][:] = 0
        np.add.at(g["wte"], inputs, dx0)  # a token that occurs twice gets both gradients
        return loss, self.g

    def train_step(self, tokens, optimizer):
        """One step of Adam on one document; returns its loss before the update."""
        loss, _ = self.loss_and_gradients(tokens)
        # Adam's one formula works on arrays as on floats: hand it arrays (moments too), and it updates them in place
        optimizer.m, optimizer.v = np.asarray(optimizer.m, dtype=np.float64), np.asarray(optimizer.v, dtype=np.float64)
        self.data[:] = optimizer.update(self.data, self.grad)  # Adam's is self.data; another may return new ones
        return loss
