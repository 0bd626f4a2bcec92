"""Re-execute notebooks in place, each in a fresh kernel, then normalise them for committing.

    python scripts/execute_notebooks.py                      # every notebook and solution
    python scripts/execute_notebooks.py notebooks/01_*.ipynb  # only these
    python scripts/execute_notebooks.py --verify             # only check they are normalised

Each notebook runs top to bottom in its own fresh `python3` kernel (this environment's), with its
folder as the working directory, so the stored outputs are what a learner sees after "Run All".
Then nbstripout removes what changes from run to run (widget state, timing metadata, cell ids,
the Python patch version) while keeping outputs and execution counts, which nbval compares.
"""

import os
import pathlib
import subprocess
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT = 600  # seconds; a stuck cell fails the run instead of hanging it
NBSTRIPOUT = [sys.executable, "-m", "nbstripout", "--keep-output", "--keep-count",
              "--extra-keys", "metadata.language_info.version"]


def all_notebooks():
    return sorted(NOTEBOOKS.glob("*.ipynb")) + sorted((NOTEBOOKS / "solutions").glob("*.ipynb"))


def execute(path):
    """Run the notebook at `path` in a fresh kernel; return it executed and the seconds it took.

    Raises nbclient's CellExecutionError, naming the cell, if a cell fails.
    """
    path = pathlib.Path(path)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, kernel_name="python3", timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return notebook, time.perf_counter() - start


def normalise(paths):
    subprocess.run(NBSTRIPOUT + [str(p) for p in paths], check=True)


def main(argv):
    if argv == ["--verify"]:  # exit code 1, naming the files, if nbstripout would change any notebook
        sys.exit(subprocess.run(NBSTRIPOUT + ["--verify"] + [str(p) for p in all_notebooks()]).returncode)
    paths = [pathlib.Path(p) for p in argv] or all_notebooks()
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        sys.exit(f"no such notebook: {', '.join(missing)}")
    for path in paths:
        notebook, seconds = execute(path)
        nbformat.write(notebook, path)
        print(f"{seconds:6.1f} s  {os.path.relpath(path)}", flush=True)
    normalise(paths)


if __name__ == "__main__":
    main(sys.argv[1:])
