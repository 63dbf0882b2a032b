"""utils.checks: the feedback mechanism every chapter's checks are built on."""

from __future__ import annotations

import numpy as np

from utils.checks import (
    Feedback,
    as_array,
    as_number,
    as_words,
    close_enough,
    correct,
    exercise_check,
    is_placeholder,
    not_yet,
)


@exercise_check
def check_double(function):
    if function(3) == 6:
        return correct("doubles")
    return not_yet("does not double 3", "multiply by 2")


def test_a_right_answer_passes_and_is_printed(capsys):
    feedback = check_double(lambda x: 2 * x)
    assert feedback.passed is True
    assert capsys.readouterr().out.startswith("✅ Correct! doubles")


def test_a_wrong_answer_fails_with_a_hint(capsys):
    feedback = check_double(lambda x: x + 2)
    assert feedback.passed is False
    out = capsys.readouterr().out
    assert "❌ Not yet: does not double 3" in out and "Hint: multiply by 2" in out


def test_a_placeholder_is_not_attempted(capsys):
    feedback = check_double(...)
    assert feedback.passed is None
    assert "Not attempted yet" in capsys.readouterr().out


def test_an_error_in_learner_code_becomes_feedback_not_a_traceback(capsys):
    def broken(x):
        return x / 0

    feedback = check_double(broken)
    assert feedback.passed is False
    out = capsys.readouterr().out
    assert "ZeroDivisionError" in out and "Traceback" not in out


def test_feedback_is_not_displayed_twice_in_jupyter():
    assert Feedback(True, "x")._ipython_display_() is None


def test_placeholder_detection():
    assert is_placeholder(...)
    assert is_placeholder([1, ...])
    assert is_placeholder({"a": ...})
    assert is_placeholder(np.array([1, ...], dtype=object))
    assert not is_placeholder(np.zeros(3))
    assert not is_placeholder(0)


def test_close_enough_needs_the_same_shape():
    assert close_enough([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]))
    assert not close_enough([1.0, 2.0], [[1.0, 2.0]])


def test_whole_number_accepts_whole_values_only():
    from utils.checks import whole_number

    whole = [(8, 8), (8.0, 8), (np.int64(8), 8), (np.array(8.0), 8), (np.array([8]), 8)]
    for value, expected in whole:
        assert whole_number(value) == expected
    for value in [8.5, "8", True, np.True_, None, [8], np.array([8, 9]), float("inf")]:
        assert whole_number(value) is None


def test_as_number_reads_every_spelling_of_one_number():
    for value in (43, 43.0, np.int64(43), np.float32(43), np.array(43), np.array([43])):
        assert as_number(value) == 43.0
    assert as_number(np.array([[0.5]])) == 0.5


def test_as_number_refuses_what_is_not_one_number():
    not_numbers = (
        True,
        np.bool_(False),
        "43",
        None,
        [43],
        [1, 2],
        np.array([1.0, 2.0]),
        float("nan"),
        {"a": 1},
        ...,
    )
    for value in not_numbers:
        assert as_number(value) is None, value


def test_as_array_reads_lists_arrays_and_tensor_like_values():
    class FakeTensor:
        def numpy(self):
            return np.array([[1, 2], [3, 4]])

    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    for value in (
        [[1, 2], [3, 4]],
        ((1, 2), (3, 4)),
        expected.astype(int),
        FakeTensor(),
    ):
        array = as_array(value, shape=(2, 2))
        assert array is not None and array.dtype == float
        np.testing.assert_array_equal(array, expected)
    assert as_array([[1, 2], [3, 4]], shape=(4,)) is None
    for value in ("1 2", None, [True, False], [[1, 2], [3]], {"x": 1}):
        assert as_array(value) is None, value


def test_as_words_normalises_case_spacing_and_punctuation():
    assert (
        as_words("  Convolutional-Neural  Network! ") == "convolutional neural network"
    )
    assert as_words("CNN") == "cnn"
    assert as_words("  ?! ") is None
    assert as_words(3) is None


def test_close_enough_refuses_unreadable_answers():
    assert close_enough(np.float32(0.5), 0.5)
    assert not close_enough("0.5", 0.5)
    assert not close_enough(None, 0.5)


def test_evaluate_gives_the_same_verdict_without_printing(capsys):
    assert check_double.evaluate(lambda x: 2 * x).passed is True
    assert check_double.evaluate(lambda x: x + 2).passed is False
    assert check_double.evaluate(...).passed is None
    assert "ZeroDivisionError" in check_double.evaluate(lambda x: x / 0).message
    assert capsys.readouterr().out == ""


def test_recording_uses_the_genuine_check_not_a_patched_one():
    # In a process of its own: recording reloads utils.checks, which must not
    # swap classes under the other tests of this process.
    import subprocess
    import sys

    script = """
import utils.checks.neurons as neurons
from utils.checks import correct, exercise_check
from utils.checks.recording import verdict
neurons.check_parameter_count = exercise_check(lambda answer: correct("fake"))
namespace = {"wrong": 40, "right": 43, "check_parameter_count": print}
print(verdict("neurons", "check_parameter_count", "check_parameter_count(wrong)", namespace)[0])
print(verdict("neurons", "check_parameter_count", "check_parameter_count(right)", namespace)[0])
print(verdict("neurons", "check_parameter_count", "check_parameter_count(...)", namespace)[0])
print(verdict("neurons", "check_parameter_count", "check_parameter_count(nothing)", namespace)[0])
"""
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert run.stdout.split() == ["not", "yet", "passed", "not", "attempted", "error"]
