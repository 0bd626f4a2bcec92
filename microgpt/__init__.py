"""microgpt: the seed's GPT, from a single scalar up, as a small package.

Data flows one way: text -> docs -> Tokenizer -> GPT(config, weights) -> train(Adam) -> checkpoint
-> sample, and a run's record -> the diff of two runs (microgpt.runs). The core uses the Python standard
library only; `microgpt.viz` holds the visual tools and `microgpt.exercises` the notebooks' self-checks.
"""

from .autograd import Value, topological_order, zero_grad
from .checkpoint import (Checkpoint, CheckpointError, load_checkpoint, load_shipped, save_checkpoint,
                         shipped_checkpoint_path)
from .config import GPTConfig, init_weights, num_parameters, parameter_shapes
from .data import docs_sha256, download_seed_names, embedded_names_path, load_docs, load_names, load_words
from .engines import ENGINES, make_model
from .model import GPT, linear, relu, rmsnorm, softmax
from .optim import Adam
from .runs import RunDiff, RunFileError, RunRecord, diff_runs, load_run, record_run, run_experiment
from .sample import SampleStep, pick_token, sample, sample_steps, samples
from .tokenizer import Tokenizer
from .train import Run, train

__all__ = [
    "Value", "topological_order", "zero_grad",
    "Checkpoint", "CheckpointError", "load_checkpoint", "load_shipped", "save_checkpoint",
    "shipped_checkpoint_path",
    "GPTConfig", "init_weights", "num_parameters", "parameter_shapes",
    "docs_sha256", "download_seed_names", "embedded_names_path", "load_docs", "load_names", "load_words",
    "ENGINES", "make_model",
    "GPT", "linear", "relu", "rmsnorm", "softmax",
    "Adam", "RunDiff", "RunFileError", "RunRecord", "diff_runs", "load_run", "record_run", "run_experiment",
    "SampleStep", "pick_token", "sample", "sample_steps", "samples", "Tokenizer", "Run", "train",
]
