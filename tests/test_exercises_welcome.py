"""Notebook 00's checkers: the model answers pass, and each typical mistake gets its own hint."""

import random

from .checker_verdicts import accepted, hint
from microgpt import load_names, load_shipped, make_model, samples
from microgpt.exercises.welcome import check_hot_names, check_novel_count, check_novel_names

CK = load_shipped()


def drawn(n=10, seed=42, temperature=0.5, engine="fast"):
    return samples(make_model(CK.config, CK.weights, engine), CK.tokenizer, random.Random(seed), n, temperature)


def novel_names(generated, known):
    known, kept = set(known), []
    for name in generated:
        if name not in known and name not in kept:
            kept.append(name)
    return kept


def test_hot_names_drawn_by_the_notebook_s_scalar_model_are_accepted():
    assert accepted(check_hot_names, drawn(temperature=1.0, engine="scalar"))


def test_hot_names():
    hot = drawn(temperature=1.0)
    assert accepted(check_hot_names, hot)
    assert "default temperature 0.5: pass temperature=1.0" in hint(check_hot_names, drawn())
    assert "random.Random(42)" in hint(check_hot_names, drawn(seed=7, temperature=1.0))
    assert "one call" in hint(check_hot_names, hot[::-1])
    assert "you drew 9 names: draw 10" in hint(check_hot_names, drawn(n=9, temperature=1.0))
    assert "you drew 11 names" in hint(check_hot_names, drawn(n=11, temperature=1.0))
    assert "make a list of names" in hint(check_hot_names, "eeranna")


def test_novel_names():
    assert accepted(check_novel_names, novel_names)
    assert "ARE in the training data" in hint(check_novel_names, lambda g, k: [n for n in g if n in k])
    assert "each name only once" in hint(check_novel_names, lambda g, k: [n for n in g if n not in k])
    assert "wrong order" in hint(check_novel_names, lambda g, k: sorted(set(g) - set(k)))
    assert "not a set" in hint(check_novel_names, lambda g, k: set(g) - set(k))
    assert "in the order" in hint(check_novel_names, lambda g, k: g)


def test_novel_count():
    known = load_names()
    count = len(novel_names(drawn(), known))
    assert accepted(check_novel_count, count)
    assert "ARE in the training data" in hint(check_novel_count, 10 - count)
    assert "hot names of exercise 1" in hint(check_novel_count, len(novel_names(drawn(temperature=1.0), known)))
    assert "count the names of top_names" in hint(check_novel_count, count + 1)
    assert "whole number" in hint(check_novel_count, novel_names(drawn(), known))
    assert "whole number" in hint(check_novel_count, True)
    assert not any(str(count) in hint(check_novel_count, wrong) for wrong in range(11) if wrong != count)
