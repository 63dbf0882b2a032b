"""Activation functions, a single artificial neuron, and the perceptron.

Taught in chapter 1, "Biological and artificial neurons". Everything here is
plain NumPy so that the formulas are visible; later chapters use Keras.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.validation import as_float_array, require_int, require_number

__all__ = [
    "ACTIVATIONS",
    "Perceptron",
    "leaky_relu",
    "neuron_output",
    "relu",
    "sigmoid",
    "step",
    "tanh",
]


def step(z):
    """Heaviside step: 1 where ``z >= 0``, else 0 (the perceptron's threshold).

    Chapter 1, section "Activation functions".
    """
    z = as_float_array(z, "z")
    return np.where(z >= 0, 1.0, 0.0)


def sigmoid(z):
    """Logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow.

    Chapter 1, section "Activation functions".
    """
    z = as_float_array(z, "z")
    # exp of a large positive number overflows; use the symmetric form instead.
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


def tanh(z):
    """Hyperbolic tangent, a sigmoid rescaled to (-1, 1).

    Chapter 1, section "Activation functions".
    """
    return np.tanh(as_float_array(z, "z"))


def relu(z):
    """Rectified linear unit ``max(0, z)``.

    Chapter 1, section "Activation functions".
    """
    return np.maximum(0.0, as_float_array(z, "z"))


def leaky_relu(z, alpha: float = 0.01):
    """Leaky ReLU: ``z`` where positive, ``alpha * z`` elsewhere.

    Chapter 1, section "Activation functions".
    """
    alpha = require_number(alpha, "alpha")
    if not 0 <= alpha < 1:
        raise ValueError(
            f"alpha is the slope for negative inputs and must be in [0, 1), got {alpha}."
        )
    z = as_float_array(z, "z")
    return np.where(z >= 0, z, alpha * z)


#: The activation functions of chapter 1 by name.
ACTIVATIONS: dict[str, Callable] = {
    "step": step,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
}


def _activation(name_or_function: str | Callable) -> Callable:
    if callable(name_or_function):
        return name_or_function
    if name_or_function not in ACTIVATIONS:
        known = ", ".join(repr(name) for name in ACTIVATIONS)
        raise ValueError(
            f"unknown activation {name_or_function!r}; choose one of {known}."
        )
    return ACTIVATIONS[name_or_function]


def neuron_output(
    inputs, weights, bias: float = 0.0, activation: str | Callable = "sigmoid"
):
    """The output of one artificial neuron: ``activation(inputs @ weights + bias)``.

    Parameters
    ----------
    inputs:
        One input vector of shape ``(n,)`` or a batch of shape ``(m, n)``.
    weights:
        The ``n`` connection weights.
    bias:
        The bias (minus the threshold).
    activation:
        A name from :data:`ACTIVATIONS` or a function.

    Chapter 1, section "One artificial neuron in NumPy".
    """
    inputs = as_float_array(inputs, "inputs", ndim=(1, 2))
    weights = as_float_array(weights, "weights", ndim=1)
    bias = require_number(bias, "bias")
    if inputs.shape[-1] != weights.shape[0]:
        raise ValueError(
            f"each input has {inputs.shape[-1]} values but there are {weights.shape[0]} "
            "weights; a neuron needs exactly one weight per input."
        )
    return _activation(activation)(inputs @ weights + bias)


class Perceptron:
    """Rosenblatt's perceptron: a step-activated neuron and its learning rule.

    After each example, the rule moves the weights by
    ``learning_rate * (target - prediction) * x`` (and the bias likewise), so
    nothing changes when the prediction is right.

    Chapter 1, section "The perceptron learns AND and OR, but not XOR".
    """

    def __init__(self, n_inputs: int = 2, learning_rate: float = 0.1):
        self.n_inputs = require_int(n_inputs, "n_inputs", minimum=1)
        self.learning_rate = require_number(learning_rate, "learning_rate")
        if self.learning_rate <= 0:
            raise ValueError(
                f"learning_rate must be positive, got {self.learning_rate}."
            )
        self.weights = np.zeros(self.n_inputs)
        self.bias = 0.0
        self.errors_per_epoch: list[int] = []

    def predict(self, X):
        """Predicted labels (0 or 1) for the rows of ``X``."""
        X = self._check_inputs(X)
        return step(X @ self.weights + self.bias)

    def fit(self, X, y, epochs: int = 20) -> Perceptron:
        """Apply the perceptron rule for ``epochs`` passes over the data.

        Stops early after an epoch with no mistakes. The number of mistakes in
        each epoch is kept in ``errors_per_epoch``.
        """
        X = self._check_inputs(X)
        y = as_float_array(y, "y", ndim=1)
        if len(y) != len(X):
            raise ValueError(
                f"X has {len(X)} rows but y has {len(y)} labels; give one label per row."
            )
        if not np.all(np.isin(y, (0.0, 1.0))):
            raise ValueError(
                "the perceptron learns labels 0 and 1; convert y to 0/1 first."
            )
        epochs = require_int(epochs, "epochs", minimum=1)
        self.errors_per_epoch = []
        for _ in range(epochs):
            mistakes = 0
            for x_i, target in zip(X, y, strict=True):
                error = target - step(x_i @ self.weights + self.bias)
                if error != 0:
                    mistakes += 1
                    self.weights = self.weights + self.learning_rate * error * x_i
                    self.bias = self.bias + self.learning_rate * float(error)
            self.errors_per_epoch.append(mistakes)
            if mistakes == 0:
                break
        return self

    def _check_inputs(self, X):
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.n_inputs:
            raise ValueError(
                f"this perceptron has {self.n_inputs} inputs but X has {X.shape[1]} "
                "columns; give one column per input."
            )
        return X

    def __repr__(self) -> str:
        return f"Perceptron(weights={self.weights}, bias={self.bias:.3g})"
