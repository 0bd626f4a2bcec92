"""Attention: which earlier letters each position of a name looks at, in every layer and head.

`read_attention` is the pure function: it runs a model over a name and returns what its KV cache
recorded (`cache.attention[layer][head][query]`), with the labels to draw it by and any message for
the reader. `attention_html` draws one head, or all heads as a grid, as HTML tables of coloured cells
(fast enough to redraw at every keystroke: no matplotlib); `attention_table` prints the same numbers
as text, for a cell nbval compares. `attention_explorer` is the thin widget around them. Stable CSS
classes for the browser test: microgpt-attention-explorer, microgpt-attention-view, microgpt-attn-map,
microgpt-attn-cell (its weight in `data-tip`, shown on hover or click), microgpt-attn-unseen (a later
position, hatched), microgpt-attn-note, microgpt-attn-error.
"""

import html
import math
from dataclasses import dataclass

import ipywidgets as widgets

from ..config import check_tokenizer
from .tokens import BOS_NAME, name_input, shorten, unknown_message

ALL_HEADS = "all"  # attention_html's head for a grid of every head of the layer
EXAMPLES = ("emma", "olivia", "isabella", "elizabeth", "christopher", "noah", "mia", "", "maximilianalexander")
GRID_WIDTH, GRID_HEIGHT = 760, 600  # px the heatmaps may fill: with the controls, one 1300x900 screen
MAX_CELL, MIN_CELL = 24, 8  # px per weight
LOW, HIGH = (255, 255, 255), (8, 48, 107)  # the colours of weight 0 and weight 1: white to dark blue
LEGEND = (0, 0.05, 0.25, 0.5, 1)  # the weights the legend shows the colour of
STYLE = """<style>
.microgpt-attn-map th, .microgpt-attn-map td { padding: 0; }
.microgpt-attn-cell { position: relative; cursor: pointer; }
.microgpt-attn-unseen { background: repeating-linear-gradient(135deg, #fff 0 2px, #999 2px 3px); }
.microgpt-attn-cell:hover, .microgpt-attn-cell:focus { outline: 2px solid #d62728; outline-offset: -2px; }
.microgpt-attn-cell:hover::after, .microgpt-attn-cell:focus::after {
  content: attr(data-tip); position: absolute; left: 0; top: 100%; z-index: 10; background: #ffd;
  border: 1px solid #999; padding: 1px 4px; white-space: nowrap; font: 12px monospace; color: #000; }
.microgpt-attn-cell[data-right]:hover::after, .microgpt-attn-cell[data-right]:focus::after { left: auto; right: 0; }
</style>"""  # a cell's weight shows on hover, and on click (focus); right-half cells open their tip leftwards.
# A later position is hatched, so that it cannot pass for a weight near 0 (near white).


@dataclass(frozen=True)
class AttentionMaps:
    """What a model's attention did on one name.

    `labels[i]` names position i: BOS, then the letters the model read. `weights[layer][head][query]`
    is the list of weights position `query` gave to positions 0..query. `note` says what the reader
    should know (the name was cut to block_size positions; an empty name). `error` says why there is
    nothing to draw (characters outside the vocabulary); then labels and weights are empty.
    """

    name: str
    labels: tuple = ()
    weights: tuple = ()
    note: str = ""
    error: str = ""


def read_attention(model, tokenizer, name):
    """AttentionMaps of `name`: the model reads BOS and the name's letters, at most block_size positions.

    Any engine records the same weights; the fast one takes milliseconds.
    """
    check_tokenizer(model.config, tokenizer)
    unknown = sorted(set(name) - set(tokenizer.chars))
    if unknown:
        return AttentionMaps(name, error=unknown_message(tokenizer, name, unknown))
    block_size = model.config.block_size
    tokens = ([tokenizer.bos] + tokenizer.encode(name))[:block_size]
    cache = model.new_cache()
    for pos_id, token_id in enumerate(tokens):
        model.logits(token_id, pos_id, cache)
    note = ""
    if not name:
        note = "An empty name is just BOS: position 0 has only itself to look at, with weight 1."
    elif len(name) >= block_size:
        unseen = name[block_size - 1:]
        note = (f"The model reads at most {block_size} positions: BOS and the first {block_size - 1} letters. "
                f"The rest, {shorten(unseen)!r}, is never seen.")
    return AttentionMaps(name, (BOS_NAME,) + tuple(name[:block_size - 1]),
                         tuple(tuple(layer) for layer in cache.attention), note)


def colour(weight):
    """The cell colour of a weight in [0, 1]: white for 0, dark blue for 1, by the square root, so that
    the small weights of a long name, spread over many letters, still show."""
    return "#" + "".join(f"{round(lo + (hi - lo) * math.sqrt(weight)):02x}" for lo, hi in zip(LOW, HIGH))


