"""Embeddings and the residual stream (notebook 05): where a trained model puts its tokens and
positions, how one token's vector changes through a layer, and how much gradient reaches the embeddings.

Pure functions return numbers (`project_2d`, `cosine_similarities`) or one matplotlib figure
(`plot_token_map`, `plot_similarity`, `plot_stream`, `plot_gradient_sizes`); end the notebook cell
with `plt.show()`.
"""

import math

import matplotlib.pyplot as plt
import numpy as np

VOWELS = "aeiou"
DARK = 0.6  # beyond this share of the largest number, a cell of the stream is dark enough for white text


def project_2d(vectors):
    """Principal component analysis: each vector's coordinates along the two directions in which the
    vectors spread the most, and the share of the whole spread each direction holds.

    Returns (points, shares): one (x, y) per vector, and two fractions of 1. A direction's sign is
    arbitrary, so each is turned to make its largest entry positive: the same picture on every machine.
    """
    data = np.asarray(vectors, dtype=float)
    if data.ndim != 2 or data.shape[0] < 2 or data.shape[1] < 2:
        raise ValueError("project_2d needs at least 2 vectors of at least 2 numbers each")
    centred = data - data.mean(axis=0)
    _, spread, directions = np.linalg.svd(centred, full_matrices=False)
    directions = directions[:2]
    largest = directions[np.arange(2), np.abs(directions).argmax(axis=1)]
    directions = directions * np.sign(largest)[:, None]
    points = centred @ directions.T
    shares = spread[:2] ** 2 / (spread ** 2).sum()
    return [(float(x), float(y)) for x, y in points], [float(share) for share in shares]


def cosine_similarities(vectors):
    """similarity[i][j] = cos of the angle between vectors i and j: their dot product over both lengths
    (1: the same direction, 0: perpendicular, -1: opposite)."""
    lengths = [math.sqrt(sum(v * v for v in vector)) for vector in vectors]
    if not all(lengths):
        raise ValueError("a vector of zeros has no direction: its cosine similarity is undefined")
    return [[sum(a * b for a, b in zip(u, v)) / (lu * lv) for v, lv in zip(vectors, lengths)]
            for u, lu in zip(vectors, lengths)]


def plot_token_map(points, labels, shares):
    """The tokens as labelled points in the plane of `project_2d`: vowels orange, BOS ('.') grey, the rest blue."""
    if len(points) != len(labels):
        raise ValueError(f"{len(points)} points but {len(labels)} labels")
    fig, ax = plt.subplots(figsize=(6.5, 5))
    groups = [("vowels (a e i o u)", "tab:orange", lambda label: label in VOWELS),
              ("BOS ('.')", "tab:gray", lambda label: label == "."),
              ("consonants", "tab:blue", lambda label: label not in VOWELS and label != ".")]
    for name, colour, member in groups:
        chosen = [(point, label) for point, label in zip(points, labels) if member(label)]
        if not chosen:
            continue
        ax.scatter([x for (x, _), _ in chosen], [y for (_, y), _ in chosen], color=colour, s=140, alpha=0.35,
                   label=name)
        for (x, y), label in chosen:
            ax.text(x, y, label, ha="center", va="center", fontsize=12, fontweight="bold", color=colour)
    ax.axhline(0, color="gray", linewidth=0.5)
    ax.axvline(0, color="gray", linewidth=0.5)
    ax.set_xlabel(f"direction 1 ({shares[0]:.0%} of the spread)")
    ax.set_ylabel(f"direction 2 ({shares[1]:.0%} of the spread)")
    ax.set_title(f"{len(points)} token embeddings, seen along their two main directions")
    ax.legend(loc="best", fontsize=9)
    fig.tight_layout()
    return fig


def plot_similarity(similarity, labels, title):
    """A square heatmap of cosine similarities, on a fixed scale from -1 (red) to 1 (blue)."""
    if len(similarity) != len(labels) or any(len(row) != len(labels) for row in similarity):
        raise ValueError(f"the similarities must be {len(labels)}x{len(labels)}, one row and column per label")
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    image = ax.imshow(similarity, cmap="RdBu", vmin=-1, vmax=1)
    ticks = range(len(labels))
    ax.set_xticks(ticks, labels)
    ax.set_yticks(ticks, labels)
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.8, label="cosine similarity (1 same direction, -1 opposite)")
    fig.tight_layout()
    return fig


def rms(vector):
    return math.sqrt(sum(v * v for v in vector) / len(vector))


def plot_stream(stages):
    """One row of coloured, numbered cells per (label, vector) in `stages`: a token's vector as it goes
    through a layer. The row's label gives its RMS; the colour scale is the same for every row."""
    if not stages:
        raise ValueError("there are no stages to draw")
    width = len(stages[0][1])
    if any(len(vector) != width for _, vector in stages):
        raise ValueError("every stage must be a vector of the same length")
    values = [list(vector) for _, vector in stages]
    top = max(abs(v) for row in values for v in row) or 1.0
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * len(stages) + 1.4))
    ax.imshow(values, cmap="RdBu", vmin=-top, vmax=top, aspect="auto")
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            ink = "white" if abs(v) > DARK * top else "black"  # black is unreadable on the darkest cells
            ax.text(j, i, f"{round(v, 1) + 0.0:.1f}", ha="center", va="center", fontsize=9, color=ink)  # no "-0.0"
    ax.set_yticks(range(len(stages)), [f"{label}  (RMS {rms(vector):.2f})" for label, vector in stages])
    ax.set_xticks(range(width), range(width))
    ax.set_xlabel(f"the vector's numbers, 0 to {width - 1} (red negative, blue positive)")
    fig.tight_layout()
    return fig


def plot_gradient_sizes(depths, with_residual, without_residual):
    """Side by side for each depth: the size of the gradient reaching the embeddings, with and without
    the residual connections. Each bar is labelled with its number."""
    if not len(depths) == len(with_residual) == len(without_residual):
        raise ValueError("give one size with and one without residuals per depth")
    fig, ax = plt.subplots(figsize=(7, 3.5))
    xs = range(len(depths))
    for shift, sizes, colour, label in ((-0.2, with_residual, "tab:green", "with residuals: x + f(x)"),
                                        (0.2, without_residual, "tab:red", "without: f(x)")):
        bars = ax.bar([x + shift for x in xs], sizes, width=0.4, color=colour, label=label)
        ax.bar_label(bars, [f"{size:.2f}" for size in sizes], fontsize=8)
    ax.set_xticks(list(xs), [f"{d} layer{'s' if d > 1 else ''}" for d in depths])
    ax.set_ylabel("size of the gradient\nof wte and wpe")
    ax.set_title("Gradient reaching the embeddings, same name, fresh weights")
    ax.margins(y=0.3)  # room above the bars for the legend
    ax.legend(loc="upper center", ncol=2)
    fig.tight_layout()
    return fig
