"""Notebook 11, experiments: the diff of an experiment of your own, the first step at which a run with more steps
parts from the default run, and whether a small difference is more than luck."""

import numbers
from functools import lru_cache

from ..checkpoint import load_shipped
from ..runs import RunRecord, diff_runs
from .verdict import Hint, all_close, checker, multiple_choice, reject

SEEDS = (42, 43, 44)  # exercise 3: the default run and the run without the scale, at each of these random seeds
PRINTED = 1e-4  # exercise 3 accepts differences typed in from a printout with 4 decimals

# Exercise 2: why a run of 5000 steps parts from the default run at step 3; (a) is right
FIRST_STEP = 3
CHOICES = {
    "a": "a step's loss is computed before its update; both schedules start at 0.01, so the first update is the "
         "same; the second update's learning rate depends on the number of steps",
    "b": "the run of 5000 steps starts with a smaller learning rate, so its first steps change less",
    "c": "Adam's bias correction makes the first two steps the same size whatever the learning rate",
    "d": "the two runs read different names at their first steps",
}
WRONG_CHOICES = {
    "b": "both schedules start at the same rate: 0.01 × (1 − 0 / num_steps) is 0.01 for any number of steps",
    "c": "the bias correction divides m and v by the same 1 − βᵗ in both runs, and the learning rate multiplies "
         "every step, the first ones too (notebook 08)",
    "d": "both runs use the random seed 42, so they shuffle the names alike and read the same name at each step: "
         "the number of steps does not change the order",
}

# Exercise 3: what the three differences show, as it follows from their signs
LUCK_CHOICES = {
    "a": "without the scale the model is better: its final loss is lower at every seed",
    "b": "without the scale the model is worse: its final loss is higher at every seed",
    "c": "these runs cannot tell: the differences are a few thousandths and change sign from one seed to the next",
}


@lru_cache(maxsize=None)
def default_history():
    """The default run's 1000 losses: the seed's run, kept in the shipped checkpoint."""
    return tuple(load_shipped().history)


def require_default(default, name="default"):
    """Raise a Hint unless `default` is the record of the default run (the seed's settings, names, 1000 steps)."""
    if not isinstance(default, RunRecord):
        raise Hint(f"{name} should be the record of section 1's default run, a RunRecord as run_experiment returns")
    if len(default.history) != len(default_history()) or not all_close(default.history, default_history(), 1e-6):
        raise Hint(f"{name} is not the default run: make it with run_experiment(names, engine=\"numpy\") and no "
                   "other setting, or use `default` from section 1")


def is_step(answer):
    return isinstance(answer, numbers.Integral) and not isinstance(answer, bool)


def require_step(answer, right, name, diff_call, later=""):
    """Raise a Hint unless `answer` is the step `right` (from 1, or None when the losses never differ).
    `diff_call` is the code that makes the diff, for the hints; `later`, why a setting acts only after step 1
    (said when the answer is a step before the right one)."""
    if answer is ...:
        raise Hint(f"set {name} to the first step at which the losses differ, as the diff prints it (or None)")
    if isinstance(answer, float) and not answer.is_integer():
        raise Hint(f"{answer} looks like a loss: {name} is the number of a step, 1 for the first")
    if answer is not None and not is_step(answer) and not isinstance(answer, float):
        raise Hint(f"{name} is a whole number, the step, or None: not {answer!r}")
    answer = None if answer is None else int(answer)
    if answer == right:
        return
    if right is None:
        raise Hint("read the diff's losses line again: it says whether the losses differ at all, within its "
                   "tolerance")
    if answer is None:
        raise Hint("the losses do differ: the diff's losses line says at which step they differ first")
    if answer < 1:  # only a count from 0 gives step 0
        raise Hint(("one less than the diff's: " if answer == right - 1 else "")
                   + "the diff counts steps from 1, and step 1 is history[0]")
    if answer < right:
        raise Hint(f"at step {answer} the two losses are still equal ({diff_call}.loss_at({answer}) gives both)"
                   f"{later}; the diff's losses line gives the first step where they differ")
    raise Hint(f"not the step the diff gives: print the diff and read its losses line ({diff_call}"
               f".loss_at({answer}) gives the two losses of step {answer}, if you want to look at them)")


def engine_note(changed):
    """What to add to a hint when a run's settings differ from another's in the engine too."""
    return " (the default ran on the numpy engine: give engine=\"numpy\" too)" if "engine" in changed else ""


ACT_LATER = ("learning_rate", "num_steps")  # settings that change the updates only: their runs part after step 1


@checker("That is your run's diff: one setting changed, and the step from which the two runs part. Is the "
         "difference in final loss more than luck? Section 3 says how to find out.")
