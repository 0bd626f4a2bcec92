"""The lessons as slides. The offline decks of `make slides` (scripts/make_slides.py): a deck opens from disk,
loads nothing from the network, shows the lesson's title and its formulas typeset, and advances; every slide of
every deck fits a 1280×720 projector. And RISE presents a lesson in a real JupyterLab."""
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from .conftest import ACTION_TIMEOUT, NOTEBOOKS

pytestmark = pytest.mark.browser

ROOT = NOTEBOOKS.parent
PROJECTOR = {"width": 1280, "height": 720}
WITH_FORMULAS = "04_building_blocks"
LOCAL = ("file:", "http://127.0.0.1:")  # the decks on disk, this machine's JupyterLab

# Helpers in the deck's page. typeset(root): MathJax has typeset every formula under root (it typesets a slide's
# formulas again whenever the slide is shown). shown(slide): go to the slide and wait until its formulas are typeset.
HELPERS = """() => {
    window.typeset = root => [...root.querySelectorAll('script[type^="math/tex"]')]
        .every(tex => tex.previousSibling && tex.previousSibling.classList.contains('mjx-chtml'));
    window.shown = async slide => {
        const {h, v} = Reveal.getIndices(slide), deadline = Date.now() + 20000;
        Reveal.slide(h, v);
        if (!slide.querySelector('script[type^="math/tex"]')) return;
        do {
            if (Date.now() > deadline) throw new Error(`MathJax did not typeset slide ${h}/${v}`);
            await new Promise(done => setTimeout(done, 10));
        } while (!typeset(slide));
    };
}"""

# Wait until the deck at `url` (its reveal.js module's URL, as the deck names it) is ready to be measured:
# reveal.js, the fonts, every picture decoded and MathJax's typesetting done. Reveal becomes a global.
OPEN_DECK = """async revealUrl => {
    window.Reveal = await new Promise(done => require([revealUrl], done));
    await new Promise(done => Reveal.isReady() ? done() : Reveal.on('ready', done));
    await Promise.all([...document.images].map(image => image.decode().catch(() => null)));
    await new Promise(done => MathJax.Hub.Queue(done));
    await document.fonts.ready;
}"""

# Visit every slide (reveal.js lays out only those near the present one) and measure it in the deck's own
# pixels: its content must be no taller than the deck's configured height, and nothing may stick out sideways.
MEASURE_SLIDES = """async () => {
    const {width, height} = Reveal.getConfig(), slides = Reveal.getSlides(), overflowing = [];
    let tallest = 0;
    for (const slide of slides) {
        await shown(slide);
        const right = slide.getBoundingClientRect().right;
        const wide = [...slide.querySelectorAll('pre')].filter(pre => pre.scrollWidth > pre.clientWidth + 1).length
            + [...slide.querySelectorAll('img, svg, table')].filter(e => e.getBoundingClientRect().right > right + 1).length;
        tallest = Math.max(tallest, slide.scrollHeight);
        if (slide.scrollHeight > height || wide)
            overflowing.push({...Reveal.getIndices(slide), height: slide.scrollHeight, wide,
                              starts: slide.textContent.trim().slice(0, 60)});
    }
    await new Promise(done => MathJax.Hub.Queue(done));  // what it still loads (e.g. its line breaking) loaded
    return {width, height, scale: Reveal.getScale(), slides: slides.length, tallest, overflowing};
}"""

# Show the first slide with a formula; then count the formulas in the deck's text, those MathJax typeset (and its
# errors), and MathJax's own fonts loaded.
FORMULAS = """async () => {
    await shown(Reveal.getSlides().find(slide => slide.querySelector('script[type^="math/tex"]')));
    await document.fonts.ready;
    return {
        tex: document.querySelectorAll('script[type^="math/tex"]').length,
        typeset: document.querySelectorAll('.MathJax_CHTML').length,
        errors: document.querySelectorAll('.MathJax_CHTML .merror, .MathJax_Error').length,
        fonts: [...document.fonts].filter(font => font.family.startsWith('MJXc-TeX') && font.status === 'loaded').length,
    };
}"""


@pytest.fixture
def requests_off_disk():
    """The URLs the test's page asked for that are not files (all of them aborted but this machine's JupyterLab)."""
    return []


@pytest.fixture
def page(browser, requests_off_disk):
    """Instead of conftest's laptop page: a 1280×720 projector with no network."""
    context = browser.new_context(viewport=PROJECTOR)
    context.set_default_timeout(ACTION_TIMEOUT)
    context.on("request", lambda request: None if request.url.startswith("file:") else requests_off_disk.append(request.url))
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOCAL) else route.abort())
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """`make slides`'s folder, built afresh (from the libraries `make setup` fetched)."""
    folder = tmp_path_factory.mktemp("slides")
    built = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_slides.py"), str(folder)],
                           capture_output=True, text=True)
    if built.returncode:
        pytest.fail(built.stderr)
    return folder


