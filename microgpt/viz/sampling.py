"""Sampling: how the model writes a name, one drawn letter at a time (notebook 09).

`sampling_walk` is the pure function: it draws one name with `microgpt.sample_steps` and returns every
step as data (the probabilities, the random number drawn and the token it picked), with any note or error
for the reader. `sampling_html` draws the steps shown so far, and the probabilities of the next one, as
HTML bars (fast enough to redraw at every click: no matplotlib); `sampling_table` prints the same as text,
for a cell nbval compares. `sampling_explorer` is the thin widget around them. `plot_temperatures` and
`plot_tradeoff` are the notebook's two figures.

Stable CSS classes for the browser test: microgpt-sampling-explorer, microgpt-sampling-view,
microgpt-sample-name, microgpt-sample-step (a drawn step: data-position, data-draw, data-token),
microgpt-sample-pending (the next step, not drawn yet), microgpt-sample-choice (data-token, data-prob),
microgpt-sample-drawn (the choice that was drawn), microgpt-sample-stretches, microgpt-sample-note,
microgpt-sample-end, microgpt-sample-error; the explorer's text boxes microgpt-sample-seed and
microgpt-sample-prefix.
"""

import html
import math
import numbers
import random
from dataclasses import dataclass
from itertools import accumulate

import ipywidgets as widgets
import matplotlib.pyplot as plt

from ..sample import sample_steps
from .tokens import BOS_LABEL, BOS_NAME, shorten, unknown_message

TOP = 5  # the likeliest tokens shown at each step
TEMPERATURES = (0.1, 3.0, 0.05)  # the explorer's slider: lowest, highest, step
NEAR_GREEDY, FLAT = 0.2, 2.0  # at or below / at or above: a note says what such a temperature does
MAX_SEED = 999_999
BAR_PX = 56  # a probability of 1 as a bar this wide
LINE_PX = 600  # the stretches of all the tokens, laid end to end
DRAWN = "#ff7f0e"
STRETCH = ("#c6dbef", "#9ecae1")  # neighbouring stretches alternate between two blues
STYLE = f"""<style>
.microgpt-s-table {{ border-collapse: collapse; font-size: 12px; line-height: 1.2; }}
.microgpt-s-table td, .microgpt-s-table th {{ padding: 1px 4px; white-space: nowrap; }}
.microgpt-s-number {{ text-align: right; font-family: monospace; }}
.microgpt-s-mono {{ font-family: monospace; }}
.microgpt-s-token {{ display: inline-block; width: 26px; text-align: right; }}
.microgpt-s-bar {{ display: inline-block; vertical-align: middle; height: 10px; background: #6baed6; }}
.microgpt-sample-drawn {{ font-weight: bold; }}
.microgpt-sample-drawn .microgpt-s-bar {{ background: {DRAWN}; }}
.microgpt-sample-pending {{ background: #fff8dc; }}
.microgpt-s-drawn {{ color: {DRAWN}; }}
.microgpt-s-grey {{ color: #555; font-size: 12px; }}
.microgpt-sample-name {{ font: bold 22px monospace; margin: 4px 0; }}
.microgpt-sample-name span {{ margin-right: 2px; }}
.microgpt-s-small {{ font-size: 12px; color: #777; }}
.microgpt-s-prefix {{ color: #777; text-decoration: underline; }}
.microgpt-s-text {{ margin: 4px 0; line-height: 1.4; max-width: 820px; font-size: 12px; }}
.microgpt-sample-error {{ color: #b00020; font-size: 13px; }}
.microgpt-s-line, .microgpt-s-scale {{ position: relative; width: {LINE_PX}px; }}
.microgpt-s-line {{ height: 20px; margin: 8px 0 2px; }}
.microgpt-s-line div {{ position: absolute; height: 20px; font: 11px/20px monospace; text-align: center;
  overflow: hidden; }}
.microgpt-s-line .microgpt-s-marker {{ top: -4px; width: 2px; height: 28px; background: #d62728; }}
.microgpt-s-scale {{ height: 14px; color: #555; }}
.microgpt-s-scale span {{ position: absolute; transform: translateX(-50%); }}
</style>"""  # microgpt-s-...: the view's own look; microgpt-sample-...: what the browser test finds


@dataclass(frozen=True)
class Step:
    """One draw: at `position`, having read BOS and `context`, the model gave every token a probability
    (`probs`, in vocabulary order); the random number `draw` picked `token`."""

    position: int
    context: str
    probs: tuple
    draw: float
    token: int


