"""The install routes name the same packages with the same bounds: every extra of pyproject.toml (pip, `make`),
environment.yml (conda) and any Binder file (Binder reads binder/ or .binder/ when there is one, else the root).
A file may install only some extras: it says which in a line `# pyproject.toml extras: notebooks, ...`
(binder/environment.yml: the notebooks' extra alone, for a quick build); without that line, every extra."""

import os
import re
import runpy
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
lowest_bounds = runpy.run_path(str(ROOT / "scripts" / "lowest_bounds.py"))

# conda-forge name -> PyPI name, where they differ
PYPI_NAME = {"python-graphviz": "graphviz"}
# conda packages that are no pip dependency: the interpreter, pip itself, and Graphviz's `dot` binary
CONDA_ONLY = {"python", "pip", "graphviz"}
REQUIREMENT = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)")


def requirements(lines):
    """{PyPI name: version spec} of lines such as 'numpy>=1.24' or conda's 'numpy >=1.24'; each name once."""
    found = {}
    for line in lines:
        name, spec = REQUIREMENT.fullmatch(line.strip()).groups()
        name = lowest_bounds["normalised"](PYPI_NAME.get(name, name))
        assert name not in found, f"{name} is named twice"
        found[name] = spec.replace(" ", "")
    return found


def conda_entries(path):
    """environment.yml's conda packages (a list) and its `pip:` list."""
    dependencies = yaml.safe_load(path.read_text())["dependencies"]
    pip = [entry["pip"] for entry in dependencies if isinstance(entry, dict)]
    return [entry for entry in dependencies if isinstance(entry, str)], pip[0] if pip else []


def conda_requirements(path):
    """What an environment.yml installs from pyproject's extras: its conda packages (but the conda-only ones)
    and what its `pip:` list installs, but the package itself."""
    conda, pip = conda_entries(path)
    return requirements([entry for entry in conda if REQUIREMENT.fullmatch(entry)[1] not in CONDA_ONLY] +
                        [entry for entry in pip if entry != "-e ."])


def pip_requirements(path):
    """A requirements.txt's requirements (not its options, such as `-e .`, nor comments)."""
    lines = (line.partition("#")[0].strip() for line in path.read_text().splitlines())
    return requirements(line for line in lines if line and not line.startswith(("-", ".")))


READERS = {"environment.yml": conda_requirements, "requirements.txt": pip_requirements}
FILES = [ROOT / folder / name for folder in ("", "binder", ".binder") for name in READERS
         if (ROOT / folder / name).is_file()]
BINDER_FOLDERS = [ROOT / folder for folder in ("binder", ".binder") if (ROOT / folder).is_dir()]
CLAIM = re.compile(r"^# pyproject\.toml extras: (.+)$", re.MULTILINE)


def extras():
    """pyproject.toml's extras: {name: [requirement]}."""
    return lowest_bounds["tomllib"].loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]


def claimed_requirements(path):
    """{PyPI name: version spec} of the extras the file claims, or of every extra if it claims none."""
    claim = CLAIM.search(path.read_text())
    names = [name.strip() for name in claim[1].split(",")] if claim else list(extras())
    assert set(names) <= set(extras()), f"{path.name} claims extras that pyproject.toml does not have: {names}"
    return requirements(dict.fromkeys(r for name in names for r in extras()[name]))


def test_the_extras_are_read_with_their_bounds():
    every = {name: f">={version}" for name, version in lowest_bounds["lower_bounds"]().items()}
    assert {"jupyterlab", "pytest"} <= set(every)
    assert claimed_requirements(ROOT / "pyproject.toml") == every  # no claim: every extra


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_environment_file_names_the_extras_it_claims_with_the_same_bounds(path):
    assert READERS[path.name](path) == claimed_requirements(path)


def test_environment_yml_installs_the_package_itself_python_and_graphviz():
    conda, pip = conda_entries(ROOT / "environment.yml")
    assert "-e ." in pip
    assert CONDA_ONLY <= {REQUIREMENT.fullmatch(entry)[1] for entry in conda}


@pytest.mark.parametrize("folder", BINDER_FOLDERS, ids=lambda folder: folder.name)
def test_binder_gets_what_make_lab_does_python_graphviz_the_notebooks_extra_the_package_and_lab_settings(folder):
    assert len(BINDER_FOLDERS) == 1, "repo2docker refuses a repository with both binder/ and .binder/"
    conda, pip = conda_entries(folder / "environment.yml")
    python = [entry for entry in conda if REQUIREMENT.fullmatch(entry)[1] == "python"]
    assert python == [e for e in conda_entries(ROOT / "environment.yml")[0] if REQUIREMENT.fullmatch(e)[1] == "python"]
    assert "graphviz" in conda and not pip
    assert CLAIM.search((folder / "environment.yml").read_text())[1] == "notebooks"  # not the test tools
    post_build = folder / "postBuild"
    assert os.access(post_build, os.X_OK)
    commands = [line for line in post_build.read_text().splitlines() if line and not line.startswith("#")]
    assert "python -m pip install --no-deps --no-cache-dir ." in commands  # the package; its dependencies are the yml's
    assert "python scripts/install_lab_settings.py" in commands
