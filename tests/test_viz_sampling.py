"""microgpt.viz.sampling: a name drawn step by step as data, its HTML and text, the explorer around them, and the
notebook's two figures; on the tiny 2-layer model (block_size 5) and on the shipped one."""

import html
import math
import random
import re

import pytest

from microgpt import load_shipped, make_model, pick_token, sample, sample_steps
from microgpt.viz import sampling
from microgpt.viz.sampling import sampling_html, sampling_table, sampling_walk, stretches_of

from .viz_helpers import close_figures  # noqa: F401 (a fixture)

DRAWN_ROW = re.compile(r'<tr class="microgpt-sample-step" data-draw="([^"]+)" data-token="([^"]+)" '
                       r'data-position="(\d+)"')
CHOICE = re.compile(r'<td class="microgpt-sample-choice( microgpt-sample-drawn)?" data-token="([^"]+)" '
                    r'data-prob="([^"]+)"')


@pytest.fixture
def fast_tiny(tiny_model):
    return make_model(tiny_model.config, tiny_model.weights(), engine="fast")


@pytest.fixture(scope="module")
def shipped():
    ck = load_shipped()
    return make_model(ck.config, ck.weights, engine="fast"), ck.tokenizer


def drawn_rows(drawn_html):
    """(position, token label, draw) of every drawn row of the view."""
    return [(int(p), html.unescape(t), float(d)) for d, t, p in DRAWN_ROW.findall(drawn_html)]


def test_the_walk_is_what_sample_steps_draws(fast_tiny, tiny_tokenizer):
    for seed in range(5):
        walk = sampling_walk(fast_tiny, tiny_tokenizer, temperature=1.0, seed=seed, prefix="b")
        steps = list(sample_steps(fast_tiny, tiny_tokenizer, random.Random(seed), 1.0, "b"))
        assert [(s.position, list(s.probs), s.draw, s.token) for s in walk.steps] == [
            (s.position, s.probs, s.draw, s.token) for s in steps]
        assert walk.name == sample(fast_tiny, tiny_tokenizer, random.Random(seed), 1.0, "b")
        assert walk.note == walk.error == "" and walk.labels[-1] == "BOS"


def test_each_step_knows_the_letters_read_before_it(fast_tiny, tiny_tokenizer):
    walk = sampling_walk(fast_tiny, tiny_tokenizer, temperature=2.0, seed=3, prefix="e")
    assert walk.steps[0].context == "e" and walk.steps[0].position == 1
    for before, after in zip(walk.steps, walk.steps[1:]):
        assert after.context == before.context + walk.labels[before.token]
        assert after.position == before.position + 1


def test_every_engine_draws_the_same_walk(tiny_model, fast_tiny, tiny_tokenizer):
    assert sampling_walk(tiny_model, tiny_tokenizer, 0.7, 11) == sampling_walk(fast_tiny, tiny_tokenizer, 0.7, 11)


def test_a_name_ends_at_bos_or_when_the_context_is_full(fast_tiny, tiny_tokenizer):
    walks = [sampling_walk(fast_tiny, tiny_tokenizer, 1.5, seed) for seed in range(40)]
    ended, full = [w for w in walks if w.ended_by_bos], [w for w in walks if not w.ended_by_bos]
    assert ended and full, "the tiny model should do both within 40 seeds"
    for walk in ended:
        assert "BOS drawn at position" in sampling.end_message(walk) and walk.name in sampling.end_message(walk)
    for walk in full:
        assert len(walk.steps) == 5 and len(walk.name) == 5  # block_size 5: positions 0 to 4 each draw a letter
        assert sampling.end_message(walk).startswith("The context is full: the model has read 5 tokens, BOS and 4")


def test_a_prefix_longer_than_the_context_is_cut_to_what_the_model_reads(fast_tiny, tiny_tokenizer):
    walk = sampling_walk(fast_tiny, tiny_tokenizer, 0.5, 1, prefix="gloriafabian")  # BOS and 4 letters fit
    assert walk.prefix == "glor" and walk.error == ""
    assert "Only the first 4 letters of the prefix fit, 'glor'; the rest, 'iafabian', is never read" in walk.note
    [step] = walk.steps  # read at positions 0-4, one draw at position 4, and the context is full
    assert step.position == 4 and not walk.ended_by_bos and walk.name.startswith("glor")
    assert sampling_walk(fast_tiny, tiny_tokenizer, 0.5, 1, prefix="glor").note == ""


