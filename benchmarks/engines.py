"""Seconds per training step of each engine, side by side with the seed itself (from ../shared).

    make benchmark                             # runs: python -m benchmarks.engines
    python -m benchmarks.engines --steps 20    # quicker, noisier
    python -m benchmarks.engines --repeat 3    # best of 3 runs of each

Every contestant trains the seed's run (the embedded names, seed 42, the default config) in a fresh
process, twice: for a few steps, then for more. The difference of the two times over the difference
of steps is the time of one step, without Python's start-up, imports and data loading. Faster engines
train more steps, so their time stands well above start-up noise. Both wall-clock time and the
process's CPU time (user + system) are shown; the ratio to the seed uses CPU time, which other work on
the machine disturbs less. Peak memory is the longer process's maximum resident set size. numpy is
held to one thread, like the seed. This prints figures only: speed is never a pass/fail test.
"""

import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import time

from microgpt.data import embedded_names_path
from microgpt.engines import ENGINES
from tests import seed_runner  # how the tests run the seed

ROOT = pathlib.Path(__file__).resolve().parent.parent

BASE_STEPS = 5  # the shorter run of each pair
STEP_SCALE = {"seed": 1, "scalar": 1, "fast": 20, "numpy": 200}  # x --steps for the longer run
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


def train_in_a_child(contestant, steps):
    """(wall seconds, CPU seconds, peak bytes) of one process training `steps` steps; called in a worker
    process, so that the training process is the worker's only child and RUSAGE_CHILDREN is its own."""
    start = time.perf_counter()
    if contestant == "seed":
        seed_runner.run_seed(embedded_names_path(), steps=steps, samples=0)
    else:
        subprocess.run([sys.executable, "-m", "microgpt", "train", "--steps", str(steps), "--samples", "0",
                        "--engine", contestant], cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024  # Linux reports kilobytes
    return seconds, usage.ru_utime + usage.ru_stime, peak


def measure(contestant, steps):
    """Like train_in_a_child, in a fresh worker process."""
    result = subprocess.run([sys.executable, "-m", "benchmarks.engines", "--worker", contestant, str(steps)],
                            cwd=ROOT, capture_output=True, text=True, check=True, env={**os.environ, **ONE_THREAD})
    return json.loads(result.stdout)


def seconds_per_step(contestant, steps, repeat):
    """Steps timed, the best of `repeat` differenced wall and CPU times per step, the peak memory."""
    long_steps = BASE_STEPS + steps * STEP_SCALE[contestant]
    wall, cpu, peak = float("inf"), float("inf"), 0
    for _ in range(repeat):
        short_wall, short_cpu, _ = measure(contestant, BASE_STEPS)
        long_wall, long_cpu, long_peak = measure(contestant, long_steps)
        wall = min(wall, (long_wall - short_wall) / (long_steps - BASE_STEPS))
        cpu = min(cpu, (long_cpu - short_cpu) / (long_steps - BASE_STEPS))
        peak = max(peak, long_peak)
    return long_steps - BASE_STEPS, wall, cpu, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50, help="steps the seed and the scalar engine time "
                        "(the fast engine times 20x as many, numpy 200x)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each contestant; the fastest counts")
    parser.add_argument("--worker", nargs=2, metavar=("CONTESTANT", "STEPS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(train_in_a_child(args.worker[0], int(args.worker[1]))))
        return
    contestants = list(ENGINES)
    if seed_runner.SEED.exists():
        contestants.insert(0, "seed")
    else:
        print(f"the seed is not at {seed_runner.SEED} (set MICROGPT_SHARED): no ratios to it")
    print(f"training step on the embedded names, seed 42, default config; python {sys.version.split()[0]}")
    print(f"{'contestant':<11}{'steps':>7}{'wall ms/step':>14}{'cpu ms/step':>13}{'x seed (cpu)':>14}{'peak MB':>9}")
    seed_cpu = None
    for contestant in contestants:
        steps, wall, cpu, peak = seconds_per_step(contestant, args.steps, args.repeat)
        if contestant == "seed":
            seed_cpu = cpu
        ratio = f"{seed_cpu / cpu:.1f}" if seed_cpu else "-"
        print(f"{contestant:<11}{steps:>7}{wall * 1e3:>14.3f}{cpu * 1e3:>13.3f}{ratio:>14}{peak / 2**20:>9.1f}",
              flush=True)


if __name__ == "__main__":
    main()
