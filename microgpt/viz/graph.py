"""Draw a `Value`'s computation graph with graphviz, and a widget to watch its gradients change.

`to_dot` writes the graph as DOT source (deterministic: nodes are numbered in topological order),
`draw_graph` renders it as SVG in Jupyter, or explains how to install Graphviz if `dot` is missing.
Any object with the attributes of `microgpt.Value` can be drawn, so a notebook's own Value works too.
"""

import html
import shutil

import graphviz
import ipywidgets as widgets
from IPython.display import display

from ..autograd import Value, topological_order

MAX_NODES = 150  # beyond this a drawing is unreadable (and dot gets slow)
INSPECTOR_RANGE = (-3.0, 3.0)  # the sliders' range: exp() of a*b + c stays far from overflowing
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


def to_dot(root, rankdir="LR", max_nodes=MAX_NODES):
    """DOT source for the graph that computed `root`: one box per Value (label | data | grad) and one
    ellipse per operation, with edges child -> operation -> result."""
    if not all(hasattr(root, name) for name in ("data", "grad", "op", "label", "_children")):
        raise TypeError(f"to_dot draws a Value (with data, grad, op, label), not {type(root).__name__}")
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' (left to right) or 'TB' (top to bottom), got {rankdir!r}")
    nodes = topological_order(root)
    if len(nodes) > max_nodes:
        raise ValueError(
            f"this graph has {len(nodes)} Value nodes, more than max_nodes={max_nodes}: too many to read. "
            "Draw a sub-graph instead: pass an intermediate Value (e.g. one logit, or one layer's output, "
            "rather than the loss), or raise max_nodes.")
    number = {node: i for i, node in enumerate(nodes)}
    lines = ["digraph {", f"  graph [rankdir={rankdir}, ranksep=0.3, nodesep=0.25];",
             '  node [fontname="Helvetica", fontsize=11, height=0.3];']
    for node, i in number.items():
        label = _record_text(node.label) + " | " if node.label else ""
        numbers = f"data {_number(node.data)} | grad {_number(node.grad)}"
        # Braces turn a record's direction: left to right, the three fields sit side by side; top to
        # bottom, data sits above grad, which keeps a tall graph narrow.
        record = "{ " + label + numbers + " }" if rankdir == "LR" else label + "{ " + numbers + " }"
        lines.append(f'  v{i} [shape=record, label="{record}"];')
        if node.op:
            op = node.op.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'  op{i} [shape=ellipse, margin=0.03, label="{op}"];')
            lines.extend(f"  v{number[child]} -> op{i};" for child in node._children)
            lines.append(f"  op{i} -> v{i};")
    lines.append("}")
    return "\n".join(lines) + "\n"


class DotMissing:
    """What `draw_graph` shows when Graphviz's `dot` is not installed: how to install it, and the DOT source."""

    def __init__(self, source):
        self.source = source

    def __repr__(self):
        return f"{MISSING_DOT}, so the graph cannot be drawn: {INSTALL_HINT}.\nDOT source:\n{self.source}"

    def _repr_html_(self):
        hint = html.escape(INSTALL_HINT)
        return (f"<div class='microgpt-dot-missing'><p><b>{html.escape(MISSING_DOT)}</b>, so the graph cannot be "
                f"drawn: {hint}.</p><p>DOT source:</p><pre>{html.escape(self.source)}</pre></div>")


class Drawing(graphviz.Source):
    """A graphviz.Source whose text form has no memory address, so re-run notebooks store the same text."""

    def __repr__(self):
        return f"<computation graph: {self.source.count('shape=record')} Values>"


def draw_graph(root, rankdir="LR", max_nodes=MAX_NODES):
    """The graph of `root` for Jupyter to display as SVG (a `graphviz.Source`), or a `DotMissing` message."""
    source = to_dot(root, rankdir, max_nodes)
    if shutil.which("dot") is None:
        return DotMissing(source)
    return Drawing(source)


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


def gradient_inspector(a=1.0, b=0.5, c=-0.2, rankdir="TB"):
    """Sliders for a, b and c, and the graph of `inspect_expression(a, b, c)`, redrawn when they move."""
    low, high = INSPECTOR_RANGE
    sliders = {name: widgets.FloatSlider(value=value, min=low, max=high, step=0.1, description=name)
               for name, value in (("a", a), ("b", b), ("c", c))}

    def show(a, b, c):
        display(draw_graph(inspect_expression(a, b, c), rankdir))

    out = widgets.interactive_output(show, sliders)
    out.add_class("microgpt-grad-inspector")
    return widgets.VBox([widgets.HBox(list(sliders.values())), out])
