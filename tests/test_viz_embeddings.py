"""microgpt.viz.embeddings: the 2-D projection, cosine similarities and notebook 05's four pictures,
checked through the numbers and figures they return."""

import math

import numpy as np
import pytest

from microgpt.viz import embeddings

from .viz_helpers import close_figures, modules_loaded_by  # noqa: F401 (close_figures is a fixture)

pytestmark = pytest.mark.usefixtures("close_figures")


def test_project_2d_finds_the_two_directions_of_largest_spread():
    # around their mean (0, 0.75, 5), the points spread most along the second axis, then the first, never the third
    vectors = [[1, 3, 5], [-1, 3, 5], [0, -3, 5], [0, 0, 5]]
    points, shares = embeddings.project_2d(vectors)
    assert [x for x, _ in points] == pytest.approx([2.25, 2.25, -3.75, -0.75])  # the sign makes the axis positive
    assert [y for _, y in points] == pytest.approx([1, -1, 0, 0])
    assert shares == pytest.approx([24.75 / 26.75, 2 / 26.75])


def test_project_2d_gives_one_picture_whatever_signs_the_directions_come_out_with():
    vectors = np.random.default_rng(0).normal(size=(27, 16))
    points, _ = embeddings.project_2d(vectors)
    mirrored, _ = embeddings.project_2d(-vectors)  # the same directions, each made to point the same way
    assert np.allclose(mirrored, -np.array(points))
    assert embeddings.project_2d(vectors.tolist())[0] == points


def test_project_2d_preserves_distances_when_the_vectors_lie_in_a_plane():
    plane = [[x, y, 2 * x - y] for x, y in [(0, 0), (1, 0), (0, 1), (2, 3), (-1, 2)]]
    points, shares = embeddings.project_2d(plane)
    assert sum(shares) == pytest.approx(1.0)
    for i in range(5):
        for j in range(5):
            assert math.dist(points[i], points[j]) == pytest.approx(math.dist(plane[i], plane[j]))


def test_project_2d_refuses_too_little_to_project():
    for vectors in ([[1.0, 2.0]], [[1.0], [2.0]], [1.0, 2.0]):
        with pytest.raises(ValueError, match="at least 2 vectors"):
            embeddings.project_2d(vectors)


def test_cosine_similarities():
    similarity = embeddings.cosine_similarities([[1, 0], [0, 2], [-3, 0], [1, 1]])
    assert similarity[0] == pytest.approx([1, 0, -1, math.sqrt(0.5)])
    assert all(similarity[i][j] == pytest.approx(similarity[j][i]) for i in range(4) for j in range(4))
    assert all(similarity[i][i] == pytest.approx(1) for i in range(4))
    with pytest.raises(ValueError, match="no direction"):
        embeddings.cosine_similarities([[1, 0], [0, 0]])


def test_token_map_labels_every_point_and_colours_vowels_bos_and_consonants():
    labels = ["a", "b", "e", "."]
    points = [(-1.0, 0.0), (1.0, 0.5), (-0.8, -0.2), (0.0, 0.0)]
    ax = embeddings.plot_token_map(points, labels, [0.5, 0.25]).axes[0]
    assert sorted((t.get_text(), t.get_position()) for t in ax.texts) == sorted(zip(labels, points))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["vowels (a e i o u)", "BOS ('.')", "consonants"]
    vowels = ax.collections[0].get_offsets().tolist()
    assert vowels == [[-1.0, 0.0], [-0.8, -0.2]]
    assert ax.get_xlabel() == "direction 1 (50% of the spread)" and ax.get_ylabel() == "direction 2 (25% of the spread)"


def test_token_map_leaves_out_a_group_with_no_member_and_refuses_mismatched_labels():
    ax = embeddings.plot_token_map([(0.0, 1.0), (1.0, 0.0)], ["b", "c"], [0.6, 0.4]).axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["consonants"]
    with pytest.raises(ValueError, match="2 points but 1 labels"):
        embeddings.plot_token_map([(0.0, 1.0), (1.0, 0.0)], ["b"], [0.6, 0.4])


def test_similarity_heatmap_is_on_a_fixed_scale_from_minus_1_to_1():
    similarity = [[1.0, 0.2], [0.2, 1.0]]
    fig = embeddings.plot_similarity(similarity, [0, 1], "two positions")
    ax, bar = fig.axes
    image = ax.images[0]
    assert image.get_array().tolist() == similarity
    assert (image.norm.vmin, image.norm.vmax) == (-1, 1)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1"]
    assert ax.get_title() == "two positions" and "cosine similarity" in bar.get_ylabel()
    with pytest.raises(ValueError, match="2x2"):
        embeddings.plot_similarity([[1.0]], [0, 1], "wrong")


def test_stream_draws_one_row_per_stage_with_its_rms_and_numbers():
    stages = [("start", [3.0, -4.0]), ("writes", [0.5, -0.04]), ("end", [3.5, -4.04])]
    ax = embeddings.plot_stream(stages).axes[0]
    image = ax.images[0]
    assert image.get_array().tolist() == [vector for _, vector in stages]
    assert (image.norm.vmin, image.norm.vmax) == (-4.04, 4.04)  # one symmetric scale for every row
    assert [t.get_text() for t in ax.get_yticklabels()] == ["start  (RMS 3.54)", "writes  (RMS 0.35)",
                                                            "end  (RMS 3.78)"]
    assert [t.get_text() for t in ax.texts] == ["3.0", "-4.0", "0.5", "0.0", "3.5", "-4.0"]  # never "-0.0"
    assert [t.get_color() for t in ax.texts] == ["white", "white", "black", "black", "white", "white"]  # on dark cells


def test_stream_refuses_no_stages_or_ragged_ones():
    with pytest.raises(ValueError, match="no stages"):
        embeddings.plot_stream([])
    with pytest.raises(ValueError, match="same length"):
        embeddings.plot_stream([("a", [1.0, 2.0]), ("b", [1.0])])


def test_gradient_sizes_are_two_labelled_bars_per_depth():
    ax = embeddings.plot_gradient_sizes([1, 2], [1.9, 2.0], [0.33, 0.14]).axes[0]
    assert [bar.get_height() for bar in ax.patches] == [1.9, 2.0, 0.33, 0.14]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1 layer", "2 layers"]
    assert [t.get_text() for t in ax.texts] == ["1.90", "2.00", "0.33", "0.14"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["with residuals: x + f(x)", "without: f(x)"]
    with pytest.raises(ValueError, match="one size with and one without"):
        embeddings.plot_gradient_sizes([1, 2], [1.9], [0.3, 0.1])


def test_the_module_needs_numpy_and_matplotlib_only():
    loaded = modules_loaded_by("microgpt.viz.embeddings")
    assert {"numpy", "matplotlib"} <= loaded and not loaded & {"ipywidgets", "graphviz"}
