"""Run records and their diff: what a training run was and what it gave, kept as JSON, and two compared.

A record holds the run's settings (engine, seed, steps, shuffle, learning rate, sampling temperature and
the model's config), a fingerprint of its data, the loss of every step and its samples. `diff_runs`
says which settings differ, whether the data does, the first step whose losses differ by more than a
tolerance, the final losses and the samples side by side. The CLI saves one with `train --save-run FILE`
and compares two with `python -m microgpt diff A B`.

    a = run_experiment(load_names(), num_steps=300, engine="numpy")
    b = run_experiment(load_names(), num_steps=300, engine="numpy", learning_rate=0.1)
    print(diff_runs(a, b))
"""

from dataclasses import asdict, dataclass, field

from .jsonfile import is_finite, read_json, write_json
from .train import Run

FORMAT = "microgpt-run"
VERSION = 1
TOLERANCE = 1e-9  # losses closer than this are the same: engines differ by ~1e-13 after 1000 steps
LAST = 100  # the final loss is the mean of the last LAST steps' (one step's loss depends on its document)


class RunFileError(ValueError):
    pass


@dataclass
class RunRecord:
    settings: dict  # engine, seed, num_steps, shuffle, learning_rate, temperature, and the config's fields
    data: dict      # name, documents (how many) and sha256 (data.docs_sha256 of them, in the given order)
    history: list   # the loss of every step
    samples: list = field(default_factory=list)

    @property
    def final_loss(self):
        """The mean loss of the last LAST steps: one step's loss says more about its document than the model."""
        tail = self.history[-LAST:]
        return sum(tail) / len(tail)

    def save(self, path):
        write_json(path, {"format": FORMAT, "version": VERSION, **asdict(self)}, "run")


def record_run(run, samples=(), temperature=0.5, data_name="documents"):
    """The record of a trained `Run` and the `samples` it drew at `temperature`."""
    if not run.history:
        raise ValueError("this run has not trained yet: call run.train() first")
    settings = {"engine": run.model.engine, "seed": run.seed, "num_steps": run.num_steps, "shuffle": run.shuffle,
                "learning_rate": run.optimizer.learning_rate, "temperature": temperature, **asdict(run.config)}
    data = {"name": data_name, "documents": len(run.docs), "sha256": run.data_sha256}
    return RunRecord(settings, data, list(run.history), list(samples))


def run_experiment(docs, num_steps=1000, seed=42, engine="fast", samples=20, temperature=0.5,
                   data_name="documents", on_step=None, **settings):
    """Train a `Run` of these settings, draw `samples` names, and return its record."""
    run = Run(docs, num_steps, seed, engine, **settings)
    run.train(on_step)
    return record_run(run, run.samples(samples, temperature), temperature, data_name)


def load_run(path):
    """The RunRecord saved at `path`; anything else raises RunFileError saying what is wrong."""
    doc = read_json(path, "run file", RunFileError)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise RunFileError(f"{path} is not a microgpt run (save one with: python -m microgpt train --save-run FILE)")
    if doc.get("version") != VERSION:
        raise RunFileError(f"run file {path}: format version {doc.get('version')!r} is not supported "
                           f"(expected {VERSION})")
    try:
        record = RunRecord(doc["settings"], doc["data"], doc["history"], doc.get("samples", []))
    except KeyError as e:
        raise RunFileError(f"run file {path} has no {e.args[0]}") from None
    problem = record_problem(record)
    if problem:
        raise RunFileError(f"run file {path}: {problem}")
    return record


def record_problem(record):
    """What is wrong with a record read from a file, or None."""
    if not isinstance(record.settings, dict) or not isinstance(record.data, dict):
        return "settings and data must be JSON objects"
    if not (isinstance(record.history, list) and record.history and all(map(is_finite, record.history))):
        return "its loss history must be a non-empty list of finite numbers"
    if not (isinstance(record.samples, list) and all(isinstance(s, str) for s in record.samples)):
        return "its samples must be a list of strings"
    return None


@dataclass
class RunDiff:
    """Two runs compared: see `diff_runs`. str() is the report the CLI prints."""

    a: RunRecord
    b: RunRecord
    settings: dict         # {setting: (value in a, value in b)}, only those that differ
    same_data: bool
    first_difference: int  # the first step (from 1) whose losses differ by more than the tolerance, or None
    tolerance: float

    def loss_at(self, step):
        """The two losses of `step` (from 1)."""
        return self.a.history[step - 1], self.b.history[step - 1]

    def __str__(self):
        lines = ["settings that differ:"]
        lines += [f"  {name:<16} {a!r} | {b!r}" for name, (a, b) in self.settings.items()] or ["  none"]
        if self.same_data:
            data = self.a.data
            lines.append(f"data: the same ({data.get('name')}, {data.get('documents')} documents, "
                         f"sha256 {str(data.get('sha256'))[:12]})")
        else:
            lines.append("data: different")
            lines += [f"  {label}: {d.get('name')}, {d.get('documents')} documents, sha256 {str(d.get('sha256'))[:12]}"
                      for label, d in (("A", self.a.data), ("B", self.b.data))]
        steps = min(len(self.a.history), len(self.b.history))
        if len(self.a.history) != len(self.b.history):
            lines.append(f"steps: A {len(self.a.history)}, B {len(self.b.history)}; losses compared over the first {steps}")
        if self.first_difference is None:
            lines.append(f"losses: the same at every one of the {steps} steps (within {self.tolerance:g})")
        else:
            loss_a, loss_b = self.loss_at(self.first_difference)
            lines.append(f"losses: first differ at step {self.first_difference}: {loss_a:.6f} | {loss_b:.6f} "
                         f"(by {loss_b - loss_a:+.2e})")
        tails = dict.fromkeys([min(LAST, len(self.a.history)), min(LAST, len(self.b.history))])  # one if equal
        lines.append(f"final loss (mean of the last {' | '.join(map(str, tails))} steps): "
                     f"{self.a.final_loss:.4f} | {self.b.final_loss:.4f}")
        if self.a.samples or self.b.samples:
            lines.append("samples: A | B")
            width = max(map(len, self.a.samples), default=0)
            for i in range(max(len(self.a.samples), len(self.b.samples))):
                a = self.a.samples[i] if i < len(self.a.samples) else ""
                b = self.b.samples[i] if i < len(self.b.samples) else ""
                lines.append(f"  {i + 1:2d}  {a:<{width}} | {b}")
        return "\n".join(lines)


def diff_runs(a, b, tolerance=TOLERANCE):
    """Compare two RunRecords: settings, data, the first step whose losses differ by more than `tolerance`."""
    if not (tolerance >= 0):
        raise ValueError(f"tolerance must be a number >= 0, got {tolerance!r}")
    names = list(a.settings) + [name for name in b.settings if name not in a.settings]
    settings = {name: (a.settings.get(name), b.settings.get(name)) for name in names
                if a.settings.get(name) != b.settings.get(name)}
    first = next((step for step, (x, y) in enumerate(zip(a.history, b.history), 1) if abs(x - y) > tolerance), None)
    return RunDiff(a, b, settings, a.data.get("sha256") == b.data.get("sha256"), first, tolerance)
