"""Exercise checks for chapter 1, "Biological and artificial neurons"."""

from __future__ import annotations

import numpy as np

from utils.activations import sigmoid, step
from utils.checks import (
    Feedback,
    correct,
    exercise_check,
    is_placeholder,
    not_attempted,
    not_yet,
)
from utils.data import load_logic_gate

__all__ = [
    "check_and_weights",
    "check_parameter_count",
    "check_sigmoid",
    "check_xor_network",
]


def _as_vector(value, name: str, length: int) -> np.ndarray | Feedback:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return not_yet(f"{name} should be numbers, but it is {type(value).__name__}.")
    if array.shape != (length,):
        return not_yet(
            f"{name} should hold {length} numbers (shape ({length},)), "
            f"but its shape is {array.shape}.",
            f"write it as np.array([...]) with {length} values.",
        )
    return array


@exercise_check
def check_and_weights(weights, bias) -> Feedback:
    """Exercise "Weights for AND": a step neuron that computes AND."""
    weights = _as_vector(weights, "weights", 2)
    if isinstance(weights, Feedback):
        return weights
    if np.ndim(bias) != 0:
        return not_yet("bias should be one number.")
    X, y = load_logic_gate("and")
    predicted = step(X @ weights + float(bias))
    wrong = [
        tuple(int(v) for v in x)
        for x, p, t in zip(X, predicted, y, strict=True)
        if p != t
    ]
    if not wrong:
        return correct(
            "Your neuron fires only when both inputs are 1. Any weights and bias work "
            "for which w1 + b and w2 + b are negative and w1 + w2 + b is not."
        )
    if np.array_equal(predicted, load_logic_gate("or")[1]):
        return not_yet(
            "your neuron computes OR: it fires when just one input is 1.",
            "lower the bias so that one input alone stays below the threshold.",
        )
    return not_yet(
        f"your neuron gets the wrong answer for the input(s) {wrong}.",
        "the weighted sum plus bias must be >= 0 only for (1, 1).",
    )


@exercise_check
def check_sigmoid(function) -> Feedback:
    """Exercise "Write the sigmoid": compare the learner's function with ours."""
    if not callable(function):
        return not_yet(
            f"pass your function itself (my_sigmoid), not {type(function).__name__}."
        )
    z = np.array([-5.0, -1.0, -0.5, 0.0, 0.5, 1.0, 5.0])
    with np.errstate(all="ignore"):
        answer = function(z)
    if is_placeholder(answer):
        return not_attempted("my_sigmoid (its return line)")
    answer = np.asarray(answer, dtype=float)
    if answer.shape != z.shape:
        return not_yet(
            f"for 7 inputs your function returned shape {answer.shape}, not (7,).",
            "use NumPy operations (np.exp), which work element by element.",
        )
    expected = sigmoid(z)
    if np.allclose(answer, 1 - expected):
        return not_yet(
            "your function is the sigmoid mirrored: it gives 1 - sigmoid(z).",
            "check the sign inside the exponential: sigmoid(z) = 1 / (1 + exp(-z)).",
        )
    if not np.allclose(answer, expected, atol=1e-6):
        worst = int(np.argmax(np.abs(answer - expected)))
        return not_yet(
            f"for z = {z[worst]:g} your function gives {answer[worst]:.4f}, "
            f"but sigmoid(z) = {expected[worst]:.4f}.",
            "sigmoid(z) = 1 / (1 + exp(-z)); sigmoid(0) must be 0.5.",
        )
    return correct("Your sigmoid matches: 0.5 at zero, near 0 and 1 in the tails.")


#: The network of the exercise "Count the parameters".
PARAMETER_EXERCISE_LAYERS = (4, 5, 3)


@exercise_check
def check_parameter_count(answer) -> Feedback:
    """Exercise "Count the parameters" of a 4-5-3 fully connected network."""
    sizes = PARAMETER_EXERCISE_LAYERS
    weights = sum(a * b for a, b in zip(sizes, sizes[1:], strict=False))
    biases = sum(sizes[1:])
    if isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        return not_yet(f"give a whole number, not {type(answer).__name__} {answer!r}.")
    if answer == weights + biases:
        return correct(
            f"{weights} weights (4x5 + 5x3) and {biases} biases (5 + 3): "
            f"{weights + biases} parameters."
        )
    if answer == weights:
        return not_yet(
            f"{answer} counts the weights but not the biases.",
            "every unit of the hidden and output layers also has a bias.",
        )
    if answer == weights + biases + sizes[0]:
        return not_yet(
            f"{answer} gives the input layer biases too.",
            "the input layer only holds the input; it computes nothing and has no bias.",
        )
    return not_yet(
        f"{answer} is not the number of parameters.",
        "between two layers of m and n units there are m x n weights; add one bias "
        "per unit that computes something.",
    )


@exercise_check
def check_xor_network(W1, b1, w2, b2) -> Feedback:
    """Exercise "XOR with a hidden layer": a 2-2-1 network of step units."""
    W1 = np.asarray(W1, dtype=float)
    if W1.shape != (2, 2):
        return not_yet(
            f"W1 should be 2x2 (2 inputs -> 2 hidden units), but its shape is {W1.shape}."
        )
    b1 = _as_vector(b1, "b1", 2)
    if isinstance(b1, Feedback):
        return b1
    w2 = _as_vector(w2, "w2", 2)
    if isinstance(w2, Feedback):
        return w2
    if np.ndim(b2) != 0:
        return not_yet("b2 should be one number: the output unit's bias.")
    X, y = load_logic_gate("xor")
    hidden = step(X @ W1 + b1)
    output = step(hidden @ w2 + float(b2))
    if np.array_equal(output, y):
        return correct(
            "Each hidden unit draws one line, and the output unit combines the regions "
            "they cut out: something no single neuron can do."
        )
    wrong = [
        tuple(int(v) for v in x) for x, o, t in zip(X, output, y, strict=True) if o != t
    ]
    return not_yet(
        f"the network is wrong for the input(s) {wrong}.",
        "make one hidden unit an OR and the other a NAND, then let the output unit "
        "compute the AND of the two.",
    )
