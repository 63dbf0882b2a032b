"""Exercise checks for chapter 12, "Applications: friends, products and diagnosis"."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.checks import (
    Feedback,
    close_enough,
    correct,
    exercise_check,
    hidden_inputs,
    not_a_function,
    not_attempted,
    not_yet,
    one_number,
)

__all__ = [
    "TEST_COUNTS",
    "check_diagnostic_rates",
    "check_karate_jaccard",
    "check_recall_at_k",
    "check_threshold_experiment",
]

#: The confusion matrix of the diagnostic-test exercise: [[TN, FP], [FN, TP]].
TEST_COUNTS = np.array([[85, 15], [4, 36]])

#: The hint of an answer that is not one number.
_FRACTION = "compute a single fraction, for example 3 / 4."


@exercise_check
def check_karate_jaccard(answer) -> Feedback:
    """Jaccard coefficient of members 0 and 33 of the full karate club graph."""
    import networkx as nx

    answer = one_number(answer, "your answer", _FRACTION)
    if isinstance(answer, Feedback):
        return answer
    graph = nx.karate_club_graph()
    friends_0, friends_33 = set(graph[0]), set(graph[33])
    shared = len(friends_0 & friends_33)
    union = len(friends_0 | friends_33)
    expected = shared / union
    if close_enough(answer, expected, atol=5e-4):
        return correct(
            f"J = {shared} shared friends / {union} friends in all = {expected:.3f}. "
            "The two leaders share few friends: they led the two halves of the club."
        )
    if close_enough(answer, shared):
        return not_yet(
            f"{answer:g} is the number of common friends, not the Jaccard coefficient.",
            "divide it by the number of people who are friends of 0 or of 33 "
            "(the size of the union).",
        )
    if close_enough(answer, shared / (len(friends_0) + len(friends_33)), atol=5e-4):
        return not_yet(
            "you divided by the two numbers of friends added up, which counts the "
            "shared friends twice.",
            "use the union: len(friends_0 | friends_33).",
        )
    if any(
        close_enough(answer, shared / len(friends), atol=5e-4)
        for friends in (friends_0, friends_33)
    ):
        return not_yet(
            "you divided by the friends of only one of the two members.",
            "the Jaccard coefficient divides by the friends of either: the union.",
        )
    if close_enough(answer, shared / (union + 2), atol=5e-4):
        return not_yet(
            "you counted members 0 and 33 themselves in the union.",
            "use only their friends: set(G[0]) and set(G[33]).",
        )
    if close_enough(answer, 1 - expected, atol=5e-4):
        return not_yet(
            "that is one minus the Jaccard coefficient (a distance, not a similarity).",
            "shared friends divided by all their friends.",
        )
    return not_yet(
        f"{answer:.4g} is not the Jaccard coefficient of 0 and 33.",
        "len(set(G[0]) & set(G[33])) / len(set(G[0]) | set(G[33])).",
    )


#: (ranked, relevant, k, expected recall at k) for check_recall_at_k.
_RECALL_CASES = (
    ([(0, 1), (2, 3), (4, 5), (6, 7)], [(2, 3), (6, 7), (8, 9)], 2, 1 / 3),
    ([(0, 1), (2, 3), (4, 5), (6, 7)], [(2, 3), (6, 7), (8, 9)], 4, 2 / 3),
    ([(0, 1), (2, 3), (4, 5), (6, 7)], [(2, 3), (6, 7), (8, 9)], 1, 0.0),
    ([5, 2, 9, 7, 1], [9], 3, 1.0),
    ([5, 2, 9, 7, 1], [5, 2, 9, 7, 1, 3], 5, 5 / 6),
    (["a", "b", "c", "d"], ["d", "e"], 2, 0.0),
)


@exercise_check
def check_recall_at_k(function: Callable) -> Feedback:
    """A learner's recall at k, tried on several rankings."""
    if (problem := not_a_function(function, "my_recall_at_k")) is not None:
        return problem
    cases = list(_RECALL_CASES)
    if (hidden := hidden_inputs()) is not None:  # a graded run's unseen inputs
        for _ in range(6):
            ranked = [int(item) for item in hidden.permutation(30)[:10]]
            relevant = [
                int(item)
                for item in hidden.choice(30, hidden.integers(1, 8), replace=False)
            ]
            k = int(hidden.integers(1, 11))
            expected = sum(item in relevant for item in ranked[:k]) / len(relevant)
            cases.append((ranked, relevant, k, expected))
    for ranked, relevant, k, expected in cases:
        result = function(list(ranked), list(relevant), k)
        if result is Ellipsis:
            return not_attempted("the exercise 'recall at k'")
        value = one_number(result, "the function's result", _FRACTION)
        if isinstance(value, Feedback):
            return value
        if close_enough(value, expected):
            continue
        hits = sum(item in relevant for item in ranked[:k])
        case = f"ranked={ranked}, relevant={relevant}, k={k}"
        if close_enough(value, hits / k) and not close_enough(hits / k, expected):
            return not_yet(
                f"for {case} it returned {value:.3g}, the hits divided by k: "
                "that is precision at k, not recall.",
                "divide the hits by the number of relevant items.",
            )
        if close_enough(value, hits) and not close_enough(hits, expected):
            return not_yet(
                f"for {case} it returned {value:g}, the number of hits.",
                "recall is a fraction: divide the hits by len(relevant).",
            )
        if close_enough(
            value, sum(item in relevant for item in ranked) / len(relevant)
        ):
            return not_yet(
                f"for {case} it returned {value:.3g}, which counts hits in the whole "
                "ranked list, not only its first k items.",
                "look only at ranked[:k].",
            )
        return not_yet(
            f"for {case} it returned {value:.3g} instead of {expected:.3g}.",
            "count how many of ranked[:k] are in relevant, then divide by "
            "len(relevant).",
        )
    return correct("hits among the first k suggestions, divided by the relevant items.")


