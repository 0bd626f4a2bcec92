"""The offline decks' making, without a browser or the network: the libraries are pinned to what nbconvert's slides
load and kept only when their tarball matches its pinned sha512 (scripts/fetch_js_packages.py); the deck builder
cuts markdown at its headings and, without the libraries, says what to run (scripts/make_slides.py); and the
Makefile's slides, teach and setup. (The decks in a browser: tests/browser/test_slides.py.)"""

import base64
import hashlib
import io
import re
import tarfile
import urllib.request

import nbformat
import pytest
from nbconvert import HTMLExporter, SlidesExporter

from .test_project import make_commands
from .test_slide_marks import script

fetch_js_packages = script("fetch_js_packages")
make_slides = script("make_slides")


def tarball(files):
    """A gzipped tarball holding `files` ({path in the tarball: bytes}), as npm packs a package."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as tar:
        for name, content in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))
    return data.getvalue()


def integrity(data):
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


@pytest.fixture
def demo(tmp_path, monkeypatch):
    """A library `demo` pinned to a tarball made here, and an empty cache in tmp_path; the tarball's bytes."""
    data = tarball({"package/LICENSE": b"MIT", "package/dist/demo.js": b"var demo;", "package/dist/demo.css": b"",
                    "package/README.md": b"", "package/../outside.js": b"", "other/dist/demo.js": b""})
    monkeypatch.setattr(fetch_js_packages, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(fetch_js_packages, "PACKAGES", {"demo": ("1.0.0", integrity(data), ["LICENSE", "dist/*.js"])})
    return data


def test_the_pins_are_the_versions_nbconvert_loads():
    libraries = fetch_js_packages.PACKAGES
    assert SlidesExporter().reveal_url_prefix.endswith("@" + libraries["reveal.js"][0])
    assert f"/{libraries['requirejs'][0]}/" in HTMLExporter().require_js_url
    assert f"/{libraries['mathjax'][0]}/" in HTMLExporter().mathjax_url
    assert all(re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", pin) for _, pin, _ in libraries.values())


def test_a_library_is_fetched_once_keeping_only_its_listed_files(demo, monkeypatch):
    asked = []
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: asked.append(url) or io.BytesIO(demo))
    assert fetch_js_packages.missing() == ["demo"]
    fetch_js_packages.main()
    fetch_js_packages.main()  # cached: not asked again
    assert asked == ["https://registry.npmjs.org/demo/-/demo-1.0.0.tgz"]
    folder = fetch_js_packages.folder("demo")
    kept = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
    assert kept == [".npm-package", "LICENSE", "dist/demo.js"]  # nothing outside package/, nor unlisted
    assert fetch_js_packages.missing() == []


def test_a_tarball_that_does_not_match_its_pin_is_refused_and_nothing_written(demo, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: io.BytesIO(demo + b"tampered"))
    with pytest.raises(fetch_js_packages.IntegrityError, match="not the pinned"):
        fetch_js_packages.fetch("demo")
    assert not fetch_js_packages.folder("demo").exists()
    assert fetch_js_packages.missing() == ["demo"]


def test_a_listed_file_the_tarball_lacks_is_an_error(demo, monkeypatch):
    version, pin, files = fetch_js_packages.PACKAGES["demo"]
    monkeypatch.setitem(fetch_js_packages.PACKAGES, "demo", (version, pin, files + ["dist/missing.js"]))
    with pytest.raises(FileNotFoundError, match="dist/missing.js"):
        fetch_js_packages.unpack("demo", demo)
    assert fetch_js_packages.missing() == ["demo"]


def test_without_the_libraries_the_deck_builder_says_what_to_run_and_writes_no_deck(tmp_path, monkeypatch):
    monkeypatch.setattr(fetch_js_packages, "CACHE", tmp_path / "no cache")
    with pytest.raises(SystemExit) as stopped:
        make_slides.main([str(tmp_path / "slides")])
    assert "scripts/fetch_js_packages.py" in str(stopped.value) and "make slides" in str(stopped.value)
    assert not list(tmp_path.glob("slides/*.html"))


def test_markdown_is_cut_at_its_headings_each_part_marked_as_a_heading_cell(tmp_path):
    def marked(source, mark):
        cell = nbformat.v4.new_markdown_cell(source)
        cell.metadata["slideshow"] = {"slide_type": mark}
        return cell
    notebook = nbformat.v4.new_notebook(cells=[
        marked("Closing words.\n\n## 2. Next section\nIts text.\n### A part\n```\n## not a heading: fenced\n```\n", "-"),
        marked("## Exercises\n### Exercise 1\n", "skip"),
    ])
    cut = make_slides.cut_at_headings(notebook)
    assert [(cell.source, cell.metadata["slideshow"]["slide_type"]) for cell in cut.cells] == [
        ("Closing words.\n\n", "-"),
        ("## 2. Next section\nIts text.\n", "slide"),
        ("### A part\n```\n## not a heading: fenced\n```\n", "subslide"),
        ("## Exercises\n", "skip"),
        ("### Exercise 1\n", "skip"),
    ]
    assert len(notebook.cells) == 2  # the notebook itself is untouched


def test_make_slides_fetches_the_libraries_then_builds_into_build_slides():
    slides = make_commands("slides").strip().splitlines()
    assert slides[-2:] == [".venv/bin/python scripts/fetch_js_packages.py",
                           ".venv/bin/python scripts/make_slides.py build/slides"]
    assert ".venv/bin/python scripts/fetch_js_packages.py" in make_commands("setup")  # fetched once, at setup


def test_make_teach_opens_the_notebooks_with_rise_and_nbgrader_and_make_lab_without():
    teach = make_commands("teach")
    assert '-e ".[notebooks,classroom]"' in teach and "test]" not in teach
    assert teach.strip().splitlines()[-1].startswith(".venv/bin/jupyter lab notebooks/")
    assert "classroom" not in make_commands("lab")
