"""microgpt.viz.attention: the weights read from the cache, their HTML and text, and the explorer around them,
on the tiny 2-layer, 2-head model (block_size 5) and on the shipped one."""

import html
import math
import re

import pytest

from microgpt import load_shipped, make_model
from microgpt.viz import attention
from microgpt.viz.attention import ALL_HEADS, attention_html, attention_table, read_attention

from .viz_helpers import modules_loaded_by


@pytest.fixture
def fast_tiny(tiny_model):
    return make_model(tiny_model.config, tiny_model.weights(), engine="fast")


TIP = re.compile(r'data-tip="[^"]* \((\d+)\) → [^"]* \((\d+)\): ([\d.]+)"')


def cells(drawn):
    """(query, key, weight) of every drawn weight, from the tips the cells show on hover."""
    return [(int(q), int(k), float(w)) for q, k, w in TIP.findall(drawn)]


def test_the_attention_module_does_not_import_matplotlib():
    loaded = modules_loaded_by("microgpt.viz.attention")
    assert "ipywidgets" in loaded and "matplotlib" not in loaded


def test_read_attention_is_what_the_cache_recorded_in_every_layer_and_head(tiny_model, tiny_tokenizer):
    maps = read_attention(tiny_model, tiny_tokenizer, "bob")
    cache = tiny_model.new_cache()
    for pos, token_id in enumerate([tiny_tokenizer.bos] + tiny_tokenizer.encode("bob")):
        tiny_model.logits(token_id, pos, cache)
    assert maps.labels == ("BOS", "b", "o", "b") and maps.note == maps.error == ""
    assert [list(layer) for layer in maps.weights] == cache.attention
    assert len(maps.weights) == 2 and all(len(layer) == 2 for layer in maps.weights)
    for row in (row for layer in maps.weights for head in layer for row in head):
        assert math.isclose(sum(row), 1)


def test_every_engine_reads_the_same_weights(tiny_model, fast_tiny, tiny_tokenizer):
    scalar = read_attention(tiny_model, tiny_tokenizer, "eve")
    assert read_attention(fast_tiny, tiny_tokenizer, "eve") == scalar
    numpy_engine = make_model(tiny_model.config, tiny_model.weights(), engine="numpy")
    for layer, layer_np in zip(scalar.weights, read_attention(numpy_engine, tiny_tokenizer, "eve").weights):
        for head, head_np in zip(layer, layer_np):
            assert all(math.isclose(a, b, abs_tol=1e-12)
                       for row, row_np in zip(head, head_np) for a, b in zip(row, row_np))


def test_an_empty_name_is_bos_alone(fast_tiny, tiny_tokenizer):
    maps = read_attention(fast_tiny, tiny_tokenizer, "")
    assert maps.labels == ("BOS",) and maps.weights[1][1] == [[1.0]]
    assert "empty name" in maps.note
    assert cells(attention_html(maps, 0, 0)) == [(0, 0, 1.0)]


def test_a_name_longer_than_the_block_is_cut_to_what_the_model_reads(fast_tiny, tiny_tokenizer):
    maps = read_attention(fast_tiny, tiny_tokenizer, "gloriafabian")  # block_size 5: BOS and 4 letters
    assert maps.labels == ("BOS", "g", "l", "o", "r")
    assert len(maps.weights[0][0]) == 5
    assert "at most 5 positions" in maps.note and "'iafabian'" in maps.note
    assert "iafabian" in attention_html(maps, 1, 1)
    assert read_attention(fast_tiny, tiny_tokenizer, "glor").note == ""  # BOS and 4 letters: all read
    assert "The rest, 'i', is never seen" in read_attention(fast_tiny, tiny_tokenizer, "glori").note


@pytest.mark.parametrize("name, words", [
    ("Bob", ["'B'", "try 'bob'"]),
    ("bob!", ["'!'"]),
    ("zed", ["'z'"]),
    (" bob", ["' '"]),
])
def test_characters_outside_the_vocabulary_give_a_message_not_a_picture(fast_tiny, tiny_tokenizer, name, words):
    maps = read_attention(fast_tiny, tiny_tokenizer, name)
    assert maps.labels == () and maps.weights == ()
    drawn = attention_html(maps, 0, ALL_HEADS)
    assert "microgpt-attn-error" in drawn and "microgpt-attn-map" not in drawn
    assert all(word in maps.error for word in words), maps.error
    assert ("try" in maps.error) == (name == "Bob")
    assert attention_table(maps, 0, 0) == maps.error


def test_a_long_unknown_input_gives_a_short_message(fast_tiny, tiny_tokenizer):
    maps = read_attention(fast_tiny, tiny_tokenizer, "<script>" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 50)
    assert len(maps.error) < 300 and "'<', '>', 'A', 'B', 'C' and more" in maps.error
    assert "<script>" not in attention_html(maps, 0, 0)  # shown as text, not markup


def test_one_head_draws_its_weights_in_every_seen_cell_and_hatched_cells_after(fast_tiny, tiny_tokenizer):
    maps = read_attention(fast_tiny, tiny_tokenizer, "anna")
    for layer in (0, 1):
        for head in (0, 1):
            drawn_html = attention_html(maps, layer, head)
            assert drawn_html.count('class="microgpt-attn-map"') == 1 and f'data-head="{head}"' in drawn_html
            drawn = cells(drawn_html)
            assert [(q, k) for q, k, _ in drawn] == [(q, k) for q in range(5) for k in range(q + 1)]
            assert all(math.isclose(w, maps.weights[layer][head][q][k], abs_tol=5e-5) for q, k, w in drawn)
            assert drawn_html.count('<td class="microgpt-attn-unseen">') == 5 * 4 // 2  # later positions, unseen
            assert f"layer {layer}, head {head}" in drawn_html


