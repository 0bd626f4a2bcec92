"""Turn every notebook's exercises into an nbgrader assignment, in a course folder nbgrader reads.

    python scripts/make_assignments.py                 # into build/classroom
    python scripts/make_assignments.py COURSE_FOLDER

Writes COURSE_FOLDER/nbgrader_config.py and, per lesson, COURSE_FOLDER/source/NN_name/NN_name.ipynb: the lesson
as it is, but for its exercises. Each exercise is a stub cell (the learner's code) followed by a checker cell
`check_x(...)`. The stub cell becomes an nbgrader solution cell: the stub, then the model answer between
nbgrader's solution markers, so the student's version (`nbgrader generate_assignment`) shows the stub as the
lesson does. The model answer is found in notebooks/solutions/ by the identical checker cell: the code cells
before it (after the checker cell before it) that define what the stub defines. The checker cell becomes a
read-only test cell worth one point, asserting the verdict of a freshly reloaded checker.
"""

import ast
import pathlib
import re
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CHECK_CELL = re.compile(r"(check_\w+)\(.*\)")  # the one line that calls a checker
POINTS = 1  # per exercise

CONFIG = '''\
# nbgrader's settings for this course, written by microgpt's scripts/make_assignments.py.
import os

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "microgpt"
# Time limits per cell when grading, in seconds: the student's answers and the checks on them (a loop loses
# its exercise only), and the lesson's own cells (notebook 08 trains for ~10 s).
GRADED, LESSON = 10, 120
c.Execute.timeout_func = lambda cell: GRADED if "nbgrader" in cell.metadata else LESSON
# The student's version keeps the lesson's stub: nothing replaces the model answer.
c.ClearSolutions.code_stub = {"python": ""}
# Where release_assignment and collect meet the students. On a JupyterHub, the hub's shared exchange
# (nbgrader's default, /srv/nbgrader/exchange); here, a folder of the course, for one machine.
c.Exchange.root = os.path.join(c.CourseDirectory.root, "exchange")
'''


def statements(source):
    """The top-level statements of a code cell, its IPython magics (`%...`, `!...`) left out."""
    return ast.parse("\n".join("" if line.lstrip().startswith(("%", "!")) else line
                               for line in source.splitlines())).body


def defined_names(source):
    """The names a code cell binds at the top level: its functions, classes and assigned variables."""
    names = set()
    for node in statements(source):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def checker_modules(cells):
    """{checker name: the module the notebook imports it from}."""
    return {alias.name: node.module for cell in cells if cell.cell_type == "code"
            for node in statements(cell.source)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("microgpt.exercises.")
            for alias in node.names}


def is_check(cell):
    return cell.cell_type == "code" and CHECK_CELL.fullmatch(cell.source.strip())


def model_answer(solutions, check, stub, where):
    """The code of `solutions` that answers the exercise whose checker cell is `check`, for this `stub`."""
    found = [i for i, cell in enumerate(solutions.cells) if is_check(cell) and cell.source.strip() == check.strip()]
    if len(found) != 1:
        sys.exit(f"{where}: {check.strip()!r} is in the solutions {len(found)} times, not once")
    start = max((i for i, cell in enumerate(solutions.cells[:found[0]]) if is_check(cell)), default=0)
    wanted = defined_names(stub)
    answer = [cell.source for cell in solutions.cells[start:found[0]]
              if cell.cell_type == "code" and defined_names(cell.source) & wanted]
    missing = wanted - set().union(*map(defined_names, answer))
    if missing:
        sys.exit(f"{where}: the solutions define no {', '.join(sorted(missing))} before {check.strip()!r}")
    return "\n\n".join(answer)


def as_solution_cell(cell, answer, grade_id):
    cell.source = f"{cell.source}\n### BEGIN SOLUTION\n{answer}\n### END SOLUTION"
    cell.outputs, cell.execution_count = [], None
    cell.metadata.nbgrader = {"grade": False, "solution": True, "locked": False, "grade_id": grade_id,
                              "schema_version": 3}


def as_test_cell(cell, module, checker):
    call = cell.source.strip()
    cell.source = f"""\
# Graded, by a fresh copy of the checker: redefining its name or patching its module above changes nothing.
import importlib

import microgpt.exercises.verdict
import {module}

importlib.reload(microgpt.exercises.verdict)  # first what the checkers are built on
importlib.reload({module})
from {module} import {checker}

_verdict = {call}
print(_verdict)
assert _verdict"""
    cell.outputs, cell.execution_count = [], None
    cell.metadata.nbgrader = {"grade": True, "solution": False, "locked": True, "points": POINTS,
                              "grade_id": checker, "schema_version": 3}


def assignment(lesson_path):
    """The lesson at `lesson_path`, its exercises made nbgrader solution and test cells."""
    lesson = nbformat.read(lesson_path, as_version=4)
    solutions = nbformat.read(NOTEBOOKS / "solutions" / f"{lesson_path.stem}_solutions.ipynb", as_version=4)
    modules = checker_modules(lesson.cells)
    checks = [i for i, cell in enumerate(lesson.cells) if is_check(cell)]
    if not checks:
        sys.exit(f"{lesson_path.name}: no exercises (cells `check_...(...)`) found")
    for i in checks:
        check, stub = lesson.cells[i], lesson.cells[i - 1]
        checker = CHECK_CELL.fullmatch(check.source.strip()).group(1)
        where = f"{lesson_path.name}, {checker}"
        if stub.cell_type != "code" or is_check(stub):
            sys.exit(f"{where}: the cell before a checker's should be the learner's code")
        if checker not in modules:
            sys.exit(f"{where}: the notebook does not import it from microgpt.exercises")
        as_solution_cell(stub, model_answer(solutions, check.source, stub.source, where), f"answer_{checker}")
        as_test_cell(check, modules[checker], checker)
    return lesson


def main(argv):
    if len(argv) > 1:
        sys.exit(__doc__)
    course = pathlib.Path(argv[0] if argv else ROOT / "build" / "classroom")
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG)
    for lesson_path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        folder = course / "source" / lesson_path.stem
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(assignment(lesson_path), folder / lesson_path.name)
        print(folder / lesson_path.name)


if __name__ == "__main__":
    main(sys.argv[1:])
