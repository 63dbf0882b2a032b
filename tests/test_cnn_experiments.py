"""Tests of utils.cnn_experiments (chapter 7): transforms, counts, models, saliency."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import utils
from utils.cnn_experiments import (
    accuracy_under_transform,
    build_digit_cnn,
    build_digit_mlp,
    conv2d_multiply_adds,
    conv2d_parameters,
    count_multiply_adds,
    dense_multiply_adds,
    dense_parameters,
    place_on_canvas,
    random_augment,
    rescale_images,
    reset_model,
    rotate_images,
    saliency_map,
    shift_images,
    stratified_subset,
    tensorflow_multiply_adds,
    train_classifier,
    transform_images,
)

utils.setup(tensorflow=False)


@pytest.fixture(scope="module")
def keras():
    utils.setup()
    import keras

    return keras


def slice_shift(image, rows, columns):
    """Reference whole-pixel shift with zero fill, written with slices."""
    out = np.zeros_like(image)
    height, width = image.shape
    if abs(rows) >= height or abs(columns) >= width:
        return out
    out[
        max(0, rows) : height + min(0, rows), max(0, columns) : width + min(0, columns)
    ] = image[
        max(0, -rows) : height - max(0, rows),
        max(0, -columns) : width - max(0, columns),
    ]
    return out


# ------------------------------------------------------------------ transforms


@pytest.mark.parametrize(
    ("rows", "columns"), [(0, 0), (1, 0), (0, 3), (-2, 1), (3, -4), (7, 0), (0, -9)]
)
def test_whole_pixel_shifts_copy_pixels_without_wrapping(rows, columns):
    image = np.arange(1.0, 49.0).reshape(6, 8)
    np.testing.assert_allclose(
        shift_images(image, rows, columns), slice_shift(image, rows, columns)
    )
    np.testing.assert_allclose(
        shift_images(image, rows, columns, order=0), slice_shift(image, rows, columns)
    )


def test_shift_direction_is_down_and_right():
    image = np.zeros((5, 5))
    image[2, 2] = 1.0
    moved = shift_images(image, 1, 2)
    assert moved[3, 4] == 1.0
    assert moved.sum() == 1.0


def test_half_pixel_shift_interpolates_between_neighbours():
    image = np.zeros((1, 5, 5))
    image[0, 2, 2] = 1.0
    moved = shift_images(image, 0, 0.5)
    np.testing.assert_allclose(moved[0, 2, 2:4], [0.5, 0.5])


def test_transforms_keep_every_supported_shape_and_float32():
    stack = np.random.default_rng(0).random((3, 6, 6)).astype(np.float32)
    for images in (stack, stack[0], stack[..., None], stack[0][..., None]):
        out = rotate_images(images, 30)
        assert out.shape == images.shape
        assert out.dtype == np.float32
    assert rescale_images(np.ones((4, 4), dtype=int), 0.5).dtype == np.float64


def test_single_image_with_channel_is_not_read_as_a_batch():
    image = np.zeros((6, 6, 1))
    image[2, 1, 0] = 1.0
    moved = shift_images(image, 0, 2)
    assert moved[2, 3, 0] == 1.0


def test_batch_is_transformed_image_by_image():
    rng = np.random.default_rng(1)
    stack = rng.random((4, 7, 7))
    together = rotate_images(stack, 20)
    alone = np.stack([rotate_images(image, 20) for image in stack])
    np.testing.assert_allclose(together, alone)


@pytest.mark.parametrize("size", [5, 6])
def test_rotation_by_90_degrees_is_counter_clockwise(size):
    image = np.random.default_rng(size).random((size, size))
    np.testing.assert_allclose(rotate_images(image, 90), np.rot90(image), atol=1e-9)
    np.testing.assert_allclose(rotate_images(image, 0), image)
    np.testing.assert_allclose(rotate_images(image, 360), image, atol=1e-9)


def test_rescale_magnifies_about_the_centre():
    image = np.zeros((9, 9))
    image[4, 4] = 1.0
    magnified = rescale_images(image, 3, order=0)
    expected = np.zeros((9, 9))
    expected[3:6, 3:6] = 1.0
    np.testing.assert_array_equal(magnified, expected)
    np.testing.assert_allclose(rescale_images(image, 1.0), image)


def test_transform_images_combines_the_three():
    image = np.random.default_rng(2).random((8, 8))
    np.testing.assert_allclose(
        transform_images(image, shift=(1, -2)), shift_images(image, 1, -2)
    )


@pytest.mark.parametrize(
    ("call", "error", "phrase"),
    [
        (lambda: shift_images(np.zeros((2, 4, 4, 3)), 1, 1), ValueError, "grey"),
        (lambda: rescale_images(np.zeros((4, 4)), 0), ValueError, "positive"),
        (lambda: transform_images(np.zeros((4, 4)), shift=3), TypeError, "pair"),
        (lambda: shift_images(np.zeros((4, 4)), 1, 1, order=3), ValueError, "order"),
        (lambda: rotate_images(np.full((4, 4), np.nan), 10), ValueError, "NaN"),
        (lambda: rotate_images(np.zeros((4, 4)), "ten"), TypeError, "angle"),
        (lambda: rotate_images(None, 10), TypeError, "images"),
    ],
)
def test_transforms_reject_bad_input(call, error, phrase):
    with pytest.raises(error, match=phrase):
        call()


def test_place_on_canvas_centres_the_images():
    digits = np.ones((2, 4, 4))
    canvas = place_on_canvas(digits, 8)
    assert canvas.shape == (2, 8, 8)
    assert canvas[:, 2:6, 2:6].min() == 1.0
    assert canvas.sum() == digits.sum()
    odd = place_on_canvas(np.ones((3, 3)), 6)
    assert odd[1:4, 1:4].sum() == 9
    with pytest.raises(ValueError, match="at least as large"):
        place_on_canvas(digits, 3)


def test_random_augment_is_seeded_and_keeps_shapes():
    stack = np.random.default_rng(3).random((5, 10, 10, 1)).astype(np.float32)
    options = {"max_shift": 2, "max_angle": 15, "scale_range": (0.9, 1.1)}
    first = random_augment(stack, seed=4, **options)
    assert first.shape == stack.shape
    assert first.dtype == np.float32
    np.testing.assert_array_equal(first, random_augment(stack, seed=4, **options))
    assert not np.allclose(first, random_augment(stack, seed=5, **options))
    np.testing.assert_allclose(random_augment(stack, seed=4), stack, atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "error", "phrase"),
    [
        ({"images": np.zeros((4, 4))}, ValueError, "batch"),
        ({"images": np.zeros((4, 4, 1))}, ValueError, "batch"),
        ({"max_shift": -1}, ValueError, ">= 0"),
        ({"scale_range": (1.2, 0.8)}, ValueError, "smallest <= largest"),
        ({"scale_range": 1.1}, TypeError, "pair"),
        ({"seed": 1.5}, TypeError, "seed"),
    ],
)
def test_random_augment_rejects_bad_input(kwargs, error, phrase):
    arguments = {"images": np.zeros((2, 4, 4)), "seed": 0, **kwargs}
    images = arguments.pop("images")
    with pytest.raises(error, match=phrase):
        random_augment(images, **arguments)


def test_stratified_subset_keeps_class_shares():
    labels = np.repeat(np.arange(10), 30)
    chosen = stratified_subset(labels, 50, seed=0)
    assert len(chosen) == 50
    assert np.all(np.diff(chosen) > 0)
    np.testing.assert_array_equal(np.bincount(labels[chosen]), np.full(10, 5))
    np.testing.assert_array_equal(chosen, stratified_subset(labels, 50, seed=0))
    np.testing.assert_array_equal(stratified_subset(labels, 300), np.arange(300))
    assert len(stratified_subset(labels, 295)) == 295


@pytest.mark.parametrize(
    ("labels", "size", "phrase"),
    [
        (np.repeat(np.arange(10), 3), 5, "one example per class"),
        (np.zeros((3, 3), dtype=int), 2, "one-dimensional"),
        (np.arange(4), 10, "at most"),
    ],
)
def test_stratified_subset_rejects_bad_input(labels, size, phrase):
    with pytest.raises(ValueError, match=phrase):
        stratified_subset(labels, size)


# ------------------------------------------------------------------ counting


def test_parameter_and_multiply_add_formulas():
    assert conv2d_parameters(3, 16, 32) == 4640
    assert conv2d_parameters((3, 5), 2, 4, use_bias=False) == 120
    assert conv2d_multiply_adds(10, 3, 16, 32) == 460_800
    assert conv2d_multiply_adds((4, 6), (1, 3), 2, 5) == 4 * 6 * 5 * 3 * 2
    assert dense_parameters(800, 10) == 8010
    assert dense_parameters(800, 10, use_bias=False) == 8000
    assert dense_multiply_adds(800, 10) == 8000


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: conv2d_parameters(3, 0, 4), ValueError),
        (lambda: conv2d_parameters(3.5, 1, 4), TypeError),
        (lambda: conv2d_multiply_adds((3, 3, 3), 3, 1, 1), ValueError),
        (lambda: dense_parameters("8", 10), TypeError),
        (lambda: dense_multiply_adds(8, -1), ValueError),
    ],
)
def test_formulas_reject_bad_input(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.slow
@pytest.mark.parametrize(
    "settings",
    [
        {"input_shape": (20, 20, 1)},
        {"input_shape": (12, 16, 3), "filters": (4,), "kernel_size": 5},
        {"input_shape": (16, 16, 2), "filters": (3, 5), "hidden_units": 7},
        {"input_shape": (16, 16, 1), "global_pooling": True},
    ],
)
def test_count_multiply_adds_agrees_with_keras_and_the_profiler(keras, settings):
    model = build_digit_cnn(**settings)
    rows = count_multiply_adds(model)
    assert sum(row["parameters"] for row in rows) == model.count_params()
    ours = [row["multiply-adds"] for row in rows if row["multiply-adds"]]
    assert ours == list(tensorflow_multiply_adds(model).values())
    assert rows[-1]["output shape"] == (10,)
    assert rows[0]["outputs"] == int(np.prod(rows[0]["output shape"]))


@pytest.mark.slow
def test_count_multiply_adds_of_the_chapter_network(keras):
    rows = count_multiply_adds(build_digit_cnn())
    assert [row["multiply-adds"] for row in rows if row["multiply-adds"]] == [
        57_600,
        460_800,
        8_000,
    ]
    assert sum(row["parameters"] for row in rows) == 12_810


@pytest.mark.slow
def test_count_multiply_adds_rejects_unknown_layers(keras):
    model = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.BatchNormalization()]
    )
    with pytest.raises(ValueError, match="only knows Conv2D and Dense"):
        count_multiply_adds(model)
    with pytest.raises(TypeError, match="Keras model"):
        count_multiply_adds("model")
    with pytest.raises(TypeError, match="Keras model"):
        tensorflow_multiply_adds(42)


# ------------------------------------------------------------------ models


@pytest.mark.slow
def test_builders_make_the_described_networks(keras):
    cnn = build_digit_cnn()
    names = [type(layer).__name__ for layer in cnn.layers]
    assert names == [
        "Conv2D",
        "MaxPooling2D",
        "Conv2D",
        "MaxPooling2D",
        "Flatten",
        "Dropout",
        "Dense",
    ]
    assert cnn.count_params() == 12_810
    assert tuple(cnn.layers[-1].output.shape) == (None, 10)
    pooled = build_digit_cnn(global_pooling=True, dropout=0.0, hidden_units=5)
    assert [type(layer).__name__ for layer in pooled.layers][-3:] == [
        "GlobalAveragePooling2D",
        "Dense",
        "Dense",
    ]
    mlp = build_digit_mlp()
    assert mlp.count_params() == (400 + 1) * 128 + (128 + 1) * 10
    schedule = build_digit_cnn(decay_steps=10).optimizer.learning_rate
    assert float(schedule) == pytest.approx(0.01)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kwargs", "error", "phrase"),
    [
        ({"filters": 8}, TypeError, "list"),
        ({"filters": ()}, ValueError, "at least one"),
        ({"filters": (4, 4, 4, 4, 4, 4)}, ValueError, "halve"),
        ({"dropout": 1.0}, ValueError, "dropout"),
        ({"learning_rate": -0.1}, ValueError, "positive"),
        ({"decay_steps": 0}, ValueError, "decay_steps"),
        ({"input_shape": (20, 20)}, TypeError, "height, width, channels"),
        ({"num_classes": 1}, ValueError, "num_classes"),
    ],
)
def test_build_digit_cnn_rejects_bad_settings(keras, kwargs, error, phrase):
    with pytest.raises(error, match=phrase):
        build_digit_cnn(**kwargs)


# ------------------------------------------------------------------ training


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(0)
    images = rng.random((40, 8, 8, 1)).astype(np.float32)
    labels = images[:, :4].sum(axis=(1, 2, 3)) > images[:, 4:].sum(axis=(1, 2, 3))
    return images, labels.astype(np.int64)


@pytest.mark.slow
def test_train_classifier_takes_the_same_steps_as_fit(keras, small_data):
    images, labels = small_data
    fitted = build_digit_cnn((8, 8, 1), filters=(4,), dropout=0.0, num_classes=2)
    ours = build_digit_cnn((8, 8, 1), filters=(4,), dropout=0.0, num_classes=2)
    ours.set_weights(fitted.get_weights())
    history = fitted.fit(
        images,
        labels,
        epochs=3,
        batch_size=len(images),
        validation_data=(images[:10], labels[:10]),
        verbose=0,
    )
    mine = train_classifier(
        ours,
        images,
        labels,
        num_epochs=3,
        batch_size=len(images),
        validation_data=(images[:10], labels[:10]),
    )
    for a, b in zip(fitted.get_weights(), ours.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(history.history[key], mine[key], atol=1e-5)


@pytest.mark.slow
def test_train_classifier_learns_and_augments(keras, small_data):
    images, labels = small_data
    model = build_digit_cnn((8, 8, 1), filters=(4,), num_classes=2)
    seeds = []

    def augment(batch, *, seed):
        seeds.append(seed)
        return batch

    history = train_classifier(
        model, images, labels, num_epochs=15, batch_size=8, augment=augment, seed=3
    )
    assert seeds == list(range(3, 18))
    assert set(history) == {"loss", "accuracy"}
    assert len(history["loss"]) == 15
    assert history["loss"][-1] < history["loss"][0]
    with pytest.raises(ValueError, match="changed the shape"):
        train_classifier(
            model,
            images,
            labels,
            num_epochs=1,
            augment=lambda batch, seed: batch[:, :4],
        )


@pytest.mark.slow
def test_train_classifier_rejects_bad_input(keras, small_data):
    images, labels = small_data
    model = build_digit_cnn((8, 8, 1), filters=(4,), num_classes=2)
    with pytest.raises(ValueError, match="one integer label per image"):
        train_classifier(model, images, labels[:5], num_epochs=1)
    with pytest.raises(TypeError, match="integers"):
        train_classifier(model, images, labels.astype(float), num_epochs=1)
    with pytest.raises(ValueError, match="num_epochs"):
        train_classifier(model, images, labels, num_epochs=0)
    with pytest.raises(TypeError, match="pair"):
        train_classifier(model, images, labels, num_epochs=1, validation_data=images)
    uncompiled = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten()])
    with pytest.raises(ValueError, match="compiled"):
        train_classifier(uncompiled, images, labels, num_epochs=1)


@pytest.mark.slow
def test_reset_model_draws_new_weights_and_clears_the_optimizer(keras, small_data):
    images, labels = small_data
    model = build_digit_cnn((8, 8, 1), filters=(4,), num_classes=2)
    train_classifier(model, images, labels, num_epochs=2, batch_size=8)
    trained = [w.copy() for w in model.get_weights()]
    assert int(model.optimizer.iterations) == 10
    reset_model(model)
    assert int(model.optimizer.iterations) == 0
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert not np.allclose(trained[0], model.get_weights()[0])
    slots = [v for v in model.optimizer.variables if "momentum" in v.path]
    assert slots and all(not np.any(np.asarray(v)) for v in slots)
    history = train_classifier(model, images, labels, num_epochs=2, batch_size=8)
    assert np.isfinite(history["loss"]).all()
    with pytest.raises(TypeError, match="Keras model"):
        reset_model([1, 2])


# ------------------------------------------------------------------ evaluation


def left_heavy_classifier(images, training=False):
    """Class 1 if the left half of the image is brighter than the right half."""
    images = np.asarray(images)
    half = images.shape[2] // 2
    left = images[:, :, :half].sum(axis=(1, 2, 3))
    right = images[:, :, half:].sum(axis=(1, 2, 3))
    return np.stack([right, left], axis=1)


def test_accuracy_under_transform_scores_each_value():
    images = np.zeros((4, 6, 6, 1))
    images[:2, :, 1] = 1.0  # a bright column on the left: class 1
    images[2:, :, 4] = 1.0  # on the right: class 0
    labels = np.array([1, 1, 0, 0])

    def move(batch, columns):
        return shift_images(batch, 0, columns)

    accuracy = accuracy_under_transform(
        left_heavy_classifier, images, labels, move, [0, 3, -3]
    )
    # +3: the left columns move right (wrong), the right ones leave the frame
    # (all black: class 0, right); -3: both wrong.
    np.testing.assert_allclose(accuracy, [1.0, 0.5, 0.0])
    both = accuracy_under_transform(
        {"a": left_heavy_classifier, "b": left_heavy_classifier},
        images,
        labels,
        move,
        [0],
    )
    assert set(both) == {"a", "b"}
    np.testing.assert_allclose(both["a"], [1.0])


@pytest.mark.parametrize(
    ("kwargs", "error", "phrase"),
    [
        ({"labels": np.zeros(3, dtype=int)}, ValueError, "one integer label"),
        ({"values": []}, ValueError, "empty"),
        ({"transform": "rotate"}, TypeError, "function"),
        (
            {"transform": lambda batch, value: batch[:, :2]},
            ValueError,
            "keep the frame",
        ),
        ({"models": {}}, TypeError, "dict of Keras models"),
    ],
)
def test_accuracy_under_transform_rejects_bad_input(kwargs, error, phrase):
    arguments = {
        "models": left_heavy_classifier,
        "images": np.zeros((4, 6, 6, 1)),
        "labels": np.zeros(4, dtype=int),
        "transform": functools.partial(shift_images, columns=0),
        "values": [0],
        **kwargs,
    }
    with pytest.raises(error, match=phrase):
        accuracy_under_transform(**arguments)


@pytest.mark.slow
def test_saliency_of_a_linear_model_is_its_weights(keras):
    model = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(3)]
    )
    kernel, _ = model.layers[-1].get_weights()
    images = np.random.default_rng(0).random((2, 4, 4, 1)).astype(np.float32)
    gradient = saliency_map(model, images, class_indices=[2, 0], absolute=False)
    np.testing.assert_allclose(gradient[0].ravel(), kernel[:, 2], rtol=1e-6)
    np.testing.assert_allclose(gradient[1].ravel(), kernel[:, 0], rtol=1e-6)
    absolute = saliency_map(model, images, class_indices=1)
    np.testing.assert_allclose(absolute[0].ravel(), np.abs(kernel[:, 1]), rtol=1e-6)
    predicted = np.asarray(model(images)).argmax(axis=1)
    np.testing.assert_allclose(
        saliency_map(model, images, absolute=False)[0].ravel(),
        kernel[:, predicted[0]],
        rtol=1e-6,
    )


@pytest.mark.slow
def test_saliency_matches_finite_differences_in_float64(keras):
    model = keras.Sequential(
        [
            keras.Input((6, 6, 1), dtype="float64"),
            keras.layers.Conv2D(3, 3, activation="tanh", dtype="float64"),
            keras.layers.Flatten(dtype="float64"),
            keras.layers.Dense(2, dtype="float64"),
        ]
    )
    x = np.random.default_rng(1).random((1, 6, 6, 1))
    gradient = saliency_map(model, x, class_indices=[1], absolute=False)[0]
    epsilon = 1e-6
    for i, j in [(0, 0), (2, 3), (5, 5)]:
        nudge = np.zeros_like(x)
        nudge[0, i, j, 0] = epsilon
        estimate = float(model(x + nudge)[0, 1] - model(x - nudge)[0, 1]) / (
            2 * epsilon
        )
        assert gradient[i, j, 0] == pytest.approx(estimate, rel=1e-6, abs=1e-9)


@pytest.mark.slow
def test_saliency_rejects_bad_input(keras):
    model = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(3)]
    )
    images = np.zeros((2, 4, 4, 1), dtype=np.float32)
    with pytest.raises(ValueError, match="between 0 and 2"):
        saliency_map(model, images, class_indices=[0, 3])
    with pytest.raises(ValueError, match="one whole number per image"):
        saliency_map(model, images, class_indices=[0, 1, 2])
    with pytest.raises(TypeError, match="callable"):
        saliency_map("model", images)
