"""The model's shape (microgpt.config: validation, weights drawn in the seed's order) and the scalar
engine's forward pass (microgpt.model): its errors and the attention weights it records."""

import math
import random

import pytest

from microgpt import GPT, GPTConfig, init_weights, num_parameters, parameter_shapes
from microgpt.config import check_weights


def test_default_config_is_the_seed_and_has_its_4192_parameters():
    config = GPTConfig()
    assert (config.vocab_size, config.n_layer, config.n_embd, config.block_size, config.n_head) == (27, 1, 16, 16, 4)
    assert config.head_dim == 4
    assert num_parameters(config) == 4192  # the seed prints "num params: 4192"


@pytest.mark.parametrize("field, value, message", [
    ("n_embd", 10, "divisible by n_head"),
    ("n_head", 3, "divisible by n_head"),
    ("n_layer", 0, "positive integer"),
    ("n_embd", -16, "positive integer"),
    ("block_size", 0, "positive integer"),
    ("n_head", 2.0, "positive integer"),
    ("n_layer", "1", "positive integer"),
    ("n_layer", True, "positive integer"),
    ("vocab_size", 1, "at least 2"),
    ("vocab_size", None, "positive integer"),
])
def test_bad_configs_are_refused(field, value, message):
    with pytest.raises(ValueError, match=message) as err:
        GPTConfig(**{field: value})
    assert field in str(err.value)


def test_parameter_shapes_follow_the_seed_order():
    config = GPTConfig(vocab_size=5, n_layer=2, n_embd=8, block_size=3, n_head=2)
    assert parameter_shapes(config) == [
        ("wte", (5, 8)), ("wpe", (3, 8)), ("lm_head", (5, 8)),
        ("layer0.attn_wq", (8, 8)), ("layer0.attn_wk", (8, 8)), ("layer0.attn_wv", (8, 8)),
        ("layer0.attn_wo", (8, 8)), ("layer0.mlp_fc1", (32, 8)), ("layer0.mlp_fc2", (8, 32)),
        ("layer1.attn_wq", (8, 8)), ("layer1.attn_wk", (8, 8)), ("layer1.attn_wv", (8, 8)),
        ("layer1.attn_wo", (8, 8)), ("layer1.mlp_fc1", (32, 8)), ("layer1.mlp_fc2", (8, 32)),
    ]


def seed_order_weights(vocab_size, n_layer, n_embd, block_size, rng):
    """The seed's initialisation written out by hand: one gauss(0, 0.08) per weight, row by row."""
    def matrix(nout, nin):
        return [[rng.gauss(0, 0.08) for _ in range(nin)] for _ in range(nout)]
    weights = {"wte": matrix(vocab_size, n_embd), "wpe": matrix(block_size, n_embd),
               "lm_head": matrix(vocab_size, n_embd)}
    for i in range(n_layer):
        weights[f"layer{i}.attn_wq"] = matrix(n_embd, n_embd)
        weights[f"layer{i}.attn_wk"] = matrix(n_embd, n_embd)
        weights[f"layer{i}.attn_wv"] = matrix(n_embd, n_embd)
        weights[f"layer{i}.attn_wo"] = matrix(n_embd, n_embd)
        weights[f"layer{i}.mlp_fc1"] = matrix(4 * n_embd, n_embd)
        weights[f"layer{i}.mlp_fc2"] = matrix(n_embd, 4 * n_embd)
    return weights


def test_init_weights_draws_the_random_numbers_in_the_seed_order():
    config = GPTConfig(vocab_size=6, n_layer=2, n_embd=8, block_size=5, n_head=2)
    ours = init_weights(config, random.Random(42))
    reference = seed_order_weights(6, 2, 8, 5, random.Random(42))
    assert list(ours) == list(reference)  # same names, same order
    assert ours == reference              # same floats, bit for bit


def test_model_holds_the_weights_it_was_given(tiny_config):
    weights = init_weights(tiny_config, random.Random(3))
    model = GPT(tiny_config, weights)
    assert model.weights() == weights
    assert len(model.params) == num_parameters(tiny_config)
    assert model.params[0] is model.state_dict["wte"][0][0] and model.params[0].label == "wte[0][0]"


def test_weights_of_the_wrong_shape_are_refused(tiny_config):
    weights = init_weights(tiny_config, random.Random(0))
    del weights["lm_head"]
    with pytest.raises(ValueError, match="missing \\['lm_head'\\]"):
        GPT(tiny_config, weights)
    weights = init_weights(tiny_config, random.Random(0))
    weights["wpe"] = weights["wpe"][:-1]
    with pytest.raises(ValueError, match="'wpe' should be 5x8"):
        check_weights(tiny_config, weights)


def test_forward_errors_say_what_is_wrong(tiny_model):
    V, B = tiny_model.config.vocab_size, tiny_model.config.block_size
    with pytest.raises(ValueError, match="outside the vocabulary"):
        tiny_model.forward(V, 0, tiny_model.new_cache())
    with pytest.raises(ValueError, match="outside the vocabulary"):
        tiny_model.forward(-1, 0, tiny_model.new_cache())
    with pytest.raises(ValueError, match="does not follow the cache"):
        tiny_model.forward(0, 1, tiny_model.new_cache())
    cache = tiny_model.new_cache()
    for pos in range(B):
        tiny_model.forward(0, pos, cache)
    with pytest.raises(ValueError, match="outside the context"):
        tiny_model.forward(0, B, cache)


def test_a_document_needs_two_tokens_for_a_loss(tiny_model):
    with pytest.raises(ValueError, match="at least 2 tokens"):
        tiny_model.loss([0])


def test_attention_weights_are_recorded_on_the_cache_per_layer_head_and_query(tiny_model):
    cfg = tiny_model.config
    cache = tiny_model.new_cache()
    tokens = [cfg.vocab_size - 1, 0, 3, 2]
    for pos, token in enumerate(tokens):
        tiny_model.forward(token, pos, cache)
    assert len(cache) == len(tokens) and len(cache.attention) == cfg.n_layer
    for layer in cache.attention:
        assert len(layer) == cfg.n_head
        for head in layer:
            assert [len(row) for row in head] == [1, 2, 3, 4]  # causal: each query sees itself and the ones before
            assert all(w > 0 for row in head for w in row)
            assert all(math.isclose(sum(row), 1.0, abs_tol=1e-12) for row in head)


def test_an_untrained_model_predicts_close_to_uniform(tiny_model):
    V = tiny_model.config.vocab_size
    loss = tiny_model.loss([V - 1, 0, 1, V - 1]).data
    assert abs(loss - math.log(V)) < 0.1  # small random weights: cross-entropy about log(vocab_size)


def test_next_token_probs_sum_to_one_and_sharpen_with_low_temperature(tiny_model):
    bos = tiny_model.config.vocab_size - 1
    warm = tiny_model.next_token_probs(bos, 0, tiny_model.new_cache(), temperature=1.0)
    cold = tiny_model.next_token_probs(bos, 0, tiny_model.new_cache(), temperature=0.1)
    assert math.isclose(sum(warm), 1.0) and math.isclose(sum(cold), 1.0)
    assert max(cold) > max(warm) and cold.index(max(cold)) == warm.index(max(warm))
