"""The three engines compute the same model: every engine against every other, the fused operations
against finite differences, and bad input refused everywhere. (The seed's 1000-step runs by every
engine are in test_parity.py and test_shipped_checkpoint.py.)

What the engines achieve (and these tests hold them to):
- fast vs scalar: the forward pass does the same float operations in the same order, so losses,
  logits, attention weights and sampling probabilities are bit for bit equal. Gradients are summed
  in another order: they agree to ~1e-15 of each matrix's largest gradient.
- numpy vs the others: arrays add in another order, so everything agrees to ~1e-15 relative.
"""

import dataclasses
import itertools
import random
import subprocess
import sys

import pytest

from microgpt import (ENGINES, Adam, GPTConfig, Tokenizer, init_weights, load_checkpoint, make_model,
                      num_parameters, samples, save_checkpoint, shipped_checkpoint_path, train)
from microgpt.engines import fast

from .conftest import TINY_NAMES

LONG = "annabellabobcarladave"  # longer than every block_size below: the loss must cut it like the seed
DOCS = list(TINY_NAMES) + [LONG]
TOKENIZER = Tokenizer.from_docs(DOCS)

CONFIGS = {
    "seed default": dict(),
    "two layers, narrow, short context": dict(n_layer=2, n_embd=8, n_head=2, block_size=4),
    "wide, eight heads": dict(n_embd=24, n_head=8, block_size=8),
    "one head": dict(n_embd=8, n_head=1),
    "two layers, wide, eight heads": dict(n_layer=2, n_embd=24, n_head=8, block_size=8),
    # the experiments' switches (notebook 11): every engine must honour them the same way
    "no attention scale": dict(n_layer=2, n_embd=8, n_head=2, block_size=4, scale_attention=False),
    "no RMSNorm": dict(n_layer=2, n_embd=8, n_head=2, block_size=4, use_rmsnorm=False),
}
SWITCHED = ["no attention scale", "no RMSNorm"]
SEEDS = (0, 1, 7)
PAIRS = list(itertools.combinations(ENGINES, 2))
GRAD_TOL = 1e-13  # of each matrix's largest gradient; measured worst case ~1.6e-15
NUMPY_TOL = 1e-12  # relative, for numpy against the others; measured ~1.6e-16 for losses


def config_of(name):
    return GPTConfig(vocab_size=TOKENIZER.vocab_size, **CONFIGS[name])


def models(config, seed):
    weights = init_weights(config, random.Random(seed))
    return {engine: make_model(config, weights, engine) for engine in ENGINES}


def loss_and_gradients(model, tokens):
    """(loss, {name: rows of floats}) in any engine (numpy's rows are arrays: made lists here)."""
    loss, grads = model.loss_and_gradients(tokens)
    return loss, {name: [[float(g) for g in row] for row in matrix] for name, matrix in grads.items()}


def assert_close(a, b, rel, exact):
    """a == b if the two engines should be bit for bit equal, else |a - b| <= rel * |a|."""
    if exact:
        assert a == b
    else:
        assert abs(a - b) <= rel * abs(a), (a, b)


def bit_exact(pair):
    return set(pair) == {"scalar", "fast"}


# --- every engine against every other ---

@pytest.mark.parametrize("config_name", CONFIGS)
@pytest.mark.parametrize("seed", SEEDS)
def test_losses_and_every_gradient_agree(config_name, seed):
    config = config_of(config_name)
    per_engine = models(config, seed)
    for doc in (LONG, "eve"):
        tokens = TOKENIZER.encode_doc(doc)
        results = {engine: loss_and_gradients(model, tokens) for engine, model in per_engine.items()}
        for pair in PAIRS:
            (loss_a, grads_a), (loss_b, grads_b) = results[pair[0]], results[pair[1]]
            assert_close(loss_a, loss_b, NUMPY_TOL, bit_exact(pair))
            for name, matrix in grads_a.items():
                scale = max(abs(g) for row in matrix for g in row)
                worst = max(abs(a - b) for row_a, row_b in zip(matrix, grads_b[name]) for a, b in zip(row_a, row_b))
                assert worst <= GRAD_TOL * scale, (pair, name, worst, scale)


