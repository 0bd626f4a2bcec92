"""microgpt.viz.efficiency: a step's Values by operation, a profiled step in parts, the fast engine's tape, and the
engines' speeds and losses side by side; on the tiny 2-layer model."""

import cProfile
import pstats
from collections import Counter

import pytest

from microgpt import Adam, Value, make_model, num_parameters, topological_order
from microgpt.viz import efficiency
from microgpt.viz.efficiency import (count_by_operation, count_tape, plot_engine_losses, plot_node_counts,
                                     plot_profile, plot_speeds, profile_table, speed_rows, speed_table, step_profile,
                                     top_functions)

from .viz_helpers import close_figures  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("close_figures")


def test_count_by_operation_names_weights_and_constants_apart_most_common_first():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    loss = (a * b + 10).log() * a  # a is used twice but is one Value
    assert count_by_operation(loss, [a, b]) == [("*", 2), ("weight", 2), ("+", 1), ("constant", 1), ("log", 1)]
    assert count_by_operation(loss) == [("constant", 3), ("*", 2), ("+", 1), ("log", 1)]  # no weights given


def test_count_by_operation_counts_every_value_of_a_models_graph(tiny_model, tiny_tokenizer):
    loss = tiny_model.loss(tiny_tokenizer.encode_doc("anna"))
    counts = dict(count_by_operation(loss, tiny_model.params))
    assert sum(counts.values()) == len(topological_order(loss))
    assert counts["weight"] == len(set(topological_order(loss)) & set(tiny_model.params))
    assert counts["log"] == 5  # one per prediction: BOS a n n a -> a n n a BOS (block_size 5)


def test_node_counts_are_drawn_as_labelled_bars_on_a_log_scale():
    ax = plot_node_counts([("+", 1890), ("*", 1862), ("weight", 364), ("log", 5)], title="one step").axes[0]
    assert [bar.get_width() for bar in ax.patches] == [1890, 1862, 364, 5]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["+", "*", "weight", "log"]
    assert [t.get_text() for t in ax.texts] == ["1,890", "1,862", "364", "5"]
    assert ax.get_xscale() == "log" and ax.get_title() == "one step"
    with pytest.raises(ValueError, match="no counts"):
        plot_node_counts([])


@pytest.fixture
def profiled_step(tiny_model, tiny_tokenizer, monkeypatch):
    """A pstats.Stats of one scalar train_step of the tiny model, and the number of Values the step made."""
    made = Counter()
    original = Value.__init__

    def counting(self, *args, **kwargs):
        made["values"] += 1
        original(self, *args, **kwargs)

    monkeypatch.setattr(Value, "__init__", counting)  # counted apart from the profiler, to compare
    optimizer = Adam(num_parameters(tiny_model.config), 10)
    profiler = cProfile.Profile()
    profiler.enable()
    tiny_model.train_step(tiny_tokenizer.encode_doc("carla"), optimizer)
    profiler.disable()
    monkeypatch.undo()
    return pstats.Stats(profiler), made["values"]


def test_step_profile_cuts_the_step_into_its_parts_and_counts_the_values_made(profiled_step):
    stats, made = profiled_step
    profile = step_profile(stats)
    assert [label for label, _ in profile.parts] == [label for label, _, _ in efficiency.PARTS] + ["the rest"]
    assert all(seconds >= 0 for _, seconds in profile.parts)
    assert profile.total == pytest.approx(sum(seconds for _, seconds in profile.parts))
    assert profile.total == pytest.approx(stats.total_tt, rel=0.01)
    assert profile.values_made == made > 1000


def test_step_profile_refuses_a_profile_of_something_else():
    profiler = cProfile.Profile()
    profiler.enable()
    sum(range(10))
    profiler.disable()
    with pytest.raises(ValueError, match="profile one train_step of the scalar engine"):
        step_profile(pstats.Stats(profiler))