@pytest.mark.parametrize("prefix, words", [
    ("Bob", ["'B'", "try 'bob'"]),
    ("bo b", ["' '", "' ' is a space: names have none, so delete it."]),
    ("bob ", ["' ' is a space at the end: names have none, so delete it."]),
    ("zed", ["'z'"]),
    ("<b>" + "X" * 500, ["'<'", "'>'"]),
])
def test_characters_outside_the_vocabulary_give_a_message_not_a_walk(fast_tiny, tiny_tokenizer, prefix, words):
    walk = sampling_walk(fast_tiny, tiny_tokenizer, 0.5, 1, prefix)
    assert walk.steps == () and all(word in walk.error for word in words), walk.error
    drawn = sampling_html(walk, 3)
    assert "microgpt-sample-error" in drawn and "microgpt-sample-step" not in drawn and "<b>" not in drawn
    assert len(drawn) - len(sampling.STYLE) < 400 and sampling_table(walk) == walk.error


@pytest.mark.parametrize("temperature", [0, -1.0, float("nan"), True, "hot", None])
def test_a_temperature_that_is_not_above_zero_gives_a_message(fast_tiny, tiny_tokenizer, temperature):
    walk = sampling_walk(fast_tiny, tiny_tokenizer, temperature, 1)
    assert walk.steps == () and "The temperature must be more than 0" in walk.error and "greedy" in walk.error


@pytest.mark.parametrize("seed", [1.5, "42", "3.7", "", None, False, -1, sampling.MAX_SEED + 1])
def test_a_seed_that_is_not_a_whole_number_in_range_gives_a_message(fast_tiny, tiny_tokenizer, seed):
    error = sampling_walk(fast_tiny, tiny_tokenizer, 0.5, seed).error
    assert f"The seed must be a whole number from 0 to 999,999, not {seed!r}." == error


@pytest.mark.parametrize("typed, seed", [("42", 42), (" 7 ", 7), ("0", 0), ("999999", 999_999), ("3.7", "3.7"),
                                         ("", ""), ("-5", "-5"), ("1e3", "1e3"), ("²", "²"), ("1000000", "1000000"),
                                         ("9" * 5000, "9" * 5000)])
def test_the_seed_box_gives_a_whole_number_or_the_text_that_is_refused(typed, seed):
    assert sampling.seed_from(typed) == seed


def test_extreme_temperatures_get_a_note(fast_tiny, tiny_tokenizer):
    low, high, _ = sampling.TEMPERATURES
    assert "close to greedy decoding" in sampling_walk(fast_tiny, tiny_tokenizer, low, 1).note
    assert "flattened toward 1/" in sampling_walk(fast_tiny, tiny_tokenizer, high, 1).note
    assert sampling_walk(fast_tiny, tiny_tokenizer, 1.0, 1).note == ""


def test_stretches_cover_zero_to_one_and_hold_the_draws_pick_token_picks():
    rng = random.Random(0)
    for _ in range(200):
        probs = [rng.random() ** 3 for _ in range(7)]
        spans = stretches_of(probs)
        assert spans[0][0] == 0 and math.isclose(spans[-1][1], 1)
        assert all(math.isclose(a[1], b[0]) for a, b in zip(spans, spans[1:]))
        draw = rng.random()
        start, end = spans[pick_token(probs, draw)]
        assert start - 1e-12 <= draw < end + 1e-12


def test_the_view_shows_the_steps_drawn_and_the_next_one_pending(fast_tiny, tiny_tokenizer):
    walk = sampling_walk(fast_tiny, tiny_tokenizer, 1.5, 5, prefix="a")
    assert len(walk.steps) == 4 and walk.ended_by_bos
    for shown in range(len(walk.steps) + 1):
        drawn = sampling_html(walk, shown)
        rows = drawn_rows(drawn)
        assert rows == [(s.position, walk.labels[s.token], s.draw) for s in walk.steps[:shown]]
        assert drawn.count('class="microgpt-sample-pending"') == (shown < len(walk.steps))
        assert ("microgpt-sample-end" in drawn) == (shown == len(walk.steps))
        assert ("microgpt-sample-stretches" in drawn) == (shown > 0)
    assert sampling_html(walk, 99) == sampling_html(walk, len(walk.steps))
    assert sampling_html(walk, -1) == sampling_html(walk, 0)


