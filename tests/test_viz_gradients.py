"""microgpt.viz.gradients: notebook 03's inspector (its expression and its widget, at every corner of the
sliders) and notebook 07's, on a model: the gradients it reads, what it says of each weight, its HTML, its text
and its widget, on the tiny 2-layer, 2-head model (block_size 5) and on the shipped one."""

import html
import itertools
import math
import re

import ipywidgets as widgets
import pytest

from microgpt import load_shipped, make_model, parameter_shapes, topological_order
from microgpt.viz import gradients
from microgpt.viz.gradients import (INSPECTOR_RANGE, gradient_html, gradient_inspector, gradient_map,
                                    gradient_table, inspect_expression, model_gradient_inspector, read_gradients)
from microgpt.viz.graph import to_dot

from .viz_helpers import modules_loaded_by


def by_label(root):
    return {node.label: node for node in topological_order(root) if node.label}


def sigmoid(n):
    return 1 / (1 + math.exp(-n))


@pytest.mark.parametrize("a, b, c", [(1.0, 0.5, -0.2), (-2.0, 3.0, 1.5), (0.0, 0.0, 0.0)])
def test_inspector_expression_has_the_gradients_of_a_sigmoid(a, b, c):
    loss = inspect_expression(a, b, c)
    s = sigmoid(a * b + c)
    nodes = by_label(loss)
    assert math.isclose(loss.data, s, rel_tol=1e-12)
    slope = s * (1 - s)  # d sigmoid(n) / dn
    assert math.isclose(nodes["a"].grad, slope * b, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(nodes["b"].grad, slope * a, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(nodes["c"].grad, slope, rel_tol=1e-9)
    assert math.isclose(nodes["n"].grad, slope, rel_tol=1e-9)


def test_inspector_works_at_every_corner_of_the_slider_range():
    for a, b, c in itertools.product(INSPECTOR_RANGE, repeat=3):
        loss = inspect_expression(a, b, c)
        assert all(math.isfinite(node.data) and math.isfinite(node.grad) for node in topological_order(loss))
        assert to_dot(loss, fold_constants=False).count("shape=record") == 11
        assert to_dot(loss, rankdir="TB", op_nodes=False).count("<table") == 9  # -1 and 1 folded


def test_the_inspector_graph_names_every_value_and_its_operation():
    dot = to_dot(inspect_expression(1.0, 0.5, -0.2), rankdir="TB", op_nodes=False)
    for label in ("a", "b", "c", "e", "n", "-n", "exp(-n)", "1 + exp(-n)", "L"):
        assert f"<b>{label}</b>" in dot
    for op in ("*", "+", "* -1", "exp", "+ 1", "**-1"):
        assert f">{op}</td>" in dot


def test_gradient_inspector_is_three_bounded_sliders_above_a_marked_output():
    inspector = gradient_inspector()
    sliders_box, out = inspector.children
    sliders = sliders_box.children
    assert [s.description for s in sliders] == ["a", "b", "c"]
    assert [s.value for s in sliders] == [1.0, 0.5, -0.2]
    assert all(isinstance(s, widgets.FloatSlider) and (s.min, s.max) == INSPECTOR_RANGE for s in sliders)
    assert isinstance(inspector, widgets.VBox) and isinstance(sliders_box, widgets.HBox)
    assert isinstance(out, widgets.Output) and "microgpt-grad-inspector" in out._dom_classes


# --- notebook 07: the gradients of a model's weights for one name ---

@pytest.fixture
def fast_tiny(tiny_model):
    return make_model(tiny_model.config, tiny_model.weights(), engine="fast")


CELL = re.compile(r'<td title="([^"]*): ([-+][0-9.]+)" style="background:(#[0-9a-f]{6})')


def cells(drawn):
    """(gradient to 4 decimals, tip, colour) of every drawn weight, map after map, row after row."""
    return [(float(g), html.unescape(tip), colour) for tip, g, colour in CELL.findall(drawn)]


def matrices(config):
    return [name for name, _ in parameter_shapes(config)]


def test_the_gradients_module_does_not_import_matplotlib():
    loaded = modules_loaded_by("microgpt.viz.gradients")
    assert "ipywidgets" in loaded and "matplotlib" not in loaded


def test_read_gradients_is_the_model_s_loss_and_gradients(tiny_model, tiny_tokenizer):
    read = read_gradients(tiny_model, tiny_tokenizer, "bob")
    loss, grads = tiny_model.loss_and_gradients(tiny_tokenizer.encode_doc("bob"))
    assert read.loss == loss and read.gradients == {name: tuple(map(tuple, rows)) for name, rows in grads.items()}
    assert read.predictions == (("BOS", "b"), ("b", "o"), ("o", "b"), ("b", "BOS"))
    assert read.note == read.error == ""


@pytest.mark.parametrize("engine", ["fast", "numpy"])
def test_every_engine_reads_the_same_gradients(tiny_model, tiny_tokenizer, engine):
    scalar = read_gradients(tiny_model, tiny_tokenizer, "eve")
    other = make_model(tiny_model.config, tiny_model.weights(), engine=engine)
    read = read_gradients(other, tiny_tokenizer, "eve")
    assert math.isclose(read.loss, scalar.loss, rel_tol=1e-14)
    assert all(math.isclose(a, b, abs_tol=1e-14) for name in scalar.gradients
               for row, other_row in zip(scalar.gradients[name], read.gradients[name]) for a, b in zip(row, other_row))
    read_gradients(other, tiny_tokenizer, "hal")  # the numpy engine reuses its gradient arrays: a read is a copy
    assert read.gradients == read_gradients(other, tiny_tokenizer, "eve").gradients


def test_a_map_holds_its_matrix_gradient_labels_and_largest_entries(fast_tiny, tiny_tokenizer):
    read = read_gradients(fast_tiny, tiny_tokenizer, "anna")
    for name, (rows, cols) in parameter_shapes(fast_tiny.config):  # every matrix of both layers
        m = gradient_map(read, name)
        assert m.grad == read.gradients[name] and (len(m.rows), len(m.columns)) == (rows, cols)
        assert len(m.says) == rows and all(len(row) == cols for row in m.says)
        sizes = [abs(e.grad) for e in m.largest]
        assert sizes == sorted(sizes, reverse=True) and 0 not in sizes and len(m.largest) == gradients.TOP
        assert max(abs(g) for row in m.grad for g in row) == sizes[0]
        assert all(e.grad == m.grad[e.row][e.column] and e.says == m.says[e.row][e.column] for e in m.largest)
    assert gradient_map(read, "wte").rows == tuple(tiny_tokenizer.chars) + ("BOS",)
    assert gradient_map(read, "wpe").rows == ("0", "1", "2", "3", "4")
    assert len(gradient_map(read, "wte", top=3).largest) == 3
    with pytest.raises(ValueError, match="no weight matrix 'layer2.mlp_fc1'"):
        gradient_map(read, "layer2.mlp_fc1")


def test_each_weight_is_said_by_what_it_connects(fast_tiny, tiny_tokenizer):
    read = read_gradients(fast_tiny, tiny_tokenizer, "anna")
    says = {name: gradient_map(read, name).says for name in matrices(fast_tiny.config)}
    a, bos = tiny_tokenizer.encode("a")[0], tiny_tokenizer.bos
    assert says["wte"][a][3] == "wte row 'a', number 3 of its 8"
    assert says["wte"][bos][0] == "wte row BOS, number 0 of its 8"
    assert says["wpe"][2][7] == "wpe row 2 (position 2), number 7 of its 8"
    assert says["lm_head"][a][5] == "lm_head row 'a' (the logit of 'a'), from number 5 of the stream"
    assert says["lm_head"][bos][0] == "lm_head row BOS (the logit of BOS), from number 0 of the stream"
    assert says["layer1.attn_wq"][5][2] == "layer1.attn_wq: number 5 of the query (head 1), from number 2 of the stream"
    assert says["layer0.attn_wk"][3][0] == "layer0.attn_wk: number 3 of the key (head 0), from number 0 of the stream"
    assert says["layer0.attn_wv"][4][1] == "layer0.attn_wv: number 4 of the value (head 1), from number 1 of the stream"
    assert says["layer1.attn_wo"][0][6] == ("layer1.attn_wo: number 0 of the stream, from number 6 of the heads' "
                                            "output (head 1)")
    assert says["layer0.mlp_fc1"][12][5] == "layer0.mlp_fc1: hidden unit 12, from number 5 of the stream"
    assert says["layer1.mlp_fc2"][3][30] == "layer1.mlp_fc2: number 3 of the stream, from hidden unit 30"


def test_only_the_rows_of_wte_and_wpe_that_a_name_reads_get_a_gradient(fast_tiny, tiny_tokenizer):
    read = read_gradients(fast_tiny, tiny_tokenizer, "eve")
    wte, wpe = gradient_map(read, "wte"), gradient_map(read, "wpe")
    assert [label for label, row in zip(wte.rows, wte.grad) if any(row)] == ["e", "v", "BOS"]
    assert [label for label, row in zip(wpe.rows, wpe.grad) if any(row)] == ["0", "1", "2", "3"]


def test_an_empty_name_is_one_prediction_and_leaves_queries_and_keys_alone(fast_tiny, tiny_tokenizer):
    read = read_gradients(fast_tiny, tiny_tokenizer, "")
    assert read.predictions == (("BOS", "BOS"),) and read.error == ""
    assert "An empty name is still a document" in read.note and f"p = {math.exp(-read.loss):.3f}" in read.note
    for layer in (0, 1):
        for kind in ("attn_wq", "attn_wk"):
            m = gradient_map(read, f"layer{layer}.{kind}")
            assert m.largest == () and not any(g for row in m.grad for g in row)
            assert "Every gradient of" in m.note and "one key" not in m.note  # the notebook asks why
    assert "Every gradient" not in gradient_map(read, "layer0.attn_wv").note
    drawn = gradient_html([gradient_map(read, "layer0.attn_wq")])
    assert "microgpt-gradmap-note" in drawn and {colour for _, _, colour in cells(drawn)} == {gradients.UNREACHED}
    assert "every gradient of layer0.attn_wq here" in drawn and "white near 0" not in drawn  # the legend says so
    assert "(an empty name): loss" in gradient_table(gradient_map(read, "lm_head"))


@pytest.mark.parametrize("name, scored, words", [
    ("dave", 5, None),  # BOS, 4 letters and BOS: 5 predictions, all of them
    ("carla", 5, "The name's end is never scored."),
    ("gloriafabian", 5, "up to letter 5, 'i'. The rest, 'afabian', and the name's end are never scored."),
])
def test_a_name_longer_than_the_block_is_scored_on_its_first_positions_only(fast_tiny, tiny_tokenizer, name, scored,
                                                                            words):
    read = read_gradients(fast_tiny, tiny_tokenizer, name)
    assert len(read.predictions) == scored
    assert read.predictions[-1][1] == ("BOS" if words is None else name[scored - 1])
    if words is None:
        assert read.note == ""
    else:
        assert read.note.startswith("The loss scores only the first 5 positions") and words in read.note
        assert html.escape(words) in gradient_html([gradient_map(read, "wte")])


@pytest.mark.parametrize("name, words", [("Anna", ["'A'", "try 'anna'"]), ("anna!", ["'!'"]), ("zed", ["'z'"])])
def test_characters_outside_the_vocabulary_give_a_message_not_a_map(fast_tiny, tiny_tokenizer, name, words):
    read = read_gradients(fast_tiny, tiny_tokenizer, name)
    assert read.loss is None and read.gradients == {} and all(word in read.error for word in words), read.error
    m = gradient_map(read, "layer1.mlp_fc2")
    assert m.error == read.error and m.grad == () and m.largest == ()
    drawn = gradient_html([m, gradient_map(read_gradients(fast_tiny, tiny_tokenizer, "anna"), "layer1.mlp_fc2")])
    assert drawn.count("microgpt-gradmap-error") == 1 and drawn.count('class="microgpt-gradmap"') == 1
    assert "white near 0" in drawn and "Gradient:" not in gradient_html([m])  # no legend without a map
    assert gradient_table(m) == read.error


def test_a_tokenizer_of_another_model_is_refused(fast_tiny):
    with pytest.raises(ValueError, match="use the tokenizer the model was trained with"):
        read_gradients(fast_tiny, load_shipped().tokenizer, "emma")


def test_colours_diverge_from_white_near_zero_and_exactly_zero_is_grey():
    scale = 0.4
    assert gradients.colour(1e-12, scale) == gradients.colour(-1e-12, scale) == "#ffffff"
    assert gradients.colour(0.0, scale) == gradients.colour(0.0, 0.0) == gradients.UNREACHED != "#ffffff"
    assert gradients.colour(scale, scale) == "#%02x%02x%02x" % gradients.POSITIVE
    assert gradients.colour(-scale, scale) == "#%02x%02x%02x" % gradients.NEGATIVE
    blues = [int(gradients.colour(scale * k / 10, scale)[1:3], 16) for k in range(11)]
    reds = [int(gradients.colour(-scale * k / 10, scale)[5:7], 16) for k in range(11)]
    assert blues == sorted(blues, reverse=True) and reds == sorted(reds, reverse=True)  # darker with size


def test_the_html_draws_every_weight_on_one_scale_for_both_names(fast_tiny, tiny_tokenizer):
    maps = [gradient_map(read_gradients(fast_tiny, tiny_tokenizer, name), "layer1.mlp_fc1") for name in ("anna", "bob")]
    drawn = gradient_html(maps)
    assert drawn.count('class="microgpt-gradmap"') == 2 and 'data-name="bob"' in drawn
    drawn_cells = cells(drawn)
    every = [(g, says) for m in maps for row, said in zip(m.grad, m.says) for g, says in zip(row, said)]
    assert [g for g, _, _ in drawn_cells] == [round(g, 4) for g, _ in every]
    assert [tip for _, tip, _ in drawn_cells] == [says.removeprefix("layer1.mlp_fc1: ") for _, says in every]
    scale = max(abs(g) for g, _ in every)
    assert [colour for _, _, colour in drawn_cells] == [gradients.colour(g, scale) for g, _ in every]
    assert drawn_cells[1][1] == "hidden unit 0, from number 1 of the stream"
    assert drawn.count(gradients.OUTLINE) == 2 * gradients.TOP  # the largest, outlined
    assert drawn.count('class="microgpt-gradmap-top"') == 2
    assert "<b>Blue</b>" in drawn and "<b>red</b>" in drawn and f"{scale:+.3g}" in drawn  # the legend


@pytest.mark.parametrize("n_maps", [1, 2])
def test_every_matrix_of_the_shipped_model_fits_the_screen(n_maps):
    config = load_shipped().config
    width = gradients.MAP_WIDTH * (1 if n_maps == 2 else 2)
    for name, (rows, cols) in parameter_shapes(config):
        w, h = gradients.cell_size(rows, cols, width)
        assert gradients.MIN_CELL <= min(w, h) and max(w, h) <= gradients.MAX_CELL
        assert gradients.LABEL_WIDTH + cols * w <= width and rows * h <= gradients.MAP_HEIGHT, name
        assert min(w, h) >= 5, f"{name}: cells too small to point at"


def test_the_text_lists_the_largest_entries_as_the_widget_does(fast_tiny, tiny_tokenizer):
    m = gradient_map(read_gradients(fast_tiny, tiny_tokenizer, "hal"), "lm_head")
    lines = gradient_table(m).splitlines()
    assert lines[0] == f"'hal': loss {m.loss:.4f} over 4 predictions"
    assert lines[1] == f"lm_head ({fast_tiny.config.vocab_size} x 8), its 5 largest gradients:"
    assert lines[2:] == [f"  {e.grad:+.4f}  {e.says.removeprefix('lm_head ')}" for e in m.largest]
    assert lines[2].startswith(f"  {m.largest[0].grad:+.4f}  row ")  # the header names the matrix
    drawn = gradient_html([m])
    listed = re.search(r'<ol class="microgpt-gradmap-top"[^>]*>(.*?)</ol>', drawn).group(1)
    assert [html.unescape(re.sub("<[^>]+>", "", item)) for item in re.findall(r"<li>(.*?)</li>", listed)] == [
        line.strip().replace("  ", " ", 1) for line in lines[2:]]
    fc1 = gradient_map(read_gradients(fast_tiny, tiny_tokenizer, "hal"), "layer1.mlp_fc1")
    assert gradient_table(fc1).splitlines()[2].endswith(fc1.largest[0].says.removeprefix("layer1.mlp_fc1: "))


def test_the_inspector_redraws_for_a_name_a_matrix_and_a_second_name(fast_tiny, tiny_tokenizer):
    box = model_gradient_inspector(fast_tiny, tiny_tokenizer, "anna", "wte", compare="bob",
                                   examples=("anna", "bob", "", "gloriafabian"))
    (first_row, matrix), (side, second_row), view = box.children[0].children, box.children[1].children, box.children[2]
    (first, pick), (second, second_pick) = first_row.children, second_row.children
    assert "microgpt-model-grads" in box._dom_classes and "microgpt-model-grads-view" in view._dom_classes
    assert [value for _, value in matrix.options] == matrices(fast_tiny.config)  # every matrix, both layers
    assert matrix.options[3] == ("layer0.attn_wq (8 × 8)", "layer0.attn_wq")

    def shown(*names, matrix_name):
        return gradient_html([gradient_map(read_gradients(fast_tiny, tiny_tokenizer, n), matrix_name) for n in names])

    assert view.value == shown("anna", "bob", matrix_name="wte")
    first.value = "eve"
    assert pick.value is None and view.value == shown("eve", "bob", matrix_name="wte")
    matrix.value = "layer1.mlp_fc2"
    assert view.value == shown("eve", "bob", matrix_name="layer1.mlp_fc2")
    second_pick.value = "gloriafabian"
    assert second.value == "gloriafabian" and "never scored" in view.value
    side.value = False
    assert view.value == shown("eve", matrix_name="layer1.mlp_fc2")
    pick.value = ""
    assert first.value == "" and "An empty name is still a document" in view.value
    first.value = "Eve"
    assert "try &#x27;eve&#x27;" in view.value and 'class="microgpt-gradmap"' not in view.value


def test_the_inspector_can_start_with_one_name(fast_tiny, tiny_tokenizer):
    box = model_gradient_inspector(fast_tiny, tiny_tokenizer, "bob", "lm_head", compare=None)
    side, second_row = box.children[1].children
    assert side.value is False and second_row.children[0].value == gradients.EXAMPLES[1]
    assert box.children[2].value.count('class="microgpt-gradmap"') == 1


def test_a_second_name_typed_with_the_box_unticked_ticks_it(fast_tiny, tiny_tokenizer):
    box = model_gradient_inspector(fast_tiny, tiny_tokenizer, "bob", "lm_head", compare=None,
                                   examples=("bob", "anna", "eve"))
    side, second_row = box.children[1].children
    second, second_pick = second_row.children
    second.value = "hal"
    assert side.value is True and box.children[2].value.count('class="microgpt-gradmap"') == 2
    assert 'data-name="hal"' in box.children[2].value
    side.value = False
    second_pick.value = "eve"
    assert side.value is True and 'data-name="eve"' in box.children[2].value


def test_spaces_inside_a_name_show_as_typed(fast_tiny, tiny_tokenizer):
    drawn = gradient_html([gradient_map(read_gradients(fast_tiny, tiny_tokenizer, "an  na"), "wte")])
    assert "<b>an  na</b>" in drawn and "&#x27;an  na&#x27;" in drawn  # HTML would show one space, but for:
    assert drawn.count("white-space:pre-wrap") == 2  # the title and the message


def test_spaces_around_a_name_are_dropped(fast_tiny, tiny_tokenizer):
    box = model_gradient_inspector(fast_tiny, tiny_tokenizer, "  bob ", "wte", compare="   ")
    view = box.children[2].value
    assert 'data-name="bob"' in view and 'data-name=""' in view and "An empty name is still a document" in view
    assert view == gradient_html([gradient_map(read_gradients(fast_tiny, tiny_tokenizer, name), "wte")
                                  for name in ("bob", "")])


def test_the_shipped_model_draws_two_of_its_largest_matrices_in_a_small_page():
    ck = load_shipped()
    fast = make_model(ck.config, ck.weights, engine="fast")
    maps = [gradient_map(read_gradients(fast, ck.tokenizer, name), "layer0.mlp_fc1")
            for name in ("maximilianalexander", "emma")]
    assert "The rest, 'der', and the name's end are never scored" in maps[0].note
    drawn = gradient_html(maps)
    assert len(cells(drawn)) == 2 * 64 * 16
    assert len(drawn) < 400_000  # sent to the browser at every keystroke
