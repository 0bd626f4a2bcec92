"""Mark every cell of the lessons for slides: `metadata.slideshow.slide_type`, which RISE (JupyterLab) and
`jupyter nbconvert --to slides` (scripts/make_slides.py) read.

    python scripts/mark_slides.py            # write the marks into notebooks/NN_*.ipynb, then normalise them
    python scripts/mark_slides.py --verify   # exit 1, naming the lessons whose marks are not the rules' marks

The rules, for each cell, the first that applies:
- the exercises (from `## Exercises` up to the closing `**Next →**` cell): skip, they are done in the notebook;
- a cell that shows a widget: skip (ipywidgets do not render in RISE: show them from the live notebook);
- the first code cell, the lesson's imports: skip;
- the first cell (the title, what you will learn, what this builds on): slide;
- a `## ` heading: slide; a smaller heading: subslide;
- markdown after a shown code cell: subslide (a new step), and the closing `**Next →**` cell too;
  other markdown: - (it joins the markdown before it);
- a code cell that draws a picture after another code cell: subslide (with the code that drew it);
- any other code cell: - (it stays, with its output, beside the markdown that introduces it).
Then EXCEPTIONS, where a rule cannot know a slide's height: a cell that would not fit on the slide of the cells
before it starts a subslide. Each names its cell by the start of its source; tests/browser/test_slides.py checks
that every slide of every deck fits 1280×720.
And each lesson's metadata says `rise: {"scroll": true}`: in RISE a slide taller than the screen scrolls (RISE
shows a cell whole; the decks cut a cell at its headings, see make_slides.py).
Only metadata changes: the notebooks are not re-executed, and their outputs stay as committed.
"""

import pathlib
import re
import sys

import nbformat

from execute_notebooks import normalise

ROOT = pathlib.Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"
PICTURES = {"image/png", "image/svg+xml"}
NEXT = "**Next →**"
RISE = {"scroll": True}

# {lesson's file stem: {start of a cell's source: slide type}}. On the slide of the cells before it, each of these
# cells would make the slide taller than 720 pixels (tests/browser/test_slides.py measures), so it starts a subslide.
EXCEPTIONS = {
    "03_autograd": {"hs = [10 ** (-k / 4)": "subslide"},
    "04_building_blocks": {"Two small helpers": "subslide", "rows = graph_rows(loss)": "subslide",
                           "def relu(x):": "subslide"},
    "05_embeddings_and_mlp": {"stages = [": "subslide", "labels = list(tokenizer.chars)": "subslide",
                              'HTML(model_map(built={"tokens", "embeddings"': "subslide"},
    "06_attention": {"rng = random.Random(0)\nq16": "subslide", "What the explorer draws": "subslide"},
    "07_gpt_and_loss": {"rows = graph_rows(losses[-1]": "subslide", "What the inspector shows": "subslide"},
    "08_training": {"plain = [0.01": "subslide", "n_params = len(model.params)": "subslide"},
    "09_sampling": {"rng = random.Random(42)\ncache": "subslide", "What the explorer shows": "subslide",
                    "numpy_model = microgpt.make_model(cfg": "subslide", "docs = microgpt.load_names()  ": "subslide"},
    "10_efficiency": {"rng = np.random.default_rng(0)": "subslide", "ck = microgpt.load_shipped()": "subslide"},
    "11_experiments": {"def terminal(": "subslide"},
}


def source(cell):
    return "".join(cell["source"])


def shows_a_widget(cell):
    return any(WIDGET in output.get("data", {}) for output in cell.get("outputs", []))


def shows_a_picture(cell):
    return any(PICTURES & set(output.get("data", {})) for output in cell.get("outputs", []))


def heading_type(text):
    """What a markdown text that starts with a heading starts: a `## ` heading a slide, a smaller one a
    subslide; None if it starts with no such heading."""
    if text.startswith("## "):
        return "slide"
    return "subslide" if re.match(r"#{3,6} ", text) else None


def rule_types(cells):
    """The slide type of each cell, by the rules of the module's docstring."""
    exercises = next(i for i, cell in enumerate(cells) if source(cell).startswith("## Exercises"))
    imports = next(i for i, cell in enumerate(cells) if cell["cell_type"] == "code")
    types, previous = [], None  # previous: the type of the last cell shown
    for index, cell in enumerate(cells):
        text = source(cell)
        markdown = cell["cell_type"] == "markdown"
        if exercises <= index and not text.startswith(NEXT) or shows_a_widget(cell) or index == imports:
            types.append("skip")
            continue
        if index == 0:
            kind = "slide"
        elif markdown and heading_type(text):
            kind = heading_type(text)
        elif markdown and (previous == "code" or text.startswith(NEXT)):
            kind = "subslide"
        elif shows_a_picture(cell) and previous == "code":
            kind = "subslide"
        else:
            kind = "-"
        types.append(kind)
        previous = cell["cell_type"]
    return types


def slide_types(path, cells):
    """The rules' types, with the lesson's exceptions; an exception that names no cell, or several, is an
    error (the notebook changed under it)."""
    types = rule_types(cells)
    for start, kind in EXCEPTIONS.get(path.stem, {}).items():
        matches = [i for i, cell in enumerate(cells) if source(cell).startswith(start)]
        if len(matches) != 1:
            raise ValueError(f"{path.name}: the exception {start!r} matches {len(matches)} cells, not 1")
        types[matches[0]] = kind
    return types


def marked(path):
    """The lesson at `path` with its marks set (its cells', and RISE's settings); and whether any changed."""
    notebook = nbformat.read(path, as_version=4)
    changed = notebook.metadata.get("rise") != RISE
    notebook.metadata["rise"] = dict(RISE)
    for cell, kind in zip(notebook.cells, slide_types(path, notebook.cells)):
        if cell.metadata.get("slideshow") != {"slide_type": kind}:
            cell.metadata["slideshow"] = {"slide_type": kind}
            changed = True
    return notebook, changed


def main(argv):
    if argv == ["--verify"]:
        stale = [path.name for path in LESSONS if marked(path)[1]]
        if stale:
            sys.exit(f"slide marks differ from scripts/mark_slides.py's in {', '.join(stale)}: "
                     "run python scripts/mark_slides.py")
        return
    if argv:
        sys.exit(__doc__)
    changed = []
    for path in LESSONS:
        notebook, is_changed = marked(path)
        if is_changed:
            nbformat.write(notebook, path)
            changed.append(path)
    if changed:
        normalise(changed)
    print(f"slide marks changed in {len(changed)} of {len(LESSONS)} lessons")


if __name__ == "__main__":
    main(sys.argv[1:])