def test_each_row_shows_the_likeliest_tokens_and_marks_the_one_drawn(fast_tiny, tiny_tokenizer):
    walk = sampling_walk(fast_tiny, tiny_tokenizer, 3.0, 5)
    rows = sampling_html(walk, len(walk.steps)).split("<tr ")[2:]
    assert len(rows) == len(walk.steps)
    for row, step in zip(rows, walk.steps):
        choices = [(bool(d), html.unescape(t), float(p)) for d, t, p in CHOICE.findall(row)]
        top = sorted(range(len(step.probs)), key=lambda i: (-step.probs[i], i))[:sampling.TOP]
        assert [(t, p) for _, t, p in choices[:sampling.TOP]] == [(walk.labels[i], step.probs[i]) for i in top]
        assert [t for drawn, t, _ in choices if drawn] == [walk.labels[step.token]]
        assert len(choices) == sampling.TOP + (step.token not in top)  # the drawn one after the others, if need be
    assert any("(#" in row for row in rows), "at temperature 3 some draw should be outside the likeliest"


def test_the_stretches_say_where_the_last_draw_fell(fast_tiny, tiny_tokenizer):
    walk = sampling_walk(fast_tiny, tiny_tokenizer, 1.0, 4)
    step = walk.steps[1]
    start, end = stretches_of(step.probs)[step.token]
    drawn = sampling_html(walk, 2).split('class="microgpt-sample-stretches')[1]
    label = walk.labels[step.token]
    assert html.escape(f"How the draw picked {label!r} at position 1") in drawn
    assert html.escape(f"falls in the stretch of {label!r}, from {start:.3f} to {end:.3f}") in drawn
    assert drawn.count('style="left:') == len(walk.labels) + 1 + 3  # the stretches, the draw, the scale


def test_the_name_line_shows_bos_the_prefix_the_letters_and_what_comes_next(fast_tiny, tiny_tokenizer):
    def letters(walk, shown):
        line = re.search(r'<div class="microgpt-sample-name".*?</div>', sampling_html(walk, shown)).group(0)
        return re.findall(r">([^<]+)</span>", line)

    ends = sampling_walk(fast_tiny, tiny_tokenizer, 1.5, 5, prefix="a")  # 'a', three letters, then BOS
    assert ends.ended_by_bos and letters(ends, 0) == ["BOS", "a", "?"]
    assert letters(ends, 1) == ["BOS", "a", ends.labels[ends.steps[0].token], "?"]
    assert letters(ends, 4) == ["BOS"] + list(ends.name) + ["BOS"]
    full = sampling_walk(fast_tiny, tiny_tokenizer, 1.5, 0, prefix="a")
    assert not full.ended_by_bos and letters(full, 4) == ["BOS"] + list(full.name) + ["| the context is full"]


def test_the_table_prints_what_the_view_draws(fast_tiny, tiny_tokenizer):
    walk = sampling_walk(fast_tiny, tiny_tokenizer, 1.0, 7, prefix="e")
    lines = sampling_table(walk).splitlines()
    assert lines[0] == "seed 7, temperature 1, prefix 'e'"
    assert lines[-1] == sampling.end_message(walk)
    for line, step in zip(lines[2:-1], walk.steps):
        position, context, *choices, draw, token, prob = line.split()[:15]  # then the rank, if any
        assert (int(position), context, float(draw), token) == (step.position, step.context, round(step.draw, 3),
                                                               walk.labels[step.token])
        assert float(prob) == round(step.probs[step.token], 2)
    assert len(sampling_table(walk, shown=1).splitlines()) == 3  # settings, header, one step: no end yet


def test_the_table_gives_the_rank_of_a_token_drawn_from_outside_the_likeliest_as_the_view_does(fast_tiny,
                                                                                                 tiny_tokenizer):
    walk = sampling_walk(fast_tiny, tiny_tokenizer, 3.0, 5)
    lines = sampling_table(walk).splitlines()[3:-1]  # settings, the note, the header; the end
    ranks = [re.search(r"\(#(\d+)\)$", line) for line in lines]
    assert any(ranks), "at temperature 3 some draw should be outside the likeliest"
    for line, rank, step in zip(lines, ranks, walk.steps):
        top = sorted(range(len(step.probs)), key=lambda i: (-step.probs[i], i))
        if step.token in top[:sampling.TOP]:
            assert rank is None, line
        else:
            assert int(rank.group(1)) == top.index(step.token) + 1
            assert f"(#{rank.group(1)})" in sampling_html(walk, len(walk.steps))


