"""microgpt.viz.training: the moving average, the loss plots, the live picture and the live view around it."""

import time
from xml.etree import ElementTree

import ipywidgets as widgets
import pytest

from microgpt import train
from microgpt.viz import training

from .viz_helpers import close_figures  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("close_figures")


def test_moving_average_uses_what_exists_at_the_start():
    assert training.moving_average([3.0, 2.0, 1.0, 2.0], 2) == [3.0, 2.5, 1.5, 1.5]
    assert training.moving_average([4.0, 2.0], 100) == [4.0, 3.0]
    assert training.moving_average([], 5) == []
    with pytest.raises(ValueError, match="window"):
        training.moving_average([1.0], 0)


def test_loss_history_draws_the_losses_their_average_and_each_baseline():
    history = [3.0, 2.0, 1.0, 2.0]
    fig = training.plot_loss_history(history, {"uniform guessing": 3.3, "bigram": 2.45}, window=2)
    ax = fig.axes[0]
    raw, average, uniform, bigram_line = ax.lines
    assert list(raw.get_ydata()) == history
    assert list(average.get_ydata()) == [3.0, 2.5, 1.5, 1.5]
    assert list(uniform.get_ydata()) == [3.3, 3.3] and list(bigram_line.get_ydata()) == [2.45, 2.45]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "loss at each step", "average of the last 2 steps", "uniform guessing: 3.30", "bigram: 2.45"]


def test_the_legend_names_the_window_the_notebook_chose():
    legend = training.plot_loss_history([3.0] * 200, window=100).axes[0].get_legend()
    assert "average of the last 100 steps" in [t.get_text() for t in legend.get_texts()]


def test_loss_history_refuses_an_empty_history():
    with pytest.raises(ValueError, match="empty"):
        training.plot_loss_history([])


def test_plot_runs_draws_each_runs_average_in_its_own_style_then_the_baselines():
    runs = {"Adam": [3.0, 2.0, 1.0], "plain": [3.0, 3.0, 2.0]}
    ax = training.plot_runs(runs, {"counting baseline": 2.45}, window=2).axes[0]
    adam, plain, baseline = ax.lines
    assert list(adam.get_ydata()) == [3.0, 2.5, 1.5] and list(plain.get_ydata()) == [3.0, 3.0, 2.5]
    assert list(adam.get_xdata()) == [1, 2, 3]
    assert adam.get_linestyle() != plain.get_linestyle()  # curves on top of each other stay visible
    assert list(baseline.get_ydata()) == [2.45, 2.45]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Adam", "plain", "counting baseline: 2.45"]
    assert ax.get_ylabel() == "loss, average of the last 2 steps"


def test_plot_runs_refuses_nothing_to_plot():
    for runs in ({}, {"empty": []}):
        with pytest.raises(ValueError, match="nothing to plot"):
            training.plot_runs(runs)


def test_nice_steps_are_round_numbers():
    assert [training.nice_step(span) for span in (1000, 300, 2.5, 8, 1)] == [200, 100, 0.5, 2, 0.2]


def polylines(svg):
    """The points of each polyline of an SVG: the per-step losses first, then their moving average."""
    root = ElementTree.fromstring(svg)  # well-formed XML, or this raises
    return [[tuple(map(float, point.split(","))) for point in line.get("points").split()]
            for line in root.iter("{http://www.w3.org/2000/svg}polyline")]


def test_the_live_picture_starts_empty_on_its_fixed_axes():
    svg = training.loss_svg([], 1000)
    assert 'data-steps="0"' in svg and polylines(svg) == []
    assert all(f">{tick}<" in svg for tick in (0, 200, 1000, 1.5, 4))  # the axes are drawn already


def test_the_live_picture_draws_every_loss_and_their_average():
    history = [3.3, 3.1, 2.9, 2.8]
    svg = training.loss_svg(history, 8, window=2)
    raw, average = polylines(svg)
    assert len(raw) == len(average) == 4 and 'data-steps="4"' in svg
    left, right = training.MARGIN["left"], training.WIDTH - training.MARGIN["right"]
    assert [x for x, _ in raw] == [round(left + (right - left) * step / 8, 1) for step in range(1, 5)]
    assert [y for _, y in raw] == sorted(y for _, y in raw)  # a falling loss: lower on the page, larger y
    assert average[1][1] == pytest.approx((raw[0][1] + raw[1][1]) / 2, abs=0.1)  # (3.3 + 3.1) / 2, halfway
    assert "average of the last 2 steps" in svg


def test_the_live_picture_keeps_losses_outside_its_range_at_the_edge_and_says_so():
    top, bottom = training.MARGIN["top"], training.HEIGHT - training.MARGIN["bottom"]
    svg = training.loss_svg([20.0, 0.5, 2.0], 3, loss_range=(1.0, 4.0))
    [raw, _] = polylines(svg)
    assert raw[0][1] == top and raw[1][1] == bottom and top < raw[2][1] < bottom
    assert "1 loss above 4, drawn at the top edge; 1 loss below 1, drawn at the bottom edge" in svg
    assert training.clipped_note([5.0, 4.5, 3.0, 4.0], (1.5, 4.0)) == "2 losses above 4, drawn at the top edge"
    assert training.clipped_note([3.0, 4.0, 1.5], (1.5, 4.0)) == ""  # the edges themselves are on the axis
    assert 'class="clipped"' not in training.loss_svg([3.0, 2.0], 3)


