"""The exercise checks of chapter 5 accept the solutions, reject typical wrong
answers with a message that names the mistake, and report placeholders as not
attempted. None of them may raise, whatever the learner passes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from utils.checks import convolution as checks


def verdict(check, *args):
    """Run a check and return (passed, message); it must never raise."""
    feedback = check(*args)
    return feedback.passed, feedback.message


# --- Exercise 1: the output-size formula ----------------------------------


def size_solution(size, kernel_size, stride, padding):
    return (size - kernel_size + 2 * padding) // stride + 1


def size_solution_with_math_floor(size, kernel_size, stride, padding):
    return math.floor((size - kernel_size + 2 * padding) / stride) + 1


def size_solution_truncating(size, kernel_size, stride, padding):
    return int((size - kernel_size + 2 * padding) / stride) + 1


def size_solution_numpy(size, kernel_size, stride, padding):
    return np.floor((size - kernel_size + 2 * padding) / stride) + 1  # a float64


def size_solution_int64(size, kernel_size, stride, padding):
    return np.int64(size - kernel_size + 2 * padding) // stride + 1


def size_solution_array(size, kernel_size, stride, padding):
    return np.array([(size - kernel_size + 2 * padding) // stride + 1])


@pytest.mark.parametrize(
    "function",
    [
        size_solution,
        size_solution_with_math_floor,
        size_solution_truncating,
        size_solution_numpy,
        size_solution_int64,
        size_solution_array,
        lambda w, f, s, p: float((w - f + 2 * p) // s + 1),  # 38.0 for 38
    ],
)
def test_output_size_accepts_solutions(function, capsys):
    passed, message = verdict(checks.check_output_size, function)
    assert passed is True, message
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("function", "phrase"),
    [
        (lambda w, f, s, p: (w - f + 2 * p) / s + 1, "fraction"),
        (lambda w, f, s, p: math.ceil((w - f + 2 * p) / s) + 1, "rounded up"),
        (lambda w, f, s, p: (w - f + p) // s + 1, "W + 2P"),
        (lambda w, f, s, p: (w - f + 2 * p) // s, "first position"),
        (lambda w, f, s, p: (w - f) // s + 1, "ignores the padding"),
        (lambda w, f, s, p: w - f + 2 * p + 1, "ignores the stride"),
        (lambda w, f, s, p: w, "but the output is"),
        (lambda w, f, s, p: float(w), "but the output is"),
        (lambda w, f, s, p: np.float64((w - f + 2 * p) / s + 1), "fraction"),
        (lambda w, f, s, p: np.int64((w - f + 2 * p) // s), "first position"),
        (lambda w, f, s, p: np.array([w, f]), "not a whole number"),
        (lambda w, f, s, p: "15", "not a whole number"),
        (lambda w, f, s, p: None, "not a whole number"),
        (lambda w, f, s, p: 1 / 0, "ZeroDivisionError"),
        (lambda w, f: w - f + 1, "TypeError"),
        (15, "should be a function"),
    ],
)
def test_output_size_rejects_wrong_answers(function, phrase, capsys):
    passed, message = verdict(checks.check_output_size, function)
    assert passed is False, message
    assert phrase in message
    assert "❌" in capsys.readouterr().out


def test_output_size_reports_placeholders(capsys):
    def template(size, kernel_size, stride, padding):
        return ...

    assert checks.check_output_size(template).passed is None
    assert checks.check_output_size(...).passed is None
    assert "✏️" in capsys.readouterr().out


def test_output_size_cases_include_uneven_strides():
    uneven = [
        case
        for case in checks._size_cases()
        if (case[0] - case[1] + 2 * case[3]) % case[2] != 0
    ]
    assert len(uneven) > 50


# --- Exercise 2: a one-channel conv2d --------------------------------------


def conv_solution(image, kernel, stride=1):
    kernel_height, kernel_width = kernel.shape
    out_height = (image.shape[0] - kernel_height) // stride + 1
    out_width = (image.shape[1] - kernel_width) // stride + 1
    output = np.zeros((out_height, out_width))
    for i in range(out_height):
        for j in range(out_width):
            top, left = i * stride, j * stride
            patch = image[top : top + kernel_height, left : left + kernel_width]
            output[i, j] = np.sum(patch * kernel)
    return output


def conv_by_subsampling(image, kernel, stride=1):
    """Compute every position, then keep every stride-th one: also right."""
    full = conv_solution(image, kernel, 1)
    return full[::stride, ::stride]


def conv_as_lists(image, kernel, stride=1):
    return conv_solution(image, kernel, stride).tolist()


def conv_flipped(image, kernel, stride=1):
    return conv_solution(image, kernel[::-1, ::-1], stride)


def conv_ignoring_stride(image, kernel, stride=1):
    return conv_solution(image, kernel, 1)


def conv_transposed(image, kernel, stride=1):
    return conv_solution(image, kernel, stride).T


def conv_off_by_one(image, kernel, stride=1):
    kernel_height, kernel_width = kernel.shape
    out_height = (image.shape[0] - kernel_height) // stride
    out_width = (image.shape[1] - kernel_width) // stride
    output = np.zeros((max(out_height, 1), max(out_width, 1)))
    for i in range(out_height):
        for j in range(out_width):
            patch = image[
                i * stride : i * stride + kernel_height,
                j * stride : j * stride + kernel_width,
            ]
            output[i, j] = np.sum(patch * kernel)
    return output


def conv_stride_in_patch_only(image, kernel, stride=1):
    """Right size, but the window moves one cell at a time (forgets i * stride)."""
    kernel_height, kernel_width = kernel.shape
    out_height = (image.shape[0] - kernel_height) // stride + 1
    out_width = (image.shape[1] - kernel_width) // stride + 1
    output = np.zeros((out_height, out_width))
    for i in range(out_height):
        for j in range(out_width):
            patch = image[i : i + kernel_height, j : j + kernel_width]
            output[i, j] = np.sum(patch * kernel)
    return output


def conv_square_only(image, kernel, stride=1):
    """Uses the image's height for both axes: fails on non-square inputs."""
    size = (image.shape[0] - kernel.shape[0]) // stride + 1
    output = np.zeros((size, size))
    for i in range(size):
        for j in range(size):
            patch = image[
                i * stride : i * stride + kernel.shape[0],
                j * stride : j * stride + kernel.shape[0],
            ]
            output[i, j] = np.sum(patch * kernel)
    return output


