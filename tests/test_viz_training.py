"""microgpt.viz.training: the moving average and the loss plot."""

import pytest

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
