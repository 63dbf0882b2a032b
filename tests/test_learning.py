"""Tests of utils.learning: the NumPy network of chapter 2."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import log_loss
from sklearn.metrics import mean_squared_error as sklearn_mse

from utils.data import load_logic_gate
from utils.learning import (
    HIDDEN_ACTIVATIONS,
    backward,
    binary_cross_entropy,
    compare_gradients,
    error_rate,
    forward,
    init_parameters,
    mean_squared_error,
    numerical_gradient,
    predict_proba,
    relative_error,
    train_network,
)


def random_problem(layer_sizes=(3, 4, 1), m=7, seed=0):
    rng = np.random.default_rng(seed)
    params = init_parameters(layer_sizes, seed=seed)
    # Non-zero biases, so that a mistake in the bias gradients shows.
    for name in params:
        if name.startswith("b"):
            params[name] = rng.normal(0, 0.5, size=params[name].shape)
    X = rng.normal(size=(m, layer_sizes[0]))
    y = (rng.random(m) > 0.5).astype(float)
    return params, X, y


# ---------------------------------------------------------------------------
# Losses and error rate
# ---------------------------------------------------------------------------


def test_losses_by_hand():
    y = np.array([1.0, 0.0, 1.0, 0.0])
    y_pred = np.array([0.8, 0.3, 0.6, 0.1])
    assert mean_squared_error(y, y_pred) == pytest.approx(0.075)
    expected = -(np.log(0.8) + np.log(0.7) + np.log(0.6) + np.log(0.9)) / 4
    assert binary_cross_entropy(y, y_pred) == pytest.approx(expected)


def test_losses_agree_with_scikit_learn():
    rng = np.random.default_rng(1)
    y = (rng.random(50) > 0.5).astype(float)
    y_pred = rng.uniform(0.01, 0.99, size=50)
    assert binary_cross_entropy(y, y_pred) == pytest.approx(log_loss(y, y_pred))
    assert mean_squared_error(y, y_pred) == pytest.approx(sklearn_mse(y, y_pred))


def test_losses_accept_column_vectors():
    y = np.array([[1.0], [0.0]])
    y_pred = np.array([[0.9], [0.2]])
    assert mean_squared_error(y, y_pred) == pytest.approx((0.01 + 0.04) / 2)


def test_cross_entropy_of_a_certain_wrong_answer_is_large_but_finite():
    loss = binary_cross_entropy([1.0], [0.0])
    assert np.isfinite(loss)
    assert loss > 20


@pytest.mark.parametrize(
    ("y", "y_pred", "error", "message"),
    [
        ([1, 0], [0.5], ValueError, "one prediction per label"),
        ([], [], ValueError, "empty"),
        ([[1, 0]], [[0.5, 0.5]], ValueError, "one label per example"),
        ([1, 0], [0.5, np.nan], ValueError, "NaN"),
        ("ab", [0.5, 0.5], TypeError, "array of numbers"),
    ],
)
def test_losses_reject_bad_inputs(y, y_pred, error, message):
    with pytest.raises(error, match=message):
        mean_squared_error(y, y_pred)


def test_cross_entropy_rejects_values_that_are_not_probabilities():
    with pytest.raises(ValueError, match="probabilities between 0 and 1"):
        binary_cross_entropy([1.0, 0.0], [1.5, 0.2])


def test_error_rate():
    y = np.array([0, 1, 1, 0])
    assert error_rate(y, [0.1, 0.9, 0.4, 0.6]) == 0.5
    assert error_rate(y, [0, 1, 1, 0]) == 0.0
    assert error_rate(y, [0.1, 0.9, 0.4, 0.6], threshold=0.3) == 0.25


def test_error_rate_rejects_bad_inputs():
    with pytest.raises(ValueError, match="between 0 and 1"):
        error_rate([0, 1], [0.2, 0.8], threshold=1.0)
    with pytest.raises(ValueError, match="labels 0 and 1"):
        error_rate([0, 2], [0.2, 0.8])


# ---------------------------------------------------------------------------
# Parameters and forward pass
# ---------------------------------------------------------------------------


def test_init_parameters_shapes_scale_and_seed():
    params = init_parameters((2, 8, 4, 1), seed=3)
    assert list(params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert params["W1"].shape == (2, 8)
    assert params["W2"].shape == (8, 4)
    assert params["W3"].shape == (4, 1)
    assert params["b2"].shape == (4,)
    assert all(np.all(params[f"b{k}"] == 0) for k in (1, 2, 3))
    assert np.abs(params["W1"]).max() <= np.sqrt(6 / 10)
    again = init_parameters((2, 8, 4, 1), seed=3)
    other = init_parameters((2, 8, 4, 1), seed=4)
    assert all(np.array_equal(params[k], again[k]) for k in params)
    assert not np.array_equal(params["W1"], other["W1"])


@pytest.mark.parametrize(
    ("layer_sizes", "error", "message"),
    [
        ("2-8-1", TypeError, "list or tuple"),
        (5, TypeError, "list or tuple"),
        ((2,), ValueError, "at least an input and an output"),
        ((2, 0, 1), ValueError, "at least 1"),
        ((2, 8, 3), ValueError, "one unit"),
        ((2, 2.5, 1), TypeError, "whole number"),
    ],
)
def test_init_parameters_rejects_bad_sizes(layer_sizes, error, message):
    with pytest.raises(error, match=message):
        init_parameters(layer_sizes)


def test_init_parameters_rejects_a_negative_seed():
    with pytest.raises(ValueError, match="at least 0"):
        init_parameters((2, 1), seed=-1)


def test_forward_computes_the_formulas_by_hand():
    params, X, _ = random_problem((3, 4, 1))
    y_pred, cache = forward(params, X)
    hidden = np.tanh(X @ params["W1"] + params["b1"])
    expected = 1 / (1 + np.exp(-(hidden @ params["W2"] + params["b2"])))
    np.testing.assert_allclose(y_pred, expected[:, 0], rtol=1e-12)
    np.testing.assert_allclose(cache["A1"], hidden, rtol=1e-12)
    assert set(cache) == {"A0", "Z1", "A1", "Z2", "A2"}
    np.testing.assert_allclose(predict_proba(params, X), y_pred)


@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
def test_forward_hidden_activations(activation):
    params, X, _ = random_problem((3, 4, 1))
    _, cache = forward(params, X, hidden_activation=activation)
    function = HIDDEN_ACTIVATIONS[activation][0]
    np.testing.assert_allclose(cache["A1"], function(cache["Z1"]))
    assert np.all((cache["A2"] > 0) & (cache["A2"] < 1))


def test_forward_rejects_bad_inputs():
    params, X, _ = random_problem((3, 4, 1))
    with pytest.raises(ValueError, match="3 inputs"):
        forward(params, X[:, :2])
    with pytest.raises(ValueError, match="2 dimension"):
        forward(params, X[0])
    with pytest.raises(ValueError, match="unknown hidden_activation"):
        forward(params, X, hidden_activation="softplus")
    with pytest.raises(TypeError, match="must be a dict"):
        forward([params["W1"], params["b1"]], X)
    with pytest.raises(ValueError, match="must have the keys"):
        forward({"W1": params["W1"], "b2": params["b1"]}, X)
    broken = dict(params, b1=np.zeros(3))
    with pytest.raises(ValueError, match="one bias per unit"):
        forward(broken, X)
    mismatched = dict(params, W2=np.zeros((5, 1)))
    with pytest.raises(ValueError, match="shapes of consecutive layers"):
        forward(mismatched, X)
    two_outputs = dict(params, W2=np.zeros((4, 2)), b2=np.zeros(2))
    with pytest.raises(ValueError, match="exactly one unit"):
        forward(two_outputs, X)


# ---------------------------------------------------------------------------
# Backpropagation against finite differences and TensorFlow
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("layer_sizes", [(2, 1), (2, 3, 1), (3, 5, 4, 1)])
@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_backward_passes_the_gradient_check(layer_sizes, activation, loss):
    params, X, y = random_problem(layer_sizes, seed=len(layer_sizes))
    loss_function = (
        binary_cross_entropy if loss == "cross_entropy" else (mean_squared_error)
    )
    _, cache = forward(params, X, hidden_activation=activation)
    grads = backward(params, cache, y, loss=loss, hidden_activation=activation)

    def loss_of(p):
        return loss_function(y, forward(p, X, hidden_activation=activation)[0])

    numerical = numerical_gradient(loss_of, params)
    errors = compare_gradients(grads, numerical)
    assert max(errors.values()) < 1e-6, errors


def test_gradient_check_catches_a_missing_activation_derivative():
    """A gradient check that cannot fail would prove nothing."""
    params, X, y = random_problem((2, 3, 1))
    _, cache = forward(params, X)
    grads = backward(params, cache, y)
    dZ2 = (cache["A2"] - y[:, None]) / len(y)
    wrong_dW1 = X.T @ (dZ2 @ params["W2"].T)  # forgot 1 - tanh**2
    assert relative_error(grads["W1"], wrong_dW1) > 1e-2


@pytest.mark.slow
@pytest.mark.parametrize("layer_sizes", [(2, 8, 1), (4, 6, 3, 1)])
def test_backward_agrees_with_tensorflow(layer_sizes):
    tf = pytest.importorskip("tensorflow")
    params, X, y = random_problem(layer_sizes, m=11, seed=5)
    _, cache = forward(params, X)
    grads = backward(params, cache, y)

    variables = {name: tf.Variable(value) for name, value in params.items()}
    num_layers = len(params) // 2
    with tf.GradientTape() as tape:
        A = tf.constant(X)
        for layer in range(1, num_layers + 1):
            Z = A @ variables[f"W{layer}"] + variables[f"b{layer}"]
            A = tf.sigmoid(Z) if layer == num_layers else tf.tanh(Z)
        p = A[:, 0]
        loss = -tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))
    tape_grads = tape.gradient(loss, variables)
    for name in params:
        np.testing.assert_allclose(
            grads[name], tape_grads[name].numpy(), rtol=1e-9, atol=1e-12
        )


def test_feedback_weights_replace_the_transposed_weights():
    params, X, y = random_problem((2, 3, 1))
    _, cache = forward(params, X)
    exact = backward(params, cache, y)
    same = backward(params, cache, y, feedback_weights={"W2": params["W2"]})
    random_feedback = {"W2": np.ones((3, 1))}
    aligned = backward(params, cache, y, feedback_weights=random_feedback)
    for name in params:
        np.testing.assert_allclose(same[name], exact[name])
    # The output layer's gradient does not depend on the feedback path ...
    np.testing.assert_allclose(aligned["W2"], exact["W2"])
    # ... but the hidden layer's does.
    dZ2 = (cache["A2"] - y[:, None]) / len(y)
    dZ1 = (dZ2 @ np.ones((1, 3))) * (1 - cache["A1"] ** 2)
    np.testing.assert_allclose(aligned["W1"], X.T @ dZ1)


def test_backward_rejects_bad_inputs():
    params, X, y = random_problem((2, 3, 1))
    _, cache = forward(params, X)
    with pytest.raises(TypeError, match="call forward first"):
        backward(params, {"A0": X}, y)
    with pytest.raises(ValueError, match="one label per example"):
        backward(params, cache, y[:-1])
    with pytest.raises(ValueError, match="unknown loss"):
        backward(params, cache, y, loss="hinge")
    with pytest.raises(ValueError, match="can replace W2"):
        backward(params, cache, y, feedback_weights={"W1": params["W1"]})
    with pytest.raises(ValueError, match="must have the shape"):
        backward(params, cache, y, feedback_weights={"W2": np.ones((2, 2))})
    with pytest.raises(TypeError, match="None or a dict"):
        backward(params, cache, y, feedback_weights=np.ones((3, 1)))


# ---------------------------------------------------------------------------
# Numerical gradient and relative error
# ---------------------------------------------------------------------------


def test_numerical_gradient_of_a_quadratic_and_params_unchanged():
    params = {"a": np.array([1.0, -2.0]), "b": np.array([[3.0]])}
    before = {name: value.copy() for name, value in params.items()}

    def loss(p):
        return float(np.sum(p["a"] ** 2) + 5 * p["b"][0, 0])

    grads = numerical_gradient(loss, params)
    np.testing.assert_allclose(grads["a"], [2.0, -4.0], atol=1e-6)
    np.testing.assert_allclose(grads["b"], [[5.0]], atol=1e-6)
    assert all(np.array_equal(params[k], before[k]) for k in params)


def test_numerical_gradient_rejects_bad_inputs():
    params = {"a": np.zeros(2)}
    with pytest.raises(TypeError, match="function of params"):
        numerical_gradient(3.0, params)
    with pytest.raises(TypeError, match="non-empty dict"):
        numerical_gradient(lambda p: 0.0, {})
    with pytest.raises(ValueError, match="small positive number"):
        numerical_gradient(lambda p: 0.0, params, eps=0.0)


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1.0], [-1.0]) == pytest.approx(1.0)
    assert relative_error([1.0, 0.0], [1.0, 1e-8]) == pytest.approx(5e-9, rel=1e-3)
    with pytest.raises(ValueError, match="same shape"):
        relative_error([1.0, 2.0], [1.0])


def test_compare_gradients_rejects_different_keys():
    with pytest.raises(ValueError, match="same parameters"):
        compare_gradients({"W1": np.zeros(1)}, {"W2": np.zeros(1)})
    with pytest.raises(TypeError, match="dicts of arrays"):
        compare_gradients([np.zeros(1)], {"W1": np.zeros(1)})


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------


def test_training_solves_xor():
    X, y = load_logic_gate("xor")
    params, history = train_network(
        X, y, hidden_units=(4,), learning_rate=1.0, num_epochs=1000, seed=0
    )
    assert error_rate(y, predict_proba(params, X)) == 0.0
    assert len(history["loss"]) == 1000
    assert history["loss"][-1] < 0.05 < history["loss"][0]


def test_a_single_neuron_cannot_solve_xor():
    X, y = load_logic_gate("xor")
    params, _ = train_network(
        X, y, hidden_units=(), learning_rate=1.0, num_epochs=1000, seed=0
    )
    assert error_rate(y, predict_proba(params, X)) >= 0.25


def test_training_loss_matches_a_hand_written_loop():
    params, X, y = random_problem((2, 3, 1), m=10)
    trained, history = train_network(
        X, y, params=params, learning_rate=0.3, num_epochs=5, record_at=(0, 2, 5)
    )
    current = {k: v.copy() for k, v in params.items()}
    for epoch in range(5):
        y_pred, cache = forward(current, X)
        assert history["loss"][epoch] == pytest.approx(binary_cross_entropy(y, y_pred))
        grads = backward(current, cache, y)
        current = {k: current[k] - 0.3 * grads[k] for k in current}
        if epoch == 1:
            np.testing.assert_allclose(history["snapshots"][2]["W1"], current["W1"])
    for name in params:
        np.testing.assert_allclose(trained[name], current[name])
    np.testing.assert_allclose(history["snapshots"][0]["W1"], params["W1"])
    np.testing.assert_allclose(history["snapshots"][5]["W2"], trained["W2"])
    # The starting parameters were copied, not changed.
    assert not np.allclose(params["W1"], trained["W1"])


def test_training_stops_when_the_loss_is_no_longer_a_number():
    X, y = load_logic_gate("xor")
    with np.errstate(all="ignore"):
        _, history = train_network(
            X,
            y,
            hidden_units=(4,),
            hidden_activation="relu",
            loss="mse",
            learning_rate=1e300,
            num_epochs=50,
        )
    assert len(history["loss"]) < 50
    assert not np.isfinite(history["loss"][-1])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"learning_rate": 0.0}, ValueError, "must be positive"),
        ({"learning_rate": "fast"}, TypeError, "must be a number"),
        ({"num_epochs": 0}, ValueError, "at least 1"),
        ({"num_epochs": 10, "record_at": (11,)}, ValueError, "at most 10"),
        ({"hidden_units": 8}, TypeError, "list or tuple"),
        ({"loss": "hinge"}, ValueError, "unknown loss"),
        (
            {"params": {"W1": np.zeros((3, 1)), "b1": np.zeros(1)}},
            ValueError,
            "has 3 inputs",
        ),
    ],
)
def test_training_rejects_bad_settings(kwargs, error, message):
    X, y = load_logic_gate("xor")
    with pytest.raises(error, match=message):
        train_network(X, y, **kwargs)


def test_training_rejects_bad_data():
    X, y = load_logic_gate("xor")
    with pytest.raises(ValueError, match="one label per row"):
        train_network(X, y[:3])
    with pytest.raises(ValueError, match="labels 0 and 1"):
        train_network(X, y + 1)
