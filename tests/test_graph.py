"""microgpt.viz.graph: deterministic DOT, the size guard, the fallback without `dot`, the inspector."""

import html
import itertools
import math
import shutil

import graphviz
import ipywidgets as widgets
import pytest

from microgpt import Value, topological_order
from microgpt.viz import graph
from microgpt.viz.graph import (INSPECTOR_RANGE, MISSING_DOT, DotMissing, draw_graph, gradient_inspector,
                                inspect_expression, to_dot)

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def worked_example():
    """L = (a*b + c) * w, after backward()."""
    a, b, c, w = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="w")
    loss = (a * b + c) * w
    loss.label = "L"
    loss.backward()
    return loss


def by_label(root):
    return {node.label: node for node in topological_order(root) if node.label}


def test_the_same_graph_gives_the_same_dot_without_addresses():
    first, second = to_dot(worked_example()), to_dot(worked_example())
    assert first == second
    assert "0x" not in first
    assert first.startswith("digraph {") and first.endswith("}\n")


def test_every_value_is_a_record_of_label_data_and_grad():
    dot = to_dot(worked_example())
    assert dot.count("shape=record") == 7  # a, b, a*b, c, a*b + c, w, L
    assert 'label="{ a | data 2 | grad 6 }"' in dot
    assert 'label="{ b | data -3 | grad -4 }"' in dot
    assert 'label="{ L | data -8 | grad 1 }"' in dot
    assert 'label="{ data 4 | grad -2 }"' in dot  # an unlabelled Value shows data and grad only


def test_numbers_have_4_significant_digits_and_no_negative_zero():
    x = Value(1 / 3, label="x")
    y = x * -0.0
    y.backward()
    dot = to_dot(y)
    assert "data 0.3333 | grad 0 }" in dot
    assert "-0 " not in dot and "-0}" not in dot


def test_operations_are_nodes_between_children_and_result():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    b.backward()
    lines = to_dot(b).splitlines()
    assert '  op1 [shape=ellipse, margin=0.03, label="+"];' in lines
    assert lines.count("  v0 -> op1;") == 2  # a is used twice: two edges
    assert "  op1 -> v1;" in lines
    ops = [line.split('label="')[1].split('"')[0] for line in to_dot(worked_example()).splitlines() if "ellipse" in line]
    assert ops == ["*", "+", "*"]


def test_every_operation_of_value_has_its_name():
    x = Value(2.0)
    out = ((x**-1).exp() + x.log()).relu()
    assert [line.split('label="')[1].split('"')[0] for line in to_dot(out).splitlines() if "ellipse" in line] == [
        "**-1", "exp", "log", "+", "relu"]


def test_rankdir_left_to_right_or_top_to_bottom():
    loss = worked_example()
    assert "rankdir=LR" in to_dot(loss) and 'label="{ L | data -8 | grad 1 }"' in to_dot(loss)
    tb = to_dot(loss, rankdir="TB")
    assert "rankdir=TB" in tb and 'label="L | { data -8 | grad 1 }"' in tb
    with pytest.raises(ValueError, match="rankdir must be 'LR'"):
        to_dot(loss, rankdir="sideways")


def test_record_characters_in_labels_are_escaped():
    x = Value(1.0, label='w{0}|<x> "q"')
    dot = to_dot(x)
    assert r'w\{0\}\|\<x\> \"q\"' in dot


@needs_dot
def test_dot_accepts_escaped_labels_and_shows_grads_in_svg():
    x = Value(1.0, label='w{0}|<x> "q"')
    y = x * 3
    y.backward()
    svg = graphviz.Source(to_dot(y)).pipe(format="svg", encoding="utf-8")
    assert ">grad 3<" in svg and ">data 3<" in svg


def test_a_graph_too_big_to_read_says_how_many_nodes_and_what_to_do():
    x = Value(1.0)
    for _ in range(80):  # each step adds the sum and a constant: 161 Values
        x = x + 1
    with pytest.raises(ValueError) as error:
        to_dot(x)
    message = str(error.value)
    assert "161 Value nodes" in message and "max_nodes=150" in message
    assert "intermediate Value" in message
    assert to_dot(x, max_nodes=161).count("shape=record") == 161


def test_anything_but_a_value_is_refused():
    with pytest.raises(TypeError, match="to_dot draws a Value"):
        to_dot(3.0)


def test_a_value_class_of_ones_own_can_be_drawn():
    class MyValue:  # what a notebook's own Value has
        def __init__(self, data, children=(), op="", label=""):
            self.data, self.grad, self._children, self.op, self.label = data, 0, children, op, label

    a = MyValue(2.0, label="a")
    b = MyValue(4.0, (a, a), "+", "b")
    dot = to_dot(b)
    assert 'label="{ b | data 4 | grad 0 }"' in dot and dot.count("v0 -> op1;") == 2


@needs_dot
def test_draw_graph_renders_svg_when_dot_is_installed():
    drawing = draw_graph(worked_example())
    assert isinstance(drawing, graphviz.Source)
    assert drawing.source == to_dot(worked_example())
    assert repr(drawing) == "<computation graph: 7 Values>"  # no memory address in a stored notebook
    svg = html.unescape(drawing._repr_mimebundle_()["image/svg+xml"])  # dot writes '-' as &#45;
    assert ">grad 6<" in svg and ">grad -4<" in svg


def test_draw_graph_explains_how_to_install_dot_when_it_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no `dot` to be found
    drawing = draw_graph(worked_example())
    assert isinstance(drawing, DotMissing)
    page = html.unescape(drawing._repr_html_())
    assert MISSING_DOT in page and MISSING_DOT in repr(drawing)
    for command in ("sudo apt-get install graphviz", "conda install -c conda-forge graphviz", "brew install graphviz"):
        assert command in page and command in repr(drawing)
    assert "{ a | data 2 | grad 6 }" in page and "{ a | data 2 | grad 6 }" in repr(drawing)  # the DOT source


def test_draw_graph_fallback_when_which_finds_nothing(monkeypatch):
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    assert isinstance(draw_graph(worked_example()), DotMissing)


def test_draw_graph_keeps_the_size_guard():
    x = Value(1.0)
    for _ in range(10):
        x = x * 2
    with pytest.raises(ValueError, match="21 Value nodes"):
        draw_graph(x, max_nodes=20)


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
        assert to_dot(loss).count("shape=record") == 11


def test_gradient_inspector_is_three_bounded_sliders_and_a_marked_output():
    inspector = gradient_inspector()
    sliders_box, out = inspector.children
    sliders = sliders_box.children
    assert [s.description for s in sliders] == ["a", "b", "c"]
    assert all(isinstance(s, widgets.FloatSlider) and (s.min, s.max) == INSPECTOR_RANGE for s in sliders)
    assert isinstance(out, widgets.Output) and "microgpt-grad-inspector" in out._dom_classes
