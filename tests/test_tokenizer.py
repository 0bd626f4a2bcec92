"""Tokenizer: the seed's character vocabulary with BOS = n, round trips, and clear errors."""

import pytest

from microgpt import Tokenizer


def test_vocabulary_from_docs_is_sorted_unique_characters_and_bos_is_last():
    tok = Tokenizer.from_docs(["emma", "olivia", "ava", "zoë"])
    assert tok.chars == ["a", "e", "i", "l", "m", "o", "v", "z", "ë"]
    assert tok.bos == len(tok.chars) == 9
    assert tok.vocab_size == 10


def test_encode_decode_round_trip():
    tok = Tokenizer.from_docs(["hello", "world", "zoë"])
    for text in ["hello", "world", "zoë", "", "lowered"]:
        ids = tok.encode(text)
        assert all(0 <= i < tok.bos for i in ids)
        assert tok.decode(ids) == text
    assert tok.encode("hello") == [tok.chars.index(c) for c in "hello"]


def test_encode_doc_puts_bos_at_both_ends_and_decode_drops_it():
    tok = Tokenizer.from_docs(["anna"])
    assert tok.encode_doc("anna") == [tok.bos, 0, 1, 1, 0, tok.bos]
    assert tok.encode_doc("") == [tok.bos, tok.bos]
    assert tok.decode(tok.encode_doc("naan")) == "naan"


def test_unknown_character_error_names_the_character_and_the_vocabulary():
    tok = Tokenizer.from_docs(["abc"])
    with pytest.raises(ValueError) as err:
        tok.encode_doc("cab!")
    message = str(err.value)
    assert "'!'" in message and "'abc'" in message and "position 3" in message


@pytest.mark.parametrize("bad", [[4], [-1], [0, 99], [1.0], ["a"], [None]])
def test_decode_refuses_ids_outside_the_vocabulary_or_not_integers(bad):
    tok = Tokenizer.from_docs(["abc"])  # ids 0..3, BOS = 3
    with pytest.raises(ValueError, match="token id"):
        tok.decode(bad)


def test_decode_accepts_any_integer_type():
    class NumpyLikeInt:
        def __index__(self):
            return 2
    assert Tokenizer.from_docs(["abc"]).decode([NumpyLikeInt(), 0]) == "ca"


@pytest.mark.parametrize("chars, message", [
    ([], "at least one"),
    (["b", "a"], "sorted and unique"),
    (["a", "a"], "sorted and unique"),
    (["ab"], "single characters"),
    ([1], "single characters"),
])
def test_bad_vocabularies_are_refused(chars, message):
    with pytest.raises(ValueError, match=message):
        Tokenizer(chars)


def test_a_vocabulary_needs_some_text():
    with pytest.raises(ValueError, match="no text"):
        Tokenizer.from_docs(["", ""])


def test_repr_shows_the_vocabulary():
    assert repr(Tokenizer("ab")) == "Tokenizer(vocab_size=3, chars='ab')"
