"""Experiments: runs that change one setting of the default run, compared with it (notebook 11).

The pure functions take run records (`microgpt.runs.RunRecord`) as {label: record}, the first one the run
the others are compared with: `results_table` prints their final losses and the step from which each
parts from the first, `samples_table` their names side by side, `plot_experiment` overlays their loss
curves (`viz.training.plot_runs`); `diff_html` and `names_html` show a `RunDiff` as compact HTML tables.
For the widget, `plan_experiment` turns the controls' values into run_experiment's settings, with notes on
what the reader should know before running and an error when the settings cannot run; `ExperimentLab` is
the thin widget around them: pick settings, train on the numpy engine, see the curve against the default's
and the diff.

Stable CSS classes for the browser test: microgpt-experiment-lab, microgpt-experiment-plan (the notes,
data-runnable "true"/"false"), microgpt-experiment-error, microgpt-experiment-rate (the learning rate beside its
slider), microgpt-experiment-status (data-state idle, running, done, stopped), microgpt-experiment-plot,
microgpt-diff, microgpt-diff-setting (data-setting), microgpt-diff-data (data-same), microgpt-diff-first
(data-step, "" when the losses never differ), microgpt-diff-final, and microgpt-diff-names with a
microgpt-diff-sample row per pair of names.
"""

import html
import inspect
import io
import time
from dataclasses import dataclass, fields

import ipywidgets as widgets
import matplotlib.pyplot as plt

from ..config import GPTConfig, num_parameters
from ..runs import LAST, diff_runs, run_experiment
from ..train import Run
from .sampling import MAX_SEED, seed_from
from .training import plot_runs

WINDOW = LAST  # steps in the moving average of every curve: as many as the final loss averages
SIZES = {"n_layer": (1, 2, 3, 4), "n_embd": (8, 16, 32, 64), "n_head": (1, 2, 4, 8, 16)}  # the widget's choices
BLOCK_SIZES = (1, 16)  # the block size slider's ends
STEPS = (100, 5000, 100)  # the steps slider: lowest, highest, step
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3)  # 0.3 diverges on the seed's model
BIG_RUN = 150_000_000  # parameters x steps above which a run takes tens of seconds on the numpy engine
REDRAW_EVERY = 0.2  # seconds between two moves of the progress bar while a run trains
PICTURE_INCHES = (5.6, 3.3)  # the widget's plot: beside the samples, inside the notebook's width
STYLE = """<style>
.microgpt-diff, .microgpt-diff-names { font-size: 12px; line-height: 1.35; }
.microgpt-diff table, .microgpt-diff-names table { border-collapse: collapse; }
.microgpt-diff td, .microgpt-diff th, .microgpt-diff-names td, .microgpt-diff-names th {
  padding: 1px 6px; text-align: left; white-space: nowrap; }
.microgpt-x-num { font-family: monospace; text-align: right; }
.microgpt-x-mono { font-family: monospace; }
.microgpt-x-differs { background: #fff3c4; }
.microgpt-x-note { color: #777; }
.microgpt-diff th, .microgpt-diff-names th { color: #555; font-weight: normal; border-bottom: 1px solid #ccc; }
.microgpt-experiment-error { color: #b00020; }
.microgpt-experiment-plan, .microgpt-experiment-status { font-size: 12px; line-height: 1.4; max-width: 840px; }
</style>"""


def defaults():
    """The default run's settings, as `Run` and `GPTConfig` define them: the seed's."""
    run = {name: p.default for name, p in inspect.signature(Run).parameters.items()
           if name in ("num_steps", "seed", "shuffle", "learning_rate")}
    return run | {f.name: f.default for f in fields(GPTConfig) if f.name != "vocab_size"}


def first_difference_text(diff):
    return "never" if diff.first_difference is None else f"at step {diff.first_difference}"


