"""Notebook 09, sampling: one letter drawn by hand, a greedy decoder, and whether the names the model draws
from the data are names it memorised."""

import functools
import operator
import random
from itertools import accumulate

from ..checkpoint import load_shipped
from ..config import GPTConfig, init_weights
from ..data import load_names
from ..engines import make_model
from ..sample import pick_token, samples
from .verdict import Hint, call, checker, multiple_choice, reject

# Exercise 1: the counts of the tokens that follow 'q' in the names (the others never do), and a draw
AFTER_Q = {"a": 14, "e": 2, "i": 7, "l": 1, "m": 2, "o": 2, "r": 1, "s": 1, "u": 180, "w": 3, "BOS": 25}
HAND_DRAW = 0.113

# Exercise 2: a small random model whose context (6 tokens) fills up before it chooses BOS, after some prefixes
SMALL = GPTConfig(vocab_size=27, n_layer=1, n_embd=8, block_size=6, n_head=2)
SMALL_SEED = 6
GREEDY_PREFIXES = {"shipped": ("", "em", "q", "abcdefghijklmno"), "small": ("", "a", "x")}

# Exercise 3: the names of section 6 at 0.25 (the most already in the data), and those the model trained on
NAMES_PER_TEMPERATURE, MEMORY_TEMPERATURE, TRAINED_STEPS = 200, 0.25, 1000
CHOICES = {
    "a": "the model copies the names it trained on: most names it draws from the data are names it saw",
    "b": "the model makes up plausible names, and many plausible names are real: most of those in the data it "
         "never saw",
    "c": "the model learned all 29,910 names by heart",
}  # (b) is right
WRONG_CHOICES = {
    "a": "compare `seen` with how many of the names in the data it would have seen by pure chance: it trained on "
         "1,000 of the 29,910 names",
    "c": "in its 1,000 steps the model read 1,000 names, once each: it never read the other 28,910",
}


def drawn_by(weights, draw):
    """The label {label: weight} picks with `draw`: the stretches laid end to end in the order given."""
    return list(weights)[pick_token(list(weights.values()), draw)]


@checker("The draw falls in the stretch of 'o': even a token of weight 2 in 238 is drawn when the draw lands on it.")
def check_hand_draw(letter):
    """Exercise 1: the token that HAND_DRAW picks from the weights AFTER_Q."""
    if not isinstance(letter, str) or letter.strip() not in AFTER_Q:
        raise Hint(f"set letter to one of the tokens of after_q, as a string: {', '.join(map(repr, AFTER_Q))}")
    letter = letter.strip()
    total = sum(AFTER_Q.values())
    if letter == drawn_by(AFTER_Q, HAND_DRAW):
        return
    labels = list(AFTER_Q)
    right = labels.index(drawn_by(AFTER_Q, HAND_DRAW))
    unstretched = next(label for label, end in zip(labels, accumulate(AFTER_Q.values())) if HAND_DRAW < end)
    reject(letter, [
        (max(AFTER_Q, key=AFTER_Q.get), "that is the likeliest token, greedy's choice, and the first stretch if "
                                        "you sorted them: keep the weights in the order given (the vocabulary's) "
                                        "and find the stretch where the draw falls"),
        (unstretched, f"the weights are counts that add up to {total}, not 1: stretch the draw to the same length "
                      "first (draw × total) before you compare it with the running sum"),
        (labels[right - 1], "that is the stretch just before the right one: a token's stretch runs from the sum of "
                            "the weights before it to that sum plus its own weight"),
        (labels[right + 1], "that is the stretch just after the right one: a token's stretch runs from the sum of the "
                            "weights before it to that sum plus its own weight"),
    ], otherwise="add up the weights in the order given until the running sum passes draw × total: that token is "
                 "drawn", same=operator.eq)


def greedy_name(model, tokenizer, prefix, last=None, keep_prefix=True, read_prefix=True, choose=max):
    """The greedy name after `prefix`. The keyword arguments make the typical mistakes: stop before position
    `last`, return only the letters chosen, skip reading the prefix, choose with another rule."""
    last = model.config.block_size if last is None else last
    cache = model.new_cache()
    tokens = [tokenizer.bos] + (tokenizer.encode(prefix) if read_prefix else [])
    for pos_id, token_id in enumerate(tokens[:-1]):
        model.logits(token_id, pos_id, cache)
    token_id, name = tokens[-1], prefix if keep_prefix else ""
    for pos_id in range(len(tokens) - 1, last):
        logits = model.logits(token_id, pos_id, cache)
        token_id = choose(range(len(logits)), key=logits.__getitem__)
        if token_id == tokenizer.bos:
            break
        name += tokenizer.chars[token_id]
    return name


