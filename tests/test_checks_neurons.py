"""Chapter 1's checks accept the solutions in any numeric form and reject wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks.neurons import (
    check_and_weights,
    check_parameter_count,
    check_sigmoid,
    check_xor_network,
)


@pytest.mark.parametrize(
    ("weights", "bias"),
    [
        (np.array([1.0, 1.0]), -1.5),
        ([2, 3], -4),
        ((1, 1), np.float32(-1.5)),
        (np.array([1, 1]), np.array([-1.5])),  # a one-element array is a number
        (np.array([[1.0, 1.0]]).ravel(), np.int64(-2)),
    ],
)
def test_and_weights_accepts_right_answers_of_any_numeric_type(weights, bias):
    assert check_and_weights(weights, bias).passed


def test_and_weights_rejects_wrong_answers():
    or_answer = check_and_weights(np.array([1.0, 1.0]), -0.5)
    assert or_answer.passed is False and "OR" in or_answer.message
    assert check_and_weights(np.array([1.0, 1.0]), 0.5).passed is False
    assert check_and_weights(np.array([1.0, 1.0]), -2.5).passed is False
    assert check_and_weights(np.array([1.0, 1.0, 1.0]), -1.5).passed is False
    assert check_and_weights(["a", "b"], -1.5).passed is False
    assert check_and_weights([1.0, 1.0], [-1.5, 0.0]).passed is False
    assert check_and_weights([1.0, 1.0], "-1.5").passed is False


def test_and_weights_placeholder_is_not_attempted():
    assert check_and_weights(..., ...).passed is None
    assert check_and_weights(np.array([1.0, 1.0]), ...).passed is None


def test_sigmoid():
    assert check_sigmoid(lambda z: 1 / (1 + np.exp(-z))).passed
    assert check_sigmoid(lambda z: list(1 / (1 + np.exp(-z)))).passed  # a list is fine
    mirrored = check_sigmoid(lambda z: 1 / (1 + np.exp(z)))
    assert mirrored.passed is False and "mirrored" in mirrored.message
    assert check_sigmoid(np.tanh).passed is False
    assert check_sigmoid(lambda z: 0.5).passed is False
    assert check_sigmoid(lambda z: "sigmoid").passed is False
    assert check_sigmoid(lambda z: ...).passed is None
    assert check_sigmoid(0.5).passed is False


def test_sigmoid_check_is_not_fooled_by_changing_its_input():
    def sneaky(z):
        z[:] = 0.0  # overwrite the check's inputs, then return sigmoid(0) everywhere
        return np.full(z.shape, 0.5)

    assert check_sigmoid(sneaky).passed is False


def test_sigmoid_feedback_does_not_give_the_expected_value():
    feedback = check_sigmoid(lambda z: 1 / (1 + np.exp(-2 * z)))
    assert feedback.passed is False
    assert "0.9933" not in feedback.message  # sigmoid(5)
    assert "0.7311" not in feedback.message  # sigmoid(1)


@pytest.mark.parametrize(
    ("answer", "passed"),
    [
        (43, True),
        (43.0, True),
        (np.int64(43), True),
        (np.array(43.0), True),
        (np.array([43]), True),
        (35, False),
        (47, False),
        (12, False),
        (43.5, False),
        ("43", False),
        (True, False),
        ([43, 1], False),
    ],
)
def test_parameter_count(answer, passed):
    assert check_parameter_count(answer).passed is passed


def test_parameter_count_names_the_missing_biases_without_the_answer():
    feedback = check_parameter_count(35.0)
    assert "biases" in feedback.message and "43" not in feedback.message
    assert "43" not in check_parameter_count(12).message
    assert check_parameter_count(...).passed is None


SOLUTION = (
    np.array([[1.0, -1.0], [-1.0, 1.0]]),
    np.array([-0.5, -0.5]),
    np.array([1.0, 1.0]),
    -0.5,
)
CHAPTER = (
    np.array([[1.0, -1.0], [1.0, -1.0]]),
    np.array([-0.5, 1.5]),
    np.array([1.0, 1.0]),
    -1.5,
)


def test_xor_network_accepts_both_networks_in_any_numeric_form():
    assert check_xor_network(*SOLUTION).passed
    assert check_xor_network(*CHAPTER).passed
    as_lists = [value.tolist() for value in CHAPTER[:3]]
    assert check_xor_network(*as_lists, np.array([-1.5])).passed
    integers = ([[2, -2], [2, -2]], [-1, 3], (1, 1), np.int64(-2))
    assert check_xor_network(*integers).passed


def test_xor_network_rejects_wrong_answers():
    # The output unit as OR instead of AND over the chapter's hidden units: wrong.
    wrong = check_xor_network(CHAPTER[0], CHAPTER[1], CHAPTER[2], -0.5)
    assert wrong.passed is False and "(0, 0)" in wrong.message
    assert check_xor_network(np.ones((2, 3)), *CHAPTER[1:]).passed is False
    assert check_xor_network(*CHAPTER[:3], [-1.5, 0.0]).passed is False
    assert check_xor_network(CHAPTER[0], "b1", *CHAPTER[2:]).passed is False
    assert check_xor_network(..., ..., ..., ...).passed is None
