"""Matplotlib pictures for the notebooks. Each function draws one figure and returns it.

In a notebook, end the cell with `plt.show()`: the figure is shown once and its repr is not. (A
trailing `;` is not enough under nbval, which runs cells without storing history, so IPython
cannot see the `;` and shows the returned figure a second time.)
"""

from collections import Counter

import matplotlib.pyplot as plt
from matplotlib.colors import PowerNorm

BOS_LABEL = "."  # how BOS is written on axes: it both starts and ends a name


def token_labels(tokenizer):
    """Axis labels for every token id: the characters, then BOS as '.'."""
    return list(tokenizer.chars) + [BOS_LABEL]


def plot_length_histogram(docs):
    """How many documents have each length, one bar per length."""
    lengths = Counter(len(doc) for doc in docs)
    xs = range(min(lengths), max(lengths) + 1)
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.bar(xs, [lengths[x] for x in xs], color="tab:blue")
    ax.set_xticks(list(xs))
    ax.set_xlabel("length (characters)")
    ax.set_ylabel("number of names")
    ax.set_title(f"Lengths of {len(docs):,} names")
    fig.tight_layout()
    return fig


def plot_char_frequencies(docs):
    """How often each character occurs over all documents, in alphabetical order."""
    counts = Counter("".join(docs))
    chars = sorted(counts)
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.bar(chars, [counts[c] for c in chars], color="tab:orange")
    ax.set_xlabel("character")
    ax.set_ylabel("occurrences")
    ax.set_title("How often each character occurs")
    fig.tight_layout()
    return fig


def plot_bigram_heatmap(counts, tokenizer):
    """counts[a][b] as a square of colours: row = current token, column = the token that follows."""
    labels = token_labels(tokenizer)
    if len(counts) != len(labels) or any(len(row) != len(labels) for row in counts):
        raise ValueError(f"counts must be {len(labels)}x{len(labels)}, one row and column per token")
    fig, ax = plt.subplots(figsize=(7.5, 7))
    image = ax.imshow(counts, cmap="Blues", norm=PowerNorm(gamma=0.4))  # gamma < 1 shows rare pairs too
    ticks = range(len(labels))
    ax.set_xticks(ticks, labels)
    ax.set_yticks(ticks, labels)
    ax.xaxis.set_ticks_position("top")
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("next character")
    ax.set_ylabel("current character ('.' = BOS, start or end of a name)")
    fig.colorbar(image, ax=ax, shrink=0.8, label="count")
    fig.tight_layout()
    return fig


def plot_loss_history(history, baselines=None, window=50):
    """Per-step training loss, its moving average over `window` steps, and dashed baseline lines.

    `baselines` is {label: loss}, e.g. {"uniform guessing": 3.30}.
    """
    if not history:
        raise ValueError("the loss history is empty: there is nothing to plot")
    fig, ax = plt.subplots(figsize=(8, 3.5))
    steps = range(1, len(history) + 1)
    ax.plot(steps, history, color="tab:blue", alpha=0.25, linewidth=0.8, label="loss at each step")
    averages = []
    for i in range(len(history)):
        recent = history[max(0, i - window + 1):i + 1]
        averages.append(sum(recent) / len(recent))
    ax.plot(steps, averages, color="tab:blue", linewidth=2, label=f"average of the last {window} steps")
    for i, (label, loss) in enumerate((baselines or {}).items()):
        ax.axhline(loss, color=f"C{i + 1}", linestyle="--", label=f"{label}: {loss:.2f}")
    ax.set_xlabel("training step")
    ax.set_ylabel("loss (negative log-likelihood)")
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig
