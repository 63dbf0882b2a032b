"""Chapter 6's checks accept the solutions and reject typical wrong answers."""

from __future__ import annotations

import os

import numpy as np
import pytest

from utils.checks.convnet_layers import (
    EXERCISE_FEATURE_MAP,
    EXERCISE_LAYER_NAMES,
    EXERCISE_MODEL,
    check_layer_shapes,
    check_max_pool_by_hand,
    check_my_max_pool,
    check_parameter_counts,
)

SHAPES = [
    (24, 24, 8),
    (24, 24, 8),
    (12, 12, 8),
    (12, 12, 16),
    (6, 6, 16),
    (576,),
    (10,),
]
COUNTS = [208, 0, 0, 1168, 0, 0, 5770]


def _replace(values, index, new):
    values = list(values)
    values[index] = new
    return values


# ---------------------------------------------------------------- shapes


def test_shapes_accepts_the_solution_in_several_spellings():
    assert check_layer_shapes(SHAPES).passed
    assert check_layer_shapes([list(s) for s in SHAPES]).passed
    assert check_layer_shapes(SHAPES[:5] + [576, 10]).passed
    assert check_layer_shapes(tuple(SHAPES[:5]) + (576.0, np.int64(10))).passed
    assert check_layer_shapes([np.array(s) for s in SHAPES]).passed
    assert check_layer_shapes([tuple(float(x) for x in s) for s in SHAPES]).passed
    assert check_layer_shapes([np.array(s, dtype=np.int64) for s in SHAPES]).passed


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (_replace(SHAPES, 0, (28, 28, 8)), "'valid' means no padding"),
        (_replace(SHAPES, 0, (23, 23, 8)), "+ 1"),
        (_replace(SHAPES, 0, (24, 24, 1)), "number of filters"),
        (_replace(SHAPES, 1, (12, 12, 8)), "value by value"),
        (_replace(SHAPES, 2, (23, 23, 8)), "halves"),
        (_replace(SHAPES, 3, (10, 10, 16)), "'same' padding"),
        (_replace(SHAPES, 3, (12, 12, 8)), "number of filters"),
        (_replace(SHAPES, 5, (28,)), "multiply, don't add"),
        (_replace(SHAPES, 5, (6, 6, 16)), "one vector"),
        (_replace(SHAPES, 5, (2304,)), "height x width x channels"),
        (_replace(SHAPES, 6, (576,)), "one value per unit"),
        (_replace(SHAPES, 0, "24x24x8"), "should be a shape"),
        (_replace(SHAPES, 0, (24.5, 24, 8)), "should be a shape"),
        (_replace(SHAPES, 0, np.array([28, 28, 8])), "no padding"),
        (_replace(SHAPES, 5, np.float64(28)), "multiply, don't add"),
        (SHAPES[:6], "7 layers"),
        ({"conv": (24, 24, 8)}, "should be a list"),
    ],
)
def test_shapes_rejects_typical_mistakes(answer, phrase):
    feedback = check_layer_shapes(answer)
    assert feedback.passed is False
    assert phrase in feedback.message


def test_shapes_placeholder_is_not_attempted():
    assert check_layer_shapes(...).passed is None
    assert check_layer_shapes([(24, 24, 8), ...] + SHAPES[2:]).passed is None


# ---------------------------------------------------------------- counts