def test_the_live_picture_draws_and_names_each_baseline_over_the_pale_line():
    svg = training.loss_svg([3.0, 2.5], 10, {"counting baseline": 2.4547, "uniform guessing": 3.2958})
    assert svg.count('stroke-dasharray="6,4"') == 4  # each baseline's line and its legend entry
    assert "counting baseline: 2.45" in svg and "uniform guessing: 3.30" in svg
    pale, dashed, average = svg.index(f'stroke="{training.RAW}"'), svg.index("6,4"), svg.index(f'stroke="{training.AVERAGE}"')
    assert pale < dashed < average  # drawn in this order: the baselines over each step's loss, under the average
    assert "&lt;" in training.loss_svg([], 10, {"<b>": 2.0})  # labels are escaped


def test_the_legend_sits_under_the_plot_two_entries_a_row():
    root = ElementTree.fromstring(training.loss_svg([3.0] * 5, 10, {"a": 2.0, "b": 3.0, "c": 3.5}))
    texts = {t.text: float(t.get("y", "nan")) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    entries = ["loss at each step", "average of the last 50 steps", "a: 2.00", "b: 3.00", "c: 3.50"]
    assert all(texts[entry] > training.HEIGHT for entry in entries)  # below the plot and its labels: no curve hidden
    assert texts[entries[0]] == texts[entries[1]] < texts[entries[2]] == texts[entries[3]] < texts[entries[4]]
    assert float(root.get("height")) == training.HEIGHT + 3 * training.LEGEND_ROW + 4


def test_the_live_picture_refuses_impossible_runs():
    with pytest.raises(ValueError, match="num_steps"):
        training.loss_svg([], 0)
    with pytest.raises(ValueError, match="3 losses for a run of 2 steps"):
        training.loss_svg([3.0, 2.0, 1.0], 2)


def test_a_long_run_is_drawn_with_at_most_two_points_per_pixel_and_its_last_step():
    width = training.WIDTH - training.MARGIN["left"] - training.MARGIN["right"]
    raw, average = polylines(training.loss_svg([2.0 + (i % 3) / 10 for i in range(10_000)], 10_000))
    assert len(raw) == len(average) <= 2 * width + 1
    assert raw[-1][0] == training.WIDTH - training.MARGIN["right"]  # the last step, at the right edge


def test_the_live_picture_is_cheap_enough_to_redraw_while_training():
    history = [2.0 + (i % 7) / 10 for i in range(1000)]
    start = time.perf_counter()
    for _ in range(10):
        training.loss_svg(history, 1000, {"counting baseline": 2.45})
    assert (time.perf_counter() - start) / 10 < 0.05  # ~3 ms on a 2-core machine


class FakeClock:
    """A clock that moves only when told: `clock.now += 0.1`."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_live_view_redraws_at_most_every_interval_and_after_the_last_step():
    clock = FakeClock()
    live = training.LiveTraining(10, {"counting baseline": 2.45}, every=0.25, clock=clock)
    assert live.bar.value == 0 and "step    0 /   10" in live.status.value and 'data-steps="0"' in live.plot.value
    for step in range(10):
        clock.now += 0.1  # a step takes 0.1 s: a redraw every third step (0.3 s since the last one)
        live.on_step(step, 3.0 - step / 10)
        if step == 1:
            assert live.redraws == 0 and live.bar.value == 0  # 0.2 s: not yet
        if step == 2:
            assert live.redraws == 1 and live.bar.value == 3 and 'data-steps="3"' in live.plot.value
    assert live.redraws == 4  # after steps 3, 6 and 9 (0.3 s each), and after the last one, the 10th
    assert live.history == [3.0 - step / 10 for step in range(10)]
    assert live.bar.value == 10 and live.bar.bar_style == "success"
    assert "step   10 /   10 | loss 2.1000 | 1.0 s" in live.status.value
    assert 'data-steps="10"' in live.plot.value and "counting baseline: 2.45" in live.plot.value
    assert live.seconds_in_view == 0.0  # the fake clock stood still inside on_step


def test_the_live_view_is_a_box_of_a_bar_a_status_line_and_the_plot_with_their_classes():
    live = training.LiveTraining(5)
    assert live.widget.children == (live.bar, live.status, live.plot)
    assert isinstance(live.bar, widgets.IntProgress) and live.bar.max == 5
    assert "microgpt-live-training" in live.widget._dom_classes
    assert "microgpt-live-status" in live.status._dom_classes and "microgpt-live-plot" in live.plot._dom_classes


def test_the_live_view_follows_a_real_training_run_to_its_end(tiny_model, tiny_docs, tiny_tokenizer):
    live = training.LiveTraining(6)
    history = train(tiny_model, list(tiny_docs), tiny_tokenizer, 6, on_step=live.on_step)
    assert live.history == history and live.bar.value == 6 and live.redraws >= 1
    assert f"loss {history[-1]:.4f}" in live.status.value
    assert 0 < live.seconds_in_view < 1


@pytest.mark.parametrize("error, said", [(KeyboardInterrupt, "stopped after step 3: interrupted"),
                                         (ValueError("training has diverged"),
                                          "stopped after step 3: ValueError: training has diverged")])
def test_a_run_that_stops_early_is_drawn_where_it_stopped_in_red(error, said):
    live = training.LiveTraining(10, every=100)  # no redraw of its own before the end
    with pytest.raises(type(error) if isinstance(error, Exception) else error):
        with live:
            for step in range(3):
                live.on_step(step, 3.0)
            raise error
    assert live.bar.value == 3 and live.bar.bar_style == "danger" and 'data-steps="3"' in live.plot.value
    assert "step    3 /   10" in live.status.value and said in live.status.value


def test_a_run_that_ends_inside_the_view_stays_green():
    live = training.LiveTraining(2)
    with live:
        live.on_step(0, 3.0)
        live.on_step(1, 2.9)
    assert live.bar.bar_style == "success" and "stopped" not in live.status.value
