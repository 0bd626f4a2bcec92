"""microgpt.viz.graph: deterministic DOT, folded constants, operations inside boxes, partial drawings, the size
guard, the fallback without `dot`."""

import html
import re
import shutil

import graphviz
import pytest

from microgpt import Value
from microgpt.viz import graph
from microgpt.viz.graph import MISSING_DOT, OP_FILL, DotMissing, draw_graph, graph_rows, to_dot

from .viz_helpers import modules_loaded_by

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def worked_example():
    """L = (a*b + c) * w, after backward()."""
    a, b, c, w = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="w")
    loss = (a * b + c) * w
    loss.label = "L"
    loss.backward()
    return loss


def softmax_loss():
    """Notebook 04's graph: three logits, their softmax shifted by the largest one, minus the log of p0."""
    logits = [Value(z, label=f"logit {i}") for i, z in enumerate([2.0, 1.0, 0.1])]
    exps = [(z - 2.0).exp() for z in logits]
    total = sum(exps)  # starts from 0: a constant
    p0 = exps[0] / total
    p0.label = "p0"
    loss = -p0.log()
    loss.label = "loss"
    loss.backward()
    return loss


def ops_of(dot):
    """The operations' labels in drawing order, whether ellipses or grey cells inside boxes."""
    ellipses = re.findall(r'shape=ellipse, margin=0.03, label="([^"]*)"', dot)
    return ellipses or [html.unescape(op) for op in re.findall(f'bgcolor="{OP_FILL}">([^<]*)</td>', dot)]


def boxes_of(dot):
    return len(re.findall(r"^  v[0-9]+ \[", dot, re.MULTILINE))


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
    assert ops_of(to_dot(worked_example())) == ["*", "+", "*"]


def test_every_operation_of_value_has_its_name():
    x = Value(2.0)
    out = ((x**-1).exp() + x.log()).relu()
    assert ops_of(to_dot(out)) == ["**-1", "exp", "log", "+", "relu"]


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
    x = Value(1.0, label="x")
    for _ in range(80):  # each step adds the sum and a constant: 161 Values
        x = x + 1
    with pytest.raises(ValueError) as error:
        to_dot(x, fold_constants=False)
    message = str(error.value)
    assert "161 Value nodes" in message and "max_nodes=150" in message
    assert "intermediate Value" in message and "depth=N" in message
    assert to_dot(x, max_nodes=161, fold_constants=False).count("shape=record") == 161
    assert to_dot(x).count("shape=record") == 81  # the 80 constants are folded into "+ 1"
    with pytest.raises(ValueError, match=r"81 Value boxes to draw \(of 161\), more than max_nodes=80"):
        to_dot(x, max_nodes=80)


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
    assert "<code>brew install graphviz</code>" in page and "`" not in page.split("<pre>")[0]
    assert MISSING_DOT in page and MISSING_DOT in repr(drawing)
    for command in ("sudo apt-get install graphviz", "conda install -c conda-forge graphviz", "brew install graphviz"):
        assert command in page and command in repr(drawing)
    assert "{ a | data 2 | grad 6 }" in page and "{ a | data 2 | grad 6 }" in repr(drawing)  # the DOT source


def test_draw_graph_fallback_when_which_finds_nothing(monkeypatch):
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    assert isinstance(draw_graph(worked_example()), DotMissing)


def test_draw_graph_keeps_the_size_guard():
    x = Value(1.0, label="x")
    for _ in range(10):
        x = x * 2
    with pytest.raises(ValueError, match="21 Value nodes"):
        draw_graph(x, max_nodes=20, fold_constants=False)
    with pytest.raises(ValueError, match="11 Value boxes"):
        draw_graph(x, max_nodes=10)


# --- folded constants ---

def test_constants_are_folded_into_their_operation():
    dot = to_dot(softmax_loss(), rankdir="TB")
    assert boxes_of(dot) == 16  # 21 Values less the three shifts, the 0 that sum() starts from and the -1
    assert ops_of(dot) == ["+ -2", "exp", "+ 0", "+ -2", "exp", "+", "+ -2", "exp", "+", "**-1", "*", "log", "* -1"]
    assert '"{ data 0 | grad 0.659 }"' not in dot and '"{ data -1 | grad -0.417 }"' not in dot


def test_folding_can_be_turned_off():
    dot = to_dot(softmax_loss(), rankdir="TB", fold_constants=False)
    assert boxes_of(dot) == 21 and "* -1" not in dot
    assert '"{ data 0 | grad 0.659 }"' in dot and '"{ data -1 | grad -0.417 }"' in dot  # sum's start; negation's -1
    assert ops_of(dot) == ["+", "exp", "+", "+", "exp", "+", "+", "exp", "+", "**-1", "*", "log", "*"]