def cell_size(n_positions, n_maps):
    """(columns of the grid, px per cell) so that `n_maps` heatmaps of n x n cells fit the screen."""
    columns = math.ceil(math.sqrt(n_maps))
    rows = math.ceil(n_maps / columns)
    label = 3 * MAX_CELL  # the row labels and the map's title
    fit = min((GRID_WIDTH // columns - label) // n_positions, (GRID_HEIGHT // rows - label) // n_positions)
    return columns, max(MIN_CELL, min(MAX_CELL, fit))


def weight_cell(labels, query, key, weight, leftwards):
    """A seen cell: its colour, and its weight in a tip shown on hover or click (`leftwards` on the right)."""
    says = f"{labels[query]} ({query}) → {labels[key]} ({key}): {weight:.4f}"
    side = "data-right " if leftwards else ""
    return (f'<td class="microgpt-attn-cell" tabindex="0" {side}data-tip="{html.escape(says)}" '
            f'style="background:{colour(weight)}"></td>')


def heatmap(maps, layer, head, size, column=0, columns=1):
    """One head's weights as an HTML table: a row per query position, a column per key position.

    The table is in grid column `column` of `columns`: cells in the right half of the grid open their
    tips leftwards, so that no tip reaches past the picture's right edge.
    """
    labels = maps.labels
    leftwards = [(column + (key + 0.5) / len(labels)) / columns > 0.5 for key in range(len(labels))]
    header = "".join(f'<th style="width:{size}px;font-weight:normal;font-size:{min(12, 2 * size // len(label))}px">'
                     f"{html.escape(label)}</th>" for label in labels)  # BOS in smaller letters, to fit its column
    rows = []
    for query, weights in enumerate(maps.weights[layer][head]):
        cells = [weight_cell(labels, query, key, w, leftwards[key]) for key, w in enumerate(weights)]
        cells += ['<td class="microgpt-attn-unseen"></td>'] * (len(labels) - len(weights))
        rows.append(f'<tr style="height:{size}px"><th style="text-align:right;padding-right:3px">'
                    f'{html.escape(labels[query])}</th>{"".join(cells)}</tr>')
    return (f'<table class="microgpt-attn-map" data-head="{head}" style="border-collapse:separate;'
            f'border-spacing:1px;font-family:monospace;font-size:{min(12, size - 2)}px;line-height:1;margin:0">'
            '<caption style="font:12px sans-serif;text-align:left;white-space:nowrap">'
            f"layer {layer}, head {head}</caption><tr><th></th>{header}</tr>{''.join(rows)}</table>")


def legend():
    swatches = "".join(f'<span style="background:{colour(w)};border:1px solid #bbb;margin-left:4px">'
                       f"&nbsp;&nbsp;&nbsp;</span>&nbsp;{w:g}" for w in LEGEND)
    unseen = '<span class="microgpt-attn-unseen" style="border:1px solid #bbb">&nbsp;&nbsp;&nbsp;</span>'
    return ('<p style="font-size:12px;line-height:1.6;margin:4px 0">A row: where that position (the query) looks; '
            f"its weights add up to 1. Weight:{swatches}; {unseen} a later position, not read yet: no weight at "
            "all. Hover over or click a cell for its weight.</p>")


def attention_html(maps, layer, head):
    """HTML of one head's weights (`head` an int) or of every head of `layer` (`head` = ALL_HEADS).

    Rows are the positions looking (queries), columns the positions looked at (keys); a cell's colour
    is its weight, its exact value shows on hover or click. Messages replace or precede the picture.
    """
    if maps.error:
        return f'<p class="microgpt-attn-error" style="color:#b00020">{html.escape(maps.error)}</p>'
    heads = range(len(maps.weights[layer])) if head == ALL_HEADS else [head]
    columns, size = cell_size(len(maps.labels), len(heads))
    note = f'<p class="microgpt-attn-note">{html.escape(maps.note)}</p>' if maps.note else ""
    grid = (f'<div style="display:grid;grid-template-columns:repeat({columns}, max-content);gap:6px 18px">'
            + "".join(heatmap(maps, layer, h, size, i % columns, columns) for i, h in enumerate(heads)) + "</div>")
    return STYLE + note + grid + legend()


def attention_table(maps, layer, head):
    """One head's weights as text: a row per query position, a column per key position, 2 decimals."""
    if maps.error:
        return maps.error
    width = max(4, *(len(label) for label in maps.labels))
    lines = [" " * width + "".join(f"{label:>{width + 1}}" for label in maps.labels)]
    for label, weights in zip(maps.labels, maps.weights[layer][head]):
        lines.append(f"{label:>{width}}" + "".join(f"{w:>{width + 1}.2f}" for w in weights))
    return "\n".join(lines)


def attention_explorer(model, tokenizer, name="emma", examples=EXAMPLES):
    """Type a name (or pick an example), choose the layer and a head or all heads: the weights, drawn.

    Use the fast engine (make_model(..., engine="fast")): a new name is read in milliseconds. Changing
    the layer or head only redraws the name already read.
    """
    cfg = model.config
    text, name_row = name_input("name:", name, examples, cfg.block_size)
    layer = widgets.Dropdown(options=[(f"layer {i}", i) for i in range(cfg.n_layer)], value=0,
                             description="layer:", layout=widgets.Layout(width="160px"))
    head = widgets.ToggleButtons(options=[(f"head {h}", h) for h in range(cfg.n_head)] + [("all heads", ALL_HEADS)],
                                 value=0, style={"button_width": "84px"})
    view = widgets.HTML()
    view.add_class("microgpt-attention-view")
    read = {"maps": read_attention(model, tokenizer, name)}

    def draw(_=None):
        view.value = attention_html(read["maps"], layer.value, head.value)

    def new_name(change):
        read["maps"] = read_attention(model, tokenizer, change["new"])
        draw()

    text.observe(new_name, names="value")
    layer.observe(draw, names="value")
    head.observe(draw, names="value")
    draw()
    box = widgets.VBox([name_row, widgets.HBox([layer, head]), view])
    box.add_class("microgpt-attention-explorer")
    return box
