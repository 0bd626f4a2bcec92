"""Notebook 01's checkers: the model answers pass, and each typical mistake gets its own hint."""

from .checker_verdicts import accepted, hint
from microgpt.exercises.tokenizer import check_build_vocab, check_decode_ids, check_encode_with_bos


def ids(name, chars, shift=0):
    return [chars.index(ch) + shift for ch in name]


def test_build_vocab():
    assert accepted(check_build_vocab, lambda docs: sorted(set("".join(docs))))
    assert "only once" in hint(check_build_vocab, lambda docs: sorted("".join(docs)))
    assert "wrong order" in hint(check_build_vocab, lambda docs: sorted(set("".join(docs)), reverse=True))
    assert "not a str" in hint(check_build_vocab, lambda docs: "".join(sorted(set("".join(docs)))))
    assert "every character" in hint(check_build_vocab, lambda docs: sorted(set(docs[0])))


def test_encode_with_bos():
    assert accepted(check_encode_with_bos, lambda name, chars: [len(chars)] + ids(name, chars) + [len(chars)])
    no_end = hint(check_encode_with_bos, lambda name, chars: [len(chars)] + ids(name, chars))
    assert no_end.startswith("BOS is missing at the end")
    no_start = hint(check_encode_with_bos, lambda name, chars: ids(name, chars) + [len(chars)])
    assert no_start.startswith("BOS is missing at the start")
    assert hint(check_encode_with_bos, ids).startswith("BOS is missing at both ends")
    assert "at both ends" in hint(check_encode_with_bos, lambda name, chars: ids(name, chars, shift=1))
    assert "check BOS" in hint(check_encode_with_bos, lambda name, chars: [0] + ids(name, chars) + [0])
    assert "position" in hint(check_encode_with_bos,
                              lambda name, chars: [len(chars)] + ids(name, chars, shift=1) + [len(chars)])
    assert "not a str" in hint(check_encode_with_bos, lambda name, chars: name)


def test_decode_ids():
    assert accepted(check_decode_ids, lambda ids, chars: "".join(chars[i] for i in ids if i != len(chars)))
    assert "skip it" in hint(check_decode_ids, lambda ids, chars: "".join(chars[i] for i in ids))
    assert "not a list" in hint(check_decode_ids, lambda ids, chars: [chars[i] for i in ids if i != len(chars)])
    assert "skip it" in hint(check_decode_ids, lambda ids, chars: "".join(chars[i] for i in ids[1:-1]))


def test_hints_never_give_the_answer():
    assert "['a', 'e', 'm', 'v']" not in hint(check_build_vocab, lambda docs: sorted("".join(docs)))
    assert "26, 4, 12" not in hint(check_encode_with_bos, lambda name, chars: [])
