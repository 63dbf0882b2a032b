"""The exercise checks of chapter 7 accept the solutions, reject typical wrong
answers with a helpful message, and report placeholders as not attempted."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks import worked_example as checks
from utils.kernels import (
    blur_kernel,
    edge_kernel,
    sharpen_kernel,
    sobel_x_kernel,
    sobel_y_kernel,
)


def verdict(check, *args):
    """Run a check and return (passed, message); it must never raise."""
    feedback = check(*args)
    return feedback.passed, feedback.message


# --- A detector for horizontal edges -------------------------------------


@pytest.mark.parametrize(
    "kernel",
    [
        [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],  # Prewitt, the solution
        sobel_y_kernel(),
        -sobel_y_kernel(),  # the other sign is fine
        [[-1], [1]],  # the smallest one
        [[-1, -1, -1], [2, 2, 2], [-1, -1, -1]],  # a horizontal line detector
        np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])[:, :, None, None],
        [[1, 2, 0], [-1, -2, 0], [0, 0, 0]],  # columns add up to 0, not symmetric
        np.array([[-1.0, -1.0, -1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], np.float32),
    ],
)
def test_horizontal_kernel_accepts_solutions(kernel, capsys):
    passed, message = verdict(checks.check_horizontal_edge_kernel, kernel)
    assert passed is True, message
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("kernel", "phrase"),
    [
        (edge_kernel(), "responds to a vertical edge too"),
        (sobel_x_kernel(), "transpose"),
        (blur_kernel(3), "add up to 1"),
        (sharpen_kernel(), "add up to 1"),
        (np.zeros((3, 3)), "all your weights are zero"),
        ([[1, 0, -1], [0, 0, 0], [-1, 0, 1]], "answers 0 on horizontal and on"),
        ([[0, 0, 1], [0, 0, 0], [-1, 0, 0]], "vertical edge too"),
        # Symmetric rows that add up to 0 overall, but whose columns do not:
        # the old hint ("make every row symmetric") would have allowed it.
        ([[-1, -1, -1], [1, -2, 1], [1, 1, 1]], "columns add up to"),
        ([[-1, 0, -1], [0, 0, 0], [0, 2, 0]], "columns add up to"),
        ([1, 0, -1], "2-D grid"),
        (np.ones((9, 9)), "outside what this exercise"),
        ([["a", "b"]], "array of numbers"),
        ([[np.nan, 1.0]], "NaN"),
    ],
)
def test_horizontal_kernel_rejects_wrong_answers(kernel, phrase):
    passed, message = verdict(checks.check_horizontal_edge_kernel, kernel)
    assert passed is False
    assert phrase in message


def test_horizontal_kernel_not_attempted():
    assert checks.check_horizontal_edge_kernel(...).passed is None
    partly = np.array([[..., ..., ...], [0, 0, 0], [1, 1, 1]], dtype=object)
    assert checks.check_horizontal_edge_kernel(partly).passed is None


# --- Predict the shape ---------------------------------------------------


def test_shape_accepts_the_answer():
    assert checks.check_shape_after_conv_and_pool((111, 88)).passed is True
    assert checks.check_shape_after_conv_and_pool([111, 88]).passed is True
    assert checks.check_shape_after_conv_and_pool(np.array([111, 88])).passed is True
    assert checks.check_shape_after_conv_and_pool((111.0, 88.0)).passed is True
    assert checks.check_shape_after_conv_and_pool((np.int64(111), 88)).passed is True


def test_shape_answer_matches_tensorflow():
    """The answer the check expects is what TensorFlow computes."""
    from utils import setup

    setup()
    import tensorflow as tf

    height, width = checks.SHAPE_EXERCISE["image"]
    image = tf.zeros((1, height, width, 1))
    kernel = tf.zeros((checks.SHAPE_EXERCISE["kernel"],) * 2 + (1, 1))
    maps = tf.nn.conv2d(image, kernel, strides=1, padding="VALID")
    pooled = tf.nn.max_pool2d(maps, ksize=2, strides=2, padding="SAME")
    assert tuple(pooled.shape[1:3]) == (111, 88)
    assert checks.check_shape_after_conv_and_pool(tuple(pooled.shape[1:3])).passed
    assert checks.check_shape_after_conv_and_pool(pooled.shape[1:3]).passed


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ((88, 111), "swapped"),
        ((110, 88), "rounded down"),
        ((113, 90), "kept the image's size"),
        ((112, 89), "half the kernel"),
        ((221, 176), "pooling comes next"),
        ((100, 100), "not the size after both steps"),
        ((111.5, 88.0), "whole numbers"),
        (np.array([110, 88]), "rounded down"),
        ((np.int64(88), np.int64(111)), "swapped"),
        ((111, 88, 1), "(height, width)"),
        ((1, 111, 88, 1), "whole TensorFlow shape"),
        ("111 x 88", "(height, width)"),
        ((True, 88), "whole numbers"),
    ],
)
def test_shape_rejects_wrong_answers(answer, phrase):
    passed, message = verdict(checks.check_shape_after_conv_and_pool, answer)
    assert passed is False
    assert phrase in message


def test_shape_not_attempted():
    assert checks.check_shape_after_conv_and_pool(...).passed is None
    assert checks.check_shape_after_conv_and_pool((..., ...)).passed is None


# --- ReLU and max pooling by hand ----------------------------------------


def test_relu_max_pool_accepts_the_answer():
    assert checks.check_relu_max_pool([[3, 5], [0, 4]]).passed is True
    assert checks.check_relu_max_pool(np.array([[3.0, 5.0], [0.0, 4.0]])).passed
    assert checks.check_relu_max_pool(((np.int64(3), 5), (0, 4.0))).passed


def test_relu_max_pool_hands_out_a_copy():
    """Changing FEATURE_MAP_4X4 cannot change what the check expects."""
    saved = checks.FEATURE_MAP_4X4.copy()
    checks.FEATURE_MAP_4X4[:] = 0
    try:
        assert checks.check_relu_max_pool([[3, 5], [0, 4]]).passed is True
        assert checks.check_relu_max_pool([[0, 0], [0, 0]]).passed is False
    finally:
        checks.FEATURE_MAP_4X4[:] = saved


def test_relu_max_pool_answer_matches_tensorflow():
    from utils import setup

    setup()
    import tensorflow as tf

    maps = tf.constant(checks.FEATURE_MAP_4X4[None, :, :, None], tf.float32)
    pooled = tf.nn.max_pool2d(tf.nn.relu(maps), ksize=2, strides=2, padding="SAME")
    assert checks.check_relu_max_pool(pooled[0, :, :, 0]).passed is True


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ([[3, 5], [-1, 4]], "without ReLU"),
        ([[3, 0], [5, 4]], "swapped"),
        ([[1, 1.75], [0, 1.5]], "average pooling"),
        ([[3, 5, 5], [1, 5, 5], [0, 2, 4]], "moved by 1 pixel"),
        ([3, 5, 0, 4], "should be 2 x 2"),
        ([[3, 5], [0, 2]], "bottom right"),
        ([["three", 5], [0, 4]], "array of numbers"),
    ],
)
def test_relu_max_pool_rejects_wrong_answers(answer, phrase):
    passed, message = verdict(checks.check_relu_max_pool, answer)
    assert passed is False
    assert phrase in message


def test_relu_max_pool_not_attempted():
    assert checks.check_relu_max_pool(...).passed is None
    assert checks.check_relu_max_pool([[..., ...], [..., ...]]).passed is None


# --- The other side of the edge ------------------------------------------


@pytest.fixture(scope="module")
def feature_maps():
    """The chapter's convolution output, computed as the chapter does."""
    from utils import setup

    setup()
    import tensorflow as tf

    from utils.data import load_cat_image

    image = load_cat_image(size=300, grey=True)
    images = tf.constant(image[None, :, :, None], dtype=tf.float32)
    kernels = tf.constant(edge_kernel()[:, :, None, None], dtype=tf.float32)
    return tf.nn.conv2d(images, kernels, strides=1, padding="SAME").numpy()