@dataclass(frozen=True)
class SamplingWalk:
    """One name drawn after `prefix` at `temperature`, from random.Random(seed), step by step.

    `labels[i]` names token i (BOS last). `note` says what the reader should know (the prefix was cut to
    what the model reads, the temperature is extreme); `error` why nothing was drawn (then `steps` is empty).
    """

    prefix: str
    temperature: float
    seed: int
    labels: tuple = ()
    steps: tuple = ()
    note: str = ""
    error: str = ""

    @property
    def name(self):
        """The prefix and every letter drawn (BOS ends a name, it is not part of it)."""
        return self.prefix + "".join(self.labels[s.token] for s in self.steps if self.labels[s.token] != BOS_NAME)

    @property
    def ended_by_bos(self):
        return bool(self.steps) and self.labels[self.steps[-1].token] == BOS_NAME


def sampling_walk(model, tokenizer, temperature=0.5, seed=42, prefix=""):
    """The SamplingWalk of the name `microgpt.sample_steps` draws from random.Random(seed).

    A prefix longer than the model reads is cut to block_size - 1 letters (BOS takes one place), with a
    note; characters outside the vocabulary, a temperature that is not above 0, or a seed that is not a
    whole number give an error instead of a picture. Use the fast engine: a name takes milliseconds.
    """
    def refused(error):
        return SamplingWalk(prefix, temperature, seed, error=error)

    if isinstance(temperature, bool) or not (isinstance(temperature, numbers.Real) and temperature > 0):
        return refused(f"The temperature must be more than 0, not {temperature!r}: sampling divides the logits "
                       "by it. As it goes to 0, sampling becomes greedy decoding: always the likeliest token.")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed <= MAX_SEED:
        return refused(f"The seed must be a whole number from 0 to {MAX_SEED:,}, not {seed!r}.")
    unknown = sorted(set(prefix) - set(tokenizer.chars))
    if unknown:
        where = " at the end" if prefix.endswith(" ") else ""
        space = f" ' ' is a space{where}: names have none, so delete it." if " " in unknown else ""
        return refused(unknown_message(tokenizer, prefix, unknown) + space)
    block_size = model.config.block_size
    notes = []
    if len(prefix) >= block_size:
        fits = prefix[:block_size - 1]
        notes.append(f"The model reads at most {block_size} tokens: BOS and {block_size - 1} letters. Only the "
                     f"first {block_size - 1} letters of the prefix fit, {fits!r}; the rest, "
                     f"{shorten(prefix[block_size - 1:])!r}, is never read.")
        prefix = fits
    if temperature <= NEAR_GREEDY:
        notes.append(f"At temperature {temperature:g} the likeliest token takes most of the probability, often nearly "
                     "all: sampling is close to greedy decoding, which always takes the likeliest.")
    elif temperature >= FLAT:
        notes.append(f"At temperature {temperature:g} the probabilities are flattened toward 1/{tokenizer.vocab_size} "
                     "each: unlikely letters are drawn often, and the names get long and odd.")
    labels = tuple(tokenizer.chars) + (BOS_NAME,)
    steps, context = [], prefix
    for s in sample_steps(model, tokenizer, random.Random(seed), temperature, prefix):
        steps.append(Step(s.position, context, tuple(s.probs), s.draw, s.token))
        context += "" if s.token == tokenizer.bos else labels[s.token]
    return SamplingWalk(prefix, temperature, seed, labels, tuple(steps), " ".join(notes))


def likeliest(probs, n=TOP):
    """The ids of the `n` likeliest tokens, likeliest first (ties: the smaller id first)."""
    return sorted(range(len(probs)), key=lambda i: (-probs[i], i))[:n]


def stretches_of(probs):
    """Each token's stretch, (start, end), when the probabilities are laid end to end in vocabulary order and
    scaled to cover [0, 1): a draw picks the token whose stretch holds it (microgpt.pick_token's rule)."""
    ends = list(accumulate(probs))
    total = ends[-1]
    return [(start / total, end / total) for start, end in zip([0.0] + ends[:-1], ends)]


def seed_from(text):
    """The seed typed in the explorer's box: a whole number, else the text itself, which sampling_walk refuses
    with a message. (A number box would show '37' for a pasted '3.7' while it used 3.)"""
    digits = text.strip()
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= len(str(MAX_SEED)) else text


def rank_of(probs, token):
    """`token`'s place among all the tokens, the likeliest first: 1, 2, …"""
    return likeliest(probs, len(probs)).index(token) + 1


