"""The nbgrader assignments of scripts/make_assignments.py, graded by nbgrader for real.

One round trip in a temporary course folder with its own gradebook: `nbgrader generate_assignment` for every
notebook, then `nbgrader autograde` on submissions, a batch per call: for every notebook the solutions and the
untouched student version; for notebook 03, the hard cases (a wrong answer, a cell that raises, a function that
loops forever, a checker redefined or patched, test cells edited). Grading runs each whole lesson, ~160 s of
CPU in all, so two copies of the course folder made after generate_assignment, each with its own gradebook,
are graded side by side: ~2 minutes on two cores.
"""

import os
import shutil
import subprocess
import sys
import tempfile

import nbformat
import pytest
from nbgrader.api import Gradebook
from traitlets.config.loader import PyFileConfigLoader

from .seed_runner import ROOT

pytestmark = pytest.mark.slow
ASSIGNMENTS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
HARD = "03_autograd"  # a quick notebook: three exercises, each one point
EXERCISES = ("check_central_difference", "check_hand_gradients", "check_tanh")
# nbgrader runs `alembic` (from its environment) when it creates a gradebook
ENV = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])

WRONG_SLOPE = "def central_difference(f, x, h):\n    return 0.0\n"
ANSWERS = {  # what a student wrote in an answer cell of 03
    "wrong": "grad_x, grad_y = -16, 16",
    "raises": 'raise RuntimeError("a cell that fails")',
    "loops": "def central_difference(f, x, h):\n    while True:\n        pass",
    "rebinds": WRONG_SLOPE + "check_central_difference = check_hand_gradients = check_tanh = lambda *answer: True",
    "patches": WRONG_SLOPE + """\
import microgpt.exercises.autograd
import microgpt.exercises.verdict

for name in ("check_central_difference", "check_hand_gradients", "check_tanh"):
    setattr(microgpt.exercises.autograd, name, lambda *answer: True)
microgpt.exercises.verdict.Verdict.__bool__ = lambda self: True""",
}
# student: (the version they start from, {grade_id: their answer}, the points each exercise should get)
HARD_CASES = {
    "one_wrong": ("source", {"answer_check_hand_gradients": ANSWERS["wrong"]}, (1, 0, 1)),
    "raises": ("source", {"answer_check_central_difference": ANSWERS["raises"]}, (0, 1, 1)),
    "loops": ("source", {"answer_check_central_difference": ANSWERS["loops"]}, (0, 1, 1)),
    "rebinds": ("release", {"answer_check_central_difference": ANSWERS["rebinds"]}, (0, 0, 0)),
    "patches": ("release", {"answer_check_central_difference": ANSWERS["patches"]}, (0, 0, 0)),
    "edits_tests": ("release", {name: "pass" for name in EXERCISES}, (0, 0, 0)),
}


def nbgrader(course, *args):
    """`nbgrader ARGS` started in `course`. Its log goes to a file, not a pipe: a pipe nobody reads while waiting
    for another process fills up and stops the grading half-way, so two gradings would run one after the other."""
    log = tempfile.TemporaryFile("w+")
    process = subprocess.Popen([sys.executable, "-m", "nbgrader", *args], cwd=course, env=ENV, stdout=log,
                               stderr=subprocess.STDOUT, text=True)
    process.log = log
    return process


def finish(process):
    process.wait(timeout=600)
    process.log.seek(0)
    assert process.returncode == 0, process.log.read()
    process.log.close()


def submit(course, student, assignment, notebook):
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{assignment}.ipynb")


def version(course, kind, assignment):
    """The teacher's version (`source`, with the solutions) or the student's (`release`) of an assignment."""
    return nbformat.read(course / kind / assignment / f"{assignment}.ipynb", as_version=4)


def answered(notebook, answers):
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in answers:
            cell.source = answers[cell.metadata.nbgrader.grade_id]
    return notebook


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """(the course folder, {(student, assignment): {grade_id: points}}), after generate_assignment and autograde."""
    solved = tmp_path_factory.mktemp("classroom") / "course"
    made = subprocess.run([sys.executable, "scripts/make_assignments.py", str(solved)], cwd=ROOT,
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    finish(nbgrader(solved, "generate_assignment", "*", "--force"))
    others = solved.parent / "others"
    shutil.copytree(solved, others)
    for assignment in ASSIGNMENTS:
        submit(solved, "solved", assignment, version(solved, "source", assignment))
        submit(others, "untouched", assignment, version(others, "release", assignment))
    for student, (kind, answers, _) in HARD_CASES.items():
        submit(others, student, HARD, answered(version(others, kind, HARD), answers))
    for process in [nbgrader(folder, "autograde", "*", "--force") for folder in (solved, others)]:
        finish(process)
    scores = {}
    for folder in (solved, others):
        with Gradebook(f"sqlite:///{folder / 'gradebook.db'}", "microgpt") as gradebook:
            for assignment in gradebook.assignments:
                for submission in assignment.submissions:
                    (notebook,) = submission.notebooks
                    scores[submission.student.id, assignment.name] = {g.name: g.score for g in notebook.grades}
    return solved, scores


def exercises(assignment):
    """The checkers the lesson calls in its exercises: each is a graded test cell."""
    lesson = nbformat.read(ROOT / "notebooks" / f"{assignment}.ipynb", as_version=4)
    return sorted(cell.source.strip().split("(")[0] for cell in lesson.cells
                  if cell.cell_type == "code" and cell.source.strip().startswith("check_"))


def test_the_config_names_the_course_and_an_exchange_release_assignment_can_write_to(course):
    folder, _ = course
    config = PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()
    assert (config.CourseDirectory.root, config.CourseDirectory.course_id) == (str(folder), "microgpt")
    finish(nbgrader(folder, "release_assignment", HARD, "--force"))
    assert (folder / "exchange" / "microgpt" / "outbound" / HARD / f"{HARD}.ipynb").is_file()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_student_version_is_the_lesson_without_solutions(course, assignment):
    """Every cell is the lesson's own text, but for the checker cells, now read-only test cells that call the
    checker as the lesson does."""
    folder, _ = course
    student = version(folder, "release", assignment)
    lesson = nbformat.read(ROOT / "notebooks" / f"{assignment}.ipynb", as_version=4)
    assert len(student.cells) == len(lesson.cells)
    for mine, theirs in zip(student.cells, lesson.cells):
        assert "SOLUTION" not in mine.source
        if mine.metadata.get("nbgrader", {}).get("grade"):
            assert mine.metadata.nbgrader.locked and theirs.source.strip() in mine.source
        else:
            assert mine.source.rstrip() == theirs.source.rstrip()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_solutions_get_full_marks(course, assignment):
    _, scores = course
    assert scores["solved", assignment] == {name: 1.0 for name in exercises(assignment)}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_untouched_student_version_gets_zero(course, assignment):
    _, scores = course
    assert scores["untouched", assignment] == {name: 0.0 for name in exercises(assignment)}


@pytest.mark.parametrize("student", HARD_CASES)
def test_a_submission_gets_only_the_marks_it_earned(course, student):
    """A wrong answer, a cell that raises or loops loses its exercise only; tampering with the checker gains
    nothing: neither redefining its name nor patching its module (or the Verdict), nor editing the test cells."""
    _, scores = course
    assert scores[student, HARD] == dict(zip(EXERCISES, map(float, HARD_CASES[student][2])))
