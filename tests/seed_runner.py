"""Run the seed itself (../shared/seed/microgpt.py) as the specification to compare against.

The seed is never copied into the project: it is read from ../shared at test time, its constants
are substituted in a temporary folder, and its printed lines are returned.

    python -m tests.seed_runner   # records tests/reference/seed42_embedded_1000steps.txt (~8 min)
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = pathlib.Path(os.environ.get("MICROGPT_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "seed" / "microgpt.py"
SEED_NAMES = SHARED / "data" / "names.txt"
SHARED_REFERENCE = SHARED / "reference" / "seed42_names_1000steps.txt"  # the seed's run on SEED_NAMES
EMBEDDED_REFERENCE = ROOT / "tests" / "reference" / "seed42_embedded_1000steps.txt"

# tests that need ../shared skip without it, saying so (EMBEDDED_REFERENCE still checks parity then)
SHARED_FOUND = all(path.exists() for path in (SEED, SEED_NAMES, SHARED_REFERENCE))
needs_shared = pytest.mark.skipif(not SHARED_FOUND, reason=f"the seed, its names.txt or its recorded run is not "
                                                           f"in {SHARED} (set MICROGPT_SHARED)")

# the seed's line for each setting, as a pattern with one group for the value
SETTINGS = {
    "seed": r"^random\.seed\((\d+)\)",
    "n_layer": r"^n_layer = (\d+)",
    "n_embd": r"^n_embd = (\d+)",
    "block_size": r"^block_size = (\d+)",
    "n_head": r"^n_head = (\d+)",
    "steps": r"^num_steps = (\d+)",
    "temperature": r"^temperature = ([\d.]+)",
    "samples": r"^for sample_idx in range\((\d+)\)",
}


def output_lines(text):
    """Printed lines, whether they ended in '\\n' or (the seed's progress line) '\\r'."""
    return [line for line in re.split(r"[\r\n]", text) if line]


def recorded_run(path):
    """The lines of a recorded seed run (seed 42, 1000 steps, 20 samples), checked to be whole."""
    lines = output_lines(pathlib.Path(path).read_text())
    assert len(lines) == 3 + 1000 + 1 + 20, f"{path} is not a whole 1000-step run"
    return lines


class Background:
    """A command running in another process from now on, so that a long run overlaps the other tests."""

    def __init__(self, command, cwd=ROOT, folder=None):
        self.folder = folder  # a temporary folder of the command's, removed by stop()
        self.stdout = tempfile.TemporaryFile("w+")
        self.process = subprocess.Popen(command, stdout=self.stdout, stderr=subprocess.PIPE, text=True, cwd=cwd)
        self.text = None

    def output(self, timeout=3600):
        """What it printed, once it has finished without an error (kept: later calls return it again)."""
        if self.text is None:
            _, stderr = self.process.communicate(timeout=timeout)
            assert self.process.returncode == 0, stderr
            self.stdout.seek(0)
            self.text = self.stdout.read()
        return self.text

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stdout.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_cli(args):
    """`python -m microgpt ARGS`, started in the background."""
    return Background([sys.executable, "-m", "microgpt", *args])


def seed_source(**settings):
    source = SEED.read_text()
    for name, value in settings.items():
        pattern = re.compile(SETTINGS[name], re.MULTILINE)
        match = pattern.search(source)
        assert match and len(pattern.findall(source)) == 1, f"the seed has no single line for {name}"
        start, end = match.span(1)
        source = source[:start] + str(value) + source[end:]
    return source


def start_seed(data, **settings):
    """The seed, with `settings` substituted, started in the background on `data` (a path, or the bytes of a file)."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="seed-"))
    (folder / "input.txt").write_bytes(data if isinstance(data, bytes) else pathlib.Path(data).read_bytes())
    (folder / "seed.py").write_text(seed_source(**settings))
    return Background([sys.executable, "seed.py"], cwd=folder, folder=folder)


def run_seed(data, timeout=3600, **settings):
    """The seed's printed lines when trained on `data` (a path, or bytes) with `settings` substituted."""
    run = start_seed(data, **settings)
    try:
        return output_lines(run.output(timeout))
    finally:
        run.stop()


if __name__ == "__main__":
    from microgpt.data import embedded_names_path
    lines = run_seed(embedded_names_path(), seed=42)
    EMBEDDED_REFERENCE.write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} lines -> {EMBEDDED_REFERENCE}")
