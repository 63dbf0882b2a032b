"""Chapter 12's checks accept the solutions and reject typical wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks.applications import (
    check_diagnostic_rates,
    check_karate_jaccard,
    check_recall_at_k,
    check_threshold_experiment,
)

# --- Jaccard of members 0 and 33 (4 shared friends, 29 in the union) -------------


@pytest.mark.parametrize(
    "answer",
    [4 / 29, 0.138, 0.1379, np.float32(4 / 29), np.array(4 / 29), np.array([4 / 29])],
)
def test_jaccard_accepts_the_solution(answer):
    assert check_karate_jaccard(answer).passed


@pytest.mark.parametrize(
    ("answer", "clue"),
    [
        (4, "number of common friends"),
        (np.int64(4), "number of common friends"),
        (4.0, "number of common friends"),
        (4 / 33, "counts the shared friends twice"),
        (4 / 16, "only one of the two"),
        (4 / 17, "only one of the two"),
        (4 / 31, "0 and 33 themselves"),
        (25 / 29, "one minus"),
        (0.5, "not the Jaccard coefficient"),
        ("0.138", "one number"),
        ([0.1, 0.2], "one number"),
        (np.array([0.1, 0.2]), "one number"),
        (float("inf"), "one finite number"),
    ],
)
def test_jaccard_rejects_typical_mistakes(answer, clue):
    feedback = check_karate_jaccard(answer)
    assert feedback.passed is False
    assert clue in feedback.message


def test_jaccard_placeholder():
    assert check_karate_jaccard(...).passed is None


# --- recall at k ---------------------------------------------------------------------------


def solution(ranked, relevant, k):
    relevant = set(relevant)
    return sum(item in relevant for item in ranked[:k]) / len(relevant)


@pytest.mark.parametrize(
    "function",
    [
        solution,
        lambda ranked, relevant, k: np.float64(solution(ranked, relevant, k)),
        lambda ranked, relevant, k: np.array([solution(ranked, relevant, k)]),
        lambda ranked, relevant, k: (
            np.isin(ranked[:k], relevant).sum() / len(relevant)
            if not isinstance(ranked[0], tuple)
            else solution(ranked, relevant, k)
        ),
    ],
)
def test_recall_accepts_the_solution(function):
    assert check_recall_at_k(function).passed


@pytest.mark.parametrize(
    ("function", "clue"),
    [
        (
            lambda ranked, relevant, k: sum(x in relevant for x in ranked[:k]) / k,
            "precision at k",
        ),
        (
            lambda ranked, relevant, k: sum(x in relevant for x in ranked[:k]),
            "number of hits",
        ),
        (
            lambda ranked, relevant, k: (
                sum(x in relevant for x in ranked) / len(relevant)
            ),
            "whole",
        ),
        (lambda ranked, relevant, k: 0.42, "instead of"),
        (lambda ranked, relevant, k: "half", "one number"),
        (lambda ranked, relevant, k: [0.5, 0.5], "one number"),
        (lambda ranked, relevant, k: 1 / 0, "ZeroDivisionError"),
        (solution(["a"], ["a"], 1), "pass your function itself"),
    ],
)
def test_recall_rejects_typical_mistakes(function, clue):
    feedback = check_recall_at_k(function)
    assert feedback.passed is False
    assert clue in feedback.message


def test_recall_placeholder():
    def untouched(ranked, relevant, k):
        ...
        return ...

    assert check_recall_at_k(untouched).passed is None
    assert check_recall_at_k(...).passed is None


# --- sensitivity and specificity of [[85, 15], [4, 36]] ------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        (36 / 40, 85 / 100),
        (0.9, 0.85),
        (0.90, 0.851),
        (np.float64(0.9), np.array(0.85)),
        (np.array([0.9]), np.float32(0.85)),
    ],
)
def test_diagnostic_accepts_the_solution(answer):
    assert check_diagnostic_rates(*answer).passed


@pytest.mark.parametrize(
    ("answer", "clue"),
    [
        ((0.85, 0.9), "swapped"),
        ((36 / 51, 0.85), "precision"),
        ((0.9, 85 / 89), "negative predictive value"),
        ((121 / 140, 0.85), "accuracy"),
        ((0.9, 0.15), "false positive rate"),
        ((0.1, 0.85), "false negative rate"),
        ((90, 85), "percentage"),
        ((0.5, 0.85), "sensitivity (0.500) is not right"),
        ((0.9, float("nan")), "one finite number"),
        (("0.9", 0.85), "one number"),
        ((np.array([0.9, 0.85]), 0.85), "one number"),
        ((36, 0.85), "not right"),
    ],
)
def test_diagnostic_rejects_typical_mistakes(answer, clue):
    feedback = check_diagnostic_rates(*answer)
    assert feedback.passed is False
    assert clue in feedback.message


def test_diagnostic_placeholder():
    assert check_diagnostic_rates(..., ...).passed is None
    assert check_diagnostic_rates(0.9, ...).passed is None


# --- experiment: a threshold that allows a miss ------------------------------------


@pytest.fixture(scope="module")
def diagnosis():
    """A small model trained as the chapter trains diagnosis_model, and the masses."""
    import os

    from utils.environment import TENSORFLOW_ENVIRONMENT

    os.environ.update(TENSORFLOW_ENVIRONMENT)
    import keras

    from utils.checks.applications import _diagnosis_splits

    keras.utils.set_random_seed(0)
    splits = _diagnosis_splits()
    X_tune, y_tune = splits["tune"]
    normalizer = keras.layers.Normalization()
    normalizer.adapt(X_tune)
    model = keras.Sequential(
        [
            keras.Input(shape=(X_tune.shape[1],)),
            normalizer,
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    model.fit(X_tune, y_tune, epochs=30, verbose=0)
    return model, splits


def measure(model, splits, allowed_misses, part="test"):
    """The exercise's solution: threshold from the tuning set, rates on `part`."""
    (X_tune, y_tune), (X, y) = splits["tune"], splits[part]
    tune = model(X_tune, training=False).numpy().ravel()
    threshold = float(np.sort(tune[y_tune == 1])[allowed_misses])
    flagged = model(X, training=False).numpy().ravel() >= threshold
    return threshold, flagged[y == 1].mean(), (~flagged[y == 0]).mean()