@pytest.mark.parametrize("engine", ENGINES)
def test_without_the_attention_scale_the_model_is_the_default_with_queries_sqrt_head_dim_larger(engine):
    switched = config_of("no attention scale")
    default = dataclasses.replace(switched, scale_attention=True)
    weights = init_weights(default, random.Random(4))
    bigger_queries = {name: [[w * default.head_dim ** 0.5 for w in row] for row in matrix] if "attn_wq" in name
                      else matrix for name, matrix in weights.items()}
    tokens = TOKENIZER.encode_doc(LONG)
    loss_switched = make_model(switched, weights, engine).loss_and_gradients(tokens)[0]
    assert abs(loss_switched - make_model(default, bigger_queries, engine).loss_and_gradients(tokens)[0]) < 1e-12
    assert abs(loss_switched - make_model(default, weights, engine).loss_and_gradients(tokens)[0]) > 1e-6


@pytest.mark.parametrize("engine", ENGINES)
def test_without_rmsnorm_the_loss_changes_and_is_still_finite(engine):
    switched = config_of("no RMSNorm")
    default = dataclasses.replace(switched, use_rmsnorm=True)
    weights = init_weights(default, random.Random(4))
    tokens = TOKENIZER.encode_doc(LONG)
    loss_switched = make_model(switched, weights, engine).loss_and_gradients(tokens)[0]
    assert 0 < loss_switched < 10 and abs(loss_switched - make_model(default, weights, engine).loss_and_gradients(tokens)[0]) > 1e-6


def test_a_document_longer_than_the_context_is_cut_at_block_size():
    config = config_of("two layers, narrow, short context")
    tokens = TOKENIZER.encode_doc(LONG)
    for model in models(config, 0).values():
        assert model.predictions(tokens) == config.block_size
        assert loss_and_gradients(model, tokens) == loss_and_gradients(model, tokens[:config.block_size + 1])


@pytest.mark.parametrize("config_name", ["two layers, narrow, short context", "one head"] + SWITCHED)
def test_training_gives_the_same_losses_and_weights(config_name):
    config = config_of(config_name)
    histories, weights = {}, {}
    for engine, model in models(config, 3).items():
        histories[engine] = train(model, DOCS, TOKENIZER, 12)
        weights[engine] = model.weights()
    for a, b in PAIRS:
        for loss_a, loss_b in zip(histories[a], histories[b]):
            assert abs(loss_a - loss_b) <= 1e-12 * loss_a
        for name, matrix in weights[a].items():
            for row_a, row_b in zip(matrix, weights[b][name]):
                assert all(abs(x - y) <= 1e-12 for x, y in zip(row_a, row_b)), name


@pytest.mark.parametrize("config_name", ["seed default", "two layers, narrow, short context", "one head", "no RMSNorm"])
def test_sampling_feeds_the_same_probabilities_and_draws_the_same_names(config_name):
    config = config_of(config_name)
    model = make_model(config, init_weights(config, random.Random(5)), "fast")
    train(model, DOCS, TOKENIZER, 30)  # a little training, so the distributions are not near-uniform
    trained = {engine: make_model(config, model.weights(), engine) for engine in ENGINES}
    for temperature in (0.5, 1.0):
        probs = {engine: probabilities_along(model, TOKENIZER.encode_doc("carla")[:config.block_size], temperature)
                 for engine, model in trained.items()}
        for pair in PAIRS:
            for p_a, p_b in zip(probs[pair[0]], probs[pair[1]]):
                if bit_exact(pair):
                    assert p_a == p_b
                else:
                    assert max(abs(x - y) for x, y in zip(p_a, p_b)) <= 1e-12
        names = {engine: samples(model, TOKENIZER, random.Random(9), 10, temperature)
                 for engine, model in trained.items()}
        assert names["fast"] == names["scalar"] and names["numpy"] == names["scalar"]
        assert len(set(names["scalar"])) > 1


def probabilities_along(model, tokens, temperature):
    cache = model.new_cache()
    return [model.next_token_probs(token, pos, cache, temperature) for pos, token in enumerate(tokens)]


