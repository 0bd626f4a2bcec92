"""Graph and gradients: watch every Value's gradient change as the inputs move, then every weight's
gradient in the real model.

Notebook 03: `inspect_expression` is the pure function (a root Value after `backward()`);
`gradient_inspector` is the thin widget around it: sliders above, the graph below, small enough to see
both at once.

Notebook 07: `read_gradients` runs a model's `loss_and_gradients` on one name (with a note or an error
for the reader); `gradient_map` picks one weight matrix of it: its gradient, the labels of its rows and
columns, and its largest entries, each said in words (what the weight connects). `gradient_html` draws
one or two names side by side as HTML tables of coloured cells on one shared scale (fast enough to
redraw at every keystroke: no matplotlib), `gradient_table` prints the largest entries as text, for a
cell nbval compares, and `model_gradient_inspector` is the thin widget around them. Stable CSS classes
for the browser test: microgpt-model-grads (the widget), microgpt-model-grads-view, microgpt-gradmap
(one name's table, `data-name`; a `td` per weight, its gradient and what it connects in `title`),
microgpt-gradmap-top (the largest entries), microgpt-gradmap-note, microgpt-gradmap-error.
"""

import functools
import html
import math
from dataclasses import dataclass, field

import ipywidgets as widgets
from IPython.display import display

from ..autograd import Value
from ..config import check_tokenizer, parameter_shapes
from .tokens import BOS_NAME, name_input, shorten, unknown_message
from .graph import draw_graph

INSPECTOR_RANGE = (-3.0, 3.0)  # the sliders' range: exp() of a*b + c stays far from overflowing


def inspect_expression(a, b, c):
    """The inspector's expression after `backward()`: e = a*b, n = e + c, L = sigmoid(n) = 1 / (1 + exp(-n))."""
    a, b, c = Value(a, label="a"), Value(b, label="b"), Value(c, label="c")
    e = a * b
    e.label = "e"
    n = e + c
    n.label = "n"
    minus_n = -n
    minus_n.label = "-n"
    exp = minus_n.exp()
    exp.label = "exp(-n)"
    denominator = 1 + exp
    denominator.label = "1 + exp(-n)"
    loss = denominator ** -1
    loss.label = "L"
    loss.backward()
    return loss


def gradient_inspector(a=1.0, b=0.5, c=-0.2):
    """Sliders for a, b and c above the graph of `inspect_expression(a, b, c)`, redrawn when they move.

    The graph is drawn top to bottom with each operation inside its result's box (op_nodes=False),
    so sliders and graph fit on one screen. The graph's Output carries the class microgpt-grad-inspector.
    """
    low, high = INSPECTOR_RANGE
    sliders = {name: widgets.FloatSlider(value=value, min=low, max=high, step=0.1, description=name)
               for name, value in (("a", a), ("b", b), ("c", c))}

    def show(a, b, c):
        display(draw_graph(inspect_expression(a, b, c), rankdir="TB", op_nodes=False))

    out = widgets.interactive_output(show, sliders)
    out.add_class("microgpt-grad-inspector")
    return widgets.VBox([widgets.HBox(list(sliders.values())), out])


# --- notebook 07: the gradient of every weight of a model, for the loss of one name ---

EXAMPLES = ("emma", "ava", "olivia", "liam", "noah", "", "maximilianalexander")
TOP = 5  # the largest entries listed under each map
MAP_WIDTH, MAP_HEIGHT = 410, 384  # px one map may fill: two side by side and the controls fit one 1300x900 screen
LABEL_WIDTH = 30  # px of the row labels ("BOS", "63")
MAX_CELL, MIN_CELL = 16, 4  # px per weight
OUTLINE = ";outline:1px solid #000;outline-offset:-1px"  # around the largest entries
STYLE = ("<style>.microgpt-gradmap th, .microgpt-gradmap td { padding: 0; border: none; }"
         ".microgpt-gradmap tr { background: none !important; }</style>")  # JupyterLab pads and stripes tables
