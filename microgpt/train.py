"""The training loop: one document per step, as in the seed."""

from .model import num_parameters
from .optim import Adam


def train(model, docs, tokenizer, num_steps, optimizer=None, on_step=None):
    """Train `model` for `num_steps` steps, document `step % len(docs)` at each; return the losses.

    `optimizer` defaults to a fresh Adam scheduled over `num_steps`. `on_step(step, loss)` is
    called after every step (step counts from 0), for progress bars and live plots.
    """
    if not docs:
        raise ValueError("cannot train on an empty list of documents")
    if not isinstance(num_steps, int) or num_steps < 0:
        raise ValueError(f"num_steps must be a non-negative integer, got {num_steps!r}")
    if tokenizer.vocab_size != model.config.vocab_size:
        raise ValueError(f"the tokenizer has {tokenizer.vocab_size} tokens but the model expects "
                         f"{model.config.vocab_size}")
    optimizer = optimizer or Adam(num_parameters(model.config), max(num_steps, 1))
    history = []
    for step in range(num_steps):
        tokens = tokenizer.encode_doc(docs[step % len(docs)])
        loss = model.train_step(tokens, optimizer)
        history.append(loss)
        if on_step is not None:
            on_step(step, loss)
    return history
