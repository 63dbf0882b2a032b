"""Tests of the chapter 3 exercise checks: accept the solution, in any numeric
form; reject each typical mistake with its own diagnosis; report placeholders;
never raise."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from utils.checks.training import (
    BUMPS_TOLERANCE,
    MOMENTUM_EXPERIMENT,
    bump_error,
    check_bumps_needed,
    check_momentum_experiment,
    check_softmax_gradient,
    momentum_steps_needed,
)


@pytest.fixture(scope="module")
def tf():
    """TensorFlow, imported only by the tests that need it."""
    import tensorflow

    return tensorflow


# ---------------------------------------------------------------------------
# The softmax gradient
# ---------------------------------------------------------------------------


def stable_softmax(logits, axis=1):
    exps = np.exp(logits - logits.max(axis=axis, keepdims=True))
    return exps / exps.sum(axis=axis, keepdims=True)


def one_hot(logits, labels):
    return np.eye(logits.shape[1])[labels]


def solution(logits, labels):
    return (stable_softmax(logits) - one_hot(logits, labels)) / len(labels)


def test_softmax_gradient_accepts_the_solution_many_times():
    for _ in range(20):  # fresh random inputs each time
        assert check_softmax_gradient(solution).passed is True


def test_softmax_gradient_agrees_with_keras_sparse_loss(tf):
    """The check's reference is the gradient of Keras' own sparse loss."""
    import keras

    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, size=(6, 4))
    labels = rng.integers(0, 4, size=6)
    variable = tf.Variable(logits)
    loss_function = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        loss = loss_function(labels, variable)
    np.testing.assert_allclose(
        solution(logits, labels), tape.gradient(loss, variable).numpy(), atol=1e-6
    )


def test_softmax_gradient_accepts_lists_and_tensors(tf):
    assert check_softmax_gradient(lambda z, y: solution(z, y).tolist()).passed
    assert check_softmax_gradient(lambda z, y: tf.constant(solution(z, y))).passed


def test_softmax_gradient_placeholder_is_not_attempted():
    assert check_softmax_gradient(...).passed is None
    assert check_softmax_gradient(lambda z, y: ...).passed is None


def naive(logits, labels):
    exps = np.exp(logits)
    return (exps / exps.sum(axis=1, keepdims=True) - one_hot(logits, labels)) / len(
        labels
    )


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (naive, "np.exp overflows"),
        (lambda z, y: solution(z, y) * len(y), "the batch size"),
        (lambda z, y: -solution(z, y), "wrong sign"),
        (lambda z, y: stable_softmax(z) / len(y), "without the labels"),
        (lambda z, y: stable_softmax(z), "probabilities themselves"),
        (
            lambda z, y: (stable_softmax(z, axis=0) - one_hot(z, y)) / len(y),
            "normalises each column",
        ),
        (
            lambda z, y: -one_hot(z, y) / stable_softmax(z) / len(y),
            "with respect to the probabilities",
        ),
        (lambda z, y: solution(z, y) + 0.01, "differs from that of the mean"),
        (lambda z, y: solution(z, y)[:, :-1], "of shape"),
        (lambda z, y: float(solution(z, y).sum()), "of shape"),
        (lambda z, y: "p - y", "of shape"),
        (lambda z, y: None, "returned None"),
        (lambda z, y: z[len(z) + 5], "IndexError"),
        (0.5, "pass your function itself"),
    ],
)
def test_softmax_gradient_rejects_typical_mistakes(function, message):
    feedback = check_softmax_gradient(function)
    assert feedback.passed is False
    assert message in feedback.message, feedback.message


# ---------------------------------------------------------------------------
# How much momentum?
# ---------------------------------------------------------------------------


def bowl_counts(momenta):
    """The exercise measured independently: the chapter's momentum_step
    convention, one weight dict, counting steps until the loss is small."""
    turn = np.radians(30)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    A = rotation @ np.diag([1.0, 100.0]) @ rotation.T
    counts = {}
    for mu in momenta:
        w, velocity, steps = np.array([-2.0, 1.0]), 0.0, 0
        while 0.5 * w @ A @ w >= 1e-6:
            velocity = mu * velocity - 0.01 * A @ w
            w = w + velocity
            steps += 1
        counts[mu] = steps
    return counts


MOMENTA = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)


@pytest.fixture(scope="module")
def counts():
    return bowl_counts(MOMENTA)


def test_momentum_settings_cannot_be_changed():
    with pytest.raises(TypeError):
        MOMENTUM_EXPERIMENT["threshold"] = 1.0


def test_momentum_check_reruns_the_same_experiment(counts):
    for mu, steps in counts.items():
        assert momentum_steps_needed(mu) == steps
    assert MOMENTUM_EXPERIMENT["learning_rate"] == 0.01


def test_momentum_experiment_accepts_the_solution(counts):
    best = min(counts, key=counts.get)
    assert 0 < best < 0.99  # the lesson: some momentum helps, too much does not
    assert check_momentum_experiment(counts, best).passed is True
    # Counts off by one (counting the start, say) and numbers of every type pass.
    shifted = {np.float32(mu): float(steps + 1) for mu, steps in counts.items()}
    assert check_momentum_experiment(shifted, np.array([best])).passed is True


def test_momentum_experiment_placeholder_is_not_attempted():
    assert check_momentum_experiment({...: ...}, ...).passed is None
    assert check_momentum_experiment(..., ...).passed is None


def test_momentum_experiment_rejects_typical_mistakes(counts):
    best = min(counts, key=counts.get)
    wrong_count = dict(counts)
    wrong_count[0.9] += 10
    typed = {mu: 100 for mu in counts}
    cases = [
        ((wrong_count, best), "re-running it takes"),
        ((typed, best), "re-running it takes"),
        (({0.0: counts[0.0], 0.9: counts[0.9]}, 0.9), "try at least four"),
        (({mu: counts[mu] for mu in MOMENTA[:4]}, best), "values up to 0.99"),
        ((counts, 0.99), "needs the fewest steps"),
        ((counts, "0.8"), "should be one number"),
        ((counts, [0.8, 0.9]), "should be one number"),
        (({**counts, 1.0: 5}, best), "is not a momentum"),
        (({**counts, 0.7: 12.5}, best), "a whole number"),
        (({**counts, 0.7: [1, 2]}, best), "a whole number"),
        (({**counts, 0.9999: 9000}, best), "within 5000 steps"),
        (([0.9], best), "should be a dict"),
    ]
    for (steps_needed, best_momentum), message in cases:
        feedback = check_momentum_experiment(steps_needed, best_momentum)
        assert feedback.passed is False, message
        assert message in feedback.message, feedback.message


# ---------------------------------------------------------------------------
# How many bumps?
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def smallest_bumps():
    n = 1
    while bump_error(n) >= BUMPS_TOLERANCE:
        n += 1
    return n


def test_bump_error_matches_an_independent_construction():
    from scipy.special import expit

    n = 8
    x = np.linspace(0, 1, 2001)
    target = np.sin(2 * np.pi * x) + 0.5 * x
    approximation = np.zeros_like(x)
    for k in range(n):
        left = -1.0 if k == 0 else k / n
        right = 2.0 if k == n - 1 else (k + 1) / n
        centre = (k + 0.5) / n
        height = np.sin(2 * np.pi * centre) + 0.5 * centre
        s = 50.0 * n
        approximation += height * (expit(s * (x - left)) - expit(s * (x - right)))
    assert bump_error(n) == pytest.approx(np.abs(approximation - target).max())


def test_bumps_accepts_the_solution_in_every_numeric_form():
    n = smallest_bumps()
    for answer in (n, float(n), np.int64(n), np.array([n])):
        assert check_bumps_needed(answer).passed is True


def test_bumps_placeholder_is_not_attempted():
    assert check_bumps_needed(...).passed is None


@pytest.mark.parametrize(
    ("offset", "message"),
    [(-1, "not below"), (-30, "not below"), (1, "fewer bumps do too")],
)
def test_bumps_rejects_too_few_and_too_many(offset, message):
    feedback = check_bumps_needed(smallest_bumps() + offset)
    assert feedback.passed is False
    assert message in feedback.message


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (68.5, "one whole number"),
        ([67, 68], "one whole number"),
        (np.array([67.0, 68.0]), "one whole number"),
        ("68", "one whole number"),
        (0, "not a sensible number"),
        (10**6, "not a sensible number"),
    ],
)
def test_bumps_rejects_odd_answers(answer, message):
    feedback = check_bumps_needed(answer)
    assert feedback.passed is False
    assert message in feedback.message
