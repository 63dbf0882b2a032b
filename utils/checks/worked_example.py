"""Exercise checks for chapter 7, "Worked example: one photo through convolution,
activation and pooling".

The checks compute their own references with plain NumPy, from data the
learner cannot change: they never take a reference from the learner's
arguments, and an array they hand out (:data:`FEATURE_MAP_4X4`) is a copy.
"""

from __future__ import annotations

import functools

import numpy as np

from utils.checks import (
    Feedback,
    as_array,
    as_number,
    correct,
    exercise_check,
    not_yet,
    whole_number,
    whole_pair,
)

__all__ = [
    "FEATURE_MAP_4X4",
    "SHAPE_EXERCISE",
    "check_dark_side",
    "check_horizontal_edge_kernel",
    "check_pool_experiment",
    "check_relu_max_pool",
    "check_shape_after_conv_and_pool",
]


def _numbers(value, name: str, example: str) -> np.ndarray | Feedback:
    """``value`` as a float array of finite numbers, or a "not yet" saying why not."""
    array = as_array(value)
    if array is None:
        return not_yet(
            f"{name} should be an array of numbers, but it is {type(value).__name__}.",
            f"write it as {example}, with numbers only.",
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


def _step_images(size: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """A horizontal edge (dark top, bright bottom) and a vertical one."""
    horizontal = np.zeros((size, size))
    horizontal[size // 2 :, :] = 1.0
    return horizontal, horizontal.T.copy()


@exercise_check
def check_horizontal_edge_kernel(kernel) -> Feedback:
    """Exercise "A detector for horizontal edges".

    On a vertical edge every column of the image is constant under the kernel,
    so the response is a weighted sum of the kernel's column totals: it is 0 at
    every position exactly when every column of weights adds up to 0 (which
    also makes a flat patch give 0). A horizontal edge then gets a response
    when the row totals are not all 0. Any size from 1 x 2 to 7 x 7 is
    accepted, and either sign.
    """
    kernel = _numbers(kernel, "kernel", "np.array([[a, b, c], [d, e, f], [g, h, i]])")
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
        return not_yet("all your weights are zero, so the kernel answers 0 everywhere.")
    silent = 1e-6 * scale
    if abs(kernel.sum()) > silent:
        return not_yet(
            f"your weights add up to {kernel.sum():g}, so on a flat patch of "
            f"brightness 1 the kernel answers {kernel.sum():g} instead of 0.",
            "make every column of weights add up to zero: then a flat patch, and "
            "any vertical edge, gives 0.",
        )
    column_totals_zero = bool(np.all(np.abs(kernel.sum(axis=0)) <= silent))
    row_totals_zero = bool(np.all(np.abs(kernel.sum(axis=1)) <= silent))
    if column_totals_zero and row_totals_zero:
        return not_yet(
            "your kernel answers 0 on horizontal and on vertical edges.",
            "the rows must not all add up to zero: give the rows above the centre "
            "a different total from the rows below.",
        )
    if row_totals_zero:
        return not_yet(
            "your kernel responds to vertical edges (left-right changes) but not "
            "to horizontal ones.",
            "turn it a quarter turn: try its transpose, kernel.T.",
        )
    if not column_totals_zero:
        return not_yet(
            f"your kernel responds to a vertical edge too: its columns add up to "
            f"{np.round(kernel.sum(axis=0), 3).tolist()}, not all 0.",
            "along a vertical edge the pixels under each column of the kernel are "
            "equally bright, so each column contributes brightness x its total: "
            "make every column of weights add up to zero.",
        )
    to_horizontal = np.abs(_correlate_valid(_step_images()[0], kernel)).max()
    return correct(
        f"Every column adds up to 0, so a flat patch and a vertical edge give 0; a "
        f"horizontal edge gives up to {to_horizontal:.3g}. Sobel y, "
        "np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]), is the classic choice."
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
    given = whole_pair(
        shape,
        ("height", "width"),
        "sizes are whole numbers of pixels, such as (100, 80): round with // or "
        "math.ceil.",
    )
    if isinstance(given, Feedback):
        sides = shape.as_list() if hasattr(shape, "as_list") else shape
        if isinstance(sides, list | tuple) and len(sides) == 4:
            return not_yet(
                f"{tuple(sides)!r} looks like a whole TensorFlow shape "
                "(batch, height, width, channels).",
                "give only the two middle numbers, (height, width).",
            )
        return given
    steps = _shape_steps()
    answer = steps["answer"]
    if given == answer:
        return correct(
            f"The 5x5 'valid' convolution gives {steps['no pooling']}; 'same' "
            f"pooling with stride 2 rounds up, ceil(221 / 2) = {answer[0]}: {answer}."
        )
    if given == answer[::-1]:
        return not_yet(
            "you swapped the two sizes.",
            "give (height, width): height is the number of rows, 225 here.",
        )
    if given == steps["floor"]:
        return not_yet(
            "you rounded down after pooling, as 'valid' pooling would.",
            "'same' pooling keeps the last odd row: it rounds up, ceil(size / 2).",
        )
    if given == steps["no conv shrink"]:
        return not_yet(
            "you kept the image's size through the convolution.",
            "with 'valid' padding the kernel must fit inside the image.",
        )
    if given == steps["shrink by half the kernel"]:
        return not_yet(
            "you took off half the kernel's overhang: a 5x5 kernel overhangs by 2 "
            "pixels on each side, so it loses 2 + 2 rows and 2 + 2 columns.",
        )
    if given == steps["no pooling"]:
        return not_yet(
            "that is the size after the convolution; the pooling comes next.",
            "a 2x2 pool with stride 2 halves each side (rounding up for 'same').",
        )
    return not_yet(
        f"{given} is not the size after both steps.",
        "first size - kernel + 1 for the 'valid' convolution, then ceil(size / 2) "
        "for 'same' pooling with stride 2.",
    )


# --------------------------------------------------------------------------
# Exercise "ReLU and max pooling by hand"
# --------------------------------------------------------------------------

# The check reads this read-only map; FEATURE_MAP_4X4 is the learner's copy.
_FEATURE_MAP = np.array(
    [
        [3.0, -1.0, 0.0, 2.0],
        [-2.0, 1.0, 5.0, -4.0],
        [-3.0, -1.0, 2.0, 0.0],
        [-6.0, -2.0, -1.0, 4.0],
    ]
)
_FEATURE_MAP.setflags(write=False)
#: The 4 x 4 feature map of the exercise "ReLU and max pooling by hand".
FEATURE_MAP_4X4 = _FEATURE_MAP.copy()


def _pool(array: np.ndarray, reduce=np.max) -> np.ndarray:
    rows, columns = array.shape
    return reduce(array.reshape(rows // 2, 2, columns // 2, 2), axis=(1, 3))


@exercise_check
def check_relu_max_pool(pooled) -> Feedback:
    """Exercise "ReLU and max pooling by hand" on :data:`FEATURE_MAP_4X4`."""
    pooled = _numbers(pooled, "pooled", "[[top left, top right], [bottom left, ...]]")
    if isinstance(pooled, Feedback):
        return pooled
    activated = np.maximum(_FEATURE_MAP, 0.0)
    expected = _pool(activated)
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
    if np.allclose(pooled, _pool(_FEATURE_MAP)):
        return not_yet(
            "the bottom-left value is negative: you pooled without ReLU.",
            "apply max(0, x) to every value first; nothing after ReLU is negative.",
        )
    if np.allclose(pooled, expected.T):
        return not_yet(
            "you have the right numbers in the wrong places (rows and columns swapped).",
            "the first row of the result comes from the top two rows of the map.",
        )
    if np.allclose(pooled, _pool(activated, np.mean)):
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


@functools.cache
def _edge_response() -> np.ndarray:
    """The chapter's convolution output, computed here (read-only): the 300 x 300
    grey cat and the 8-centre edge kernel, stride 1, 'same' zero padding."""
    from utils.data import load_cat_image

    image = load_cat_image(size=300, grey=True).astype(np.float32)
    kernel = np.full((3, 3), -1.0)
    kernel[1, 1] = 8.0
    response = _correlate_valid(np.pad(image.astype(float), 1), kernel)
    response.setflags(write=False)
    return response


@exercise_check
def check_dark_side(dark_side) -> Feedback:
    """Exercise "The other side of the edge".

    ``dark_side`` must be ReLU of the negated convolution output of the
    chapter, which the check computes itself (see :func:`_edge_response`).
    """
    dark_side = _numbers(dark_side, "dark_side", "tf.nn.relu(...)")
    if isinstance(dark_side, Feedback):
        return dark_side
    response = _edge_response()
    dark_side = np.squeeze(dark_side)
    if dark_side.shape != response.shape:
        return not_yet(
            f"dark_side has shape {dark_side.shape} once its axes of length 1 are "
            f"dropped, but the convolution output is {response.shape[0]} x "
            f"{response.shape[1]}; ReLU keeps the shape.",
            "work on feature_maps itself, before any pooling.",
        )
    expected = np.maximum(-response, 0.0)
    tolerance = 1e-5 * max(1.0, float(np.abs(response).max()))
    if np.allclose(dark_side, expected, atol=tolerance):
        return correct(
            "ReLU of the negated response keeps the dark side of each edge; the "
            "same as convolving with -kernel and then applying ReLU."
        )
    if np.allclose(dark_side, 0.0, atol=tolerance):
        return not_yet(
            "your map is 0 everywhere, but the convolution output is negative on "
            "the dark side of every edge.",
            "start from feature_maps, the convolution output before ReLU.",
        )
    if np.allclose(dark_side, np.maximum(response, 0.0), atol=tolerance):
        return not_yet(
            "that is the bright side, the map from the chapter.",
            "negate the response before ReLU: ReLU(-response).",
        )
    if np.any(dark_side < -tolerance):
        return not_yet(
            "your map has negative values, but it should come out of a ReLU.",
            "apply max(0, x) last.",
        )
    if np.allclose(dark_side, np.abs(response), atol=tolerance):
        return not_yet(
            "you kept both sides of every edge (the absolute value).",
            "keep only the pixels where the response is negative.",
        )
    return not_yet(
        "your map is not ReLU of the negated convolution output.",
        "start from feature_maps (before ReLU): negate it, then apply ReLU.",
    )


# --------------------------------------------------------------------------
# Exercise "A bigger pooling window" (an experiment)
# --------------------------------------------------------------------------


def _max_pool_same(activated: np.ndarray, size: int) -> np.ndarray:
    """``tf.nn.max_pool2d(ksize=size, strides=size, padding="SAME")`` of a map of
    values >= 0: TensorFlow pads the end with the larger half of the padding."""
    rows = -(-activated.shape[0] // size)
    total = rows * size - activated.shape[0]
    padded = np.pad(activated, (total // 2, total - total // 2))
    return padded.reshape(rows, size, rows, size).max(axis=(1, 3))


@exercise_check
def check_pool_experiment(pool_size, pooled_map, zero_share) -> Feedback:
    """Exercise "A bigger pooling window": ``pooled_map`` must be the chapter's
    ReLU map (computed here) max-pooled with windows and strides of
    ``pool_size``, and ``zero_share`` the share of zeros in the learner's map."""
    size = whole_number(pool_size)
    if size is None or not 3 <= size <= 30:
        return not_yet(
            "pool_size should be a whole number from 3 to 30.",
            "2 is the chapter's window; try 3, 4 or 5.",
        )
    pooled = _numbers(pooled_map, "pooled_map", "tf.nn.max_pool2d(...)")
    if isinstance(pooled, Feedback):
        return pooled
    pooled = np.squeeze(pooled)
    activated = np.maximum(_edge_response(), 0.0)
    expected = _max_pool_same(activated, size)
    if pooled.shape != expected.shape:
        return not_yet(
            f"a {size} x {size} pool with stride {size} turns the 300 x 300 map "
            f"into {expected.shape[0]} x {expected.shape[1]}, but yours is "
            f"{' x '.join(map(str, pooled.shape))}.",
            f"pass ksize={size} and strides={size}, with padding='SAME'.",
        )
    if not np.allclose(pooled, expected, atol=1e-5):
        return not_yet(
            "your map has the right shape but not the values of max pooling "
            "the ReLU map with that window.",
            "pool `activated` (after ReLU), not feature_maps.",
        )
    share, measured = as_number(zero_share), float(np.mean(pooled == 0))
    if share is None:
        return not_yet("zero_share should be one number.")
    if not np.isclose(share, measured, atol=1e-9):
        if np.isclose(share, 100 * measured):
            return not_yet("that is a percentage.", "give the share from 0 to 1.")
        return not_yet(
            f"{share:.3f} is not the share of zeros in your pooled map.",
            "compute np.mean(pooled_map == 0) on the map itself.",
        )
    return correct(
        f"{size} x {size} windows give a {expected.shape[0]} x {expected.shape[1]} map "
        f"with {measured:.1%} zeros: a window is 0 only if all {size * size} of its "
        "pixels are, so bigger windows leave fewer zeros."
    )
