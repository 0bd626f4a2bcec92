"""Print pip constraints that hold every dependency in pyproject.toml's extras to its declared lower bound.

    python scripts/lowest_bounds.py > /tmp/lowest-bounds.txt
    PIP_CONSTRAINT=/tmp/lowest-bounds.txt make test    # every test, on the oldest versions the bounds allow

The weekly CI job does this on the oldest Python that pyproject.toml allows (.github/workflows/test.yml), so
the bounds stay true. Every requirement must be `name>=version`: any other form stops the script, so that no
dependency goes unpinned unnoticed.
"""
import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: tomli, the same parser (pytest depends on it there)
    import tomli as tomllib

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
LOWER_BOUND = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)>=([0-9][0-9.]*)")


def normalised(name):
    """The name as pip compares names (PEP 503): PyYAML and pyyaml are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lower_bounds(pyproject=PYPROJECT):
    """{name: lower bound} of every requirement of every extra; ValueError for one that is not `name>=version`
    or for a package given two different bounds."""
    extras = tomllib.loads(Path(pyproject).read_text())["project"]["optional-dependencies"]
    bounds = {}
    for requirement in (r for requirements in extras.values() for r in requirements):
        match = LOWER_BOUND.fullmatch(requirement.replace(" ", ""))
        if match is None:
            raise ValueError(f"{requirement!r} is not of the form name>=version")
        name, version = normalised(match[1]), match[2]
        if bounds.setdefault(name, version) != version:
            raise ValueError(f"{name} has two lower bounds: {bounds[name]} and {version}")
    return bounds


if __name__ == "__main__":
    try:
        print("\n".join(f"{name}=={version}" for name, version in sorted(lower_bounds().items())))
    except ValueError as error:
        sys.exit(f"{PYPROJECT.name}: {error}")
