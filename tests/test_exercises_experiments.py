"""Notebook 11's checkers: the right answers pass, and each typical mistake gets its own hint."""

from dataclasses import asdict, replace

import pytest

from .checker_verdicts import accepted, hint
from microgpt import GPTConfig, RunRecord, load_names, load_shipped, run_experiment
from microgpt.exercises.experiments import LUCK_CHOICES, check_first_step, check_luck, check_my_experiment

NAMES = {"name": "names", "documents": 29910, "sha256": "3b20b43df36e" + "0" * 52}
DEFAULT_SETTINGS = {"engine": "numpy", "seed": 42, "num_steps": 1000, "shuffle": True, "learning_rate": 0.01,
                    "temperature": 0.5, **asdict(GPTConfig())}


def made_up(history, samples=("ann",), data=NAMES, **settings):
    """A record as run_experiment makes them, with these losses and settings (no run needed)."""
    return RunRecord({**DEFAULT_SETTINGS, **settings}, dict(data), list(history), list(samples))


@pytest.fixture(scope="module")
def default():
    """The default run's record: the seed's settings and the seed's 1000 losses."""
    return made_up(load_shipped().history)


def parted_at(default, step, by=0.01, **settings):
    """A record of `settings` whose losses equal the default's until `step` (from 1), then differ."""
    history = list(default.history)
    history[step - 1:] = [loss + by for loss in history[step - 1:]]
    return made_up(history, **settings)


def test_a_real_experiment_and_its_diff_are_accepted():
    names = load_names()
    default = run_experiment(names, engine="numpy", data_name="names")
    mine = run_experiment(names, engine="numpy", data_name="names", learning_rate=0.02)
    assert accepted(check_my_experiment, default, mine, "learning_rate", 2)
    said = hint(check_my_experiment, default, mine, "learning_rate", 1)
    assert "at step 1 the two losses are still equal" in said and "acts only from a later update" in said


def test_any_single_setting_is_accepted_with_the_step_its_diff_gives(default):
    assert accepted(check_my_experiment, default, parted_at(default, 1, n_layer=2), "n_layer", 1)
    assert accepted(check_my_experiment, default, parted_at(default, 1, n_layer=2), " n_layer ", 1.0)
    assert accepted(check_my_experiment, default, parted_at(default, 3, num_steps=2000), "num_steps", 3)
    same_losses = made_up(default.history, temperature=1.0)  # only the names change
    assert accepted(check_my_experiment, default, same_losses, "temperature", None)
    assert "read the diff's losses line again" in hint(check_my_experiment, default, same_losses, "temperature", 1)


@pytest.mark.parametrize("setting, step, said", [
    (..., 1, 'set my_setting to the name of the setting you changed, as a string, e.g. "n_layer"'),
    (2, 1, "the setting's name, as a string such as \"n_head\", not its value"),
    ("n_head", 1, "'n_head' is not among them"),
    ("n_layer", ..., "set my_first_step to the first step at which the losses differ"),
    ("n_layer", 0, "one less than the diff's: the diff counts steps from 1"),
    ("n_layer", None, "the losses do differ"),
    ("n_layer", 3.3285, "3.3285 looks like a loss"),
    ("n_layer", "1", "a whole number, the step, or None"),
    ("n_layer", 5, "not the step the diff gives"),
])
def test_each_mistake_in_the_report_gets_its_hint(default, setting, step, said):
    assert said in hint(check_my_experiment, default, parted_at(default, 1, n_layer=2), setting, step)


def test_an_answer_before_the_first_difference_is_told_the_losses_are_still_equal_there(default):
    faster = parted_at(default, 2, learning_rate=0.02)
    said = hint(check_my_experiment, default, faster, "learning_rate", 1)
    assert "at step 1 the two losses are still equal (diff_runs(default, mine).loss_at(1) gives both)" in said
    assert "learning_rate changes the updates, not the first weights, so it acts only from a later update" in said
    assert "counts steps from 1" not in said
    longer = parted_at(default, 3, num_steps=2000)
    assert "num_steps changes the updates" in hint(check_my_experiment, default, longer, "num_steps", 2)
    assert "at step 1 the two losses are still equal" in hint(check_my_experiment, default, longer, "num_steps", 1)
    # step 0 only comes from counting from 0; "one less" only when it is one less
    assert hint(check_my_experiment, default, parted_at(default, 1, n_layer=2), "n_layer", 0) == \
        "one less than the diff's: the diff counts steps from 1, and step 1 is history[0]"
    assert hint(check_my_experiment, default, faster, "learning_rate", 0) == \
        "the diff counts steps from 1, and step 1 is history[0]"
    assert "one less" not in hint(check_my_experiment, default, faster, "learning_rate", -1)


def test_the_experiment_itself_must_change_exactly_one_setting_of_the_default(default):
    two = parted_at(default, 1, n_layer=2, n_embd=32)
    said = hint(check_my_experiment, default, two, "n_layer", 1)
    assert "differs from the default in 2 settings, n_layer, n_embd" in said
    fast = parted_at(default, 1, n_layer=2, engine="fast")
    assert 'give engine="numpy" too' in hint(check_my_experiment, default, fast, "n_layer", 1)
    assert "exactly the default's settings" in hint(check_my_experiment, default, default, "n_layer", 1)
    words = made_up(default.history, data={"name": "words", "documents": 10000, "sha256": "a78e"})
    assert "other data" in hint(check_my_experiment, default, words, "n_layer", 1)
    assert "set mine to the record of your run" in hint(check_my_experiment, default, ..., "n_layer", 1)


