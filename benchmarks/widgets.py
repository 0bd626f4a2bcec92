"""How long a widget takes to answer, in a real JupyterLab in Chromium: from the key press or selection to
the changed picture in the page.

    python -m benchmarks.widgets                        # every widget, 10 updates of each kind
    python -m benchmarks.widgets --updates 20 --widget attention

Each widget gets a scratch notebook holding the one cell that shows it, opened and run in a private
JupyterLab (tests/browser's LabServer) in headless Chromium at 1300x900, as the browser tests do. Each
update is timed inside the page: from the first input event (keydown, mousedown or change) to the first
frame drawn after the picture changed (a MutationObserver on the picture, then requestAnimationFrame). It
prints the median and the maximum per kind of update: figures only, never a pass/fail test (the course
asks for at most 100 ms per update on a 2-core machine).

To add a widget (notebook 07's gradient inspector, 09's sampling explorer), append a `WidgetBench` to
WIDGETS: the cell that shows it, the CSS selector of its picture, and one `Update` per kind of change,
a function that makes the i-th change as a reader would.
"""

import argparse
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS, find_chromium
from tests.browser.lab_server import LabServer
from tests.browser.notebook_page import open_notebook

TIMEOUT = 10_000  # ms for one update: far beyond what any widget should take

# In the page: start a clock at the first input event, stop it at the first frame after `picture` changed.
ARM = """picture => {
    const clock = window.__widgetClock = {start: null, end: null};
    const types = ['keydown', 'mousedown', 'change'];
    const start = () => { if (clock.start === null) clock.start = performance.now(); };
    for (const type of types) document.addEventListener(type, start, true);
    const watch = new MutationObserver(() => {
        watch.disconnect();
        requestAnimationFrame(() => {
            clock.end = performance.now();
            for (const type of types) document.removeEventListener(type, start, true);
        });
    });
    watch.observe(picture, {childList: true, subtree: true, characterData: true, attributes: true});
}"""
ELAPSED = "() => window.__widgetClock.end !== null && window.__widgetClock.end - window.__widgetClock.start"


@dataclass(frozen=True)
class Update:
    kind: str  # what the reader changes, e.g. "new name (a key press)"
    act: object  # act(widget, i): make the i-th change, as a reader would (widget: a Playwright locator)
    prepare: object = None  # prepare(widget, i): an untimed change before it, if the kind needs one


@dataclass(frozen=True)
class WidgetBench:
    name: str
    cell: str  # code whose result is the widget
    widget: str  # CSS selector of the whole widget
    picture: str  # CSS selector, inside the widget, of what each update redraws
    updates: tuple


def click(text):
    return lambda widget, i: widget.locator("button", has_text=text).click()


def name_box(widget, index=0):
    """The `index`-th text box of a widget (the gradient inspector: its name, then the second name)."""
    return widget.locator("input[type=text]").nth(index)


def type_or_erase_in(index):
    """Alternately erase the last letter of the `index`-th text box and type it back: every key press is new text."""
    return lambda widget, i: name_box(widget, index).press("Backspace" if i % 2 == 0 else "a")


def caret_at_the_end(then, index=0):
    """An untimed preparation: `then`, and the caret of the `index`-th text box after its last letter."""
    def prepare(widget, i):
        then(widget, i)
        name_box(widget, index).press("End")
    return prepare


def another_head(widget, i):
    click(f"head {1 + i % 3}")(widget, i)  # from head 0 (the preparation) to head 1, 2 or 3


def pick_example(widget, i):
    widget.locator("select").first.select_option(index=i % 2)


ATTENTION = WidgetBench(
    name="attention",
    cell=("from microgpt import load_shipped, make_model\n"
          "from microgpt.viz.attention import attention_explorer\n"
          "ck = load_shipped()\n"
          "attention_explorer(make_model(ck.config, ck.weights, engine='fast'), ck.tokenizer, 'maximilianalexa')"),
    widget=".microgpt-attention-explorer",
    picture=".microgpt-attention-view",
    updates=(
        Update("new name (a key press), one head, 15 letters", type_or_erase_in(0), caret_at_the_end(click("head 0"))),
        Update("new name (a key press), all heads, 15 letters", type_or_erase_in(0), caret_at_the_end(click("all heads"))),
        Update("new head (a click)", another_head, click("head 0")),
        Update('"all heads" (a click)', click("all heads"), click("head 0")),
        Update("an example picked from the list", pick_example, click("head 0")),
    ),
)


def start_again(widget, i):
    """An untimed preparation: back to the first letter (the button is disabled when already there)."""
    button = widget.locator("button", has_text="start again")
    if button.is_enabled():
        button.click()


def whole_name_shown(widget, i):
    """An untimed preparation: every step of the name shown (the button is disabled when it already is)."""
    button = widget.locator("button", has_text="whole name")
    if button.is_enabled():
        button.click()


