"""Build the lessons' slide decks for a computer without a network: one reveal.js deck per lesson, and the
libraries they load beside them.

    python scripts/make_slides.py             # into build/slides (`make slides`)
    python scripts/make_slides.py FOLDER

FOLDER/NN_name.slides.html for each notebooks/NN_*.ipynb, as `jupyter nbconvert --to slides` makes it from the
cells' slide marks (scripts/mark_slides.py; skipped cells are left out), with its template scripts/slides.html.j2,
and FOLDER/lib/ with reveal.js, require.js, jQuery and the part of MathJax the decks load, each with its licence.
Copy the folder anywhere and open a deck from disk: it loads nothing from the network.
The libraries come from the cache scripts/fetch_js_packages.py fills; this script never downloads.

A markdown cell is cut at each heading inside it, as if the heading began a cell: a `## ` heading starts a
slide, a smaller one a subslide (the rules of mark_slides.py). The lessons often end a section's last cell with
the next section's heading, and their first cell holds three sections.
"""

import copy
import pathlib
import shutil
import sys

import nbformat
from nbconvert import SlidesExporter
from traitlets.config import Config

import fetch_js_packages
import mark_slides

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATE = pathlib.Path(__file__).resolve().parent / "slides.html.j2"
SIZE = (1280, 720)  # the deck's width and height: a projector's; reveal.js scales it to the screen
URLS = {  # what the deck loads, relative to it: fetch_js_packages.py's libraries, in lib/
    "reveal_url_prefix": "lib/reveal.js",
    "require_js_url": "lib/requirejs/require.js",
    "jquery_url": "lib/jquery/dist/jquery.min.js",
    # nbconvert's configuration of MathJax, from MathJax.js: latest.js would ask a CDN for the latest version
    "mathjax_url": "lib/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
}


class LibrariesMissing(Exception):
    pass


def exporter():
    config = Config()
    # the white theme's fonts are in lib/ (nbconvert's default theme, simple, asks Google Fonts for its own)
    config.SlidesExporter.update(URLS, template_file=str(TEMPLATE), reveal_theme="white",
                                 reveal_width=str(SIZE[0]), reveal_height=str(SIZE[1]))
    return SlidesExporter(config=config)


def heading_starts(text):
    """Where the headings after the first line of a markdown text start, fenced code left out."""
    starts, fenced, offset = [], False, 0
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        elif offset and not fenced and mark_slides.heading_type(line):
            starts.append(offset)
        offset += len(line)
    return starts


def cut_at_headings(notebook):
    """A copy of `notebook` whose markdown cells are cut at each heading inside them; each part after the first
    is marked as mark_slides.py marks a heading (or skipped, with its cell)."""
    cut = copy.deepcopy(notebook)
    cells = []
    for cell in cut.cells:
        text = "".join(cell.source)
        starts = heading_starts(text) if cell.cell_type == "markdown" else []
        if not starts:
            cells.append(cell)
            continue
        skipped = cell.metadata.get("slideshow", {}).get("slide_type") == "skip"
        for begin, end in zip([0] + starts, starts + [len(text)]):
            part = copy.deepcopy(cell) if begin == 0 else nbformat.v4.new_markdown_cell()
            part.source = text[begin:end]
            if begin:
                part.metadata["slideshow"] = {"slide_type": "skip" if skipped else mark_slides.heading_type(part.source)}
            cells.append(part)
    cut.cells = cells
    return cut


def copy_libraries(folder):
    """FOLDER/lib/<name>/, from fetch_js_packages.py's cache."""
    missing = fetch_js_packages.missing(fetch_js_packages.SLIDES)
    if missing:
        raise LibrariesMissing(f"the slide libraries {', '.join(missing)} are not in {fetch_js_packages.CACHE}: "
                               "run `make slides`, or .venv/bin/python scripts/fetch_js_packages.py (it downloads "
                               "them once)")
    lib = pathlib.Path(folder) / "lib"
    shutil.rmtree(lib, ignore_errors=True)
    for name in fetch_js_packages.SLIDES:
        shutil.copytree(fetch_js_packages.folder(name), lib / name,
                        ignore=shutil.ignore_patterns(fetch_js_packages.STAMP))


def build(folder, lessons=mark_slides.LESSONS):
    """Write a deck for each lesson and the libraries into `folder`; return the decks' paths."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    copy_libraries(folder)
    slides = exporter()
    decks = []
    for path in lessons:
        notebook = cut_at_headings(nbformat.read(path, as_version=4))
        html, _ = slides.from_notebook_node(notebook, resources={"metadata": {"name": path.stem}})
        deck = folder / (path.stem + slides.file_extension)
        deck.write_text(html, encoding="utf-8")
        decks.append(deck)
    return decks


def main(argv):
    if len(argv) > 1 or argv and argv[0].startswith("-"):
        sys.exit(__doc__)
    folder = pathlib.Path(argv[0] if argv else ROOT / "build" / "slides")
    try:
        decks = build(folder)
    except LibrariesMissing as error:
        sys.exit(f"make_slides: {error}")
    print(f"{len(decks)} decks and lib/ in {folder}: open any .slides.html in a browser")


if __name__ == "__main__":
    main(sys.argv[1:])