def test_the_default_must_be_the_default_run(default):
    mine = parted_at(default, 1, n_layer=2)
    assert "the record of section 1's default run" in hint(check_my_experiment, ..., mine, "n_layer", 1)
    assert "default is not the default run" in hint(check_my_experiment, mine, default, "n_layer", 1)
    short = replace(default, history=default.history[:500])
    assert "default is not the default run" in hint(check_my_experiment, short, mine, "n_layer", 1)


def test_the_first_step_of_a_run_with_more_steps_and_why():
    assert accepted(check_first_step, 3, "a")
    assert accepted(check_first_step, 3, " (A) ")
    for step in (1, 2):
        said = hint(check_first_step, step, "a")
        assert f"at step {step} the two losses are still equal (diff_runs(default, longer).loss_at({step})" in said
        assert "update" not in said  # that is the second question's answer
    assert hint(check_first_step, 0, "a") == "the diff counts steps from 1, and step 1 is history[0]"
    assert "set first_step to the first step" in hint(check_first_step, ..., "a")
    assert "looks like a loss" in hint(check_first_step, 3.324297, "a")
    assert "not the step the diff gives" in hint(check_first_step, 4, "a")
    assert "now answer the question" in hint(check_first_step, 3)
    assert "0.01 for any number of steps" in hint(check_first_step, 3, "b")
    assert "the first ones too" in hint(check_first_step, 3, "c")
    assert "read the same name at each step" in hint(check_first_step, 3, "d")


def luck_runs(default, differences):
    """The default and the run without the scale at the seeds 42, 43 and 44, whose final losses differ by
    `differences` (the default at 43 and 44 made up from the seed's losses, shifted)."""
    defaults = [default] + [parted_at(default, 1, by=shift, seed=seed) for seed, shift in ((43, -0.02), (44, 0.03))]
    unscaled = [made_up([loss + d for loss in base.history], seed=base.settings["seed"], scale_attention=False)
                for base, d in zip(defaults, differences)]
    return defaults, unscaled


def test_luck_is_told_by_the_signs_of_the_differences(default):
    defaults, unscaled = luck_runs(default, [-0.0044, 0.0027, -0.0063])
    right = [u.final_loss - d.final_loss for d, u in zip(defaults, unscaled)]
    assert accepted(check_luck, defaults, unscaled, right, "c")
    assert "look at the signs of your differences, - + -" in hint(check_luck, defaults, unscaled, right, "a")
    assert "now answer the question" in hint(check_luck, defaults, unscaled, right)
    worse, unscaled_worse = luck_runs(default, [0.03, 0.02, 0.04])  # RMSNorm's kind of result
    right = [u.final_loss - d.final_loss for d, u in zip(worse, unscaled_worse)]
    assert accepted(check_luck, worse, unscaled_worse, right, "b")
    assert "+ + +" in hint(check_luck, worse, unscaled_worse, right, "c")
    assert set(LUCK_CHOICES) == {"a", "b", "c"}


def test_each_mistake_in_the_luck_exercise_gets_its_hint(default):
    defaults, unscaled = luck_runs(default, [-0.0044, 0.0027, -0.0063])
    right = [u.final_loss - d.final_loss for d, u in zip(defaults, unscaled)]
    assert "the other way round" in hint(check_luck, defaults, unscaled, [-d for d in right], "c")
    last = [u.history[-1] - d.history[-1] + 0.001 for d, u in zip(defaults, unscaled)]
    assert "not the differences of your pairs' final losses" in hint(check_luck, defaults, unscaled, last, "c")
    assert accepted(check_luck, defaults, unscaled, [round(d, 4) for d in right], "c")  # typed from a printout
    assert "set differences to the 3 differences" in hint(check_luck, defaults, unscaled, right[:2], "c")
    assert "set default_runs to a list of 3 run records" in hint(check_luck, defaults[:2], unscaled, right, "c")
    assert "set unscaled_runs to a list" in hint(check_luck, defaults, ..., right, "c")
    backwards = hint(check_luck, defaults[::-1], unscaled[::-1], right, "c")
    assert "should use the random seed 42, in the order 42, 43, 44" in backwards
    swapped = [unscaled[0], *unscaled[1:]]
    swapped[1] = replace(swapped[1], settings={**swapped[1].settings, "use_rmsnorm": False})
    assert "differ in scale_attention only" in hint(check_luck, defaults, swapped, right, "c")
    other = [defaults[0], replace(defaults[1], settings={**defaults[1].settings, "n_layer": 2}), defaults[2]]
    assert "has other settings than the default" in hint(check_luck, other, unscaled, right, "c")
    assert "engine" not in hint(check_luck, other, unscaled, right, "c")


def on_fast(record):
    return replace(record, settings={**record.settings, "engine": "fast"})


def test_runs_on_another_engine_than_the_default_are_told_to_give_the_numpy_engine(default):
    defaults, unscaled = luck_runs(default, [-0.0044, 0.0027, -0.0063])
    right = [u.final_loss - d.final_loss for d, u in zip(defaults, unscaled)]
    said = hint(check_luck, defaults, [unscaled[0], on_fast(unscaled[1]), unscaled[2]], right, "c")
    assert "at seed 43, the two runs should differ in scale_attention only" in said
    assert 'the default ran on the numpy engine: give engine="numpy" too' in said
    said = hint(check_luck, [defaults[0], on_fast(defaults[1]), defaults[2]], unscaled, right, "c")
    assert "has other settings than the default" in said and 'give engine="numpy" too' in said
