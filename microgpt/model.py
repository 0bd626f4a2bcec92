"""The GPT: its configuration, its parameters (in the seed's order) and its forward pass on `Value`s.

GPT-2 with small changes, as in the seed: RMSNorm instead of LayerNorm, no biases, ReLU instead
of GeLU. The model reads one token at a time; keys and values of earlier positions are kept in a
cache, so attention looks back without recomputing them.
"""

import numbers
from dataclasses import asdict, dataclass

from .autograd import Value

INIT_STD = 0.08  # standard deviation of the Gaussian that initialises every weight
RMSNORM_EPS = 1e-5  # added to the mean square before the inverse square root, as in the seed


@dataclass(frozen=True)
class GPTConfig:
    vocab_size: int = 27
    n_layer: int = 1      # depth: number of transformer blocks
    n_embd: int = 16      # width: the embedding dimension
    block_size: int = 16  # longest context the model can attend over
    n_head: int = 4       # attention heads per layer

    def __post_init__(self):
        for name, value in asdict(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.vocab_size < 2:
            raise ValueError(f"vocab_size must be at least 2 (one character and BOS), got {self.vocab_size}")
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head})")

    @property
    def head_dim(self):
        return self.n_embd // self.n_head


def parameter_shapes(config):
    """Every weight matrix as (name, (rows, columns)), in the order the seed creates them.

    This order is the single definition of the model's structure that every engine follows:
    initialisation draws the random numbers in it, and checkpoints store it.
    """
    V, E, B = config.vocab_size, config.n_embd, config.block_size
    shapes = [("wte", (V, E)), ("wpe", (B, E)), ("lm_head", (V, E))]
    for i in range(config.n_layer):
        shapes += [
            (f"layer{i}.attn_wq", (E, E)),
            (f"layer{i}.attn_wk", (E, E)),
            (f"layer{i}.attn_wv", (E, E)),
            (f"layer{i}.attn_wo", (E, E)),
            (f"layer{i}.mlp_fc1", (4 * E, E)),
            (f"layer{i}.mlp_fc2", (E, 4 * E)),
        ]
    return shapes


def num_parameters(config):
    return sum(rows * cols for _, (rows, cols) in parameter_shapes(config))


def init_weights(config, rng, std=INIT_STD):
    """Fresh weights as {name: rows of floats}, drawn from `rng` (a random.Random) in the seed's order."""
    return {name: [[rng.gauss(0, std) for _ in range(cols)] for _ in range(rows)]
            for name, (rows, cols) in parameter_shapes(config)}


def check_weights(config, weights):
    """Raise ValueError unless `weights` has exactly the matrices and shapes `config` needs."""
    expected = dict(parameter_shapes(config))
    if set(weights) != set(expected):
        missing, extra = sorted(set(expected) - set(weights)), sorted(set(weights) - set(expected))
        raise ValueError(f"weights do not match the config: missing {missing}, unexpected {extra}")
    for name, (rows, cols) in expected.items():
        matrix = weights[name]
        if len(matrix) != rows or any(len(row) != cols for row in matrix):
            raise ValueError(f"weight {name!r} should be {rows}x{cols}")


def check_token(config, token_id):
    """Raise ValueError unless `token_id` is a token of the vocabulary (every engine checks the same)."""
    if not (isinstance(token_id, numbers.Integral) and 0 <= token_id < config.vocab_size):
        raise ValueError(f"token id {token_id!r} is outside the vocabulary (0..{config.vocab_size - 1})")


def check_position(config, pos_id, cached):
    """Raise ValueError unless `pos_id` is in the context and follows the `cached` positions."""
    if not 0 <= pos_id < config.block_size:
        raise ValueError(f"position {pos_id} is outside the context (0..{config.block_size - 1}, block_size {config.block_size})")
    if pos_id != cached:
        raise ValueError(f"position {pos_id} does not follow the cache, which holds {cached} positions")


def check_tokens(config, tokens):
    """Raise ValueError unless `tokens` is a document a model can score: 2+ ids of the vocabulary."""
    if len(tokens) < 2:
        raise ValueError("a document needs at least 2 tokens (BOS and one more) to have a next-token loss")
    for token_id in tokens:
        check_token(config, token_id)


# --- building blocks: each works on lists of Values (or of floats, for the forward pass alone) ---

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