def results_table(runs, unseen=None, unseen_label="unseen names"):
    """One line per run of {label: RunRecord}: its final loss (the mean of the last 100 steps), the
    difference to the first run's, and the first step whose loss differs from the first run's.
    `unseen` ({label: loss}) adds each run's loss on the same unseen names, and its difference too, in a
    column headed `unseen_label`."""
    if not runs:
        raise ValueError("give at least one run: there is nothing to compare")
    (first_label, first), width = next(iter(runs.items())), max(map(len, runs)) + 2
    vs = f"vs {first_label}"
    column = max(12, len(vs) + 2)  # the width of a difference column

    def difference(value, first_value, same):
        return " " * column if same else f"{value - first_value:>+{column}.4f}"

    lines = [f"{'':<{width}}{'final loss':>11}{vs:>{column}}"
             + (f"{unseen_label:>{len(unseen_label) + 2}}{vs:>{column}}" if unseen else "") + "   losses first differ"]
    for label, record in runs.items():
        same = label == first_label
        line = f"{label:<{width}}{record.final_loss:>11.4f}" + difference(record.final_loss, first.final_loss, same)
        if unseen:
            line += f"{unseen[label]:>{len(unseen_label) + 2}.4f}"
            line += difference(unseen[label], unseen[first_label], same)
        lines.append(line + ("" if same else "   " + first_difference_text(diff_runs(first, record))))
    return "\n".join(line.rstrip() for line in lines)


def samples_table(runs, n=10):
    """The first `n` names each run of {label: RunRecord} drew, side by side: one column per run (an empty name,
    BOS drawn first, shows as '(empty)')."""
    columns = [[label] + [name or "(empty)" for name in record.samples[:n]] for label, record in runs.items()]
    widths = [max(map(len, column)) + 2 for column in columns]
    rows = max(map(len, columns))
    return "\n".join("".join(f"{(column[i] if i < len(column) else ''):<{w}}" for column, w in zip(columns, widths))
                     .rstrip() for i in range(rows))


def plot_experiment(runs, window=WINDOW, title=None):
    """The loss curves of {label: RunRecord} on one plot (moving averages over `window` steps), each label
    with its run's final loss; the first run drawn thickest. A matplotlib figure: end the cell with plt.show()."""
    return plot_runs({f"{label}: final loss {record.final_loss:.3f}": record.history for label, record in runs.items()},
                     window=window, title=title)


def diff_html(diff, labels=("A", "B")):
    """A RunDiff as an HTML table: the settings that differ (or none), the data, the first step whose losses
    differ, and the final losses. `names_html` gives the names drawn."""
    a_label, b_label = map(html.escape, labels)
    rows = [f"<tr><th></th><th>{a_label}</th><th>{b_label}</th></tr>"]
    for name, (a, b) in diff.settings.items():
        rows.append(f'<tr class="microgpt-diff-setting microgpt-x-differs" data-setting="{html.escape(name)}">'
                    f'<td>{html.escape(name)}</td><td class="microgpt-x-mono">{html.escape(repr(a))}</td>'
                    f'<td class="microgpt-x-mono">{html.escape(repr(b))}</td></tr>')
    if not diff.settings:
        rows.append('<tr><td>settings</td><td colspan="2">the same</td></tr>')
    data = [f"{html.escape(str(d.get('name')))}, {d.get('documents', 0):,} documents"
            for d in (diff.a.data, diff.b.data)]
    cells = f'<td colspan="2">the same ({data[0]})</td>' if diff.same_data else "".join(f"<td>{d}</td>" for d in data)
    rows.append(f'<tr class="microgpt-diff-data{"" if diff.same_data else " microgpt-x-differs"}" '
                f'data-same="{str(diff.same_data).lower()}"><td>data</td>{cells}</tr>')
    if diff.first_difference is None:
        first = f"never (every step within {diff.tolerance:g})"
    else:
        loss_a, loss_b = diff.loss_at(diff.first_difference)
        first = f"at step {diff.first_difference}: {loss_a:.6f} | {loss_b:.6f}"
    rows.append(f'<tr class="microgpt-diff-first" data-step="{diff.first_difference or ""}"><td>losses first differ'
                f'</td><td colspan="2">{first}</td></tr>')
    rows.append(f'<tr class="microgpt-diff-final"><td>final loss</td><td class="microgpt-x-num">{diff.a.final_loss:.4f}'
                f'</td><td class="microgpt-x-num">{diff.b.final_loss:.4f}</td><td class="microgpt-x-note">the mean of '
                f"the last {LAST} steps</td></tr>")
    return STYLE + f'<div class="microgpt-diff"><table>{"".join(rows)}</table></div>'