def drawn_label(walk, step):
    """The token drawn and its probability, with its rank when it is not among the TOP likeliest: 'o 0.03 (#13)'."""
    rank = rank_of(step.probs, step.token)
    return f"{walk.labels[step.token]} {step.probs[step.token]:.2f}" + (f" (#{rank})" if rank > TOP else "")


def settings(walk):
    prefix = f"prefix {walk.prefix!r}" if walk.prefix else "no prefix"
    return f"seed {walk.seed}, temperature {walk.temperature:g}, {prefix}"


def end_message(walk):
    """Why the name stopped: BOS drawn, or the context full."""
    last = walk.steps[-1]
    if walk.ended_by_bos:
        return f"BOS drawn at position {last.position}: the name ends. The whole name: {walk.name!r}."
    block_size = last.position + 1
    return (f"The context is full: the model has read {block_size} tokens, BOS and {block_size - 1} letters, and "
            f"the letter drawn at position {last.position} is never read. The name stops here, without a BOS: "
            f"{walk.name!r}.")


def sampling_table(walk, shown=None):
    """The first `shown` steps (default: all) as text: what the explorer draws, for a cell nbval compares. A token
    drawn from outside the TOP likeliest gets its rank, as in the explorer."""
    if walk.error:
        return walk.error
    steps = walk.steps[:len(walk.steps) if shown is None else shown]
    lines = [settings(walk)] + ([walk.note] if walk.note else [])
    lines.append(f"{'pos':>3}  {'after':<16}{f'the {TOP} likeliest next tokens':<46}{'draw':>6}  drawn")
    for s in steps:
        choices = "  ".join(f"{walk.labels[i]} {s.probs[i]:.2f}" for i in likeliest(s.probs))
        lines.append(f"{s.position:>3}  {s.context or BOS_NAME:<16}{choices:<46}{s.draw:>6.3f}  {drawn_label(walk, s)}")
    if len(steps) == len(walk.steps):
        lines.append(end_message(walk))
    return "\n".join(lines)


def choice_cell(walk, step, token, drawn):
    p = step.probs[token]
    label = html.escape(walk.labels[token])
    rank = rank_of(step.probs, token)
    more = f' <span class="microgpt-s-grey">(#{rank})</span>' if rank > TOP else ""
    return (f'<td class="microgpt-sample-choice{" microgpt-sample-drawn" if drawn else ""}" data-token="{label}" '
            f'data-prob="{p!r}" title="{label}: {p:.4f}"><span class="microgpt-s-token">{label}</span> '
            f'<span class="microgpt-s-bar" style="width:{max(1, round(p * BAR_PX))}px"></span> {p:.2f}{more}</td>')


def step_row(walk, step, pending):
    """A table row: the step's likeliest tokens as bars and, once drawn, the draw and the token it picked
    (shown after the others when it is not among the likeliest)."""
    top = likeliest(step.probs)
    cells = [choice_cell(walk, step, i, i == step.token and not pending) for i in top]
    outside = not pending and step.token not in top
    cells.append("<td>…</td>" + choice_cell(walk, step, step.token, True) if outside else "<td></td><td></td>")
    label = html.escape(walk.labels[step.token])
    if pending:
        attributes = 'class="microgpt-sample-pending"'
        draw, drawn = "?", '<span class="microgpt-s-grey">next</span>'
    else:
        attributes = f'class="microgpt-sample-step" data-draw="{step.draw!r}" data-token="{label}"'
        draw, drawn = f'<span title="{step.draw!r}">{step.draw:.3f}</span>', f'<b class="microgpt-s-drawn">{label}</b>'
    return (f'<tr {attributes} data-position="{step.position}"><td class="microgpt-s-number">{step.position}</td>'
            f'<td class="microgpt-s-mono">{html.escape(shorten(step.context, 14)) or BOS_NAME}</td>{"".join(cells)}'
            f'<td class="microgpt-s-number">{draw}</td><td>{drawn}</td></tr>')


def name_line(walk, shown):
    """The name so far, in large letters: BOS, the prefix (grey, underlined), the drawn letters, then what is
    next: a '?' to draw, the final BOS, or the full context."""
    def letter(text, kind=""):
        return f'<span class="{kind}">{html.escape(text)}</span>' if kind else f"<span>{html.escape(text)}</span>"

    parts = [letter(BOS_NAME, "microgpt-s-small")] + [letter(ch, "microgpt-s-prefix") for ch in walk.prefix]
    parts += [letter(walk.labels[s.token]) for s in walk.steps[:shown] if walk.labels[s.token] != BOS_NAME]
    if shown < len(walk.steps):
        parts.append(letter("?", "microgpt-s-drawn"))
    else:
        parts.append(letter(BOS_NAME if walk.ended_by_bos else "| the context is full", "microgpt-s-small"))
    return '<div class="microgpt-sample-name">' + "".join(parts) + "</div>"