@pytest.mark.parametrize("allowed_misses", [1, 2])
def test_threshold_accepts_the_solution(diagnosis, allowed_misses, capsys):
    model, splits = diagnosis
    threshold, sensitivity, specificity = measure(model, splits, allowed_misses)
    assert check_threshold_experiment(model, threshold, sensitivity, specificity).passed
    assert "✅" in capsys.readouterr().out


def test_threshold_rejects_wrong_procedures_and_measurements(diagnosis):
    model, splits = diagnosis
    threshold, sensitivity, specificity = measure(model, splits, 1)
    section, *section_rates = measure(model, splits, 0)
    _, *tune_rates = measure(model, splits, 1, part="tune")
    X_test, y_test = splits["test"]
    test = model(X_test, training=False).numpy().ravel()
    on_test = float(np.sort(test[y_test == 1])[1])
    cases = [
        ((threshold, specificity, sensitivity), "swapped"),
        ((threshold, *tune_rates), "tuning set"),
        ((threshold, 100 * sensitivity, 100 * specificity), "percentages"),
        ((threshold, sensitivity, specificity - 0.05), "not the model's"),
        ((section, *section_rates), "section's threshold"),
        ((on_test, sensitivity, specificity), "chosen on the test set"),
        ((0.5, sensitivity, specificity), "not the probability"),
        (("0.3", sensitivity, specificity), "not one number"),
    ]
    if tune_rates == [sensitivity, specificity]:  # pragma: no cover - a tie
        cases.pop(1)
    for arguments, phrase in cases:
        feedback = check_threshold_experiment(model, *arguments)
        assert feedback.passed is False, arguments
        assert phrase in feedback.message, (phrase, feedback.message)


def test_threshold_rejects_something_that_is_not_the_model():
    feedback = check_threshold_experiment(lambda X, training: X, 0.3, 0.9, 0.9)
    assert feedback.passed is False
    assert "one probability per mass" in feedback.message


def test_threshold_reports_placeholders_as_not_attempted(diagnosis):
    model, _ = diagnosis
    assert check_threshold_experiment(model, ..., ..., ...).passed is None