def names_html(diff, labels=("A", "B"), n=10):
    """The first `n` names each run of a RunDiff drew, side by side, as an HTML table."""
    a_label, b_label = map(html.escape, labels)
    rows = [f"<tr><th>{a_label}</th><th>{b_label}</th></tr>"]
    for i in range(min(n, max(len(diff.a.samples), len(diff.b.samples)))):
        pair = [run.samples[i] if i < len(run.samples) else "" for run in (diff.a, diff.b)]
        rows.append('<tr class="microgpt-diff-sample">' + "".join(
            f'<td class="microgpt-x-mono">{html.escape(name) or "<i>(empty)</i>"}</td>' for name in pair) + "</tr>")
    return STYLE + f'<div class="microgpt-diff-names"><table>{"".join(rows)}</table></div>'


@dataclass(frozen=True)
class Plan:
    """What the widget's controls ask for: `settings` for run_experiment (but the documents), the dataset's
    name, `notes` the reader should know before running, and `error`, why these settings cannot run ('' if
    they can)."""

    data: str
    settings: dict
    notes: tuple = ()
    error: str = ""


def plan_experiment(data="names", longest=15, default_data="names", **choices):
    """The Plan for settings chosen in the widget. `longest` is the longest document of `data` (in characters);
    `choices` are any of defaults()'s settings, the seed possibly as the text typed in its box."""
    unknown = sorted(set(choices) - set(defaults()))
    if unknown:
        raise ValueError(f"unknown setting {', '.join(unknown)}: choose from {', '.join(defaults())}")
    settings = defaults() | choices
    seed = seed_from(settings["seed"]) if isinstance(settings["seed"], str) else settings["seed"]
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        return Plan(data, settings, error=f"The random seed must be a whole number from 0 to {MAX_SEED:,}, "
                                          f"not {seed!r}.")
    settings["seed"] = seed
    n_embd, n_head = settings["n_embd"], settings["n_head"]
    if n_embd % n_head:
        return Plan(data, settings, error=f"{n_embd} numbers per position (n_embd) cannot be split into {n_head} "
                                          f"heads of equal width: pick fewer heads, or a wider embedding.")
    return Plan(data, settings, tuple(notes_on(settings, data, longest, default_data)))


def notes_on(settings, data, longest, default_data):
    """What a reader should know about these settings before running them (see plan_experiment)."""
    changed = [name for name, value in settings.items() if value != defaults()[name]]
    if not changed and data == default_data:
        yield ("These are the default run's settings: the diff will say that no setting differs and that the losses "
               "are the same at every step.")
    elif len(changed) + (data != default_data) > 1:
        yield (f"You changed {len(changed) + (data != default_data)} things at once: whatever differs, you will not "
               "know which change did it.")
    if data != default_data:
        yield (f"Other data: the diff will say so, and the losses measure how well the model predicts {data}, not "
               f"{default_data}: a higher or lower loss says as much about the data as about the model.")
    block_size, head_dim = settings["block_size"], settings["n_embd"] // settings["n_head"]
    if block_size == 1:
        yield ("Block size 1: the model reads only BOS, so it learns only which letter starts a document; every one "
               "it writes is a single letter.")
    elif block_size <= longest:
        yield (f"Block size {block_size}: the model reads at most BOS and {block_size - 1} letters. Documents of "
               f"{block_size} letters or more are cut: it learns only their first {block_size} next tokens, never "
               f"where they end, and writes at most {block_size} letters. Its final loss covers those positions only.")
    if head_dim == 1:
        yield (f"{settings['n_head']} heads, each 1 number wide ({settings['n_embd']} numbers per position split "
               f"{settings['n_head']} ways): each head's query and key are single numbers.")
    if not settings["scale_attention"] and head_dim == 1:
        yield "Without the scale, but 1/√1 is 1: switching it off changes nothing at this width."
    if not settings["shuffle"]:
        yield ("No shuffle: the documents are read in the file's order, the most frequent first, so the last "
               f"{LAST} losses are on frequent ones only.")
    rate = settings["learning_rate"]
    if rate >= 0.3:
        yield f"Learning rate {rate:g}: steps this large throw the weights about; the run may diverge and stop."
    elif rate > 0.01:
        yield f"Learning rate {rate:g}: the first steps overshoot, and the loss jumps before it falls (notebook 08)."
    elif rate < 0.01:
        yield f"Learning rate {rate:g}: smaller steps, so the loss falls more slowly."
    steps = settings["num_steps"]
    if steps <= LAST:
        yield f"{steps} steps: the model has barely begun, and its final loss is the mean of all {steps} of them."
    work = num_parameters(GPTConfig(n_layer=settings["n_layer"], n_embd=settings["n_embd"],
                                    block_size=block_size, n_head=settings["n_head"])) * steps
    if work > BIG_RUN:
        yield (f"A big run ({work / 1e6:,.0f} million parameter-steps): expect tens of seconds; the bar shows how far "
               "it is.")