def test_counts_accept_the_solution():
    assert check_parameter_counts(COUNTS).passed
    assert check_parameter_counts([float(c) for c in COUNTS]).passed
    assert check_parameter_counts([np.int64(c) for c in COUNTS]).passed
    assert check_parameter_counts(np.array(COUNTS)).passed
    assert check_parameter_counts(tuple(np.array(COUNTS, dtype=float))).passed


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (_replace(COUNTS, 0, 200), "bias"),
        (_replace(COUNTS, 3, 1152), "bias"),
        (_replace(COUNTS, 6, 5760), "bias"),
        (_replace(COUNTS, 3, 160), "as deep as its input"),
        (_replace(COUNTS, 0, 200.0), "bias"),
        (_replace(COUNTS, 3, np.int64(1152)), "bias"),
        (_replace(COUNTS, 2, 4), "fixed rule"),
        (_replace(COUNTS, 1, 8), "fixed rule"),
        (_replace(COUNTS, 6, 23050), "last pooling layer"),
        (_replace(COUNTS, 0, 250), "(KH * KW * C_in + 1) * C_out"),
        (_replace(COUNTS, 6, 5000), "(inputs + 1) * units"),
        (_replace(COUNTS, 0, "208"), "whole number"),
        (_replace(COUNTS, 0, 208.5), "whole number"),
        (COUNTS + [0], "7 layers"),
    ],
)
def test_counts_reject_typical_mistakes(answer, phrase):
    feedback = check_parameter_counts(answer)
    assert feedback.passed is False
    assert phrase in feedback.message


def test_counts_feedback_does_not_give_the_answer_away():
    for wrong in (200, 250, 1152, 160, 5760, 23050, 5000):
        for index in (0, 3, 6):
            message = check_parameter_counts(_replace(COUNTS, index, wrong)).message
            assert str(COUNTS[index]) not in message


def test_counts_placeholder_is_not_attempted():
    assert check_parameter_counts(...).passed is None
    assert check_parameter_counts(_replace(COUNTS, 3, ...)).passed is None


# ---------------------------------------------------------------- pooling by hand

MAX = np.array([[4.0, 0.0], [6.0, 5.0]])
AVG = np.array([[2.5, -1.5], [0.75, 2.25]])


def test_pool_by_hand_accepts_the_solution():
    assert check_max_pool_by_hand(MAX, AVG).passed
    assert check_max_pool_by_hand(MAX.tolist(), AVG.tolist()).passed


@pytest.mark.parametrize(
    ("max_pooled", "average_pooled", "phrase"),
    [
        (AVG, MAX, "swapped"),
        (MAX.T, AVG, "transposed"),
        (np.array([[1.0, -3.0], [-2.0, 1.0]]), AVG, "smallest"),
        (np.array([[4.0, 3.0], [6.0, 5.0]]), AVG, "absolute"),
        (np.array([[4.0, 3.0, 0.0], [4.0, 5.0, 5.0], [6.0, 6.0, 5.0]]), AVG, "overlap"),
        (MAX, AVG * 4, "sums"),
        (MAX.tolist(), np.round(AVG), "not right"),
        (MAX, AVG.T, "transposed"),
        (MAX, np.zeros((2, 2)), "divide by 4"),
        (np.zeros((2, 2)), AVG, "largest number"),
        (MAX, "two and a half", "2 x 2 array"),
    ],
)
def test_pool_by_hand_rejects_typical_mistakes(max_pooled, average_pooled, phrase):
    feedback = check_max_pool_by_hand(max_pooled, average_pooled)
    assert feedback.passed is False
    assert phrase in feedback.message


def test_pool_by_hand_placeholder_is_not_attempted():
    assert check_max_pool_by_hand(..., ...).passed is None
    assert check_max_pool_by_hand(MAX, ...).passed is None


def test_pool_by_hand_reads_tensors_and_numpy_numbers():
    import tensorflow as tf

    assert check_max_pool_by_hand(tf.constant(MAX), tf.constant(AVG)).passed
    assert check_max_pool_by_hand(MAX.astype(np.int64), AVG.astype(np.float32)).passed


def test_the_learner_cannot_change_the_reference_map():
    EXERCISE_FEATURE_MAP[:] = 0  # the learner's copy, not the check's
    try:
        assert check_max_pool_by_hand(MAX, AVG).passed
        assert (
            check_max_pool_by_hand(np.zeros((2, 2)), np.zeros((2, 2))).passed is False
        )
    finally:
        EXERCISE_FEATURE_MAP[:] = [
            [1, 3, -2, 0],
            [4, 2, -1, -3],
            [0, -1, 5, 2],
            [-2, 6, 1, 1],
        ]


