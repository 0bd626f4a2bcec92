"""Train the checkpoint that ships in microgpt/assets/: the seed's run on the embedded names.

Default config, seed 42, 1000 steps, exactly what `python -m microgpt train --save FILE` does, with
the loss history and Adam state kept. Notebooks load it instead of retraining; a test re-trains it
and checks that it is what the package produces.

    python scripts/train_shipped_checkpoint.py [--engine fast]
"""

import argparse
import sys

from microgpt.checkpoint import shipped_checkpoint_path
from microgpt.cli import main
from microgpt.engines import ENGINES

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--engine", choices=ENGINES, default="scalar")
args = parser.parse_args()
sys.exit(main(["train", "--seed", "42", "--steps", "1000", "--samples", "20",
               "--engine", args.engine, "--save", shipped_checkpoint_path()]))
