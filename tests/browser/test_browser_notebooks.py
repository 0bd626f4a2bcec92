"""Each notebook runs from top to bottom in JupyterLab in Chromium without an error, and its widgets and
graphs work as a reader would use them.

A new notebook's test starts with `notebook = run_notebook("NN_name.ipynb")`: open a fresh copy, run all
cells, fail on any traceback, stderr or widget error, on a picture or widget that does not fit in the visible
notebook area (the window is 1300×900, as a learner's laptop) or on a cell whose kinds of output differ from
the committed ones, save a picture in test-artifacts/browser. Then it checks what its widgets and graphs do.
"""
import math
import re

import pytest
from playwright.sync_api import expect

from microgpt import Tokenizer, load_names, load_shipped, make_model
from microgpt.viz.attention import read_attention
from .notebook_page import open_and_run

pytestmark = pytest.mark.browser


def assert_graphs_drawn(notebook):
    """Every cell committed with an SVG drawing shows one drawing of Value boxes with data and grad."""
    cells = notebook.cells_with_output("image/svg+xml")
    assert cells, "no cell shows a graph"
    for cell in cells:
        [drawing] = notebook.graphs(cell)
        boxes = [node for node in drawing if any(label.startswith("data ") for label in node)]
        assert boxes and all(any(label.startswith("grad ") for label in box) for box in boxes), drawing


def press_right(notebook, slider):
    """Move an ipywidgets slider one step right, as a keyboard user would."""
    slider.locator(".noUi-handle").focus()
    notebook.page.keyboard.press("ArrowRight")


def test_00_welcome(run_notebook):
    notebook = run_notebook("00_welcome.ipynb")
    assert_graphs_drawn(notebook)
    [drawing] = notebook.graphs(notebook.cells_with_output("image/svg+xml")[0])
    assert ["d", "data 4", "grad 0"] in drawing  # d = a*b + c = 2*(-3) + 10, before any backward()
    parts = notebook.locator(".microgpt-model-map .microgpt-map-part")  # the picture of the model
    expect(parts).to_have_count(9)
    expect(parts.first).to_contain_text("token id")
    expect(parts.last).to_contain_text("sample")
    expect(parts.filter(has_text="✓")).to_have_count(0)  # nothing is built yet
    notebook.screenshot("00_welcome-model-map", notebook.locator(".microgpt-model-map"))
    square = notebook.locator(".widget-hbox:has(.widget-slider)")
    expect(square.locator(".widget-label", has_text="squared")).to_have_text("3 squared is 9")
    press_right(notebook, square)
    expect(square.locator(".widget-label", has_text="squared")).to_have_text("4 squared is 16")


def test_00_welcome_without_dot(lab_without_dot, page):
    notebook = open_and_run(page, lab_without_dot, "00_welcome.ipynb", "00_welcome-without-dot", same_outputs=False)
    [cell] = notebook.cells_with_output("image/svg+xml")
    expect(cell.locator(".jp-OutputArea-output")).to_contain_text("Graphviz's dot program is not installed")
    assert notebook.graphs(cell) == []
    notebook.screenshot("00_welcome-without-dot-graph", cell)


def test_01_data_and_tokenizer(run_notebook):
    notebook = run_notebook("01_data_and_tokenizer.ipynb")
    tokenizer = Tokenizer.from_docs(load_names())
    playground = notebook.locator(".microgpt-tokenizer-playground")
    expect(playground.locator(".microgpt-token-char")).to_have_text(["BOS", "e", "m", "m", "a", "BOS"])

    playground.locator("input").fill("")
    playground.locator("input").press_sequentially("bob")
    tokens = ["BOS", "b", "o", "b", "BOS"]
    expect(playground.locator(".microgpt-token-char")).to_have_text(tokens)
    expect(playground.locator(".microgpt-token-id")).to_have_text([str(i) for i in tokenizer.encode_doc("bob")])
    expect(playground.locator(".microgpt-token-label")).to_have_text(tokens)  # the one-hot picture's rows
    notebook.screenshot("01_data_and_tokenizer-playground", playground)

    playground.locator("input").press_sequentially("X")  # not in the vocabulary: a message, no traceback
    expect(playground.locator(".microgpt-token-error")).to_contain_text("'X' (position 3)")

    long_name = "annamariaguadalupe"  # 18 letters, 20 tokens: the model uses the first block_size + 1 = 17
    playground.locator("input").fill(long_name)
    expect(playground.locator(".microgpt-token-char")).to_have_text(["BOS"] + list(long_name[:16]))
    expect(playground).to_contain_text("only the first 17 of these 20 tokens: the rest is never seen")
    notebook.screenshot("01_data_and_tokenizer-long-name", playground)
    assert notebook.oversized_outputs() == []
    assert notebook.problems() == []


