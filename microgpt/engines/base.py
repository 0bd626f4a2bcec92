"""The engine contract: what every way of computing the model does, and what they all share.

An engine holds a model of one `GPTConfig` with its weights. Each engine fills in:

- `forward(token_id, pos_id, cache)`: the logits of the token after `token_id`, like the seed's
  `gpt()`, adding this position's keys, values and attention weights to `cache`
  (the scalar engine returns Values, the others floats; `logits()` is floats in every engine);
- `loss_and_gradients(tokens)`: the mean next-token loss of one document and d(loss)/d(every weight),
  as a float and {name: rows of floats};
- `weights()`: the current weights as {name: rows of floats} (what checkpoints store);
- `train_step(tokens, optimizer)`: one step of Adam on one document, returning its loss.

What they share is here: the KV cache, the rule that scores at most block_size positions of a
document, and next-token probabilities at a temperature.
"""

import math
from functools import reduce
from operator import add

from ..config import check_tokens, check_weights


def softmax(logits):
    """The seed's softmax on floats: exp(l - max), then times the total ** -1 (its division)."""
    top = max(logits)
    exps = [math.exp(logit - top) for logit in logits]
    inv_total = reduce(add, exps, 0.0) ** -1  # added left to right from 0, like the seed's sum() of Values
    return [e * inv_total for e in exps]


def check_probability(p):
    """Raise ValueError if `p`, the probability the model gives a document's real next token, is 0.

    Its loss, -log p, would be infinite: weights that big come only from a run that has diverged.
    """
    if p == 0:
        raise ValueError("the model gives a real next token a probability of 0, so the loss is infinite: "
                         "training has diverged (is the learning rate too large?)")


class KVCache:
    """What attention keeps of the positions seen so far, per layer: their keys and values.

    It also records what attention did, for looking at it afterwards:
    `attention[layer][head][query]` is the list of weights (floats) that position `query` gave to
    positions 0..query. Every engine records the same numbers.
    """

    def __init__(self, config):
        self.keys = [[] for _ in range(config.n_layer)]
        self.values = [[] for _ in range(config.n_layer)]
        self.attention = [[[] for _ in range(config.n_head)] for _ in range(config.n_layer)]

    def __len__(self):
        return len(self.keys[0])

    def record_attention(self, layer, heads):
        """Record one query position's weights in `layer`: one list of floats per head."""
        for recorded, weights in zip(self.attention[layer], heads):
            recorded.append([float(w) for w in weights])


class Engine:
    """The model of `config` holding `weights`; subclasses compute it (see the module docstring)."""

    engine = ""  # the name make_model knows it by

    def __init__(self, config, weights):
        check_weights(config, weights)
        self.config = config

    def new_cache(self):
        return KVCache(self.config)

    def predictions(self, tokens):
        """How many next tokens of `tokens` the loss scores: every one, but at most block_size.

        The seed's rule: positions 0..n-1 predict tokens 1..n, n = min(block_size, len(tokens) - 1).
        """
        check_tokens(self.config, tokens)
        return min(self.config.block_size, len(tokens) - 1)

    def logits(self, token_id, pos_id, cache):
        """`forward`'s logits as floats."""
        return self.forward(token_id, pos_id, cache)

    def next_token_probs(self, token_id, pos_id, cache, temperature):
        """The distribution (floats) of the next token, sharpened (<1) or flattened (>1) by temperature."""
        inv_temperature = temperature ** -1  # the seed divides each logit by the temperature
        return softmax([logit * inv_temperature for logit in self.logits(token_id, pos_id, cache)])

    def forward(self, token_id, pos_id, cache):
        raise NotImplementedError

    def loss_and_gradients(self, tokens):
        raise NotImplementedError

    def weights(self):
        raise NotImplementedError

    def train_step(self, tokens, optimizer):
        raise NotImplementedError
