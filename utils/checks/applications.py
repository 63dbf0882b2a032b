"""Exercise checks for chapter 8, "Applications"."""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Callable

import numpy as np

from utils.checks import (
    Feedback,
    close_enough,
    correct,
    exercise_check,
    not_attempted,
    not_yet,
)
from utils.intents import intent_corpus, tokenize

__all__ = [
    "SCREENING_COUNTS",
    "check_karate_jaccard",
    "check_new_intent",
    "check_precision_at_k",
    "check_screening_rates",
]

#: The confusion matrix of the screening exercise: [[TN, FP], [FN, TP]].
SCREENING_COUNTS = np.array([[85, 15], [4, 36]])

#: Least number of requests for the new intent, and of different requests
#: that must avoid the most common word.
MIN_REQUESTS = 8
MIN_WITHOUT_COMMON_WORD = 2


def _as_number(value, name: str) -> float | Feedback:
    if isinstance(value, str | bytes):
        return not_yet(
            f"{name} should be one number, but it is the text {value!r}.",
            "remove the quotes.",
        )
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            array = None
        if array is None or array.size != 1:
            return not_yet(
                f"{name} should be one number, but it is {type(value).__name__}.",
                "compute a single fraction, for example 3 / 4.",
            )
        value = array.item()
    value = float(value)
    if not np.isfinite(value):
        return not_yet(f"{name} is {value}; did you divide by zero?")
    return value


@exercise_check
def check_karate_jaccard(answer) -> Feedback:
    """Jaccard coefficient of members 0 and 33 of the full karate club graph."""
    import networkx as nx

    answer = _as_number(answer, "your answer")
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


#: (ranked, relevant, k, expected precision at k) for check_precision_at_k.
_PRECISION_CASES = (
    ([(0, 1), (2, 3), (4, 5), (6, 7)], [(2, 3), (6, 7), (8, 9)], 2, 0.5),
    ([(0, 1), (2, 3), (4, 5), (6, 7)], [(2, 3), (6, 7), (8, 9)], 4, 0.5),
    ([(0, 1), (2, 3), (4, 5), (6, 7)], [(2, 3), (6, 7), (8, 9)], 1, 0.0),
    ([5, 2, 9, 7, 1], [9], 3, 1 / 3),
    ([5, 2, 9, 7, 1], [5, 2, 9, 7, 1, 3], 5, 1.0),
    (["a", "b", "c"], [], 2, 0.0),
)


@exercise_check
def check_precision_at_k(function: Callable) -> Feedback:
    """A learner's precision at k, tried on several rankings."""
    if not callable(function):
        return not_yet(
            f"pass the function itself, not {type(function).__name__}.",
            "check_precision_at_k(my_precision_at_k), without brackets after the name.",
        )
    for ranked, relevant, k, expected in _PRECISION_CASES:
        result = function(list(ranked), list(relevant), k)
        if result is Ellipsis:
            return not_attempted("the exercise 'precision at k'")
        value = _as_number(result, "the function's result")
        if isinstance(value, Feedback):
            return value
        if close_enough(value, expected):
            continue
        hits = sum(item in relevant for item in ranked[:k])
        case = f"ranked={ranked}, relevant={relevant}, k={k}"
        if relevant and close_enough(value, hits / len(relevant)):
            return not_yet(
                f"for {case} it returned {value:.3g}, the hits divided by the number "
                "of relevant items: that is recall at k, not precision.",
                "divide the hits by k, the length of the list shown.",
            )
        if close_enough(value, hits / len(ranked)):
            return not_yet(
                f"for {case} it returned {value:.3g}: it divides by the whole "
                "ranked list instead of by k.",
                "divide by k.",
            )
        if close_enough(value, hits):
            return not_yet(
                f"for {case} it returned {value:g}, the number of hits.",
                "precision is a fraction: divide the hits by k.",
            )
        if close_enough(value, sum(item in relevant for item in ranked[: k + 1]) / k):
            return not_yet(
                f"for {case} it returned {value:.3g}: it looks at k + 1 items.",
                "ranked[:k] holds exactly the first k items.",
            )
        return not_yet(
            f"for {case} it returned {value:.3g} instead of {expected:.3g}.",
            "count how many of ranked[:k] are in relevant, then divide by k.",
        )
    return correct("hits among the first k suggestions, divided by k.")