def test_the_exercise_map_gives_these_answers():
    # The expected answers above are what the pooling of the map really gives.
    blocks = EXERCISE_FEATURE_MAP.reshape(2, 2, 2, 2)
    np.testing.assert_array_equal(blocks.max(axis=(1, 3)), MAX)
    np.testing.assert_array_equal(blocks.mean(axis=(1, 3)), AVG)


# ---------------------------------------------------------------- my_max_pool


def test_my_max_pool_accepts_correct_functions():
    def reshaped(feature_map):
        h, w = feature_map.shape
        return feature_map.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))

    def looped(feature_map):
        h, w = feature_map.shape
        out = np.empty((h // 2, w // 2))
        for i in range(h // 2):
            for j in range(w // 2):
                out[i, j] = feature_map[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].max()
        return out

    assert check_my_max_pool(reshaped).passed
    assert check_my_max_pool(looped).passed
    assert check_my_max_pool(
        lambda m: np.maximum.reduceat(
            np.maximum.reduceat(m, np.arange(0, m.shape[0], 2), axis=0),
            np.arange(0, m.shape[1], 2),
            axis=1,
        )
    ).passed


def _average(feature_map):
    h, w = feature_map.shape
    return feature_map.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))


def _wrong_grouping(feature_map):
    h, w = feature_map.shape
    return feature_map.reshape(h // 2, w // 2, 2, 2).max(axis=(2, 3))


def _overlapping(feature_map):
    return np.maximum.reduce(
        [
            feature_map[:-1, :-1],
            feature_map[1:, :-1],
            feature_map[:-1, 1:],
            feature_map[1:, 1:],
        ]
    )


def _zero_padded(feature_map):
    h, w = feature_map.shape
    return np.maximum(feature_map.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3)), 0)


def _no_return(feature_map):
    feature_map.max()


def _raises(feature_map):
    return feature_map.reshape(3, 3)


@pytest.mark.parametrize(
    ("function", "phrase"),
    [
        (_average, "average pooling"),
        (_wrong_grouping, "not 2 x 2 blocks"),
        (_overlapping, "must not overlap"),
        (_zero_padded, "not the 2 x 2"),
        (_no_return, "returns nothing"),
        (_raises, "raised ValueError"),
        (lambda m: m, "H/2 x W/2"),
        (lambda m: "pooled", "array of numbers"),
        (lambda m: MAX[:1], "returned shape"),  # never the shape of a pooled map
        (lambda m: np.zeros((m.shape[0] // 2, m.shape[1] // 2)), "not the 2 x 2"),
        (np.max(EXERCISE_FEATURE_MAP), "pass your function itself"),
    ],
)
def test_my_max_pool_rejects_typical_mistakes(function, phrase):
    feedback = check_my_max_pool(function)
    assert feedback.passed is False
    assert phrase in feedback.message


def test_my_max_pool_uses_new_maps_and_does_not_show_them():
    seen = []

    def recording(feature_map):
        seen.append(feature_map.copy())
        return _average(feature_map)

    first = check_my_max_pool(recording)
    maps_of_first_call = len(seen)
    check_my_max_pool(recording)
    assert not np.array_equal(seen[0], seen[maps_of_first_call])
    # The verdict names the mistake, never the expected numbers.
    expected = (
        seen[0]
        .reshape(seen[0].shape[0] // 2, 2, seen[0].shape[1] // 2, 2)
        .max(axis=(1, 3))
    )
    assert f"{expected.ravel()[0]:.2f}" not in first.message
    assert "max_pool2d" not in first.message


def test_my_max_pool_a_function_that_changes_its_input_is_still_checked():
    def destructive(feature_map):
        h, w = feature_map.shape
        result = feature_map.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))
        feature_map[:] = 0
        return result

    assert check_my_max_pool(destructive).passed


def test_my_max_pool_placeholder_is_not_attempted():
    assert check_my_max_pool(...).passed is None
    assert check_my_max_pool(lambda feature_map: ...).passed is None


# ---------------------------------------------------------------- the model itself


@pytest.mark.slow
def test_expected_answers_match_keras():
    """The answers the checks expect are what Keras computes for EXERCISE_MODEL."""
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
    import keras

    layers = {
        "conv": lambda s: keras.layers.Conv2D(
            s["filters"], s["kernel_size"], padding=s["padding"]
        ),
        "relu": lambda s: keras.layers.ReLU(),
        "max_pool": lambda s: keras.layers.MaxPooling2D(s["pool_size"]),
        "flatten": lambda s: keras.layers.Flatten(),
        "dense": lambda s: keras.layers.Dense(s["units"], activation="softmax"),
    }
    model = keras.Sequential(
        [keras.Input(shape=(28, 28, 1))]
        + [layers[kind](settings) for kind, settings in EXERCISE_MODEL]
    )
    assert len(model.layers) == len(EXERCISE_LAYER_NAMES)
    assert [tuple(layer.output.shape[1:]) for layer in model.layers] == SHAPES
    assert [layer.count_params() for layer in model.layers] == COUNTS


# --- Exercise 5: twice the filters ----------------------------------------


def chapter_model(filters=24, units=64):
    import keras

    return keras.Sequential(
        [
            keras.Input(shape=(32, 32, 3)),
            keras.layers.Conv2D(filters, 3, padding="same", name="conv"),
            keras.layers.ReLU(name="conv_relu"),
            keras.layers.MaxPooling2D(pool_size=2, strides=2, name="pool"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(units, name="hidden"),
            keras.layers.ReLU(name="hidden_relu"),
            keras.layers.Dense(10, name="scores"),
            keras.layers.Softmax(name="probabilities"),
        ]
    )


def measured(model, grew_most="hidden"):
    return [
        model,
        model.get_layer("flatten").output.shape[-1],
        model.get_layer("conv").count_params(),
        model.get_layer("hidden").count_params(),
        model.count_params(),
        grew_most,
    ]


@pytest.mark.parametrize("grew_most", ["hidden", "Hidden", "the dense layer", "dense"])
def test_more_filters_accepts_the_solution(grew_most):
    from utils.checks.convnet_layers import check_more_filters

    feedback = check_more_filters(*measured(chapter_model(), grew_most))
    assert feedback.passed, feedback.message
    assert "196,608" in feedback.message


def test_more_filters_recomputes_from_the_learners_own_model():
    from utils.checks.convnet_layers import check_more_filters

    # A model with 32 hidden units is measured right: its numbers, not the
    # chapter's, are the ones that count.
    assert check_more_filters(*measured(chapter_model(units=32))).passed


@pytest.mark.parametrize(
    ("index", "wrong"),
    [(1, 3072), (2, 336), (3, 196_672), (4, 197_658), (5, "conv"), (5, "scores")],
)
def test_more_filters_rejects_each_wrong_measurement(index, wrong):
    from utils.checks.convnet_layers import check_more_filters

    answers = measured(chapter_model())
    answers[index] = wrong
    feedback = check_more_filters(*answers)
    assert feedback.passed is False, feedback.message
    assert "196,608" not in feedback.message  # the answer is not given away


def test_more_filters_rejects_an_unchanged_or_different_model():
    import keras

    from utils.checks.convnet_layers import check_more_filters

    feedback = check_more_filters(*measured(chapter_model(filters=12)))
    assert feedback.passed is False and "24" in feedback.message
    dense_only = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    answers = measured(chapter_model())
    feedback = check_more_filters(dense_only, *answers[1:])
    assert feedback.passed is False and "one Conv2D" in feedback.message
    feedback = check_more_filters("model", *answers[1:])
    assert feedback.passed is False and "Keras model" in feedback.message


def test_more_filters_placeholders_are_not_attempted():
    from utils.checks.convnet_layers import check_more_filters

    answers = measured(chapter_model())
    assert check_more_filters(..., *answers[1:]).passed is None
    assert check_more_filters(answers[0], ..., ..., ..., ..., ...).passed is None
