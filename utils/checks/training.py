"""Exercise checks for chapter 3, "Training a network well".

The checks do not reuse the chapter's code: each builds its own reference (the
softmax gradient in closed form, the momentum runs on its own copy of the
chapter's bowl, the bump network from the chapter's recipe), so that a check is
never a copy of the lesson it checks.
"""

from __future__ import annotations

import functools
from types import MappingProxyType

import numpy as np
from scipy.special import expit, softmax

from utils.checks import (
    Feedback,
    as_number,
    correct,
    exercise_check,
    is_placeholder,
    not_attempted,
    not_yet,
    returned_array,
    whole_number,
)

__all__ = [
    "BUMPS_TOLERANCE",
    "MOMENTUM_EXPERIMENT",
    "bump_error",
    "check_bumps_needed",
    "check_momentum_experiment",
    "check_softmax_gradient",
    "momentum_steps_needed",
]


# ---------------------------------------------------------------------------
# The softmax gradient, labels as class numbers
# ---------------------------------------------------------------------------


def _reference_gradient(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    one_hot = np.eye(logits.shape[1])[labels]
    return (softmax(logits, axis=1) - one_hot) / len(labels)


def _call(function, logits, labels):
    """The learner's gradient as an array of the logits' shape, or a Feedback."""
    return returned_array(
        function,
        logits.copy(),
        labels.copy(),
        name="sparse_softmax_gradient",
        shape=logits.shape,
        case=f"logits of shape {logits.shape}",
        hint="the gradient has one entry per logit: the same shape as `logits`.",
    )


@exercise_check
def check_softmax_gradient(function) -> Feedback:
    """Exercise "The softmax gradient": fresh random logits and labels each time."""
    rng = np.random.default_rng()
    m, k = int(rng.integers(5, 9)), int(rng.integers(3, 7))
    logits = rng.normal(0, 2, size=(m, k))
    labels = rng.integers(0, k, size=m)
    values = _call(function, logits, labels)
    if isinstance(values, Feedback):
        return values
    expected = _reference_gradient(logits, labels)
    if np.allclose(values, expected, rtol=1e-6, atol=1e-9):
        large = logits * 20 + 1000.0
        values = _call(function, large, labels)
        if isinstance(values, Feedback):
            return values
        if not np.all(np.isfinite(values)):
            return not_yet(
                "your gradient is right for small logits, but for logits near 1000 "
                "it contains nan or inf: np.exp overflows there.",
                "subtract each row's largest logit before np.exp; the softmax does "
                "not change.",
            )
        if not np.allclose(values, _reference_gradient(large, labels), atol=1e-9):
            return not_yet(
                "your gradient is right for small logits but not for logits near 1000.",
                "compute the softmax from logits minus each row's maximum.",
            )
        return correct(
            "(p - y) / m, right for small logits and for logits in the thousands. "
            "Each row sums to zero: raising every logit of an example by the same "
            "amount leaves the loss unchanged."
        )
    probabilities = softmax(logits, axis=1)
    one_hot = np.eye(k)[labels]
    mistakes = [
        (
            expected * m,
            f"your gradient is {m} times too large, the batch size.",
            "the loss is the mean over the batch, so divide by m = len(labels).",
        ),
        (
            -expected,
            "your gradient has the wrong sign.",
            "the loss falls as the true class's logit rises, so that entry of the "
            "gradient is negative.",
        ),
        (
            probabilities / m,
            "your function returns the probabilities (divided by m) without the "
            "labels' part.",
            "subtract 1 at each example's true class.",
        ),
        (
            probabilities,
            "your function returns the softmax probabilities themselves.",
            "the gradient is (p - y) / m, with y the one-hot labels.",
        ),
        (
            (softmax(logits, axis=0) - one_hot) / m,
            "your softmax normalises each column (over the batch), not each row.",
            "sum the exponentials over axis=1, with keepdims=True.",
        ),
        (
            -one_hot / np.maximum(probabilities, 1e-300) / m,
            "this is the gradient with respect to the probabilities, not the logits.",
            "go one step further back, through the softmax: the result simplifies "
            "to p - y.",
        ),
    ]
    for wrong, problem, hint in mistakes:
        if np.allclose(values, wrong, rtol=1e-6, atol=1e-9):
            return not_yet(problem, hint)
    row = int(np.argmax(np.abs(values - expected).max(axis=1)))
    return not_yet(
        f"your gradient differs from that of the mean cross-entropy (most in row "
        f"{row}, whose label is {labels[row]}).",
        "each row should be the softmax of that row's logits, minus 1 at the true "
        "class, divided by the batch size; so each row sums to zero.",
    )


# ---------------------------------------------------------------------------
# How much momentum?
# ---------------------------------------------------------------------------

#: The chapter's bowl and the exercise's settings (read-only, so that no code can
#: change the check's reference).
MOMENTUM_EXPERIMENT = MappingProxyType(
    {
        "curvatures": (1.0, 100.0),
        "turn_degrees": 30.0,
        "w_start": (-2.0, 1.0),
        "learning_rate": 0.01,
        "threshold": 1e-6,
        "max_steps": 5000,
    }
)


def _bowl() -> tuple[np.ndarray, np.ndarray]:
    turn = np.radians(MOMENTUM_EXPERIMENT["turn_degrees"])
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    A = rotation @ np.diag(MOMENTUM_EXPERIMENT["curvatures"]) @ rotation.T
    return A, np.array(MOMENTUM_EXPERIMENT["w_start"])


@functools.lru_cache(maxsize=64)
def momentum_steps_needed(momentum: float) -> int | None:
    """Steps of Keras-style momentum (v = mu v - lr g, w = w + v) on the bowl
    before 0.5 w'Aw first drops below the threshold; None if it does not within
    ``max_steps``."""
    A, w = _bowl()
    velocity = np.zeros(2)
    learning_rate = MOMENTUM_EXPERIMENT["learning_rate"]
    for step in range(MOMENTUM_EXPERIMENT["max_steps"] + 1):
        if 0.5 * w @ A @ w < MOMENTUM_EXPERIMENT["threshold"]:
            return step
        velocity = momentum * velocity - learning_rate * (A @ w)
        w = w + velocity
    return None


@exercise_check
def check_momentum_experiment(steps_needed, best_momentum) -> Feedback:
    """Exercise "How much momentum?": re-run every momentum the learner tried."""
    if not isinstance(steps_needed, dict):
        return not_yet(
            f"steps_needed should be a dict (momentum: steps), not "
            f"{type(steps_needed).__name__}."
        )
    if any(is_placeholder(key) for key in steps_needed):
        return not_attempted("the exercise 'momentum experiment'")
    counts = {}
    for key, value in steps_needed.items():
        momentum = as_number(key)
        if momentum is None or not 0 <= momentum < 1:
            return not_yet(
                f"{key!r} is not a momentum: use numbers from 0 up to (not "
                "including) 1 as the keys."
            )
        steps = whole_number(value)
        if steps is None or steps < 0:
            return not_yet(
                f"for momentum {momentum:g} you give {value!r}; give the number of "
                "steps, a whole number."
            )
        counts[momentum] = steps
    if len(counts) < 4 or 0 not in counts or max(counts) < 0.95:
        return not_yet(
            f"you tried {len(counts)} value(s) of the momentum: {sorted(counts)}.",
            "try at least four, including 0 (plain gradient descent) and values "
            "up to 0.99.",
        )
    measured = {momentum: momentum_steps_needed(momentum) for momentum in counts}
    for momentum in sorted(counts):
        if measured[momentum] is None:
            return not_yet(
                f"with momentum {momentum:g} the loss does not drop below "
                f"{MOMENTUM_EXPERIMENT['threshold']:g} within "
                f"{MOMENTUM_EXPERIMENT['max_steps']} steps, so it has no count.",
                "use values such as 0.99 rather than ones closer still to 1.",
            )
        if abs(measured[momentum] - counts[momentum]) > 1:
            return not_yet(
                f"for momentum {momentum:g} you counted {counts[momentum]} steps, "
                f"but re-running it takes {measured[momentum]}.",
                "for each momentum, start from w_start with a new, empty state, "
                "use learning_rate=0.01, and count the steps taken before the loss "
                "first drops below 1e-6.",
            )
    best = as_number(best_momentum)
    if best is None:
        return not_yet(
            f"best_momentum should be one number, a key of steps_needed, not "
            f"{best_momentum!r}."
        )
    fewest = min(measured.values())
    fastest = [momentum for momentum, steps in measured.items() if steps == fewest]
    if not any(np.isclose(best, m) for m in fastest):
        return not_yet(
            f"best_momentum is {best_momentum!r}, but in your own counts "
            f"momentum {fastest[0]:g} needs the fewest steps ({fewest}).",
            "set best_momentum to the key of steps_needed with the smallest count.",
        )
    largest = max(counts)
    return correct(
        f"Your counts match the re-run. Momentum {fastest[0]:g} needs {fewest} "
        f"steps, plain gradient descent {measured[0]}, and momentum {largest:g} "
        f"{measured[largest]}: too much momentum overshoots and oscillates."
    )


# ---------------------------------------------------------------------------
# How many bumps?
# ---------------------------------------------------------------------------

BUMPS_TOLERANCE = 0.05
_MAX_BUMPS = 2000


@functools.lru_cache(maxsize=4096)
def bump_error(n_bumps: int) -> float:
    """Largest error on 2001 points of [0, 1] of the chapter's sum of n bumps."""

    def target(x):
        return np.sin(2 * np.pi * x) + 0.5 * x

    x = np.linspace(0, 1, 2001)
    edges = np.linspace(0, 1, n_bumps + 1)
    edges[0], edges[-1] = -1.0, 2.0
    heights = target((np.arange(n_bumps) + 0.5) / n_bumps)
    s = 50.0 * n_bumps
    steps = expit(s * (x[:, None] - edges[None, :]))  # (2001, n + 1)
    approximation = (steps[:, :-1] - steps[:, 1:]) @ heights
    return float(np.abs(approximation - target(x)).max())


@exercise_check
def check_bumps_needed(n_bumps) -> Feedback:
    """Exercise "How many bumps?": the smallest n whose error is below 0.05."""
    n = whole_number(n_bumps)
    if n is None:
        return not_yet(
            f"n_bumps should be one whole number, not {n_bumps!r}.",
            "count bumps: 1, 2, 3, ...",
        )
    if not 1 <= n <= _MAX_BUMPS:
        return not_yet(f"n_bumps = {n} is not a sensible number of bumps.")
    error = bump_error(n)
    if error >= BUMPS_TOLERANCE:
        return not_yet(
            f"with {n} bumps the largest error is {error:.4f}, not below "
            f"{BUMPS_TOLERANCE}.",
            "add bumps until the largest error drops below the tolerance.",
        )
    smaller = next((m for m in range(1, n) if bump_error(m) < BUMPS_TOLERANCE), None)
    if smaller is not None:
        return not_yet(
            f"{n} bumps get below {BUMPS_TOLERANCE} (largest error {error:.4f}), "
            "but fewer bumps do too.",
            "look for the smallest number that works.",
        )
    return correct(
        f"{n} bumps ({2 * n} hidden units) give a largest error of {error:.4f}; "
        f"{n - 1} give {bump_error(n - 1):.4f}. The error falls like 1/n, so a "
        "tenfold smaller error needs about ten times as many units."
    )
