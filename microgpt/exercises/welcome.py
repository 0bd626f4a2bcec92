"""Notebook 00, welcome: names drawn at a higher temperature, and which generated names are new."""

import functools
import operator
import random

from ..checkpoint import load_shipped
from ..data import load_names
from ..engines import make_model
from ..sample import samples
from .verdict import Hint, call, checker, reject


@functools.lru_cache(maxsize=None)
def shipped_names(temperature):
    """Ten names of the shipped model, drawn with a fresh random.Random(42) as at the top of notebook 00."""
    ck = load_shipped()
    model = make_model(ck.config, ck.weights, "fast")  # the notebook's scalar model's names, 50 times faster
    return samples(model, ck.tokenizer, random.Random(42), 10, temperature)


@functools.lru_cache(maxsize=None)
def novel_count(temperature):
    """How many of the ten names drawn at `temperature` are not in the training data."""
    known = set(load_names())
    return len(set(shipped_names(temperature)) - known)


@checker("At temperature 1.0 the model takes more risks: the names are more varied, and odder.")
def check_hot_names(names):
    """Exercise 1: ten names of the shipped model at temperature 1.0, drawn with a fresh random.Random(42)."""
    if not (isinstance(names, list) and all(isinstance(name, str) for name in names)):
        raise Hint("make a list of names with samples(model, ck.tokenizer, rng, 10, temperature=...)")
    if len(names) != 10:
        raise Hint(f"you drew {len(names)} names: draw 10, the fourth argument of samples(...)")
    if names == shipped_names(0.5):
        raise Hint("these are the names at the top, drawn at the default temperature 0.5: pass temperature=1.0")
    if names != shipped_names(1.0):
        raise Hint("draw all 10 in one call to samples(...), with a fresh random.Random(42) (the seed used at the "
                   "top, so that only the temperature differs) and temperature=1.0")


@checker("Only names the model has never seen count as invented.")
def check_novel_names(novel_names):
    """Exercise 2: novel_names(generated, known) keeps the generated names not in `known`, in order, each once."""
    cases = [((["ava", "zorp", "mia"], ["mia", "ava", "emma"]), ["zorp"]),
             ((["kamari", "analia", "kamari", "emma", "bo"], ["emma"]), ["kamari", "analia", "bo"]),
             (([], ["emma"]), [])]
    for (generated, known), expected in cases:
        result = call(novel_names, list(generated), list(known))
        if result == expected:
            continue
        if not isinstance(result, list):
            raise Hint(f"return a list, not a {type(result).__name__}: a list keeps the order the names came in")
        if result == [name for name in generated if name in known]:
            raise Hint("you kept the names that ARE in the training data; keep the others")
        if set(result) == set(expected) and len(result) > len(expected):
            raise Hint("a name generated twice is still one invented name: keep each name only once")
        if set(result) == set(expected):
            raise Hint("the right names, in the wrong order: keep them in the order they were generated")
        raise Hint("return the generated names that are not in `known`, in the order they were generated, each once")


@checker("Most of the ten are the model's own inventions; the others it saw in training.")
def check_novel_count(count):
    """Exercise 2, then: how many of the ten names at the top of notebook 00 are not in the training data."""
    if not isinstance(count, int) or isinstance(count, bool):
        raise Hint("set novel_count to a whole number: how many of top_names are new")
    if count != novel_count(0.5):
        reject(count, [(10 - novel_count(0.5), "you counted the names that ARE in the training data; count the "
                                               "new ones"),
                       (novel_count(1.0), "that is the count for the hot names of exercise 1 (temperature 1.0); "
                                          "count top_names, the ten names at the top (temperature 0.5)")],
               otherwise="count the names of top_names that novel_names keeps, with load_names() as `known`",
               same=operator.eq)
