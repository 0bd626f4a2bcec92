"""Graph and gradients: watch every Value's gradient change as the inputs move.

`inspect_expression` is the pure function (a root Value after `backward()`); `gradient_inspector` is
the thin widget around it: sliders above, the graph below, small enough to see both at once.
"""

import ipywidgets as widgets
from IPython.display import display

from ..autograd import Value
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