def conv_float32(image, kernel, stride=1):
    return conv_solution(image, kernel, stride).astype(np.float32)


def conv_then_spoil_the_input(image, kernel, stride=1):
    """Right, but overwrites the arrays it was given: the check must not care."""
    output = conv_solution(image, kernel, stride)
    image[...] = 0.0
    kernel[...] = 0.0
    return output


@pytest.mark.parametrize(
    "function",
    [
        conv_solution,
        conv_by_subsampling,
        conv_as_lists,
        conv_float32,
        conv_then_spoil_the_input,
    ],
)
def test_conv2d_accepts_solutions(function, capsys):
    for _ in range(5):  # the cases are new at every call
        passed, message = verdict(checks.check_conv2d, function)
        assert passed is True, message
    assert "✅" in capsys.readouterr().out


def test_conv2d_cases_are_new_at_every_call():
    first, second = checks._conv_cases(), checks._conv_cases()
    assert any(
        a.shape != b.shape or not np.array_equal(a, b)
        for (a, _, _), (b, _, _) in zip(first, second, strict=True)
    )


def test_conv2d_rejects_answers_memorised_from_an_earlier_call(capsys):
    remembered = {}

    def record(image, kernel, stride=1):
        remembered[(image.shape, kernel.shape, stride)] = conv_solution(
            image, kernel, stride
        )
        return remembered[(image.shape, kernel.shape, stride)]

    checks.check_conv2d(record)
    answers = dict(remembered)

    def replay(image, kernel, stride=1):
        key = (image.shape, kernel.shape, stride)
        return answers.get(key, np.zeros((1, 1)))

    assert checks.check_conv2d(replay).passed is False
    capsys.readouterr()


def test_conv2d_never_prints_the_expected_values(capsys):
    def off_by_a_little(image, kernel, stride=1):
        return conv_solution(image, kernel, stride) + 0.5

    feedback = checks.check_conv2d(off_by_a_little)
    assert feedback.passed is False
    assert "wrong numbers" in feedback.message
    assert "[[" not in feedback.message  # no array is printed
    assert "array(" not in feedback.message
    capsys.readouterr()


@pytest.mark.parametrize(
    ("function", "phrase"),
    [
        (conv_flipped, "flipped"),
        (conv_ignoring_stride, "ignore the stride"),
        (conv_transposed, "swapped"),
        (conv_off_by_one, "shape"),
        (conv_stride_in_patch_only, "wrong numbers"),
        (conv_square_only, "shape"),
        (lambda image, kernel, stride=1: None, "returned None"),
        (lambda image, kernel, stride=1: "output", "not an array of numbers"),
        (lambda image, kernel: image, "TypeError"),
        (np.zeros((3, 3)), "should be a function"),
    ],
)
def test_conv2d_rejects_wrong_answers(function, phrase, capsys):
    for _ in range(5):  # the cases are new at every call
        passed, message = verdict(checks.check_conv2d, function)
        assert passed is False, message
        assert phrase in message
    assert "❌" in capsys.readouterr().out


