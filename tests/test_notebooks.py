"""The committed notebooks follow the course's conventions and are normalised.

nbval (pytest --nbval) runs every notebook once in a fresh kernel and compares its outputs with the
stored ones; the root conftest.py holds each notebook to its time budget on that run. This file checks
what nbval does not, without running anything: the structure every notebook shares, that the stored
outputs come from one clean top-to-bottom run, and that nbstripout has normalised the file.
"""

import json
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("*.ipynb"))
SOLUTIONS = sorted((NOTEBOOKS / "solutions").glob("*.ipynb"))
TITLE = re.compile(r"# (\d\d) — (\S.*)")
CHECK_CALL = re.compile(r"^.*\bcheck_\w+\(", re.MULTILINE)
CHECK_CELL = re.compile(r"(check_\w+)\(.*\)")  # one line, the checker's Verdict shown as the cell's result


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def source(cell):
    return "".join(cell["source"])


def first_line(notebook):
    return source(notebook["cells"][0]).splitlines()[0]


def h2_headings(notebook):
    return [line for cell in notebook["cells"] if cell["cell_type"] == "markdown"
            for line in source(cell).splitlines() if line.startswith("## ")]


def code_cells(notebook):
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def shown(cell):
    """What a cell shows: its printed text and the text of its result."""
    return "".join("".join(o["text"]) if o["output_type"] == "stream" else "".join(o.get("data", {}).get("text/plain", ""))
                   for o in cell["outputs"])


def checker_cells(cells):
    """{checker name: what its cell shows} for every code cell that calls a check_... function."""
    found = {}
    for cell in cells:
        if cell["cell_type"] == "code" and CHECK_CALL.search(source(cell)):
            match = CHECK_CELL.fullmatch(source(cell).strip())
            assert match, f"a checker's cell is the one line `check_...(...)`, not {source(cell)!r}"
            found[match.group(1)] = shown(cell)
    return found


def lesson_of(solution_path):
    return NOTEBOOKS / solution_path.name.replace("_solutions.ipynb", ".ipynb")


def name(path):
    return str(path.relative_to(NOTEBOOKS))


everything = pytest.mark.parametrize("path", LESSONS + SOLUTIONS, ids=name)
lessons = pytest.mark.parametrize("path", LESSONS, ids=name)
solutions = pytest.mark.parametrize("path", SOLUTIONS, ids=name)


def test_lessons_are_numbered_from_00_without_gaps():
    names = [p.name for p in LESSONS]
    assert names, "no notebooks found"
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", n) for n in names), names
    assert [int(n[:2]) for n in names] == list(range(len(names))), names


def test_every_lesson_has_solutions_and_every_solution_a_lesson():
    assert sorted(lesson_of(p) for p in SOLUTIONS) == LESSONS


@lessons
def test_lesson_opens_with_its_number_title_and_the_two_sections(path):
    notebook = load(path)
    assert notebook["cells"][0]["cell_type"] == "markdown"
    title = TITLE.fullmatch(first_line(notebook))
    assert title, f"the first line should be '# NN — Title', got {first_line(notebook)!r}"
    assert title.group(1) == path.name[:2]
    opening = source(notebook["cells"][0])
    assert "\n## What you will learn\n" in opening and "\n## What this builds on\n" in opening


@lessons
def test_lesson_ends_with_summary_then_exercises_that_are_not_yet_solved(path):
    notebook = load(path)
    assert h2_headings(notebook)[-2:] == ["## Summary", "## Exercises"]
    exercises_at = next(i for i, cell in enumerate(notebook["cells"]) if source(cell).startswith("## Exercises"))
    checks = checker_cells(notebook["cells"][exercises_at:])
    assert (1 if path.name.startswith("00_") else 2) <= len(checks) <= 5, sorted(checks)
    for checker, output in checks.items():
        assert output.startswith("❌ Not yet. Hint: "), (checker, output)
    assert checker_cells(notebook["cells"]) == checks, "checkers are called only in the exercises"


@lessons
def test_lesson_ends_by_saying_what_comes_next(path):
    last = load(path)["cells"][-1]
    assert last["cell_type"] == "markdown" and source(last).startswith("**Next →**"), source(last)


@everything
def test_links_to_notebooks_lead_to_notebooks_that_exist(path):
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            for target in re.findall(r"\]\(([^)#]+\.ipynb)", source(cell)):
                assert (path.parent / target).is_file(), f"{name(path)} links to {target}, which does not exist"


@solutions
def test_solutions_open_with_the_lesson_title_and_pass_every_check(path):
    solved, lesson = load(path), load(lesson_of(path))
    assert first_line(solved) == first_line(lesson) + ": solutions"
    checks = checker_cells(solved["cells"])
    assert sorted(checks) == sorted(checker_cells(lesson["cells"])), "the solutions solve exactly the lesson's exercises"
    for checker, output in checks.items():
        assert output.startswith("✅ Correct!"), (checker, output)


@everything
def test_outputs_are_from_one_clean_run_in_a_fresh_kernel(path):
    notebook = load(path)
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    cells = code_cells(notebook)
    assert all(source(cell).strip() for cell in cells), "no empty code cells (they are never executed)"
    assert [cell["execution_count"] for cell in cells] == list(range(1, len(cells) + 1))
    for cell in cells:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", source(cell)
            assert output.get("name") != "stderr", f"warnings or errors printed by: {source(cell)}"


@everything
def test_no_cell_relies_on_a_trailing_semicolon(path):
    """IPython hides a cell's value after a final ';' only when the cell is stored in its history. nbval
    runs cells with store_history=False, so there a figure would show twice and a checker print True."""
    for cell in code_cells(load(path)):
        assert not source(cell).rstrip().endswith(";"), f"end with plt.show() or assign to _: {source(cell)!r}"


@everything
def test_nbval_markers_are_spelled_as_nbval_reads_them(path):
    """nbval obeys a marker only on a line of its own: '# NBVAL_IGNORE_OUTPUT: why' is silently ignored."""
    markers = {"NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "NBVAL_RAISES_EXCEPTION", "NBVAL_CHECK_OUTPUT"}
    for cell in code_cells(load(path)):
        for line in source(cell).splitlines():
            if "NBVAL_" in line:
                assert line.strip().lstrip("#").strip() in markers, f"put the marker alone on its line: {line!r}"


@everything
def test_compared_outputs_hold_no_object_reprs(path):
    """A trailing `ax.plot(...)` or Digraph shows '<... at 0x...>': end such cells with plt.show()."""
    for cell in code_cells(load(path)):
        if "NBVAL_IGNORE_OUTPUT" in source(cell) or "NBVAL_SKIP" in source(cell):
            continue
        for output in cell["outputs"]:
            text = "".join(output.get("data", {}).get("text/plain", ""))
            assert not re.search(r" at 0x[0-9a-f]+|<matplotlib\.", text), (source(cell), text)


def test_every_notebook_is_normalised_by_nbstripout():
    result = subprocess.run([sys.executable, "scripts/execute_notebooks.py", "--verify"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, f"run `make notebooks` (or scripts/execute_notebooks.py):\n{result.stdout}"