def test_the_profile_as_text_and_as_one_bar_in_parts(profiled_step):
    profile = step_profile(profiled_step[0])
    lines = profile_table(profile).splitlines()
    assert len(lines) == len(profile.parts) + 2
    assert lines[0].startswith("forward: the loss, making the Values") and lines[0].endswith("%")
    assert lines[-2].startswith("the whole step")
    assert lines[-1].startswith(f"{profile.values_made:,} Values made: ") and "µs per Value" in lines[-1]
    ax = plot_profile(profile).axes[0]
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([s / profile.total for _, s in profile.parts])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [label for label, _ in profile.parts]


def test_top_functions_are_those_with_the_most_time_of_their_own(profiled_step):
    stats = profiled_step[0]
    rows = top_functions(stats, n=4)
    assert len(rows) == 4
    assert [own for _, _, own in rows] == sorted((own for _, _, own in rows), reverse=True)
    everything = top_functions(stats, n=10_000)
    assert rows == everything[:4] and all(own <= rows[-1][2] for _, _, own in everything[4:])
    names = {name: calls for name, calls, _ in everything}
    assert names["autograd.py:__init__"] == profiled_step[1]  # a function is 'file.py:function'
    assert any(name.startswith("<built-in method") for name in names)  # Python's built-ins as the profiler names them


def test_count_tape_counts_the_fast_engines_nodes_in_the_order_they_first_ran(tiny_model, tiny_tokenizer):
    fast = make_model(tiny_model.config, tiny_model.weights(), engine="fast")
    for matrix in fast.matrices.values():
        matrix.start_gradient()
    tape = []
    fast._loss(tiny_tokenizer.encode_doc("bob"), tape)  # 4 positions, 2 layers
    assert count_tape(tape) == [("embed", 4), ("rmsnorm", 20), ("linear", 52), ("attention", 8),
                                ("residual", 16), ("relu", 8), ("cross_entropy", 4)]
    assert sum(n for _, n in count_tape(tape)) == len(tape) == 4 * (1 + 1 + 2 * 12 + 2)


def test_speeds_are_per_step_with_the_ratio_to_the_first_engine():
    seconds = {"scalar": 0.2, "fast": 0.008, "numpy": 0.0004}
    assert speed_rows(seconds) == [("scalar", 0.2, 1.0), ("fast", 0.008, pytest.approx(25)),
                                   ("numpy", 0.0004, pytest.approx(500))]
    assert speed_table(seconds).splitlines() == [
        "scalar      200.00 ms a step",
        "fast          8.00 ms a step       25 times faster than scalar",
        "numpy         0.40 ms a step      500 times faster than scalar"]
    ax = plot_speeds(seconds).axes[0]
    assert [bar.get_height() for bar in ax.patches] == pytest.approx([200, 8, 0.4])
    assert ax.get_yscale() == "log" and [t.get_text() for t in ax.get_xticklabels()] == list(seconds)
    assert [t.get_text() for t in ax.texts] == ["200 ms", "8 ms\n25× faster", "0.4 ms\n500× faster"]
    for bad in ({}, {"scalar": 0.0}):
        with pytest.raises(ValueError, match="above 0"):
            speed_rows(bad)


def test_engine_losses_are_one_line_per_engine_in_its_own_style():
    histories = {"scalar": [3.3, 3.2, 3.1], "fast": [3.3, 3.2, 3.1], "numpy": [3.3, 3.2, 3.1]}
    ax = plot_engine_losses(histories).axes[0]
    assert [list(line.get_ydata()) for line in ax.lines] == list(histories.values())
    assert list(ax.lines[0].get_xdata()) == [1, 2, 3]
    assert len({(line.get_linestyle(), line.get_marker()) for line in ax.lines}) == 3  # on top of each other, visible
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(histories)
    for bad in ({}, {"scalar": []}):
        with pytest.raises(ValueError, match="nothing to plot"):
            plot_engine_losses(bad)
