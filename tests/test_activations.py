"""utils.activations: formulas against Keras, the neuron, the perceptron."""

from __future__ import annotations

import numpy as np
import pytest

from utils.activations import (
    ACTIVATIONS,
    Perceptron,
    leaky_relu,
    neuron_output,
    relu,
    sigmoid,
    step,
    tanh,
)
from utils.data import load_logic_gate

Z = np.linspace(-30, 30, 241)


def test_step_is_one_from_zero_up():
    np.testing.assert_array_equal(step([-1.0, -1e-9, 0.0, 2.0]), [0, 0, 1, 1])


@pytest.mark.parametrize(
    ("ours", "reference"),
    [
        (sigmoid, lambda z: 1 / (1 + np.exp(-z))),
        (tanh, np.tanh),
        (relu, lambda z: np.where(z > 0, z, 0.0)),
        (lambda z: leaky_relu(z, alpha=0.2), lambda z: np.where(z > 0, z, 0.2 * z)),
    ],
)
def test_activations_match_their_formulas(ours, reference):
    with np.errstate(over="ignore"):
        np.testing.assert_allclose(ours(Z), reference(Z), atol=1e-12)


def test_activations_match_keras():
    import keras

    z = Z.astype("float32")
    pairs = {
        "sigmoid": keras.activations.sigmoid,
        "tanh": keras.activations.tanh,
        "relu": keras.activations.relu,
    }
    for name, function in pairs.items():
        np.testing.assert_allclose(
            ACTIVATIONS[name](z), keras.ops.convert_to_numpy(function(z)), atol=1e-6
        )
    keras_leaky = keras.ops.convert_to_numpy(
        keras.activations.leaky_relu(z, negative_slope=0.1)
    )
    np.testing.assert_allclose(leaky_relu(z, alpha=0.1), keras_leaky, atol=1e-6)


def test_sigmoid_does_not_overflow_for_large_inputs():
    with np.errstate(over="raise", invalid="raise"):
        values = sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(values, [0.0, 0.5, 1.0])


def test_activations_keep_the_shape():
    z = np.arange(12.0).reshape(3, 4) - 6
    for function in ACTIVATIONS.values():
        assert function(z).shape == (3, 4)


def test_activation_rejects_text():
    with pytest.raises(TypeError, match="z must be an array of numbers"):
        relu(["a", "b"])


def test_leaky_relu_rejects_a_slope_outside_zero_to_one():
    with pytest.raises(ValueError, match="alpha"):
        leaky_relu(1.0, alpha=1.5)


def test_neuron_output_for_one_input_and_a_batch():
    w = np.array([0.8, 0.2, -0.5])
    x = np.array([0.5, -1.0, 2.0])
    assert neuron_output(x, w, 0.1, activation="relu") == pytest.approx(0.0)
    assert neuron_output(x, w, 0.1, activation=lambda z: z) == pytest.approx(-0.7)
    batch = np.stack([x, -x])
    np.testing.assert_allclose(neuron_output(batch, w, 0.1), sigmoid(batch @ w + 0.1))


def test_neuron_output_explains_a_weight_count_mismatch():
    with pytest.raises(ValueError, match="one weight per input"):
        neuron_output(np.ones(3), np.ones(2))


def test_neuron_output_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        neuron_output(np.ones(2), np.ones(2), activation="softplus")


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
def test_perceptron_learns_linearly_separable_gates(gate):
    X, y = load_logic_gate(gate)
    perceptron = Perceptron(2, learning_rate=0.1).fit(X, y, epochs=50)
    np.testing.assert_array_equal(perceptron.predict(X), y)
    assert perceptron.errors_per_epoch[-1] == 0


def test_perceptron_cannot_learn_xor():
    X, y = load_logic_gate("xor")
    perceptron = Perceptron(2, learning_rate=0.1).fit(X, y, epochs=200)
    assert len(perceptron.errors_per_epoch) == 200
    assert min(perceptron.errors_per_epoch) > 0
    assert (perceptron.predict(X) == y).sum() < 4


def test_perceptron_validates_its_inputs():
    perceptron = Perceptron(2)
    with pytest.raises(ValueError, match="one column per input"):
        perceptron.predict(np.ones((4, 3)))
    with pytest.raises(ValueError, match="one label per row"):
        perceptron.fit(np.ones((4, 2)), np.ones(3))
    with pytest.raises(ValueError, match="labels 0 and 1"):
        perceptron.fit(np.ones((2, 2)), np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="learning_rate must be positive"):
        Perceptron(2, learning_rate=0)
