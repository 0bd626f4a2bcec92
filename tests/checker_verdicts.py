"""What the tests of the exercise checkers share: the line a verdict shows, and answers every checker meets."""

from microgpt.exercises.verdict import Verdict


def shown(verdict):
    """The one line a notebook shows for a checker's verdict."""
    assert isinstance(verdict, Verdict), f"a checker returns a Verdict, not {verdict!r}"
    line = repr(verdict)
    assert "\n" not in line, "a verdict is one line"
    return line


def accepted(checker, *answer):
    verdict = checker(*answer)
    assert verdict and shown(verdict).startswith("✅ Correct! "), shown(verdict)
    return True


def hint(checker, *answer):
    """The hint of a checker that must reject `answer` (its line without "❌ Not yet. Hint: ")."""
    verdict = checker(*answer)
    assert not verdict and shown(verdict).startswith("❌ Not yet. Hint: "), shown(verdict)
    return shown(verdict).removeprefix("❌ Not yet. Hint: ")


def stub(*args):
    ...  # what a learner's unfinished `def f(...): ...` returns


def boom(*args):
    raise KeyError("oops")
