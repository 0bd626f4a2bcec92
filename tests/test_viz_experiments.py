"""microgpt.viz.experiments: runs compared as a table, names side by side, overlaid curves, a diff as HTML, the
widget's plan of an experiment, and the widget itself on a tiny dataset."""

import html
import inspect
import re
from dataclasses import fields

import pytest

from microgpt import GPTConfig, Run, RunRecord, diff_runs, run_experiment
from microgpt.viz import experiments
from microgpt.viz.experiments import (ExperimentLab, diff_html, names_html, plan_experiment, plot_experiment,
                                      results_table, samples_table)

from .viz_helpers import close_figures  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("close_figures")
DATA = {"name": "names", "documents": 3, "sha256": "ab" * 32}


def record(history, samples=(), data=DATA, **settings):
    return RunRecord({**experiments.defaults(), "engine": "numpy", "temperature": 0.5, **settings}, dict(data),
                     list(history), list(samples))


BASE = record([3.0, 2.0, 1.0], ["ann", "bo", ""])
LATER = record([3.0, 2.0, 1.5], ["ann", "bob", "cy"], learning_rate=0.1)
FIRST = record([3.5, 2.5, 2.0], ["zed"], n_head=1)


def test_the_defaults_are_the_seeds_as_run_and_gptconfig_define_them():
    assert experiments.defaults() == {"num_steps": 1000, "seed": 42, "shuffle": True, "learning_rate": 0.01,
                                      "n_layer": 1, "n_embd": 16, "block_size": 16, "n_head": 4,
                                      "scale_attention": True, "use_rmsnorm": True}
    assert set(experiments.defaults()) <= set(inspect.signature(Run).parameters) | {f.name for f in fields(GPTConfig)}


def test_the_results_table_gives_final_losses_their_differences_and_where_each_run_parts():
    lines = results_table({"default": BASE, "0.1": LATER, "1 head": FIRST}).splitlines()
    assert lines[0].split() == ["final", "loss", "vs", "default", "losses", "first", "differ"]
    assert lines[1].split() == ["default", "2.0000"]
    assert lines[2].split() == ["0.1", "2.1667", "+0.1667", "at", "step", "3"]
    assert lines[3].split() == ["1", "head", "2.6667", "+0.6667", "at", "step", "1"]
    same = results_table({"a": BASE, "b": record(BASE.history, seed=1)}).splitlines()[2]
    assert same.split() == ["b", "2.0000", "+0.0000", "never"]


def test_the_results_table_adds_the_loss_on_unseen_names_when_given():
    lines = results_table({"default": BASE, "0.1": LATER}, unseen={"default": 2.5, "0.1": 2.25}).splitlines()
    assert "unseen names" in lines[0]
    assert lines[1].split() == ["default", "2.0000", "2.5000"]
    assert lines[2].split() == ["0.1", "2.1667", "+0.1667", "2.2500", "-0.2500", "at", "step", "3"]
    header = results_table({"a": BASE, "b": LATER}, unseen={"a": 2.5, "b": 2.25}, unseen_label="first 4 tokens")
    assert "first 4 tokens" in header.splitlines()[0] and header.splitlines()[2].split()[3] == "2.2500"
    with pytest.raises(ValueError, match="at least one run"):
        results_table({})


def test_samples_sit_side_by_side_and_an_empty_name_is_shown():
    table = samples_table({"default": BASE, "1 head": FIRST}, n=2)
    assert table.splitlines() == ["default  1 head", "ann      zed", "bo"]
    assert samples_table({"default": BASE}, n=3).splitlines()[-1] == "(empty)"


def test_the_plot_overlays_each_runs_average_labelled_with_its_final_loss():
    ax = plot_experiment({"default": BASE, "1 head": FIRST}, window=2, title="heads").axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["default: final loss 2.000",
                                                                   "1 head: final loss 2.667"]
    assert list(ax.lines[1].get_ydata()) == [3.5, 3.0, 2.25]  # viz.training.moving_average over 2 steps
    assert ax.get_title() == "heads" and ax.lines[0].get_linewidth() > ax.lines[1].get_linewidth()


def test_the_diff_as_html_holds_what_the_printed_diff_says():
    diff = diff_runs(BASE, LATER)
    view = diff_html(diff, ("default", "<yours>"))
    assert re.findall(r'data-setting="([^"]+)"', view) == ["learning_rate"]
    assert 'data-same="true"' in view and "the same (names, 3 documents)" in view
    assert 'data-step="3"' in view and "at step 3: 1.000000 | 1.500000" in view
    assert re.search(r'microgpt-diff-final.*2\.0000.*2\.1667', view)
    assert "&lt;yours&gt;" in view and "<yours>" not in view
    for line in ("learning_rate    0.01 | 0.1", "first differ at step 3: 1.000000 | 1.500000",
                 "2.0000 | 2.1667"):
        assert line in str(diff)  # the printed report (runs.RunDiff) says the same


def test_the_names_sit_side_by_side_and_an_empty_one_is_shown():
    view = names_html(diff_runs(BASE, LATER), ("default", "yours"), n=5)
    rows = re.findall(r'<tr class="microgpt-diff-sample">(.*?)</tr>', view)
    assert [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows] == [
        ["ann", "ann"], ["bo", "bob"], ["<i>(empty)</i>", "cy"]]
    assert len(re.findall('class="microgpt-diff-sample"', names_html(diff_runs(BASE, LATER), n=2))) == 2


def test_the_diff_as_html_says_when_nothing_differs_or_the_data_does():
    same = diff_html(diff_runs(BASE, record(BASE.history, BASE.samples)))
    assert "<td>settings</td><td colspan=\"2\">the same</td>" in same
    assert 'data-step=""' in same and "never (every step within 1e-09)" in same
    other = diff_html(diff_runs(BASE, record(BASE.history, data={"name": "words", "documents": 9, "sha256": "cd"})))
    assert 'data-same="false"' in other and "words, 9 documents" in other


