"""Adam checked by hand, the training loop, and temperature sampling."""

import json
import math
import random

import pytest

from microgpt import (GPT, Adam, GPTConfig, Run, Tokenizer, Value, init_weights, make_model, num_parameters,
                      pick_token, sample, sample_steps, samples, train)


def adam_by_hand(x, grads, lrs, beta1=0.85, beta2=0.99, eps=1e-8):
    """One parameter through len(grads) Adam steps, written out from the textbook formulas."""
    m = v = 0.0
    for t, (g, lr) in enumerate(zip(grads, lrs), start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        x = x - lr * (m / (1 - beta1**t)) / (math.sqrt(v / (1 - beta2**t)) + eps)
    return x


def test_adam_steps_match_the_formulas_by_hand():
    params = [Value(0.5), Value(-1.0)]
    grads = [[0.3, -2.0], [0.1, 4.0], [-0.2, 0.5]]
    adam = Adam(len(params), num_steps=10)
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = g
        adam.step(params)
        assert [p.grad for p in params] == [0, 0]  # gradients are reset for the next backward pass
    lrs = [0.01 * (1 - t / 10) for t in range(3)]
    assert params[0].data == pytest.approx(adam_by_hand(0.5, [g[0] for g in grads], lrs), rel=1e-14)
    assert params[1].data == pytest.approx(adam_by_hand(-1.0, [g[1] for g in grads], lrs), rel=1e-14)
    # the first step of Adam moves each parameter by about the learning rate, against its gradient
    first = [Value(0.5), Value(-1.0)]
    first[0].grad, first[1].grad = 0.3, -2.0
    Adam(2, 10).step(first)
    assert first[0].data == pytest.approx(0.5 - 0.01) and first[1].data == pytest.approx(-1.0 + 0.01)


def test_learning_rate_decays_linearly_to_zero_and_then_stops():
    params = [Value(1.0)]
    adam = Adam(1, num_steps=4, learning_rate=0.02)
    seen = []
    for _ in range(4):
        seen.append(adam.lr())
        params[0].grad = 1.0
        adam.step(params)
    assert seen == pytest.approx([0.02, 0.015, 0.01, 0.005])
    assert adam.lr() == 0 and adam.t == 4
    with pytest.raises(ValueError, match="schedule of 4 steps is over"):
        adam.step(params)


def test_adam_refuses_a_bad_schedule_or_the_wrong_number_of_parameters():
    for bad in (0, -3, 2.5, "10"):
        with pytest.raises(ValueError, match="num_steps"):
            Adam(3, bad)
    with pytest.raises(ValueError, match="state for 3 parameters, got 2"):
        Adam(3, 10).step([Value(1.0), Value(2.0)])


def run_adam(adam, params, grads):
    for g in grads:
        for p in params:
            p.grad = g * p.data
        adam.step(params)


def test_adam_state_round_trips_through_json_and_resumes_identically():
    grads = [0.5, -1.5, 2.0, 0.25, -0.75]
    straight = [Value(0.3), Value(-0.7), Value(1.1)]
    run_adam(Adam(3, 5), straight, grads)

    resumed = [Value(0.3), Value(-0.7), Value(1.1)]
    first = Adam(3, 5)
    run_adam(first, resumed, grads[:2])
    state = json.loads(json.dumps(first.state()))
    again = Adam.from_state(state)
    assert again.state() == first.state()
    run_adam(again, resumed, grads[2:])
    assert [p.data for p in resumed] == [p.data for p in straight]


def test_inconsistent_optimizer_state_is_refused():
    state = Adam(3, 5).state()
    with pytest.raises(ValueError, match="inconsistent"):
        Adam.from_state({**state, "v": [0.0, 0.0]})
    with pytest.raises(ValueError, match="inconsistent"):
        Adam.from_state({**state, "t": 6})


# --- training ---

def test_train_takes_document_step_mod_len_at_each_step(tiny_config, tiny_docs, tiny_tokenizer):
    docs = tiny_docs[:2]  # 3 steps on 2 documents: the third step wraps around to the first
    weights = init_weights(tiny_config, random.Random(1))
    calls = []
    model = GPT(tiny_config, weights)
    history = train(model, docs, tiny_tokenizer, 3, on_step=lambda step, loss: calls.append((step, loss)))

    by_hand = GPT(tiny_config, weights)
    adam = Adam(len(by_hand.params), 3)
    expected = [by_hand.train_step(tiny_tokenizer.encode_doc(docs[step % 2]), adam) for step in range(3)]
    assert history == expected
    assert calls == list(enumerate(expected))
    assert model.weights() == by_hand.weights()


def test_training_lowers_the_loss_on_a_repeated_document(tiny_config, tiny_tokenizer):
    model = GPT(tiny_config, init_weights(tiny_config, random.Random(0)))
    history = train(model, ["gloria"], tiny_tokenizer, 15)
    assert len(history) == 15
    assert history[-1] < history[0] / 2


def test_training_is_deterministic(tiny_config, tiny_docs, tiny_tokenizer):
    runs = []
    for _ in range(2):
        model = GPT(tiny_config, init_weights(tiny_config, random.Random(2)))
        runs.append((train(model, tiny_docs, tiny_tokenizer, 4), model.weights()))
    assert runs[0] == runs[1]


def test_zero_steps_changes_nothing(tiny_model, tiny_docs, tiny_tokenizer):
    before = tiny_model.weights()
    assert train(tiny_model, tiny_docs, tiny_tokenizer, 0) == []
    assert tiny_model.weights() == before


def test_bad_training_arguments_are_refused(tiny_model, tiny_docs, tiny_tokenizer):
    with pytest.raises(ValueError, match="empty list of documents"):
        train(tiny_model, [], tiny_tokenizer, 3)
    for bad in (-1, 2.0, "3"):
        with pytest.raises(ValueError, match="num_steps"):
            train(tiny_model, tiny_docs, tiny_tokenizer, bad)
    other = type(tiny_tokenizer).from_docs(["abc"])
    with pytest.raises(ValueError, match="the tokenizer has 4 tokens but the model expects 15"):
        train(tiny_model, ["abc"], other, 3)


# --- sampling ---

@pytest.mark.parametrize("temperature", [0, -1, -0.5, math.nan, "0.5", None])
def test_temperature_must_be_a_positive_number(tiny_model, tiny_tokenizer, temperature):
    with pytest.raises(ValueError, match="temperature must be > 0"):
        sample(tiny_model, tiny_tokenizer, random.Random(0), temperature)


def test_a_tokenizer_that_does_not_fit_the_model_is_refused(tiny_model):
    other = Tokenizer.from_docs(["abc"])
    with pytest.raises(ValueError, match="the tokenizer has 4 tokens but the model expects 15"):
        samples(tiny_model, other, random.Random(0), 3)


@pytest.mark.parametrize("weights", [[0.2, 0.5, 0.3], [0.0, 1.0, 0.0, 0.0], [3, 1, 0, 2], [1e-9, 0.5, 1e-9, 0.5]])
def test_pick_token_is_the_rule_of_random_choices(weights):
    for seed in range(200):
        draw = random.Random(seed).random()
        assert pick_token(weights, draw) == random.Random(seed).choices(range(len(weights)), weights=weights)[0]


def test_sample_steps_show_each_draw_and_stop_at_bos(tiny_model, tiny_tokenizer):
    rng = random.Random(4)
    steps = list(sample_steps(tiny_model, tiny_tokenizer, rng, temperature=1.0))
    assert steps and [s.position for s in steps] == list(range(len(steps)))
    for step in steps:
        assert math.isclose(sum(step.probs), 1.0) and 0 <= step.draw < 1
        assert step.token == pick_token(step.probs, step.draw)
    assert all(s.token != tiny_tokenizer.bos for s in steps[:-1])
    assert steps[-1].token == tiny_tokenizer.bos or len(steps) == tiny_model.config.block_size
    name = tiny_tokenizer.decode([s.token for s in steps])
    assert sample(tiny_model, tiny_tokenizer, random.Random(4), temperature=1.0) == name


def test_a_prefix_is_read_then_continued(tiny_model, tiny_tokenizer):
    for prefix in ["", "a", "bob", "anna"[:tiny_model.config.block_size - 1]]:
        name = sample(tiny_model, tiny_tokenizer, random.Random(1), 1.0, prefix)
        assert name.startswith(prefix) and len(name) <= tiny_model.config.block_size
    steps = list(sample_steps(tiny_model, tiny_tokenizer, random.Random(1), 1.0, "bo"))
    assert steps[0].position == 2  # BOS, b, o were read; the first draw is for position 2's successor
    cache = tiny_model.new_cache()
    for pos, token in enumerate([tiny_tokenizer.bos] + tiny_tokenizer.encode("bo")):
        probs = tiny_model.next_token_probs(token, pos, cache, 1.0)
    assert steps[0].probs == probs


@pytest.mark.parametrize("prefix, message", [("Bob", "unknown character 'B' at position 0"),
                                             ("bo b", "unknown character ' '"),
                                             ("annab", "a prefix of 5 characters leaves no room")])
def test_a_bad_prefix_is_refused_with_a_clear_message(tiny_model, tiny_tokenizer, prefix, message):
    with pytest.raises(ValueError, match=message):
        sample(tiny_model, tiny_tokenizer, random.Random(0), 1.0, prefix)


def test_samples_are_deterministic_per_seed_and_use_the_vocabulary(tiny_model, tiny_tokenizer):
    first = samples(tiny_model, tiny_tokenizer, random.Random(5), 8, temperature=1.0)
    assert samples(tiny_model, tiny_tokenizer, random.Random(5), 8, temperature=1.0) == first
    assert samples(tiny_model, tiny_tokenizer, random.Random(6), 8, temperature=1.0) != first
    for name in first:
        assert len(name) <= tiny_model.config.block_size
        assert set(name) <= set(tiny_tokenizer.chars)


def test_sampling_draws_each_token_from_the_model_distribution(tiny_model, tiny_tokenizer):
    """The seed's loop: feed the last token, draw the next with rng.choices, stop at BOS."""
    rng, expected_rng = random.Random(9), random.Random(9)
    got = sample(tiny_model, tiny_tokenizer, rng, temperature=0.7)
    cache, token, chars = tiny_model.new_cache(), tiny_tokenizer.bos, []
    for pos in range(tiny_model.config.block_size):
        probs = tiny_model.next_token_probs(token, pos, cache, 0.7)
        token = expected_rng.choices(range(tiny_tokenizer.vocab_size), weights=probs)[0]
        if token == tiny_tokenizer.bos:
            break
        chars.append(tiny_tokenizer.chars[token])
    assert got == "".join(chars)
    assert rng.random() == expected_rng.random()  # and it drew exactly as many random numbers


# --- the seed's run ---

def test_a_run_is_the_seed_order_from_one_generator(tiny_docs):
    """Shuffle, initial weights, training (no draws), samples: all from random.Random(seed), in that order."""
    run = Run(tiny_docs, num_steps=3, seed=7, engine="fast", n_layer=2, n_embd=8, block_size=5, n_head=2)
    history, names = run.train(), run.samples(4, temperature=0.8)

    rng = random.Random(7)
    docs = list(tiny_docs)
    rng.shuffle(docs)
    tokenizer = Tokenizer.from_docs(docs)
    config = GPTConfig(tokenizer.vocab_size, n_layer=2, n_embd=8, block_size=5, n_head=2)
    model = make_model(config, init_weights(config, rng), "fast")
    assert run.docs == docs and run.config == config
    assert history == train(model, docs, tokenizer, 3) == run.history
    assert names == samples(model, tokenizer, rng, 4, temperature=0.8)
    assert len(run.history) == 3 and run.optimizer.t == 3


def test_a_run_checks_everything_before_any_work(tiny_docs):
    with pytest.raises(ValueError, match="n_embd \\(10\\) must be divisible by n_head \\(4\\)"):
        Run(tiny_docs, n_embd=10)
    with pytest.raises(ValueError, match="empty list of documents"):
        Run([])
    with pytest.raises(ValueError, match="num_steps must be a positive integer"):
        Run(tiny_docs, num_steps=0)
    with pytest.raises(ValueError, match="unknown engine"):
        Run(tiny_docs, engine="quantum")


def test_a_run_trains_once(tiny_docs):
    run = Run(tiny_docs, num_steps=2, engine="fast", n_embd=8, n_head=2)
    run.train()
    with pytest.raises(ValueError, match="trained already"):
        run.train()
    assert len(run.history) == 2


def test_a_run_with_a_new_optimizer_still_trains_once(tiny_docs):
    run = Run(tiny_docs, num_steps=2, engine="fast", n_embd=8, n_head=2)
    run.train()
    run.optimizer = Adam(len(run.optimizer.m), 2)  # a fresh schedule would train the trained weights again
    with pytest.raises(ValueError, match="trained already"):
        run.train()


def test_the_numpy_engine_takes_the_weights_an_optimizer_returns():
    """Adam updates arrays in place; an optimizer of one's own (notebook 08's plain gradient descent) may
    return new ones instead, and the engine must use them."""
    class Halve(Adam):
        def update(self, data, grads):
            self.t += 1
            return data * 0.5

    run = Run(["anna", "bob"], 1, engine="numpy")
    before = run.model.weights()
    run.model.train_step(run.tokenizer.encode_doc("anna"), Halve(num_parameters(run.config), 1))
    assert run.model.weights() == {name: [[w * 0.5 for w in row] for row in m] for name, m in before.items()}
