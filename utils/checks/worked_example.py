"""Exercise checks for chapter 6, "Worked example: one photo through convolution,
activation and pooling".

The checks compute their own answers with plain NumPy, so that they do not
depend on the code the learner is asked to write.
"""

from __future__ import annotations

import numbers

import numpy as np

from utils.checks import Feedback, correct, exercise_check, not_yet

__all__ = [
    "FEATURE_MAP_4X4",
    "SHAPE_EXERCISE",
    "check_dark_side",
    "check_horizontal_edge_kernel",
    "check_relu_max_pool",
    "check_shape_after_conv_and_pool",
]


def _as_numbers(value, name: str) -> np.ndarray | Feedback:
    """``value`` as a float array, or a "not yet" saying why it is not one."""
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return not_yet(
            f"{name} should be an array of numbers, but it is "
            f"{type(value).__name__} {str(value)[:60]!r}.",
            "write it as np.array([[...], [...], ...]) with numbers only.",
        )
    if not np.all(np.isfinite(array)):
        return not_yet(f"{name} contains NaN or infinite values.")
    return array


def _correlate_valid(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Cross-correlation with 'valid' padding, as tf.nn.conv2d computes it."""
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)


# --------------------------------------------------------------------------
# Exercise "A detector for horizontal edges"
# --------------------------------------------------------------------------

_TEST_SIZE = 16


def _step_images() -> tuple[np.ndarray, np.ndarray]:
    """A horizontal edge (dark top, bright bottom) and a vertical one."""
    horizontal = np.zeros((_TEST_SIZE, _TEST_SIZE))
    horizontal[_TEST_SIZE // 2 :, :] = 1.0
    return horizontal, horizontal.T.copy()


@exercise_check
def check_horizontal_edge_kernel(kernel) -> Feedback:
    """Exercise "A detector for horizontal edges".

    The kernel must answer 0 on a flat patch, respond to a horizontal edge
    (brightness changing from top to bottom) and stay silent on a vertical
    edge. Any size from 1 x 2 to 7 x 7 is accepted, and either sign.
    """
    kernel = _as_numbers(kernel, "kernel")
    if isinstance(kernel, Feedback):
        return kernel
    if kernel.ndim == 4 and kernel.shape[2:] == (1, 1):
        kernel = kernel[:, :, 0, 0]
    if kernel.ndim != 2:
        return not_yet(
            f"kernel should be a 2-D grid of weights, but its shape is {kernel.shape}.",
            "write it as np.array([[a, b, c], [d, e, f], [g, h, i]]).",
        )
    if kernel.size < 2 or max(kernel.shape) > 7:
        return not_yet(
            f"a {kernel.shape[0]}x{kernel.shape[1]} kernel is outside what this "
            "exercise asks for.",
            "use a small kernel, such as 3 x 3.",
        )
    scale = float(np.abs(kernel).sum())
    if scale == 0:
        return not_yet(
            "all your weights are zero, so the kernel answers 0 everywhere.",
            "give the rows above the centre one sign and the rows below the other.",
        )
    if abs(kernel.sum()) > 1e-6 * scale:
        return not_yet(
            f"your weights add up to {kernel.sum():g}, so on a flat patch of "
            f"brightness 1 the kernel answers {kernel.sum():g} instead of 0.",
            "make the weights add up to zero, as the edge kernel's do.",
        )
    horizontal, vertical = _step_images()
    to_horizontal = np.abs(_correlate_valid(horizontal, kernel)).max()
    to_vertical = np.abs(_correlate_valid(vertical, kernel)).max()
    silent = 1e-6 * scale
    if to_horizontal <= silent and to_vertical <= silent:
        return not_yet(
            "your kernel answers 0 on horizontal and on vertical edges.",
            "the weights above the centre and those below it must differ.",
        )
    if to_horizontal <= silent:
        return not_yet(
            "your kernel responds to vertical edges (left-right changes) but not "
            "to horizontal ones.",
            "turn it a quarter turn: try its transpose, kernel.T.",
        )
    if to_vertical > 0.01 * to_horizontal:
        return not_yet(
            f"your kernel responds to a vertical edge too ({to_vertical:.3g}, "
            f"against {to_horizontal:.3g} for a horizontal one), so it cannot tell "
            "them apart.",
            "make every row constant, or at least symmetric from left to right, "
            "so that a left-right change cancels out.",
        )
    return correct(
        f"A flat patch gives 0, a horizontal edge {to_horizontal:.3g} and a "
        "vertical edge 0. Sobel y, np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]), "
        "is the classic choice."
    )


# --------------------------------------------------------------------------
# Exercise "Predict the shape"
# --------------------------------------------------------------------------

#: The set-up of the exercise "Predict the shape".
SHAPE_EXERCISE = {
    "image": (225, 180),
    "kernel": 5,
    "conv_padding": "valid",
    "pool": 2,
    "pool_stride": 2,
    "pool_padding": "same",
}


def _shape_steps() -> dict[str, tuple[int, int]]:
    height, width = SHAPE_EXERCISE["image"]
    kernel, pool = SHAPE_EXERCISE["kernel"], SHAPE_EXERCISE["pool_stride"]
    conv = (height - kernel + 1, width - kernel + 1)
    return {
        "answer": tuple(-(-side // pool) for side in conv),
        "floor": tuple(side // pool for side in conv),
        "no conv shrink": tuple(-(-side // pool) for side in (height, width)),
        "shrink by half the kernel": tuple(
            -(-(side - kernel // 2) // pool) for side in (height, width)
        ),
        "no pooling": conv,
    }


@exercise_check
def check_shape_after_conv_and_pool(shape) -> Feedback:
    """Exercise "Predict the shape": (height, width) after conv and pooling."""
    if hasattr(shape, "shape") and not isinstance(shape, np.ndarray):
        shape = tuple(shape.shape)  # a tensor: its shape is what counts
    if isinstance(shape, np.ndarray):
        shape = tuple(shape.tolist())
    if isinstance(shape, tuple | list) and len(shape) == 4:
        return not_yet(
            f"{tuple(shape)!r} looks like a whole TensorFlow shape "
            "(batch, height, width, channels).",
            "give only the two middle numbers, (height, width).",
        )
    if not isinstance(shape, tuple | list) or len(shape) != 2:
        return not_yet(
            f"give the answer as (height, width), two whole numbers, not {shape!r}.",
            "for example (100, 80).",
        )
    if not all(
        isinstance(side, numbers.Integral) and not isinstance(side, bool)
        for side in shape
    ):
        return not_yet(
            f"sizes are whole numbers of pixels, but you gave {tuple(shape)!r}.",
            "use // (floor division) or math.ceil to get whole numbers.",
        )
    shape = tuple(int(side) for side in shape)
    steps = _shape_steps()
    answer = steps["answer"]
    if shape == answer:
        return correct(
            f"The 5x5 'valid' convolution gives {steps['no pooling']}; 'same' "
            f"pooling with stride 2 rounds up, ceil(221 / 2) = {answer[0]}: "
            f"{answer}."
        )
    if shape == answer[::-1]:
        return not_yet(
            "you swapped the two sizes.",
            "give (height, width): height is the number of rows, 225 here.",
        )
    if shape == steps["floor"]:
        return not_yet(
            "you rounded down after pooling, as 'valid' pooling would.",
            "'same' pooling keeps the last odd row: it rounds up, ceil(size / 2).",
        )
    if shape == steps["no conv shrink"]:
        return not_yet(
            "you kept the image's size through the convolution.",
            "with 'valid' padding a 5x5 kernel fits in size - 5 + 1 positions.",
        )
    if shape == steps["shrink by half the kernel"]:
        return not_yet(
            "the convolution loses kernel_size - 1 = 4 rows and columns, not 2.",
            "a 5x5 kernel overhangs by 2 pixels on each side, so 2 + 2 are lost.",
        )
    if shape == steps["no pooling"]:
        return not_yet(
            "that is the size after the convolution; the pooling comes next.",
            "a 2x2 pool with stride 2 halves each side (rounding up for 'same').",
        )
    return not_yet(
        f"{shape} is not the size after both steps.",
        "first size - kernel + 1 for the 'valid' convolution, then ceil(size / 2) "
        "for 'same' pooling with stride 2.",
    )


# --------------------------------------------------------------------------
# Exercise "ReLU and max pooling by hand"
# --------------------------------------------------------------------------

#: The 4 x 4 feature map of the exercise "ReLU and max pooling by hand".
FEATURE_MAP_4X4 = np.array(
    [
        [3.0, -1.0, 0.0, 2.0],
        [-2.0, 1.0, 5.0, -4.0],
        [-3.0, -1.0, 2.0, 0.0],
        [-6.0, -2.0, -1.0, 4.0],
    ]
)


def _pool(array: np.ndarray, reduce) -> np.ndarray:
    rows, columns = array.shape
    blocks = array.reshape(rows // 2, 2, columns // 2, 2)
    return reduce(blocks, axis=(1, 3))


@exercise_check
def check_relu_max_pool(pooled) -> Feedback:
    """Exercise "ReLU and max pooling by hand" on :data:`FEATURE_MAP_4X4`."""
    pooled = _as_numbers(pooled, "pooled")
    if isinstance(pooled, Feedback):
        return pooled
    expected = _pool(np.maximum(FEATURE_MAP_4X4, 0.0), np.max)
    if pooled.shape == (3, 3):
        return not_yet(
            "your result is 3 x 3: that is a 2x2 window moved by 1 pixel.",
            "with stride 2 the windows do not overlap: four windows, a 2 x 2 result.",
        )
    if pooled.shape != (2, 2):
        return not_yet(
            f"the result should be 2 x 2, but its shape is {pooled.shape}.",
            "write it as [[top left, top right], [bottom left, bottom right]].",
        )
    if np.allclose(pooled, expected):
        return correct(
            "The bottom-left window holds only negative numbers, so ReLU turns "
            "them all into 0 and its maximum is 0."
        )
    if np.allclose(pooled, _pool(FEATURE_MAP_4X4, np.max)):
        return not_yet(
            "the bottom-left value is negative: you pooled without ReLU.",
            "apply max(0, x) to every value first; nothing after ReLU is negative.",
        )
    if np.allclose(pooled, expected.T):
        return not_yet(
            "you have the right numbers in the wrong places (rows and columns "
            "swapped).",
            "the first row of the result comes from the top two rows of the map.",
        )
    if np.allclose(pooled, _pool(np.maximum(FEATURE_MAP_4X4, 0.0), np.mean)):
        return not_yet(
            "you took the mean of each window: that is average pooling.",
            "max pooling keeps the largest value of each window.",
        )
    wrong = [
        f"{('top', 'bottom')[row]} {('left', 'right')[column]}"
        for (row, column), value in np.ndenumerate(pooled)
        if not np.isclose(value, expected[row, column])
    ]
    return not_yet(
        f"the {', '.join(wrong)} value(s) are not right.",
        "for each non-overlapping 2x2 window: replace negatives by 0, then keep "
        "the largest.",
    )


# --------------------------------------------------------------------------
# Exercise "The other side of the edge"
# --------------------------------------------------------------------------


@exercise_check
def check_dark_side(dark_side, feature_maps) -> Feedback:
    """Exercise "The other side of the edge".

    ``dark_side`` must be ReLU of the negated ``feature_maps`` (the
    convolution output): the pixels where it is negative, made positive.
    """
    dark_side = _as_numbers(dark_side, "dark_side")
    if isinstance(dark_side, Feedback):
        return dark_side
    edge_response = _as_numbers(feature_maps, "feature_maps")
    if isinstance(edge_response, Feedback):
        return edge_response
    dark_side, edge_response = np.squeeze(dark_side), np.squeeze(edge_response)
    if dark_side.shape != edge_response.shape:
        return not_yet(
            f"dark_side has shape {dark_side.shape} but the convolution output has "
            f"shape {edge_response.shape}; ReLU keeps the shape.",
            "work on feature_maps itself, before any pooling.",
        )
    if not np.any(edge_response < 0):
        return not_yet(
            "feature_maps has no negative values: pass the convolution output "
            "from before ReLU.",
        )
    expected = np.maximum(-edge_response, 0.0)
    tolerance = 1e-5 * max(1.0, float(np.abs(edge_response).max()))
    if np.allclose(dark_side, expected, atol=tolerance):
        return correct(
            "ReLU of the negated response keeps the dark side of each edge; the "
            "same as convolving with -kernel and then applying ReLU."
        )
    if np.allclose(dark_side, 0.0, atol=tolerance):
        return not_yet(
            "your map is 0 everywhere. Did you negate the ReLU output? It has no "
            "negative values left to keep.",
            "start from feature_maps, the convolution output before ReLU.",
        )
    if np.allclose(dark_side, np.maximum(edge_response, 0.0), atol=tolerance):
        return not_yet(
            "that is the bright side, the map from the chapter.",
            "negate the response before ReLU: ReLU(-response).",
        )
    if np.any(dark_side < -tolerance):
        return not_yet(
            "your map has negative values, but it should come out of a ReLU.",
            "apply max(0, x) last: np.maximum(0, -feature_maps) or tf.nn.relu(...).",
        )
    if np.allclose(dark_side, np.abs(edge_response), atol=tolerance):
        return not_yet(
            "you kept both sides of every edge (the absolute value).",
            "keep only the pixels where the response is negative.",
        )
    return not_yet(
        "your map differs from ReLU(-feature_maps).",
        "negate the convolution output, then apply ReLU.",
    )
