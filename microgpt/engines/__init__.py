"""Engines: the same model computed different ways. Pick one by name with `make_model`.

- scalar: the seed's `Value` graph (microgpt.model.GPT), the one the notebooks teach.
- fast:   pure Python on lists of floats with fused operations (engines/fast.py); the same numbers.
- numpy:  arrays, whole documents at once, hand-written backward (engines/numpy_engine.py); needs numpy.

Every engine builds the model from microgpt.model.parameter_shapes, so they cannot drift apart. Each
has `config`, its `engine` name, and the same methods: weights() (what checkpoints store),
train_step(tokens, optimizer) (what train() uses), new_cache() and next_token_probs() (what sample()
uses), forward() and loss(). The scalar engine's forward() and loss() return Values, the others' floats.
"""

from ..model import GPT
from .fast import FastGPT

ENGINES = ("scalar", "fast", "numpy")


def make_model(config, weights, engine="scalar"):
    """A model of `config` holding `weights` ({name: rows of floats}), computed by `engine`."""
    if engine == "scalar":
        return GPT(config, weights)
    if engine == "fast":
        return FastGPT(config, weights)
    if engine == "numpy":
        try:
            from .numpy_engine import NumpyGPT  # numpy is needed by this engine only
        except ModuleNotFoundError as e:
            if e.name != "numpy":
                raise
            raise ValueError("the numpy engine needs numpy: pip install numpy") from None
        return NumpyGPT(config, weights)
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
