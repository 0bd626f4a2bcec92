"""Experiments on the numpy engine: how long a grid of runs takes, and how far the engine goes.

    python -m benchmarks.experiments                # the 8-run grid, then 5000 steps of a bigger model (~30 s)
    python -m benchmarks.experiments --steps 2000   # the bigger model for fewer steps
    python -m benchmarks.experiments --n-layer 2 --n-embd 32

The grid is notebook 11's kind of experiment: the default run and seven runs that each change one of its
settings (1 and 16 heads, block size 4, without the scale, without RMSNorm, without shuffling, ten times the
learning rate), 1000 steps each on the embedded names with 20 names drawn, one after the other in this
process. Then a bigger model (by default 4 layers x 64 wide, block size 16, at the seed's learning rate and at
0.003) trains for --steps steps beside the default model for as many: seconds, ms per step, the final loss (the
mean of the last 100 steps) and the loss on notebook 11's unseen names (the last 500 of the shuffled names but
those among the 1000 most popular: 486 names that none of these runs reads). numpy is held to one thread, as in
benchmarks/engines.py. This prints figures only: speed is never a pass/fail test.
"""

import argparse
import os
import sys
import time

from benchmarks.engines import ONE_THREAD

assert "numpy" not in sys.modules, "the thread limit must be set before numpy is imported"
os.environ.update(ONE_THREAD)

from microgpt import Run, load_names, num_parameters, run_experiment  # noqa: E402 (after the thread limit)

GRID = {"default": {}, "n_head=1": {"n_head": 1}, "n_head=16": {"n_head": 16}, "block_size=4": {"block_size": 4},
        "no attention scale": {"scale_attention": False}, "no RMSNorm": {"use_rmsnorm": False},
        "no shuffle": {"shuffle": False}, "learning_rate=0.1": {"learning_rate": 0.1}}
UNSEEN, POPULAR = 500, 1000  # notebook 11's unseen names: the last 500 shuffled, but the 1000 most popular


def grid(names):
    """Run every experiment of GRID; print the seconds and final loss of each, then the total."""
    print(f"experiment grid: {len(GRID)} runs of 1000 steps on the numpy engine, 20 names each, one after the other")
    print(f"{'run':<22}{'seconds':>8}{'final loss':>12}")
    total = 0.0
    for label, settings in GRID.items():
        start = time.perf_counter()
        record = run_experiment(names, engine="numpy", **settings)
        seconds = time.perf_counter() - start
        total += seconds
        print(f"{label:<22}{seconds:>8.2f}{record.final_loss:>12.4f}", flush=True)
    print(f"{f'all {len(GRID)}':<22}{total:>8.2f}")


def unseen_loss(run, names):
    unseen = [name for name in run.docs[-UNSEEN:] if name not in names[:POPULAR]]
    return sum(run.model.loss(run.tokenizer.encode_doc(name)) for name in unseen) / len(unseen)


def bigger(names, steps, n_layer, n_embd, learning_rates):
    """Train the default model and a bigger one (at each of `learning_rates`) for `steps` steps; print what each
    cost and reached."""
    print(f"\nthe default model and a bigger one, {steps} steps each on the numpy engine")
    print(f"{'model':<22}{'learning rate':>15}{'parameters':>12}{'seconds':>9}{'ms/step':>9}{'final loss':>12}"
          f"{'unseen names':>14}")
    runs = [("default (1 x 16)", {})]
    runs += [(f"{n_layer} layers x {n_embd} wide", dict(n_layer=n_layer, n_embd=n_embd, learning_rate=rate))
             for rate in learning_rates]
    for label, settings in runs:
        run = Run(names, steps, engine="numpy", **settings)
        start = time.perf_counter()
        run.train()
        seconds = time.perf_counter() - start
        final = sum(run.history[-100:]) / len(run.history[-100:])
        print(f"{label:<22}{run.optimizer.learning_rate:>15g}{num_parameters(run.config):>12,}{seconds:>9.1f}"
              f"{seconds / steps * 1e3:>9.2f}{final:>12.4f}{unseen_loss(run, names):>14.4f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5000, help="steps of the bigger model and the default beside it")
    parser.add_argument("--n-layer", type=int, default=4)
    parser.add_argument("--n-embd", type=int, default=64)
    parser.add_argument("--learning-rates", type=lambda text: [float(x) for x in text.split(",")],
                        default=[0.01, 0.003],
                        help="Adam's starting rates for the bigger model, comma-separated (default 0.01,0.003)")
    parser.add_argument("--no-grid", dest="grid", action="store_false", help="skip the 8-run grid")
    args = parser.parse_args()
    names = load_names()
    print(f"python {sys.version.split()[0]}, numpy held to one thread")
    if args.grid:
        grid(names)
    bigger(names, args.steps, args.n_layer, args.n_embd, args.learning_rates)


if __name__ == "__main__":
    main()
