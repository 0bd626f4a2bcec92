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
from ..train import Run
from .verdict import Hint, call, checker, multiple_choice, reject

# Exercise 1: the counts of the tokens that follow 'q' in the names (the others never do), and a draw
AFTER_Q = {"a": 14, "e": 2, "i": 7, "l": 1, "m": 2, "o": 2, "r": 1, "s": 1, "u": 180, "w": 3, "BOS": 25}
HAND_DRAW = 0.113

# Exercise 2: a small random model whose context (6 tokens) fills up before it chooses BOS, after some prefixes
SMALL = GPTConfig(vocab_size=27, n_layer=1, n_embd=8, block_size=6, n_head=2)
SMALL_SEED = 6
GREEDY_PREFIXES = {"shipped": ("em", "", "q", "abcdefghijklmno"), "small": ("", "a", "x")}  # "em" first: a
# missing BOS shows as a wrong name there, before the empty prefix makes it crash

# Exercise 3: 1,000 names at 0.25 (the temperature of section 6 with the most names already in the data), and
# the names of the 1,000 training steps
NAMES_DRAWN, MEMORY_TEMPERATURE, TRAINED_STEPS = 1000, 0.25, 1000
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
    tokens = ", ".join(map(repr, AFTER_Q))
    if isinstance(letter, str) and letter.strip() not in AFTER_Q and letter.strip().lower() in map(str.lower, AFTER_Q):
        raise Hint(f"write the token exactly as after_q does, the letters in lower case and 'BOS' in upper case: "
                   f"{tokens}")
    if not isinstance(letter, str) or letter.strip() not in AFTER_Q:
        raise Hint(f"set letter to one of the tokens of after_q, as a string: {tokens}")
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
        *((labels[neighbour], "off by one stretch: check where each stretch starts and ends. A token's stretch runs "
                              "from the sum of the weights before it to that sum plus its own weight")
          for neighbour in (right - 1, right + 1)),
    ], otherwise="add up the weights in the order given until the running sum passes draw × total: that token is "
                 "drawn", same=operator.eq)


def greedy_name(model, tokenizer, prefix, last=None, keep_prefix=True, read_prefix=True, choose=max, read_bos=True,
                stop_at_bos=True):
    """The greedy name after `prefix`. The keyword arguments make the typical mistakes: stop before position
    `last`, return only the letters chosen, skip reading the prefix, choose with another rule, start at position
    0 with the prefix instead of BOS (None when there is nothing to read), read BOS as one more token and go on."""
    last = model.config.block_size if last is None else last
    cache = model.new_cache()
    tokens = ([tokenizer.bos] if read_bos else []) + (tokenizer.encode(prefix) if read_prefix else [])
    if not tokens:
        return None
    for pos_id, token_id in enumerate(tokens[:-1]):
        model.logits(token_id, pos_id, cache)
    token_id, name = tokens[-1], prefix if keep_prefix else ""
    for pos_id in range(len(tokens) - 1, last):
        logits = model.logits(token_id, pos_id, cache)
        token_id = choose(range(len(logits)), key=logits.__getitem__)
        if token_id == tokenizer.bos and stop_at_bos:
            break
        name += tokenizer.decode([token_id])  # BOS decodes to nothing
    return name


@functools.lru_cache(maxsize=None)
def greedy_models():
    """The shipped tokenizer, the shipped model and a small random one (both on the fast engine)."""
    ck = load_shipped()
    small = make_model(SMALL, init_weights(SMALL, random.Random(SMALL_SEED)), "fast")
    return ck.tokenizer, {"shipped": make_model(ck.config, ck.weights, "fast"), "small": small}


def greedy_notes(models):
    """Where an error raised by the learner's greedy comes from, for `call`: the first matching start wins."""
    return {
        "AttributeError: 'float' object has no attribute 'data'":
            "the checker passes fast models, whose forward gives floats: model.logits(...) gives floats in every "
            "engine",
        **{f"ValueError: position {model.config.block_size} is outside":
           "the model reads positions 0 to block_size - 1: stop when the context is full" for model in models},
        "ValueError: position":  # any other position: one that does not follow the cache
            "a cache holds the positions already read, which must be 0, 1, 2, … in order: start a new one, "
            "model.new_cache(), for every name your function writes",
        "UnboundLocalError": "with an empty prefix, is anything read before the first choice? The model reads BOS "
                             "first, at position 0",
        "IndexError": "BOS's id is one past the last character: stop when BOS is chosen, before it becomes a letter",
    }