@exercise_check
def check_screening_rates(sensitivity, specificity) -> Feedback:
    """Sensitivity and specificity of the confusion matrix SCREENING_COUNTS."""
    sensitivity = _as_number(sensitivity, "sensitivity")
    if isinstance(sensitivity, Feedback):
        return sensitivity
    specificity = _as_number(specificity, "specificity")
    if isinstance(specificity, Feedback):
        return specificity
    (tn, fp), (fn, tp) = SCREENING_COUNTS
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
            "you swapped the two: sensitivity is about the people who have the "
            "disease, specificity about those who do not.",
        )
    wrong_ones = {
        tp / (tp + fp): "the precision TP / (TP + FP), a column of the matrix",
        tn / (tn + fn): "the negative predictive value TN / (TN + FN), a column",
        (tp + tn) / SCREENING_COUNTS.sum(): "the accuracy",
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
                    f"your {name} ({value:.3f}) is {meaning}.",
                    "read along the row of the true class: sensitivity = TP / (TP + FN), "
                    "specificity = TN / (TN + FP).",
                )
        return not_yet(
            f"your {name} ({value:.3f}) is not right.",
            "the rows are the true classes: sensitivity = TP / (TP + FN), "
            "specificity = TN / (TN + FP).",
        )
    return not_yet("one of the two values is not right.")


@exercise_check
def check_new_intent(requests) -> Feedback:
    """At least eight varied, new requests for a new intent."""
    if isinstance(requests, str) or not isinstance(requests, list | tuple):
        return not_yet(
            f"give a list of requests, not {type(requests).__name__}.",
            'write them as ["turn the lights on", "dim the lamp", ...].',
        )
    not_text = [item for item in requests if not isinstance(item, str)]
    if not_text:
        return not_yet(
            f"every request must be a string, but {not_text[0]!r} is not.",
            "put each request in quotes.",
        )
    words = [tuple(tokenize(request)) for request in requests]
    short = [
        request
        for request, tokens in zip(requests, words, strict=True)
        if len(tokens) < 2
    ]
    if short:
        return not_yet(
            f"{short[0]!r} has fewer than two words.",
            "write requests the way a person would type them.",
        )
    distinct = set(words)
    if len(distinct) < len(words):
        repeated = next(
            r for r, t in zip(requests, words, strict=True) if words.count(t) > 1
        )
        return not_yet(
            f"{repeated!r} appears more than once (ignoring case and punctuation).",
            "every request should be a different way of asking.",
        )
    if len(distinct) < MIN_REQUESTS:
        return not_yet(
            f"you wrote {len(distinct)} requests; write at least {MIN_REQUESTS}.",
            "think of how different people would ask: short, polite, indirect.",
        )
    corpus = {tuple(tokenize(text)) for text in intent_corpus()[0]}
    copied = [r for r, t in zip(requests, words, strict=True) if t in corpus]
    if copied:
        return not_yet(
            f"{copied[0]!r} is already in the corpus, under another intent.",
            "write requests about lights.",
        )
    word_counts = Counter(word for tokens in distinct for word in set(tokens))
    # Short function words ("the", "a") may appear everywhere; content words may not.
    content = {word: n for word, n in word_counts.items() if len(word) > 3}
    if content:
        common_word, count = max(content.items(), key=lambda item: (item[1], item[0]))
        without = len(distinct) - count
        if without < MIN_WITHOUT_COMMON_WORD:
            return not_yet(
                f"{count} of your {len(distinct)} requests contain the word "
                f"{common_word!r}; a model would learn that one word and nothing else.",
                f"write at least {MIN_WITHOUT_COMMON_WORD} requests without it, such as "
                '"it\'s too dark in here".',
            )
    vocabulary = set().union(*distinct)
    return correct(
        f"{len(distinct)} different requests using {len(vocabulary)} different words."
    )
