"""Engines: the same model computed different ways, all following the contract in engines/base.py.

- scalar: the seed's `Value` graph (microgpt.model.GPT), the one the notebooks teach.
- fast:   pure Python on lists of floats with fused operations (engines/fast.py); the same numbers.
- numpy:  arrays, whole documents at once, hand-written backward (engines/numpy_engine.py); needs numpy.

Every engine builds the model from microgpt.config.parameter_shapes, so they cannot drift apart.
"""

ENGINES = ("scalar", "fast", "numpy")


def make_model(config, weights, engine="scalar"):
    """A model of `config` (a GPTConfig) holding `weights` ({name: rows of floats}), computed by `engine`."""
    if engine == "scalar":
        from ..model import GPT  # imported here: model.py itself builds on engines/base.py
        return GPT(config, weights)
    if engine == "fast":
        from .fast import FastGPT
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