def test_02_counting_baseline(run_notebook):
    notebook = run_notebook("02_counting_baseline.ipynb")
    plots = notebook.cells_with_output("image/png")
    assert len(plots) >= 2  # the bigram heatmap and the loss curves
    for cell in plots:
        expect(cell.locator(".jp-OutputArea-output img")).to_have_count(1)


def inspector_labels(name, a, b, c):
    """What the gradient inspector's box for input `name` should say: L = sigmoid(a*b + c)."""
    s = 1 / (1 + math.exp(-(a * b + c)))
    slope = s * (1 - s)
    data, grad = {"a": (a, slope * b), "b": (b, slope * a), "c": (c, slope)}[name]
    return [name, f"data {data + 0:.4g}", f"grad {grad + 0:.4g}"]


def test_03_autograd(run_notebook):
    notebook = run_notebook("03_autograd.ipynb")
    assert_graphs_drawn(notebook)
    drawings = [drawing for cell in notebook.cells_with_output("image/svg+xml") for drawing in notebook.graphs(cell)]
    # section 7's compact drawing: the operation in a grey cell of its box, the plain 2 folded into it
    assert any(["+ 2", "n", "data 1.25", "grad 0.9756"] in drawing for drawing in drawings), drawings
    inspector = notebook.locator(".widget-vbox:has(> .microgpt-grad-inspector)")
    sliders = {name: inspector.locator(".widget-slider").filter(has=notebook.page.get_by_text(name, exact=True))
               for name in "abc"}
    readout = {name: slider.locator(".widget-readout") for name, slider in sliders.items()}
    values = {name: float(r.inner_text().replace("−", "-")) for name, r in readout.items()}  # a typographic minus
    graph = inspector.locator(".microgpt-grad-inspector")
    notebook.wait_for_node(graph, inspector_labels("a", **values))  # the Output widget has drawn its graph
    [before] = notebook.graphs(graph)
    for name in "abc":
        assert inspector_labels(name, **values) in before

    press_right(notebook, sliders["a"])
    values["a"] = round(values["a"] + 0.1, 10)
    expect(readout["a"]).to_have_text(f"{values['a']:.2f}".replace("-", "−"))
    notebook.wait_for_node(graph, inspector_labels("a", **values))
    assert notebook.oversized_outputs() == []  # sliders and the drawn graph on one screen
    [after] = notebook.graphs(graph)
    for name in "abc":
        assert inspector_labels(name, **values) in after
    assert inspector_labels("b", **values) not in before  # dL/db = s(1-s)*a follows a
    notebook.screenshot("03_autograd-inspector", graph)


def test_04_building_blocks(run_notebook):
    notebook = run_notebook("04_building_blocks.ipynb")
    assert_graphs_drawn(notebook)
    [drawing] = notebook.graphs(notebook.cells_with_output("image/svg+xml")[0])
    assert ["* -1", "loss", "data 0.417", "grad 1"] in drawing  # op_nodes=False: the operation in the box
    assert any(box[0] == "+ 0" for box in drawing)  # the 0 that sum() starts from, folded into its operation
    maps = notebook.locator(".microgpt-model-map")
    expect(maps).to_have_count(2)  # at the start and in the summary
    expect(maps.first.locator(".microgpt-map-part", has_text="✓")).to_have_count(2)  # tokens (01), loss (02)
    expect(maps.last.locator(".microgpt-map-part", has_text="✓")).to_have_count(6)  # and what 04 built
    visible = notebook.locator(".jp-WindowedPanel-outer").bounding_box()
    for i in range(2):
        box = maps.nth(i).bounding_box()
        assert box["width"] <= visible["width"] and box["height"] <= visible["height"], box
    notebook.screenshot("04_building_blocks-model-map", maps.first)


def test_05_embeddings_and_mlp(run_notebook):
    notebook = run_notebook("05_embeddings_and_mlp.ipynb")
    maps = notebook.locator(".microgpt-model-map")
    expect(maps).to_have_count(2)  # at the start and in the summary
    expect(maps.first.locator(".microgpt-map-part", has_text="✓")).to_have_count(6)  # what 01-04 built
    expect(maps.first.locator(".microgpt-map-part", has_text="embeddings")).not_to_contain_text("✓")
    expect(maps.last.locator(".microgpt-map-part", has_text="✓")).to_have_count(7)  # and the embeddings
    expect(maps.last.locator(".microgpt-map-part", has_text="embeddings")).to_contain_text("✓")

    def picture(code):
        """The cell whose code contains `code`: its one picture drawn, and the cell itself."""
        cell = notebook.locator(".jp-CodeCell").filter(has_text=code)
        image = cell.locator(".jp-OutputArea-output img")
        expect(image).to_have_count(1)
        assert image.evaluate("img => img.complete && img.naturalWidth > 300 && img.naturalHeight > 200")
        return cell

    stream = picture("plot_stream(")  # one token's vector through the layer, its numbers in the cells
    notebook.screenshot("05_embeddings_and_mlp-stream", stream)
    picture("plot_gradient_sizes(")
    token_map = picture("plot_token_map(")  # the trained token embeddings, by PCA
    expect(token_map.locator(".jp-OutputArea-output")).to_contain_text(["direction 1 holds 31.2% of the spread"])
    notebook.screenshot("05_embeddings_and_mlp-token-map", token_map)
    heatmap = picture("plot_similarity(")  # the position embeddings' similarities
    notebook.screenshot("05_embeddings_and_mlp-positions", heatmap)
    outputs = notebook.locator(".jp-OutputArea-output")
    expect(outputs.filter(has_text="the same 27 logits as GPT.forward at each of the 5 positions")).to_have_count(1)
    expect(outputs.filter(has_text="wpe all zeros")).to_contain_text("0.000")  # mia and ima, alike without wpe
    expect(outputs.filter(has_text="direction 1 of the vowels: a -0.80")).to_have_count(1)
    expect(outputs.filter(has_text="❌ Not yet. Hint:")).to_have_count(4)  # the exercises, still to do


