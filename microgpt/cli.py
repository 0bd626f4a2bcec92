"""The command line: `python -m microgpt train ...`, `python -m microgpt sample --load FILE` and
`python -m microgpt diff A B` (two runs saved with `train --save-run`).

Prints exactly the seed's lines. Any bad input is one line on stderr and exit code 2.
"""

import argparse
import gc
import math
import os
import random
import sys

from .checkpoint import load_checkpoint, save_checkpoint
from .config import num_parameters
from .data import load_docs, load_names
from .engines import ENGINES, make_model
from .runs import TOLERANCE, diff_runs, load_run, record_run
from .sample import samples
from .train import Run


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would print the whole usage; one line is enough
        raise UsageError(message)


def whole_number(text, minimum, wanted):
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise argparse.ArgumentTypeError(f"must be {wanted}, got {text}")
    return value


def positive_int(text):
    return whole_number(text, 1, "a positive integer")


def non_negative_int(text):
    return whole_number(text, 0, "0 or more")


def number(text, fits, wanted):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and fits(value)):
        raise argparse.ArgumentTypeError(f"must be {wanted}, got {text}")
    return value


def positive_number(text):
    return number(text, lambda value: value > 0, "a number > 0")


def non_negative_number(text):
    return number(text, lambda value: value >= 0, "a number >= 0")


def output_path(text):
    """Where `train --save` or `--save-run` will write: checked before training, so a typo does not cost a run."""
    folder = os.path.dirname(os.path.abspath(text))
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text} is a directory, not a file name")
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"the folder {folder} does not exist")
    return text


def build_parser():
    parser = Parser(prog="python -m microgpt", description="Train a tiny GPT on names and sample from it.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    tr = commands.add_parser("train", help="train a model (the seed's run by default)")
    tr.add_argument("--data", help="text file, one document per line (default: the embedded names)")
    tr.add_argument("--seed", type=int, default=42)
    tr.add_argument("--steps", type=positive_int, default=1000)
    tr.add_argument("--n-layer", type=positive_int, default=1)
    tr.add_argument("--n-embd", type=positive_int, default=16)
    tr.add_argument("--block-size", type=positive_int, default=16)
    tr.add_argument("--n-head", type=positive_int, default=4)
    tr.add_argument("--samples", type=non_negative_int, default=20)
    tr.add_argument("--temperature", type=positive_number, default=0.5)
    tr.add_argument("--engine", choices=ENGINES, default="scalar")
    tr.add_argument("--learning-rate", type=positive_number, default=0.01, help="Adam's starting rate")
    tr.add_argument("--no-shuffle", dest="shuffle", action="store_false",
                    help="train on the documents in the file's order")
    tr.add_argument("--no-attention-scale", dest="scale_attention", action="store_false",
                    help="do not divide the attention logits by sqrt(head size)")
    tr.add_argument("--no-rmsnorm", dest="use_rmsnorm", action="store_false", help="leave out every RMSNorm")
    tr.add_argument("--save", type=output_path, help="write a checkpoint here after training")
    tr.add_argument("--save-run", type=output_path, metavar="FILE",
                    help="write the run's record here (settings, data fingerprint, losses, samples)")
    sa = commands.add_parser("sample", help="sample from a saved checkpoint")
    sa.add_argument("--load", required=True, help="a checkpoint written by train --save")
    sa.add_argument("--samples", type=non_negative_int, default=20)
    sa.add_argument("--temperature", type=positive_number, default=0.5)
    sa.add_argument("--seed", type=int, default=42)
    sa.add_argument("--engine", choices=ENGINES, default="scalar")
    di = commands.add_parser("diff", help="compare two runs saved with train --save-run")
    di.add_argument("a", help="a run file")
    di.add_argument("b", help="another run file")
    di.add_argument("--tolerance", type=non_negative_number, default=TOLERANCE,
                    help=f"losses closer than this count as the same (default {TOLERANCE:g})")
    return parser


def print_samples(names):
    print("--- inference (new, hallucinated names) ---")
    for i, name in enumerate(names):
        print(f"sample {i + 1:2d}: {name}")


def run_train(args):
    docs = load_docs(args.data) if args.data else load_names()
    run = Run(docs, args.steps, args.seed, args.engine, args.shuffle, args.learning_rate, n_layer=args.n_layer,
              n_embd=args.n_embd, block_size=args.block_size, n_head=args.n_head, scale_attention=args.scale_attention,
              use_rmsnorm=args.use_rmsnorm)  # checks everything before a line is printed
    print(f"num docs: {len(run.docs)}")
    print(f"vocab size: {run.tokenizer.vocab_size}")
    print(f"num params: {num_parameters(run.config)}")
    end = "\r" if sys.stdout.isatty() else "\n"  # one line per step in a log, one updating line in a terminal

    def report(step, loss):
        print(f"step {step + 1:4d} / {args.steps:4d} | loss {loss:.4f}", end=end, flush=end == "\r")

    # A step's Values never refer to each other in a circle, so Python's garbage collector, which runs over a
    # hundred times a step, has nothing to free (notebook 10). This command has the process to itself, so it pauses
    # the collector while it trains: the scalar engine is about twice as fast. In Python, train() leaves it alone.
    collecting = gc.isenabled()
    gc.disable()
    try:
        run.train(report)
    finally:
        if collecting:
            gc.enable()
    if end == "\r":
        print()
    if args.save:
        meta = {"seed": args.seed, "data": args.data or "embedded names"}
        save_checkpoint(args.save, run.config, run.tokenizer, run.model.weights(), run.optimizer, run.history, meta)
    names = run.samples(args.samples, args.temperature)
    if args.save_run:
        record_run(run, names, args.temperature, args.data or "embedded names").save(args.save_run)
    print_samples(names)


def run_diff(args):
    print(diff_runs(load_run(args.a), load_run(args.b), args.tolerance))


def run_sample(args):
    checkpoint = load_checkpoint(args.load)
    model = make_model(checkpoint.config, checkpoint.weights, args.engine)
    print_samples(samples(model, checkpoint.tokenizer, random.Random(args.seed), args.samples, args.temperature))


def main(argv=None):
    try:
        args = build_parser().parse_args(argv)
        {"train": run_train, "sample": run_sample, "diff": run_diff}[args.command](args)
    except (UsageError, ValueError, OSError) as e:
        print(f"microgpt: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("microgpt: interrupted", file=sys.stderr)
        return 130
    return 0