class KVCache:
    """Keys and values of the positions seen so far, per layer."""

    def __init__(self, n_layer):
        self.keys = [[] for _ in range(n_layer)]
        self.values = [[] for _ in range(n_layer)]

    def __len__(self):
        return len(self.keys[0])


class GPT:
    """The seed's model on scalar `Value`s: slow, but every number can be looked at."""

    engine = "scalar"

    def __init__(self, config, weights):
        check_weights(config, weights)
        self.config = config
        self.state_dict = {name: [[Value(float(w), label=f"{name}[{r}][{c}]") for c, w in enumerate(row)]
                                  for r, row in enumerate(weights[name])]
                           for name, _ in parameter_shapes(config)}
        self.params = [p for matrix in self.state_dict.values() for row in matrix for p in row]

    def weights(self):
        """The current weights as {name: rows of floats} (what checkpoints store)."""
        return {name: [[p.data for p in row] for row in matrix] for name, matrix in self.state_dict.items()}

    def new_cache(self):
        return KVCache(self.config.n_layer)

    def forward(self, token_id, pos_id, cache, attention=None):
        """Logits for the token after `token_id` at position `pos_id`, given what `cache` holds.

        If `attention` is a list, this appends one entry per layer: per head, the attention weights
        (Values) over positions 0..pos_id.
        """
        cfg, sd = self.config, self.state_dict
        check_token(cfg, token_id)
        check_position(cfg, pos_id, len(cache))
        x = [t + p for t, p in zip(sd["wte"][token_id], sd["wpe"][pos_id])]
        x = rmsnorm(x)  # not redundant: the residual stream below starts from here
        for li in range(cfg.n_layer):
            x_residual = x
            x = rmsnorm(x)
            x = self._attention(li, x, cache, attention)
            x = [a + b for a, b in zip(x, x_residual)]
            x_residual = x
            x = rmsnorm(x)
            x = relu(linear(x, sd[f"layer{li}.mlp_fc1"]))
            x = linear(x, sd[f"layer{li}.mlp_fc2"])
            x = [a + b for a, b in zip(x, x_residual)]
        return linear(x, sd["lm_head"])

    def _attention(self, li, x, cache, attention):
        """Multi-head causal self-attention of layer `li` for the newest position."""
        sd, hd = self.state_dict, self.config.head_dim
        q = linear(x, sd[f"layer{li}.attn_wq"])
        cache.keys[li].append(linear(x, sd[f"layer{li}.attn_wk"]))
        cache.values[li].append(linear(x, sd[f"layer{li}.attn_wv"]))
        out, layer_weights = [], []
        for h in range(self.config.n_head):
            s = h * hd
            q_h = q[s:s + hd]
            k_h = [k[s:s + hd] for k in cache.keys[li]]
            v_h = [v[s:s + hd] for v in cache.values[li]]
            logits = [sum(q_h[j] * k_t[j] for j in range(hd)) / hd**0.5 for k_t in k_h]
            weights = softmax(logits)
            out.extend(sum(weights[t] * v_h[t][j] for t in range(len(v_h))) for j in range(hd))
            layer_weights.append(weights)
        if attention is not None:
            attention.append(layer_weights)
        return linear(out, sd[f"layer{li}.attn_wo"])

    def loss(self, tokens):
        """Mean cross-entropy of predicting each next token of `tokens` (at most block_size of them)."""
        check_tokens(self.config, tokens)
        n = min(self.config.block_size, len(tokens) - 1)
        cache = self.new_cache()
        losses = []
        for pos_id in range(n):
            probs = softmax(self.forward(tokens[pos_id], pos_id, cache))
            losses.append(-probs[tokens[pos_id + 1]].log())
        return (1 / n) * sum(losses)

    def train_step(self, tokens, optimizer):
        """One step of gradient descent on one document; returns its loss before the update."""
        loss = self.loss(tokens)
        loss.backward()
        optimizer.step(self.params)
        return loss.data

    def next_token_probs(self, token_id, pos_id, cache, temperature):
        """The distribution (floats) of the next token, sharpened (<1) or flattened (>1) by temperature."""
        logits = self.forward(token_id, pos_id, cache)
        return [p.data for p in softmax([logit / temperature for logit in logits])]
