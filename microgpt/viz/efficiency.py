"""Efficiency: what a training step costs on each engine, and where the time goes (notebook 10).

Pure functions, each tested without a notebook:

- `count_by_operation`: the Values of a graph by the operation that made them (weights and constants
  apart); `plot_node_counts` draws them as bars.
- `step_profile`: a cProfile of one scalar `train_step`, summarised as its parts (forward, sorting the
  graph, the chain rule, Adam) and the number of Values it made; `profile_table` prints it, `plot_profile`
  draws it as one bar cut into its parts; `top_functions` lists the functions with the most time of their own.
- `count_tape`: the fast engine's tape (one backward function per fused operation) by operation.
- `speed_rows`, `speed_table`, `plot_speeds`: seconds per step of each engine and how many times faster
  than the first; `plot_engine_losses`: each engine's losses step by step, on one plot.

No widget: the notebook's pictures are figures, and its timings are measured by its own cells.
"""

from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

import matplotlib.pyplot as plt

from ..autograd import topological_order

PART_COLOURS = ("#4c72b0", "#dd8452", "#c44e52", "#55a868", "#8c8c8c")  # one per part of the profile, in order
ENGINE_STYLES = (("-", "o", 2.5), ("--", "s", 1.8), (":", "^", 1.8))  # (line, marker, width) per engine


def count_by_operation(root, weights=()):
    """The Values of `root`'s graph by what made them, as [(kind, count)], the most common first.

    `kind` is the operation that made the Value ('+', '*', 'exp', '**-1', ...), 'weight' for a leaf
    among `weights`, and 'constant' for any other leaf: a plain number that an operation wrapped in a
    Value (the 0 that `sum()` starts from, the -1 of a negation).
    """
    weights = {id(w) for w in weights}
    kinds = Counter(v.op or ("weight" if id(v) in weights else "constant") for v in topological_order(root))
    return sorted(kinds.items(), key=lambda item: (-item[1], item[0]))


def plot_node_counts(counts, title=None):
    """Horizontal bars of [(kind, count)] (count_by_operation's), each with its number, on a log scale."""
    if not counts:
        raise ValueError("no counts to draw")
    kinds, numbers = zip(*counts)
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(counts) + 1.1))
    ax.barh(range(len(counts)), numbers, color="#4c72b0")
    for i, n in enumerate(numbers):
        ax.text(n * 1.08, i, f"{n:,}", va="center", fontsize=9)
    ax.set_yticks(range(len(counts)), kinds)
    ax.invert_yaxis()  # the most common at the top
    ax.set_xscale("log")
    ax.set_xlim(right=max(numbers) * 4)  # room for the largest number's label
    ax.set_xlabel("Values (log scale)")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


@dataclass(frozen=True)
class StepProfile:
    """One profiled step: `parts` is [(label, seconds)] in the order of the step, `total` their sum, and
    `values_made` the number of Values the step created (calls of Value.__init__)."""

    parts: list
    total: float
    values_made: int


# (label, file, function) of what a scalar train_step calls, in order; the time of each includes what it calls
PARTS = (("forward: the loss, making the Values", "model.py", "loss"),
         ("backward: sorting the graph", "autograd.py", "topological_order"),
         ("backward: the chain rule", "autograd.py", "backward"),
         ("Adam: moving every weight", "optim.py", "step"))


def step_profile(stats):
    """Summarise `stats` (a pstats.Stats of one scalar `model.train_step(...)`) as a StepProfile.

    Each part is the cumulative time of its function; the chain rule is backward() without the sorting
    it calls first, and 'the rest' (reading out the gradients, resetting them) is what is left.
    """
    def find(file, function):
        for (path, _, name), (_, calls, _, cumulative, _) in stats.stats.items():
            if name == function and PurePath(path).name == file and PurePath(path).parent.name == "microgpt":
                return calls, cumulative
        raise ValueError(f"this profile has no call to microgpt/{file}'s {function}(): "
                         "profile one train_step of the scalar engine")

    seconds = {label: find(file, function)[1] for label, file, function in PARTS}
    sorting, chain_rule = PARTS[1][0], PARTS[2][0]
    seconds[chain_rule] -= seconds[sorting]
    parts = list(seconds.items())
    parts.append(("the rest", max(stats.total_tt - sum(seconds.values()), 0.0)))
    return StepProfile(parts, sum(s for _, s in parts), find("autograd.py", "__init__")[0])


