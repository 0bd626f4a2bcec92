"""Draw a `Value`'s computation graph with graphviz.

`to_dot` writes the graph as DOT source (deterministic: Values are numbered in topological order);
`draw_graph` renders it as SVG in Jupyter, or explains how to install Graphviz if `dot` is missing;
`graph_rows` lists what the drawing shows as plain data, for a notebook to print and nbval to compare.
Any object with the attributes of `microgpt.Value` can be drawn, so a notebook's own Value works too.

Three options keep a drawing small enough to read on one screen:
- `fold_constants` (on by default): a plain number that arithmetic turned into a Value (the -1 of a
  negation, the 0 that `sum()` starts from, the 2 of `x + 2`) is written into its operation's label
  (`* -1`, `+ 0`, `+ 2`) instead of getting a box of its own.
- `op_nodes=False`: each operation is written in a grey cell inside the box of the Value it made,
  instead of an ellipse of its own between its inputs and its result: half as many rows.
- `depth=N`: only the last N operations before the root; a Value whose inputs are left out gets a
  dashed arrow from "…".
"""

import html
import re
import shutil
from collections import Counter

import graphviz

from ..autograd import topological_order

MAX_NODES = 150  # beyond this a drawing is unreadable (and dot gets slow)
RANKDIRS = ("LR", "TB")  # left to right, top to bottom
BOX = re.compile(r"^  v[0-9]+ \[", re.MULTILINE)  # the line of each Value's box in to_dot's output
OP_FILL = "#e4e4e4"  # the grey of an operation's cell when op_nodes=False
MISSING_DOT = "Graphviz's dot program is not installed"
INSTALL_HINT = ("install it with `sudo apt-get install graphviz` (Debian/Ubuntu), "
                "`conda install -c conda-forge graphviz` (conda) or `brew install graphviz` (macOS), "
                "then run the cell again")


def _number(x):
    return f"{x + 0:.4g}"  # 4 significant digits; + 0 turns -0.0 into 0.0


def _record_text(text):
    """Escape the characters that have a meaning inside a DOT record label."""
    for char in '\\{}|<>"':
        text = text.replace(char, "\\" + char)
    return text


def _within(root, depth):
    """The Values at most `depth` operations away from `root` (every Value when depth is None)."""
    if depth is None:
        return set(topological_order(root))
    if depth < 0:
        raise ValueError(f"depth must be 0 or more (the number of operations to draw), got {depth!r}")
    kept, frontier = {root}, [root]
    for _ in range(depth):
        frontier = [child for node in frontier for child in node._children if child not in kept]
        kept.update(frontier)
    return kept


def _plan(root, fold_constants, depth):
    """What to draw: the boxes in topological order, each drawn Value's operation label (None for a
    leaf or a Value cut off by `depth`) and its drawn inputs, and how many Values the whole graph has."""
    order = topological_order(root)
    kept = _within(root, depth)
    cut = {node for node in kept if node._children and not set(node._children) <= kept}
    uses = Counter(child for node in kept - cut for child in node._children)

    def constant(node):  # a plain number turned into a Value by arithmetic: no label, no inputs, used once
        return fold_constants and not node.label and not node._children and uses[node] == 1

    folded, ops, inputs = set(), {}, {}
    for node in order:
        if node not in kept or node in cut or not node.op:
            continue
        constants = [child for child in node._children if constant(child)]
        if len(constants) == len(node._children):  # only constants (2 * 3): keep them, or nothing is left
            constants = []
        folded.update(constants)
        ops[node] = " ".join([node.op] + [_number(child.data) for child in constants])
        inputs[node] = [child for child in node._children if child not in constants]
    boxes = [node for node in order if node in kept and node not in folded]
    return boxes, ops, inputs, cut, len(order)


def graph_rows(root, fold_constants=True, depth=None):
    """What a drawing of `root` shows, as data: one (operation, label, data, grad) tuple per box, in
    `to_dot`'s order. The operation is "" for an input, or for a Value whose inputs `depth` left out."""
    boxes, ops, _, _, _ = _plan(root, fold_constants, depth)
    return [(ops.get(node, ""), node.label, node.data, node.grad) for node in boxes]


def _record(node, rankdir):
    label = _record_text(node.label) + " | " if node.label else ""
    numbers = f"data {_number(node.data)} | grad {_number(node.grad)}"
    # Braces turn a record's direction: left to right, the three fields sit side by side; top to
    # bottom, data sits above grad, which keeps a tall graph narrow.
    record = "{ " + label + numbers + " }" if rankdir == "LR" else label + "{ " + numbers + " }"
    return f'shape=record, label="{record}"'


