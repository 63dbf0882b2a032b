"""utils.activations: the five activation functions against their formulas and Keras."""

from __future__ import annotations

import numpy as np
import pytest

from utils.activations import leaky_relu, relu, sigmoid, step, tanh

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
    ours = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu}
    for name, function in pairs.items():
        np.testing.assert_allclose(
            ours[name](z), keras.ops.convert_to_numpy(function(z)), atol=1e-6
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
    for function in (step, sigmoid, tanh, relu, leaky_relu):
        assert function(z).shape == (3, 4)


def test_activation_rejects_text():
    with pytest.raises(TypeError, match="z must be an array of numbers"):
        relu(["a", "b"])


def test_leaky_relu_rejects_a_slope_outside_zero_to_one():
    with pytest.raises(ValueError, match="alpha"):
        leaky_relu(1.0, alpha=1.5)
