"""Exercise checks for chapter 1, "Biological and artificial neurons"."""

from __future__ import annotations

import numpy as np

from utils.activations import sigmoid, step
from utils.checks import (
    Feedback,
    as_array,
    as_number,
    correct,
    exercise_check,
    hidden_inputs,
    not_yet,
    returned_array,
    whole_number,
)
from utils.data import load_logic_gate

__all__ = [
    "check_and_weights",
    "check_parameter_count",
    "check_refractory_experiment",
    "check_sigmoid",
    "check_xor_network",
]


def _shape_problem(name: str, value, shape: tuple[int, ...]) -> Feedback | None:
    """A "not yet" if ``value`` is not an array of numbers of this shape."""
    if as_array(value, shape) is not None:
        return None
    array = as_array(value)
    found = "not numbers" if array is None else f"shape {array.shape}"
    return not_yet(
        f"{name} should be numbers of shape {shape}, but it is {found}.",
        f"write it as np.array([...]) with shape {shape}.",
    )


def _wrong_inputs(X, predicted, y) -> list[tuple[int, ...]]:
    return [
        tuple(int(v) for v in x)
        for x, p, t in zip(X, predicted, y, strict=True)
        if p != t
    ]


@exercise_check
def check_and_weights(weights, bias) -> Feedback:
    """Exercise "Weights for AND": a step neuron that computes AND."""
    problem = _shape_problem("weights", weights, (2,))
    if problem:
        return problem
    if as_number(bias) is None:
        return not_yet("bias should be one number.")
    X, y = load_logic_gate("and")
    predicted = step(X @ as_array(weights) + as_number(bias))
    wrong = _wrong_inputs(X, predicted, y)
    if not wrong:
        return correct(
            "Your neuron fires only when both inputs are 1. Any weights and bias work "
            "for which w1 + b and w2 + b are negative and w1 + w2 + b is not."
        )
    if np.array_equal(predicted, load_logic_gate("or")[1]):
        return not_yet(
            "your neuron computes OR: it fires when just one input is 1.",
            "one input alone must leave the weighted sum plus bias below 0.",
        )
    return not_yet(
        f"your neuron gets the wrong answer for the input(s) {wrong}.",
        "the weighted sum plus bias must be >= 0 only for (1, 1).",
    )