POSITIVE, NEGATIVE = (33, 102, 172), (178, 24, 43)  # the colours of the largest gradients: blue and red; 0 is white
UNREACHED = "#e3e3e3"  # a gradient of exactly 0: the name never reached the weight
LEGEND = (-1, -0.25, 0.25, 1)  # the shares of the largest gradient whose colours the legend shows
TOKEN_ROWS = ("wte", "lm_head")  # the kinds of matrix with a row per token
SAYS = {  # what entry [row][column] of each kind of matrix connects
    "wte": "wte row {token}, number {column} of its {n_embd}",
    "wpe": "wpe row {row} (position {row}), number {column} of its {n_embd}",
    "lm_head": "lm_head row {token} (the logit of {token}), from number {column} of the stream",
    "attn_wq": "{matrix}: number {row} of the query (head {row_head}), from number {column} of the stream",
    "attn_wk": "{matrix}: number {row} of the key (head {row_head}), from number {column} of the stream",
    "attn_wv": "{matrix}: number {row} of the value (head {row_head}), from number {column} of the stream",
    "attn_wo": "{matrix}: number {row} of the stream, from number {column} of the heads' output (head {column_head})",
    "mlp_fc1": "{matrix}: hidden unit {row}, from number {column} of the stream",
    "mlp_fc2": "{matrix}: number {row} of the stream, from hidden unit {column}",
}
AXES = {  # what the rows and the columns of each kind of matrix are
    "wte": ("tokens", "their numbers"),
    "wpe": ("positions", "their numbers"),
    "lm_head": ("tokens (their logits)", "numbers of the stream"),
    "attn_wq": ("numbers of the query, head by head", "numbers of the stream"),
    "attn_wk": ("numbers of the key, head by head", "numbers of the stream"),
    "attn_wv": ("numbers of the value, head by head", "numbers of the stream"),
    "attn_wo": ("numbers of the stream", "numbers of the heads' output, head by head"),
    "mlp_fc1": ("hidden units", "numbers of the stream"),
    "mlp_fc2": ("numbers of the stream", "hidden units"),
}


@dataclass(frozen=True)
class NameGradients:
    """What the loss of one name does to every weight of a model: `loss_and_gradients` on it.

    `predictions` are what the loss scores, one (token read, token to predict) pair of labels per position.
    `gradients` is {matrix: rows of floats}. `note` says what the reader should know (an empty name; a name
    longer than the model scores); `error` why there is nothing to draw (characters outside the
    vocabulary), and then there is no loss and no gradient.
    """

    name: str
    tokenizer: object = field(repr=False)
    config: object = field(repr=False)
    predictions: tuple = ()
    loss: float = None
    gradients: dict = field(default_factory=dict, repr=False)
    note: str = ""
    error: str = ""


@dataclass(frozen=True)
class Entry:
    """One weight: its row and column, its gradient, and what it connects, in words."""

    row: int
    column: int
    grad: float
    says: str


@dataclass(frozen=True)
class GradientMap:
    """One weight matrix's gradient for one name, as drawn: `grad` (rows of floats), a label per row and
    column, what rows and columns are (`axes`), what each weight connects (`says`), and the `largest`
    entries by size. `note` and `error` as in NameGradients (an error leaves nothing else)."""

    name: str
    matrix: str
    loss: float = None
    predictions: tuple = ()
    grad: tuple = ()
    rows: tuple = ()
    columns: tuple = ()
    axes: tuple = ("", "")
    says: tuple = ()  # rows of what each weight connects, in words: the tip of its cell
    largest: tuple = ()
    note: str = ""
    error: str = ""


def token_label(tokenizer, token_id):
    return BOS_NAME if token_id == tokenizer.bos else tokenizer.chars[token_id]


def quoted(tokenizer, token_id):
    """A token as the text of an entry says it: 'e' in quotes, BOS as it is."""
    return BOS_NAME if token_id == tokenizer.bos else repr(tokenizer.chars[token_id])


def read_gradients(model, tokenizer, name):
    """NameGradients of `name`: the loss of BOS, its letters and BOS, at most block_size predictions.

    Any engine gives the same numbers (the fast one to ~1e-15 of the scalar one, in milliseconds).
    """
    cfg = model.config
    check_tokenizer(cfg, tokenizer)
    unknown = sorted(set(name) - set(tokenizer.chars))
    if unknown:
        return NameGradients(name, tokenizer, cfg, error=unknown_message(tokenizer, name, unknown))
    tokens = tokenizer.encode_doc(name)
    n = model.predictions(tokens)
    loss, gradients = model.loss_and_gradients(tokens)
    labels = [token_label(tokenizer, t) for t in tokens]
    gradients = {matrix: tuple(tuple(float(g) for g in row) for row in rows) for matrix, rows in gradients.items()}
    return NameGradients(name, tokenizer, cfg, tuple(zip(labels[:n], labels[1:n + 1])), float(loss), gradients,
                         scored_note(name, float(loss), n, cfg.block_size))


