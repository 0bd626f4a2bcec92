"""Build microgpt/assets/words.txt, the second dataset that ships inside the package (notebook 11).

The 10,000 most frequent English words made only of the letters a-z, most frequent first, from
`wordfreq` 3.1.1's English word list (data: CC BY-SA 4.0, by Robyn Speer and contributors; see
the README's Data section):

    pip install wordfreq==3.1.1 && python scripts/build_embedded_words.py   # with microgpt importable

Words with other characters (apostrophes, digits, accents) are skipped, not cleaned, so every line is a
word wordfreq lists. Prints the file's sha256, which microgpt/data.py records and the tests check.
"""

import pathlib
import re

import wordfreq

from microgpt.data import EMBEDDED_WORDS, docs_sha256, embedded_path

COUNT = 10_000


def main():
    words = [word for word in wordfreq.iter_wordlist("en") if re.fullmatch("[a-z]+", word)][:COUNT]
    assert len(words) == COUNT and len(set(words)) == COUNT
    out = pathlib.Path(embedded_path(EMBEDDED_WORDS))
    out.write_text("".join(word + "\n" for word in words), encoding="utf-8")
    print(f"{len(words)} words -> {out}\nsha256 {docs_sha256(words)}")  # the file's: microgpt/data.py records it


if __name__ == "__main__":
    main()