def test_conv2d_reports_placeholders(capsys):
    def template(image, kernel, stride=1):
        ...  # the learner has not written anything yet
        return ...

    assert checks.check_conv2d(template).passed is None
    assert checks.check_conv2d(...).passed is None
    assert "✏️" in capsys.readouterr().out


def test_conv2d_cases_cover_non_square_and_strides():
    cases = checks._conv_cases()
    assert any(image.shape[0] != image.shape[1] for image, _, _ in cases)
    assert any(kernel.shape[0] != kernel.shape[1] for _, kernel, _ in cases)
    assert {stride for _, _, stride in cases} >= {1, 2, 3}
    # Every kernel must be told apart from its flipped version.
    assert all(not np.allclose(k, k[::-1, ::-1]) for _, k, _ in cases if k.size > 1)


# --- Exercise 3: parameter counts ------------------------------------------


def test_parameter_counts_accept_solution(capsys):
    passed, message = verdict(checks.check_parameter_counts, 1216, 50_348_032)
    assert passed is True, message
    assert checks.check_parameter_counts(1216.0, np.int64(50_348_032)).passed is True
    assert checks.check_parameter_counts(np.array(1216), 50_348_032.0).passed is True
    assert checks.check_parameter_counts(np.array([1216]), 5.0348032e7).passed is True
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("conv", "dense", "phrase"),
    [
        (1200, 50_348_032, "forgot the biases"),
        (416, 50_348_032, "as deep as the input"),
        (400, 50_348_032, "5 x 5 x 3 and has a bias"),
        (1216 * 1024, 50_348_032, "counted once"),
        (76, 50_348_032, "16 filters"),
        (1000, 50_348_032, "filters."),
        (1216, 3072 * 16384, "forgot the biases"),
        (1216, 3072 + 16384, "multiply"),
        (1216, 3073 * 16, "16,384 outputs"),
        (1216, 3072 * 16385, "one bias per output"),
        (1216, 12345, "(inputs + 1) x outputs"),
        (1216.5, 50_348_032, "whole numbers"),
        ("1216", 50_348_032, "whole numbers"),
        (True, 50_348_032, "whole numbers"),
        (1200.0, 50_348_032, "forgot the biases"),
        (np.int64(1216), 50_348_032.5, "whole numbers"),
        (np.array([1216, 1]), 50_348_032, "whole numbers"),
    ],
)
def test_parameter_counts_reject_wrong_answers(conv, dense, phrase, capsys):
    passed, message = verdict(checks.check_parameter_counts, conv, dense)
    assert passed is False, message
    assert phrase in message
    assert "❌" in capsys.readouterr().out


def test_parameter_counts_report_placeholders(capsys):
    assert checks.check_parameter_counts(..., ...).passed is None
    assert checks.check_parameter_counts(1216, ...).passed is None
    assert "✏️" in capsys.readouterr().out


# --- Exercise 4: receptive field ---------------------------------------------


def field_solution(kernel_sizes, strides):
    size, jump = 1, 1
    for kernel_size, stride in zip(kernel_sizes, strides, strict=True):
        size += (kernel_size - 1) * jump
        jump *= stride
    return size


def field_recursive_from_top(kernel_sizes, strides):
    """Work down from one unit of the top layer: r <- (r - 1) * s + k."""
    size = 1
    for kernel_size, stride in zip(
        reversed(kernel_sizes), reversed(strides), strict=True
    ):
        size = (size - 1) * stride + kernel_size
    return size


def test_receptive_field_accepts_solutions(capsys):
    for function in (
        field_solution,
        field_recursive_from_top,
        lambda k, s: float(field_solution(k, s)),
        lambda k, s: np.int64(field_solution(k, s)),
        lambda k, s: np.array(field_solution(k, s)),
    ):
        passed, message = verdict(checks.check_receptive_field, function)
        assert passed is True, message
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("function", "phrase"),
    [
        (lambda ks, ss: 1 + sum(k - 1 for k in ks), "product of the strides below"),
        (checks._field_with_own_stride, "own stride"),
        (lambda ks, ss: sum(ks), "k - 1, not k"),
        (lambda kernel_sizes, strides: 9, "sees"),
        (lambda kernel_sizes, strides: 9.0, "sees"),
        (lambda k, s: float(field_solution(k, s)) + 0.5, "sees"),
        (lambda kernel_sizes, strides: None, "returned None"),
        (lambda kernel_sizes: 3, "TypeError"),
        ("nine", "should be a function"),
    ],
)
def test_receptive_field_rejects_wrong_answers(function, phrase, capsys):
    passed, message = verdict(checks.check_receptive_field, function)
    assert passed is False, message
    assert phrase in message
    assert "❌" in capsys.readouterr().out


