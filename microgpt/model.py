"""The GPT on scalar `Value`s: its building blocks and its forward pass, as in the seed's `gpt()`.

GPT-2 with small changes, as in the seed: RMSNorm instead of LayerNorm, no biases, ReLU instead
of GeLU. The model reads one token at a time; the keys and values of earlier positions wait in a
cache, so attention looks back without recomputing them. This is the scalar engine: slow, but every
number is a Value whose data and gradient can be looked at. (The model's shape, its weight matrices
and their checks are in microgpt.config; the faster engines are in microgpt.engines.)
"""

from .autograd import Value, zero_grad
from .config import RMSNORM_EPS, check_position, check_token, parameter_shapes
from .engines.base import Engine, check_probability

# --- building blocks: each takes and returns lists of Values ---


def linear(x, w):
    """Matrix-vector product: one output per row of `w` (no bias)."""
    return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]


def softmax(logits):
    """Probabilities from logits. Subtracting the max first keeps exp() from overflowing."""
    max_val = max(val.data for val in logits)
    exps = [(val - max_val).exp() for val in logits]
    total = sum(exps)
    return [e / total for e in exps]


def rmsnorm(x, eps=RMSNORM_EPS):
    """Rescale `x` to unit root-mean-square (no learned gain, as in the seed)."""
    ms = sum(xi * xi for xi in x) / len(x)
    scale = (ms + eps) ** -0.5
    return [xi * scale for xi in x]


def relu(x):
    return [xi.relu() for xi in x]


class GPT(Engine):
    """The seed's model on scalar Values: the scalar engine."""

    engine = "scalar"

    def __init__(self, config, weights):
        super().__init__(config, weights)
        self.state_dict = {name: [[Value(float(w), label=f"{name}[{r}][{c}]") for c, w in enumerate(row)]
                                  for r, row in enumerate(weights[name])]
                           for name, _ in parameter_shapes(config)}
        self.params = [p for matrix in self.state_dict.values() for row in matrix for p in row]

    def weights(self):
        return {name: [[p.data for p in row] for row in matrix] for name, matrix in self.state_dict.items()}

    def forward(self, token_id, pos_id, cache):
        """The logits (Values) of the token after `token_id` at `pos_id`, given what `cache` holds."""
        cfg, sd = self.config, self.state_dict
        check_token(cfg, token_id)
        check_position(cfg, pos_id, len(cache))
        norm = rmsnorm if cfg.use_rmsnorm else list  # an experiment may switch RMSNorm off (config.py)
        x = [t + p for t, p in zip(sd["wte"][token_id], sd["wpe"][pos_id])]  # token + position embedding
        x = norm(x)  # not redundant: the residual stream below starts from here
        for li in range(cfg.n_layer):
            x_residual = x
            x = norm(x)
            x = self.attention(li, x, cache)
            x = [a + b for a, b in zip(x, x_residual)]
            x_residual = x
            x = norm(x)
            x = relu(linear(x, sd[f"layer{li}.mlp_fc1"]))
            x = linear(x, sd[f"layer{li}.mlp_fc2"])
            x = [a + b for a, b in zip(x, x_residual)]
        return linear(x, sd["lm_head"])

    def attention(self, li, x, cache):
        """Multi-head causal self-attention of layer `li` for the newest position."""
        sd, hd, scale = self.state_dict, self.config.head_dim, self.config.attention_scale  # scale: 1 / hd**0.5
        q = linear(x, sd[f"layer{li}.attn_wq"])
        cache.keys[li].append(linear(x, sd[f"layer{li}.attn_wk"]))
        cache.values[li].append(linear(x, sd[f"layer{li}.attn_wv"]))
        out, heads = [], []
        for h in range(self.config.n_head):
            s = h * hd
            q_h = q[s:s + hd]
            k_h = [k[s:s + hd] for k in cache.keys[li]]
            v_h = [v[s:s + hd] for v in cache.values[li]]
            logits = [sum(q_h[j] * k_t[j] for j in range(hd)) * scale for k_t in k_h]
            weights = softmax(logits)
            out.extend(sum(weights[t] * v_h[t][j] for t in range(len(v_h))) for j in range(hd))
            heads.append([w.data for w in weights])
        cache.record_attention(li, heads)
        return linear(out, sd[f"layer{li}.attn_wo"])

    def logits(self, token_id, pos_id, cache):
        return [logit.data for logit in self.forward(token_id, pos_id, cache)]

    def loss(self, tokens):
        """Mean cross-entropy (a Value) of predicting each next token of `tokens`, at most block_size of them."""
        n = self.predictions(tokens)
        cache = self.new_cache()
        losses = []
        for pos_id in range(n):
            p = softmax(self.forward(tokens[pos_id], pos_id, cache))[tokens[pos_id + 1]]
            check_probability(p.data)
            losses.append(-p.log())
        return (1 / n) * sum(losses)

    def loss_and_gradients(self, tokens):
        zero_grad(self.params)  # backward() adds to what is there
        loss = self.loss(tokens)
        loss.backward()
        return loss.data, {name: [[float(p.grad) for p in row] for row in matrix]
                           for name, matrix in self.state_dict.items()}

    def train_step(self, tokens, optimizer):
        """One step of gradient descent on one document, as the seed's loop does; returns the loss."""
        loss, _ = self.loss_and_gradients(tokens)
        optimizer.step(self.params)
        return loss
