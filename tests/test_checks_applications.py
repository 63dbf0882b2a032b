"""Chapter 12's checks accept the solutions and reject typical wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks.applications import (
    check_diagnostic_rates,
    check_karate_jaccard,
    check_new_intent,
    check_pooling_experiment,
    check_recall_at_k,
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


# --- a new intent --------------------------------------------------------------------------------

GOOD_REQUESTS = [
    "turn the lights on",
    "switch off the lamp in the bedroom",
    "dim the lights in the living room",
    "lights off please",
    "it's too dark in here, more light",
    "make the kitchen lamp brighter",
    "can you turn off all the lights",
    "set the hallway lamp to half brightness",
]

OFF_TOPIC = [
    "what's the weather like in Rome",
    "play something by Nina Simone",
    "set an alarm for nine",
    "call my sister please",
    "add bread to the list",
    "how do I get to the zoo",
    "remind me to feed the cat",
    "start a timer for twenty minutes",
]

NONSENSE = [
    "blorp the zibble lamp",
    "flim flam light",
    "qwerty asdf dim",
    "xyzzy plugh bright",
    "lorem ipsum dark",
    "glarb frobnicate lights",
    "snork wibble lamp",
    "zog zog bulb",
]


def test_new_intent_accepts_the_solution():
    assert check_new_intent(GOOD_REQUESTS).passed
    assert check_new_intent(tuple(GOOD_REQUESTS)).passed


@pytest.mark.parametrize(
    ("requests", "clue"),
    [
        (GOOD_REQUESTS[:5], "at least 8"),
        (GOOD_REQUESTS + ["Turn the lights ON!"], "more than once"),
        (GOOD_REQUESTS + ["lights"], "fewer than two words"),
        (GOOD_REQUESTS + ["call mum"], "already in the corpus"),
        (OFF_TOPIC, "does not mention a light"),
        (GOOD_REQUESTS[:6] + OFF_TOPIC[:2], "does not mention a light"),
        (NONSENSE, "not words the check knows"),
        ([f"turn the lights to level {n}" for n in range(8)], "contain the word"),
        (
            [
                f"lights {word} please"
                for word in "on off up down low high dim full".split()
            ]
            + ["too dark"],
            "contain the word",
        ),
        (
            # About light, but in the words of other intents: not one intent.
            [
                "play some jazz by lamp light",
                "call mum when it gets dark",
                "set an alarm for when it is bright",
                "remind me to buy a bulb",
                "weather in Paris is it bright",
                "navigate to the lamp shop",
                "put bulbs on the shopping list",
                "start a timer and dim nothing",
            ],
            "recognises only",
        ),
        ("turn the lights on", "give a list"),
        (GOOD_REQUESTS[:7] + [8], "must be a string"),
    ],
)
def test_new_intent_rejects_typical_mistakes(requests, clue):
    feedback = check_new_intent(requests)
    assert feedback.passed is False
    assert clue in feedback.message


def test_new_intent_placeholder():
    assert check_new_intent([...]).passed is None
    assert check_new_intent(...).passed is None


# --- is it the pooling? (the keyword ConvNet without global pooling) ----------------


@pytest.fixture(scope="module")
def keras_module():
    import os

    from utils.environment import TENSORFLOW_ENVIRONMENT

    os.environ.update(TENSORFLOW_ENVIRONMENT)
    import keras

    keras.utils.set_random_seed(0)
    return keras


def keyword_network(keras, pooling, conv=True):
    """The chapter's keyword ConvNet, with `pooling` after its convolutions."""
    layers = [keras.Input(shape=(30, 33)), keras.layers.Normalization(axis=-1)]
    if conv:
        layers += [
            keras.layers.Conv1D(16, 5, activation="relu", padding="same"),
            keras.layers.MaxPooling1D(2),
            keras.layers.Conv1D(16, 3, activation="relu", padding="same"),
        ]
    layers += [pooling, keras.layers.Dense(4, activation="softmax")]
    return keras.Sequential(layers)


def trained(keras, model):
    from utils.checks.applications import _keyword_features

    X_train, y_train = _keyword_features(0.0, (7, 0))
    model.layers[0].adapt(X_train)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="sparse_categorical_crossentropy",
    )
    model.fit(X_train, y_train, batch_size=64, epochs=10, verbose=0)
    return model


def measured(model):
    """The learner's measurements: accuracy on their own fixed and shifted clips."""
    from utils.checks.applications import _keyword_features

    accuracies = []
    for max_shift, seed in ((0.0, (7, 1)), (0.3, (7, 2))):
        X, y = _keyword_features(max_shift, seed)
        accuracies.append(float(np.mean(model.predict(X, verbose=0).argmax(1) == y)))
    return accuracies


@pytest.fixture(scope="module")
def flat_model(keras_module):
    return trained(
        keras_module, keyword_network(keras_module, keras_module.layers.Flatten())
    )


def test_pooling_accepts_the_solution(flat_model):
    fixed, shifted = measured(flat_model)
    assert shifted < fixed - 0.2  # the experiment's outcome, on the learner's clips
    for answer in ((fixed, shifted), (np.float64(fixed), np.array([shifted]))):
        feedback = check_pooling_experiment(flat_model, *answer)
        assert feedback.passed, feedback.message
        assert "much worse when they move" in feedback.message


def test_pooling_rejects_a_model_that_kept_global_pooling(keras_module):
    model = keyword_network(keras_module, keras_module.layers.GlobalMaxPooling1D())
    feedback = check_pooling_experiment(model, 0.9, 0.9)
    assert feedback.passed is False
    assert "GlobalMaxPooling1D" in feedback.message


def test_pooling_rejects_a_model_without_convolutions(keras_module):
    model = keyword_network(keras_module, keras_module.layers.Flatten(), conv=False)
    feedback = check_pooling_experiment(model, 0.9, 0.4)
    assert feedback.passed is False
    assert "no Conv1D" in feedback.message


def test_pooling_rejects_an_untrained_model(keras_module):
    model = keyword_network(keras_module, keras_module.layers.Flatten())
    feedback = check_pooling_experiment(model, 0.9, 0.4)
    assert feedback.passed is False
    assert "has not learned" in feedback.message


@pytest.mark.parametrize(
    ("change", "clue"),
    [
        (lambda fixed, shifted: (shifted, fixed), "swapped"),
        (lambda fixed, shifted: (fixed, 1.0), "fresh clips of the same kind"),
        (lambda fixed, shifted: (fixed - 0.3, shifted), "fresh clips of the same kind"),
        (lambda fixed, shifted: (100 * fixed, 100 * shifted), "fractions"),
        (lambda fixed, shifted: (fixed, -0.2), "between 0 and 1"),
        (lambda fixed, shifted: (f"{fixed}", shifted), "one number"),
        (lambda fixed, shifted: ([fixed, shifted], shifted), "one number"),
    ],
)
def test_pooling_rejects_measurements_the_model_does_not_give(flat_model, change, clue):
    feedback = check_pooling_experiment(flat_model, *change(*measured(flat_model)))
    assert feedback.passed is False
    assert clue in feedback.message


def test_pooling_rejects_something_that_is_not_a_model():
    feedback = check_pooling_experiment([0.9, 0.4], 0.9, 0.4)
    assert feedback.passed is False
    assert "pass the Keras model" in feedback.message


def test_pooling_placeholder(flat_model):
    assert check_pooling_experiment(..., ..., ...).passed is None
    assert check_pooling_experiment(flat_model, 0.9, ...).passed is None
