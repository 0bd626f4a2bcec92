"""Build microgpt/assets/words.txt, the second dataset that ships inside the package (notebook 11).

The 10,000 most frequent English words made only of the letters a-z, most frequent first, from
`wordfreq` 3.1.1's English word list (data: CC BY-SA 4.0, by Robyn Speer and contributors; see
the README's Data section):

    pip install wordfreq==3.1.1 && python scripts/build_embedded_words.py

Words with other characters (apostrophes, digits, accents) are skipped, not cleaned, so every line is a
word wordfreq lists. Prints the file's sha256, which microgpt/data.py records and the tests check.
"""

import hashlib
import pathlib
import re

import wordfreq

COUNT = 10_000
OUT = pathlib.Path(__file__).resolve().parent.parent / "microgpt" / "assets" / "words.txt"


def main():
    words = [word for word in wordfreq.iter_wordlist("en") if re.fullmatch("[a-z]+", word)][:COUNT]
    assert len(words) == COUNT and len(set(words)) == COUNT
    text = "".join(word + "\n" for word in words)
    OUT.write_text(text, encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")
    print(f"sha256 {hashlib.sha256(text.encode('utf-8')).hexdigest()}")


if __name__ == "__main__":
    main()