@exercise_check
def check_diagnostic_rates(sensitivity, specificity) -> Feedback:
    """Sensitivity and specificity of the confusion matrix TEST_COUNTS."""
    sensitivity = one_number(sensitivity, "sensitivity", _FRACTION)
    if isinstance(sensitivity, Feedback):
        return sensitivity
    specificity = one_number(specificity, "specificity", _FRACTION)
    if isinstance(specificity, Feedback):
        return specificity
    (tn, fp), (fn, tp) = TEST_COUNTS
    expected = (tp / (tp + fn), tn / (tn + fp))
    given = (sensitivity, specificity)
    tolerance = 5e-3
    if all(
        close_enough(a, b, atol=tolerance) for a, b in zip(given, expected, strict=True)
    ):
        return correct(
            f"sensitivity {expected[0]:.2f} (finds {tp} of {tp + fn} sick people), "
            f"specificity {expected[1]:.2f} (clears {tn} of {tn + fp} healthy ones)."
        )
    if all(
        close_enough(a, b, atol=tolerance)
        for a, b in zip(given, expected[::-1], strict=True)
    ):
        return not_yet(
            "the two are swapped: sensitivity is about the people who have the "
            "disease, specificity about those who do not.",
        )
    if any(
        close_enough(value, 100 * right, atol=0.5)
        for value, right in zip(given, expected, strict=True)
    ):
        return not_yet(
            "give each rate as a fraction between 0 and 1, not a percentage.",
        )
    wrong_ones = {
        tp / (tp + fp): "the precision TP / (TP + FP), a column of the matrix",
        tn / (tn + fn): "the negative predictive value TN / (TN + FN), a column",
        (tp + tn) / TEST_COUNTS.sum(): "the accuracy",
        fp / (tn + fp): "the false positive rate, 1 - specificity",
        fn / (tp + fn): "the false negative rate, 1 - sensitivity",
    }
    for name, value, right in (
        ("sensitivity", sensitivity, expected[0]),
        ("specificity", specificity, expected[1]),
    ):
        if close_enough(value, right, atol=tolerance):
            continue
        for wrong, meaning in wrong_ones.items():
            if close_enough(value, wrong, atol=tolerance):
                return not_yet(
                    f"your {name} ({value:.3f}) equals {meaning}.",
                    "read along the row of the true class: sensitivity = TP / (TP + FN), "
                    "specificity = TN / (TN + FP).",
                )
        return not_yet(
            f"your {name} ({value:.3f}) is not right.",
            "the rows are the true classes: sensitivity = TP / (TP + FN), "
            "specificity = TN / (TN + FP).",
        )
    return not_yet("one of the two values is not right.")