def stretches(walk, step):
    """How `step`'s draw picked its token: every token's stretch laid end to end on [0, 1), the draw marked."""
    spans = stretches_of(step.probs)
    start, end = spans[step.token]
    label = walk.labels[step.token]
    segments = []
    for i, (name, (a, b)) in enumerate(zip(walk.labels, spans)):
        width = (b - a) * LINE_PX
        text = html.escape(name) if width >= 7 * len(name) else ""  # a label only where it fits
        colour = DRAWN if i == step.token else STRETCH[i % 2]
        segments.append(f'<div title="{html.escape(name)}: {a:.3f} to {b:.3f}" '
                        f'style="left:{a * LINE_PX:.1f}px;width:{width:.1f}px;background:{colour}">{text}</div>')
    marker = f'<div class="microgpt-s-marker" style="left:{step.draw * LINE_PX - 1:.1f}px"></div>'
    scale = "".join(f'<span style="left:{x * LINE_PX:.0f}px">{x:g}</span>' for x in (0, 0.5, 1))
    how = (f"How the draw picked {label!r} at position {step.position}: the probabilities laid end to end, "
           f"{walk.labels[0]} to {walk.labels[-2]} then BOS, cover 0 to 1;")
    fell = f"(red) falls in the stretch of {label!r}, from {start:.3f} to {end:.3f}."
    return (f'<div class="microgpt-sample-stretches microgpt-s-text">{html.escape(how)}<br>'
            f"the draw <b>{step.draw:.3f}</b> {html.escape(fell)}"
            f'<div class="microgpt-s-line">{"".join(segments)}{marker}</div>'
            f'<div class="microgpt-s-scale">{scale}</div></div>')


def sampling_html(walk, shown):
    """HTML of the first `shown` steps of `walk`, drawn, and of the next one's probabilities, not yet drawn.

    Each row is a position: the letters read so far, the likeliest next tokens as bars, the random number
    drawn and the token it picked (orange). Below the table, how the last draw picked its token. Messages
    replace (an error) or precede (a note) the picture.
    """
    if walk.error:
        return STYLE + f'<div class="microgpt-sample-error microgpt-s-text">{html.escape(walk.error)}</div>'
    shown = max(0, min(shown, len(walk.steps)))
    header = (f'<tr class="microgpt-s-grey"><th>pos</th><th>after</th><th colspan="{TOP + 2}" style="text-align:left">'
              f"the {TOP} likeliest next tokens</th><th>draw</th><th>drawn</th></tr>")
    rows = [step_row(walk, step, pending=False) for step in walk.steps[:shown]]
    if shown < len(walk.steps):
        rows.append(step_row(walk, walk.steps[shown], pending=True))
    note = f'<div class="microgpt-sample-note microgpt-s-text">{html.escape(walk.note)}</div>' if walk.note else ""
    end = (f'<div class="microgpt-sample-end microgpt-s-text"><b>{html.escape(end_message(walk))}</b></div>'
           if shown == len(walk.steps) else "")
    return (STYLE + f'<div class="microgpt-s-grey">{html.escape(settings(walk))}</div>' + name_line(walk, shown)
            + note + '<table class="microgpt-s-table">' + header + "".join(rows) + "</table>" + end
            + (stretches(walk, walk.steps[shown - 1]) if shown else ""))