def test_dark_side_accepts_the_answer(feature_maps):
    import tensorflow as tf

    answer = np.maximum(-feature_maps, 0)
    assert checks.check_dark_side(answer).passed is True
    assert checks.check_dark_side(answer[0, :, :, 0]).passed is True
    assert checks.check_dark_side(tf.nn.relu(-tf.constant(feature_maps))).passed


@pytest.mark.parametrize(
    ("make_answer", "phrase"),
    [
        (lambda m: np.maximum(m, 0), "bright side"),
        (lambda m: -np.maximum(m, 0), "negative values"),
        (lambda m: np.minimum(m, 0), "negative values"),
        (np.abs, "both sides"),
        (lambda m: np.maximum(-m, 0)[:, ::2, ::2], "ReLU keeps the shape"),
        (lambda m: np.maximum(-m, 0) * 2, "not ReLU of the negated"),
        (lambda m: np.maximum(-np.maximum(m, 0), 0), "0 everywhere"),
        (lambda m: [["dark"]], "array of numbers"),
    ],
)
def test_dark_side_rejects_wrong_answers(feature_maps, make_answer, phrase):
    passed, message = verdict(checks.check_dark_side, make_answer(feature_maps))
    assert passed is False
    assert phrase in message


def test_dark_side_computes_its_own_reference(feature_maps):
    """An answer made from some other map fails, and the learner cannot pass a
    reference of their own."""
    other = np.random.default_rng(0).standard_normal(feature_maps.shape)
    assert checks.check_dark_side(np.maximum(-other, 0)).passed is False
    feedback = checks.check_dark_side(np.maximum(-other, 0), other)
    assert feedback.passed is False
    assert "TypeError" in feedback.message
    # The reference is read-only, so no answer can change it by accident.
    assert not checks._edge_response().flags.writeable


