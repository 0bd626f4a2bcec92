"""The README's pictures: scripts/render_readme_pictures.py draws each from the package (with dot and
Chromium, so it lives with the browser tests), the same bytes every time, and the README shows what
docs/images holds."""
import re
import subprocess
import sys

import pytest
from PIL import Image

from ..seed_runner import ROOT

SCRIPT = ROOT / "scripts" / "render_readme_pictures.py"
IMAGES = ROOT / "docs" / "images"
# What the README's "What the course shows" promises: one picture per tool the course shows.
PICTURES = {"computation_graph.png", "attention_heads.png", "gradient_inspector.png", "loss_curve.png",
            "sampling_explorer.png"}
MAX_BYTES = 150 * 1024  # the README's front window loads fast
MIN_PIXELS, MAX_PIXELS = 400, 4000  # per side: twice the CSS pixels of a view that fits a notebook
LINK = re.compile(r"docs/images/([\w.-]+)")

pytestmark = pytest.mark.browser


def render(folder):
    run = subprocess.run([sys.executable, str(SCRIPT), str(folder)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pictures")
    render(folder)
    return folder


def test_every_picture_is_a_small_png_with_something_drawn(rendered):
    assert {path.name for path in rendered.iterdir()} == PICTURES
    for path in sorted(rendered.iterdir()):
        with Image.open(path) as image:
            assert image.format == "PNG", path.name
            pixels = image.convert("RGB")  # decodes every row: a truncated file fails here
            opaque = image.convert("RGBA").getextrema()[3][0] == 255  # readable on GitHub's dark theme too
        assert opaque, path.name
        assert MIN_PIXELS <= min(pixels.size) and max(pixels.size) <= MAX_PIXELS, (path.name, pixels.size)
        assert path.stat().st_size < MAX_BYTES, (path.name, path.stat().st_size)
        colours = pixels.getcolors(maxcolors=pixels.width * pixels.height)
        background = max(colours)[0] / (pixels.width * pixels.height)
        assert len(colours) > 16 and background < 0.95, (path.name, len(colours), background)  # not blank


def test_the_same_package_gives_the_same_pictures(rendered, tmp_path):
    render(tmp_path)
    for name in sorted(PICTURES):
        assert (tmp_path / name).read_bytes() == (rendered / name).read_bytes(), name


def test_a_file_is_no_folder_to_render_into(tmp_path):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("")
    run = subprocess.run([sys.executable, str(SCRIPT), str(not_a_folder)], capture_output=True, text=True)
    assert run.returncode == 2
    assert "is a file, not a folder" in run.stderr.splitlines()[-1]
    assert not_a_folder.read_text() == ""


def test_the_readme_shows_each_picture_and_each_picture_it_links_exists():
    linked = set(LINK.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    assert PICTURES <= linked, PICTURES - linked
    missing = sorted(name for name in linked if not (IMAGES / name).is_file())
    assert not missing, f"the README links {missing}, not in docs/images: run make pictures"