def scored_note(name, loss, n, block_size):
    """What the reader should know about what the loss of `name` scores, or ""."""
    if not name:
        return (f"An empty name is still a document, BOS then BOS: one prediction, that the name ends at once. The "
                f"model gives that p = {math.exp(-loss):.3f}: a loss of {loss:.2f}.")
    if len(name) + 1 <= block_size:
        return ""
    rest = name[block_size:]
    unscored = f"The rest, {shorten(rest)!r}, and the name's end are" if rest else "The name's end is"
    return (f"The loss scores only the first {block_size} positions: the model reads BOS and {block_size - 1} "
            f"letters and predicts up to letter {n}, {name[n - 1]!r}. {unscored} never scored.")


def _layout(matrix, tokenizer, config):
    """(row labels, column labels, axes, says) of a weight matrix, `says(row, column)` its entry in words."""
    shapes = dict(parameter_shapes(config))
    if matrix not in shapes:
        raise ValueError(f"the model has no weight matrix {matrix!r}; it has {', '.join(shapes)}")
    n_rows, n_cols = shapes[matrix]
    kind = matrix.rsplit(".", 1)[-1]
    tokens = kind in TOKEN_ROWS
    rows = tuple(token_label(tokenizer, r) if tokens else str(r) for r in range(n_rows))
    hd = config.head_dim

    def says(row, column):
        return SAYS[kind].format(matrix=matrix, row=row, column=column, n_embd=config.n_embd, row_head=row // hd,
                                 column_head=column // hd, token=quoted(tokenizer, row) if tokens else "")
    return rows, tuple(str(c) for c in range(n_cols)), AXES[kind], says


def gradient_map(read, matrix, top=TOP):
    """GradientMap of `matrix` (a name of parameter_shapes) in `read` (a NameGradients): its `top` largest entries."""
    rows, columns, axes, says = _layout(matrix, read.tokenizer, read.config)
    if read.error:
        return GradientMap(read.name, matrix, error=read.error)
    grad = read.gradients[matrix]
    cells = [(r, c) for r in range(len(rows)) for c in range(len(columns)) if grad[r][c] != 0]
    cells.sort(key=lambda rc: -abs(grad[rc[0]][rc[1]]))
    note = read.note
    if not cells:  # e.g. attn_wq for an empty name; the notebook asks why, so the note does not say
        note = " ".join(filter(None, [note, f"Every gradient of {matrix} is 0 for this name: no weight of it "
                                            "changes its loss."]))
    words = tuple(tuple(says(r, c) for c in range(len(columns))) for r in range(len(rows)))
    largest = tuple(Entry(r, c, grad[r][c], words[r][c]) for r, c in cells[:top])
    return GradientMap(read.name, matrix, read.loss, read.predictions, grad, rows, columns, axes, words, largest,
                       note)


def colour(grad, scale):
    """The cell colour of a gradient on a scale of ±`scale`: from white near 0 to blue at +scale and red at
    -scale, by the square root of the share, so that the many small gradients still show beside the few
    large ones. Exactly 0, a weight the name never reached, is pale grey: it cannot pass for a tiny gradient."""
    if grad == 0:
        return UNREACHED
    share = math.sqrt(min(1.0, abs(grad) / scale))
    end = POSITIVE if grad > 0 else NEGATIVE
    return "#" + "".join(f"{round(255 + (e - 255) * share):02x}" for e in end)


def cell_size(n_rows, n_cols, width):
    """(width, height) in px of a cell, so that a map of n_rows x n_cols cells and its labels fit `width` px
    and MAP_HEIGHT px; not square: a 64 x 16 matrix gets flat cells, a 16 x 64 one narrow cells."""
    return (max(MIN_CELL, min(MAX_CELL, (width - LABEL_WIDTH) // n_cols)),
            max(MIN_CELL, min(MAX_CELL, MAP_HEIGHT // n_rows)))


def _every(size, room):
    """Label every k-th row or column (k = 1, 2, 4, 8 ...), so that labels `size` px apart get `room` px each."""
    k = 1
    while k * size < room:
        k *= 2
    return k


def _scored(m):
    n = len(m.predictions)
    return f"loss {m.loss:.4f} over {n} prediction{'' if n == 1 else 's'}"


def _title(m):
    name = html.escape(shorten(m.name)) if m.name else "(an empty name)"
    return f"<b>{name}</b>" + ("" if m.error else f": {_scored(m)}")


def _table(m, scale, width):
    """One map's gradient as an HTML table: a row per row of the matrix, a coloured cell per weight, the
    largest outlined; each cell's tip says what the weight connects, and its gradient."""
    n_rows, n_cols = len(m.rows), len(m.columns)
    w, h = cell_size(n_rows, n_cols, width)
    every_row, every_col = _every(h, 12), _every(w, 16)
    outlined = {(e.row, e.column) for e in m.largest}
    label = ('<div style="width:{w}px;height:{h}px;line-height:{h}px;overflow:visible;white-space:nowrap;'
             'font-size:10px;font-weight:normal;text-align:{align};padding:0">{text}</div>')
    header = "".join(f"<th>{label.format(w=w, h=12, align='left', text=c if i % every_col == 0 else '')}</th>"
                     for i, c in enumerate(m.columns))
    lines = []
    for r, (row_label, row, says) in enumerate(zip(m.rows, m.grad, m.says)):
        text = html.escape(row_label) if r % every_row == 0 else ""
        cells = "".join(
            f'<td title="{html.escape(_unnamed(said, m.matrix))}: {g:+.4f}" '
            f'style="background:{colour(g, scale)}{OUTLINE if (r, c) in outlined else ""}"></td>'
            for c, (g, said) in enumerate(zip(row, says)))  # a few bytes each: 2 x 1024 cells at every keystroke
        lines.append(f'<tr style="height:{h}px"><th>{label.format(w=LABEL_WIDTH - 3, h=h, align="right", text=text)}'
                     f"</th>{cells}</tr>")
    columns = f'<col style="width:{LABEL_WIDTH}px">' + f'<col style="width:{w}px">' * n_cols  # fixed: labels overflow
    return (f'<table class="microgpt-gradmap" data-name="{html.escape(m.name)}" style="table-layout:fixed;'
            f'border-collapse:collapse;width:{LABEL_WIDTH + w * n_cols}px;margin:2px 0">'
            f"<colgroup>{columns}</colgroup><tr><th></th>{header}</tr>{''.join(lines)}</table>")


def _unnamed(says, matrix):
    """What a weight connects, without the matrix's name, which the line above the map gives already."""
    return says.removeprefix(matrix + ": ").removeprefix(matrix + " ")


def _panel(m, scale, width):
    """One name's map: its title, note or error, the table, what rows and columns are, the largest entries."""
    parts = [f'<div style="font-size:12px;white-space:pre-wrap">{_title(m)}</div>']  # pre-wrap: every space shows
    if m.error:
        parts.append('<p class="microgpt-gradmap-error" style="color:#b00020;font-size:12px;line-height:1.4;'
                     f'white-space:pre-wrap">{html.escape(m.error)}</p>')
    else:
        if m.note:
            parts.append(f'<p class="microgpt-gradmap-note" style="font-size:11px;line-height:1.3;margin:2px 0">'
                         f"{html.escape(m.note)}</p>")
        rows, columns = m.axes
        parts.append(f'<div style="font-size:11px;line-height:1.3;color:#555"><b>{html.escape(m.matrix)}</b> '
                     f"({len(m.rows)} × {len(m.columns)}). Rows: {rows}; columns: {columns}.</div>")
        parts.append(_table(m, scale, width))
        items = "".join(f"<li><code>{e.grad:+.4f}</code> {html.escape(_unnamed(e.says, m.matrix))}</li>"
                        for e in m.largest)
        parts.append(f'<ol class="microgpt-gradmap-top" style="font-size:11px;line-height:1.3;margin:2px 0;'
                     f'padding-left:18px">{items}</ol>')
    return f'<div style="width:{width}px;flex:none">{"".join(parts)}</div>'


def _legend(matrix, scale):
    def swatch(background, text):
        return (f'<span style="background:{background};border:1px solid #bbb;margin-left:4px">&nbsp;&nbsp;&nbsp;'
                f"</span>&nbsp;{text}")

    unreached = swatch(UNREACHED, "exactly 0: a weight the name never reached")
    if scale:
        scale_text = ("".join(swatch(colour(share * scale, scale), f"{share * scale:+.3g}") for share in LEGEND)
                      + ", white near 0 (colour by the square root of the size, up to the largest of "
                      f"{html.escape(matrix)} here, one scale for all names);" + unreached)
    else:
        scale_text = unreached + f": every gradient of {html.escape(matrix)} here"
    return ('<p style="font-size:11px;line-height:1.4;margin:4px 0">Gradient:' + scale_text + ". <b>Blue</b>: a "
            "training step lowers the weight (raising it would raise this name's loss); <b>red</b>: a step raises it. "
            "Outlined: the largest, listed under each map. Hover over a cell for its weight and gradient.</p>")


def gradient_html(maps):
    """HTML of one or more GradientMaps of the same matrix side by side, on one colour scale: the largest
    gradient of any of them. Messages replace or precede a map."""
    scale = max((abs(g) for m in maps for row in m.grad for g in row), default=0.0)
    width = MAP_WIDTH if len(maps) > 1 else 2 * MAP_WIDTH
    panels = "".join(_panel(m, scale, width) for m in maps)
    legend = "" if all(m.error for m in maps) else _legend(maps[0].matrix, scale)
    return STYLE + f'<div style="display:flex;gap:16px;align-items:flex-start">{panels}</div>' + legend


def gradient_table(m):
    """The largest entries of a GradientMap as text, as the widget lists them under the map: the gradient, then
    what the weight connects."""
    if m.error:
        return m.error
    name = repr(m.name) if m.name else "(an empty name)"
    lines = [f"{name}: {_scored(m)}"] + ([m.note] if m.note else [])
    lines.append(f"{m.matrix} ({len(m.rows)} x {len(m.columns)}), its {len(m.largest)} largest gradients:")
    return "\n".join(lines + [f"  {e.grad:+.4f}  {_unnamed(e.says, m.matrix)}" for e in m.largest])


def model_gradient_inspector(model, tokenizer, name="emma", matrix="lm_head", compare="ava", examples=EXAMPLES):
    """Type a name (or pick one) and a weight matrix: the gradient of that name's loss for each of its weights,
    drawn, with the largest said in words; tick the box for a second name side by side, on the same scale.

    Use the fast engine (make_model(..., engine="fast")): a name's gradients take milliseconds. Each name is
    read once; changing the matrix or the box only redraws. `compare=None` starts with one name; a second name
    typed or picked ticks the box. Spaces around a name are dropped.
    """
    read = functools.lru_cache(maxsize=256)(lambda text: read_gradients(model, tokenizer, text))
    block_size = model.config.block_size
    first, first_row = name_input("name:", name, examples, block_size)
    second, second_row = name_input("", examples[1] if compare is None else compare, examples, block_size)
    side = widgets.Checkbox(value=compare is not None, description="side by side with:", indent=False,
                            layout=widgets.Layout(width="150px"))
    matrices = widgets.Dropdown(options=[(f"{m} ({rows} × {cols})", m) for m, (rows, cols)
                                         in parameter_shapes(model.config)],
                                value=matrix, description="matrix:", layout=widgets.Layout(width="330px"))
    view = widgets.HTML()
    view.add_class("microgpt-model-grads-view")

    def draw(_=None):
        names = [first.value] + ([second.value] if side.value else [])
        view.value = gradient_html([gradient_map(read(text.strip()), matrices.value) for text in names])

    def second_changed(_):
        if side.value:
            draw()
        else:
            side.value = True  # a second name typed or picked: show it (ticking the box draws)

    for control in (first, side, matrices):
        control.observe(draw, names="value")
    second.observe(second_changed, names="value")
    draw()
    box = widgets.VBox([widgets.HBox([first_row, matrices]), widgets.HBox([side, second_row]), view])
    box.add_class("microgpt-model-grads")
    return box
