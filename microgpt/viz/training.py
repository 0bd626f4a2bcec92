"""Training: how the loss falls, step by step (notebook 02; the live training notebook joins here).

`moving_average` is the pure function behind the smooth curve; `plot_loss_history` draws it.
"""

import matplotlib.pyplot as plt


def moving_average(history, window):
    """The mean of the last `window` values at each step (fewer at the start, where fewer exist)."""
    if window < 1:
        raise ValueError(f"window must be 1 or more steps, got {window!r}")
    averages = []
    for i in range(len(history)):
        recent = history[max(0, i - window + 1):i + 1]
        averages.append(sum(recent) / len(recent))
    return averages


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
    for i, (label, loss) in enumerate((baselines or {}).items()):
        ax.axhline(loss, color=f"C{i + 1}", linestyle="--", label=f"{label}: {loss:.2f}")
    ax.set_xlabel("training step")
    ax.set_ylabel("loss (negative log-likelihood)")
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig
