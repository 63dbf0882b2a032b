"""Chapter 8's checks accept the solutions and reject typical wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks.training_cnns import (
    chapter_digits,
    check_confusion_metrics,
    check_dropout_experiment,
    check_shift_digit,
    exercise_confusion_matrix,
)

# ---------------------------------------------------------------- shift


def solution(image, rows, columns):
    shifted = np.zeros_like(image)
    height, width = image.shape
    if abs(rows) >= height or abs(columns) >= width:
        return shifted
    source_rows = slice(max(0, -rows), height - max(0, rows))
    target_rows = slice(max(0, rows), height - max(0, -rows))
    source_columns = slice(max(0, -columns), width - max(0, columns))
    target_columns = slice(max(0, columns), width - max(0, -columns))
    shifted[target_rows, target_columns] = image[source_rows, source_columns]
    return shifted


def test_shift_accepts_the_solution_and_a_scipy_version():
    from scipy import ndimage

    assert check_shift_digit(solution).passed

    def with_scipy(image, rows, columns):
        return ndimage.shift(image, (rows, columns), order=0, mode="constant")

    assert check_shift_digit(with_scipy).passed


def test_shift_accepts_a_list_or_a_tensor():
    import tensorflow as tf

    assert check_shift_digit(lambda im, r, c: solution(im, r, c).tolist()).passed
    assert check_shift_digit(lambda im, r, c: tf.constant(solution(im, r, c))).passed


def test_shift_check_keeps_its_own_image():
    """A function that writes into the image it is given cannot fool the check."""

    def scribbles_then_solves(image, rows, columns):
        result = solution(image, rows, columns)
        image += 1  # changes only the learner's copy
        return result

    feedback = check_shift_digit(scribbles_then_solves)
    assert feedback.passed is False
    assert "changed the image" in feedback.message
    assert check_shift_digit(solution).passed


def wrapping(image, rows, columns):
    return np.roll(image, (rows, columns), axis=(0, 1))


def wrong_way(image, rows, columns):
    return solution(image, -rows, -columns)


def swapped(image, rows, columns):
    return solution(image, columns, rows)


def in_place(image, rows, columns):
    image[...] = solution(image, rows, columns)
    return image


def returns_nothing(image, rows, columns):
    solution(image, rows, columns)


def crops(image, rows, columns):
    return solution(image, rows, columns)[1:]


def raises(image, rows, columns):
    return image[rows:columns:0]


def off_by_one(image, rows, columns):
    return solution(image, rows, columns + 1 if columns > 0 else columns)


@pytest.mark.parametrize(
    ("function", "phrase"),
    [
        (wrapping, "np.roll"),
        (wrong_way, "wrong way"),
        (swapped, "swaps rows and columns"),
        (in_place, "changed the image"),
        (returns_nothing, "returned None"),
        (crops, "returned shape"),
        (raises, "raised ValueError"),
        (off_by_one, "does not give the expected image"),
        ("shift", "should be a function"),
    ],
)
def test_shift_rejects_typical_mistakes(function, phrase):
    feedback = check_shift_digit(function)
    assert feedback.passed is False
    assert phrase in feedback.message


def test_shift_template_and_placeholder_are_not_attempted():
    def template(image, rows, columns):
        shifted = np.zeros_like(image)
        ...
        return shifted

    assert check_shift_digit(template).passed is None
    assert check_shift_digit(...).passed is None


# ---------------------------------------------------------------- confusion

MATRIX = exercise_confusion_matrix()
ACCURACY = np.trace(MATRIX) / MATRIX.sum()
RECALLS = np.diag(MATRIX) / MATRIX.sum(axis=1)


def test_confusion_accepts_the_solution():
    feedback = check_confusion_metrics(ACCURACY, RECALLS)
    assert feedback.passed
    assert "Class 2" in feedback.message
    assert check_confusion_metrics(float(round(ACCURACY, 4)), list(RECALLS)).passed


@pytest.mark.parametrize(
    ("accuracy", "recalls", "phrase"),
    [
        (np.trace(MATRIX), RECALLS, "number of correct answers"),
        (100 * ACCURACY, RECALLS, "percentage"),
        (RECALLS.mean(), RECALLS, "balanced accuracy"),
        (0.5, RECALLS, "is not right"),
        (RECALLS, RECALLS, "one number"),
        (ACCURACY, np.diag(MATRIX) / MATRIX.sum(axis=0), "precisions"),
        (ACCURACY, np.diag(MATRIX), "counts"),
        (ACCURACY, RECALLS[:2], "three numbers"),
        (ACCURACY, ["a", "b", "c"], "three numbers"),
        (ACCURACY, RECALLS[::-1], "not right"),
    ],
)
def test_confusion_rejects_typical_mistakes(accuracy, recalls, phrase):
    feedback = check_confusion_metrics(accuracy, recalls)
    assert feedback.passed is False
    assert phrase in feedback.message


@pytest.mark.parametrize(
    ("accuracy", "recalls"),
    [
        (np.float32(ACCURACY), tuple(RECALLS)),
        (np.array(ACCURACY), RECALLS.astype(np.float32)),
        (np.array([ACCURACY]), RECALLS.reshape(3)),
    ],
)
def test_confusion_reads_numbers_and_arrays_of_any_type(accuracy, recalls):
    import tensorflow as tf

    assert check_confusion_metrics(accuracy, recalls).passed
    assert check_confusion_metrics(tf.constant(accuracy), tf.constant(recalls)).passed


def test_confusion_matrix_handed_out_is_a_copy():
    """Zeroing the diagonal of the learner's matrix must not change the verdict."""
    matrix = exercise_confusion_matrix()
    np.fill_diagonal(matrix, 0)
    accuracy = np.trace(matrix) / matrix.sum()
    recalls = np.diag(matrix) / matrix.sum(axis=1)
    assert accuracy == 0.0
    assert check_confusion_metrics(accuracy, recalls).passed is False
    assert check_confusion_metrics(ACCURACY, RECALLS).passed
    np.testing.assert_array_equal(exercise_confusion_matrix(), MATRIX)
    assert exercise_confusion_matrix() is not exercise_confusion_matrix()