@pytest.mark.parametrize("config_name", ["two layers, narrow, short context", "wide, eight heads", "no attention scale"])
def test_every_engine_records_the_same_attention_weights_on_the_cache(config_name):
    config = config_of(config_name)
    tokens = TOKENIZER.encode_doc("gloria")[:config.block_size]
    recorded = {}
    for engine, model in models(config, 2).items():
        cache = model.new_cache()
        for pos, token in enumerate(tokens):
            model.forward(token, pos, cache)
        recorded[engine] = cache.attention
    for layer in recorded["scalar"]:
        assert len(layer) == config.n_head
        for head in layer:
            assert [len(weights) for weights in head] == list(range(1, len(tokens) + 1))  # causal: 0..query
            assert all(type(w) is float for weights in head for w in weights)
    assert recorded["fast"] == recorded["scalar"]
    flat = {engine: [w for layer in att for head in layer for row in head for w in row] for engine, att in recorded.items()}
    assert len(flat["numpy"]) == len(flat["scalar"])
    assert max(abs(a - b) for a, b in zip(flat["scalar"], flat["numpy"])) <= 1e-12


# --- checkpoints and Adam state ---

@pytest.mark.parametrize("engine", ENGINES)
def test_resuming_from_a_checkpoint_continues_exactly(engine, tmp_path):
    config = config_of("two layers, narrow, short context")
    weights = init_weights(config, random.Random(4))
    straight = make_model(config, weights, engine)
    expected = train(straight, DOCS, TOKENIZER, 6, Adam(num_parameters(config), 6))

    first = make_model(config, weights, engine)
    optimizer = Adam(num_parameters(config), 6)
    history = train(first, DOCS, TOKENIZER, 3, optimizer)
    save_checkpoint(tmp_path / "half.json", config, TOKENIZER, first.weights(), optimizer, history)
    checkpoint = load_checkpoint(tmp_path / "half.json")
    resumed = make_model(checkpoint.config, checkpoint.weights, engine)
    # train() counts steps from 0, so hand it the documents starting where the first run stopped
    rest = train(resumed, DOCS[3:] + DOCS[:3], checkpoint.tokenizer, 3, checkpoint.optimizer)
    assert checkpoint.history + rest == expected
    assert resumed.weights() == straight.weights()


# --- the fused operations of the fast engine, against central finite differences ---

def finite_difference_error(f, vectors, analytic, h=1e-6):
    """Relative error |analytic - numeric| / max(|analytic|, |numeric|) over every input number."""
    numeric = []
    for vector in vectors:
        for i, x in enumerate(vector):
            vector[i] = x + h
            up = f()
            vector[i] = x - h
            down = f()
            vector[i] = x
            numeric.append((up - down) / (2 * h))
    analytic = list(itertools.chain.from_iterable(analytic))
    diff = sum((a - n) ** 2 for a, n in zip(analytic, numeric)) ** 0.5
    size = max(sum(a * a for a in analytic), sum(n * n for n in numeric)) ** 0.5
    assert size > 0
    return diff / size


def random_vec(rng, n, away_from_zero=False):
    data = [rng.gauss(0, 1) for _ in range(n)]
    if away_from_zero:  # ReLU has a kink at 0, where finite differences would straddle it
        data = [x + (0.2 if x > 0 else -0.2) for x in data]
    return fast.Vec(data)


def check_vector_op(op, inputs, rng):
    """Back-propagate a random output gradient c through op, and compare with d(c . op(inputs))."""
    tape = []
    out = op(tape, *inputs)
    weights = [rng.gauss(0, 1) for _ in out.data]
    out.grad = list(weights)
    for backward in reversed(tape):
        backward()
    return finite_difference_error(lambda: fast.dot(weights, op(None, *inputs).data),
                                   [v.data for v in inputs], [v.grad for v in inputs])


@pytest.mark.parametrize("seed", SEEDS)
def test_fused_vector_operations_match_finite_differences(seed):
    rng = random.Random(seed)
    assert check_vector_op(fast.rmsnorm, [random_vec(rng, 8)], rng) < 1e-6
    assert check_vector_op(fast.relu, [random_vec(rng, 8, away_from_zero=True)], rng) < 1e-6
    assert check_vector_op(fast.residual, [random_vec(rng, 8), random_vec(rng, 8)], rng) < 1e-6


