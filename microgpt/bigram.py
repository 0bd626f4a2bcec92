"""The counting baseline: predict the next token from the current one by counting pairs.

No training, no gradients: count how often each token follows each other token in the documents,
turn each row of counts into probabilities, and sample or score with them. Its loss is the first
number the GPT has to beat.
"""

import math


def count_bigrams(docs, tokenizer):
    """counts[a][b] = how many times token b follows token a, over every document with BOS on both ends."""
    size = tokenizer.vocab_size
    counts = [[0] * size for _ in range(size)]
    for doc in docs:
        tokens = tokenizer.encode_doc(doc)
        for current, following in zip(tokens, tokens[1:]):
            counts[current][following] += 1
    return counts


def bigram_probs(counts, smoothing=1):
    """Each row of counts as probabilities, after adding `smoothing` to every count.

    Add-one smoothing (the default) gives pairs never seen a small chance instead of zero, so no
    name is impossible and the loss stays finite.
    """
    if smoothing < 0:
        raise ValueError(f"smoothing must be >= 0, got {smoothing!r}")
    probs = []
    for row in counts:
        total = sum(row) + smoothing * len(row)
        if total == 0:
            raise ValueError("a row of counts is all zero: with smoothing=0 its probabilities are undefined")
        probs.append([(c + smoothing) / total for c in row])
    return probs


def mean_nll(probs, docs, tokenizer):
    """Average negative log-likelihood per predicted token: the loss of the bigram model on `docs`."""
    total, n = 0.0, 0
    for doc in docs:
        tokens = tokenizer.encode_doc(doc)
        for current, following in zip(tokens, tokens[1:]):
            p = probs[current][following]
            total += -math.log(p) if p > 0 else math.inf
            n += 1
    if n == 0:
        raise ValueError("cannot score no documents")
    return total / n


def sample_bigram(probs, tokenizer, rng, max_len=100):
    """A new document: from BOS, draw each next token from the current token's row until BOS."""
    token, chars = tokenizer.bos, []
    for _ in range(max_len):
        token = rng.choices(range(tokenizer.vocab_size), weights=probs[token])[0]
        if token == tokenizer.bos:
            break
        chars.append(tokenizer.chars[token])
    return "".join(chars)
