"""Chapter 8's checks accept the solutions and reject typical wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks.training_cnns import (
    check_confusion_metrics,
    check_conv_layer_cost,
    check_invariance_statements,
    check_shift_digit,
    exercise_confusion_matrix,
)

# ---------------------------------------------------------------- layer cost


def test_cost_accepts_the_solution_in_several_spellings(capsys):
    assert check_conv_layer_cost((3 * 3 * 16 + 1) * 32, 10 * 10 * 32 * 144).passed
    assert check_conv_layer_cost(4640.0, np.int64(460_800)).passed
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("parameters", "multiply_adds"),
    [
        (np.float64(4640.0), 460_800.0),
        (np.array(4640), np.array([460_800.0])),
        (np.array([4640.0]), np.int32(460_800)),
    ],
)
def test_cost_reads_floats_and_arrays_as_numbers(parameters, multiply_adds):
    assert check_conv_layer_cost(parameters, multiply_adds).passed


def test_cost_rejects_wrong_floats_and_arrays():
    assert check_conv_layer_cost(4608.0, 460_800.0).passed is False
    assert (
        check_conv_layer_cost(np.array([4640.0]), np.array(294_912.0)).passed is False
    )
    assert check_conv_layer_cost(np.array([4640, 4640]), 460_800).passed is False


@pytest.mark.parametrize(
    ("parameters", "multiply_adds", "phrase"),
    [
        (4608, 460_800, "not the biases"),
        (320, 460_800, "3 x 3 x 16"),
        (288, 460_800, "as deep as its input"),
        (145, 460_800, "32 kernels"),
        (464_000, 460_800, "shared"),
        (1234, 460_800, "not right"),
        (4640, 294_912, "'valid' padding"),
        (4640, 115_200, "5 x 5"),
        (4640, 14_400, "one kernel"),
        (4640, 28_800, "3 x 3 x 16"),
        (4640, 464_000, "bias"),
        (4640, 4640, "number of parameters"),
        (4640, 1, "not right"),
        ("4640", 460_800, "whole numbers"),
        ([4640], 460_800, "whole numbers"),
        (4640, 460_800.5, "whole numbers"),
        (True, 460_800, "whole numbers"),
    ],
)
def test_cost_rejects_typical_mistakes(parameters, multiply_adds, phrase, capsys):
    feedback = check_conv_layer_cost(parameters, multiply_adds)
    assert feedback.passed is False
    assert phrase in feedback.message
    assert "❌" in capsys.readouterr().out


def test_cost_reports_a_placeholder_as_not_attempted():
    assert check_conv_layer_cost(..., ...).passed is None
    assert check_conv_layer_cost(4640, ...).passed is None


# ---------------------------------------------------------------- shift


def solution(image, rows, columns):
    shifted = np.zeros_like(image)
    height, width = image.shape
    if abs(rows) >= height or abs(columns) >= width:
        return shifted
    source_rows = slice(max(0, -rows), height - max(0, rows))
    target_rows = slice(max(0, rows), height - max(0, -rows))
    source_columns = slice(max(0, -columns), width - max(0, columns))
    target_columns = slice(max(0, columns), width - max(0, -columns))
    shifted[target_rows, target_columns] = image[source_rows, source_columns]
    return shifted


def test_shift_accepts_the_solution_and_a_scipy_version():
    from scipy import ndimage

    assert check_shift_digit(solution).passed

    def with_scipy(image, rows, columns):
        return ndimage.shift(image, (rows, columns), order=0, mode="constant")

    assert check_shift_digit(with_scipy).passed


def test_shift_accepts_a_list_or_a_tensor():
    import tensorflow as tf

    assert check_shift_digit(lambda im, r, c: solution(im, r, c).tolist()).passed
    assert check_shift_digit(lambda im, r, c: tf.constant(solution(im, r, c))).passed


def test_shift_check_keeps_its_own_image():
    """A function that writes into the image it is given cannot fool the check."""

    def scribbles_then_solves(image, rows, columns):
        result = solution(image, rows, columns)
        image += 1  # changes only the learner's copy
        return result

    feedback = check_shift_digit(scribbles_then_solves)
    assert feedback.passed is False
    assert "changed the image" in feedback.message
    assert check_shift_digit(solution).passed


def wrapping(image, rows, columns):
    return np.roll(image, (rows, columns), axis=(0, 1))


def wrong_way(image, rows, columns):
    return solution(image, -rows, -columns)


def swapped(image, rows, columns):
    return solution(image, columns, rows)


def in_place(image, rows, columns):
    image[...] = solution(image, rows, columns)
    return image


def returns_nothing(image, rows, columns):
    solution(image, rows, columns)


def crops(image, rows, columns):
    return solution(image, rows, columns)[1:]


def raises(image, rows, columns):
    return image[rows:columns:0]


def off_by_one(image, rows, columns):
    return solution(image, rows, columns + 1 if columns > 0 else columns)


@pytest.mark.parametrize(
    ("function", "phrase"),
    [
        (wrapping, "np.roll"),
        (wrong_way, "wrong way"),
        (swapped, "swaps rows and columns"),
        (in_place, "changed the image"),
        (returns_nothing, "returned None"),
        (crops, "returned shape"),
        (raises, "raised ValueError"),
        (off_by_one, "does not give the expected image"),
        ("shift", "must be a function"),
    ],
)
def test_shift_rejects_typical_mistakes(function, phrase):
    feedback = check_shift_digit(function)
    assert feedback.passed is False
    assert phrase in feedback.message


def test_shift_template_and_placeholder_are_not_attempted():
    def template(image, rows, columns):
        shifted = np.zeros_like(image)
        ...
        return shifted

    assert check_shift_digit(template).passed is None
    assert check_shift_digit(...).passed is None


# ---------------------------------------------------------------- confusion

MATRIX = exercise_confusion_matrix()
ACCURACY = np.trace(MATRIX) / MATRIX.sum()
RECALLS = np.diag(MATRIX) / MATRIX.sum(axis=1)


def test_confusion_accepts_the_solution():
    feedback = check_confusion_metrics(ACCURACY, RECALLS)
    assert feedback.passed
    assert "Class 2" in feedback.message
    assert check_confusion_metrics(float(round(ACCURACY, 4)), list(RECALLS)).passed


@pytest.mark.parametrize(
    ("accuracy", "recalls", "phrase"),
    [
        (np.trace(MATRIX), RECALLS, "number of correct answers"),
        (100 * ACCURACY, RECALLS, "percentage"),
        (RECALLS.mean(), RECALLS, "balanced accuracy"),
        (0.5, RECALLS, "is not right"),
        (RECALLS, RECALLS, "one number"),
        (ACCURACY, np.diag(MATRIX) / MATRIX.sum(axis=0), "precisions"),
        (ACCURACY, np.diag(MATRIX), "counts"),
        (ACCURACY, RECALLS[:2], "three numbers"),
        (ACCURACY, ["a", "b", "c"], "three numbers"),
        (ACCURACY, RECALLS[::-1], "not right"),
    ],
)
def test_confusion_rejects_typical_mistakes(accuracy, recalls, phrase):
    feedback = check_confusion_metrics(accuracy, recalls)
    assert feedback.passed is False
    assert phrase in feedback.message


@pytest.mark.parametrize(
    ("accuracy", "recalls"),
    [
        (np.float32(ACCURACY), tuple(RECALLS)),
        (np.array(ACCURACY), RECALLS.astype(np.float32)),
        (np.array([ACCURACY]), RECALLS.reshape(3)),
    ],
)
def test_confusion_reads_numbers_and_arrays_of_any_type(accuracy, recalls):
    import tensorflow as tf

    assert check_confusion_metrics(accuracy, recalls).passed
    assert check_confusion_metrics(tf.constant(accuracy), tf.constant(recalls)).passed


def test_confusion_matrix_handed_out_is_a_copy():
    """Zeroing the diagonal of the learner's matrix must not change the verdict."""
    matrix = exercise_confusion_matrix()
    np.fill_diagonal(matrix, 0)
    accuracy = np.trace(matrix) / matrix.sum()
    recalls = np.diag(matrix) / matrix.sum(axis=1)
    assert accuracy == 0.0
    assert check_confusion_metrics(accuracy, recalls).passed is False
    assert check_confusion_metrics(ACCURACY, RECALLS).passed
    np.testing.assert_array_equal(exercise_confusion_matrix(), MATRIX)
    assert exercise_confusion_matrix() is not exercise_confusion_matrix()