def test_fused_linear_and_embedding_gradients_match_finite_differences():
    rng = random.Random(3)
    w = fast.Matrix([[rng.gauss(0, 1) for _ in range(5)] for _ in range(7)])
    x = random_vec(rng, 5)
    weights = [rng.gauss(0, 1) for _ in range(7)]
    w.start_gradient()
    tape = []
    out = fast.linear(tape, x, w)
    out.grad = list(weights)
    for backward in reversed(tape):
        backward()
    w.finish_gradient()
    f = lambda: fast.dot(weights, fast.linear(None, x, w).data)  # noqa: E731
    assert finite_difference_error(f, [x.data] + w.rows, [x.grad] + w.grad) < 1e-6

    wte = fast.Matrix([[rng.gauss(0, 1) for _ in range(4)] for _ in range(3)])
    wpe = fast.Matrix([[rng.gauss(0, 1) for _ in range(4)] for _ in range(2)])
    wte.start_gradient()
    wpe.start_gradient()
    tape, weights = [], [rng.gauss(0, 1) for _ in range(4)]
    out = fast.embed(tape, wte, 2, wpe, 1)
    out.grad = list(weights)
    tape[0]()
    f = lambda: fast.dot(weights, fast.embed(None, wte, 2, wpe, 1).data)  # noqa: E731
    assert finite_difference_error(f, wte.rows + wpe.rows, wte.grad + wpe.grad) < 1e-6


@pytest.mark.parametrize("n_head, positions, scale", [(1, 1, 8 ** -0.5), (2, 3, 0.5), (4, 5, 1.0)])
def test_fused_attention_matches_finite_differences(n_head, positions, scale):
    rng = random.Random(n_head)
    q = random_vec(rng, 8)
    keys = [random_vec(rng, 8) for _ in range(positions)]
    values = [random_vec(rng, 8) for _ in range(positions)]
    tape = []
    out, _ = fast.attention(tape, q, keys, values, n_head, scale)
    weights = [rng.gauss(0, 1) for _ in range(8)]
    out.grad = list(weights)
    tape[0]()
    f = lambda: fast.dot(weights, fast.attention(None, q, keys, values, n_head, scale)[0].data)  # noqa: E731
    inputs = [q] + keys + values
    assert finite_difference_error(f, [v.data for v in inputs], [v.grad for v in inputs]) < 1e-6


@pytest.mark.parametrize("target", [0, 3])
def test_fused_cross_entropy_matches_finite_differences(target):
    rng = random.Random(target)
    logits = random_vec(rng, 6)
    tape = []
    fast.cross_entropy(tape, logits, target, 0.25)
    tape[0]()
    f = lambda: 0.25 * fast.cross_entropy(None, logits, target, 0.25)  # noqa: E731
    assert finite_difference_error(f, [logits.data], [logits.grad]) < 1e-6


@pytest.mark.parametrize("config_name", ["two layers, narrow, short context"] + SWITCHED)
@pytest.mark.parametrize("engine", ["fast", "numpy"])
def test_whole_model_gradients_match_finite_differences(engine, config_name):
    """Every weight of a two-layer model, through the engine's whole backward pass."""
    config = config_of(config_name)
    model = make_model(config, init_weights(config, random.Random(8)), engine)
    tokens = TOKENIZER.encode_doc("gloria")
    _, grads = loss_and_gradients(model, tokens)
    if engine == "fast":
        rows = [row for m in model.matrices.values() for row in m.rows]
        assert finite_difference_error(lambda: model.loss(tokens), rows, [g for m in grads.values() for g in m]) < 1e-6
    else:
        flat = model.data  # the model's matrices are views of this flat array
        as_list = [0.0] * flat.size

        def loss_at():  # finite_difference_error nudges as_list; copy the nudged number into the model
            flat[:] = as_list
            return model.loss(tokens)
        as_list[:] = flat.tolist()
        analytic = [[g for m in grads.values() for row in m for g in row]]
        assert finite_difference_error(loss_at, [as_list], analytic) < 1e-6


# --- bad input is refused the same way by every engine ---