def figure_png(fig, inches=PICTURE_INCHES):
    """The figure as PNG bytes at `inches` (width, height), then closed."""
    fig.set_size_inches(*inches)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


class ExperimentLab:
    """Pick settings, train on the numpy engine, and see the loss curve against the default run's, with the diff:

        lab = ExperimentLab({"names": names, "words": words}, default, n_layer=2)
        display(lab.widget)

    `datasets` is {name: documents}, the first one the default run's data; `default` is the default run's
    RunRecord; keyword arguments preset the controls and run that experiment at once. `record` is the last
    run's RunRecord (None until one has finished, and after a run that stopped); `report()` prints its diff
    with the default, or says why there is none. Changing a control redraws only the notes (milliseconds);
    the run starts with the button.
    """

    def __init__(self, datasets, default, **preset):
        self.datasets, self.default, self.record = datasets, default, None
        self.finished = self.stopped = ""  # what the status said when the last run finished, or stopped
        self.longest = {name: max(map(len, docs)) for name, docs in datasets.items()}
        start = defaults() | preset
        layout = {"style": {"description_width": "initial"}}
        self.controls = {
            "data": widgets.Dropdown(options=list(datasets), value=preset.get("data", next(iter(datasets))),
                                     description="data", layout=widgets.Layout(width="150px"), **layout),
            **{name: widgets.Dropdown(options=options, value=start[name], description=name,
                                      layout=widgets.Layout(width="130px"), **layout)
               for name, options in SIZES.items()},
            "block_size": widgets.IntSlider(value=start["block_size"], min=BLOCK_SIZES[0], max=BLOCK_SIZES[1],
                                            description="block_size", layout=widgets.Layout(width="300px"), **layout),
            "num_steps": widgets.IntSlider(value=start["num_steps"], min=STEPS[0], max=STEPS[1], step=STEPS[2],
                                           description="steps", layout=widgets.Layout(width="300px"), **layout),
            "learning_rate": widgets.SelectionSlider(options=LEARNING_RATES, value=start["learning_rate"],
                                                     description="learning rate", readout=False,
                                                     layout=widgets.Layout(width="215px"), **layout),
            "seed": widgets.Text(value=str(start["seed"]), description="seed", layout=widgets.Layout(width="130px"),
                                 **layout),
            **{name: widgets.Checkbox(value=start[name], description=label, indent=False,
                                      layout=widgets.Layout(width="auto"))
               for name, label in (("scale_attention", "scale by 1/√head_dim"), ("use_rmsnorm", "RMSNorm"),
                                   ("shuffle", "shuffle"))},
        }
        self.button = widgets.Button(description="run", button_style="primary", tooltip="train on the numpy engine",
                                     layout=widgets.Layout(width="90px"))
        # the learning rate, shown beside its slider: a slider's own readout could be typed into, and ignore it
        self.rate_view = widgets.Label(layout=widgets.Layout(width="45px"))
        self.rate_view.add_class("microgpt-experiment-rate")
        self.bar = widgets.IntProgress(value=0, min=0, max=1, layout=widgets.Layout(width="200px"))
        self.plan_view = widgets.HTML()
        self.plan_view.add_class("microgpt-experiment-plan")
        self.status = widgets.HTML()
        self.status.add_class("microgpt-experiment-status")
        self.picture = widgets.Image(format="png", layout=widgets.Layout(width=f"{PICTURE_INCHES[0] * 100:.0f}px",
                                                                         display="none"))  # shown after a run
        self.picture.add_class("microgpt-experiment-plot")
        self.names_view = widgets.HTML()
        self.diff_view = widgets.HTML()
        c = self.controls
        rows = [[c["data"], c["n_layer"], c["n_embd"], c["n_head"], c["seed"]],
                [c["block_size"], c["num_steps"], c["learning_rate"], self.rate_view],
                [c["scale_attention"], c["use_rmsnorm"], c["shuffle"], self.button, self.bar]]
        self.widget = widgets.VBox([widgets.HBox(row) for row in rows]
                                   + [self.plan_view, self.status, widgets.HBox([self.picture, self.names_view]),
                                      self.diff_view])
        self.widget.add_class("microgpt-experiment-lab")
        for control in c.values():
            control.observe(self.replan, names="value")
        self.button.on_click(self.run)
        self.replan()
        self.set_status("idle", "Pick the settings, then press run: it trains on the numpy engine and compares "
                                "with the default run.")
        if preset:
            self.run()

    def plan(self):
        values = {name: control.value for name, control in self.controls.items()}
        data = values.pop("data")
        return plan_experiment(data, self.longest[data], next(iter(self.datasets)), **values)

    def replan(self, _=None):
        plan = self.plan()
        self.rate_view.value = f"{self.controls['learning_rate'].value:g}"
        if self.record is not None:
            self.set_status("idle", f"{self.finished} Settings changed: press run to train them. The picture and "
                                    "diff below are still the last run's.")
        self.button.disabled = bool(plan.error)
        message = (f'<div class="microgpt-experiment-error">{html.escape(plan.error)}</div>' if plan.error else
                   "".join(f"<div>{html.escape(note)}</div>" for note in plan.notes))
        runnable = str(not plan.error).lower()
        self.plan_view.value = STYLE + f'<div class="microgpt-experiment-plan" data-runnable="{runnable}">{message}</div>'

    def set_status(self, state, text):
        self.status.value = f'<div class="microgpt-experiment-status" data-state="{state}">{html.escape(text)}</div>'

    def run(self, _=None):
        plan = self.plan()
        if plan.error:
            return
        steps = plan.settings["num_steps"]
        self.button.disabled = True
        self.bar.max, self.bar.value, self.bar.bar_style = steps, 0, ""
        self.set_status("running", f"training {steps} steps on the numpy engine ...")
        taken, shown = [0], [time.perf_counter()]  # steps taken, and when the bar last moved

        def on_step(step, loss):
            taken[0] = step + 1
            now = time.perf_counter()
            if now - shown[0] >= REDRAW_EVERY:
                self.bar.value, shown[0] = taken[0], now

        start = time.perf_counter()
        try:
            record = run_experiment(self.datasets[plan.data], engine="numpy", data_name=plan.data, on_step=on_step,
                                    **plan.settings)
        except ValueError as error:  # a diverged run: say so instead of a picture
            self.record, self.stopped = None, f"The run stopped at step {taken[0] + 1} of {steps}: {error}"
            self.bar.value, self.bar.bar_style = taken[0], "danger"
            self.picture.layout.display, self.names_view.value, self.diff_view.value = "none", "", ""
            self.set_status("stopped", self.stopped)
        else:
            self.record = record
            self.bar.value, self.bar.bar_style = steps, "success"
            self.show(record, time.perf_counter() - start)
        finally:
            self.button.disabled = bool(self.plan().error)

    def show(self, record, seconds):
        diff = diff_runs(self.default, record)
        fig = plot_experiment({"default": self.default, "yours": record})
        self.picture.value, self.picture.layout.display = figure_png(fig), None
        self.names_view.value = names_html(diff, ("default", "yours"))
        self.diff_view.value = diff_html(diff, ("default", "yours"))
        self.finished = (f"{len(record.history)} steps in {seconds:.1f} s. Below: both loss curves (the mean of the "
                         f"last {WINDOW} steps at each step) and the first names; then the diff.")
        self.set_status("done", self.finished)

    def report(self):
        """What print(diff_runs(default, lab.record)) shows for the last run, or a sentence saying why there is
        no record to compare."""
        if self.record is not None:
            return str(diff_runs(self.default, self.record))
        if self.stopped:
            return f"No record to compare. {self.stopped}. Pick other settings and press run."
        return "No record to compare: no run has finished yet. Press run."