def check_my_experiment(default, mine=..., my_setting=..., my_first_step=...):
    """Exercise 1: `mine` changes one setting of `default`; the learner names it, and the first step whose losses
    differ."""
    require_default(default)
    if not isinstance(mine, RunRecord):
        raise Hint("set mine to the record of your run: run_experiment(names, engine=\"numpy\", ...) returns one")
    diff = diff_runs(default, mine)
    if not diff.same_data:
        raise Hint("your run trained on other data: keep the names, and change one setting")
    changed = list(diff.settings)
    if not changed:
        raise Hint("your run has exactly the default's settings: change one, e.g. n_layer=2, and run it again")
    if len(changed) > 1:
        raise Hint(f"your run differs from the default in {len(changed)} settings, {', '.join(changed)}"
                   f"{engine_note(changed)}: with two changes you cannot tell which did what. Change one setting only")
    [setting] = changed
    if my_setting is ...:
        raise Hint("set my_setting to the name of the setting you changed, as a string, e.g. \"n_layer\"")
    if not isinstance(my_setting, str):
        value = diff.settings[setting][1]
        raise Hint("my_setting is the setting's name, as a string such as \"n_head\""
                   + (", not its value" if my_setting == value else ""))
    if my_setting.strip() != setting:
        raise Hint(f"the diff of your two runs lists the settings that differ, and {my_setting.strip()!r} is not "
                   "among them: print(diff_runs(default, mine))")
    later = f": {setting} changes the updates, not the first weights, so it acts only from a later update" \
        if setting in ACT_LATER else ""
    require_step(my_first_step, diff.first_difference, "my_first_step", "diff_runs(default, mine)", later)


@checker("Step 3: the losses of steps 1 and 2 are computed with weights that both runs share, and the schedules "
         "part only at the second update.")
def check_first_step(first_step, why=None):
    """Exercise 2: the first step at which the run of 5000 steps parts from the default (3), and why (a)."""
    require_step(first_step, FIRST_STEP, "first_step", "diff_runs(default, longer)")
    multiple_choice(why, "why", "the step is right", CHOICES, WRONG_CHOICES)


def luck_answer(differences):
    """The letter of LUCK_CHOICES that the signs of `differences` support."""
    if all(d < 0 for d in differences):
        return "a"
    if all(d > 0 for d in differences):
        return "b"
    return "c"


@checker("Three seeds tell more than one: a change worth keeping shows the same sign at every seed, and a "
         "difference that changes sign is luck.")
def check_luck(default_runs, unscaled_runs=..., differences=..., verdict=None):
    """Exercise 3: the default and the run without the scale at SEEDS, their differences in final loss, and what
    they show (the letter follows from the signs: see luck_answer)."""
    for name, runs in (("default_runs", default_runs), ("unscaled_runs", unscaled_runs)):
        if runs is ... or not isinstance(runs, (list, tuple)) or len(runs) != len(SEEDS) or \
                not all(isinstance(run, RunRecord) for run in runs):
            raise Hint(f"set {name} to a list of {len(SEEDS)} run records, one for each random seed "
                       f"{', '.join(map(str, SEEDS))}, in that order")
    for seed, default, unscaled in zip(SEEDS, default_runs, unscaled_runs):
        if default.settings.get("seed") != seed or unscaled.settings.get("seed") != seed:
            raise Hint(f"the runs of each pair should use the random seed {seed}, in the order "
                       f"{', '.join(map(str, SEEDS))}: give run_experiment seed={seed}")
    require_default(default_runs[0], "default_runs[0]")
    for seed, default, unscaled in zip(SEEDS, default_runs, unscaled_runs):
        changed = set(diff_runs(default_runs[0], default).settings) - {"seed"}
        if changed:
            raise Hint(f"the default run at seed {seed} has other settings than the default: change only the seed"
                       + engine_note(changed))
        paired = diff_runs(default, unscaled)
        if paired.settings != {"scale_attention": (True, False)} or not paired.same_data:
            raise Hint(f"at seed {seed}, the two runs should differ in scale_attention only (False for the second); "
                       f"they differ in: {', '.join(paired.settings) or 'nothing'}{engine_note(paired.settings)}")
    right = [unscaled.final_loss - default.final_loss for default, unscaled in zip(default_runs, unscaled_runs)]
    if differences is ... or not isinstance(differences, (list, tuple)) or len(differences) != len(SEEDS):
        raise Hint(f"set differences to the {len(SEEDS)} differences in final loss, one per seed: without the scale "
                   "minus the default")
    if not all_close(differences, right, PRINTED):
        last = [unscaled.history[-1] - default.history[-1] for default, unscaled in zip(default_runs, unscaled_runs)]
        reject(list(differences), [
            ([-d for d in right], "the other way round: without the scale minus the default, so that a positive "
                                  "difference means the change made the loss worse"),
            (last, "that is the loss of the last step alone, one name's: use final_loss, the mean of the last 100"),
        ], otherwise="these are not the differences of your pairs' final losses, seed by seed: print each pair's two "
                     "final losses and compare", same=lambda a, b: all_close(a, b, PRINTED))
    signs = " ".join("+" if d > 0 else "-" for d in right)
    wrong = {letter: f"look at the signs of your differences, {signs}: does that hold at every seed?"
             for letter in LUCK_CHOICES if letter != luck_answer(right)}
    multiple_choice(verdict, "verdict", "your differences are right", tuple(LUCK_CHOICES), wrong)