def test_the_explorer_steps_restarts_and_draws_again(fast_tiny, tiny_tokenizer):
    box = sampling.sampling_explorer(fast_tiny, tiny_tokenizer, temperature=1.5, seed=5, prefix="a")
    (slider, seed, prefix), buttons, view = box.children[0].children, box.children[1].children, box.children[2]
    assert "microgpt-sample-seed" in seed._dom_classes and "microgpt-sample-prefix" in prefix._dom_classes
    next_letter, whole_name, start_again, new_name = buttons
    assert "microgpt-sampling-explorer" in box._dom_classes and "microgpt-sampling-view" in view._dom_classes
    walk = sampling_walk(fast_tiny, tiny_tokenizer, 1.5, 5, "a")
    assert view.value == sampling_html(walk, 0) and start_again.disabled
    next_letter.click()
    next_letter.click()
    assert view.value == sampling_html(walk, 2) and not start_again.disabled
    whole_name.click()
    assert view.value == sampling_html(walk, len(walk.steps)) and next_letter.disabled and whole_name.disabled
    start_again.click()
    assert view.value == sampling_html(walk, 0)
    next_letter.click()
    slider.value = 0.5  # the same seed, other probabilities: as many steps shown
    assert view.value == sampling_html(sampling_walk(fast_tiny, tiny_tokenizer, 0.5, 5, "a"), 1)
    new_name.click()
    assert seed.value == "6" and view.value == sampling_html(sampling_walk(fast_tiny, tiny_tokenizer, 0.5, 6, "a"), 0)
    whole_name.click()
    slider.value = 1.5  # after "whole name", the whole of every new name
    walk = sampling_walk(fast_tiny, tiny_tokenizer, 1.5, 6, "a")
    assert view.value == sampling_html(walk, len(walk.steps))
    prefix.value = "A"
    assert "microgpt-sample-error" in view.value and next_letter.disabled and whole_name.disabled
    prefix.value = "b"
    walk = sampling_walk(fast_tiny, tiny_tokenizer, 1.5, 6, "b")
    assert view.value == sampling_html(walk, len(walk.steps))  # the whole name again, once the prefix is readable
    seed.value = "3.7"  # a number box would show 37 and use 3: this one says what is wrong
    assert "The seed must be a whole number from 0 to 999,999, not '3.7'" in html.unescape(view.value)
    assert next_letter.disabled
    new_name.click()  # from a seed that is not one: seed 0
    assert seed.value == "0" and view.value == sampling_html(sampling_walk(fast_tiny, tiny_tokenizer, 1.5, 0, "b"), 0)


def test_new_name_wraps_around_after_the_largest_seed(fast_tiny, tiny_tokenizer):
    box = sampling.sampling_explorer(fast_tiny, tiny_tokenizer, seed=sampling.MAX_SEED)
    box.children[1].children[3].click()
    assert box.children[0].children[1].value == "0"


def test_the_shipped_model_draws_a_full_context_in_a_small_page(shipped):
    model, tokenizer = shipped
    walk = sampling_walk(model, tokenizer, sampling.TEMPERATURES[1], 1)
    assert len(walk.steps) == 16 and not walk.ended_by_bos and "flattened" in walk.note
    assert len(sampling_html(walk, 16)) < 60_000  # sent to the browser at every click


def test_plot_temperatures_draws_one_bar_per_token_and_temperature_likeliest_first():
    probs_at = {0.5: [0.7, 0.1, 0.2], 2.0: [0.4, 0.28, 0.32]}
    ax = sampling.plot_temperatures(probs_at, ["a", "b", "."]).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", ".", "b"]
    assert ax.get_xlabel() == "next token, the likeliest first ('.' is BOS: the name ends)"
    assert sampling.plot_temperatures({1.0: [0.5, 0.5]}, ["a", "b"]).axes[0].get_xlabel().endswith("first")
    assert [round(bar.get_height(), 2) for bar in ax.patches] == [0.7, 0.2, 0.1, 0.4, 0.32, 0.28]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["uniform: 1/3", "temperature 0.5",
                                                                  "temperature 2"]


def test_plot_tradeoff_draws_the_shares_in_percent_and_the_losses_with_references():
    fig = sampling.plot_tradeoff([0.5, 1.0], [0.9, 1.0], [0.3, 0.1], [1.9, 2.4], {"real names": 2.3})
    shares, loss = fig.axes
    assert [list(line.get_ydata()) for line in shares.lines] == [[90, 100], [30, 10]]
    assert list(loss.lines[0].get_ydata()) == [1.9, 2.4] and list(loss.lines[1].get_ydata()) == [2.3, 2.3]
    assert "real names: 2.30" in [t.get_text() for t in loss.get_legend().get_texts()]