def test_confusion_reference_is_read_only():
    from utils.checks import training_cnns

    with pytest.raises(ValueError, match="read-only"):
        training_cnns._CONFUSION_MATRIX[0, 0] = 0


def test_confusion_feedback_does_not_give_the_answer_away():
    for accuracy, recalls in [
        (0.5, RECALLS),
        (ACCURACY, RECALLS[::-1]),
        ("x", RECALLS),
    ]:
        message = check_confusion_metrics(accuracy, recalls).message
        assert f"{ACCURACY:.3f}" not in message
        assert "np.trace" not in message and "sum(axis=1)" not in message
        assert not any(f"{r:.3f}" in message for r in RECALLS)


def test_confusion_placeholder_is_not_attempted():
    assert check_confusion_metrics(..., ...).passed is None
    assert check_confusion_metrics(ACCURACY, ...).passed is None


# ---------------------------------------------------------------- invariance


@pytest.mark.parametrize(
    "answer",
    [
        {"a", "d"},
        ["A", "d"],
        ("d", "a."),
        "a, d",
        "ad",
        "A and D",
        " d;a ",
        {" a ", "D"},
    ],
)
def test_invariance_accepts_the_answer_in_several_spellings(answer):
    assert check_invariance_statements(answer).passed


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ({"a"}, "statement d is true"),
        ({"d"}, "statement a is true"),
        ({"a", "b", "d"}, "statement b is false"),
        ({"a", "c", "d"}, "statement c is false"),
        ({"a", "d", "e"}, "statement e is false"),
        (set(), "statement a is true"),
        ({"a", "z"}, "no statement z"),
        (42, "set of strings"),
        ({1, 2}, "set of strings"),
    ],
)
def test_invariance_rejects_wrong_sets(answer, phrase):
    feedback = check_invariance_statements(answer)
    assert feedback.passed is False
    assert phrase in feedback.message


def test_invariance_placeholder_is_not_attempted():
    assert check_invariance_statements(...).passed is None
