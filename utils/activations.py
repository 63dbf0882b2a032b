"""The five activation functions of the book, in plain NumPy.

Chapter 1, "Biological and artificial neurons", section "Activation
functions", gives their formulas and checks these against Keras; chapters 2,
4, 6, 7 and 11 import them.
"""

from __future__ import annotations

import numpy as np

from utils.validation import as_float_array, require_number

__all__ = ["leaky_relu", "relu", "sigmoid", "step", "tanh"]


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
