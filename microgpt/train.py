"""Training: the loop (one document per step, as in the seed) and the seed's whole run."""

import random
from dataclasses import fields
from math import inf

from .config import GPTConfig, check_tokenizer, init_weights, num_parameters
from .data import docs_sha256
from .engines import make_model
from .optim import Adam
from .sample import samples
from .tokenizer import Tokenizer

SETTINGS = [field.name for field in fields(GPTConfig) if field.name != "vocab_size"]  # what Run(**settings) takes


def train(model, docs, tokenizer, num_steps, optimizer=None, on_step=None):
    """Train `model` for `num_steps` steps, document `step % len(docs)` at each; return the losses.

    `optimizer` defaults to a fresh Adam scheduled over `num_steps`. `on_step(step, loss)` is
    called after every step (step counts from 0), for progress bars and live plots.
    """
    if not docs:
        raise ValueError("cannot train on an empty list of documents")
    if not isinstance(num_steps, int) or num_steps < 0:
        raise ValueError(f"num_steps must be a non-negative integer, got {num_steps!r}")
    check_tokenizer(model.config, tokenizer)
    optimizer = optimizer or Adam(num_parameters(model.config), max(num_steps, 1))
    history = []
    for step in range(num_steps):
        tokens = tokenizer.encode_doc(docs[step % len(docs)])
        loss = model.train_step(tokens, optimizer)
        history.append(loss)
        if on_step is not None:
            on_step(step, loss)
    return history


class Run:
    """The seed's run, from one random generator in the seed's order: shuffle the documents, draw the
    initial weights, train (which draws nothing), then sample.

        run = Run(load_names(), num_steps=1000)      # shuffled, tokenized, initialised: nothing trained yet
        run.train()                                   # the 1000 steps; run.history holds their losses
        run.samples(20)                               # the seed's 20 names at temperature 0.5

    `settings` are GPTConfig's fields but vocab_size (which comes from the data): the sizes n_layer,
    n_embd, block_size, n_head and the switches scale_attention, use_rmsnorm. The config is built and
    checked here, before any work is done. For experiments, `shuffle=False` trains on the documents in
    their given order (the shuffle is still drawn, so the initial weights are the same as with it), and
    `learning_rate` is Adam's starting rate (the seed's 0.01).
    """

    def __init__(self, docs, num_steps=1000, seed=42, engine="scalar", shuffle=True, learning_rate=0.01,
                 **settings):
        docs = list(docs)
        if not docs:
            raise ValueError("cannot train on an empty list of documents")
        if not isinstance(num_steps, int) or num_steps < 1:
            raise ValueError(f"num_steps must be a positive integer, got {num_steps!r}")
        if isinstance(learning_rate, bool) or not (isinstance(learning_rate, (int, float)) and 0 < learning_rate < inf):
            raise ValueError(f"learning_rate must be a number > 0, got {learning_rate!r}")
        self.rng = random.Random(seed)
        shuffled = docs[:]
        self.rng.shuffle(shuffled)
        self.seed, self.num_steps, self.shuffle = seed, num_steps, shuffle
        self.data_sha256 = docs_sha256(docs)  # the documents as given, before the shuffle
        self.docs = shuffled if shuffle else docs
        self.tokenizer = Tokenizer.from_docs(docs)
        unknown = sorted(set(settings) - set(SETTINGS))
        if unknown:
            raise ValueError(f"unknown setting {', '.join(unknown)}: choose from {', '.join(SETTINGS)}")
        self.config = GPTConfig(vocab_size=self.tokenizer.vocab_size, **settings)
        self.model = make_model(self.config, init_weights(self.config, self.rng), engine)
        self.optimizer = Adam(num_parameters(self.config), num_steps, learning_rate)
        self.history = []

    def train(self, on_step=None):
        """Take every step of the schedule (`on_step(step, loss)` after each); return the losses."""
        if self.optimizer.t or self.history:
            raise ValueError("this run has trained already (or was interrupted): make a new Run to train again")
        self.history = train(self.model, self.docs, self.tokenizer, self.num_steps, self.optimizer, on_step)
        return self.history

    def samples(self, n=20, temperature=0.5):
        """`n` names drawn from the run's generator, which carries on where the earlier draws left it."""
        return samples(self.model, self.tokenizer, self.rng, n, temperature)
