"""microgpt.viz.dataset: the pictures of the names in notebooks 01-02, checked through the figures they return."""

import math

import pytest
from matplotlib.colors import LogNorm

from microgpt import Tokenizer, bigram
from microgpt.viz import dataset

from .conftest import TINY_NAMES as DOCS
from .viz_helpers import close_figures  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture
def tokenizer():
    return Tokenizer([chr(c) for c in range(ord("a"), ord("z") + 1)])


def test_bigram_heatmap_shows_the_27x27_counts_with_bos_as_a_dot(tokenizer):
    counts = bigram.count_bigrams(DOCS, tokenizer)
    ax = dataset.plot_bigram_heatmap(counts, tokenizer).axes[0]
    shown = ax.images[0].get_array()
    assert shown.shape == (27, 27)
    assert shown[tokenizer.bos][tokenizer.encode("e")[0]] == 1  # "eve" starts with e
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == list("abcdefghijklmnopqrstuvwxyz.")
    assert [t.get_text() for t in ax.get_yticklabels()] == labels
    assert ax.get_xlabel() == "next character" and "current character" in ax.get_ylabel()


def test_bigram_heatmap_has_an_even_log_scale_in_counts_and_zero_apart(tokenizer):
    counts = [[0] * 27 for _ in range(27)]
    counts[0][1], counts[1][2], counts[2][3] = 1, 40, 6606  # one pair seen once, one common, one as common as 'a.'
    fig = dataset.plot_bigram_heatmap(counts, tokenizer)
    image, bar = fig.axes[0].images[0], fig.axes[1]
    assert isinstance(image.norm, LogNorm) and (image.norm.vmin, image.norm.vmax) == (1, 6606)
    assert image.get_array().mask[0][0] and not image.get_array().mask[0][1]  # 0 is "never", not a colour
    assert tuple(image.cmap.get_bad()[:3]) == (1, 1, 1)  # never seen: white
    assert tuple(image.to_rgba(1)[:3]) != (1, 1, 1) and image.to_rgba(1) != image.to_rgba(10)  # once: a visible blue
    assert "log scale" in bar.get_ylabel() and "never" in bar.get_ylabel()
    fig.canvas.draw()
    shown = [t.get_text() for t in bar.get_yticklabels() if 1 <= t.get_position()[1] <= 6606]
    assert shown == ["1", "10", "100", "1,000"]


def test_a_heatmap_of_tiny_counts_still_has_a_scale(tokenizer):
    counts = [[0] * 27 for _ in range(27)]
    counts[0][0] = 1
    image = dataset.plot_bigram_heatmap(counts, tokenizer).axes[0].images[0]
    assert (image.norm.vmin, image.norm.vmax) == (1, 10)
    assert math.isclose(image.norm(10), 1.0)


def test_bigram_heatmap_refuses_counts_of_the_wrong_shape(tokenizer):
    with pytest.raises(ValueError, match="27x27"):
        dataset.plot_bigram_heatmap([[0] * 26] * 26, tokenizer)


def test_length_histogram_has_one_bar_per_length():
    ax = dataset.plot_length_histogram(DOCS).axes[0]
    assert [b.get_x() + b.get_width() / 2 for b in ax.patches] == [3, 4, 5, 6]
    assert [b.get_height() for b in ax.patches] == [3, 2, 1, 2]  # bob eve hal | anna dave | carla | fabian gloria
    assert [t.get_text() for t in ax.get_xticklabels()] == ["3", "4", "5", "6"]
    assert ax.get_title() == "Lengths of 8 names"


def test_char_frequencies_count_every_character_in_order():
    ax = dataset.plot_char_frequencies(DOCS).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == sorted(set("".join(DOCS)))
    heights = dict(zip(sorted(set("".join(DOCS))), [b.get_height() for b in ax.patches]))
    assert heights["a"] == 9 and heights["b"] == 3 and heights["r"] == 2 and heights["i"] == 2