# --- Experiment: a threshold that allows a miss ---------------------------------------


def _diagnosis_splits() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The chapter's tuning and test masses: the same three splits as there."""
    from sklearn.model_selection import train_test_split

    from utils.data import load_breast_cancer_data

    X, y, _ = load_breast_cancer_data()
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    _, X_held, _, y_held = train_test_split(
        X_rest, y_rest, test_size=0.4, stratify=y_rest, random_state=0
    )
    _, X_tune, _, y_tune = train_test_split(
        X_held, y_held, test_size=0.5, stratify=y_held, random_state=0
    )
    return {"tune": (X_tune, y_tune), "test": (X_test, y_test)}


def _probabilities(model, X: np.ndarray) -> np.ndarray | None:
    """The model's probabilities of malignancy, or None if it gives none."""
    try:
        output = np.asarray(model(X, training=False), dtype=float)
    except Exception:  # noqa: BLE001 - any failure means "not the chapter's model"
        return None
    if output.shape not in ((len(X),), (len(X), 1)):
        return None
    return output.ravel()


def _rates(probabilities, labels, threshold) -> tuple[float, float]:
    flagged = probabilities >= threshold
    return flagged[labels == 1].mean(), (~flagged[labels == 0]).mean()


@exercise_check
def check_threshold_experiment(model, threshold, sensitivity, specificity) -> Feedback:
    """Exercise "Experiment: a threshold that allows a miss"."""
    splits = _diagnosis_splits()
    (X_tune, y_tune), (X_test, y_test) = splits["tune"], splits["test"]
    tune = _probabilities(model, X_tune)
    if tune is None:
        return not_yet(
            "model does not give one probability per mass.",
            "pass the section's diagnosis_model.",
        )
    threshold = one_number(threshold, "threshold", "for example 0.3.")
    if isinstance(threshold, Feedback):
        return threshold
    # The malignant tuning masses, least suspicious first.
    ranked = np.sort(tune[y_tune == 1])
    matches = np.flatnonzero(np.isclose(ranked, threshold, rtol=1e-6, atol=1e-9))
    test = _probabilities(model, X_test)
    if not matches.size:
        if np.isclose(test[y_test == 1], threshold, rtol=1e-6, atol=1e-9).any():
            return not_yet(
                "that threshold was chosen on the test set.",
                "choose it on the tuning set, then measure on the test set.",
            )
        return not_yet(
            f"the threshold {threshold:.4g} is not the probability the model gives "
            "to any malignant tuning mass.",
            "sort probability_tune[y_tune == 1] and take the one at index "
            "allowed_misses, as the section did.",
        )
    if matches[0] == 0:
        return not_yet(
            "that is the section's threshold, which misses no malignant tuning mass.",
            "set allowed_misses = 1 and choose again.",
        )
    rates = []
    for name, value in (("sensitivity", sensitivity), ("specificity", specificity)):
        number = one_number(value, name, "compute a fraction, such as 50 / 53.")
        if isinstance(number, Feedback):
            return number
        rates.append(number)
    expected = _rates(test, y_test, threshold)
    if close_enough(rates, expected, atol=1e-6):
        misses = int(np.sum(test[y_test == 1] < threshold))
        return correct(
            f"allowing {matches[0]} miss(es) on the tuning set, the threshold "
            f"{threshold:.3g} misses {misses} malignant test mass(es): sensitivity "
            f"{expected[0]:.3f}, specificity {expected[1]:.3f}."
        )
    if close_enough(rates, expected[::-1], atol=1e-6):
        return not_yet(
            "the two rates are swapped.",
            "sensitivity is about the malignant masses, specificity the benign.",
        )
    if close_enough(rates, _rates(tune, y_tune, threshold), atol=1e-6):
        return not_yet(
            "those are the rates on the tuning set.",
            "measure them on the test set, with probability_test and y_test.",
        )
    if close_enough(rates, [100 * rate for rate in expected], atol=0.01):
        return not_yet("those look like percentages.", "give fractions from 0 to 1.")
    return not_yet(
        "those rates are not the model's on the test set at your threshold.",
        "flag the test masses whose probability is at least the threshold, then "
        "use test_report(y_test, flagged).",
    )