def test_dark_side_not_attempted():
    assert checks.check_dark_side(...).passed is None


def test_learner_errors_become_not_yet(capsys):
    """A learner's error is reported as "not yet", never as a traceback."""

    class Broken:
        def numpy(self):
            raise RuntimeError("broken tensor")

    feedback = checks.check_relu_max_pool(Broken())
    assert feedback.passed is False
    assert "RuntimeError" in capsys.readouterr().out


# --- A bigger pooling window (experiment) --------------------------------


@pytest.fixture(scope="module")
def relu_map():
    """The chapter's ReLU map, computed with TensorFlow as the learner would."""
    from utils import setup

    setup()
    import tensorflow as tf

    from utils.data import load_cat_image

    image = load_cat_image(size=300, grey=True)
    images = tf.constant(image[None, :, :, None], dtype=tf.float32)
    kernel = tf.constant(edge_kernel()[:, :, None, None], dtype=tf.float32)
    feature_maps = tf.nn.conv2d(images, kernel, strides=1, padding="SAME")
    return tf, feature_maps, tf.nn.relu(feature_maps)


@pytest.mark.parametrize("size", [3, 4, 7, 8])  # 7 and 8 need padding
def test_pool_experiment_accepts_the_measurement(relu_map, size):
    tf, _, activated = relu_map
    pooled = tf.nn.max_pool2d(activated, ksize=size, strides=size, padding="SAME")
    share = np.mean(pooled.numpy() == 0)
    assert checks.check_pool_experiment(size, pooled, share).passed
    assert checks.check_pool_experiment(float(size), pooled[0, :, :, 0], share).passed


def test_pool_experiment_rejects_each_kind_of_wrong_answer(relu_map):
    tf, feature_maps, activated = relu_map
    pooled = tf.nn.max_pool2d(activated, ksize=4, strides=4, padding="SAME")
    share = np.mean(pooled.numpy() == 0)
    stride_1 = tf.nn.max_pool2d(activated, ksize=4, strides=1, padding="SAME")
    passed, message = verdict(checks.check_pool_experiment, 4, stride_1, share)
    assert passed is False and "75 x 75" in message
    before_relu = tf.nn.max_pool2d(feature_maps, ksize=4, strides=4, padding="SAME")
    passed, message = verdict(checks.check_pool_experiment, 4, before_relu, share)
    assert passed is False and "activated" in message
    average = tf.nn.avg_pool2d(activated, ksize=4, strides=4, padding="SAME")
    assert verdict(checks.check_pool_experiment, 4, average, share)[0] is False
    passed, message = verdict(checks.check_pool_experiment, 4, pooled, 100 * share)
    assert passed is False and "percentage" in message
    passed, message = verdict(checks.check_pool_experiment, 4, pooled, 1 - share)
    assert passed is False and "share of zeros" in message
    passed, message = verdict(checks.check_pool_experiment, 2, pooled, share)
    assert passed is False and "3 to 30" in message
    assert verdict(checks.check_pool_experiment, 4, "pooled", share)[0] is False


def test_pool_experiment_placeholders_are_not_attempted():
    assert checks.check_pool_experiment(..., ..., ...).passed is None
    assert checks.check_pool_experiment(4, np.zeros((75, 75)), ...).passed is None
