"""Drive one notebook in a JupyterLab page: open it, run all cells, check that nothing went wrong."""
import re
import secrets
from pathlib import Path
from urllib.parse import quote

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
OPEN_TIMEOUT = 120_000  # ms: page load + kernel start on a loaded 2-core machine
RUN_TIMEOUT = 600_000  # ms: the slowest notebook's run-all, with room to spare
MAX_PICTURE = 16_000  # px: the tallest screenshot Chromium draws in one piece

# The notebook panel whose file is `path`, once it is the current widget (else null).
PANEL = """path => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    return w && w.context && w.context.path === path && w.content ? w : null;
}"""

# Await the panel's file, session and kernel; page.evaluate has no timeout of its own, so race one.
AWAIT_KERNEL = """async ([path, ms]) => {
    const panel = (%s)(path);
    const ready = (async () => {
        await panel.context.ready;
        await panel.sessionContext.ready;
        await panel.sessionContext.session.kernel.info;
    })();
    const late = new Promise((_, fail) =>
        setTimeout(() => fail(new Error(`kernel of ${path} not ready after ${ms} ms`)), ms));
    await Promise.race([ready, late]);
    return panel.sessionContext.session.kernel.name;
}""" % PANEL

# For each cell, the kinds of output it shows: "stream stdout", "error", or a display's sorted MIME types.
OUTPUT_KINDS = """path => (%s)(path).content.widgets.map(cell => cell.model.type !== 'code' ? [] :
    cell.model.outputs.toJSON().map(o =>
        o.output_type === 'stream' ? `stream ${o.name}` :
        o.output_type === 'error' ? 'error' : Object.keys(o.data).sort().join(' ')))""" % PANEL

# Clear first (stored execution counts look like [n] too), then start run-all without awaiting it.
RUN_ALL = """async () => {
    await window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');
    window.jupyterapp.commands.execute('notebook:run-all-cells');
}"""

# null while cells are running; {error} as soon as a cell fails; {done} when every code cell ran.
RUN_STATE = """path => {
    const panel = (%s)(path);
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    let pending = 0;
    for (const cell of panel.content.widgets) {
        if (cell.model.type !== 'code' || !cell.model.sharedModel.getSource().trim()) continue;
        const tags = cell.model.getMetadata('tags') || [];
        for (const out of cell.model.outputs.toJSON()) {
            if (out.output_type === 'error' && !tags.includes('raises-exception'))
                return {error: `${out.ename}: ${out.evalue} in cell:\\n${cell.model.sharedModel.getSource()}`};
        }
        const prompt = cell.node.querySelector('.jp-InputPrompt').textContent.trim();
        if (cell.model.executionCount === null || !/^\\[\\d+\\]:$/.test(prompt)) pending++;
    }
    if (!kernel || kernel.status === 'dead') return {error: 'the kernel died'};
    return pending === 0 && kernel.status === 'idle' ? {done: true} : null;
}""" % PANEL

# Every widget view has finished loading (into a view or an error message).
WIDGETS_DRAWN = "root => !root.textContent.includes('Loading widget...')"

# What a reader would see as a failure: tracebacks/stderr (outside raises-exception cells), widget errors.
PROBLEMS = """path => {
    const panel = (%s)(path);
    const problems = [];
    for (const cell of panel.content.widgets) {
        const tags = cell.model.getMetadata('tags') || [];
        if (tags.includes('raises-exception')) continue;
        for (const out of cell.node.querySelectorAll(
                '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
            problems.push('stderr/traceback: ' + out.textContent.slice(0, 500));
    }
    const outputs = [...panel.node.querySelectorAll('.jp-OutputArea-output')].map(o => o.textContent).join(' ');
    for (const text of ['Error displaying widget', 'model not found'])
        if (outputs.includes(text)) problems.push(`"${text}" is shown`);
    return problems;
}""" % PANEL

# The nodes of each graphviz drawing under `root` (one list of label texts per node), whether inline
# or, as JupyterLab shows SVG outputs, a data-URL image.
GRAPHS = """root => [...root.querySelectorAll(
        '.jp-OutputArea-output svg, .jp-OutputArea-output img[src^="data:image/svg+xml"]')]
    .map(el => {
        let svg = el;
        if (el.tagName === 'IMG') {
            const [head, body] = el.src.split(',', 2);
            const source = head.endsWith(';base64') ? atob(body) : decodeURIComponent(body);
            svg = new DOMParser().parseFromString(source, 'image/svg+xml');
        }
        return [...svg.querySelectorAll('g.node')]
            .map(node => [...node.querySelectorAll('text')].map(t => t.textContent.trim()));
    })"""
# Pictures and widgets (each output area that shows an image or a widget) larger than the notebook's
# visible area: [cell index, height, width, visible height, visible width] for each.
OVERSIZED = """path => {
    const panel = (%s)(path);
    const view = panel.node.querySelector('.jp-WindowedPanel-outer');
    const oversized = [];
    panel.content.widgets.forEach((cell, index) => {
        for (const out of cell.node.querySelectorAll('.jp-OutputArea-child')) {
            if (!out.querySelector('img, svg, .jupyter-widgets')) continue;
            const box = out.querySelector('.jp-OutputArea-output').getBoundingClientRect();
            if (box.height > view.clientHeight || box.width > view.clientWidth)
                oversized.push([index, Math.round(box.height), Math.round(box.width), view.clientHeight, view.clientWidth]);
        }
    });
    return oversized;
}""" % PANEL

