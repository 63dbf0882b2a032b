"""Tests of the chapter 2 exercise checks: accept the solution, in any numeric
form; reject typical mistakes with the right diagnosis, and no diagnosis the
check has not confirmed; report placeholders; never raise."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks.learning import (
    LEARNING_RATE_EPOCHS,
    LEARNING_RATE_TARGET,
    LOSS_EXERCISE,
    check_backward_mse,
    check_learning_rate,
    check_losses_by_hand,
    check_sigmoid_derivative,
    check_three_examples,
)


@pytest.fixture(scope="module")
def tf():
    """TensorFlow, imported only by the tests that hand the checks tensors."""
    import tensorflow

    return tensorflow


# ---------------------------------------------------------------------------
# Losses by hand
# ---------------------------------------------------------------------------

Y, P = np.array(LOSS_EXERCISE["y"]), np.array(LOSS_EXERCISE["y_pred"])
RIGHT_MSE = 0.075
RIGHT_CE = -(np.log(0.8) + np.log(0.7) + np.log(0.6) + np.log(0.9)) / 4


def test_losses_accepts_the_solution_and_hand_rounding():
    assert check_losses_by_hand(RIGHT_MSE, RIGHT_CE).passed is True
    assert check_losses_by_hand(0.075, 0.299).passed is True


def test_losses_accepts_numbers_of_every_type(tf):
    answers = [
        (np.float64(0.075), np.array(0.2990)),
        (np.float32(0.075), np.array([RIGHT_CE])),
        (np.mean((P - Y) ** 2), np.array([[RIGHT_CE]])),
        (tf.constant(0.075), tf.constant([RIGHT_CE], dtype=tf.float64)),
    ]
    for mse, cross_entropy in answers:
        assert check_losses_by_hand(mse, cross_entropy).passed is True, (mse,)


def test_losses_placeholder_is_not_attempted(capsys):
    feedback = check_losses_by_hand(..., ...)
    assert feedback.passed is None
    assert "Not attempted" in capsys.readouterr().out
    assert check_losses_by_hand(RIGHT_MSE, ...).passed is None


@pytest.mark.parametrize(
    ("mse", "message"),
    [
        (0.3, "sum of the squared errors"),
        (np.float32(0.3), "sum of the squared errors"),
        (0.25, "without squaring"),
        (np.sqrt(0.075), "root of the mean squared error"),
        (RIGHT_CE, "is the cross-entropy"),
        (0.5, "not the mean squared error"),
        (7.5, "not the mean squared error"),
    ],
)
def test_losses_rejects_wrong_mse(mse, message):
    feedback = check_losses_by_hand(mse, RIGHT_CE)
    assert feedback.passed is False
    assert message in feedback.message


@pytest.mark.parametrize(
    ("mse", "cross_entropy"),
    [(RIGHT_CE, RIGHT_MSE), (0.299, 0.075), (np.array(0.299), np.float32(0.075))],
)
def test_losses_swapped_arguments_are_called_swapped(mse, cross_entropy):
    feedback = check_losses_by_hand(mse, cross_entropy)
    assert feedback.passed is False
    assert "is the cross-entropy and your cross_entropy" in feedback.message
    assert "sum" not in feedback.message


def test_losses_the_cross_entropy_rounded_is_not_called_the_sum():
    # 0.299 (the cross-entropy, rounded) is 0.001 from the sum of squares, 0.3.
    feedback = check_losses_by_hand(0.299, 0.5)
    assert feedback.passed is False
    assert "is the cross-entropy" in feedback.message
    assert "sum" not in feedback.message


@pytest.mark.parametrize(
    ("cross_entropy", "message"),
    [
        (-RIGHT_CE, "wrong sign"),
        (4 * RIGHT_CE, "sum over the examples"),
        (RIGHT_CE / np.log(10), "base 10"),
        (-(np.log(0.8) + np.log(0.6)) / 4, "label is 0"),
        (np.array([-(np.log(0.8) + np.log(0.6)) / 4]), "label is 0"),
        (0.7, "not the binary cross-entropy"),
    ],
)
def test_losses_rejects_wrong_cross_entropy(cross_entropy, message):
    feedback = check_losses_by_hand(RIGHT_MSE, cross_entropy)
    assert feedback.passed is False
    assert message in feedback.message


def test_losses_cross_entropy_equal_to_the_mse_is_named():
    feedback = check_losses_by_hand(RIGHT_MSE, RIGHT_MSE)
    assert feedback.passed is False
    assert "cross_entropy (0.075) is the mean squared error" in feedback.message


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("0.075", "without quotes"),
        ([0.1, 0.2], "2 values"),
        (np.array([0.075, 0.299]), "2 values"),
        (None, "one finite number"),
        (True, "one finite number"),
        (float("nan"), "one finite number"),
        (float("inf"), "one finite number"),
        ({"mse": 1}, "one finite number"),
    ],
)
def test_losses_never_raise_on_odd_answers(answer, message):
    feedback = check_losses_by_hand(answer, RIGHT_CE)
    assert feedback.passed is False
    assert message in feedback.message


# ---------------------------------------------------------------------------
# Sigmoid derivative
# ---------------------------------------------------------------------------


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_sigmoid_derivative_accepts_equivalent_solutions(tf):
    assert check_sigmoid_derivative(lambda z: sigmoid(z) * (1 - sigmoid(z))).passed
    assert check_sigmoid_derivative(lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2).passed
    assert check_sigmoid_derivative(
        lambda z: tf.sigmoid(z) * (1 - tf.sigmoid(z))
    ).passed
    assert check_sigmoid_derivative(
        lambda z: [sigmoid(v) * (1 - sigmoid(v)) for v in z]
    ).passed


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
        (lambda z: 0.25, "not 9 numbers"),
        (lambda z: "0.25", "not 9 numbers"),
        (lambda z: None, "returned None"),
        (lambda z: 1 / 0, "ZeroDivisionError"),
        (0.25, "pass your function itself"),
    ],
)
def test_sigmoid_derivative_rejects_typical_mistakes(function, message):
    feedback = check_sigmoid_derivative(function)
    assert feedback.passed is False
    assert message in feedback.message


def test_sigmoid_derivative_cannot_change_the_check_inputs():
    def vandal(z):
        z[:] = 0.0
        return np.full_like(z, 0.25)

    assert check_sigmoid_derivative(vandal).passed is False


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


def test_backward_mse_accepts_lists_and_tensors(tf):
    def as_lists(params, X, y):
        return {
            name: value.tolist() for name, value in RIGHT_BACKWARD(params, X, y).items()
        }

    def as_tensors(params, X, y):
        return {
            name: tf.constant(value)
            for name, value in RIGHT_BACKWARD(params, X, y).items()
        }

    assert check_backward_mse(as_lists).passed is True
    assert check_backward_mse(as_tensors).passed is True


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
        (make_backward(lambda p, y, m: 2 * (p - y) / m), "differ from tf.GradientTape"),
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

    def not_numbers(params, X, y):
        grads = RIGHT_BACKWARD(params, X, y)
        grads["b2"] = "0.1"
        return grads

    def wrong_keys(params, X, y):
        return {"dW1": 0}

    def crashes(params, X, y):
        return params["W3"]

    cases = [
        (partly_done, "W1 is still ..."),
        (wrong_shape, "b1 has shape (1, 3) instead of (3,)"),
        (not_numbers, "b2 has shape () instead of (1,)"),
        (wrong_keys, "should have the keys"),
        (lambda params, X, y: [1, 2], "returned a list, not a dict"),
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


def moons_losses(learning_rate):
    """The exercise's run, written independently of the check: NumPy, the
    closed-form gradient of the mean cross-entropy, 200 full-batch steps."""
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split

    X, y = make_moons(n_samples=300, noise=0.25, random_state=0)
    X, _, y, _ = train_test_split(X, y, test_size=100, random_state=0, stratify=y)
    rng = np.random.default_rng(0)
    W1 = rng.uniform(-np.sqrt(0.6), np.sqrt(0.6), size=(2, 8))
    W2 = rng.uniform(-np.sqrt(6 / 9), np.sqrt(6 / 9), size=(8, 1))
    b1, b2 = np.zeros(8), np.zeros(1)
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(LEARNING_RATE_EPOCHS):
            A1 = np.tanh(X @ W1 + b1)
            z = (A1 @ W2 + b2)[:, 0]
            losses.append(np.mean(np.logaddexp(0, z) - y * z))
            if not np.isfinite(losses[-1]):
                break
            delta2 = ((sigmoid(z) - y) / len(y))[:, None]
            delta1 = (delta2 @ W2.T) * (1 - A1**2)
            W2, b2 = (
                W2 - learning_rate * A1.T @ delta2,
                b2 - learning_rate * delta2.sum(0),
            )
            W1, b1 = (
                W1 - learning_rate * X.T @ delta1,
                b1 - learning_rate * delta1.sum(0),
            )
    return np.array(losses)


#: From far too small to far too large, and 2.5 and 2.6, whose loss spikes and
#: still ends above the target (once wrongly called "too small").
LEARNING_RATE_GRID = [
    0.05,
    0.3,
    1.0,
    1.4,
    1.6,
    1.8,
    2.0,
    2.1,
    2.2,
    2.5,
    2.6,
    3.0,
    5.0,
    8.0,
    30.0,
    1e4,
]


def test_learning_rate_verdict_agrees_with_the_outcome_over_a_grid():
    verdicts = []
    for learning_rate in LEARNING_RATE_GRID:
        losses = moons_losses(learning_rate)
        rises = bool(not np.all(np.isfinite(losses)) or np.any(np.diff(losses) > 0))
        reaches = bool(not rises and losses[-1] < LEARNING_RATE_TARGET)
        feedback = check_learning_rate(learning_rate)
        assert feedback.passed is reaches, learning_rate
        if reaches:
            verdicts.append("works")
        elif rises:
            assert "too large" in feedback.message, learning_rate
            assert "too small" not in feedback.message
            verdicts.append("too large")
        else:
            assert "too small" in feedback.message, learning_rate
            assert "too large" not in feedback.message
            verdicts.append("too small")
    # Monotone in the learning rate: too small, then works, then too large.
    order = {"too small": 0, "works": 1, "too large": 2}
    assert [order[v] for v in verdicts] == sorted(order[v] for v in verdicts)
    assert set(verdicts) == set(order)


@pytest.mark.parametrize("learning_rate", [2, 2.0, np.float32(1.8), np.array([2.0])])
def test_learning_rate_accepts_numbers_of_every_type(learning_rate):
    assert check_learning_rate(learning_rate).passed is True


def test_learning_rate_accepts_a_tensor(tf):
    assert check_learning_rate(tf.constant(2.0)).passed is True


def test_learning_rate_spikes_are_called_too_large_not_too_small():
    for learning_rate in (2.5, 2.6):
        feedback = check_learning_rate(learning_rate)
        assert feedback.passed is False
        assert "went up" in feedback.message and "too large" in feedback.message


def test_learning_rate_placeholder_is_not_attempted():
    assert check_learning_rate(...).passed is None


@pytest.mark.parametrize(
    ("learning_rate", "message"),
    [
        (0.0, "positive number"),
        (-1.0, "positive number"),
        (float("inf"), "positive number"),
        ("2", "one number"),
        (True, "one number"),
        ([1.0, 2.0], "one number"),
    ],
)
def test_learning_rate_rejects_odd_answers(learning_rate, message):
    feedback = check_learning_rate(learning_rate)
    assert feedback.passed is False
    assert message in feedback.message


# ---------------------------------------------------------------------------
# How many examples does the detector need?
# ---------------------------------------------------------------------------


def train_three_detector(n_train, hidden_units=16, epochs=200, learning_rate=2.0):
    """What the learner writes: the chapter's NumPy training on the first n_train
    images, and the test scores of the result."""
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, recall_score
    from sklearn.model_selection import train_test_split

    from utils.data import load_digit_images

    images, digits = load_digit_images()
    X, y = images.reshape(-1, 64).astype(float), (digits == 3).astype(float)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    X_train, y_train = X_train[:n_train], y_train[:n_train]
    rng, params = np.random.default_rng(0), {}
    for layer, (n_in, n_out) in enumerate(((64, hidden_units), (hidden_units, 1)), 1):
        limit = np.sqrt(6 / (n_in + n_out))
        params[f"W{layer}"] = rng.uniform(-limit, limit, size=(n_in, n_out))
        params[f"b{layer}"] = np.zeros(n_out)
    start = {name: value.copy() for name, value in params.items()}
    for _ in range(epochs):
        A1 = np.tanh(X_train @ params["W1"] + params["b1"])
        p = 1 / (1 + np.exp(-(A1 @ params["W2"] + params["b2"])))
        delta2 = (p - y_train[:, None]) / len(y_train)
        delta1 = (delta2 @ params["W2"].T) * (1 - A1**2)
        grads = {"W2": A1.T @ delta2, "b2": delta2.sum(0)}
        grads.update({"W1": X_train.T @ delta1, "b1": delta1.sum(0)})
        for name in params:
            params[name] -= learning_rate * grads[name]

    def predict(X):
        A1 = np.tanh(X @ params["W1"] + params["b1"])
        return (A1 @ params["W2"] + params["b2"])[:, 0] >= 0

    scores = {
        "balanced": balanced_accuracy_score(y_test, predict(X_test)),
        "accuracy": accuracy_score(y_test, predict(X_test)),
        "recall": recall_score(y_test, predict(X_test)),
        "training": balanced_accuracy_score(y_train, predict(X_train)),
    }
    return params, start, scores


@pytest.fixture(scope="module")
def detector():
    return train_three_detector(50)


def test_three_examples_accepts_the_solution(detector, tf):
    params, _, scores = detector
    feedback = check_three_examples(50, params, scores["balanced"])
    assert feedback.passed is True, feedback.message
    assert "Trained on 50 images" in feedback.message
    as_tensors = {name: tf.constant(value) for name, value in params.items()}
    answer = np.float32(round(scores["balanced"], 3))
    assert check_three_examples(np.int64(50), as_tensors, answer).passed is True


def test_three_examples_accepts_another_hidden_width():
    params, _, scores = train_three_detector(40, hidden_units=8)
    assert check_three_examples(40.0, params, scores["balanced"]).passed is True


def test_three_examples_placeholder_is_not_attempted(detector):
    assert check_three_examples(..., ..., ...).passed is None
    assert check_three_examples(50, detector[0], ...).passed is None


def test_three_examples_rejects_typical_mistakes(detector):
    params, start, scores = detector
    other_params = train_three_detector(60)[0]
    cases = [
        ((50, start, 0.5), "untrained starting weights"),
        ((50, other_params, scores["balanced"]), "on the first 50 training images"),
        ((60, params, scores["balanced"]), "on the first 60 training images"),
        ((50, params, scores["accuracy"]), "is the accuracy"),
        ((50, params, scores["recall"]), "recall of the 3s"),
        ((50, params, scores["training"]), "on the training images"),
        ((50, params, 100 * scores["balanced"]), "is a percentage"),
        ((50, params, 0.123), "is not what few_params score"),
        ((5, params, scores["balanced"]), "whole number from 10"),
        ((5000, params, scores["balanced"]), "whole number from 10"),
        ((50.5, params, scores["balanced"]), "whole number from 10"),
        (("50", params, scores["balanced"]), "whole number from 10"),
        ((50, (params, [0.7]), scores["balanced"]), "few_params, _ = train"),
        ((50, {**params, "W1": params["W1"][:10]}, 0.9), "64 inputs"),
        ((50, params, "0.9"), "one number"),
    ]
    for answer, message in cases:
        feedback = check_three_examples(*answer)
        assert feedback.passed is False, answer[1:]
        assert message in feedback.message, feedback.message