def drawn_weights(view, head=0):
    """{(query, key): weight} drawn in the `head`-th heatmap of an attention explorer's view (the cells' tips)."""
    tips = view.locator(".microgpt-attn-map").nth(head).locator(".microgpt-attn-cell").evaluate_all(
        "cells => cells.map(cell => cell.dataset.tip)")
    found = [re.fullmatch(r".* \((\d+)\) → .* \((\d+)\): ([\d.]+)", tip).groups() for tip in tips]
    return {(int(q), int(k)): float(w) for q, k, w in found}


def expected_weights(model, tokenizer, name, head):
    maps = read_attention(model, tokenizer, name)
    return {(q, k): round(w, 4) for q, row in enumerate(maps.weights[0][head]) for k, w in enumerate(row)}


def tip_shown(cell):
    """The text a cell's tip shows now (its ::after content), or 'none' when hidden."""
    return cell.evaluate("cell => getComputedStyle(cell, '::after').content")


def test_06_attention(run_notebook):
    notebook = run_notebook("06_attention.ipynb")
    ck = load_shipped()
    fast = make_model(ck.config, ck.weights, engine="fast")
    maps = notebook.locator(".microgpt-model-map")
    expect(maps.first.locator(".microgpt-map-part", has_text="✓")).to_have_count(7)  # all but attention
    expect(maps.last.locator(".microgpt-map-part", has_text="✓")).to_have_count(8)  # all lit
    explorer = notebook.locator(".microgpt-attention-explorer")
    view = explorer.locator(".microgpt-attention-view")
    view.scroll_into_view_if_needed()
    expect(view.locator(".microgpt-attn-cell")).to_have_count(15)  # emma: BOS and 4 letters, 1 + 2 + ... + 5
    unseen = view.locator("td.microgpt-attn-unseen")
    expect(unseen).to_have_count(10)  # the later positions, 0 + 1 + ... + 4
    assert "repeating-linear-gradient" in unseen.first.evaluate("td => getComputedStyle(td).backgroundImage")
    emma = drawn_weights(view)
    assert emma == expected_weights(fast, ck.tokenizer, "emma", 0)
    printed = notebook.locator(".jp-CodeCell").filter(has_text="attention_table(maps, layer=0, head=h)")
    head_0 = printed.locator(".jp-OutputArea-output").inner_text().split("head 1")[0].splitlines()[2:]
    assert [line.split()[1:] for line in head_0] == [[f"{emma[q, k]:.2f}" for k in range(q + 1)] for q in range(5)]

    cell = view.locator(".microgpt-attn-cell").nth(1)  # the e (1) looking at BOS (0)
    assert tip_shown(cell) == "none"
    cell.hover()
    assert tip_shown(cell) == f'"e (1) → BOS (0): {emma[1, 0]:.4f}"'
    other = view.locator(".microgpt-attn-cell").nth(4)  # the m (2) looking at the e (1)
    other.click()
    notebook.page.mouse.move(0, 0)  # the tip of a clicked cell stays
    assert tip_shown(other) == f'"m (2) → e (1): {emma[2, 1]:.4f}"' and tip_shown(cell) == "none"
    notebook.screenshot("06_attention-explorer-emma", view)

    name = explorer.locator("input[type=text]")
    name.fill("olivia")
    expect(view.locator(".microgpt-attn-cell")).to_have_count(28)  # BOS and 6 letters
    assert drawn_weights(view) == expected_weights(fast, ck.tokenizer, "olivia", 0)
    explorer.locator("button", has_text="head 3").click()
    expect(view.locator(".microgpt-attn-map")).to_have_attribute("data-head", "3")
    assert drawn_weights(view) == expected_weights(fast, ck.tokenizer, "olivia", 3)
    expect(explorer.locator("select").nth(1).locator("option")).to_have_text(["layer 0"])  # the only layer
    explorer.locator("select").nth(1).select_option(label="layer 0")
    explorer.locator("button", has_text="all heads").click()
    expect(view.locator(".microgpt-attn-map")).to_have_count(4)
    for head in range(4):
        assert drawn_weights(view, head) == expected_weights(fast, ck.tokenizer, "olivia", head)
    explorer.locator("select").first.select_option(label="maximilianalexander (19 letters)")
    expect(name).to_have_value("maximilianalexander")
    expect(view.locator(".microgpt-attn-note")).to_contain_text("The rest, 'nder', is never seen")
    expect(view.locator(".microgpt-attn-cell")).to_have_count(4 * 16 * 17 // 2)
    assert notebook.oversized_outputs() == []  # four 16 x 16 maps and the controls on one screen
    notebook.screenshot("06_attention-explorer-all-heads", view)

    name.fill("")
    expect(view.locator(".microgpt-attn-note")).to_contain_text("An empty name is just BOS")
    expect(view.locator(".microgpt-attn-cell")).to_have_count(4)
    name.press_sequentially("Emma")
    expect(view.locator(".microgpt-attn-error")).to_contain_text("try 'emma'")
    expect(view.locator(".microgpt-attn-map")).to_have_count(0)
    name.fill("zoë")
    expect(view.locator(".microgpt-attn-error")).to_contain_text("'ë'")
    explorer.locator("button", has_text="head 0").click()
    name.fill("emma")
    expect(view.locator(".microgpt-attn-cell")).to_have_count(15)
    assert drawn_weights(view) == emma
    assert notebook.problems() == []


# In the page: record every number of steps the live training plot shows, as it redraws (window.__liveSteps).
WATCH_LIVE_PLOT = """root => {
    const seen = window.__liveSteps = [];
    new MutationObserver(() => {
        const svg = root.querySelector('.microgpt-live-plot svg');
        const steps = svg && Number(svg.getAttribute('data-steps'));
        if (svg && seen[seen.length - 1] !== steps) seen.push(steps);
    }).observe(root, {childList: true, subtree: true, attributes: true, characterData: true});
}"""


def test_08_training(lab, page, notebooks):
    from .notebook_page import open_notebook  # opened by hand: the plot is watched while run-all trains
    notebook = open_notebook(page, lab, f"{notebooks}/08_training.ipynb")
    page.evaluate(WATCH_LIVE_PLOT, notebook.node.element_handle())
    notebook.run_all()
    assert notebook.problems() == []
    assert notebook.output_kinds() == notebook.committed_kinds
    steps = page.evaluate("window.__liveSteps")
    assert steps[-1] == 1000 and steps == sorted(steps), steps  # the plot grew to the last step...
    assert len([s for s in steps if 0 < s < 1000]) >= 3, steps  # ...redrawn while the run trained
    live = notebook.locator(".microgpt-live-training")
    expect(live.locator(".progress-bar")).to_have_attribute("style", re.compile(r"width: 100%"))
    final = f"step 1000 / 1000 | loss {load_shipped().history[-1]:.4f}"
    expect(live.locator(".microgpt-live-status")).to_contain_text(final)
    expect(live.locator(".microgpt-live-stopped")).to_have_count(0)
    expect(live.locator(".microgpt-live-plot svg polyline")).to_have_count(2)  # each step's loss, their average
    above = sum(loss > 4 for loss in load_shipped().history)  # the seed's run has losses above the fixed axis
    expect(live.locator(".microgpt-live-plot svg .clipped")).to_have_text(f"{above} losses above 4, drawn at the top edge")
    outputs = notebook.locator(".jp-OutputArea-output")
    expect(outputs.filter(has_text="all 1000 lines are the seed's: True")).to_have_count(1)
    expect(outputs.filter(has_text="the shipped checkpoint draws the same 20 names")).to_have_count(1)
    maps = notebook.locator(".microgpt-model-map")
    expect(maps).to_have_count(2)  # at the start and in the summary, every part built
    for i in range(2):
        expect(maps.nth(i).locator(".microgpt-map-part", has_text="✓")).to_have_count(8)
    assert len(notebook.cells_with_output("image/png")) == 3  # first steps, Adam against plain, the whole run
    expect(outputs.filter(has_text="❌ Not yet. Hint:")).to_have_count(3)  # the exercises, still to do
    assert notebook.oversized_outputs() == []
    notebook.screenshot("08_training-live", live)
    notebook.screenshot("08_training")


def drawn_gradients(view, index=0):
    """The gradients drawn in the `index`-th map of a model gradient inspector's view, row after row (the
    number at the end of each cell's tip)."""
    cells = view.locator(".microgpt-gradmap").nth(index).locator("td")
    return cells.evaluate_all("cells => cells.map(cell => Number(cell.title.split(': ').pop()))")


def test_07_gpt_and_loss(run_notebook):
    from microgpt.viz.gradients import gradient_map, read_gradients  # only this test needs them

    notebook = run_notebook("07_gpt_and_loss.ipynb")
    ck = load_shipped()
    fast = make_model(ck.config, ck.weights, engine="fast")

    def expected(name, matrix):
        return [round(g, 4) for row in gradient_map(read_gradients(fast, ck.tokenizer, name), matrix).grad for g in row]

    maps = notebook.locator(".microgpt-model-map")
    expect(maps).to_have_count(2)  # at the start and in the summary: all lit
    for i in range(2):
        expect(maps.nth(i).locator(".microgpt-map-part", has_text="✓")).to_have_count(8)
    assert_graphs_drawn(notebook)  # the slice of emma's graph, after backward()
    [drawing] = notebook.graphs(notebook.cells_with_output("image/svg+xml")[0])
    assert ["* -1", "loss at position 4", "data 1.851", "grad 0.2"] in drawing
    assert ["+", "logit of BOS", "data 1.172", "grad -0.1686"] in drawing

    inspector = notebook.locator(".microgpt-model-grads")
    view = inspector.locator(".microgpt-model-grads-view")
    view.scroll_into_view_if_needed()
    expect(view.locator(".microgpt-gradmap")).to_have_count(2)  # emma and ava side by side
    expect(view.locator(".microgpt-gradmap").first.locator("td")).to_have_count(27 * 16)
    assert drawn_gradients(view, 0) == expected("emma", "lm_head")
    assert drawn_gradients(view, 1) == expected("ava", "lm_head")
    printed = notebook.locator(".jp-CodeCell").filter(has_text="print(gradient_table(gradient_map(")
    lines = printed.locator(".jp-OutputArea-output").inner_text().splitlines()
    listed = view.locator(".microgpt-gradmap-top").first.locator("li").all_inner_texts()
    assert [" ".join(item.split()) for item in listed] == [" ".join(line.split()) for line in lines[2:7]]
    notebook.screenshot("07_gpt_and_loss-inspector", view)

    selects = inspector.locator("select")  # the first name's examples, the matrix, the second name's examples
    matrix = selects.nth(1)
    expect(matrix.locator("option")).to_have_count(9)  # every matrix of the shipped model
    name = inspector.locator("input[type=text]").first
    name.fill("olivia")
    expect(view.locator(".microgpt-gradmap").first).to_have_attribute("data-name", "olivia")
    assert drawn_gradients(view, 0) == expected("olivia", "lm_head")
    matrix.select_option(label="layer0.mlp_fc1 (64 × 16)")
    expect(view.locator(".microgpt-gradmap").first.locator("td")).to_have_count(64 * 16)
    assert drawn_gradients(view, 0) == expected("olivia", "layer0.mlp_fc1")
    assert drawn_gradients(view, 1) == expected("ava", "layer0.mlp_fc1")
    assert notebook.oversized_outputs() == []  # the tallest matrix, twice, and the controls on one screen
    notebook.screenshot("07_gpt_and_loss-inspector-mlp", view)
    matrix.select_option(label="layer0.mlp_fc2 (16 × 64)")
    expect(view.locator(".microgpt-gradmap").first.locator("td")).to_have_count(16 * 64)
    assert notebook.oversized_outputs() == []  # the widest

    name.fill("")
    matrix.select_option(label="layer0.attn_wq (16 × 16)")
    note = view.locator(".microgpt-gradmap-note").first
    expect(note).to_contain_text("An empty name is still a document")
    expect(note).to_contain_text("Every gradient of layer0.attn_wq is 0")
    expect(note).not_to_contain_text("one key")  # the notebook asks why, and answers after the numbers
    assert set(drawn_gradients(view, 0)) == {0.0}
    name.fill("Emma")
    expect(view.locator(".microgpt-gradmap-error")).to_contain_text("try 'emma'")
    expect(view.locator(".microgpt-gradmap")).to_have_count(1)  # ava's map only
    selects.first.select_option(label="maximilianalexander (19 letters)")
    expect(name).to_have_value("maximilianalexander")
    expect(view.locator(".microgpt-gradmap-note").first).to_contain_text("The rest, 'der', and the name's end")
    side = inspector.locator("input[type=checkbox]")
    side.uncheck()
    expect(view.locator(".microgpt-gradmap")).to_have_count(1)
    assert drawn_gradients(view, 0) == expected("maximilianalexander", "layer0.attn_wq")
    notebook.screenshot("07_gpt_and_loss-inspector-one-name", view)
    inspector.locator("input[type=text]").nth(1).fill("  eva ")  # a second name typed: the box ticks itself
    expect(side).to_be_checked()
    expect(view.locator(".microgpt-gradmap").nth(1)).to_have_attribute("data-name", "eva")  # spaces dropped
    assert drawn_gradients(view, 1) == expected("eva", "layer0.attn_wq")
    assert notebook.problems() == []


def drawn_steps(view):
    """[position, token, draw] of every step the sampling explorer's view shows drawn, from its data attributes."""
    return view.locator(".microgpt-sample-step").evaluate_all(
        "rows => rows.map(row => [Number(row.dataset.position), row.dataset.token, Number(row.dataset.draw)])")


def test_09_sampling(run_notebook):
    from microgpt.viz.sampling import sampling_table, sampling_walk  # only this test needs them

    notebook = run_notebook("09_sampling.ipynb")
    ck = load_shipped()
    fast = make_model(ck.config, ck.weights, engine="fast")

    def expected(temperature, shown, prefix="", seed=42):
        walk = sampling_walk(fast, ck.tokenizer, temperature, seed, prefix)
        return [[s.position, walk.labels[s.token], s.draw] for s in walk.steps[:shown]]

    expect(notebook.locator(".microgpt-model-map .microgpt-map-part").filter(has_text="✓")).to_have_count(9)  # all lit
    for code in ("plot_temperatures(", "plot_tradeoff("):
        image = notebook.locator(".jp-CodeCell").filter(has_text=code).locator(".jp-OutputArea-output img")
        expect(image).to_have_count(1)
    printed = notebook.locator(".jp-CodeCell").filter(has_text="print(sampling_table(sampling_walk(")
    assert sampling_table(sampling_walk(fast, ck.tokenizer, 0.5, 42)) in printed.locator(
        ".jp-OutputArea-output").inner_text()  # the steps the explorer draws, printed for nbval
    expect(notebook.locator(".jp-OutputArea-output").filter(has_text="❌ Not yet. Hint:")).to_have_count(3)

    explorer = notebook.locator(".microgpt-sampling-explorer")
    view = explorer.locator(".microgpt-sampling-view")
    view.scroll_into_view_if_needed()
    button = {text: explorer.locator("button", has_text=text)
              for text in ("next letter", "whole name", "start again", "new name")}
    pending = view.locator(".microgpt-sample-pending")
    expect(pending).to_have_count(1)  # the first letter's probabilities, not drawn yet
    expect(pending.locator(".microgpt-sample-choice").first).to_have_attribute("data-token", "a")
    assert drawn_steps(view) == [] and button["start again"].is_disabled()
    for shown in (1, 2, 3):
        button["next letter"].click()
        expect(view.locator(".microgpt-sample-step")).to_have_count(shown)
    assert drawn_steps(view) == expected(0.5, 3)  # k, a, m of kamari
    expect(view.locator(".microgpt-sample-name")).to_contain_text("kam?")
    expect(view.locator(".microgpt-sample-stretches")).to_contain_text("How the draw picked 'm' at position 2")
    notebook.screenshot("09_sampling-explorer-three-letters", explorer)

    slider = explorer.locator(".noUi-handle")
    slider.focus()
    for _ in range(30):  # 0.5 to 2.0 in steps of 0.05: the same seed, so the same draws, other probabilities
        notebook.page.keyboard.press("ArrowRight")
    expect(explorer.locator(".widget-readout")).to_have_text("2.00")
    expect(view).to_contain_text("seed 42, temperature 2, no prefix")
    expect(view.locator(".microgpt-sample-note")).to_contain_text("flattened toward 1/27")
    assert drawn_steps(view) == expected(2.0, 3)
    assert [draw for *_, draw in expected(2.0, 3)] == [draw for *_, draw in expected(0.5, 3)]
    button["whole name"].click()
    expect(view.locator(".microgpt-sample-end")).to_contain_text("The whole name: 'oahdrr'")
    assert drawn_steps(view) == expected(2.0, 7)
    expect(button["next letter"]).to_be_disabled()
    expect(button["whole name"]).to_be_disabled()
    assert notebook.oversized_outputs() == []
    notebook.screenshot("09_sampling-explorer-whole-name", explorer)

    slider.focus()
    notebook.page.keyboard.press("Home")  # the lowest temperature
    expect(explorer.locator(".widget-readout")).to_have_text("0.10")
    expect(view).to_contain_text("seed 42, temperature 0.1, no prefix")
    expect(view.locator(".microgpt-sample-note")).to_contain_text("close to greedy decoding")
    assert drawn_steps(view) == expected(0.1, 16)
    notebook.page.keyboard.press("End")  # the highest
    expect(explorer.locator(".widget-readout")).to_have_text("3.00")
    expect(view).to_contain_text("seed 42, temperature 3, no prefix")
    assert drawn_steps(view) == expected(3.0, 16)
    button["start again"].click()
    expect(view.locator(".microgpt-sample-step")).to_have_count(0)
    button["new name"].click()
    seed = explorer.locator(".microgpt-sample-seed input")
    expect(seed).to_have_value("43")
    expect(view).to_contain_text("seed 43, temperature 3")

    prefix = explorer.locator(".microgpt-sample-prefix input")
    prefix.press_sequentially("Em")
    expect(view.locator(".microgpt-sample-error")).to_contain_text("try 'em'")
    expect(button["next letter"]).to_be_disabled()
    prefix.fill("zoë")
    expect(view.locator(".microgpt-sample-error")).to_contain_text("'ë'")
    prefix.fill("maximilianalexander")
    expect(view.locator(".microgpt-sample-note")).to_contain_text("the rest, 'nder', is never read")
    button["whole name"].click()
    expect(view.locator(".microgpt-sample-end")).to_contain_text("The context is full")
    assert drawn_steps(view) == expected(3.0, 1, "maximilianalexander", 43)
    assert notebook.oversized_outputs() == []
    prefix.fill("em ")  # a trailing space: the message says so
    expect(view.locator(".microgpt-sample-error")).to_contain_text("' ' is a space at the end: names have none")
    prefix.fill("")
    expect(view).to_contain_text("seed 43, temperature 3, no prefix")
    expect(view.locator(".microgpt-sample-error")).to_have_count(0)
    seed.fill("3.7")  # pasted: a number box showed 37 and used 3; this one shows 3.7 and says what is wrong
    expect(view.locator(".microgpt-sample-error")).to_contain_text("The seed must be a whole number from 0 to 999,999")
    expect(seed).to_have_value("3.7")
    expect(button["next letter"]).to_be_disabled()
    seed.fill("7")
    expect(view).to_contain_text("seed 7, temperature 3, no prefix")
    assert notebook.problems() == []


def test_10_efficiency(run_notebook):
    notebook = run_notebook("10_efficiency.ipynb")
    outputs = notebook.locator(".jp-OutputArea-output")
    for printed in ("in all  43,091", "Value() was called 39,703 times",
                    "the same data and the same 32 gradients, to the last digit; Values made: 33 by sum(), 1 by dot",
                    "8,051 Values in the graph instead of 43,091", "80 nodes on the tape for the 5 positions of emet",
                    "finish_gradient: the same 1,024 gradients as dW += outer(dy, x)",
                    "every row as the cache recorded it", "the seed's 8 losses, on every engine"):
        expect(outputs.filter(has_text=printed)).to_have_count(1)
    for text in ("39,703 Values made:", "times faster than scalar"):  # masked from nbval, but shown
        expect(outputs.filter(has_text=text)).to_have_count(1)
    for code in ("plot_node_counts(", "plot_profile(", "plot_engine_losses(", "plot_speeds("):
        image = notebook.locator(".jp-CodeCell").filter(has_text=code).locator(".jp-OutputArea-output img")
        expect(image).to_have_count(1)
        assert image.evaluate("img => img.complete && img.naturalWidth > 300 && img.naturalHeight > 100")
    sources = notebook.locator(".jp-CodeCell").filter(has_text="show_source(fast.").locator(".jp-OutputArea-output pre")
    expect(sources).to_have_count(4)
    for source in sources.all():  # the package's code, printed: each line fits without wrapping
        source.scroll_into_view_if_needed()
        assert source.evaluate("""pre => { const wrap = pre.style.whiteSpace; pre.style.whiteSpace = "pre";
                                           const fits = pre.scrollWidth <= pre.clientWidth;
                                           pre.style.whiteSpace = wrap; return fits; }"""), source.inner_text()[:80]
    speeds = notebook.locator(".jp-CodeCell").filter(has_text="plot_speeds(")
    notebook.screenshot("10_efficiency-speeds", speeds)
    expect(outputs.filter(has_text="❌ Not yet. Hint:")).to_have_count(3)  # the exercises, still to do


def test_11_experiments(run_notebook):
    from microgpt import load_words, run_experiment  # only this test needs them

    notebook = run_notebook("11_experiments.ipynb")
    names = load_names()
    outputs = notebook.locator(".jp-OutputArea-output")
    assert len(notebook.cells_with_output("image/png")) == 6  # heads, switches, rates, shuffle, bigger, steps
    expect(outputs.filter(has_text="all 1000 losses are the seed's")).to_have_count(1)
    expect(outputs.filter(has_text="microgpt: error: model.json is not a microgpt run")).to_have_count(1)
    expect(outputs.filter(has_text="❌ Not yet. Hint:")).to_have_count(3)  # the exercises, still to do

    lab = notebook.locator(".microgpt-experiment-lab")
    lab.scroll_into_view_if_needed()
    status = lab.locator("div.microgpt-experiment-status[data-state]")
    diff = lab.locator(".microgpt-diff")
    expect(status).to_have_attribute("data-state", "done")  # its preset, the learning rate at 0.03, has run
    expect(diff.locator(".microgpt-diff-setting")).to_have_attribute("data-setting", "learning_rate")
    expect(diff.locator(".microgpt-diff-first")).to_have_attribute("data-step", "2")
    printed = notebook.locator(".jp-CodeCell").filter(has_text="print(lab.report())")
    final = printed.locator(".jp-OutputArea-output").inner_text().split("final loss (mean of the last 100 steps): ")[1]
    expect(diff.locator(".microgpt-diff-final")).to_contain_text(final.split()[2])  # the widget shows the cell's run
    expect(lab.locator("img.microgpt-experiment-plot")).to_be_visible()
    rate = lab.locator(".microgpt-experiment-rate")
    expect(rate).to_have_text("0.03")  # shown beside the slider, whose own readout (typed into, ignored) is hidden
    assert notebook.oversized_outputs() == []  # the controls, the picture and the diff on one screen
    notebook.screenshot("11_experiments-lab", lab)

    plan = lab.locator("div.microgpt-experiment-plan[data-runnable]")
    selects = {name: lab.locator("select").nth(i) for i, name in enumerate(("data", "n_layer", "n_embd", "n_head"))}
    sliders = {name: lab.locator(".widget-slider").filter(has=notebook.page.get_by_text(label, exact=True))
               for name, label in (("block_size", "block_size"), ("num_steps", "steps"),
                                   ("learning_rate", "learning rate"))}
    run = lab.locator("button", has_text="run")
    expect(sliders["learning_rate"].locator(".widget-readout")).to_be_hidden()  # no box to type a rate into

    def press(slider, key):
        slider.locator(".noUi-handle").focus()
        notebook.page.keyboard.press(key)

    press(sliders["learning_rate"], "ArrowLeft")  # back to the seed's 0.01: now only the heads will differ
    selects["n_head"].select_option("1")
    expect(plan).to_have_attribute("data-runnable", "true")
    expect(status).to_have_attribute("data-state", "idle")
    expect(status).to_contain_text("still the last run's")
    expect(status).to_contain_text("1000 steps in")  # the finished run's message stays, before the note
    expect(rate).to_have_text("0.01")
    run.click()
    expect(status).to_have_attribute("data-state", "done")
    expect(diff.locator(".microgpt-diff-setting")).to_have_attribute("data-setting", "n_head")
    expect(diff.locator(".microgpt-diff-first")).to_have_attribute("data-step", "1")
    one_head = run_experiment(names, engine="numpy", n_head=1)
    expect(diff.locator(".microgpt-diff-final")).to_contain_text(f"{one_head.final_loss:.4f}")
    expect(lab.locator(".microgpt-diff-sample")).to_have_count(10)  # the first ten names of each run
    expect(lab.locator(".microgpt-diff-sample").nth(1)).to_contain_text(one_head.samples[1])

    selects["n_head"].select_option("16")  # the ends of each control: a message each, never a traceback
    expect(plan).to_contain_text("16 heads, each 1 number wide")
    selects["n_embd"].select_option("8")
    expect(plan.locator(".microgpt-experiment-error")).to_contain_text("cannot be split into 16 heads")
    expect(plan).to_have_attribute("data-runnable", "false")
    expect(run).to_be_disabled()
    selects["n_embd"].select_option("16")
    selects["n_head"].select_option("4")
    press(sliders["block_size"], "Home")
    expect(plan).to_contain_text("Block size 1: the model reads only BOS")
    press(sliders["block_size"], "End")
    expect(plan).not_to_contain_text("Block size")
    press(sliders["num_steps"], "Home")
    expect(plan).to_contain_text("100 steps: the model has barely begun")
    seed = lab.locator(".widget-text input")
    seed.fill("4.2")
    expect(plan.locator(".microgpt-experiment-error")).to_contain_text("The random seed must be a whole number")
    expect(run).to_be_disabled()
    seed.fill("42")
    selects["data"].select_option("words")
    longest = max(map(len, load_words()))
    assert longest >= 16  # so block size 16 cuts some words
    expect(plan).to_contain_text("Other data")
    expect(plan).to_contain_text("Documents of 16 letters or more are cut")
    selects["data"].select_option("names")
    press(sliders["learning_rate"], "End")
    expect(plan).to_contain_text("Learning rate 0.3")
    press(sliders["num_steps"], "End")  # 5000 steps: at 0.3 the seed's model diverges within the first 100
    run.click()
    expect(status).to_have_attribute("data-state", "stopped")
    expect(status).to_contain_text("training has diverged")
    expect(lab.locator(".microgpt-experiment-plot")).to_be_hidden()
    expect(diff).to_have_count(0)
    expect(lab.locator(".microgpt-diff-sample")).to_have_count(0)
    assert notebook.oversized_outputs() == []
    notebook.screenshot("11_experiments-lab-diverged", lab)
    printed.locator(".jp-InputArea-editor").click()  # run the report cell again: no record, and it says so
    notebook.page.keyboard.press("Shift+Enter")
    expect(printed.locator(".jp-OutputArea-output")).to_contain_text("No record to compare. The run stopped at step")
    assert notebook.problems() == []
