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


# --- A longer refractory period (experiment) -----------------------------


def _measured_rate(refractory):
    """The solution's measurement: the chapter's simulate_lif, written out for one
    neuron at 200 nA for 1 s, independently of the check's own loop."""
    resting, threshold, reset, tau, resistance, dt = (
        -0.070,
        -0.054,
        -0.080,
        0.010,
        1e7,
        2e-5,
    )
    v = np.array([resting])
    silent_until, count = np.zeros(1), 0
    for i in range(round(1.0 / dt)):
        v += dt / tau * (resting + resistance * 200e-9 - v)
        v[i < silent_until] = reset
        fired = v >= threshold
        count += int(fired.sum())
        v[fired] = reset
        silent_until[fired] = i + round(refractory / dt)
    return count / 1.0


def test_refractory_experiment_accepts_a_measurement_for_any_new_period():
    from utils.checks.neurons import check_refractory_experiment

    for period in (0.005, 0.001, np.float32(0.01)):
        rate = _measured_rate(float(period))
        assert rate < 1 / float(period)
        assert check_refractory_experiment(period, rate).passed
    assert check_refractory_experiment(0.005, np.array([_measured_rate(0.005)])).passed


def test_refractory_experiment_rejects_each_kind_of_wrong_measurement():
    from utils.checks.neurons import check_refractory_experiment

    rate = _measured_rate(0.005)
    per_ms = check_refractory_experiment(0.005, rate / 1000)
    assert per_ms.passed is False and "millisecond" in per_ms.message
    other = check_refractory_experiment(0.005, _measured_rate(0.002))  # old period
    assert other.passed is False and "different rate" in other.message
    assert check_refractory_experiment(0.005, 1 / 0.005).passed is False  # the ceiling
    unchanged = check_refractory_experiment(0.002, _measured_rate(0.002))
    assert unchanged.passed is False and "chapter's period" in unchanged.message
    in_ms = check_refractory_experiment(5, rate)
    assert in_ms.passed is False and "seconds" in in_ms.message
    assert check_refractory_experiment("0.005", rate).passed is False


def test_refractory_experiment_placeholders_are_not_attempted():
    from utils.checks.neurons import check_refractory_experiment

    assert check_refractory_experiment(..., ...).passed is None
    assert check_refractory_experiment(0.005, ...).passed is None
