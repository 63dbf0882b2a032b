"""Tests of the chapter 2 exercise checks: accept the solution, reject typical
mistakes with the right diagnosis, report placeholders, never raise."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks.learning import (
    LOSS_EXERCISE,
    check_backward_mse,
    check_learning_rate,
    check_losses_by_hand,
    check_sigmoid_derivative,
)

# ---------------------------------------------------------------------------
# Losses by hand
# ---------------------------------------------------------------------------

Y, P = LOSS_EXERCISE["y"], LOSS_EXERCISE["y_pred"]
RIGHT_MSE = 0.075
RIGHT_CE = -(np.log(0.8) + np.log(0.7) + np.log(0.6) + np.log(0.9)) / 4


def test_losses_accepts_the_solution_and_hand_rounding():
    assert check_losses_by_hand(RIGHT_MSE, RIGHT_CE).passed is True
    assert check_losses_by_hand(0.075, 0.299).passed is True
    assert check_losses_by_hand(np.float64(0.075), np.array(0.2990)).passed is True


def test_losses_placeholder_is_not_attempted(capsys):
    feedback = check_losses_by_hand(..., ...)
    assert feedback.passed is None
    assert "Not attempted" in capsys.readouterr().out
    assert check_losses_by_hand(RIGHT_MSE, ...).passed is None


@pytest.mark.parametrize(
    ("mse", "message"),
    [
        (0.3, "sum of the squared errors"),
        (0.25, "without squaring"),
        (np.sqrt(0.075), "root of the mean squared error"),
        (0.5, "not the mean squared error"),
    ],
)
def test_losses_rejects_wrong_mse(mse, message):
    feedback = check_losses_by_hand(mse, RIGHT_CE)
    assert feedback.passed is False
    assert message in feedback.message


@pytest.mark.parametrize(
    ("cross_entropy", "message"),
    [
        (-RIGHT_CE, "wrong sign"),
        (4 * RIGHT_CE, "sum over the examples"),
        (RIGHT_CE / np.log(10), "base 10"),
        (-(np.log(0.8) + np.log(0.6)) / 4, "label is 0"),
        (0.7, "not the binary cross-entropy"),
    ],
)
def test_losses_rejects_wrong_cross_entropy(cross_entropy, message):
    feedback = check_losses_by_hand(RIGHT_MSE, cross_entropy)
    assert feedback.passed is False
    assert message in feedback.message


@pytest.mark.parametrize(
    "answer", ["0.075", [0.1, 0.2], None, True, float("nan"), {"mse": 1}]
)
def test_losses_never_raise_on_odd_answers(answer):
    feedback = check_losses_by_hand(answer, RIGHT_CE)
    assert feedback.passed is False


# ---------------------------------------------------------------------------
# Sigmoid derivative
# ---------------------------------------------------------------------------


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_sigmoid_derivative_accepts_equivalent_solutions():
    assert check_sigmoid_derivative(lambda z: sigmoid(z) * (1 - sigmoid(z))).passed
    assert check_sigmoid_derivative(lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2).passed


def test_sigmoid_derivative_placeholder_is_not_attempted():
    assert check_sigmoid_derivative(...).passed is None
    assert check_sigmoid_derivative(lambda z: ...).passed is None


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (sigmoid, "sigmoid itself"),
        (lambda z: 1 - sigmoid(z) ** 2, "derivative of tanh"),
        (lambda z: sigmoid(z) * (1 + sigmoid(z)), "sign in your second factor"),
        (lambda z: np.exp(-z), "inner part"),
        (lambda z: np.full_like(z, 0.25), "at z = "),
        (lambda z: 0.25, "returned shape"),
        (lambda z: None, "returned None"),
        (lambda z: 1 / 0, "ZeroDivisionError"),
        (0.25, "pass your function itself"),
    ],
)
def test_sigmoid_derivative_rejects_typical_mistakes(function, message):
    feedback = check_sigmoid_derivative(function)
    assert feedback.passed is False
    assert message in feedback.message


# ---------------------------------------------------------------------------
# Backpropagation for the squared error
# ---------------------------------------------------------------------------


def forward(params, X):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.tanh(Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    A2 = sigmoid(Z2)
    return A2[:, 0], {"A0": X, "Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def make_backward(output_error, *, tanh_derivative=True):
    """A backward pass for the squared error with a chosen output error signal."""

    def backward_mse(params, X, y):
        _, cache = forward(params, X)
        m = len(y)
        p = cache["A2"]
        dZ2 = output_error(p, y[:, None], m)
        dW2 = cache["A1"].T @ dZ2
        db2 = dZ2.sum(axis=0)
        dA1 = dZ2 @ params["W2"].T
        dZ1 = dA1 * (1 - cache["A1"] ** 2) if tanh_derivative else dA1
        dW1 = X.T @ dZ1
        db1 = dZ1.sum(axis=0)
        return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

    return backward_mse


RIGHT_BACKWARD = make_backward(lambda p, y, m: 2 * (p - y) * p * (1 - p) / m)


def test_backward_mse_accepts_the_solution():
    assert check_backward_mse(RIGHT_BACKWARD).passed is True


def test_backward_mse_placeholder_is_not_attempted():
    def untouched(params, X, y):
        dW1 = db1 = dW2 = db2 = ...
        return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

    assert check_backward_mse(untouched).passed is None
    assert check_backward_mse(...).passed is None


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (make_backward(lambda p, y, m: (p - y) / m), "gradients of the cross-entropy"),
        (make_backward(lambda p, y, m: (p - y) * p * (1 - p) / m), "exactly half"),
        (
            make_backward(lambda p, y, m: 2 * (p - y) * p * (1 - p)),
            "number of examples",
        ),
        (
            make_backward(
                lambda p, y, m: 2 * (p - y) * p * (1 - p) / m, tanh_derivative=False
            ),
            "derivative of tanh",
        ),
        (make_backward(lambda p, y, m: 2 * (p - y) / m), "gradient check fails"),
    ],
)
def test_backward_mse_rejects_typical_mistakes(function, message):
    feedback = check_backward_mse(function)
    assert feedback.passed is False
    assert message in feedback.message


def test_backward_mse_reports_structural_problems():
    def partly_done(params, X, y):
        grads = RIGHT_BACKWARD(params, X, y)
        grads["W1"] = ...
        return grads

    def wrong_shape(params, X, y):
        grads = RIGHT_BACKWARD(params, X, y)
        grads["b1"] = grads["b1"][None, :]
        return grads

    def wrong_keys(params, X, y):
        return {"dW1": 0}

    def crashes(params, X, y):
        return params["W3"]

    cases = [
        (partly_done, "W1 is still ..."),
        (wrong_shape, "b1 has shape (1, 3) instead of (3,)"),
        (wrong_keys, "should have the keys"),
        (lambda params, X, y: [1, 2], "should return a dict"),
        (lambda params, X, y: None, "returned None"),
        (crashes, "KeyError"),
        ("backward_mse", "pass your function itself"),
    ]
    for function, message in cases:
        feedback = check_backward_mse(function)
        assert feedback.passed is False, function
        assert message in feedback.message, feedback.message


# ---------------------------------------------------------------------------
# Learning rate
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("learning_rate", [2, 3.0, np.float32(4.0)])
def test_learning_rate_accepts_rates_in_the_window(learning_rate):
    assert check_learning_rate(learning_rate).passed is True


def test_learning_rate_placeholder_is_not_attempted():
    assert check_learning_rate(...).passed is None


@pytest.mark.parametrize(
    ("learning_rate", "message"),
    [
        (0.1, "too small"),
        (1.0, "too small"),
        (8.0, "too large"),
        (50.0, "too large"),
        (0.0, "positive number"),
        (-1.0, "positive number"),
        (float("inf"), "positive number"),
        ("2", "one number"),
        (True, "one number"),
    ],
)
def test_learning_rate_rejects_bad_rates(learning_rate, message):
    feedback = check_learning_rate(learning_rate)
    assert feedback.passed is False
    assert message in feedback.message