def test_receptive_field_reports_placeholders(capsys):
    assert checks.check_receptive_field(lambda k, s: ...).passed is None
    assert checks.check_receptive_field(...).passed is None
    assert "✏️" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("kernel_sizes", "strides", "expected"),
    [
        ([3], [1], 3),
        ([3, 3], [1, 1], 5),
        ([3, 3, 3], [1, 2, 1], 9),
        ([2, 2], [2, 2], 4),
    ],
)
def test_receptive_field_size(kernel_sizes, strides, expected):
    assert checks.receptive_field_size(kernel_sizes, strides) == expected


def test_receptive_field_size_matches_gradients():
    """The formula against the gradient of one unit of a real stack of layers."""
    tf = pytest.importorskip("tensorflow")
    for kernel_sizes, strides in checks._FIELD_CASES:
        size = 4 * checks.receptive_field_size(kernel_sizes, strides) + 8
        inputs = tf.zeros((1, size, size, 1))
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            hidden = inputs
            for kernel_size, stride in zip(kernel_sizes, strides, strict=True):
                ones = tf.ones((kernel_size, kernel_size, 1, 1))
                hidden = tf.nn.conv2d(hidden, ones, stride, "VALID")
            middle = hidden.shape[1] // 2
            unit = hidden[0, middle, middle, 0]
        gradient = tape.gradient(unit, inputs).numpy()[0, :, :, 0]
        rows = np.flatnonzero(gradient.sum(axis=1))
        assert rows[-1] - rows[0] + 1 == checks.receptive_field_size(
            kernel_sizes, strides
        ), (kernel_sizes, strides)


def test_receptive_field_size_rejects_bad_input():
    with pytest.raises(ValueError, match="one stride per layer"):
        checks.receptive_field_size([3, 3], [1])
    with pytest.raises(ValueError, match="at least 1"):
        checks.receptive_field_size([3, 0], [1, 1])


# --- Exercise 5: the dilation experiment ----------------------------------


def dilation_measurements(dilation_rate, **settings):
    """The solution's measurements, on the layer the learner would build."""
    import keras
    import tensorflow as tf

    from utils.data import load_cat_image

    layer = keras.layers.Conv2D(1, 3, dilation_rate=dilation_rate, **settings)
    cat = tf.constant(load_cat_image(size=64)[None, :, :, None], tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(cat)
        maps = layer(cat)
        unit = maps[0, maps.shape[1] // 2, maps.shape[2] // 2, 0]
    gradient = tape.gradient(unit, cat).numpy()[0, :, :, 0]
    rows = np.flatnonzero(np.abs(gradient).sum(axis=1))
    return (
        layer,
        maps.shape[1],
        layer.count_params(),
        rows[-1] - rows[0] + 1,
        np.count_nonzero(gradient),
    )


@pytest.mark.parametrize("settings", [{}, {"padding": "same"}, {"use_bias": False}])
def test_dilation_accepts_the_solution_with_any_padding_or_bias(settings):
    answers = dilation_measurements(3, **settings)
    passed, message = verdict(checks.check_dilation, *answers)
    assert passed, message
    assert "9 of them" in message


def test_dilation_accepts_numbers_of_any_numeric_type():
    layer, side, parameters, field, pixels = dilation_measurements(3)
    passed, _ = verdict(
        checks.check_dilation, layer, np.int64(side), float(parameters), field, pixels
    )
    assert passed


def test_dilation_rejects_the_wrong_setting_even_when_measured_right():
    passed, message = verdict(checks.check_dilation, *dilation_measurements(2))
    assert passed is False and "5x5" in message


@pytest.mark.parametrize(
    ("index", "wrong", "name"),
    [
        (1, 64, "output_side"),
        (2, 50, "parameters"),
        (3, 9, "field"),
        (4, 49, "pixels_read"),
    ],
)
def test_dilation_rejects_a_number_that_is_not_measured(index, wrong, name):
    answers = list(dilation_measurements(3))
    answers[index] = wrong
    passed, message = verdict(checks.check_dilation, *answers)
    assert passed is False and message.count(name) == 1


def test_dilation_rejects_another_kernel_or_a_non_layer():
    import keras

    _, *numbers = dilation_measurements(3)
    bigger = keras.layers.Conv2D(1, 7)
    passed, message = verdict(checks.check_dilation, bigger, *numbers)
    assert passed is False and "3x3 kernel" in message
    passed, message = verdict(checks.check_dilation, "Conv2D(1, 3)", *numbers)
    assert passed is False and "keras.layers.Conv2D" in message


def test_dilation_placeholders_are_not_attempted():
    layer, *numbers = dilation_measurements(3)
    assert checks.check_dilation(..., *numbers).passed is None
    assert checks.check_dilation(layer, ..., ..., ..., ...).passed is None
