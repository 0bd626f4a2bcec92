"""The checkers' shared machinery: a Verdict shows itself as one line, and learners' functions never crash a check."""

import importlib
import pkgutil

import pytest

import microgpt.exercises
from .checker_verdicts import boom, hint, shown, stub
from microgpt.exercises.verdict import Hint, Verdict, call, checker, multiple_choice

MODULES = [importlib.import_module(f"microgpt.exercises.{module.name}")
           for module in pkgutil.iter_modules(microgpt.exercises.__path__)]
CHECKERS = {name: getattr(module, name) for module in MODULES for name in dir(module) if name.startswith("check_")}
ANSWER_IS_A_FUNCTION = ["check_novel_names", "check_build_vocab", "check_encode_with_bos", "check_decode_ids",
                        "check_bigram_probs", "check_name_nll", "check_with_temperature", "check_central_difference",
                        "check_tanh", "check_cross_entropy", "check_logit_grads", "check_layernorm",
                        "check_embed_name", "check_rmsnorm", "check_mlp_block",
                        "check_attention_weights", "check_unscaled", "check_head_output",
                        "check_adam_step", "check_uncorrected_ratio",
                        "check_position_loss", "check_lm_head_gradient",
                        "check_greedy",
                        "check_fused", "check_linear_backward", "check_node_estimate"]
ANSWER_IS_A_VALUE = ["check_hot_names", "check_novel_count", "check_highest_loss", "check_tempered_names",
                     "check_hand_gradients", "check_nearest_consonant", "check_explorer_answer",
                     "check_ten_times", "check_initial_loss",
                     "check_hand_draw", "check_memorised",
                     "check_my_experiment", "check_first_step", "check_luck"]


def test_a_verdict_is_truthy_when_right_and_one_line():
    right, wrong = Verdict(True, "Well done."), Verdict(False, "look again")
    assert right and not wrong
    assert shown(right) == "✅ Correct! Well done." and str(right) == repr(right)
    assert shown(wrong) == "❌ Not yet. Hint: look again"


def test_a_notebook_shows_a_verdict_as_its_line_in_text_plain_only():
    formatters = pytest.importorskip("IPython.core.formatters")
    data, metadata = formatters.DisplayFormatter().format(Verdict(False, "look again"))
    assert data == {"text/plain": "❌ Not yet. Hint: look again"}


def test_a_checker_praises_unless_it_raises_a_hint():
    @checker("Well done.")
    def check_positive(x):
        if x <= 0:
            raise Hint("more than 0, please")

    assert shown(check_positive(1)) == "✅ Correct! Well done."
    assert shown(check_positive(0)) == "❌ Not yet. Hint: more than 0, please"
    assert check_positive.__name__ == "check_positive"


def test_call_says_why_there_is_nothing_to_check():
    assert call(len, [1, 2]) == 2
    for function, words in [(stub, "returns None"), (boom, "raised KeyError: 'oops'"), (3, "without parentheses")]:
        with pytest.raises(Hint, match=words):
            call(function)
    with pytest.raises(Hint, match=r"raised ZeroDivisionError: division by zero \(x is 0\)$"):
        call(lambda x: 1 / x, 0, notes={"ZeroDivisionError": "x is 0", "KeyError": "not this one"})


def test_a_multiple_choice_answer_is_asked_for_spelled_freely_and_each_wrong_letter_has_its_hint():
    @checker("Right.")
    def check_question(answer=...):
        multiple_choice(answer, "answer", "the number is right", ("a", "b", "c"), {"a": "not a", "c": "not c"})

    assert shown(check_question("b")) == shown(check_question(" (B) ")) == "✅ Correct! Right."
    expected = 'the number is right; now answer the question: set `answer` to the letter of your answer, e.g. answer = "a"'
    assert hint(check_question) == hint(check_question, None) == expected
    assert hint(check_question, "d") == 'answer with one of the letters a, b, c, e.g. answer = "a"'
    assert hint(check_question, "a") == "not a" and hint(check_question, "(c)") == "not c"


def test_every_checker_is_tested_here():
    assert sorted(CHECKERS) == sorted(ANSWER_IS_A_FUNCTION + ANSWER_IS_A_VALUE)


@pytest.mark.parametrize("name", ANSWER_IS_A_FUNCTION)
def test_unfinished_failing_or_missing_functions_get_a_hint_and_nothing_is_printed(name, capsys):
    checker = CHECKERS[name]
    assert "returns None" in hint(checker, stub)
    assert "raised KeyError" in hint(checker, boom)
    assert "pass the function itself" in hint(checker, ...)
    assert "without parentheses" in hint(checker, None)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("name", ANSWER_IS_A_VALUE)
def test_an_untouched_answer_gets_a_hint(name):
    untouched = {"check_hand_gradients": (None, None), "check_tempered_names": (..., ...)}.get(name, (...,))
    hint(CHECKERS[name], *untouched)
