"""A map of the model: the path from a token to the loss, one box per part, the parts built so far lit.

`model_map(built)` is the pure function: HTML, so a notebook shows it with IPython's `HTML` and nbval
compares it as text. Each box names the notebook that first builds its part. The probabilities at the
end are used two ways, stacked at the right: training scores them (the loss), generating draws from them.
"""

import html

# (key, name, what it does, the notebook that first builds it), in the order a token flows through them
PARTS = [
    ("tokens", "token id", "a character as a number", "01"),
    ("embeddings", "embeddings", "wte[token] + wpe[position]", "05"),
    ("rmsnorm", "RMSNorm", "rescale to a steady size", "04"),
    ("attention", "attention", "look back at earlier letters", "06"),
    ("mlp", "MLP", "linear, ReLU, linear", "04"),
    ("logits", "logits", "lm_head: one score per token", "04"),
    ("softmax", "softmax", "scores to probabilities", "04"),
    ("loss", "loss", "training: −log p(the real next token)", "02"),
    ("sample", "sample", "generating: draw the next token", "09"),
]
LAYER = ("attention", "mlp")  # the parts of one layer: the GPT stacks n_layer of them, each with a residual
ENDS = ("loss", "sample")  # what the probabilities are for: both follow softmax, one above the other
BUILT, TODO = "#d4edda", "#f1f1f1"  # green for a part already built, grey for one still to come
ARROW = '<div style="align-self:center;font-size:14px;color:#777">→</div>'


def _box(name, what, notebook, built):
    colour = BUILT if built else TODO
    mark = "✓ " if built else ""
    return (f'<div class="microgpt-map-part" style="background:{colour};border:1px solid #999;border-radius:6px;'
            f'padding:3px 3px;width:80px;text-align:center;font-size:11px;line-height:1.3">'
            f"<b>{mark}{html.escape(name)}</b><br>{html.escape(what)}<br>"
            f'<span style="color:#555">built in {notebook}</span></div>')


def model_map(built=()):
    """HTML: the parts of the model from token to loss (and sample), those whose keys are in `built` lit green.

    Keys: tokens, embeddings, rmsnorm, attention, mlp, logits, softmax, loss, sample.
    """
    unknown = set(built) - {key for key, *_ in PARTS}
    if unknown:
        raise ValueError(f"unknown parts {sorted(unknown)}; the parts are {', '.join(key for key, *_ in PARTS)}")
    boxes = {key: _box(name, what, notebook, key in built) for key, name, what, notebook in PARTS}
    layer = ('<div class="microgpt-map-layer" style="display:flex;gap:2px;border:2px dashed #888;'
             'border-radius:8px;padding:14px 4px 4px;position:relative">'
             '<span style="position:absolute;top:0;left:6px;font-size:10px;color:#555">'
             "a layer (× n_layer), with residuals</span>" + ARROW.join(boxes[key] for key in LAYER) + "</div>")
    ends = '<div style="display:flex;flex-direction:column;gap:2px">' + "".join(boxes[key] for key in ENDS) + "</div>"
    path = [boxes["tokens"], boxes["embeddings"], boxes["rmsnorm"], layer, boxes["logits"], boxes["softmax"], ends]
    return ('<div class="microgpt-model-map" style="display:flex;flex-wrap:wrap;gap:2px;align-items:stretch">'
            + ARROW.join(path) + "</div>")
