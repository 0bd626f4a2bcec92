"""The lessons' slide marks (scripts/mark_slides.py): the committed lessons carry exactly the rules' marks, the
rules do what they say, and the notebooks' normalisation keeps the marks. (That every slide fits a projector:
tests/browser/test_slides.py.)"""

import importlib
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from .seed_runner import ROOT

SCRIPTS = ROOT / "scripts"
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SHOWN = {"slide", "subslide", "fragment", "-"}


def script(name):
    """scripts/<name>.py as a module, imported as the scripts import each other (scripts/ on the path)."""
    sys.path.insert(0, str(SCRIPTS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(SCRIPTS))


mark_slides = script("mark_slides")


def md(source):
    return nbformat.v4.new_markdown_cell(source)


def code(source, *data):
    """A code cell whose outputs are displays of the MIME types `data` (a stream if none)."""
    outputs = [nbformat.v4.new_output("display_data", {kind: "x"}) for kind in data] or \
        [nbformat.v4.new_output("stream", name="stdout", text="x\n")]
    return nbformat.v4.new_code_cell(source, outputs=outputs)


def test_the_committed_lessons_carry_the_rules_marks():
    result = subprocess.run([sys.executable, str(SCRIPTS / "mark_slides.py"), "--verify"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_each_rule_on_a_lesson_with_every_kind_of_cell():
    cells_and_marks = [
        (md("# 99 — A lesson\n\n## What you will learn\n- things"), "slide"),  # the title
        (nbformat.v4.new_code_cell("import math"), "skip"),  # the imports
        (md("## 1. A section"), "slide"),
        (md("What it is about."), "-"),  # joins the markdown before it
        (code("x = 1"), "-"),  # stays with the markdown that introduces it
        (code("y = 2"), "-"),
        (md("A new step."), "subslide"),  # markdown after code
        (code("a = 1"), "-"),
        (code("plot(a)", "image/png"), "subslide"),  # a picture after code: with the code that drew it
        (code("view(a)", mark_slides.WIDGET), "skip"),  # widgets do not render in RISE
        (md("### A smaller heading"), "subslide"),
        (code("draw(a)", "image/svg+xml"), "-"),  # a picture after markdown stays with it
        (md("## Summary\n- what was learned"), "slide"),
        (md("## Exercises"), "skip"),
        (code("answer = ...  # your code here"), "skip"),
        (code("check_answer(answer)", "text/plain"), "skip"),
        (md("### Exercise 2"), "skip"),
        (md("**Next →** the next lesson"), "subslide"),
    ]
    assert mark_slides.rule_types([cell for cell, _ in cells_and_marks]) == [mark for _, mark in cells_and_marks]


def test_an_exception_starts_its_cell_on_a_subslide_and_one_that_names_no_cell_or_several_is_an_error(monkeypatch):
    cells = [md("# 99 — A lesson"), code("import math"), md("Some text."), code("x = 1"), code("x = 2"),
             md("## Exercises"), md("**Next →** on")]
    path = Path("notebooks/99_a_lesson.ipynb")
    assert mark_slides.slide_types(path, cells)[3] == "-"
    monkeypatch.setitem(mark_slides.EXCEPTIONS, "99_a_lesson", {"x = 1": "subslide"})
    assert mark_slides.slide_types(path, cells)[3] == "subslide"
    for start in ("x = ", "y = "):
        monkeypatch.setitem(mark_slides.EXCEPTIONS, "99_a_lesson", {start: "subslide"})
        with pytest.raises(ValueError, match="99_a_lesson.ipynb"):
            mark_slides.slide_types(path, cells)


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.name)
def test_every_lesson_shows_its_title_and_summary_and_skips_its_exercises_widgets_and_imports(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    marks = [cell["metadata"]["slideshow"]["slide_type"] for cell in cells]
    sources = ["".join(cell["source"]) for cell in cells]
    assert set(marks) <= SHOWN | {"skip"}
    assert marks[0] == "slide" and sources[0].startswith("# ")
    assert all(mark != "skip" for source, mark in zip(sources, marks) if "## Summary" in source)
    exercises = next(i for i, source in enumerate(sources) if source.startswith("## Exercises"))
    assert set(marks[exercises:-1]) == {"skip"} and marks[-1] in SHOWN  # the closing "Next →" is shown
    for cell, mark in zip(cells, marks):
        if any(mark_slides.WIDGET in output.get("data", {}) for output in cell.get("outputs", [])):
            assert mark == "skip"
    first_code = next(i for i, cell in enumerate(cells) if cell["cell_type"] == "code")
    assert marks[first_code] == "skip" and sources[first_code].lstrip().startswith(("import", "from"))
    assert notebook["metadata"]["rise"] == {"scroll": True}


def test_the_notebooks_normalisation_keeps_the_marks(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[md("# 99 — A lesson"), code("x = 1")])
    notebook.cells[0].metadata["slideshow"] = {"slide_type": "slide"}
    notebook.cells[1].metadata["slideshow"] = {"slide_type": "skip"}
    notebook.metadata["rise"] = {"scroll": True}
    path = tmp_path / "99_a_lesson.ipynb"
    nbformat.write(notebook, path)
    subprocess.run(script("execute_notebooks").NBSTRIPOUT + [str(path)], check=True)
    normalised = nbformat.read(path, as_version=4)
    assert [cell.metadata["slideshow"]["slide_type"] for cell in normalised.cells] == ["slide", "skip"]
    assert normalised.metadata["rise"] == {"scroll": True}
