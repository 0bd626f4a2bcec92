"""The model's shape: its configuration, its weight matrices in the seed's order, and their checks.

Every engine builds the same model from this one description, so the engines cannot drift apart:
`parameter_shapes` says which matrices exist and in which order, `init_weights` draws them the way
the seed does, and the `check_...` functions refuse what does not fit with one clear message.
"""

import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass

INIT_STD = 0.08  # standard deviation of the Gaussian that initialises every weight
RMSNORM_EPS = 1e-5  # added to the mean square before the inverse square root, as in the seed
SWITCHES = ("scale_attention", "use_rmsnorm")  # GPTConfig's on/off fields; the others are sizes


@dataclass(frozen=True)
class GPTConfig:
    vocab_size: int = 27
    n_layer: int = 1      # depth: number of transformer blocks
    n_embd: int = 16      # width: the embedding dimension
    block_size: int = 16  # longest context the model can attend over
    n_head: int = 4       # attention heads per layer
    # Switches for experiments (notebook 11); the defaults are the seed's model, and every engine honours them.
    scale_attention: bool = True  # divide the attention logits by sqrt(head_dim)
    use_rmsnorm: bool = True      # normalise the residual stream before each block (off: the stream as it is)

    def __post_init__(self):
        for name, value in asdict(self).items():
            if name in SWITCHES:
                if not isinstance(value, bool):
                    raise ValueError(f"{name} must be True or False, got {value!r}")
            elif not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.vocab_size < 2:
            raise ValueError(f"vocab_size must be at least 2 (one character and BOS), got {self.vocab_size}")
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head})")

    @property
    def head_dim(self):
        return self.n_embd // self.n_head

    @property
    def attention_scale(self):
        """What the attention logits are multiplied by: the seed's 1/sqrt(head_dim), or 1 when switched off."""
        return (self.head_dim ** 0.5) ** -1 if self.scale_attention else 1.0


def parameter_shapes(config):
    """Every weight matrix as (name, (rows, columns)), in the order the seed creates them.

    Initialisation draws the random numbers in this order, and checkpoints store it.
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
    check_config(config)
    return {name: [[rng.gauss(0, std) for _ in range(cols)] for _ in range(rows)]
            for name, (rows, cols) in parameter_shapes(config)}


def check_config(config):
    """Raise TypeError unless `config` is a GPTConfig (a dict of settings is not)."""
    if not isinstance(config, GPTConfig):
        raise TypeError(f"config must be a GPTConfig, e.g. GPTConfig(vocab_size=27), not a {type(config).__name__}")


def check_weights(config, weights):
    """Raise ValueError unless `weights` has exactly the matrices and shapes `config` needs."""
    check_config(config)
    if not isinstance(weights, Mapping):
        raise TypeError(f"weights must be a dict of {{name: rows of numbers}}, not a {type(weights).__name__}")
    expected = dict(parameter_shapes(config))
    if set(weights) != set(expected):
        missing, extra = sorted(set(expected) - set(weights)), sorted(set(weights) - set(expected))
        raise ValueError(f"weights do not match the config: missing {missing}, unexpected {extra}")
    for name, (rows, cols) in expected.items():
        matrix = weights[name]
        if len(matrix) != rows or any(len(row) != cols for row in matrix):
            raise ValueError(f"weight {name!r} should be {rows}x{cols}")


def check_tokenizer(config, tokenizer):
    """Raise ValueError unless `tokenizer` has the vocabulary size `config` was made for."""
    if tokenizer.vocab_size != config.vocab_size:
        raise ValueError(f"the tokenizer has {tokenizer.vocab_size} tokens but the model expects "
                         f"{config.vocab_size}: use the tokenizer the model was trained with")


def check_token(config, token_id):
    """Raise ValueError unless `token_id` is a token of the vocabulary."""
    if not (isinstance(token_id, numbers.Integral) and 0 <= token_id < config.vocab_size):
        raise ValueError(f"token id {token_id!r} is outside the vocabulary (0..{config.vocab_size - 1})")


def check_position(config, pos_id, cached):
    """Raise ValueError unless `pos_id` is in the context and follows the `cached` positions."""
    if not 0 <= pos_id < config.block_size:
        raise ValueError(f"position {pos_id} is outside the context (0..{config.block_size - 1}, "
                         f"block_size {config.block_size})")
    if pos_id != cached:
        raise ValueError(f"position {pos_id} does not follow the cache, which holds {cached} positions")


def check_tokens(config, tokens):
    """Raise ValueError unless `tokens` is a document a model can score: 2+ ids of the vocabulary."""
    if len(tokens) < 2:
        raise ValueError("a document needs at least 2 tokens (BOS and one more) to have a next-token loss")
    for token_id in tokens:
        check_token(config, token_id)
