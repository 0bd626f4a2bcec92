"""Engines: the same model computed different ways. Pick one by name with `make_model`.

- scalar: the seed's `Value` graph (microgpt.model.GPT), the one the notebooks teach.
"""

from ..model import GPT

ENGINES = ("scalar",)


def make_model(config, weights, engine="scalar"):
    """A model of `config` holding `weights` ({name: rows of floats}), computed by `engine`."""
    if engine == "scalar":
        return GPT(config, weights)
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