@checker("Greedy decoding: no random numbers, the likeliest token at every step, one name per prefix.")
def check_greedy(greedy):
    """Exercise 2: greedy(model, tokenizer, prefix), the name made by always taking the likeliest token."""
    tokenizer, models = greedy_models()
    notes = greedy_notes(models.values())
    for which, prefixes in GREEDY_PREFIXES.items():
        model = models[which]
        for prefix in prefixes:
            answer = call(greedy, model, tokenizer, prefix, notes=notes)
            if isinstance(answer, list):
                raise Hint("return the name as a string, not a list (tokenizer.decode turns token ids into text)")
            if call(greedy, model, tokenizer, prefix, notes=notes) != answer:
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
                (greedy_name(model, tokenizer, prefix, read_bos=False),
                 "the model must read BOS first, at position 0, as in training: every name starts with it"),
                (greedy_name(model, tokenizer, prefix, stop_at_bos=False),
                 "your name goes on after BOS: when the likeliest token is BOS, the name ends there"),
            ], otherwise=f"after the prefix {prefix!r} your name is {answer!r}: at every step take the token with the "
                         "largest logit, stop at BOS or when the context is full", same=operator.eq)


@functools.lru_cache(maxsize=None)
def memory_counts():
    """(the names drawn at MEMORY_TEMPERATURE that are in the data, the names of the training steps, the 1,000
    most popular names), as the exercise draws them: on the numpy engine, the fast engine's draws 3x sooner."""
    ck = load_shipped()
    drawn = samples(make_model(ck.config, ck.weights, "numpy"), ck.tokenizer, random.Random(42), NAMES_DRAWN,
                    MEMORY_TEMPERATURE)
    names = load_names()
    known = set(names)
    trained_on = set(Run(names).docs[:TRAINED_STEPS])  # training reads the shuffled names in order, one per step
    return [name for name in drawn if name in known], trained_on, set(names[:TRAINED_STEPS])


def names_read(trained_on):
    """Raise a Hint unless `trained_on` holds the names of the training steps."""
    if not isinstance(trained_on, (set, frozenset, list, tuple)) or not all(isinstance(n, str) for n in trained_on):
        raise Hint("set trained_on to the names the model read in training, as a set of names")
    _, trained, popular = memory_counts()
    if set(trained_on) == trained:
        return
    if set(trained_on) == popular:
        raise Hint(f"load_names()[:{TRAINED_STEPS}] are the {TRAINED_STEPS:,} most popular names, but training "
                   "reads the names shuffled (section 6)")
    if len(set(trained_on)) != TRAINED_STEPS:
        raise Hint(f"trained_on holds {len(set(trained_on)):,} names; the model took {TRAINED_STEPS:,} steps, one "
                   "name each")
    raise Hint(f"these are {TRAINED_STEPS:,} names, but not the ones training read: it reads the shuffled names, "
               "run.docs, in order from the first, one per step")


@checker("Only a handful of them are names it read, about what chance alone would give: it makes up names that "
         "sound real, and many real names sound like that.")
def check_memorised(trained_on, seen=None, what_it_shows=None):
    """Exercise 3: the names the model trained on, how many of the names drawn from the data are among them,
    and what that shows (b)."""
    names_read(trained_on)
    if isinstance(seen, bool) or not isinstance(seen, int):
        raise Hint("set seen to a whole number: how many names of in_data the model read in training")
    in_data, trained, popular = memory_counts()
    in_trained = [name for name in in_data if name in trained]
    if seen != len(in_trained):
        reject(seen, [
            (len(set(in_trained)), "that counts each different name once; in_data holds a name as often as it was "
                                   "drawn: count every one of them that the model read"),
            (len(in_data), "that is how many are in the data; count those the model read in training"),
            (sum(name in popular for name in in_data),
             f"those are the names among the {TRAINED_STEPS:,} most popular: count those in trained_on"),
        ], otherwise="count the names of in_data that are in trained_on, repeats included", same=operator.eq)
    multiple_choice(what_it_shows, "what_it_shows", "seen is right", CHOICES, WRONG_CHOICES)
