"""The names as data (notebooks 01-02): how long they are, which characters they use, which follows which.

Each function draws one matplotlib figure and returns it. In a notebook, end the cell with
`plt.show()`: the figure is shown once and its repr is not. (A trailing `;` is not enough under
nbval, which runs cells without storing history, so IPython cannot see the `;` and shows the
returned figure a second time.)
"""

import math
from collections import Counter

import matplotlib.pyplot as plt
from matplotlib.colors import ListedColormap, LogNorm
from matplotlib.ticker import FuncFormatter

from .tokens import token_labels

ZERO_COLOR = "white"  # a pair never seen; the colour scale starts at a visible blue, so 1 is not white


def _bar_chart(xs, heights, color, xlabel, ylabel, title, width=7):
    fig, ax = plt.subplots(figsize=(width, 3))
    ax.bar(xs, heights, color=color)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return fig, ax


def plot_length_histogram(docs):
    """How many documents have each length, one bar per length."""
    lengths = Counter(len(doc) for doc in docs)
    xs = range(min(lengths), max(lengths) + 1)
    fig, ax = _bar_chart(xs, [lengths[x] for x in xs], "tab:blue", "length (characters)", "number of names",
                         f"Lengths of {len(docs):,} names")
    ax.set_xticks(list(xs))
    fig.tight_layout()
    return fig


def plot_char_frequencies(docs):
    """How often each character occurs over all documents, in alphabetical order."""
    counts = Counter("".join(docs))
    chars = sorted(counts)
    fig, _ = _bar_chart(chars, [counts[c] for c in chars], "tab:orange", "character", "occurrences",
                        "How often each character occurs", width=8)
    fig.tight_layout()
    return fig


def _bigram_colors():
    """The heatmap's colours: Blues from a visible light blue up (its palest quarter dropped), white for 0."""
    blues = plt.get_cmap("Blues")
    colors = ListedColormap([blues(0.25 + 0.75 * i / 255) for i in range(256)], name="counts")
    return colors.with_extremes(bad=ZERO_COLOR)  # zero counts are drawn as NaN: "bad" for the colour map


def plot_bigram_heatmap(counts, tokenizer):
    """counts[a][b] as a square of colours: row = current token, column = the token that follows.

    The colour scale is logarithmic (1, 10, 100, 1,000 are evenly spaced, labelled in counts on the
    colour bar), so rare pairs show next to common ones; a pair never seen is white.
    """
    labels = token_labels(tokenizer)
    if len(counts) != len(labels) or any(len(row) != len(labels) for row in counts):
        raise ValueError(f"counts must be {len(labels)}x{len(labels)}, one row and column per token")
    biggest = max(max(row) for row in counts)
    fig, ax = plt.subplots(figsize=(7.5, 7))
    image = ax.imshow([[c if c else math.nan for c in row] for row in counts], cmap=_bigram_colors(),
                      norm=LogNorm(vmin=1, vmax=max(biggest, 10)))
    ticks = range(len(labels))
    ax.set_xticks(ticks, labels)
    ax.set_yticks(ticks, labels)
    ax.xaxis.set_ticks_position("top")
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("next character")
    ax.set_ylabel("current character ('.' = BOS, start or end of a name)")
    bar = fig.colorbar(image, ax=ax, shrink=0.8, label="times the pair occurs (log scale; white: never)")
    bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda count, _: f"{count:,g}"))
    fig.tight_layout()
    return fig