def notes(**choices):
    plan = plan_experiment("names", 15, **choices)
    assert plan.error == "", plan.error
    return " ".join(plan.notes)


def test_the_plan_of_the_default_settings_says_nothing_will_differ():
    plan = plan_experiment()
    assert plan.settings == experiments.defaults() and plan.error == ""
    assert plan.notes == ("These are the default run's settings: the diff will say that no setting differs and "
                          "that the losses are the same at every step.",)


def test_settings_that_cannot_run_get_an_error_not_an_exception():
    assert "cannot be split into 16 heads" in plan_experiment(n_embd=8, n_head=16).error
    for seed in ("abc", "3.7", "-1", "", "1000000", 1_000_000, True):
        assert plan_experiment(seed=seed).error.startswith("The random seed must be a whole number"), seed
    assert plan_experiment(seed=" 7 ").settings["seed"] == 7  # typed in a box, spaces and all
    with pytest.raises(ValueError, match="unknown setting n_heads"):
        plan_experiment(n_heads=2)


def test_each_control_at_its_ends_gets_a_note():
    assert "reads only BOS" in notes(block_size=1) and "a single letter" in notes(block_size=1)
    assert "Documents of 4 letters or more are cut" in notes(block_size=4)
    assert "cut" not in notes(block_size=16)  # names have at most 15 letters: none is cut
    assert "Documents of 16 letters or more" in " ".join(plan_experiment("words", 18, block_size=16).notes)
    assert "16 heads, each 1 number wide (16 numbers per position split 16 ways)" in notes(n_head=16)
    assert "changes nothing at this width" in notes(n_head=16, scale_attention=False)
    assert "may diverge" in notes(learning_rate=0.3)
    assert "overshoot" in notes(learning_rate=0.1) and "more slowly" in notes(learning_rate=0.001)
    assert "mean of all 100 of them" in notes(num_steps=100)
    assert "A big run" in notes(n_layer=4, n_embd=64, num_steps=5000) and "A big run" not in notes(n_layer=4)
    assert "the most frequent first" in notes(shuffle=False)
    assert "changed 2 things at once" in notes(n_layer=2, seed=7)
    assert "Other data" in " ".join(plan_experiment("words", 18, default_data="names").notes)


@pytest.fixture(scope="module")
def tiny_default(tiny_docs):
    return run_experiment(tiny_docs, num_steps=100, engine="numpy", data_name="tiny")


def test_the_lab_runs_its_preset_and_shows_the_curve_and_the_diff(tiny_docs, tiny_default):
    lab = ExperimentLab({"tiny": tiny_docs}, tiny_default, num_steps=100, n_head=2)
    assert lab.record == run_experiment(tiny_docs, num_steps=100, engine="numpy", data_name="tiny", n_head=2)
    assert 'data-state="done"' in lab.status.value and lab.bar.value == 100
    assert bytes(lab.picture.value).startswith(b"\x89PNG") and lab.picture.layout.display is None
    assert re.findall(r'data-setting="([^"]+)"', lab.diff_view.value) == ["n_head"]
    assert lab.names_view.value.count('class="microgpt-diff-sample"') == 10
    assert lab.report() == str(diff_runs(tiny_default, lab.record))  # what the notebook prints beside it


def test_the_lab_refuses_settings_that_cannot_run_and_says_why(tiny_docs, tiny_default):
    lab = ExperimentLab({"tiny": tiny_docs}, tiny_default)
    assert lab.record is None and lab.picture.layout.display == "none" and 'data-state="idle"' in lab.status.value
    assert lab.report() == "No record to compare: no run has finished yet. Press run."
    assert lab.rate_view.value == "0.01" and not lab.controls["learning_rate"].readout  # no box to type into
    lab.controls["n_head"].value = 16
    lab.controls["n_embd"].value = 8
    assert lab.button.disabled and 'data-runnable="false"' in lab.plan_view.value
    assert "cannot be split into 16 heads" in html.unescape(lab.plan_view.value)
    lab.run()  # the button is disabled, but a call must do nothing either
    assert lab.record is None
    lab.controls["n_embd"].value = 16
    assert not lab.button.disabled and "1 number wide" in lab.plan_view.value
    lab.controls["seed"].value = "x"
    assert lab.button.disabled and "whole number" in lab.plan_view.value


def test_a_run_that_stops_says_where_and_keeps_no_stale_picture(tiny_docs, tiny_default, monkeypatch):
    lab = ExperimentLab({"tiny": tiny_docs}, tiny_default, num_steps=100)
    assert lab.record is not None

    def diverging(docs, on_step, **settings):
        for step in range(7):
            on_step(step, 3.0)
        raise ValueError("training has diverged")

    monkeypatch.setattr(experiments, "run_experiment", diverging)
    lab.controls["learning_rate"].value = 0.3
    assert lab.rate_view.value == "0.3"
    status = html.unescape(lab.status.value)  # the finished run's message stays, and the note follows it
    assert re.search(r"100 steps in \d+\.\d s\. Below: .* then the diff\. Settings changed: press run", status)
    assert "still the last run's" in status
    lab.run()
    assert 'data-state="stopped"' in lab.status.value and "stopped at step 8 of 100" in lab.status.value
    assert lab.report() == ("No record to compare. The run stopped at step 8 of 100: training has diverged. Pick "
                            "other settings and press run.")
    assert lab.record is None and lab.picture.layout.display == "none" and lab.diff_view.value == ""
    assert lab.names_view.value == ""
    assert lab.bar.bar_style == "danger" and not lab.button.disabled
