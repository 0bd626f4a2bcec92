"""The plots and the tokenizer playground of notebooks 01-02, through the functions behind them."""

from html.parser import HTMLParser

import matplotlib
import pytest

matplotlib.use("Agg")  # no display in tests

import matplotlib.pyplot as plt  # noqa: E402

from microgpt import Tokenizer, bigram  # noqa: E402
from microgpt.viz import plots, widgets  # noqa: E402

DOCS = ["emma", "ava", "zoe", "bob", "quinn"]


@pytest.fixture
def tokenizer():
    return Tokenizer([chr(c) for c in range(ord("a"), ord("z") + 1)])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


class TextsByClass(HTMLParser):
    """The text inside every element whose class attribute is one of `classes`, in document order."""

    def __init__(self, html, classes):
        super().__init__()
        self.classes, self.found, self.open = set(classes), {c: [] for c in classes}, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        hit = self.classes & set((dict(attrs).get("class") or "").split())
        if hit:
            self.open = hit.pop()
            self.found[self.open].append("")

    def handle_endtag(self, tag):
        self.open = None

    def handle_data(self, data):
        if self.open:
            self.found[self.open][-1] += data


def texts(html, cls):
    return TextsByClass(html, [cls]).found[cls]


def lit_cells_per_row(html):
    """For each one-hot row: the indexes of its lit cells."""
    table = html[html.index('class="microgpt-one-hot"'):]
    rows = table.split("<tr>")[2:]  # [0] is before the table, [1] the header row
    return [[i for i, cell in enumerate(row.split("<td")[1:]) if "#1f77b4" in cell] for row in rows]


# --- plots ---

def test_bigram_heatmap_shows_the_27x27_counts_with_bos_as_a_dot(tokenizer):
    counts = bigram.count_bigrams(DOCS, tokenizer)
    fig = plots.plot_bigram_heatmap(counts, tokenizer)
    ax = fig.axes[0]
    assert ax.images[0].get_array().shape == (27, 27)
    assert ax.images[0].get_array()[tokenizer.bos][tokenizer.encode("e")[0]] == 1  # "emma" starts with e
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == list("abcdefghijklmnopqrstuvwxyz.")
    assert [t.get_text() for t in ax.get_yticklabels()] == labels
    assert ax.get_xlabel() == "next character" and "current character" in ax.get_ylabel()


def test_bigram_heatmap_refuses_counts_of_the_wrong_shape(tokenizer):
    with pytest.raises(ValueError, match="27x27"):
        plots.plot_bigram_heatmap([[0] * 26] * 26, tokenizer)


def test_length_histogram_has_one_bar_per_length():
    fig = plots.plot_length_histogram(DOCS)
    bars = fig.axes[0].patches
    assert [b.get_x() + b.get_width() / 2 for b in bars] == [3, 4, 5]
    assert [b.get_height() for b in bars] == [3, 1, 1]  # ava zoe bob | emma | quinn


def test_char_frequencies_count_every_character_in_order():
    fig = plots.plot_char_frequencies(DOCS)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == sorted(set("".join(DOCS)))
    heights = dict(zip(sorted(set("".join(DOCS))), [b.get_height() for b in ax.patches]))
    assert heights["a"] == 3 and heights["n"] == 2 and heights["q"] == 1


def test_loss_history_draws_the_losses_their_average_and_each_baseline():
    history = [3.0, 2.0, 1.0, 2.0]
    fig = plots.plot_loss_history(history, {"uniform guessing": 3.3, "bigram": 2.45}, window=2)
    ax = fig.axes[0]
    raw, average, uniform, bigram_line = ax.lines
    assert list(raw.get_ydata()) == history
    assert list(average.get_ydata()) == [3.0, 2.5, 1.5, 1.5]
    assert list(uniform.get_ydata()) == [3.3, 3.3] and list(bigram_line.get_ydata()) == [2.45, 2.45]
    assert [t.get_text() for t in ax.get_legend().get_texts()][2:] == ["uniform guessing: 3.30", "bigram: 2.45"]


def test_loss_history_refuses_an_empty_history():
    with pytest.raises(ValueError, match="empty"):
        plots.plot_loss_history([])


# --- the tokenizer playground ---

def test_tokenize_view_shows_tokens_ids_and_one_hot_rows(tokenizer):
    html = widgets.tokenize_view(tokenizer, "emma")
    assert texts(html, "microgpt-token-char") == ["BOS", "e", "m", "m", "a", "BOS"]
    assert texts(html, "microgpt-token-id") == ["26", "4", "12", "12", "0", "26"]
    assert texts(html, "microgpt-token-label") == ["BOS", "e", "m", "m", "a", "BOS"]
    assert lit_cells_per_row(html) == [[26], [4], [12], [12], [0], [26]]


def test_tokenize_view_of_nothing_is_bos_bos(tokenizer):
    html = widgets.tokenize_view(tokenizer, "")
    assert texts(html, "microgpt-token-char") == ["BOS", "BOS"]
    assert lit_cells_per_row(html) == [[26], [26]]
    assert "empty name" in html


@pytest.mark.parametrize("text, named", [
    ("Émile", "'É' (position 0)"),
    ("ava2", "'2' (position 3)"),
    ("a b", "' ' (position 1)"),
])
def test_unknown_characters_give_a_message_naming_them(tokenizer, text, named):
    html = widgets.tokenize_view(tokenizer, text)
    message, = texts(html, "microgpt-token-error")
    assert "Not in the vocabulary" in message and named in message
    assert "microgpt-token-char" not in html


def test_capitals_get_the_lowercase_suggestion(tokenizer):
    message, = texts(widgets.tokenize_view(tokenizer, "Emma"), "microgpt-token-error")
    assert "try 'emma'" in message
    message, = texts(widgets.tokenize_view(tokenizer, "Émile"), "microgpt-token-error")
    assert "try" not in message  # 'é' is no better


def test_markup_typed_in_is_shown_as_text_not_html(tokenizer):
    html = widgets.tokenize_view(tokenizer, "<b>x</b>")
    assert "<b>" not in html and "&lt;" in html


def test_very_long_input_is_cut_with_a_note(tokenizer):
    name = "abcdefghijklmnopqrstuvwxyz" * 40
    html = widgets.tokenize_view(tokenizer, name)
    shown = texts(html, "microgpt-token-label")
    assert len(shown) == widgets.MAX_SHOWN_TOKENS and shown[:3] == ["BOS", "a", "b"]
    assert f"first {widgets.MAX_SHOWN_TOKENS} of {len(name) + 2} tokens" in html
    shorter = widgets.tokenize_view(tokenizer, name[:100])
    assert abs(len(html) - len(shorter)) < 10  # the view's size does not grow with the input


def test_a_long_run_of_unknown_characters_gives_a_short_message(tokenizer):
    message, = texts(widgets.tokenize_view(tokenizer, "7" * 1000), "microgpt-token-error")
    assert "'7' (position 4)" in message and "and 995 more" in message and len(message) < 400


def test_typing_in_the_playground_updates_its_view(tokenizer):
    box = widgets.tokenizer_playground(tokenizer, "emma")
    text, view = box.children
    assert "microgpt-tokenizer-playground" in box._dom_classes
    assert texts(view.value, "microgpt-token-label") == ["BOS", "e", "m", "m", "a", "BOS"]
    text.value = "ava"
    assert texts(view.value, "microgpt-token-label") == ["BOS", "a", "v", "a", "BOS"]
    assert view.value == widgets.tokenize_view(tokenizer, "ava")
    text.value = "Ava!"
    assert "Not in the vocabulary" in view.value