def test_confusion_reference_is_read_only():
    from utils.checks import training_cnns

    with pytest.raises(ValueError, match="read-only"):
        training_cnns._CONFUSION_MATRIX[0, 0] = 0


def test_confusion_feedback_does_not_give_the_answer_away():
    for accuracy, recalls in [
        (0.5, RECALLS),
        (ACCURACY, RECALLS[::-1]),
        ("x", RECALLS),
    ]:
        message = check_confusion_metrics(accuracy, recalls).message
        assert f"{ACCURACY:.3f}" not in message
        assert "np.trace" not in message and "sum(axis=1)" not in message
        assert not any(f"{r:.3f}" in message for r in RECALLS)


def test_confusion_placeholder_is_not_attempted():
    assert check_confusion_metrics(..., ...).passed is None
    assert check_confusion_metrics(ACCURACY, ...).passed is None


# ---------------------------------------------------------------- experiment


def centroid_network(dropout=0.6, input_shape=(20, 20, 1)):
    """A network that reads digits without training: nearest class mean.

    Its logits are x . m_c - |m_c|^2 / 2 for the mean image m_c of each class
    of the chapter's training digits, which ranks classes by distance to their
    mean. Quick to build, and accurate enough (about 0.9) to count as trained.
    """
    import keras

    X_train, y_train = chapter_digits()["train"]
    means = np.stack(
        [X_train[y_train == c].reshape(-1, 400).mean(0) for c in range(10)]
    )
    network = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Flatten(),
            keras.layers.Dropout(dropout),
            keras.layers.Dense(10),
        ]
    )
    if input_shape == (20, 20, 1):
        network.layers[-1].set_weights([means.T, -0.5 * (means**2).sum(axis=1)])
    return network


@pytest.fixture(scope="module")
def measured():
    """A network, and its validation loss and accuracy as evaluate gives them."""
    import keras

    network = centroid_network()
    network.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    X_val, y_val = chapter_digits()["validation"]
    loss, accuracy = network.evaluate(X_val, y_val, verbose=0)
    return network, loss, accuracy


def test_chapter_digits_are_the_chapter_split():
    split = chapter_digits()
    sizes = {name: len(y) for name, (_, y) in split.items()}
    assert sizes == {"train": 1257, "validation": 180, "test": 360, "small": 100}
    assert np.all(np.bincount(split["small"][1]) == 10)
    assert split["test"][0].shape[1:] == (20, 20, 1)
    with pytest.raises(ValueError):
        split["test"][0][0, 0, 0, 0] = 1.0  # read-only


def test_dropout_experiment_accepts_the_measurement(measured, capsys):
    network, loss, accuracy = measured
    assert accuracy > 0.8  # the centroid network counts as trained
    assert check_dropout_experiment(network, loss, accuracy).passed
    assert check_dropout_experiment(
        network, np.float32(loss), np.array([accuracy])
    ).passed
    assert "✅" in capsys.readouterr().out


def test_dropout_experiment_rejects_wrong_measurements(measured):
    network, loss, accuracy = measured
    cases = [
        ((network, accuracy, loss), "swapped"),
        ((network, loss, 100 * accuracy), "percentage"),
        ((network, loss, accuracy - 0.05), "scores"),
        ((network, loss + 0.1, accuracy), "cross-entropy"),
        ((network, "low", accuracy), "one number each"),
    ]
    for arguments, phrase in cases:
        feedback = check_dropout_experiment(*arguments)
        assert feedback.passed is False, phrase
        assert phrase in feedback.message


@pytest.mark.parametrize(
    ("network", "phrase"),
    [
        (lambda: centroid_network(dropout=0.3), "measured already"),
        (lambda: centroid_network(dropout=0.0), "measured already"),
        (lambda: centroid_network(input_shape=(16, 16, 1)), "(20, 20, 1)"),
        (lambda: "network", "Keras model"),
    ],
)
def test_dropout_experiment_rejects_the_wrong_network(network, phrase, measured):
    _, loss, accuracy = measured
    feedback = check_dropout_experiment(network(), loss, accuracy)
    assert feedback.passed is False
    assert phrase in feedback.message


def test_dropout_experiment_rejects_a_network_without_dropout(measured):
    import keras

    _, loss, accuracy = measured
    network = keras.Sequential(
        [keras.Input((20, 20, 1)), keras.layers.Flatten(), keras.layers.Dense(10)]
    )
    feedback = check_dropout_experiment(network, loss, accuracy)
    assert feedback.passed is False
    assert "no Dropout layer" in feedback.message


def test_dropout_experiment_rejects_an_untrained_network(measured):
    _, loss, accuracy = measured
    network = centroid_network()
    network.layers[-1].set_weights([np.zeros((400, 10)), np.arange(10.0)])
    feedback = check_dropout_experiment(network, loss, accuracy)
    assert feedback.passed is False
    assert "does not look trained" in feedback.message


def test_dropout_experiment_placeholder_is_not_attempted(measured):
    _, loss, accuracy = measured
    assert check_dropout_experiment(..., ..., ...).passed is None
    assert check_dropout_experiment(..., loss, accuracy).passed is None
