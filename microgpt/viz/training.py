"""Training: how the loss falls, step by step, after a run (notebook 02) and while it runs (notebook 08).

`moving_average` is the pure function behind every smooth curve. `plot_loss_history` draws one run's
losses and their average, `plot_runs` the averages of several runs on one plot (matplotlib figures:
end the cell with `plt.show()`). `loss_svg` is the live picture, an SVG string on fixed axes, cheap
enough to redraw while training (a few ms, no matplotlib); `LiveTraining` is the thin widget around it:
a progress bar, the seed's `step ... | loss ...` line and the plot, redrawn at most every
`REDRAW_EVERY` seconds, and marked red (`with live: ...`) when the run stops early. Stable CSS classes
for the browser test: microgpt-live-training, microgpt-live-status, microgpt-live-stopped (a run that
stopped early), microgpt-live-plot (its svg says how many steps it shows in `data-steps`).
"""

import html
import math
import time
from itertools import accumulate

import ipywidgets as widgets
import matplotlib.pyplot as plt

REDRAW_EVERY = 0.25  # seconds: the live view redraws at most 4 times a second, and after the last step
LOSS_RANGE = (1.5, 4.0)  # the live plot's fixed loss axis: the seed's run starts near 3.3 and ends near 2.4
WIDTH, HEIGHT = 760, 300  # px of the live plot: with the bar and the status line, well inside one screen
MARGIN = {"left": 46, "right": 20, "top": 20, "bottom": 34}  # px around the plotting area: labels, the clip note
LEGEND_ROW = 18  # px per row of the legend, two entries a row, under the plot: it hides no curve
RAW, AVERAGE = "#9ecae1", "#08519c"  # pale blue for each step's loss, dark blue for their moving average
BASELINE_COLOURS = ("#1b7f1b", "#555555", "#c0392b")  # dark green, grey, red: one per baseline, in order
CLIPPED = "#b03a2e"  # the note that counts the losses drawn at an edge of the fixed axis


def moving_average(history, window):
    """The mean of the last `window` values at each step (fewer at the start, where fewer exist)."""
    if window < 1:
        raise ValueError(f"window must be 1 or more steps, got {window!r}")
    totals = [0.0, *accumulate(history)]  # totals[i] = the sum of the first i values: each mean in one subtraction
    return [(totals[i + 1] - totals[max(0, i + 1 - window)]) / min(i + 1, window) for i in range(len(history))]


def draw_baselines(ax, baselines, first_colour):
    """Dashed horizontal lines, labelled with their losses: `baselines` is {label: loss}."""
    for i, (label, loss) in enumerate((baselines or {}).items()):
        ax.axhline(loss, color=f"C{first_colour + i}", linestyle="--", label=f"{label}: {loss:.2f}")


def plot_loss_history(history, baselines=None, window=50):
    """Per-step training loss, its moving average over `window` steps, and dashed baseline lines.

    `baselines` is {label: loss}, e.g. {"uniform guessing": 3.30}. The legend names the window.
    """
    if not history:
        raise ValueError("the loss history is empty: there is nothing to plot")
    fig, ax = plt.subplots(figsize=(8, 3.5))
    steps = range(1, len(history) + 1)
    ax.plot(steps, history, color="tab:blue", alpha=0.25, linewidth=0.8, label="loss at each step")
    ax.plot(steps, moving_average(history, window), color="tab:blue", linewidth=2,
            label=f"average of the last {window} steps")
    draw_baselines(ax, baselines, first_colour=1)
    ax.set_xlabel("training step")
    ax.set_ylabel("loss (negative log-likelihood)")
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def plot_runs(runs, baselines=None, window=50, title=None):
    """The moving average over `window` steps of each run's losses (`runs` is {label: history}), one line
    style per run so that curves lying on top of each other stay visible, and dashed baseline lines."""
    if not runs or not all(runs.values()):
        raise ValueError("give at least one run, each with a loss history: there is nothing to plot")
    fig, ax = plt.subplots(figsize=(8, 4))
    for i, (label, history) in enumerate(runs.items()):
        ax.plot(range(1, len(history) + 1), moving_average(history, window), color=f"C{i}",
                linestyle=("-", "--", ":", "-.")[i % 4], linewidth=2.5 if i == 0 else 1.8, label=label)
    draw_baselines(ax, baselines, first_colour=len(runs))
    ax.set_xlabel("training step")
    ax.set_ylabel(f"loss, average of the last {window} steps")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)  # below: no curve hidden
    fig.tight_layout()
    return fig