@functools.lru_cache(maxsize=None)
def greedy_models():
    """The shipped tokenizer, the shipped model and a small random one (both on the fast engine)."""
    ck = load_shipped()
    small = make_model(SMALL, init_weights(SMALL, random.Random(SMALL_SEED)), "fast")
    return ck.tokenizer, {"shipped": make_model(ck.config, ck.weights, "fast"), "small": small}


GREEDY_NOTES = {
    "AttributeError: 'float' object has no attribute 'data'":
        "the checker passes fast models, whose forward gives floats: model.logits(...) gives floats in every engine",
    "ValueError: position": "the model reads positions 0 to block_size - 1: stop when the context is full",
    "IndexError": "BOS's id is one past the last character: stop when BOS is chosen, before it becomes a letter",
}


@checker("Greedy decoding: no random numbers, the likeliest token at every step, one name per prefix.")
def check_greedy(greedy):
    """Exercise 2: greedy(model, tokenizer, prefix), the name made by always taking the likeliest token."""
    tokenizer, models = greedy_models()
    for which, prefixes in GREEDY_PREFIXES.items():
        model = models[which]
        for prefix in prefixes:
            answer = call(greedy, model, tokenizer, prefix, notes=GREEDY_NOTES)
            if isinstance(answer, list):
                raise Hint("return the name as a string, not a list (tokenizer.decode turns token ids into text)")
            if call(greedy, model, tokenizer, prefix, notes=GREEDY_NOTES) != answer:
                raise Hint("your function gives another name each time: greedy draws no random numbers, it takes "
                           "the likeliest token at every step")
            if answer == greedy_name(model, tokenizer, prefix):
                continue
            block_size = model.config.block_size
            reject(answer, [
                (greedy_name(model, tokenizer, prefix, keep_prefix=False),
                 f"after the prefix {prefix!r} the letters are right: return the whole name, the prefix included"),
                (greedy_name(model, tokenizer, prefix, read_prefix=False),
                 "the model must read the prefix before it chooses: feed BOS and each letter of the prefix through "
                 "it, in order, then choose"),
                (greedy_name(model, tokenizer, prefix, last=block_size - 1),
                 f"you stopped one position early: with block_size {block_size}, the model also chooses a token at "
                 f"position {block_size - 1}, the last it reads"),
                (greedy_name(model, tokenizer, prefix, choose=min),
                 "you took the least likely token at every step: greedy takes the likeliest"),
            ], otherwise=f"after the prefix {prefix!r} your name is {answer!r}: at every step take the token with the "
                         "largest logit, stop at BOS or when the context is full", same=operator.eq)


@functools.lru_cache(maxsize=None)
def memory_counts():
    """(names drawn at MEMORY_TEMPERATURE that are in the data, those among the names the model trained on,
    those among the 1,000 most popular names)."""
    ck = load_shipped()
    drawn = samples(make_model(ck.config, ck.weights, "fast"), ck.tokenizer, random.Random(42),
                    NAMES_PER_TEMPERATURE, MEMORY_TEMPERATURE)
    names = load_names()
    known = set(names)
    in_data = [name for name in drawn if name in known]
    order = list(names)
    random.Random(42).shuffle(order)  # the order training read them in: microgpt.Run(names).docs
    trained, popular = set(order[:TRAINED_STEPS]), set(names[:TRAINED_STEPS])
    return in_data, [name for name in in_data if name in trained], [name for name in in_data if name in popular]


@checker("The model never read one of them: it makes up names that sound real, and many real names sound like that.")
def check_memorised(seen, what_it_shows=None):
    """Exercise 3: how many of the names in the data were among the names it trained on, and what that shows (b)."""
    in_data, in_trained, in_popular = memory_counts()
    if isinstance(seen, bool) or not isinstance(seen, int):
        raise Hint("set seen to a whole number: how many names of in_data the model read in training")
    if seen not in (len(in_trained), len(set(in_trained))):
        reject(seen, [
            (len(in_data), "that is how many are in the data; count those among the 1,000 names the model trained "
                           "on"),
            (len(in_popular), "load_names()[:1000] are the 1,000 most popular names; the model trained on the first "
                              "1,000 of the shuffled list, microgpt.Run(load_names()).docs[:1000]"),
        ], otherwise="count the names of in_data that are in set(run.docs[:1000]), the names of the 1,000 training "
                     "steps", same=operator.eq)
    multiple_choice(what_it_shows, "what_it_shows", "seen is right", CHOICES, WRONG_CHOICES)
