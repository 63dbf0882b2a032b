"""Chapter 13's checks accept the solutions and reject typical wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks.assistants import (
    check_new_intent,
    check_pooling_experiment,
    check_spectrogram_shape,
)

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
    from utils.checks.assistants import _keyword_features

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
    from utils.checks.assistants import _keyword_features

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


# --- the size of a spectrogram -----------------------------------------------------


@pytest.mark.parametrize(
    ("moments", "bands"), [(61, 33), ((2000 - 64) // 32 + 1, 64 // 2 + 1), (61.0, 33.0)]
)
def test_spectrogram_accepts_the_solution(moments, bands, capsys):
    assert check_spectrogram_shape(moments, bands).passed
    assert "✅" in capsys.readouterr().out


def test_spectrogram_solution_is_what_scipy_gives():
    from scipy.signal import spectrogram

    _, _, power = spectrogram(np.zeros(2000), fs=1000, nperseg=64, noverlap=32)
    assert power.shape[::-1] == (61, 33)


@pytest.mark.parametrize(
    ("moments", "bands", "phrase"),
    [
        (62, 33, "past the end"),
        (63, 33, "past the end"),
        (60, 33, "one window short"),
        (31, 33, "do not overlap"),
        (30, 33, "one-second clip"),
        (50, 33, "not the number of windows"),
        (61, 64, "negative frequencies"),
        (61, 32, "leaves out one end"),
        (61, 1001, "whole clip"),
        (61, 40, "not the number of frequencies"),
        ("61", 33, "whole numbers"),
    ],
)
def test_spectrogram_rejects_typical_mistakes(moments, bands, phrase):
    feedback = check_spectrogram_shape(moments, bands)
    assert feedback.passed is False
    assert phrase in feedback.message


def test_spectrogram_reports_a_placeholder_as_not_attempted():
    assert check_spectrogram_shape(..., ...).passed is None
