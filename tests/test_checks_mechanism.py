"""utils.checks: the feedback mechanism every chapter's checks are built on."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks import (
    Feedback,
    as_array,
    as_number,
    as_words,
    close_enough,
    correct,
    exercise_check,
    is_placeholder,
    not_a_function,
    not_yet,
    one_number,
    returned_array,
    whole_pair,
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


# --- The shared readers of a learner's function and of a pair of numbers ---


def _read(function, *args, shape=(3,)):
    return returned_array(function, *args, name="my_f", shape=shape, case="3 inputs")


@pytest.mark.parametrize(
    "result",
    [
        np.array([1.0, 2.0, 3.0]),
        [1, 2, 3],
        (1.0, 2.0, 3.0),
        np.array([1, 2, 3], dtype=np.int64),
        np.array([1.0, 2.0, 3.0], dtype=np.float32),
    ],
)
def test_returned_array_accepts_arrays_lists_and_numpy_types(result):
    array = _read(lambda z: result, np.zeros(3))
    assert isinstance(array, np.ndarray) and array.dtype == float
    np.testing.assert_array_equal(array, [1.0, 2.0, 3.0])


def test_returned_array_accepts_a_tensor():
    tf = pytest.importorskip("tensorflow")
    array = _read(lambda z: tf.constant(z) + 1, np.zeros(3))
    np.testing.assert_array_equal(array, [1.0, 1.0, 1.0])


def test_returned_array_passes_the_arguments_and_any_shape_without_one():
    array = returned_array(lambda a, b: np.outer(a, b), [1, 2], [3, 4, 5], name="f")
    assert array.shape == (2, 3)


@pytest.mark.parametrize(
    ("function", "phrases"),
    [
        (0.5, ["my_f should be a function, not float", "pass your function itself"]),
        (lambda z: 1 / 0, ["for 3 inputs, my_f raised ZeroDivisionError"]),
        (lambda z: None, ["my_f returned None", "not 3 numbers", "return"]),
        (lambda z: "abc", ["for 3 inputs, my_f returned str, not 3 numbers"]),
        (lambda z: {"a": 1}, ["returned dict, not 3 numbers"]),
        (lambda z: 0.5, ["my_f returned one number, not 3 numbers", "Hint: use"]),
        (lambda z: np.zeros(4), ["my_f returned 4 numbers, not 3 numbers"]),
        (lambda z: np.zeros((3, 1)), ["returned shape (3, 1), not 3 numbers"]),
    ],
)
def test_returned_array_says_what_is_wrong(function, phrases):
    feedback = returned_array(
        function, np.zeros(3), name="my_f", shape=(3,), case="3 inputs", hint="use ."
    )
    assert isinstance(feedback, Feedback) and feedback.passed is False
    for phrase in phrases:
        assert phrase in feedback.message


def test_returned_array_names_the_expected_two_dimensional_shape():
    feedback = returned_array(lambda: np.zeros(4), name="my_f", shape=(2, 2))
    assert "my_f returned 4 numbers, not an array of shape (2, 2)." in feedback.message


def test_returned_array_reports_a_placeholder_as_not_attempted():
    for result in (..., [1.0, ..., 3.0]):
        feedback = _read(lambda z, result=result: result, np.zeros(3))
        assert feedback.passed is None and "my_f" in feedback.message


def test_not_a_function_accepts_functions_classes_and_callables():
    for value in (len, lambda: 0, np.exp, dict, check_double):
        assert not_a_function(value, "f") is None
    assert not_a_function(np.exp(1.0), "f").passed is False


@pytest.mark.parametrize(
    "value",
    [
        (111, 88),
        [111, 88],
        np.array([111, 88]),
        (111.0, 88.0),
        (np.int64(111), np.int32(88)),
        np.array([111.0, 88.0], dtype=np.float32),
        (np.array(111), np.array([88])),
    ],
)
def test_whole_pair_accepts_two_whole_numbers_in_any_form(value):
    pair = whole_pair(value)
    assert pair == (111, 88) and all(type(side) is int for side in pair)


def test_whole_pair_accepts_a_tensorflow_shape():
    tf = pytest.importorskip("tensorflow")
    assert whole_pair(tf.zeros((1, 111, 88, 3)).shape[1:3]) == (111, 88)


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        (111, "give (height, width) as two whole numbers, not 111."),
        ("111 x 88", "give (height, width) as two whole numbers, not '111 x 88'."),
        (None, "as two whole numbers, not None."),
        (np.zeros((2, 1)), "as two whole numbers"),
        ((111, 88, 3), "you gave 3 numbers, (111, 88, 3); give two, (height, width)."),
        ([111], "you gave 1 number, (111,); give two"),
        ((111.5, 88), "(height, width) should be two whole numbers, but height is"),
        ((111, "88"), "but width is '88'."),
        ((True, 88), "but height is True."),
        ((111, float("nan")), "but width is nan."),
        ((111, np.array([88, 1])), "but width is array([88,  1])."),
    ],
)
def test_whole_pair_says_what_is_wrong(value, phrase):
    feedback = whole_pair(value, hint="for example (100, 80).")
    assert isinstance(feedback, Feedback) and feedback.passed is False
    assert phrase in feedback.message
    assert feedback.message.endswith("Hint: for example (100, 80).")


def test_whole_pair_names_two_separate_answers():
    assert whole_pair((4640, 460800.0), ("parameters", "multiply_adds")) == (
        4640,
        460800,
    )
    feedback = whole_pair((4640, 4.6e5 + 0.5), ("parameters", "multiply_adds"))
    assert "(parameters, multiply_adds) should be two whole numbers" in feedback.message
    assert "but multiply_adds is 460000.5." in feedback.message


@pytest.mark.parametrize(
    "value", [0.25, 1 / 4, np.float32(0.25), np.array(0.25), np.array([0.25])]
)
def test_one_number_accepts_one_finite_number_in_any_form(value):
    assert one_number(value, "rate") == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("0.25", "rate is the text '0.25', not one number: write it without quotes."),
        ([0.25, 0.5], "rate should be one number, but it has 2 values."),
        (np.zeros(3), "rate should be one number, but it has 3 values."),
        (None, "rate should be one finite number, not None."),
        (True, "rate should be one finite number, not True."),
        (float("nan"), "rate should be one finite number, not nan."),
        (np.inf, "rate should be one finite number, not inf."),
    ],
)
def test_one_number_says_what_is_wrong(value, phrase):
    feedback = one_number(value, "rate", "for example 1 / 4.")
    assert isinstance(feedback, Feedback) and feedback.passed is False
    assert phrase in feedback.message and "Hint: for example 1 / 4." in feedback.message
