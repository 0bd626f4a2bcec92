"""microgpt.viz.gradients: the inspector's expression and its widget, at every corner of the sliders."""

import itertools
import math

import ipywidgets as widgets
import pytest

from microgpt import topological_order
from microgpt.viz.gradients import INSPECTOR_RANGE, gradient_inspector, inspect_expression
from microgpt.viz.graph import to_dot


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