def top_functions(stats, n=6):
    """The `n` functions of `stats` (a pstats.Stats) with the most time of their own, not counting the
    functions they call: [(name, calls, seconds)], the name as 'file.py:function' (Python's built-ins as
    the profiler names them)."""
    rows = [(name if path == "~" else f"{PurePath(path).name}:{name}", calls, own)
            for (path, _, name), (_, calls, own, _, _) in stats.stats.items()]
    return sorted(rows, key=lambda row: -row[2])[:n]


def profile_table(profile):
    """The profile as lines of text: each part's milliseconds and share, then the total and the time per Value."""
    lines = [f"{label:38} {seconds * 1000:7.1f} ms  {seconds / profile.total:4.0%}" for label, seconds in profile.parts]
    lines.append(f"{'the whole step':38} {profile.total * 1000:7.1f} ms")
    lines.append(f"{profile.values_made:,} Values made: {profile.total / profile.values_made * 1e6:.2f} µs per Value, "
                 "everything included")
    return "\n".join(lines)


def plot_profile(profile):
    """One horizontal bar, the whole step, cut into its parts; each labelled with its share."""
    fig, ax = plt.subplots(figsize=(8, 2.1))
    left = 0.0
    for (label, seconds), colour in zip(profile.parts, PART_COLOURS):
        share = seconds / profile.total
        ax.barh(0, share, left=left, color=colour, label=label)
        if share >= 0.06:  # a sliver has no room for its number: the legend names it
            ax.text(left + share / 2, 0, f"{share:.0%}", ha="center", va="center", color="white", fontsize=10)
        left += share
    ax.set_xlim(0, 1)
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(lambda share, _: f"{share:.0%}")
    ax.set_title(f"one training step ({profile.total * 1000:.0f} ms, profiled), in its parts", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=3, frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def count_tape(tape):
    """The fast engine's tape by operation, [(operation, count)] in the order each first appears.

    Each entry is the backward function a fused operation appended (its name: 'linear.<locals>.backward').
    """
    return list(Counter(f.__qualname__.split(".")[0] for f in tape).items())


def speed_rows(seconds_per_step):
    """[(engine, seconds per step, times faster than the first engine)] from {engine: seconds per step}."""
    if not seconds_per_step or min(seconds_per_step.values()) <= 0:
        raise ValueError("give each engine a time per step above 0")
    first = next(iter(seconds_per_step.values()))
    return [(engine, seconds, first / seconds) for engine, seconds in seconds_per_step.items()]


def speed_table(seconds_per_step):
    """Each engine's milliseconds per step and how many times faster it is than the first, as lines of text."""
    rows = speed_rows(seconds_per_step)
    first = rows[0][0]
    return "\n".join((f"{engine:8} {seconds * 1000:9.2f} ms a step   "
                      + (f"{ratio:6,.0f} times faster than {first}" if engine != first else "")).rstrip()
                     for engine, seconds, ratio in rows)


def plot_speeds(seconds_per_step):
    """Bars of milliseconds per step, one per engine, on a log scale, each labelled with its ratio to the first."""
    rows = speed_rows(seconds_per_step)
    fig, ax = plt.subplots(figsize=(6, 3))
    ms = [seconds * 1000 for _, seconds, _ in rows]
    ax.bar(range(len(rows)), ms, color=["#c44e52", "#dd8452", "#55a868"][:len(rows)])
    for i, ((engine, _, ratio), height) in enumerate(zip(rows, ms)):
        ax.text(i, height * 1.15, f"{height:.3g} ms" + (f"\n{ratio:,.0f}× faster" if i else ""), ha="center",
                va="bottom", fontsize=9)
    ax.set_xticks(range(len(rows)), [engine for engine, _, _ in rows])
    ax.set_yscale("log")
    ax.set_ylim(min(ms) / 3, max(ms) * 12)  # room for the labels above the bars
    ax.set_ylabel("milliseconds per step (log scale)")
    fig.tight_layout()
    return fig


def plot_engine_losses(histories):
    """Each engine's loss at each step ({engine: losses}), one line and marker style per engine, on one plot:
    curves that lie on top of each other stay visible."""
    if not histories or not all(histories.values()):
        raise ValueError("give at least one engine, with its losses: there is nothing to plot")
    fig, ax = plt.subplots(figsize=(8, 3.2))
    for (engine, losses), (line, marker, width) in zip(histories.items(), ENGINE_STYLES * len(histories)):
        steps = range(1, len(losses) + 1)
        ax.plot(steps, losses, linestyle=line, marker=marker, linewidth=width, markersize=9 - 2 * (marker != "o"),
                fillstyle="none", label=engine)
    ax.set_xlabel("training step")
    ax.set_ylabel("loss")
    ax.set_xticks(range(1, max(len(losses) for losses in histories.values()) + 1))
    ax.legend(title="engine")
    fig.tight_layout()
    return fig