def _table(node, op, rankdir):
    """An HTML-like label: [op] label | data | grad, in one row top to bottom, one column left to right."""
    cells = [f'<td bgcolor="{OP_FILL}">{html.escape(op)}</td>'] if op else []
    if node.label:
        cells.append(f"<td><b>{html.escape(node.label)}</b></td>")
    cells += [f"<td>data {_number(node.data)}</td>", f"<td>grad {_number(node.grad)}</td>"]
    rows = "".join(cells) if rankdir == "TB" else "</tr><tr>".join(cells)
    table = f'<table border="0" cellborder="1" cellspacing="0" cellpadding="3"><tr>{rows}</tr></table>'
    return f"shape=none, margin=0, label=<{table}>"


def to_dot(root, rankdir="LR", max_nodes=MAX_NODES, fold_constants=True, op_nodes=True, depth=None):
    """DOT source for the graph that computed `root`: a box per Value (label, data, grad), each
    operation between its inputs and its result.

    rankdir: "LR" (left to right) or "TB" (top to bottom). max_nodes: refuse drawings with more boxes.
    fold_constants: write constant inputs into their operation's label ("* -1") instead of a box.
    op_nodes: True, an ellipse per operation; False, the operation in a grey cell of its result's box.
    depth: draw only the last `depth` operations before `root` (None: all of them).
    """
    if not all(hasattr(root, name) for name in ("data", "grad", "op", "label", "_children")):
        raise TypeError(f"to_dot draws a Value (with data, grad, op, label), not {type(root).__name__}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be 'LR' (left to right) or 'TB' (top to bottom), got {rankdir!r}")
    boxes, ops, inputs, cut, total = _plan(root, fold_constants, depth)
    if len(boxes) > max_nodes:
        drawn = f"{total} Value nodes" if len(boxes) == total else f"{len(boxes)} Value boxes to draw (of {total})"
        raise ValueError(
            f"this graph has {drawn}, more than max_nodes={max_nodes}: too many to read. "
            "Draw part of it instead: pass an intermediate Value (e.g. one logit, or one layer's output, "
            "rather than the loss), or depth=N for its last N operations only, or raise max_nodes.")
    number = {node: i for i, node in enumerate(boxes)}
    lines = ["digraph {", f"  graph [rankdir={rankdir}, ranksep=0.3, nodesep=0.25];",
             '  node [fontname="Helvetica", fontsize=11, height=0.3];']
    for node, i in number.items():
        op = ops.get(node)
        if op_nodes:
            lines.append(f"  v{i} [{_record(node, rankdir)}];")
            if op:
                op = op.replace("\\", "\\\\").replace('"', '\\"')
                lines.append(f'  op{i} [shape=ellipse, margin=0.03, label="{op}"];')
                lines.extend(f"  v{number[child]} -> op{i};" for child in inputs[node])
                lines.append(f"  op{i} -> v{i};")
        else:
            lines.append(f"  v{i} [{_table(node, op, rankdir)}];")
            lines.extend(f"  v{number[child]} -> v{i};" for child in inputs.get(node, ()))
        if node in cut:
            lines.append(f'  more{i} [shape=plaintext, label="…"];')
            lines.append(f"  more{i} -> v{i} [style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"


class DotMissing:
    """What `draw_graph` shows when Graphviz's `dot` is not installed: how to install it, and the DOT source."""

    def __init__(self, source):
        self.source = source

    def __repr__(self):
        return f"{MISSING_DOT}, so the graph cannot be drawn: {INSTALL_HINT}.\nDOT source:\n{self.source}"

    def _repr_html_(self):
        hint = re.sub(r"`([^`]*)`", r"<code>\1</code>", html.escape(INSTALL_HINT))  # commands as code, not `quoted`
        return (f"<div class='microgpt-dot-missing'><p><b>{html.escape(MISSING_DOT)}</b>, so the graph cannot be "
                f"drawn: {hint}.</p><p>DOT source:</p><pre>{html.escape(self.source)}</pre></div>")


class Drawing(graphviz.Source):
    """A graphviz.Source whose text form has no memory address, so re-run notebooks store the same text."""

    def __repr__(self):
        return f"<computation graph: {len(BOX.findall(self.source))} Values>"


def draw_graph(root, **options):
    """The graph of `root` for Jupyter to display as SVG (a `graphviz.Source`), or a `DotMissing` message.

    Takes `to_dot`'s options: rankdir, max_nodes, fold_constants, op_nodes, depth.
    """
    source = to_dot(root, **options)
    if shutil.which("dot") is None:
        return DotMissing(source)
    return Drawing(source)