def test_unseen_cells_are_hatched_not_a_colour_a_weight_could_have(fast_tiny, tiny_tokenizer):
    drawn = attention_html(read_attention(fast_tiny, tiny_tokenizer, "anna"), 0, 0)
    hatched = re.search(r"\.microgpt-attn-unseen \{ background: (repeating-linear-gradient\([^;]+\)); \}", drawn)
    assert hatched, "the hatching is defined once, in the style"
    unseen_tds = re.findall(r'<td class="microgpt-attn-unseen"[^>]*>', drawn)
    assert unseen_tds and all("style" not in td for td in unseen_tds)  # no inline colour overrides the hatching
    assert "a later position, not read yet: no weight at all" in drawn  # the legend says what hatching means
    assert 'class="microgpt-attn-unseen"' in drawn.split("<p")[-1]  # ... next to a hatched swatch


def test_all_heads_draws_one_map_per_head(fast_tiny, tiny_tokenizer):
    drawn = attention_html(read_attention(fast_tiny, tiny_tokenizer, "hal"), 1, ALL_HEADS)
    assert drawn.count('class="microgpt-attn-map"') == 2
    assert "layer 1, head 0" in drawn and "layer 1, head 1" in drawn


def test_colours_go_from_white_to_dark_blue():
    assert attention.colour(0) == "#ffffff" and attention.colour(1) == "#08306b"
    shades = [int(attention.colour(w / 10)[1:3], 16) for w in range(11)]
    assert shades == sorted(shades, reverse=True)


@pytest.mark.parametrize("positions, maps_drawn", [(1, 1), (16, 1), (16, 4), (16, 2), (16, 8), (5, 4)])
def test_the_pictures_fit_the_screen(positions, maps_drawn):
    columns, size = attention.cell_size(positions, maps_drawn)
    rows = math.ceil(maps_drawn / columns)
    labels = 3 * attention.MAX_CELL  # room for a map's row labels and its title
    assert attention.MIN_CELL <= size <= attention.MAX_CELL and columns * rows >= maps_drawn
    assert size == attention.MIN_CELL or (columns * (positions * size + labels) <= attention.GRID_WIDTH
                                          and rows * (positions * size + labels) <= attention.GRID_HEIGHT)


def test_the_table_prints_the_weights_the_picture_draws(fast_tiny, tiny_tokenizer):
    maps = read_attention(fast_tiny, tiny_tokenizer, "eve")
    lines = attention_table(maps, 1, 0).splitlines()
    assert lines[0].split() == ["BOS", "e", "v", "e"]
    for q, line in enumerate(lines[1:]):
        label, *weights = line.split()
        assert label == maps.labels[q] and [float(w) for w in weights] == [round(w, 2) for w in maps.weights[1][0][q]]


def test_the_explorer_redraws_for_a_name_a_layer_and_a_head(fast_tiny, tiny_tokenizer):
    box = attention.attention_explorer(fast_tiny, tiny_tokenizer, "anna", examples=("anna", "bob", ""))
    (text, pick), (layer, head), view = box.children[0].children, box.children[1].children, box.children[2]
    assert "microgpt-attention-explorer" in box._dom_classes and "microgpt-attention-view" in view._dom_classes
    assert [label for label, _ in head.options] == ["head 0", "head 1", "all heads"]
    assert [label for label, _ in layer.options] == ["layer 0", "layer 1"]
    assert view.value == attention_html(read_attention(fast_tiny, tiny_tokenizer, "anna"), 0, 0)
    text.value = "bob"
    assert pick.value == "bob" and view.value == attention_html(read_attention(fast_tiny, tiny_tokenizer, "bob"), 0, 0)
    layer.value, head.value = 1, 1
    assert view.value == attention_html(read_attention(fast_tiny, tiny_tokenizer, "bob"), 1, 1)
    head.value = ALL_HEADS
    assert view.value.count('class="microgpt-attn-map"') == 2
    pick.value = ""
    assert text.value == "" and "empty name" in view.value
    text.value = "Anna"
    assert pick.value is None and "try 'anna'" in html.unescape(view.value)
    text.value = "gloriafabian"
    assert "never seen" in view.value


def test_a_tokenizer_of_another_model_is_refused(fast_tiny):
    ck = load_shipped()
    with pytest.raises(ValueError, match="use the tokenizer the model was trained with"):
        read_attention(fast_tiny, ck.tokenizer, "emma")


def test_the_shipped_model_draws_a_15_letter_name_in_a_blink():
    ck = load_shipped()
    maps = read_attention(make_model(ck.config, ck.weights, engine="fast"), ck.tokenizer, "maximilianalexander")
    assert len(maps.labels) == 16 and "'nder'" in maps.note
    drawn = attention_html(maps, 0, ALL_HEADS)
    assert len(cells(drawn)) == 4 * 16 * 17 // 2
    assert len(drawn) < 120_000  # sent to the browser at every keystroke


def test_tips_open_leftwards_in_the_right_half_of_the_picture(fast_tiny, tiny_tokenizer):
    maps = read_attention(fast_tiny, tiny_tokenizer, "anna")  # 5 positions
    leftwards = [["data-right" in cell for cell in row.split("<td")[1:]]
                 for row in attention_html(maps, 0, 0).split("<tr")[2:]]
    assert leftwards[-1] == [False, False, False, True, True]
    left_map, right_map = attention_html(maps, 0, ALL_HEADS).split('class="microgpt-attn-map"')[1:]
    assert "data-right" not in left_map and right_map.count("data-right") == 15
