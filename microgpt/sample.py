"""Sampling: let the trained model babble, one token at a time, until it says BOS."""


def sample(model, tokenizer, rng, temperature=0.5):
    """One new document. `rng` is a random.Random; temperature in (0, 1] is usual, any > 0 works."""
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    cache = model.new_cache()
    token_id, chars = tokenizer.bos, []
    for pos_id in range(model.config.block_size):
        probs = model.next_token_probs(token_id, pos_id, cache, temperature)
        token_id = rng.choices(range(tokenizer.vocab_size), weights=probs)[0]
        if token_id == tokenizer.bos:
            break
        chars.append(tokenizer.chars[token_id])
    return "".join(chars)


def samples(model, tokenizer, rng, n, temperature=0.5):
    """`n` new documents, drawn one after the other from the same `rng`."""
    return [sample(model, tokenizer, rng, temperature) for _ in range(n)]
