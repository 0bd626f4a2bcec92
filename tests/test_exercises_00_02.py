"""The checkers of notebooks 00-02 accept a right answer, reject typical wrong ones, and never crash."""

import math
import random

import pytest

from microgpt import exercises, load_shipped, make_model, samples


def verdict_of(checker, answer, capsys):
    """What the checker returned and the one line it printed."""
    ok = checker(answer)
    line = capsys.readouterr().out.strip()
    assert "\n" not in line, "a checker prints exactly one verdict line"
    assert line.startswith("✅ Correct!" if ok else "❌ Not yet. Hint:")
    return ok, line


def accepts(checker, answer, capsys):
    ok, line = verdict_of(checker, answer, capsys)
    assert ok, line


def rejects(checker, answer, capsys, hint_part=""):
    ok, line = verdict_of(checker, answer, capsys)
    assert not ok
    assert hint_part in line
    return line


def stub(*args):
    ...  # what a learner's unfinished `def f(...): ...` returns


def boom(*args):
    raise KeyError("oops")


@pytest.mark.parametrize("checker", [
    exercises.check_novel_names, exercises.check_build_vocab, exercises.check_encode_with_bos,
    exercises.check_decode_ids, exercises.check_name_nll, exercises.check_with_temperature,
    exercises.check_bigram_probs])
def test_unfinished_failing_or_missing_functions_get_a_hint_not_a_traceback(checker, capsys):
    rejects(checker, stub, capsys, "returns None")
    rejects(checker, boom, capsys, "raised KeyError")
    rejects(checker, ..., capsys, "pass the function itself")


# --- 00 ---

def test_hot_names(capsys):
    ck = load_shipped()
    model = make_model(ck.config, ck.weights)
    hot = samples(model, ck.tokenizer, random.Random(7), 10, temperature=1.0)
    accepts(exercises.check_hot_names, hot, capsys)
    rejects(exercises.check_hot_names, samples(model, ck.tokenizer, random.Random(7), 10), capsys, "temperature 0.5")
    rejects(exercises.check_hot_names, hot[::-1], capsys, "one call")
    rejects(exercises.check_hot_names, ..., capsys, "list of 10 names")
    rejects(exercises.check_hot_names, hot[:9], capsys, "list of 10 names")


def test_novel_names(capsys):
    def right(generated, known):
        known, seen, novel = set(known), set(), []
        for name in generated:
            if name not in known and name not in seen:
                seen.add(name)
                novel.append(name)
        return novel

    accepts(exercises.check_novel_names, right, capsys)
    rejects(exercises.check_novel_names, lambda g, k: [n for n in g if n in k], capsys, "ARE in the training data")
    rejects(exercises.check_novel_names, lambda g, k: [n for n in g if n not in k], capsys, "only once")
    rejects(exercises.check_novel_names, lambda g, k: sorted(set(g) - set(k)), capsys)


# --- 01 ---

def test_build_vocab(capsys):
    accepts(exercises.check_build_vocab, lambda docs: sorted(set("".join(docs))), capsys)
    rejects(exercises.check_build_vocab, lambda docs: sorted("".join(docs)), capsys, "only once")
    rejects(exercises.check_build_vocab, lambda docs: sorted(set("".join(docs)), reverse=True), capsys, "wrong order")
    rejects(exercises.check_build_vocab, lambda docs: "".join(sorted(set("".join(docs)))), capsys, "not a str")
    rejects(exercises.check_build_vocab, lambda docs: sorted(set(docs[0])), capsys, "every character")


def test_encode_with_bos(capsys):
    accepts(exercises.check_encode_with_bos,
            lambda name, chars: [len(chars)] + [chars.index(c) for c in name] + [len(chars)], capsys)
    rejects(exercises.check_encode_with_bos,
            lambda name, chars: [len(chars)] + [chars.index(c) for c in name], capsys, "at the end")
    rejects(exercises.check_encode_with_bos,
            lambda name, chars: [0] + [chars.index(c) for c in name] + [0], capsys, "check BOS")
    rejects(exercises.check_encode_with_bos,
            lambda name, chars: [len(chars)] + [chars.index(c) + 1 for c in name] + [len(chars)], capsys, "position")


def test_decode(capsys):
    accepts(exercises.check_decode_ids, lambda ids, chars: "".join(chars[i] for i in ids if i != len(chars)), capsys)
    rejects(exercises.check_decode_ids, lambda ids, chars: "".join(chars[i] for i in ids), capsys, "skip it")
    rejects(exercises.check_decode_ids, lambda ids, chars: [chars[i] for i in ids if i != len(chars)], capsys, "not a list")
    rejects(exercises.check_decode_ids, lambda ids, chars: "".join(chars[i] for i in ids[1:-1]), capsys, "skip it")


# --- 02 ---

def nll(name, probs, tokenizer, reduce=lambda xs: sum(xs) / len(xs), sign=-1):
    tokens = tokenizer.encode_doc(name)
    return reduce([sign * math.log(probs[a][b]) for a, b in zip(tokens, tokens[1:])])


def test_name_nll(capsys):
    accepts(exercises.check_name_nll, nll, capsys)
    rejects(exercises.check_name_nll, lambda n, p, t: nll(n, p, t, reduce=sum), capsys, "that is the sum")
    rejects(exercises.check_name_nll, lambda n, p, t: nll(n, p, t, sign=1), capsys, "minus")
    rejects(exercises.check_name_nll, lambda n, p, t: nll(n, p, t) + 0.1, capsys, "average")

    def no_end(name, probs, tokenizer):
        tokens = [tokenizer.bos] + tokenizer.encode(name)
        losses = [-math.log(probs[a][b]) for a, b in zip(tokens, tokens[1:])]
        return sum(losses) / len(losses)
    rejects(exercises.check_name_nll, no_end, capsys)  # misses the last prediction: name -> BOS


def test_with_temperature(capsys):
    def right(probs, t):
        weights = [p ** (1 / t) for p in probs]
        return [w / sum(weights) for w in weights]

    accepts(exercises.check_with_temperature, right, capsys)
    rejects(exercises.check_with_temperature, lambda probs, t: [p ** (1 / t) for p in probs], capsys, "divide")
    rejects(exercises.check_with_temperature, lambda probs, t: right(probs, 1 / t), capsys, "likely more likely")
    rejects(exercises.check_with_temperature, lambda probs, t: probs, capsys)


def test_bigram_probs(capsys):
    def right(counts, k):
        return [[(c + k) / (sum(row) + k * len(row)) for c in row] for row in counts]

    accepts(exercises.check_bigram_probs, right, capsys)
    rejects(exercises.check_bigram_probs,
            lambda counts, k: [[c / sum(row) for c in row] for row in counts], capsys, "EVERY count")
    rejects(exercises.check_bigram_probs,
            lambda counts, k: [[(c + k) / (sum(row) + k) for c in row] for row in counts], capsys, "sums to 1")
    total = lambda counts: sum(map(sum, counts))  # noqa: E731
    rejects(exercises.check_bigram_probs,
            lambda counts, k: [[(c + k) / (total(counts) + k * len(row)) for c in row] for row in counts], capsys)


def test_hints_never_give_the_answer(capsys):
    line = rejects(exercises.check_build_vocab, lambda docs: sorted("".join(docs)), capsys)
    assert "['a', 'e', 'm', 'v']" not in line
    line = rejects(exercises.check_encode_with_bos, lambda name, chars: [], capsys)
    assert "26, 4, 12" not in line