def nice_step(span, ticks=5):
    """A round distance between about `ticks` ticks over `span`: 1, 2 or 5 times a power of ten."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def clipped_note(history, loss_range):
    """What the fixed loss axis cannot show: how many losses lie above or below it ('' when none do)."""
    low, high = loss_range
    counts = ((sum(loss > high for loss in history), f"above {high:g}", "top"),
              (sum(loss < low for loss in history), f"below {low:g}", "bottom"))
    return "; ".join(f"{n} loss{'es' if n > 1 else ''} {where}, drawn at the {edge} edge"
                     for n, where, edge in counts if n)


def loss_svg(history, num_steps, baselines=None, window=50, loss_range=LOSS_RANGE, width=WIDTH, height=HEIGHT):
    """The live picture of a run: SVG of the loss at each step so far (pale) and its moving average over
    `window` steps (dark), on fixed axes: steps 0 to `num_steps`, losses in `loss_range` (a loss outside it
    is drawn at the edge, and a note above the plot counts those). `baselines` ({label: loss}) are dashed
    lines. The legend sits under the plot (`height` px), two entries a row. The svg's `data-steps` is
    len(history), so a test can see the picture grow."""
    if num_steps < 1:
        raise ValueError(f"num_steps must be 1 or more, got {num_steps!r}")
    if len(history) > num_steps:
        raise ValueError(f"{len(history)} losses for a run of {num_steps} steps")
    low, high = loss_range
    left, top = MARGIN["left"], MARGIN["top"]
    right, bottom = width - MARGIN["right"], height - MARGIN["bottom"]

    def x(step):
        return left + (right - left) * step / num_steps

    def y(loss):
        return bottom - (bottom - top) * (min(max(loss, low), high) - low) / (high - low)

    stride = math.ceil(len(history) / (2 * (right - left))) or 1  # at most 2 points per pixel, however long the run

    def line(losses, colour, stroke):  # losses[i] is the loss of step i + 1
        points = " ".join(f"{x(i + 1):.1f},{y(losses[i]):.1f}"
                          for i in [*range(0, len(losses) - 1, stride), len(losses) - 1])
        return (f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="{stroke}" '
                'stroke-linejoin="round"/>')

    parts = []
    loss_tick = nice_step(high - low)
    for k in range(math.ceil(low / loss_tick - 1e-9), math.floor(high / loss_tick + 1e-9) + 1):
        value = k * loss_tick
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#eee"/>'
                     f'<text x="{left - 5}" y="{y(value) + 4:.1f}" text-anchor="end">{value:g}</text>')
    step_tick = max(1, round(nice_step(num_steps)))  # whole steps
    for k in range(num_steps // step_tick + 1):
        parts.append(f'<text x="{x(k * step_tick):.1f}" y="{bottom + 15}" text-anchor="middle">{k * step_tick}</text>')
    parts.append(f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" fill="none" stroke="#999"/>')
    parts.append(f'<text x="{(left + right) / 2:.0f}" y="{height - 4}" text-anchor="middle">training step</text>')
    parts.append(f'<text transform="translate(12,{(top + bottom) / 2:.0f}) rotate(-90)" text-anchor="middle">loss</text>')
    note = clipped_note(history, loss_range)
    if note:
        parts.append(f'<text class="clipped" x="{right}" y="{top - 6}" text-anchor="end" fill="{CLIPPED}">'
                     f"{html.escape(note)}</text>")
    if history:
        parts.append(line(history, RAW, 1))
    dashed = ' stroke-dasharray="6,4"'
    legend = [(RAW, "", "loss at each step"), (AVERAGE, "", f"average of the last {window} steps")]
    for (label, loss), colour in zip((baselines or {}).items(), BASELINE_COLOURS):  # over the pale line: visible
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y(loss):.1f}" y2="{y(loss):.1f}" stroke="{colour}" '
                     f'stroke-width="2"{dashed}/>')
        legend.append((colour, dashed, f"{label}: {loss:.2f}"))
    if history:
        parts.append(line(moving_average(history, window), AVERAGE, 2.5))
    column = (right - left) / 2
    for i, (colour, style, label) in enumerate(legend):
        row_y, entry_x = height + LEGEND_ROW * (i // 2) + 12, left + column * (i % 2)
        parts.append(f'<line x1="{entry_x:.0f}" x2="{entry_x + 28:.0f}" y1="{row_y - 4}" y2="{row_y - 4}" '
                     f'stroke="{colour}" stroke-width="2.5"{style}/>'
                     f'<text x="{entry_x + 34:.0f}" y="{row_y}">{html.escape(label)}</text>')
    total_height = height + LEGEND_ROW * math.ceil(len(legend) / 2) + 4
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total_height}" '
            f'data-steps="{len(history)}" style="font:12px sans-serif" role="img" aria-label="training loss">'
            f'{"".join(parts)}</svg>')


def status_line(step, num_steps, loss, seconds):
    """The seed's progress line for the step just taken (counting from 1), and the time so far."""
    return f"step {step:4d} / {num_steps:4d} | loss {loss:.4f} | {seconds:.1f} s"


