"""The checkers of notebooks 00-02 accept a right answer, reject typical wrong ones, and never crash."""

import math
import random

import pytest

from checker_verdicts import accepted, boom, hint, stub
from microgpt import load_shipped, make_model, samples
from microgpt.exercises import (check_bigram_probs, check_build_vocab, check_decode_ids, check_encode_with_bos,
                                check_hot_names, check_name_nll, check_novel_names, check_with_temperature)


@pytest.mark.parametrize("checker", [check_novel_names, check_build_vocab, check_encode_with_bos, check_decode_ids,
                                     check_name_nll, check_with_temperature, check_bigram_probs])
def test_unfinished_failing_or_missing_functions_get_a_hint_not_a_traceback(checker, capsys):
    assert "returns None" in hint(capsys, checker, stub)
    assert "raised KeyError" in hint(capsys, checker, boom)
    assert "pass the function itself" in hint(capsys, checker, ...)


# --- 00 ---

def test_hot_names(capsys):
    ck = load_shipped()
    model = make_model(ck.config, ck.weights)
    hot = samples(model, ck.tokenizer, random.Random(7), 10, temperature=1.0)
    assert accepted(capsys, check_hot_names, hot)
    assert "temperature 0.5" in hint(capsys, check_hot_names, samples(model, ck.tokenizer, random.Random(7), 10))
    assert "one call" in hint(capsys, check_hot_names, hot[::-1])
    assert "list of 10 names" in hint(capsys, check_hot_names, ...)
    assert "list of 10 names" in hint(capsys, check_hot_names, hot[:9])


def test_novel_names(capsys):
    def right(generated, known):
        known, seen, novel = set(known), set(), []
        for name in generated:
            if name not in known and name not in seen:
                seen.add(name)
                novel.append(name)
        return novel

    assert accepted(capsys, check_novel_names, right)
    assert "ARE in the training data" in hint(capsys, check_novel_names, lambda g, k: [n for n in g if n in k])
    assert "only once" in hint(capsys, check_novel_names, lambda g, k: [n for n in g if n not in k])
    hint(capsys, check_novel_names, lambda g, k: sorted(set(g) - set(k)))


# --- 01 ---

def test_build_vocab(capsys):
    assert accepted(capsys, check_build_vocab, lambda docs: sorted(set("".join(docs))))
    assert "only once" in hint(capsys, check_build_vocab, lambda docs: sorted("".join(docs)))
    assert "wrong order" in hint(capsys, check_build_vocab, lambda docs: sorted(set("".join(docs)), reverse=True))
    assert "not a str" in hint(capsys, check_build_vocab, lambda docs: "".join(sorted(set("".join(docs)))))
    assert "every character" in hint(capsys, check_build_vocab, lambda docs: sorted(set(docs[0])))


def test_encode_with_bos(capsys):
    assert accepted(capsys, check_encode_with_bos,
                    lambda name, chars: [len(chars)] + [chars.index(c) for c in name] + [len(chars)])
    assert "at the end" in hint(capsys, check_encode_with_bos,
                                lambda name, chars: [len(chars)] + [chars.index(c) for c in name])
    assert "check BOS" in hint(capsys, check_encode_with_bos,
                               lambda name, chars: [0] + [chars.index(c) for c in name] + [0])
    assert "position" in hint(capsys, check_encode_with_bos,
                              lambda name, chars: [len(chars)] + [chars.index(c) + 1 for c in name] + [len(chars)])


def test_decode(capsys):
    assert accepted(capsys, check_decode_ids, lambda ids, chars: "".join(chars[i] for i in ids if i != len(chars)))
    assert "skip it" in hint(capsys, check_decode_ids, lambda ids, chars: "".join(chars[i] for i in ids))
    assert "not a list" in hint(capsys, check_decode_ids, lambda ids, chars: [chars[i] for i in ids if i != len(chars)])
    assert "skip it" in hint(capsys, check_decode_ids, lambda ids, chars: "".join(chars[i] for i in ids[1:-1]))


# --- 02 ---

def nll(name, probs, tokenizer, reduce=lambda xs: sum(xs) / len(xs), sign=-1):
    tokens = tokenizer.encode_doc(name)
    return reduce([sign * math.log(probs[a][b]) for a, b in zip(tokens, tokens[1:])])


def test_name_nll(capsys):
    assert accepted(capsys, check_name_nll, nll)
    assert "that is the sum" in hint(capsys, check_name_nll, lambda n, p, t: nll(n, p, t, reduce=sum))
    assert "minus" in hint(capsys, check_name_nll, lambda n, p, t: nll(n, p, t, sign=1))
    assert "average" in hint(capsys, check_name_nll, lambda n, p, t: nll(n, p, t) + 0.1)

    def no_end(name, probs, tokenizer):
        tokens = [tokenizer.bos] + tokenizer.encode(name)
        losses = [-math.log(probs[a][b]) for a, b in zip(tokens, tokens[1:])]
        return sum(losses) / len(losses)
    hint(capsys, check_name_nll, no_end)  # misses the last prediction: name -> BOS


def test_with_temperature(capsys):
    def right(probs, t):
        weights = [p ** (1 / t) for p in probs]
        return [w / sum(weights) for w in weights]

    assert accepted(capsys, check_with_temperature, right)
    assert "divide" in hint(capsys, check_with_temperature, lambda probs, t: [p ** (1 / t) for p in probs])
    assert "likely more likely" in hint(capsys, check_with_temperature, lambda probs, t: right(probs, 1 / t))
    hint(capsys, check_with_temperature, lambda probs, t: probs)


def test_bigram_probs(capsys):
    def right(counts, k):
        return [[(c + k) / (sum(row) + k * len(row)) for c in row] for row in counts]

    assert accepted(capsys, check_bigram_probs, right)
    assert "EVERY count" in hint(capsys, check_bigram_probs,
                                 lambda counts, k: [[c / sum(row) for c in row] for row in counts])
    assert "sums to 1" in hint(capsys, check_bigram_probs,
                               lambda counts, k: [[(c + k) / (sum(row) + k) for c in row] for row in counts])
    total = lambda counts: sum(map(sum, counts))  # noqa: E731
    hint(capsys, check_bigram_probs,
         lambda counts, k: [[(c + k) / (total(counts) + k * len(row)) for c in row] for row in counts])


def test_hints_never_give_the_answer(capsys):
    line = hint(capsys, check_build_vocab, lambda docs: sorted("".join(docs)))
    assert "['a', 'e', 'm', 'v']" not in line
    line = hint(capsys, check_encode_with_bos, lambda name, chars: [])
    assert "26, 4, 12" not in line
