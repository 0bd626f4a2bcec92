"""scripts/make_assignments.py finds each exercise's model answer in the solutions, or stops and says why.
(nbgrader's round trip on what it makes: test_classroom.py, a slow test.)"""

import runpy

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .seed_runner import ROOT

make_assignments = runpy.run_path(str(ROOT / "scripts" / "make_assignments.py"))
model_answer = make_assignments["model_answer"]

SOLUTIONS = new_notebook(cells=[
    new_code_cell("from microgpt.exercises.autograd import check_double, check_three"),
    new_markdown_cell("### Exercise 1"),
    new_code_cell("def double(x):\n    return 2 * x"),
    new_code_cell("print(double(21))"),  # a demonstration, not part of the answer
    new_code_cell("check_double(double)"),
    new_code_cell("def triple(x):\n    return 3 * x"),  # a bonus after the checker
    new_code_cell("%time three = triple(1)\nthree = 3"),
    new_code_cell("check_three(three)"),
])


def test_the_answer_is_the_code_that_defines_the_stubs_names_since_the_checker_before():
    assert model_answer(SOLUTIONS, "check_double(double)", "def double(x):\n    ...", "") == SOLUTIONS.cells[2].source
    assert model_answer(SOLUTIONS, "check_three(three)", "three = ...", "") == SOLUTIONS.cells[6].source


def test_a_checker_cell_the_solutions_do_not_have_stops_the_script():
    with pytest.raises(SystemExit, match=r"03_x, check_three: 'check_three\(3\)' is in the solutions 0 times"):
        model_answer(SOLUTIONS, "check_three(3)", "three = ...", "03_x, check_three")


def test_solutions_that_do_not_define_what_the_stub_does_stop_the_script():
    with pytest.raises(SystemExit, match="the solutions define no four before 'check_three"):
        model_answer(SOLUTIONS, "check_three(three)", "three = four = ...", "03_x, check_three")


def test_every_notebook_becomes_an_assignment_its_checkers_test_cells(tmp_path):
    make_assignments["main"]([str(tmp_path)])
    lessons = sorted(ROOT.glob("notebooks/[0-9][0-9]_*.ipynb"))
    assert [p.name for p in sorted(tmp_path.glob("source/*/*.ipynb"))] == [p.name for p in lessons]
    for lesson in lessons:
        made = nbformat.read(tmp_path / "source" / lesson.stem / lesson.name, as_version=4)
        tests = [cell for cell in made.cells if cell.metadata.get("nbgrader", {}).get("grade")]
        answers = [cell for cell in made.cells if cell.metadata.get("nbgrader", {}).get("solution")]
        assert tests and len(tests) == len(answers), lesson.name
        assert all("### BEGIN SOLUTION\n" in cell.source for cell in answers)
    assert (tmp_path / "nbgrader_config.py").is_file()
