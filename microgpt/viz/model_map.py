"""A map of the model: the path from a token to the loss, one box per part, the parts built so far lit.

`model_map(built)` is the pure function: HTML, so a notebook shows it with IPython's `HTML` and nbval
compares it as text. Each box names the notebook that builds its part.
"""

import html

# (key, name, what it does, the notebook that builds it), in the order a token flows through them
PARTS = [
    ("tokens", "token id", "a character as a number", "01"),
    ("embeddings", "embeddings", "wte[token] + wpe[position]", "05"),
    ("rmsnorm", "RMSNorm", "rescale to a steady size", "04"),
    ("attention", "attention", "look back at earlier letters", "06"),
    ("mlp", "MLP", "linear, ReLU, linear", "04"),
    ("logits", "logits", "lm_head: one score per token", "04"),
    ("softmax", "softmax", "scores to probabilities", "04"),
    ("loss", "loss", "−log p(the real next token)", "02"),
]
LAYER = ("attention", "mlp")  # the parts of one layer: the GPT stacks n_layer of them, each with a residual
BUILT, TODO = "#d4edda", "#f1f1f1"  # green for a part already built, grey for one still to come


def _box(name, what, notebook, built):
    colour = BUILT if built else TODO
    mark = "✓ " if built else ""
    return (f'<div class="microgpt-map-part" style="background:{colour};border:1px solid #999;border-radius:6px;'
            f'padding:3px 3px;width:80px;text-align:center;font-size:11px;line-height:1.3">'
            f"<b>{mark}{html.escape(name)}</b><br>{html.escape(what)}<br>"
            f'<span style="color:#555">notebook {notebook}</span></div>')


def model_map(built=()):
    """HTML: the parts of the model from token to loss, those whose keys are in `built` lit green.

    Keys: tokens, embeddings, rmsnorm, attention, mlp, logits, softmax, loss.
    """
    unknown = set(built) - {key for key, *_ in PARTS}
    if unknown:
        raise ValueError(f"unknown parts {sorted(unknown)}; the parts are {', '.join(key for key, *_ in PARTS)}")
    arrow = '<div style="align-self:center;font-size:14px;color:#777">→</div>'
    items = []
    for key, name, what, notebook in PARTS:
        box = _box(name, what, notebook, key in built)
        if key == LAYER[0]:
            items.append('<div class="microgpt-map-layer" style="display:flex;gap:2px;border:2px dashed #888;'
                         'border-radius:8px;padding:14px 4px 4px;position:relative">'
                         '<span style="position:absolute;top:0;left:6px;font-size:10px;color:#555">'
                         "a layer (× n_layer), with residuals</span>" + box + arrow)
        elif key == LAYER[-1]:
            items.append(box + "</div>")
        else:
            items.append(box)
        if key not in (LAYER[0], PARTS[-1][0]):
            items.append(arrow)
    return ('<div class="microgpt-model-map" style="display:flex;flex-wrap:wrap;gap:2px;align-items:stretch">'
            + "".join(items) + "</div>")