def test_division_by_a_number_is_multiplication_by_its_reciprocal():
    x = Value(2.0, label="x")
    assert ops_of(to_dot(x / 4)) == ["* 0.25"]
    assert ops_of(to_dot(1 / x)) == ["**-1", "* 1"]  # 1 * x**-1


def test_only_unlabelled_leaves_used_once_are_folded():
    x = Value(1.0, label="x")
    two = Value(2.0, label="two")
    assert boxes_of(to_dot(x + two)) == 3  # a labelled number is an input the reader should see
    shared = Value(3.0)
    assert ops_of(to_dot(x * shared + shared)) == ["*", "+"]  # used twice: a real input, not a constant
    assert ops_of(to_dot(Value(2.0) * 3)) == ["*"]  # only numbers: folding both would leave nothing
    assert boxes_of(to_dot(Value(5.0))) == 1


def test_graph_rows_list_what_the_drawing_shows():
    rows = graph_rows(softmax_loss())
    assert len(rows) == 16 and [op for op, *_ in rows if op] == ops_of(to_dot(softmax_loss()))
    assert rows[0] == ("", "logit 0", 2.0, rows[0][3]) and round(rows[0][3], 3) == -0.341
    op, label, data, grad = rows[-1]
    assert (op, label, round(data, 3), grad) == ("* -1", "loss", 0.417, 1)
    assert len(graph_rows(softmax_loss(), fold_constants=False)) == 21
    assert graph_rows(worked_example(), depth=1)[0][0] == ""  # d, its inputs left out


# --- operations inside the boxes ---

def test_without_op_nodes_each_box_names_the_operation_that_made_it():
    dot = to_dot(worked_example(), rankdir="TB", op_nodes=False)
    assert "ellipse" not in dot and "shape=record" not in dot
    assert boxes_of(dot) == 7 and ops_of(dot) == ["*", "+", "*"]
    assert f'<tr><td bgcolor="{OP_FILL}">*</td><td><b>L</b></td><td>data -8</td><td>grad 1</td></tr>' in dot
    assert "<tr><td><b>a</b></td><td>data 2</td><td>grad 6</td></tr>" in dot  # an input: no operation
    lines = dot.splitlines()
    assert ["  v0 -> v2;", "  v1 -> v2;"] == [line for line in lines if line.endswith("-> v2;")]


def test_without_op_nodes_left_to_right_boxes_are_one_column():
    dot = to_dot(worked_example(), op_nodes=False)
    assert "<tr><td><b>a</b></td></tr><tr><td>data 2</td></tr><tr><td>grad 6</td></tr>" in dot


def test_labels_in_boxes_are_escaped_as_html():
    x = Value(1.0, label="<a & b>")
    assert "<b>&lt;a &amp; b&gt;</b>" in to_dot(x, op_nodes=False)


@needs_dot
def test_boxes_with_operations_render_every_field():
    svg = html.unescape(draw_graph(softmax_loss(), rankdir="TB", op_nodes=False)._repr_mimebundle_()["image/svg+xml"])
    for text in ("* -1", "loss", "data 0.417", "grad 1", "+ 0", "logit 2", "grad 0.09857"):
        assert f">{text}<" in svg


# --- part of a graph ---

def test_depth_draws_only_the_last_operations():
    loss = worked_example()
    dot = to_dot(loss, depth=1)
    assert boxes_of(dot) == 3 and ops_of(dot) == ["*"]  # L = d * w
    assert '"{ data 4 | grad -2 }"' in dot and "{ a |" not in dot  # d = a*b + c, drawn without a, b, c
    assert '  more0 [shape=plaintext, label="…"];' in dot and "  more0 -> v0 [style=dashed];" in dot  # d's inputs
    assert boxes_of(to_dot(loss, depth=0)) == 1
    assert to_dot(loss, depth=3) == to_dot(loss)  # deep enough: the whole graph, nothing cut


def test_depth_applies_in_both_styles_and_must_not_be_negative():
    dot = to_dot(softmax_loss(), rankdir="TB", op_nodes=False, depth=2)
    assert ops_of(dot) == ["log", "* -1"] and "more0 -> v0 [style=dashed]" in dot  # p0, with its inputs cut
    with pytest.raises(ValueError, match="depth must be 0 or more"):
        to_dot(worked_example(), depth=-1)


@needs_dot
def test_draw_graph_counts_the_boxes_it_draws():
    assert repr(draw_graph(softmax_loss(), rankdir="TB", op_nodes=False)) == "<computation graph: 16 Values>"
    assert repr(draw_graph(softmax_loss(), fold_constants=False)) == "<computation graph: 21 Values>"


def test_the_graph_module_needs_graphviz_only():
    loaded = modules_loaded_by("microgpt.viz.graph")
    assert "graphviz" in loaded and not loaded & {"ipywidgets", "matplotlib"}
