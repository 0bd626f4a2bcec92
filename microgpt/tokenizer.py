"""Characters <-> token ids: each distinct character is a token, plus one BOS token."""

import operator


class Tokenizer:
    """The seed's tokenizer: sorted unique characters get ids 0..n-1, and BOS gets id n.

    BOS ("beginning of sequence") marks both where a name starts and where it ends.
    """

    def __init__(self, chars):
        chars = list(chars)
        if not chars:
            raise ValueError("a tokenizer needs at least one character")
        if any(not isinstance(c, str) or len(c) != 1 for c in chars):
            raise ValueError("a tokenizer's vocabulary must be single characters")
        if chars != sorted(set(chars)):
            raise ValueError("a tokenizer's characters must be sorted and unique")
        self.chars = chars
        self.bos = len(chars)
        self.vocab_size = len(chars) + 1
        self._ids = {c: i for i, c in enumerate(chars)}

    @classmethod
    def from_docs(cls, docs):
        """Build the vocabulary from every character that appears in `docs`."""
        chars = sorted(set("".join(docs)))
        if not chars:
            raise ValueError("cannot build a vocabulary from no text: the documents are empty")
        return cls(chars)

    def encode(self, text):
        """The ids of the characters of `text` (no BOS)."""
        ids = []
        for position, ch in enumerate(text):
            if ch not in self._ids:
                raise ValueError(
                    f"unknown character {ch!r} at position {position} of {text!r}; "
                    f"the vocabulary is {''.join(self.chars)!r}")
            ids.append(self._ids[ch])
        return ids

    def encode_doc(self, doc):
        """A document as the model trains on it: BOS, its characters, BOS."""
        return [self.bos] + self.encode(doc) + [self.bos]

    def decode(self, ids):
        """The text of `ids`; BOS tokens are dropped."""
        text = []
        for i in ids:
            try:
                i = operator.index(i)  # accepts numpy integers too, refuses floats
            except TypeError:
                raise ValueError(f"token id {i!r} is not an integer") from None
            if not 0 <= i < self.vocab_size:
                raise ValueError(f"token id {i!r} is outside the vocabulary (0..{self.vocab_size - 1})")
            if i != self.bos:
                text.append(self.chars[i])
        return "".join(text)

    def __repr__(self):
        return f"Tokenizer(vocab_size={self.vocab_size}, chars={''.join(self.chars)!r})"
