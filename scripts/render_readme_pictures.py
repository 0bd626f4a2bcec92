"""Render the README's pictures from the package: what the course shows, as PNGs.

    python scripts/render_readme_pictures.py            # into docs/images/ (what `make pictures` runs)
    python scripts/render_readme_pictures.py FOLDER     # anywhere else

Each picture is drawn by the package's own view function, from the shipped checkpoint, as the notebooks draw
it: the computation graph (notebook 03) with Graphviz's dot, the loss curve (08) with matplotlib, and the
attention heatmaps (06), the gradient inspector (07) and the sampling explorer (09) as their HTML in
headless Chromium, found and launched as the browser tests do. Fixed inputs and seeds: the same package,
dot and Chromium give the same bytes.
"""

import argparse
import math
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
from PIL import Image  # Pillow comes with matplotlib
from playwright.sync_api import sync_playwright

import microgpt
from microgpt import bigram
from microgpt.viz.attention import ALL_HEADS, attention_html, read_attention
from microgpt.viz.gradients import gradient_html, gradient_map, inspect_expression, read_gradients
from microgpt.viz.graph import to_dot
from microgpt.viz.sampling import sampling_html, sampling_walk
from microgpt.viz.training import plot_loss_history

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for the browser tests' Chromium lookup and launch arguments
from tests.browser.conftest import CHROMIUM_ARGS, find_chromium  # noqa: E402

IMAGES = ROOT / "docs" / "images"
# Twice the pixels of the size shown, sharp on high-density screens: the HTML views and the graph at the size a
# notebook shows them (Jupyter shows dot's SVG at 96 px per inch); the 8-inch loss figure at the README's ~630 px,
# where it reads well and its PNG stays under 150 KB. Every PNG as its tool writes it: lossless.
SCALE = 2  # device pixels per CSS pixel
DOT_DPI = 96 * SCALE
PLOT_DPI = 80 * SCALE
# An HTML view as a notebook's output area shows it: JupyterLab's font on white, cut to the view's width.
PAGE = """<!DOCTYPE html><html><body style="margin:0;background:#fff;color:#000;
font:13px system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">
<div id="picture" style="display:inline-block;width:min-content;padding:12px">{}</div></body></html>"""


def computation_graph(path):
    """Notebook 03's gradient inspector as it opens: L = sigmoid(a*b + c) after backward(), each Value's data
    and grad, drawn as the inspector draws it (top to bottom, each operation in its result's box)."""
    source = to_dot(inspect_expression(1.0, 0.5, -0.2), rankdir="TB", op_nodes=False)
    dot = subprocess.run(["dot", "-Tpng", f"-Gdpi={DOT_DPI}", "-Gpad=0.15", "-Gbgcolor=white"],
                         input=source.encode(), capture_output=True, check=True)
    path.write_bytes(dot.stdout)


def loss_curve(checkpoint, path):
    """The shipped run's 1000 losses and their average (notebook 08's run), against notebook 02's counting
    baseline and uniform guessing."""
    names, tokenizer = microgpt.load_names(), checkpoint.tokenizer
    counted = bigram.bigram_probs(bigram.count_bigrams(names, tokenizer))
    baselines = {"counting baseline (notebook 02)": bigram.mean_nll(counted, names, tokenizer),
                 "uniform guessing": math.log(tokenizer.vocab_size)}
    figure = plot_loss_history(checkpoint.history, baselines, window=100)
    figure.savefig(path, dpi=PLOT_DPI, bbox_inches="tight",  # cropped, as Jupyter shows it
                   metadata={"Software": None})  # no version stamp: an upgrade alone changes no byte


def html_views(checkpoint):
    """{picture: HTML} of three widgets' views, as the notebooks show them: every head on a name, two names'
    gradients side by side, and a name drawn at temperature 0.5 with seed 42 after "whole name"."""
    model = microgpt.make_model(checkpoint.config, checkpoint.weights, engine="fast")
    tokenizer = checkpoint.tokenizer
    walk = sampling_walk(model, tokenizer, temperature=0.5, seed=42)
    return {
        "attention_heads": attention_html(read_attention(model, tokenizer, "isabella"), 0, ALL_HEADS),
        "gradient_inspector": gradient_html([gradient_map(read_gradients(model, tokenizer, name), "lm_head")
                                             for name in ("emma", "ava")]),
        "sampling_explorer": sampling_html(walk, len(walk.steps)),
    }


def screenshot(views, folder, chromium):
    """Each view's HTML in headless Chromium, the picture cut to the view."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800}, device_scale_factor=SCALE)
            for name, html in views.items():
                page.set_content(PAGE.format(html))
                page.locator("#picture").screenshot(path=folder / f"{name}.png", animations="disabled")
        finally:
            browser.close()


def render(folder):
    """Write the five pictures into `folder`, and say what each is: its path, pixels and bytes."""
    if shutil.which("dot") is None:
        sys.exit("Graphviz's dot is not installed: `make setup` installs it (or apt-get/brew install graphviz)")
    try:
        chromium = find_chromium.find_chromium()
    except find_chromium.ChromiumNotFound as error:
        sys.exit(str(error))
    matplotlib.use("Agg")  # files only, whatever the machine's display
    folder.mkdir(parents=True, exist_ok=True)
    checkpoint = microgpt.load_shipped()
    computation_graph(folder / "computation_graph.png")
    loss_curve(checkpoint, folder / "loss_curve.png")
    screenshot(html_views(checkpoint), folder, chromium)
    for name in ("computation_graph", "attention_heads", "gradient_inspector", "loss_curve", "sampling_explorer"):
        path = folder / f"{name}.png"
        with Image.open(path) as png:
            width, height = png.size
        print(f"{path}: {width} x {height} px, {path.stat().st_size / 1024:.0f} KB")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=IMAGES, help="where to write (default: docs/images)")
    folder = parser.parse_args(argv).folder
    if folder.exists() and not folder.is_dir():
        parser.error(f"{folder} is a file, not a folder to write the pictures into")
    render(folder)


if __name__ == "__main__":
    main()