class LiveTraining:
    """A progress bar, the seed's progress line and the live loss plot, for a training loop to update:

        live = LiveTraining(run.num_steps, baselines={"counting baseline": 2.45})
        display(live.widget)
        with live:  # a run that stops early (interrupted, diverged) is drawn where it stopped, in red
            run.train(on_step=live.on_step)

    `on_step(step, loss)` (train()'s hook) keeps every loss but redraws only when `every` seconds have
    passed since the last redraw, and after the last step: the loop is never held up for long.
    `redraws` counts the redraws, `seconds_in_view` the time spent inside on_step, drawing or not.
    """

    def __init__(self, num_steps, baselines=None, window=50, every=REDRAW_EVERY, loss_range=LOSS_RANGE,
                 clock=time.perf_counter):
        self.num_steps, self.baselines, self.window, self.every = num_steps, baselines, window, every
        self.loss_range, self.clock = loss_range, clock
        self.history, self.redraws, self.seconds_in_view = [], 0, 0.0
        self.bar = widgets.IntProgress(value=0, min=0, max=num_steps, description="training:",
                                       layout=widgets.Layout(width=f"{WIDTH}px"))
        self.status = widgets.HTML(f"step {0:4d} / {num_steps:4d}")
        self.status.add_class("microgpt-live-status")
        self.plot = widgets.HTML(loss_svg([], num_steps, baselines, window, loss_range))
        self.plot.add_class("microgpt-live-plot")
        self.widget = widgets.VBox([self.bar, self.status, self.plot])
        self.widget.add_class("microgpt-live-training")
        self.started = self.last_drawn = clock()  # make the view just before training: its clock starts now

    def on_step(self, step, loss):
        now = self.clock()
        self.history.append(loss)
        if len(self.history) == self.num_steps or now - self.last_drawn >= self.every:
            self.draw(now)
        self.seconds_in_view += self.clock() - now

    def __enter__(self):
        return self

    def __exit__(self, error_type, error, traceback):
        """A run that stopped early: draw it as far as it got, the bar red and the reason below; the error goes on."""
        if error_type is not None:
            self.stop("interrupted" if error_type is KeyboardInterrupt else f"{error_type.__name__}: {error}")
        return False

    def stop(self, reason):
        if self.history:
            self.draw(self.clock())
        self.bar.bar_style = "danger"
        self.status.value += (f'<div class="microgpt-live-stopped" style="color:{CLIPPED}">stopped after step '
                              f"{len(self.history)}: {html.escape(reason)}</div>")

    def draw(self, now):
        steps = len(self.history)
        self.bar.value = steps
        if steps == self.num_steps:
            self.bar.bar_style = "success"
        line = status_line(steps, self.num_steps, self.history[-1], now - self.started)
        self.status.value = f'<pre style="margin:0">{line}</pre>'
        self.plot.value = loss_svg(self.history, self.num_steps, self.baselines, self.window, self.loss_range)
        self.last_drawn = now
        self.redraws += 1