@exercise_check
def check_sigmoid(function) -> Feedback:
    """Exercise "Write the sigmoid": compare the learner's function with ours."""
    z = np.array([-5.0, -1.0, -0.5, 0.0, 0.5, 1.0, 5.0])
    if (hidden := hidden_inputs()) is not None:  # a graded run's unseen inputs
        z = np.concatenate([z, hidden.uniform(-8.0, 8.0, size=9)])
    expected = sigmoid(z)
    answer = returned_array(
        function,
        z.copy(),
        name="my_sigmoid",
        shape=z.shape,
        case=f"{z.size} inputs",
        hint="use NumPy operations (np.exp), which work element by element.",
    )
    if isinstance(answer, Feedback):
        return answer
    if np.allclose(answer, 1 - expected):
        return not_yet(
            "your function is the sigmoid mirrored: it gives 1 - sigmoid(z).",
            "check the sign inside the exponential.",
        )
    if not np.allclose(answer, expected, atol=1e-6):
        worst = int(np.argmax(np.abs(answer - expected)))
        return not_yet(
            f"for z = {z[worst]:g} your function gives {answer[worst]:.4f}, "
            "which is not sigmoid(z).",
            "sigmoid(0) must be 0.5, and the output must rise from 0 to 1.",
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
    count = whole_number(answer)
    if count is None:
        return not_yet(f"give one whole number, not {answer!r}.")
    if count == weights + biases:
        return correct(
            f"{weights} weights (4x5 + 5x3) and {biases} biases (5 + 3): "
            f"{weights + biases} parameters."
        )
    if count == weights:
        return not_yet(
            f"{count} counts the weights but not the biases.",
            "every unit of the hidden and output layers also has a bias.",
        )
    if count == weights + biases + sizes[0]:
        return not_yet(
            f"{count} gives the input layer biases too.",
            "the input layer only holds the input; it computes nothing and has no bias.",
        )
    return not_yet(
        f"{count} is not the number of parameters.",
        "between two layers of m and n units there are m x n weights; add one bias "
        "per unit that computes something.",
    )


@exercise_check
def check_xor_network(W1, b1, w2, b2) -> Feedback:
    """Exercise "XOR with a hidden layer": a 2-2-1 network of step units."""
    for name, value, shape in (("W1", W1, (2, 2)), ("b1", b1, (2,)), ("w2", w2, (2,))):
        problem = _shape_problem(name, value, shape)
        if problem:
            return problem
    if as_number(b2) is None:
        return not_yet("b2 should be one number: the output unit's bias.")
    X, y = load_logic_gate("xor")
    hidden = step(X @ as_array(W1) + as_array(b1))
    output = step(hidden @ as_array(w2) + as_number(b2))
    wrong = _wrong_inputs(X, output, y)
    if not wrong:
        return correct(
            "Each hidden unit draws one line, and the output unit combines the regions "
            "they cut out: something no single neuron can do."
        )
    return not_yet(
        f"the network is wrong for the input(s) {wrong}.",
        "work out each hidden unit's output for all four inputs first, then the "
        "output unit's.",
    )


# --------------------------------------------------------------------------
# Exercise "A longer refractory period" (an experiment)
# --------------------------------------------------------------------------

#: The chapter's leaky integrate-and-fire neuron (SI units) and the experiment's
#: input: 200 nA for 1 s.
LIF_NEURON = {
    "resting": -0.070,
    "threshold": -0.054,
    "reset": -0.080,
    "time_constant": 0.010,
    "resistance": 1e7,
    "dt": 2e-5,
}
LIF_EXPERIMENT = {"current": 200e-9, "duration": 1.0}


def _lif_rate(refractory: float) -> float:
    """Spikes per second of the chapter's neuron at the experiment's current,
    simulated here step by step exactly as the chapter's ``simulate_lif`` does."""
    n = LIF_NEURON
    pulled_to = n["resting"] + n["resistance"] * LIF_EXPERIMENT["current"]
    v, silent_until, spikes = n["resting"], 0, 0
    steps = round(LIF_EXPERIMENT["duration"] / n["dt"])
    for i in range(steps):
        v += n["dt"] / n["time_constant"] * (pulled_to - v)
        if i < silent_until:
            v = n["reset"]
        if v >= n["threshold"]:
            spikes += 1
            v = n["reset"]
            silent_until = i + round(refractory / n["dt"])
    return spikes / LIF_EXPERIMENT["duration"]


@exercise_check
def check_refractory_experiment(refractory, top_rate) -> Feedback:
    """Exercise "A longer refractory period": the rate the learner measured with
    ``simulate_lif`` must be the rate of the chapter's neuron with that period."""
    period, rate = as_number(refractory), as_number(top_rate)
    if period is None or rate is None:
        return not_yet("refractory and top_rate should each be one number.")
    if not 1e-4 <= period <= 0.05:
        return not_yet(
            f"a refractory period of {period:g} s is outside 0.1 ms to 50 ms.",
            "the period is in seconds: 5 ms is 0.005.",
        )
    if np.isclose(period, 0.002):
        return not_yet("0.002 s is the chapter's period: try a different one.")
    expected = _lif_rate(period)
    if np.isclose(rate, expected, rtol=1e-6):
        return correct(
            f"With {period * 1000:g} ms of silence after each spike the neuron fires "
            f"{expected:.0f} times a second at 200 nA, against a ceiling of "
            f"1 / refractory = {1 / period:.0f}: the period sets the top of the curve."
        )
    if np.isclose(rate, expected / 1000, rtol=1e-6):
        return not_yet(
            "top_rate is in spikes per millisecond.",
            "give it in spikes per second: the spike count divided by the duration in s.",
        )
    return not_yet(
        f"the neuron with a {period * 1000:g} ms refractory period fires at a "
        f"different rate from your top_rate ({rate:g}) at 200 nA over 1 s.",
        "set refractory first, then call simulate_lif(200e-9, duration=1.0) and "
        "divide its spike count by the duration.",
    )