HAS_NODE = """([root, labels]) => (%s)(root).flat().some(node => node.join('|') === labels.join('|'))""" % GRAPHS


def safe_name(text):
    """`text` as a file name: every character but letters, digits, '.', '-' and '_' becomes '_'."""
    return re.sub(r"[^\w.-]", "_", text)


def artifact_path(name):
    """Where the picture called `name` goes: test-artifacts/browser/<name>.png (the folder made if need be)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / (safe_name(name) + ".png")


class Notebook:
    """An open notebook panel in `page`; `locator` finds elements inside it only."""

    def __init__(self, page, path):
        self.page = page
        self.path = path
        panel_id = page.evaluate(f"path => ({PANEL})(path).id", path)
        self.node = page.locator(f"[id='{panel_id}']")
        self.committed_kinds = self.output_kinds()  # before run_all replaces the outputs

    def locator(self, css):
        return self.node.locator(css)

    def output_kinds(self):
        """For each cell, the set of kinds of output it shows now (see OUTPUT_KINDS)."""
        return [set(kinds) for kinds in self.page.evaluate(OUTPUT_KINDS, self.path)]

    def cells_with_output(self, mime_type):
        """The cells whose committed outputs (as opened) include `mime_type`."""
        cells = self.locator(".jp-Notebook-cell")
        return [cells.nth(i) for i, kinds in enumerate(self.committed_kinds)
                if any(mime_type in kind.split() for kind in kinds)]

    def graphs(self, locator):
        """The graphviz drawings inside `locator`: for each, one list of label texts per node."""
        return locator.evaluate(GRAPHS)

    def wait_for_node(self, locator, labels, timeout=OPEN_TIMEOUT):
        """Wait until a drawing inside `locator` has a node labelled exactly `labels` (e.g. after a redraw)."""
        self.page.wait_for_function(HAS_NODE, arg=[locator.element_handle(), list(labels)], timeout=timeout)

    def run_all(self):
        """Run every cell from a clean slate; raise at the first error output."""
        self.page.evaluate(RUN_ALL)
        state = self.page.wait_for_function(RUN_STATE, arg=self.path, timeout=RUN_TIMEOUT).json_value()
        assert "error" not in state, f"{self.path}: {state['error']}"
        self.page.wait_for_function(WIDGETS_DRAWN, arg=self.node.element_handle(), timeout=OPEN_TIMEOUT)

    def problems(self):
        return self.page.evaluate(PROBLEMS, self.path)

    def oversized_outputs(self):
        """Pictures and widgets that do not fit in the visible notebook area (see OVERSIZED)."""
        return self.page.evaluate(OVERSIZED, self.path)

    def screenshot(self, name, locator=None):
        """Save a picture of `locator`, or of the whole notebook, in test-artifacts/browser."""
        path = artifact_path(name)
        if locator is not None:
            locator.scroll_into_view_if_needed()
            self.page.screenshot(path=path)
            return
        # The notebook scrolls inside the page: grow the window to its full height for one picture.
        size = self.page.viewport_size
        scroller = self.locator(".jp-WindowedPanel-outer").element_handle()
        shown, hidden = scroller.evaluate("n => [n.clientHeight, n.scrollHeight - n.clientHeight]")
        if hidden > 0:
            self.page.set_viewport_size({"width": size["width"], "height": min(size["height"] + hidden, MAX_PICTURE)})
            self.page.wait_for_function("([n, shown]) => n.clientHeight > shown", arg=[scroller, shown])
        scroller.evaluate("n => { n.scrollTop = 0; }")
        self.page.screenshot(path=path)
        self.page.set_viewport_size(size)


def open_notebook(page, server, path):
    """Open `path` (relative to the server's root) and wait until its kernel can run code."""
    workspace = secrets.token_hex(8)  # a fresh workspace: no tabs restored from an earlier test
    url = f"{server.url}/lab/workspaces/{workspace}/tree/{quote(path)}?token={server.token}"
    page.goto(url, timeout=OPEN_TIMEOUT)
    page.wait_for_function(PANEL, arg=path, timeout=OPEN_TIMEOUT)
    kernel = page.evaluate(AWAIT_KERNEL, [path, OPEN_TIMEOUT])
    assert kernel == "python3", f"{path} opened with kernel {kernel!r}"
    return Notebook(page, path)


def open_and_run(page, server, path, picture=None, same_outputs=True):
    """Open, run all, check for errors, that every picture and widget fits on the screen (and, unless told
    otherwise, that every cell shows the same kinds of output as committed: a lost plot fails), take a
    picture (named `picture` or after the notebook)."""
    notebook = open_notebook(page, server, path)
    notebook.run_all()
    assert notebook.problems() == [], f"{path} shows errors"
    assert notebook.oversized_outputs() == [], f"{path}: [cell, height, width, visible height, visible width]"
    if same_outputs:
        assert notebook.output_kinds() == notebook.committed_kinds, f"{path}: other kinds of output than committed"
    notebook.screenshot(picture or Path(path).stem)
    return notebook
