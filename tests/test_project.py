"""The project around the package: `make lab`, `make check` and `make test` install what each needs
(Chromium only for `make test`), CI runs the tests, the project's JupyterLab shows no news pop-up, and
nothing of the seed (its code, its names.txt) is copied into the repository. (The install routes agree:
test_environment_files.py.)"""

import hashlib
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from . import seed_runner

from microgpt import data

ROOT = seed_runner.ROOT
SEED_SHA256 = "e3a4282f354b721c60a1bb711e86ad1bf86b380b18397baeb424d3f62d472da9"  # shared/seed/microgpt.py


def test_ci_runs_make_test():
    ci = ROOT / ".ci" / "run"
    commands = [line.strip() for line in ci.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert "make test" in commands
    assert ci.stat().st_mode & 0o111, ".ci/run must be executable"
    assert re.search(r"^test:.*\n(#.*\n)*\tbash scripts/run_tests.sh ", (ROOT / "Makefile").read_text(), re.MULTILINE)


@pytest.mark.parametrize("failing, code", [(None, 0), ("tests/browser", 1), ("--ignore=tests/browser", 1)])
def test_the_test_script_runs_every_test_in_two_parts_and_fails_if_either_fails(tmp_path, failing, code):
    """scripts/run_tests.sh with a stand-in for Python that says what it was asked to run, failing one part."""
    fake = tmp_path / "python"
    fake.write_text(f'#!/bin/sh\necho "ran $*"\n[ "$3" = "{failing}" ] && exit 1\nexit 0\n')
    fake.chmod(0o755)
    result = subprocess.run(["bash", str(ROOT / "scripts" / "run_tests.sh"), str(fake)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == code
    # the two runs together: every test
    assert "ran -m pytest --ignore=tests/browser --ignore=tests/test_classroom.py" in result.stdout
    assert "ran -m pytest tests/browser tests/test_classroom.py -p no:cacheprovider" in result.stdout  # its log


def make_commands(target):
    """What `make TARGET` runs where nothing is installed yet (`make -n -B`: printed, not run)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {name: value for name, value in os.environ.items() if not name.startswith(("MAKE", "MFLAGS"))}
    return subprocess.run(["make", "-n", "-B", target], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout


def test_make_lab_installs_only_what_the_notebooks_need():
    lab = make_commands("lab")
    assert "install_system_deps.sh lab" in lab and "install_system_deps.sh test" not in lab  # no Chromium
    assert '-e ".[notebooks]"' in lab and "test]" not in lab and "classroom" not in lab
    assert "scripts/install_lab_settings.py" in lab
    assert lab.strip().splitlines()[-1].startswith(".venv/bin/jupyter lab notebooks/")


def test_make_test_installs_what_make_lab_does_plus_the_test_and_classroom_extras_and_chromium():
    test = make_commands("test")
    assert "install_system_deps.sh test" in test
    assert '-e ".[notebooks]"' in test and "scripts/install_lab_settings.py" in test
    assert '-e ".[notebooks,test,classroom]"' in test
    assert test.strip().splitlines()[-1] == "bash scripts/run_tests.sh .venv/bin/python"


def test_make_check_runs_the_package_tests_without_notebooks_browser_or_slow_runs():
    check = make_commands("check")
    assert "install_system_deps.sh test" not in check  # no Chromium needed
    last = check.strip().splitlines()[-1]
    assert last == '.venv/bin/python -m pytest tests --ignore=tests/browser -m "not slow"'


def test_make_assignments_writes_the_course_folder_into_build():
    assignments = make_commands("assignments")
    assert '-e ".[notebooks,test,classroom]"' in assignments
    assert assignments.strip().splitlines()[-1] == ".venv/bin/python scripts/make_assignments.py build/classroom"


# The Chromium lookup (scripts/find_chromium.py), shared by the browser tests and make test's install step.
find_chromium = runpy.run_path(str(ROOT / "scripts" / "find_chromium.py"))


def fake_program(folder, name):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("#!/bin/sh\nexit 0\n")
    (folder / name).chmod(0o755)
    return str(folder / name)


def test_chromium_is_found_on_path_or_from_microgpt_chromium(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    chrome = fake_program(first, "google-chrome")
    chromium = fake_program(second, "chromium")
    path = f"{first}{os.pathsep}{second}"
    assert find_chromium["find_chromium"]({"PATH": path}) == chromium  # the names in order, each on all PATH
    assert find_chromium["find_chromium"]({"PATH": str(first)}) == chrome
    mine = fake_program(tmp_path / "elsewhere", "Google Chrome")
    assert find_chromium["find_chromium"]({"PATH": path, "MICROGPT_CHROMIUM": mine}) == mine
    assert find_chromium["find_chromium"]({"PATH": path, "MICROGPT_CHROMIUM": "google-chrome"}) == chrome


def test_no_chromium_says_how_to_point_the_tests_at_one(tmp_path):
    not_found = find_chromium["ChromiumNotFound"]
    with pytest.raises(not_found, match=r"MICROGPT_CHROMIUM=/path/to/chrome make test"):
        find_chromium["find_chromium"]({"PATH": str(tmp_path)})
    with pytest.raises(not_found, match=r"MICROGPT_CHROMIUM=/nowhere/chrome is not"):
        find_chromium["find_chromium"]({"PATH": str(tmp_path), "MICROGPT_CHROMIUM": "/nowhere/chrome"})


def install_system_deps(mode, tmp_path, programs=(), **env):
    """Run scripts/install_system_deps.sh MODE with a PATH holding only `id`, `dirname` and fake PROGRAMS:
    no apt-get, no sudo, no dot or Chromium unless faked."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    for tool in ("id", "dirname"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    for name in programs:
        fake_program(bin_dir, name)
    return subprocess.run([shutil.which("bash"), str(ROOT / "scripts" / "install_system_deps.sh"), mode],
                          env={"PATH": str(bin_dir), "PYTHON": sys.executable, **env},
                          capture_output=True, text=True)


def test_make_lab_without_apt_get_or_dot_goes_on_with_a_one_line_hint(tmp_path):
    result = install_system_deps("lab", tmp_path)
    assert result.returncode == 0
    assert result.stderr.startswith("Hint: Graphviz's dot is not installed")
    assert result.stderr.count("\n") == 1


def test_make_test_without_chromium_stops_and_says_how_to_point_at_one(tmp_path):
    result = install_system_deps("test", tmp_path, programs=["dot"])
    assert result.returncode == 1
    assert "MICROGPT_CHROMIUM=/path/to/chrome make test" in result.stderr
    chrome = fake_program(tmp_path / "elsewhere", "chrome")
    again = install_system_deps("test", tmp_path / "again", programs=["dot"], MICROGPT_CHROMIUM=chrome)
    assert again.returncode == 0, again.stderr


# JupyterLab's news check is off in the project's environment: no news pop-up over the widgets.
LAB_SETTINGS = ROOT / "scripts" / "lab_settings_overrides.json"
NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def test_the_lab_settings_override_turns_the_news_check_off():
    assert json.loads(LAB_SETTINGS.read_text()) == {NOTIFICATION: {"fetchNews": "false"}}
    pytest.importorskip("jupyterlab")
    from jupyterlab.commands import get_app_dir
    schema = json.loads((Path(get_app_dir()) / "schemas" / "@jupyterlab" / "apputils-extension" /
                         "notification.json").read_text())
    fetch_news = schema["properties"]["fetchNews"]  # its values: titled (oneOf) or, in JupyterLab 4.2.0, an enum
    assert {"const": "false", "title": "Never"} in fetch_news.get("oneOf", []) or "false" in fetch_news.get("enum", [])


def test_the_lab_settings_override_is_installed_in_this_environment():
    pytest.importorskip("jupyterlab")
    installed = runpy.run_path(str(ROOT / "scripts" / "install_lab_settings.py"))["target"]()
    assert installed.is_file(), "not installed: run `python scripts/install_lab_settings.py`"
    assert json.loads(installed.read_text()) == json.loads(LAB_SETTINGS.read_text())


@pytest.mark.slow
def test_jupyterlab_of_this_environment_reports_the_news_check_off(tmp_path, monkeypatch):
    """A real `jupyter lab`, with an empty user settings folder (the browser tests write their own). The
    server applies the overrides to the setting's schema default; the page uses that default."""
    pytest.importorskip("jupyterlab")
    from .browser import lab_server
    monkeypatch.setattr(lab_server, "SETTINGS", {})
    (tmp_path / "root").mkdir()
    (tmp_path / "state").mkdir()
    with lab_server.LabServer(tmp_path / "root", tmp_path / "state") as server:
        url = f"{server.url}/lab/api/settings/{NOTIFICATION}?token={server.token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            setting = json.loads(response.read())
    assert setting["settings"] == {}  # nothing from a user settings file
    assert setting["schema"]["properties"]["fetchNews"]["default"] == "false"  # JupyterLab's own is "none"


def project_files():
    """Every file of the project: tracked, or new and not ignored."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    return [ROOT / name for name in listed if name and (ROOT / name).is_file()]


def test_no_file_is_the_seed_or_its_names_txt():
    forbidden = {SEED_SHA256: "the seed", data.SEED_NAMES_SHA256: "the seed's names.txt"}
    for path in project_files():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest not in forbidden, f"{path} is {forbidden[digest]}"



@seed_runner.needs_shared
def test_the_recorded_hashes_are_the_seed_files():
    assert hashlib.sha256(seed_runner.SEED.read_bytes()).hexdigest() == SEED_SHA256
    assert hashlib.sha256(seed_runner.SEED_NAMES.read_bytes()).hexdigest() == data.SEED_NAMES_SHA256


def seed_fingerprints():
    """Text only a copy of the seed would contain: its comments, its long code lines, and runs of
    consecutive lines of its names.txt. (Short lines such as `def __radd__(self, other): return
    self + other` are the same in any faithful version, and the docstring is quotable prose.)"""
    prints = set()
    for line in seed_runner.SEED.read_text().splitlines():
        code, _, comment = line.partition("#")
        if len(comment.strip()) >= 20:
            prints.add(comment.strip())
        if len(code.strip()) >= 60:
            prints.add(code.strip())
    names = seed_runner.SEED_NAMES.read_text().splitlines()
    prints |= {"\n".join(names[i:i + 8]) for i in range(0, len(names) - 8, len(names) // 50)}
    return prints


@seed_runner.needs_shared
def test_no_file_contains_the_seed_code_or_names():
    prints = seed_fingerprints()
    assert len(prints) > 50
    for path in project_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary files (images) cannot hold the seed's text
        for fingerprint in prints:
            assert fingerprint not in text, f"{path.relative_to(ROOT)} contains the seed's {fingerprint[:60]!r}"


def test_core_package_uses_only_the_standard_library():
    third_party = {"numpy", "matplotlib", "graphviz", "ipywidgets", "IPython", "pytest"}
    # the visual tools, the numpy engine and notebook 10's numpy exercise may import them
    optional = {"viz", "engines/numpy_engine.py", "exercises/efficiency.py"}
    for path in (ROOT / "microgpt").rglob("*.py"):
        relative = path.relative_to(ROOT / "microgpt").as_posix()
        if relative.split("/")[0] in optional or relative in optional:
            continue
        imports = re.findall(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", path.read_text(), re.MULTILINE)
        assert not set(imports) & third_party, f"microgpt/{relative} imports {set(imports) & third_party}"