def open_deck(page, deck):
    page.goto(deck.as_uri())
    page.evaluate(OPEN_DECK, re.search(r'"([^"]*/dist/reveal\.js)"', deck.read_text(encoding="utf-8"))[1])
    page.evaluate(HELPERS)


def lesson(name):
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))


def title(notebook):
    """'04 — Building blocks', from the lesson's first line."""
    return "".join(notebook["cells"][0]["source"]).splitlines()[0].removeprefix("# ")


def test_a_deck_opens_from_disk_with_no_network_shows_title_and_formulas_and_advances(page, requests_off_disk, decks):
    failed = []
    page.on("requestfailed", lambda request: failed.append(f"{request.url}: {request.failure}"))
    open_deck(page, decks / f"{WITH_FORMULAS}.slides.html")
    notebook = lesson(WITH_FORMULAS)
    present = page.locator(".reveal .slides > section.present > section.present")
    expect(present.locator("h1")).to_contain_text(title(notebook))
    assert page.evaluate("Reveal.getIndices()") == {"h": 0, "v": 0, "f": None}

    page.keyboard.press("ArrowRight")
    assert page.evaluate("Reveal.getIndices()")["h"] == 1
    # the title cell's next heading (What you will learn) begins the second slide
    heading = re.search(r"^## (.+)$", "".join(notebook["cells"][0]["source"]), re.MULTILINE)[1]
    expect(present.locator("h2")).to_contain_text(heading)
    expect(present).to_be_in_viewport(ratio=1)

    formulas = page.evaluate(FORMULAS)
    assert formulas["tex"] > 0 and formulas["typeset"] == formulas["tex"] and formulas["errors"] == 0, formulas
    assert formulas["fonts"] > 0, formulas  # MathJax's own fonts, from lib/
    expect(present.locator(".MathJax_CHTML").first).to_be_visible()

    assert requests_off_disk == []  # nothing was asked of the network, not even what would have failed harmlessly
    assert failed == []  # and every file the deck asked for is in lib/


def test_every_slide_of_every_deck_fits_a_1280x720_projector(page, requests_off_disk, decks):
    failed = []
    # Opening the next deck aborts what MathJax may still be loading for the last one (ERR_ABORTED, seen under
    # load); a file that is missing fails as ERR_FILE_NOT_FOUND, and the formulas test loads a deck to the end.
    page.on("requestfailed", lambda request: request.failure == "net::ERR_ABORTED" or
            failed.append(f"{request.url}: {request.failure}"))
    paths = sorted(decks.glob("*.slides.html"))
    assert [path.name.split(".")[0] for path in paths] == [path.stem for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))]
    overflowing = {}
    for path in paths:
        open_deck(page, path)
        deck = page.evaluate(MEASURE_SLIDES)
        # reveal.js scales the deck's configured size to the screen: that box must fit the screen...
        assert deck["scale"] * deck["width"] <= PROJECTOR["width"] and deck["scale"] * deck["height"] <= PROJECTOR["height"]
        assert deck["slides"] > 5 and 0 < deck["tallest"]
        # ...and each slide's content that box
        if deck["overflowing"]:
            overflowing[path.name] = deck["overflowing"]
    assert overflowing == {}, "slides taller than the deck or wider than it (see scripts/mark_slides.py's EXCEPTIONS)"
    assert requests_off_disk == [] and failed == []  # no deck needs the network, or misses a file


def test_rise_presents_a_lesson_in_jupyterlab(lab, page, notebooks):
    name = "11_experiments"  # its first cell is taller than the screen
    notebook = lesson(name)
    # the first slide after the title: the first cell marked `slide` (the imports before it are skipped)
    marks = [cell["metadata"]["slideshow"]["slide_type"] for cell in notebook["cells"]]
    second = "".join(notebook["cells"][marks.index("slide", 1)]["source"]).splitlines()[0].removeprefix("## ")
    # ?reset: a fresh workspace, so that no stale RISE preview panel is reopened
    page.goto(f"{lab.url}/rise/{quote(notebooks)}/{name}.ipynb?token={lab.token}&reset")
    present = page.locator(".reveal .slides section.present:not(.stack)")
    expect(present.locator("h1")).to_contain_text(title(notebook))
    # the lesson's rise.scroll: a slide taller than the screen scrolls instead of running off it
    assert present.evaluate("slide => [slide.scrollHeight > slide.clientHeight, getComputedStyle(slide).overflowY]") \
        == [True, "scroll"]
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"#/slide-1-0$"))
    expect(present.locator("h2")).to_contain_text(second)
