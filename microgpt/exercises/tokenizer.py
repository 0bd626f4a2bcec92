"""Notebook 01, data and tokenizer: the vocabulary, a name encoded with BOS, and ids decoded back."""

from ..tokenizer import Tokenizer
from .verdict import Hint, call, checker

LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]


@checker("Sorted and unique: the same data always gives the same ids.")
def check_build_vocab(build_vocab):
    """Exercise 1: build_vocab(docs) is the sorted list of the distinct characters in the documents."""
    for docs in [["emma", "ava"], ["zoe", "quinn", "xavier", "wyatt", "yara", "jude"], ["b", "a", "b"]]:
        result = call(build_vocab, list(docs))
        if result == sorted(set("".join(docs))):
            continue
        if not isinstance(result, list):
            raise Hint(f"return a list of characters, not a {type(result).__name__}")
        if len(result) != len(set(result)):
            raise Hint("each character must appear only once: a set drops repeats")
        if set(result) == set("".join(docs)):
            raise Hint("right characters, wrong order: sort them, so ids never depend on luck")
        raise Hint("collect every character of every document, each once, in sorted order")


@checker("That is exactly what the model is trained on.")
def check_encode_with_bos(encode_with_bos):
    """Exercise 2: encode_with_bos(name, chars) is [BOS] + the ids of the name + [BOS], where BOS = len(chars)."""
    for name, chars in [("emma", LETTERS), ("", LETTERS), ("cab", ["a", "b", "c"]), ("zz", LETTERS)]:
        result = call(encode_with_bos, name, list(chars))
        expected = Tokenizer(chars).encode_doc(name)
        if result == expected:
            continue
        if not isinstance(result, list):
            raise Hint(f"return a list of ids, not a {type(result).__name__}")
        if len(result) == len(expected) and result[1:-1] == expected[1:-1]:
            raise Hint("the characters are right; check BOS: its id is len(chars), at both ends")
        starts, ends = result[:1] == [len(chars)], result[-1:] == [len(chars)]
        if not (starts and ends):
            where = "at the end" if starts else "at the start" if ends else "at both ends"
            raise Hint(f"BOS is missing {where}: the list starts AND ends with BOS, whose id is len(chars)")
        raise Hint("BOS is right; check the characters: a character's id is its position in `chars`, from 0")


@checker("Encoding then decoding gives the name back.")
def check_decode_ids(decode_ids):
    """Exercise 3: decode_ids(ids, chars) is the text of the ids, with every BOS (id len(chars)) left out."""
    for ids, chars in [([26, 4, 12, 12, 0, 26], LETTERS), ([26, 26], LETTERS), ([0, 1, 3, 2], ["a", "b", "c"])]:
        result = call(decode_ids, list(ids), list(chars),
                      notes={"IndexError": "BOS has id len(chars) and no character: skip it"})
        if result == Tokenizer(chars).decode(ids):
            continue
        if not isinstance(result, str):
            raise Hint(f"return a string, not a {type(result).__name__}: ''.join(...) makes one")
        raise Hint("look each id up in `chars`, skip BOS wherever it is, and join the characters")
