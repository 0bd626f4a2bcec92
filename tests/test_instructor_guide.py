"""docs/instructor_guide.md: its common mistakes are the checkers' own (scripts/write_instructor_guide.py, which
reads them with scripts/checker_hints.py), and every lesson has its section, with its minutes as ranges."""

import re
import runpy

import nbformat
import pytest

from .seed_runner import ROOT

writer = runpy.run_path(str(ROOT / "scripts" / "write_instructor_guide.py"))
hints = writer["hints"]
Message = hints["Message"]
GUIDE = writer["GUIDE"]
SECTIONS = ["Minutes", "Builds on", "Run live", "Where to break", "Key questions", "Watch for", "Common mistakes"]
RANGE = r"(\d+)–(\d+)"

NEW_CHECKER = '''
from microgpt.exercises.verdict import Hint, call, checker, multiple_choice, reject

TABLE = [(0, "a hint from a table")]
CHOICES = {"a": "the right one", "b": "a wrong one"}
WRONG_CHOICES = {"b": "a hint for (b)"}


def helper(name):
    raise Hint(f"{name} is wrong, says a helper")


@checker("praise")
def check_new(function, letter=None):
    value = call(function, 1, notes={"ZeroDivisionError": "a note on dividing by zero"})
    if value is True:
        raise Hint("a new mistake")
    helper("the value")
    reject(value, [(wrong, hint) for wrong, hint in TABLE], otherwise=f"not {value} yet", same=int.__eq__)
    multiple_choice(letter, "letter", "the value is right", CHOICES, WRONG_CHOICES)
'''


@pytest.fixture(scope="module")
def generated():
    return writer["blocks"]()


@pytest.fixture(scope="module")
def guide():
    return GUIDE.read_text()


def lesson_sections(guide):
    """{lesson stem: the text of its section, from its heading `## NN — Title` to the next `## `}."""
    found = {}
    for lesson in writer["lessons"]():
        title = nbformat.read(lesson, as_version=4).cells[0].source.splitlines()[0].removeprefix("# ")
        match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", guide, re.MULTILINE | re.DOTALL)
        assert match, f"the guide has no section `## {title}`"
        found[lesson.stem] = match.group(1)
    return found


def test_the_guide_is_in_step_with_the_checkers(generated, guide):
    assert writer["stale"](guide, generated) == []
    writer["main"](["--check"])  # and the check mode agrees


def test_every_checker_a_lesson_calls_has_its_recognised_mistakes_in_the_guide(generated):
    modules = {}
    for lesson in writer["lessons"]():
        found = writer["exercises"](lesson)
        assert found, lesson.name
        for _, name, module in found:
            if module not in modules:
                modules[module] = hints["checker_messages"](module)
            messages = modules[module][name].messages
            assert any(m.when != "otherwise" for m in messages), f"{name} recognises no mistake"
            assert f"`{name}`" in generated[lesson.stem]
            assert all(writer["markdown"](m.text) in generated[lesson.stem] for m in messages)


def test_the_extraction_finds_every_kind_of_hint_added_to_a_checker(tmp_path):
    module = tmp_path / "new_topic.py"
    module.write_text(NEW_CHECKER)
    checker = hints["checker_messages"](module)["check_new"]
    assert checker.praise == "praise"
    assert checker.messages == (
        Message("raises ZeroDivisionError", "a note on dividing by zero"),
        Message(None, "a new mistake"),
        Message(None, "the value is wrong, says a helper"),
        Message(None, "a hint from a table"),
        Message("otherwise", "not … yet"),
        Message("answers (b) “a wrong one”", "a hint for (b)"),
    )


def test_a_hint_the_extraction_cannot_follow_stops_it_with_its_line(tmp_path):
    module = tmp_path / "new_topic.py"
    module.write_text(NEW_CHECKER.replace('raise Hint("a new mistake")', "raise Hint(message_from_elsewhere())"))
    with pytest.raises(hints["Unreadable"], match=r"new_topic.py:\d+: cannot read the messages of this Hint"):
        hints["checker_messages"](module)


def test_a_checker_with_a_new_hint_makes_its_block_stale_until_rewritten(generated, guide):
    changed = {**generated, "03_autograd": generated["03_autograd"].replace(
        writer["CLOSING"], "- a hint just added\n" + writer["CLOSING"])}
    assert writer["stale"](guide, changed) == ["03_autograd"]
    assert writer["stale"](writer["rewrite"](guide, changed), changed) == []
    with pytest.raises(SystemExit, match="no block for 12_new"):
        writer["rewrite"](guide, {**generated, "12_new": "<!-- mistakes 12_new -->"})


def test_the_general_block_has_verdicts_own_hints_once(generated):
    general = generated[writer["GENERAL"]]
    assert "pass the function itself" in general and "returns None" in general
    assert not any("pass the function itself" in block for name, block in generated.items() if name != "general")


def test_every_lesson_has_its_sections_and_its_minutes_as_ranges(guide):
    for stem, section in lesson_sections(guide).items():
        headings = re.findall(r"^### (.+)$", section, re.MULTILINE)
        assert headings == SECTIONS, stem
        for what in ("Self-study", "In class"):
            low, high = map(int, re.search(rf"^- {what}: {RANGE} min", section, re.MULTILINE).groups())
            assert 0 < low < high, (stem, what)


def test_the_table_at_a_glance_agrees_with_the_sections(guide):
    rows = {match[0]: match[1:] for match in re.findall(
        rf"^\| \[(\d\d) — [^]]+\]\(#[^)]+\) \| [^|]+ \| {RANGE} \| {RANGE} \| (\d+) \((\d+) checks?\) \|$",
        guide, re.MULTILINE)}
    assert sorted(rows) == [lesson.stem[:2] for lesson in writer["lessons"]()]
    for stem, section in lesson_sections(guide).items():
        minutes = [re.search(rf"^- {what}: {RANGE} min", section, re.MULTILINE).groups()
                   for what in ("Self-study", "In class")]
        found = writer["exercises"](ROOT / "notebooks" / f"{stem}.ipynb")
        assert rows[stem[:2]] == (*minutes[0], *minutes[1], str(len({e for e, _, _ in found})), str(len(found))), stem
