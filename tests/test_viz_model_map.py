"""microgpt.viz.model_map: the map of the model from token to loss, with the parts built so far lit."""

import re

import pytest

from microgpt.viz.model_map import BUILT, PARTS, TODO, model_map


def parts_shown(html):
    """(name, lit) for each box, in order."""
    boxes = re.findall(r'class="microgpt-map-part" style="background:(#\w+);.*?<b>(?:✓ )?([^<]+)</b>', html)
    return [(name, colour == BUILT) for colour, name in boxes]


def test_every_part_is_shown_in_order_and_only_the_built_ones_are_lit():
    html = model_map({"tokens", "loss"})
    assert parts_shown(html) == [(name, key in ("tokens", "loss")) for key, name, *_ in PARTS]
    assert html.count("✓ ") == 2 and html.count(TODO) == len(PARTS) - 2


def test_attention_and_the_mlp_sit_in_one_layer_box():
    html = model_map()
    layer = html[html.index("microgpt-map-layer"):]
    layer = layer[:layer.index("logits")]
    assert "attention" in layer and "MLP" in layer and "RMSNorm" not in layer


def test_the_loss_and_sampling_both_follow_softmax_one_above_the_other():
    html = model_map()
    ends = html[html.index("flex-direction:column"):]
    assert "softmax" not in ends and ends.index("training:") < ends.index("generating:")


def test_each_part_names_the_notebook_that_first_builds_it():
    assert [n for n in re.findall(r"built in (\d\d)", model_map())] == [notebook for *_, notebook in PARTS]


def test_an_unknown_part_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match="unknown parts \\['decoder'\\]; the parts are tokens, embeddings"):
        model_map({"decoder"})
