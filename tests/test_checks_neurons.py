"""Chapter 1's checks accept the solutions and reject typical wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks.neurons import (
    check_and_weights,
    check_parameter_count,
    check_sigmoid,
    check_xor_network,
)


def test_and_weights():
    assert check_and_weights(np.array([1.0, 1.0]), -1.5).passed
    assert check_and_weights([2, 3], -4).passed
    or_answer = check_and_weights(np.array([1.0, 1.0]), -0.5)
    assert or_answer.passed is False and "OR" in or_answer.message
    assert check_and_weights(np.array([1.0, 1.0]), 0.5).passed is False
    assert check_and_weights(np.array([1.0, 1.0, 1.0]), -1.5).passed is False
    assert check_and_weights(..., ...).passed is None


def test_sigmoid():
    assert check_sigmoid(lambda z: 1 / (1 + np.exp(-z))).passed
    mirrored = check_sigmoid(lambda z: 1 / (1 + np.exp(z)))
    assert mirrored.passed is False and "mirrored" in mirrored.message
    assert check_sigmoid(np.tanh).passed is False
    assert check_sigmoid(lambda z: 0.5).passed is False
    assert check_sigmoid(lambda z: ...).passed is None
    assert check_sigmoid(0.5).passed is False


@pytest.mark.parametrize(
    ("answer", "passed"),
    [(43, True), (35, False), (47, False), (12, False), (43.0, False)],
)
def test_parameter_count(answer, passed):
    assert check_parameter_count(answer).passed is passed


def test_parameter_count_names_the_missing_biases():
    assert "biases" in check_parameter_count(35).message


def test_xor_network():
    solution = (
        np.array([[1.0, -1.0], [-1.0, 1.0]]),
        np.array([-0.5, -0.5]),
        np.array([1.0, 1.0]),
        -0.5,
    )
    assert check_xor_network(*solution).passed
    chapter = (
        np.array([[1.0, -1.0], [1.0, -1.0]]),
        np.array([-0.5, 1.5]),
        np.array([1.0, 1.0]),
        -1.5,
    )
    assert check_xor_network(*chapter).passed
    # The output unit as OR instead of AND over the chapter's hidden units: wrong.
    assert check_xor_network(chapter[0], chapter[1], chapter[2], -0.5).passed is False
    assert (
        check_xor_network(np.ones((2, 3)), chapter[1], chapter[2], -1.5).passed is False
    )
    assert check_xor_network(..., ..., ..., ...).passed is None