def sampling_explorer(model, tokenizer, temperature=0.5, seed=42, prefix=""):
    """A temperature slider, a seed and an optional prefix; buttons to draw the next letter or the whole name,
    to start again, or to draw a new name (the next seed). Use the fast engine: each change takes milliseconds.

    Changing the temperature, the seed or the prefix draws the name again and shows as many steps of it as
    before, or all of them after "whole name".
    """
    low, high, step = TEMPERATURES
    slider = widgets.FloatSlider(value=temperature, min=low, max=high, step=step, description="temperature",
                                 readout_format=".2f", style={"description_width": "initial"},
                                 layout=widgets.Layout(width="360px"))
    seed_box = widgets.Text(value=str(seed), description="seed", placeholder="0 to 999999",
                            style={"description_width": "40px"}, layout=widgets.Layout(width="150px"))
    seed_box.add_class("microgpt-sample-seed")
    prefix_box = widgets.Text(value=prefix, description="prefix", placeholder="optional, e.g. em",
                              style={"description_width": "45px"}, layout=widgets.Layout(width="250px"))
    prefix_box.add_class("microgpt-sample-prefix")
    buttons = {label: widgets.Button(description=label, tooltip=tip, layout=widgets.Layout(width="150px"))
               for label, tip in (("next letter", "draw one more letter"), ("whole name", "draw until the end"),
                                  ("start again", "the same name, from its first letter"),
                                  ("new name", "the next seed: other random numbers"))}
    view = widgets.HTML()
    view.add_class("microgpt-sampling-view")
    state = {"walk": None, "shown": 0}  # how many steps to show, kept when the name changes (inf: all of them)

    def shown():
        return min(state["shown"], len(state["walk"].steps))

    def show(steps):
        state["shown"] = max(0, steps)
        finished = shown() == len(state["walk"].steps)
        buttons["next letter"].disabled = buttons["whole name"].disabled = finished
        buttons["start again"].disabled = shown() == 0
        view.value = sampling_html(state["walk"], shown())  # last: when it changes, the buttons are up to date

    def draw_again(_=None):
        state["walk"] = sampling_walk(model, tokenizer, slider.value, seed_from(seed_box.value), prefix_box.value)
        show(state["shown"])

    def new_name(_):
        state["shown"] = 0
        seed = seed_from(seed_box.value)
        seed_box.value = str(seed + 1 if isinstance(seed, int) and seed < MAX_SEED else 0)  # draw_again follows

    buttons["next letter"].on_click(lambda _: show(shown() + 1))
    buttons["whole name"].on_click(lambda _: show(math.inf))  # the whole name, also after any change
    buttons["start again"].on_click(lambda _: show(0))
    buttons["new name"].on_click(new_name)
    for control in (slider, seed_box, prefix_box):
        control.observe(draw_again, names="value")
    draw_again()
    box = widgets.VBox([widgets.HBox([slider, seed_box, prefix_box]), widgets.HBox(list(buttons.values())), view])
    box.add_class("microgpt-sampling-explorer")
    return box


def plot_temperatures(probs_at, labels):
    """One distribution at several temperatures, as bars side by side: `probs_at` is {temperature: probs}.
    The tokens go from the likeliest down: a temperature changes how likely each token is, never their order."""
    temperatures = list(probs_at)
    order = likeliest(probs_at[temperatures[0]], len(labels))
    width = 0.8 / len(temperatures)
    fig, ax = plt.subplots(figsize=(8.5, 3.2))
    for k, t in enumerate(temperatures):
        offset = (k - (len(temperatures) - 1) / 2) * width
        ax.bar([x + offset for x in range(len(order))], [probs_at[t][i] for i in order], width,
               label=f"temperature {t:g}")
    ax.axhline(1 / len(labels), color="tab:gray", linestyle=":", label=f"uniform: 1/{len(labels)}")
    ax.set_xticks(range(len(order)), [labels[i] for i in order])
    ax.set_xlim(-0.6, len(order) - 0.4)
    bos = f" ('{BOS_LABEL}' is BOS: the name ends)" if BOS_LABEL in labels else ""
    ax.set_xlabel("next token, the likeliest first" + bos)
    ax.set_ylabel("probability")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_tradeoff(temperatures, distinct, in_data, losses, references=None):
    """Diversity against plausibility: the share of distinct names and of names already in the data (left),
    and the average loss of the names under the model (right), at each temperature. `references` is
    {label: loss}, drawn as dashed lines on the right."""
    fig, (shares, loss) = plt.subplots(1, 2, figsize=(8.5, 3.2))
    shares.plot(temperatures, [100 * d for d in distinct], "o-", label="distinct names")
    shares.plot(temperatures, [100 * k for k in in_data], "s-", color="tab:green", label="already in the data")
    shares.set_ylim(0, 105)
    shares.set_ylabel("% of the names drawn")
    shares.legend()
    loss.plot(temperatures, losses, "o-", color="tab:red", label="the names drawn")
    for i, (label, value) in enumerate((references or {}).items()):
        loss.axhline(value, color=f"C{i + 4}", linestyle="--", label=f"{label}: {value:.2f}")
    loss.set_ylabel("average loss under the model")
    loss.legend()
    for ax in (shares, loss):
        ax.set_xlabel("temperature")
    fig.tight_layout()
    return fig