BAD_CALLS = {
    "token id past the vocabulary": (lambda m, c, v: m.forward(v, 0, c), "outside the vocabulary"),
    "negative token id": (lambda m, c, v: m.forward(-1, 0, c), "outside the vocabulary"),
    "token id not an integer": (lambda m, c, v: m.forward(1.0, 0, c), "outside the vocabulary"),
    "position past block_size": (lambda m, c, v: m.forward(0, m.config.block_size, c), "outside the context"),
    "negative position": (lambda m, c, v: m.forward(0, -1, c), "outside the context"),
    "position skipping the cache": (lambda m, c, v: m.forward(0, 1, c), "does not follow the cache"),
    "sampling past block_size": (lambda m, c, v: m.next_token_probs(0, m.config.block_size, c, 1.0),
                                 "outside the context"),
    "sampling a bad token": (lambda m, c, v: m.next_token_probs(v + 3, 0, c, 1.0), "outside the vocabulary"),
    "loss of one token": (lambda m, c, v: m.loss([v - 1]), "at least 2 tokens"),
    "loss with a bad target": (lambda m, c, v: m.loss([v - 1, 0, v]), "outside the vocabulary"),
    "loss with a negative id": (lambda m, c, v: m.loss([v - 1, -2, 0]), "outside the vocabulary"),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", BAD_CALLS)
def test_bad_input_is_a_clear_value_error(engine, case):
    config = config_of("two layers, narrow, short context")
    model = make_model(config, init_weights(config, random.Random(0)), engine)
    call, message = BAD_CALLS[case]
    with pytest.raises(ValueError, match=message):
        call(model, model.new_cache(), config.vocab_size)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_bad_document_loses_nothing(engine):
    config = config_of("two layers, narrow, short context")
    model = make_model(config, init_weights(config, random.Random(0)), engine)
    optimizer = Adam(num_parameters(config), 5)
    before = model.weights()
    with pytest.raises(ValueError, match="outside the vocabulary"):
        model.train_step([TOKENIZER.bos, 1, config.vocab_size + 4], optimizer)
    assert model.weights() == before and optimizer.t == 0 and not any(optimizer.m)


@pytest.mark.parametrize("engine", ENGINES)
def test_weights_that_do_not_fit_are_refused(engine):
    config = config_of("one head")
    weights = init_weights(config, random.Random(0))
    weights["wpe"] = weights["wpe"][:-1]
    with pytest.raises(ValueError, match="'wpe' should be"):
        make_model(config, weights, engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_config_or_weights_of_the_wrong_type_say_what_was_wanted(engine):
    config = config_of("one head")
    weights = init_weights(config, random.Random(0))
    with pytest.raises(TypeError, match="config must be a GPTConfig, e.g. GPTConfig\\(vocab_size=27\\), not a dict"):
        make_model({"vocab_size": config.vocab_size}, weights, engine)
    with pytest.raises(TypeError, match="weights must be a dict of {name: rows of numbers}, not a list"):
        make_model(config, list(weights.values()), engine)


def test_an_unknown_engine_is_refused():
    config = config_of("one head")
    with pytest.raises(ValueError, match="unknown engine 'quantum'; choose one of scalar, fast, numpy"):
        make_model(config, init_weights(config, random.Random(0)), "quantum")


def test_the_numpy_engine_without_numpy_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "numpy", None)  # makes `import numpy` fail
    monkeypatch.delitem(sys.modules, "microgpt.engines.numpy_engine", raising=False)
    config = config_of("one head")
    with pytest.raises(ValueError, match="the numpy engine needs numpy"):
        make_model(config, init_weights(config, random.Random(0)), "numpy")


def test_importing_the_package_and_the_fast_engine_does_not_import_numpy():
    code = ("import sys, random, microgpt\n"
            "c = microgpt.GPTConfig(5)\n"
            "microgpt.make_model(c, microgpt.init_weights(c, random.Random(0)), 'fast')\n"
            "print('numpy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_cli_samples_the_same_names_from_a_checkpoint_with_every_engine(run_cli):
    outputs = {}
    for engine in ENGINES:
        result = run_cli("sample", "--load", shipped_checkpoint_path(), "--seed", "3", "--engine", engine)
        assert result.returncode == 0, result.stderr
        outputs[engine] = result.stdout.splitlines()
    assert len(outputs["scalar"]) == 21
    assert outputs["fast"] == outputs["scalar"] and outputs["numpy"] == outputs["scalar"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_diverging_run_stops_with_a_clear_error_and_loses_nothing(engine):
    config = config_of("one head")
    model = make_model(config, init_weights(config, random.Random(0)), engine)
    optimizer = Adam(num_parameters(config), 20, learning_rate=100.0)  # steps of ~100: the logits explode
    losses = []
    with pytest.raises(ValueError, match="probability of 0, so the loss is infinite: training has diverged"):
        train(model, DOCS, TOKENIZER, 20, optimizer, lambda step, loss: losses.append((loss, model.weights())))
    assert len(losses) == optimizer.t  # the failing step took no Adam step
    assert model.weights() == losses[-1][1]  # and left the weights as the last good step did
