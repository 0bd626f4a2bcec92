"""What the tests of the exercise checkers share: run a checker, and read the one verdict line it prints."""


def verdict(capsys, checker, *answer):
    """The checker's result and the one line it printed, which must agree."""
    ok = checker(*answer)
    line = capsys.readouterr().out.strip()
    assert "\n" not in line, "a checker prints exactly one verdict line"
    assert line.startswith("✅ Correct!" if ok else "❌ Not yet. Hint:")
    return ok, line


def accepted(capsys, checker, *answer):
    ok, line = verdict(capsys, checker, *answer)
    assert ok, line
    return True


def hint(capsys, checker, *answer):
    """The hint line of a checker that must reject `answer`."""
    ok, line = verdict(capsys, checker, *answer)
    assert not ok, line
    return line


def stub(*args):
    ...  # what a learner's unfinished `def f(...): ...` returns


def boom(*args):
    raise KeyError("oops")
