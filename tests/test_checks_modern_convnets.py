"""Chapter 11's checks accept the solutions, reject typical wrong answers with a
message that names the mistake only when it is the mistake, and report
placeholders as not attempted."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks.modern_convnets import (
    check_input_gradient,
    check_separable_cost,
    check_separable_swap,
)
from utils.conv import conv2d

keras = pytest.importorskip("keras")

# ------------------------------------------------------- exercise 1: the cost

PARAMETERS = 3 * 3 * 256 + 256 * 512 + 512
MULTIPLY_ADDS = 14 * 14 * (3 * 3 * 256 + 256 * 512)


@pytest.mark.parametrize(
    ("parameters", "multiply_adds"),
    [
        (PARAMETERS, MULTIPLY_ADDS),
        (float(PARAMETERS), np.int64(MULTIPLY_ADDS)),
        (np.array([PARAMETERS]), np.float64(MULTIPLY_ADDS)),
    ],
)
def test_cost_accepts_the_solution(parameters, multiply_adds, capsys):
    assert check_separable_cost(parameters, multiply_adds).passed is True
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("parameters", "multiply_adds", "phrase"),
    [
        (3 * 3 * 256 * 512 + 512, MULTIPLY_ADDS, "standard 3 x 3"),
        (3 * 3 * 256 + 256 * 512, MULTIPLY_ADDS, "a bias per output channel"),
        (
            3 * 3 * 256 + 256 + 256 * 512 + 512,
            MULTIPLY_ADDS,
            "only after the pointwise",
        ),
        (256 * 512 + 512, MULTIPLY_ADDS, "add the depthwise kernels"),
        (PARAMETERS + 1, MULTIPLY_ADDS, "add the depthwise weights"),
        (PARAMETERS, 14 * 14 * 3 * 3 * 256 * 512, "work of a standard"),
        (PARAMETERS, 3 * 3 * 256 + 256 * 512, "at one position"),
        (PARAMETERS, 14 * 14 * 256 * 512, "add the depthwise step"),
        (PARAMETERS, 14 * 14 * 3 * 3 * 256, "add the pointwise step"),
        (PARAMETERS, MULTIPLY_ADDS + 7, "at each of the 14 x 14 positions"),
        (PARAMETERS + 0.5, MULTIPLY_ADDS, "whole numbers"),  # a float
        (np.array([PARAMETERS, 1]), MULTIPLY_ADDS, "whole numbers"),  # an array
        ("133888", MULTIPLY_ADDS, "whole numbers"),
    ],
)
def test_cost_rejects_wrong_answers(parameters, multiply_adds, phrase):
    feedback = check_separable_cost(parameters, multiply_adds)
    assert feedback.passed is False
    assert phrase in feedback.message
    if str(PARAMETERS) not in str(parameters):  # the answer is never given away
        assert str(PARAMETERS) not in feedback.message.replace(",", "")


def test_cost_reports_placeholders(capsys):
    assert check_separable_cost(..., ...).passed is None
    assert check_separable_cost(PARAMETERS, ...).passed is None
    assert "✏️" in capsys.readouterr().out


# -------------------------------------------- exercise 2: the input gradient


def conv2d_input_gradient(upstream, kernels):
    k_h, k_w = kernels.shape[:2]
    padded = np.pad(upstream, [(0, 0), (k_h - 1, k_h - 1), (k_w - 1, k_w - 1), (0, 0)])
    return conv2d(padded, kernels[::-1, ::-1].transpose(0, 1, 3, 2))


def gradient_solution(upstream, kernel, stride, input_shape):
    rows, cols = upstream.shape
    spread = np.zeros(((rows - 1) * stride + 1, (cols - 1) * stride + 1))
    spread[::stride, ::stride] = upstream
    gradient = conv2d_input_gradient(spread[None, :, :, None], kernel[:, :, None, None])
    gradient = gradient[0, :, :, 0]
    missing = (input_shape[0] - gradient.shape[0], input_shape[1] - gradient.shape[1])
    return np.pad(gradient, [(0, missing[0]), (0, missing[1])])


def gradient_by_loops(upstream, kernel, stride, input_shape):
    gradient = np.zeros(input_shape)
    for i in range(upstream.shape[0]):
        for j in range(upstream.shape[1]):
            window = (
                slice(i * stride, i * stride + kernel.shape[0]),
                slice(j * stride, j * stride + kernel.shape[1]),
            )
            gradient[window] += upstream[i, j] * kernel
    return gradient.tolist()  # a list is an answer too


def gradient_unflipped(upstream, kernel, stride, input_shape):
    return gradient_solution(upstream, kernel[::-1, ::-1], stride, input_shape)


def gradient_ignoring_stride(upstream, kernel, stride, input_shape):
    gradient = conv2d_input_gradient(
        upstream[None, :, :, None], kernel[:, :, None, None]
    )
    gradient = gradient[0, :, :, 0]
    out = np.zeros(input_shape)
    rows, cols = (
        min(input_shape[0], gradient.shape[0]),
        min(input_shape[1], gradient.shape[1]),
    )
    out[:rows, :cols] = gradient[:rows, :cols]
    return out


def gradient_unpadded(upstream, kernel, stride, input_shape):
    full = gradient_solution(upstream, kernel, stride, input_shape)
    rows, cols = upstream.shape
    return full[
        : (rows - 1) * stride + kernel.shape[0], : (cols - 1) * stride + kernel.shape[1]
    ]


@pytest.mark.parametrize("function", [gradient_solution, gradient_by_loops])
def test_gradient_accepts_solutions(function, capsys):
    assert check_input_gradient(function).passed is True
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("function", "phrase"),
    [
        (gradient_unflipped, "unflipped kernel"),
        (gradient_ignoring_stride, "s - 1 zeros"),
        (gradient_unpadded, "must have the input's shape"),
        (lambda u, k, s, shape: np.zeros(shape).T, "must have the input's shape"),
        (lambda u, k, s, shape: None, "not an array of numbers"),
        (lambda u, k, s, shape: 0.0, "must have the input's shape"),  # a float
        (lambda u, k, s, shape: 1 / 0, "ZeroDivisionError"),
        (np.zeros((3, 3)), "should be a function"),
    ],
)
def test_gradient_rejects_wrong_answers(function, phrase):
    feedback = check_input_gradient(function)
    assert feedback.passed is False
    assert phrase in feedback.message


def test_gradient_reports_placeholders(capsys):
    def template(upstream, kernel, stride, input_shape):
        return ...

    assert check_input_gradient(template).passed is None
    assert check_input_gradient(...).passed is None
    assert "✏️" in capsys.readouterr().out


def test_gradient_cases_leave_rows_unread():
    """At least one case has rows no window reads, so a missing pad is caught."""
    from utils.checks.modern_convnets import _gradient_cases

    unread = [
        case
        for case in _gradient_cases()
        if (case[0].shape[0] - 1) * case[2] + case[1].shape[0] < case[3][0]
    ]
    assert unread


# ------------------------------------------- exercise 3: the separable swap


def digit_network(second="separable", first="conv", second_filters=32):
    layers = keras.layers
    first_layer = (
        layers.SeparableConv2D(16, 3, padding="same", activation="relu")
        if first == "separable"
        else layers.Conv2D(16, 3, padding="same", activation="relu")
    )
    second_layer = (
        layers.SeparableConv2D(second_filters, 3, padding="same", activation="relu")
        if second == "separable"
        else layers.Conv2D(second_filters, 3, padding="same", activation="relu")
    )
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            first_layer,
            layers.MaxPooling2D(2),
            second_layer,
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(5),
        ]
    )


ORIGINAL_PARAMETERS = 5445
ORIGINAL_WORK = 8 * 8 * 16 * 9 + 4 * 4 * 32 * 9 * 16 + 128 * 5
SEPARABLE_PARAMETERS = 160 + (9 * 16 + 16 * 32 + 32) + 645
SEPARABLE_WORK = 8 * 8 * 16 * 9 + 4 * 4 * (9 * 16 + 16 * 32) + 128 * 5


def test_swap_constants_match_keras():
    assert digit_network(second="conv").count_params() == ORIGINAL_PARAMETERS
    assert digit_network().count_params() == SEPARABLE_PARAMETERS


def test_swap_accepts_the_measurement(capsys):
    model = digit_network()
    saved = ORIGINAL_PARAMETERS - model.count_params()
    feedback = check_swap(model, saved, ORIGINAL_WORK - SEPARABLE_WORK)
    assert feedback.passed is True
    assert "✅" in capsys.readouterr().out
    assert check_swap(
        model, float(saved), np.array([ORIGINAL_WORK - SEPARABLE_WORK])
    ).passed


def check_swap(*args):
    return check_separable_swap(*args)


@pytest.mark.parametrize(
    ("model", "parameters", "work", "phrase"),
    [
        ("first", 0, 0, "first convolution separable"),
        ("conv", 0, 0, "should be Conv2D, SeparableConv2D, Dense"),
        ("filters", 0, 0, "not the digit network"),
        ("not a model", 0, 0, "should be a Keras model"),
        ("right", -(ORIGINAL_PARAMETERS - SEPARABLE_PARAMETERS), 0, "wrong way round"),
        ("right", ORIGINAL_PARAMETERS, 0, "is not what your model saves in parameters"),
        (
            "right",
            ORIGINAL_PARAMETERS - SEPARABLE_PARAMETERS,
            4 * 4 * 32 * 9 * 16,
            "SeparableConv2D is not a Conv2D",
        ),
        (
            "right",
            ORIGINAL_PARAMETERS - SEPARABLE_PARAMETERS,
            SEPARABLE_WORK - ORIGINAL_WORK,
            "wrong way round",
        ),
        ("right", ORIGINAL_PARAMETERS - SEPARABLE_PARAMETERS, 1, "count both models"),
        ("right", 3952.5, 1, "whole numbers"),  # a float
        ("right", np.array([1.0, 2.0]), 1, "whole numbers"),  # an array
    ],
)
def test_swap_rejects_wrong_answers(model, parameters, work, phrase):
    models = {
        "first": lambda: digit_network(first="separable", second="conv"),
        "conv": lambda: digit_network(second="conv"),
        "filters": lambda: digit_network(second_filters=16),
        "right": digit_network,
        "not a model": lambda: "SeparableConv2D",
    }
    feedback = check_separable_swap(models[model](), parameters, work)
    assert feedback.passed is False
    assert phrase in feedback.message


def test_swap_reports_placeholders(capsys):
    assert check_separable_swap(..., ..., ...).passed is None
    assert check_separable_swap(digit_network(), 3952, ...).passed is None
    assert "✏️" in capsys.readouterr().out
