"""Tokens: how a name becomes the ids the model reads.

`token_labels` names every token id for axes and tables; `tokenize_view` is the pure function (an
HTML string a notebook cell, or a test, can show or check); `tokenizer_playground` is the thin widget
around it. `unknown_message`, `shorten`, `example_label` and `name_input` (a name box beside a list of
examples) are what every widget that reads a typed name shares (attention, gradients, sampling). The widget and its parts carry stable CSS classes so a browser test can find them:
microgpt-tokenizer-playground, microgpt-tokenizer-view, microgpt-token-char, microgpt-token-id,
microgpt-token-label, microgpt-token-error, microgpt-one-hot.
"""

import html

import ipywidgets as widgets

BOS_LABEL = "."  # how BOS is written on axes: it both starts and ends a name
BOS_NAME = "BOS"  # how BOS is written in tables and messages
BLOCK_SIZE = 16  # the seed's context: the model reads at most 16 tokens, so it uses a name's first 17
MAX_SHOWN_CHARS = 30  # an unknown-character message suggests lowercase only for input shorter than this

CELL = "width:16px;height:16px;padding:0;border:1px solid #fff;"
HEAD = "font-family:monospace;text-align:center;padding:0 2px;"


def token_labels(tokenizer):
    """A label for every token id: the characters, then BOS as '.'."""
    return list(tokenizer.chars) + [BOS_LABEL]


def tokenize_view(tokenizer, text, block_size=BLOCK_SIZE):
    """HTML showing `text` as the model sees it: BOS, one token per character, BOS.

    A table gives each token and its id; below it each token is a row of a one-hot grid over the
    vocabulary. The model reads at most `block_size` tokens and predicts the one after each, so only
    the first block_size + 1 tokens are shown, with a note when more are cut. Characters outside the
    vocabulary give a message instead, never an exception.
    """
    unknown = [(i, ch) for i, ch in enumerate(text) if ch not in tokenizer.chars]
    if unknown:
        return _unknown_message(tokenizer, text, unknown)
    ids = tokenizer.encode_doc(text)
    names = ["BOS" if i == tokenizer.bos else tokenizer.chars[i] for i in ids]
    note = ""
    if len(ids) > block_size + 1:
        note = (f"<p>The model reads at most {block_size} tokens and predicts the one after each, so it uses "
                f"only the first {block_size + 1} of these {len(ids)} tokens: the rest is never seen.</p>")
        ids, names = ids[:block_size + 1], names[:block_size + 1]
    if not text:
        note += "<p>An empty name is just BOS, BOS: a start, then straight away the end.</p>"
    return ('<div class="microgpt-tokens">'
            + _token_table(names, ids) + note + _one_hot_grid(tokenizer, names, ids)
            + "</div>")


def _token_table(names, ids):
    head = "".join(f'<td class="microgpt-token-char" style="{HEAD}">{html.escape(n)}</td>' for n in names)
    body = "".join(f'<td class="microgpt-token-id" style="{HEAD}">{i}</td>' for i in ids)
    return ('<table class="microgpt-token-table">'
            f'<tr><th>token</th>{head}</tr><tr><th>id</th>{body}</tr></table>')


def _one_hot_grid(tokenizer, names, ids):
    """One row per token, one column per vocabulary entry; the token's own column is filled."""
    columns = "".join(f'<th style="{HEAD}font-weight:normal">{html.escape(c)}</th>'
                      for c in token_labels(tokenizer))
    rows = []
    for name, token_id in zip(names, ids):
        cells = "".join(
            f'<td style="{CELL}background:{"#1f77b4" if j == token_id else "#e8eef6"}"></td>'
            for j in range(tokenizer.vocab_size))
        rows.append(f'<tr><th class="microgpt-token-label" style="{HEAD}">{html.escape(name)}</th>{cells}</tr>')
    return ("<p>Each token as a one-hot row: only the cell of its id is lit ('.' is BOS).</p>"
            f'<table class="microgpt-one-hot" style="border-collapse:collapse"><tr><th></th>{columns}</tr>'
            + "".join(rows) + "</table>")


def _unknown_message(tokenizer, text, unknown, max_listed=5):
    listed = ", ".join(f"{ch!r} (position {i})" for i, ch in unknown[:max_listed])
    if len(unknown) > max_listed:
        listed += f" and {len(unknown) - max_listed} more"
    message = (f"Not in the vocabulary: {listed}. This tokenizer knows only the "
               f"{len(tokenizer.chars)} characters {''.join(tokenizer.chars)!r} (and BOS).")
    if len(text) <= MAX_SHOWN_CHARS and all(ch in tokenizer.chars for ch in text.lower()):
        message += f" The names are all lowercase: try {text.lower()!r}."
    return f'<p class="microgpt-token-error" style="color:#b00020">{html.escape(message)}</p>'


def shorten(text, limit=20):
    """`text`, cut to `limit` characters with an ellipsis, for a message or a label."""
    return text if len(text) <= limit else text[:limit] + "…"


def unknown_message(tokenizer, name, unknown, max_listed=5):
    """What a widget says of a name with characters outside the vocabulary (`unknown`), e.g. upper case."""
    listed = ", ".join(repr(ch) for ch in unknown[:max_listed]) + (" and more" if len(unknown) > max_listed else "")
    message = (f"{shorten(name)!r} has characters the model does not know: {listed}. It knows only "
               f"{''.join(tokenizer.chars)!r}.")
    lower = name.lower()
    if lower != name and not set(lower) - set(tokenizer.chars):
        message += f" Its names are all lowercase: try {shorten(lower)!r}."
    return message


def example_label(name, block_size):
    """How the examples list shows a name: as it is, unless it is empty or longer than the model reads."""
    if not name:
        return "(an empty name)"
    return name if len(name) < block_size else f"{name} ({len(name)} letters)"


def name_input(description, value, examples, block_size):
    """A text box for a name beside a list of examples to pick from, kept in step: (the text box, the row)."""
    text = widgets.Text(value=value, description=description, placeholder="type a name", continuous_update=True,
                        layout=widgets.Layout(width="230px"))
    pick = widgets.Dropdown(options=[(example_label(e, block_size), e) for e in examples],
                            value=value if value in examples else None, layout=widgets.Layout(width="250px"))

    def typed(change):
        pick.value = change["new"] if change["new"] in examples else None

    def picked(change):
        if change["new"] is not None:
            text.value = change["new"]

    text.observe(typed, names="value")
    pick.observe(picked, names="value")
    return text, widgets.HBox([text, pick])


def tokenizer_playground(tokenizer, value="emma"):
    """A text box and the live `tokenize_view` of what is typed in it (class microgpt-tokenizer-playground)."""
    text = widgets.Text(value=value, description="name:", placeholder="type a name", continuous_update=True)
    view = widgets.HTML(tokenize_view(tokenizer, value))
    view.add_class("microgpt-tokenizer-view")

    def update(change):
        view.value = tokenize_view(tokenizer, change["new"])

    text.observe(update, names="value")
    box = widgets.VBox([text, view])
    box.add_class("microgpt-tokenizer-playground")
    return box