def nudge_slider(widget, i):
    """One step of the slider, right then left: every key press is a new temperature."""
    widget.locator(".noUi-handle").focus()
    widget.page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")


SAMPLING = WidgetBench(
    name="sampling",
    cell=("from microgpt import load_shipped, make_model\n"
          "from microgpt.viz.sampling import sampling_explorer\n"
          "ck = load_shipped()\n"
          "sampling_explorer(make_model(ck.config, ck.weights, engine='fast'), ck.tokenizer, temperature=2.0, seed=1, "
          "prefix='em')"),
    widget=".microgpt-sampling-explorer",
    picture=".microgpt-sampling-view",
    updates=(
        Update("next letter (a click)", click("next letter"), start_again),
        Update("whole name (a click), from the first letter", click("whole name"), start_again),
        Update("temperature (a key press on the slider), whole name", nudge_slider, whole_name_shown),
        Update("prefix (a key press), whole name", type_or_erase_in(1), caret_at_the_end(whole_name_shown, 1)),
        Update("new name (a click)", click("new name")),
    ),
)


def gradients_matrix(label, index=0):
    """An untimed preparation: the matrix `label` chosen, and the caret at the end of the `index`-th name."""
    return caret_at_the_end(lambda widget, i: widget.locator("select").nth(1).select_option(label=label), index)


def largest_matrix(widget, i):
    """From lm_head (the preparation) to one of the two largest matrices, 64 x 16 or 16 x 64."""
    widget.locator("select").nth(1).select_option(label=("layer0.mlp_fc1 (64 × 16)", "layer0.mlp_fc2 (16 × 64)")[i % 2])


GRADIENTS = WidgetBench(
    name="gradients",
    cell=("from microgpt import load_shipped, make_model\n"
          "from microgpt.viz.gradients import model_gradient_inspector\n"
          "ck = load_shipped()\n"
          "model_gradient_inspector(make_model(ck.config, ck.weights, engine='fast'), ck.tokenizer, 'maximilianalexa', "
          "'lm_head', compare='christopher')"),
    widget=".microgpt-model-grads",
    picture=".microgpt-model-grads-view",
    updates=(
        Update("new name (a key press), lm_head, 2 names", type_or_erase_in(0), gradients_matrix("lm_head (27 × 16)")),
        Update("new name (a key press), mlp_fc1, 2 names", type_or_erase_in(0),
               gradients_matrix("layer0.mlp_fc1 (64 × 16)")),
        Update("second name (a key press), mlp_fc1", type_or_erase_in(1),
               gradients_matrix("layer0.mlp_fc1 (64 × 16)", 1)),
        Update("new matrix (a selection), 2 names", largest_matrix, gradients_matrix("lm_head (27 × 16)")),
        Update("side by side on or off (a click)", lambda widget, i: widget.locator("input[type=checkbox]").click()),
        Update("an example picked from the list", pick_example),
    ),
)
WIDGETS = [ATTENTION, SAMPLING, GRADIENTS]


def time_update(page, widget, picture, act, i):
    """Milliseconds from the reader's input to the first frame after `picture` changed."""
    page.evaluate(ARM, picture.element_handle())
    act(widget, i)
    return page.wait_for_function(ELAPSED, timeout=TIMEOUT).json_value()


def measure(page, server, bench, updates):
    """{kind: [milliseconds per update]} for `bench`, its notebook opened and run in `page`."""
    path = f"{bench.name}.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(bench.cell)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, server.root_dir / path)
    notebook_page = open_notebook(page, server, path)
    notebook_page.run_all()
    widget = notebook_page.locator(bench.widget)
    picture = widget.locator(bench.picture)
    picture.scroll_into_view_if_needed()
    times = {}
    for update in bench.updates:
        times[update.kind] = []
        for i in range(updates + 1):  # the first is a warm-up, not counted
            if update.prepare:
                update.prepare(widget, i)
                page.wait_for_timeout(150)  # let the untimed change settle
            elapsed = time_update(page, widget, picture, update.act, i)
            if i:
                times[update.kind].append(elapsed)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=10, help="timed updates of each kind (after one warm-up)")
    parser.add_argument("--widget", choices=[bench.name for bench in WIDGETS], action="append",
                        help="only this widget (repeatable); default: all")
    args = parser.parse_args()
    benches = [bench for bench in WIDGETS if not args.widget or bench.name in args.widget]
    with tempfile.TemporaryDirectory() as root, tempfile.TemporaryDirectory() as state, \
            LabServer(Path(root), Path(state)) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium.find_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        print(f"ms from input to the changed picture, {args.updates} updates each; {os.cpu_count()} cores, "
              f"python {sys.version.split()[0]}")
        print(f"{'widget':<11}{'update':<50}{'median':>8}{'max':>8}")
        for bench in benches:
            for kind, times in measure(page, server, bench, args.updates).items():
                print(f"{bench.name:<11}{kind:<50}{statistics.median(times):>8.1f}{max(times):>8.1f}", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
