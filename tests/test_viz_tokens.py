"""microgpt.viz.tokens: the token labels, the pure tokenize_view HTML and the playground widget around it."""

from html.parser import HTMLParser

import pytest

from microgpt import Tokenizer
from microgpt.viz import tokens

from .viz_helpers import modules_loaded_by


@pytest.fixture
def tokenizer():
    return Tokenizer([chr(c) for c in range(ord("a"), ord("z") + 1)])


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


def test_token_labels_are_the_characters_then_a_dot_for_bos(tokenizer):
    labels = tokens.token_labels(tokenizer)
    assert labels == list("abcdefghijklmnopqrstuvwxyz.") and labels[tokenizer.bos] == tokens.BOS_LABEL


def test_the_tokens_module_does_not_import_matplotlib():
    loaded = modules_loaded_by("microgpt.viz.tokens")
    assert "ipywidgets" in loaded and "matplotlib" not in loaded


def test_tokenize_view_shows_tokens_ids_and_one_hot_rows(tokenizer):
    html = tokens.tokenize_view(tokenizer, "emma")
    assert texts(html, "microgpt-token-char") == ["BOS", "e", "m", "m", "a", "BOS"]
    assert texts(html, "microgpt-token-id") == ["26", "4", "12", "12", "0", "26"]
    assert texts(html, "microgpt-token-label") == ["BOS", "e", "m", "m", "a", "BOS"]
    assert lit_cells_per_row(html) == [[26], [4], [12], [12], [0], [26]]


def test_tokenize_view_of_nothing_is_bos_bos(tokenizer):
    html = tokens.tokenize_view(tokenizer, "")
    assert texts(html, "microgpt-token-char") == ["BOS", "BOS"]
    assert lit_cells_per_row(html) == [[26], [26]]
    assert "empty name" in html


@pytest.mark.parametrize("text, named", [
    ("Émile", "'É' (position 0)"),
    ("ava2", "'2' (position 3)"),
    ("a b", "' ' (position 1)"),
])
def test_unknown_characters_give_a_message_naming_them(tokenizer, text, named):
    html = tokens.tokenize_view(tokenizer, text)
    message, = texts(html, "microgpt-token-error")
    assert "Not in the vocabulary" in message and named in message
    assert "microgpt-token-char" not in html


def test_capitals_get_the_lowercase_suggestion(tokenizer):
    message, = texts(tokens.tokenize_view(tokenizer, "Emma"), "microgpt-token-error")
    assert "try 'emma'" in message
    message, = texts(tokens.tokenize_view(tokenizer, "Émile"), "microgpt-token-error")
    assert "try" not in message  # 'é' is no better


def test_markup_typed_in_is_shown_as_text_not_html(tokenizer):
    html = tokens.tokenize_view(tokenizer, "<b>x</b>")
    assert "<b>" not in html and "&lt;" in html


def test_a_name_is_shown_as_far_as_the_model_uses_it(tokenizer):
    fits = tokens.tokenize_view(tokenizer, "abcdefghijklmno")  # 15 letters: BOS, 15, BOS = 17 tokens, all used
    assert len(texts(fits, "microgpt-token-label")) == 17 and "never seen" not in fits
    name = "abcdefghijklmnopqrstuvwxyz" * 40
    html = tokens.tokenize_view(tokenizer, name)
    shown = texts(html, "microgpt-token-label")
    assert len(shown) == tokens.BLOCK_SIZE + 1 and shown[:3] == ["BOS", "a", "b"]
    assert f"reads at most 16 tokens" in html and f"only the first 17 of these {len(name) + 2} tokens" in html
    assert len(texts(tokens.tokenize_view(tokenizer, "abcdefg", block_size=4), "microgpt-token-label")) == 5
    shorter = tokens.tokenize_view(tokenizer, name[:100])
    assert abs(len(html) - len(shorter)) < 10  # the view's size does not grow with the input


def test_a_long_run_of_unknown_characters_gives_a_short_message(tokenizer):
    message, = texts(tokens.tokenize_view(tokenizer, "7" * 1000), "microgpt-token-error")
    assert "'7' (position 4)" in message and "and 995 more" in message and len(message) < 400


def test_typing_in_the_playground_updates_its_view(tokenizer):
    box = tokens.tokenizer_playground(tokenizer, "emma")
    text, view = box.children
    assert "microgpt-tokenizer-playground" in box._dom_classes and "microgpt-tokenizer-view" in view._dom_classes
    assert texts(view.value, "microgpt-token-label") == ["BOS", "e", "m", "m", "a", "BOS"]
    text.value = "ava"
    assert texts(view.value, "microgpt-token-label") == ["BOS", "a", "v", "a", "BOS"]
    assert view.value == tokens.tokenize_view(tokenizer, "ava")
    text.value = "Ava!"
    assert "Not in the vocabulary" in view.value


# --- what every widget that reads a typed name shares ---

def test_the_examples_list_says_which_names_are_empty_or_too_long():
    assert tokens.example_label("", 16) == "(an empty name)"
    assert tokens.example_label("emma", 16) == "emma"
    assert tokens.example_label("maximilianalexander", 16) == "maximilianalexander (19 letters)"


def test_a_name_box_and_its_examples_keep_in_step():
    text, row = tokens.name_input("name:", "emma", ("emma", "ava", ""), 16)
    pick = row.children[1]
    assert row.children[0] is text and pick.value == "emma"
    text.value = "zoe"  # typed: not an example, so no example is picked
    assert pick.value is None
    pick.value = "ava"  # picked: the box shows it
    assert text.value == "ava"
    pick.value = ""  # the empty example is a name too
    assert text.value == ""
