"""The project around the package: the two install routes agree, CI runs the tests, and nothing of
the seed (its code, its names.txt) is copied into the repository."""

import hashlib
import re
import subprocess
import tomllib

import pytest
import seed_runner

from microgpt import data

ROOT = seed_runner.ROOT
SEED_SHA256 = "e3a4282f354b721c60a1bb711e86ad1bf86b380b18397baeb424d3f62d472da9"  # shared/seed/microgpt.py

# pip name -> conda-forge name, where they differ
CONDA_NAME = {"graphviz": "python-graphviz"}
# in environment.yml but not a pip dependency: the interpreter, pip itself, and Graphviz's `dot` binary
CONDA_ONLY = {"python", "pip", "graphviz"}


def split_requirement(text):
    name, spec = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", text).groups()
    return name.lower(), spec.replace(" ", "")


def pip_dependencies():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    return dict(split_requirement(r) for r in extras["notebooks"] + extras["test"])


def conda_dependencies():
    """The top-level entries of environment.yml's `dependencies:` list (not the nested `pip:` list)."""
    deps, inside = {}, False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"^\S", line):
            inside = line.startswith("dependencies:")
        elif inside and (m := re.match(r"^  - ([^:#]+?)\s*(#.*)?$", line)):
            name, spec = split_requirement(m.group(1))
            deps[name] = spec
    return deps


def test_pyproject_extras_and_environment_yml_name_the_same_dependencies():
    pip, conda = pip_dependencies(), conda_dependencies()
    assert "jupyterlab" in pip and "pytest" in pip  # the parsing found the lists
    assert {CONDA_NAME.get(name, name): spec for name, spec in pip.items()} == \
        {name: spec for name, spec in conda.items() if name not in CONDA_ONLY}
    assert CONDA_ONLY <= set(conda)


def test_environment_yml_installs_the_package_itself():
    assert re.search(r"^\s+- pip:\n\s+- -e \.$", (ROOT / "environment.yml").read_text(), re.MULTILINE)


def test_ci_runs_make_test():
    ci = ROOT / ".ci" / "run"
    commands = [line.strip() for line in ci.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert "make test" in commands
    assert ci.stat().st_mode & 0o111, ".ci/run must be executable"
    assert re.search(r"^test:.*\n\t.*pytest", (ROOT / "Makefile").read_text(), re.MULTILINE)


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


needs_seed = pytest.mark.skipif(not seed_runner.SHARED_FOUND, reason=seed_runner.SHARED_MISSING)


@needs_seed
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


@needs_seed
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
    optional = {"viz", "engines/numpy_engine.py"}  # the visual tools and the numpy engine may import them
    for path in (ROOT / "microgpt").rglob("*.py"):
        relative = path.relative_to(ROOT / "microgpt").as_posix()
        if relative.split("/")[0] in optional or relative in optional:
            continue
        imports = re.findall(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", path.read_text(), re.MULTILINE)
        assert not set(imports) & third_party, f"microgpt/{relative} imports {set(imports) & third_party}"
