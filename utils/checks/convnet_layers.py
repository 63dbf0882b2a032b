"""Checks for the exercises of chapter 6, "The layers of a ConvNet".

Each check prints a verdict and returns a :class:`~utils.checks.Feedback`
(see :mod:`utils.checks`). Answers are read with the shared readers, so a
shape may be a tuple, a list or a NumPy array and a count may be ``208``,
``208.0`` or ``np.int64(208)``. When an answer is wrong, the check looks for
the usual mistakes (a forgotten bias, 'same' read as 'valid', overlapping
pooling windows, a reshape that groups the wrong cells) and names the one it
finds, without giving the answer away.

The model of the first two exercises is :data:`EXERCISE_MODEL`:

====  ===========================================  =================
step  layer                                        Keras
====  ===========================================  =================
0     input, 28 x 28 x 1                           ``keras.Input``
1     convolution, 8 filters 5 x 5, 'valid'        ``Conv2D``
2     ReLU                                         ``ReLU``
3     max pooling 2 x 2, stride 2                  ``MaxPooling2D``
4     convolution, 16 filters 3 x 3, 'same'        ``Conv2D``
5     max pooling 2 x 2, stride 2                  ``MaxPooling2D``
6     flatten                                      ``Flatten``
7     dense, 10 units, softmax                     ``Dense``
====  ===========================================  =================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from utils.checks import (
    Feedback,
    as_array,
    as_words,
    correct,
    exercise_check,
    hidden_inputs,
    not_yet,
    returned_array,
    whole_number,
)

__all__ = [
    "EXERCISE_FEATURE_MAP",
    "EXERCISE_LAYER_NAMES",
    "EXERCISE_MODEL",
    "check_layer_shapes",
    "check_max_pool_by_hand",
    "check_more_filters",
    "check_my_max_pool",
    "check_parameter_counts",
]

#: The layers of the exercise model, after the input: (kind, settings).
EXERCISE_MODEL: list[tuple[str, dict[str, Any]]] = [
    ("conv", {"filters": 8, "kernel_size": 5, "padding": "valid"}),
    ("relu", {}),
    ("max_pool", {"pool_size": 2}),
    ("conv", {"filters": 16, "kernel_size": 3, "padding": "same"}),
    ("max_pool", {"pool_size": 2}),
    ("flatten", {}),
    ("dense", {"units": 10}),
]

#: How the exercises name those seven layers, in order.
EXERCISE_LAYER_NAMES = [
    "Conv2D(8, 5, padding='valid')",
    "ReLU()",
    "MaxPooling2D(2)",
    "Conv2D(16, 3, padding='same')",
    "MaxPooling2D(2)",
    "Flatten()",
    "Dense(10, activation='softmax')",
]


def _worked_out() -> tuple[list[tuple[int, ...]], list[int]]:
    """Each layer's output shape and parameter count, worked out from
    EXERCISE_MODEL when a check needs them: no answer key is stored."""
    shape, shapes, counts = (28, 28, 1), [], []
    for kind, settings in EXERCISE_MODEL:
        count = 0
        if kind == "conv":
            kernel, filters = settings["kernel_size"], settings["filters"]
            count = (kernel * kernel * shape[2] + 1) * filters
            trim = 0 if settings["padding"] == "same" else kernel - 1
            shape = (shape[0] - trim, shape[1] - trim, filters)
        elif kind == "max_pool":
            pool = settings["pool_size"]
            shape = (shape[0] // pool, shape[1] // pool, shape[2])
        elif kind == "flatten":
            shape = (int(np.prod(shape)),)
        elif kind == "dense":
            count = (shape[0] + 1) * settings["units"]
            shape = (settings["units"],)
        shapes.append(shape)
        counts.append(count)
    return shapes, counts


# The 4 x 4 feature map of the exercise "Pooling by hand". The check reads this
# read-only copy; EXERCISE_FEATURE_MAP is the learner's own copy.
_FEATURE_MAP = np.array(
    [
        [1.0, 3.0, -2.0, 0.0],
        [4.0, 2.0, -1.0, -3.0],
        [0.0, -1.0, 5.0, 2.0],
        [-2.0, 6.0, 1.0, 1.0],
    ]
)
_FEATURE_MAP.setflags(write=False)
EXERCISE_FEATURE_MAP = _FEATURE_MAP.copy()


def _pool(feature_map: np.ndarray, reduce=np.max) -> np.ndarray:
    """2 x 2, stride-2 pooling of a 2-D map with an even height and width."""
    height, width = feature_map.shape
    return reduce(feature_map.reshape(height // 2, 2, width // 2, 2), axis=(1, 3))


def _seven(answers: Any, what: str) -> list[Any] | Feedback:
    """The seven entries of a per-layer answer, or a "not yet" saying why not."""
    if isinstance(answers, np.ndarray):
        answers = list(answers)
    if not isinstance(answers, list | tuple):
        return not_yet(
            f"{what} should be a list with one entry per layer, but it is "
            f"{type(answers).__name__}.",
            "write it as [entry_1, entry_2, ..., entry_7].",
        )
    if len(answers) != len(EXERCISE_MODEL):
        return not_yet(
            f"{what} has {len(answers)} entries, but the model has "
            f"{len(EXERCISE_MODEL)} layers after the input.",
            "give one entry per layer, from the first convolution to the dense "
            "layer; leave out the input.",
        )
    return list(answers)


def _as_shape(value: Any) -> tuple[int, ...] | None:
    """A shape from a tuple, list, array or (for a vector) one number; else None."""
    if hasattr(value, "as_list"):  # a TensorShape
        value = value.as_list()
    array = as_array(value)
    if array is None or array.ndim > 1 or array.size == 0:
        return None
    sides = tuple(whole_number(side) for side in array.reshape(-1))
    return sides if all(side is not None for side in sides) else None


# --------------------------------------------------------------------------
# Exercise: shapes after each layer
# --------------------------------------------------------------------------


@exercise_check
def check_layer_shapes(shapes) -> Feedback:
    """Exercise "Follow the shapes": the output shape of each layer, batch left out."""
    shapes = _seven(shapes, "shapes")
    if isinstance(shapes, Feedback):
        return shapes
    expected_shapes = _worked_out()[0]
    for index, (answer, expected, name) in enumerate(
        zip(shapes, expected_shapes, EXERCISE_LAYER_NAMES, strict=True), start=1
    ):
        shape = _as_shape(answer)
        if shape is None:
            return not_yet(
                f"entry {index} ({name}) should be a shape of whole numbers, such "
                f"as (30, 30, 4), but it is {answer!r}.",
                "write image-like shapes as (height, width, channels) and vector "
                "shapes as (length,).",
            )
        if shape != expected:
            problem = f"the shape after layer {index}, {name}, is not {shape}."
            return not_yet(problem, _shape_hint(index, shape, expected))
    sizes = [shape[0] for shape in expected_shapes]
    return correct(
        f"28 - 5 + 1 = {sizes[0]}; pooling halves {sizes[1]} to {sizes[2]}; 'same' "
        f"keeps {sizes[3]}; pooling halves it to {sizes[4]}; {sizes[4]} x {sizes[4]} "
        f"x 16 = {sizes[5]} values go into the dense layer, which has {sizes[6]} "
        "outputs."
    )


def _shape_hint(index: int, shape: tuple[int, ...], expected: tuple[int, ...]) -> str:
    if len(expected) == 3 and len(shape) == 3:
        if shape[2] != expected[2]:
            return (
                "the number of channels after a convolution is its number of "
                "filters; activations and pooling keep the channels."
            )
        if index == 1 and shape[:2] == (28, 28):
            return "'valid' means no padding: the kernel must fit inside the image."
        if index == 1 and shape[:2] == (23, 23):
            return "count the positions where the kernel fits: the formula ends in + 1."
        if index == 2:
            return (
                "an activation works value by value: its output has its input's shape."
            )
        if index in (3, 5):
            return (
                "a 2 x 2 pool with stride 2 halves the height and the width of its "
                "input (the windows do not overlap)."
            )
        if index == 4 and shape[0] < expected[0]:
            return "'same' padding with stride 1 keeps the height and width."
        return "work through the layers one by one: (size - kernel + 2 * pad) // stride + 1."
    if index == 6:
        if len(shape) != 1:
            return "flattening turns the volume into one vector: give its shape as (length,)."
        if shape[0] == sum(_worked_out()[0][4]):
            return "the vector holds every value of the volume: multiply, don't add."
        return "the length is height x width x channels of the volume before it."
    if index == 7:
        return "a dense layer's output has one value per unit."
    return "an image-like layer's output is (height, width, channels)."


# --------------------------------------------------------------------------
# Exercise: parameters of each layer
# --------------------------------------------------------------------------


@exercise_check
def check_parameter_counts(counts) -> Feedback:
    """Exercise "Count the parameters": trainable numbers of each layer."""
    counts = _seven(counts, "counts")
    if isinstance(counts, Feedback):
        return counts
    expected_counts = _worked_out()[1]
    for index, (answer, expected, name) in enumerate(
        zip(counts, expected_counts, EXERCISE_LAYER_NAMES, strict=True), start=1
    ):
        given = whole_number(answer)
        if given is None:
            return not_yet(
                f"entry {index} ({name}) should be a whole number, but it is {answer!r}."
            )
        if given != expected:
            problem = f"layer {index}, {name}, does not have {given} parameters."
            return not_yet(problem, _count_hint(index, given))
    first, second, dense = (expected_counts[i] for i in (0, 3, 6))
    return correct(
        f"(5*5*1 + 1)*8 = {first}, (3*3*8 + 1)*16 = {second} and "
        f"{_worked_out()[0][5][0]}*10 + 10 = {dense}: {sum(expected_counts)} in "
        "all. Activations, pooling and flattening learn nothing."
    )


def _count_hint(index: int, given: int) -> str:
    if index in (2, 3, 5, 6):
        return (
            "this layer applies a fixed rule to its input: what could training change?"
        )
    expected = _worked_out()[1][index - 1]
    units = {1: 8, 4: 16, 7: 10}[index]
    if given == expected - units:
        return "each filter (or unit) also has one bias."
    if index == 4 and given in ((3 * 3 + 1) * 16, 3 * 3 * 16):
        return (
            "a kernel is as deep as its input: count the channels that come into "
            "the second convolution."
        )
    if index == 7 and given in (12 * 12 * 16 * 10 + 10, 24 * 24 * 8 * 10 + 10):
        return (
            "the dense layer's input is the flattened output of the last pooling "
            "layer, not of an earlier one."
        )
    if index in (1, 4):
        return "a convolution has (KH * KW * C_in + 1) * C_out parameters."
    return "a dense layer has (inputs + 1) * units parameters."


# --------------------------------------------------------------------------
# Exercise: pooling by hand
# --------------------------------------------------------------------------


def _as_matrix(value: Any, name: str) -> np.ndarray | Feedback:
    array = as_array(value)
    if array is None:
        return not_yet(f"{name} should be a 2 x 2 array of numbers.")
    if array.shape != (2, 2):
        hint = (
            "with stride 2 the 2 x 2 windows do not overlap: a 4 x 4 map has four."
            if array.shape == (3, 3)
            else "write it as np.array([[top_left, top_right], [bottom_left, "
            "bottom_right]])."
        )
        return not_yet(
            f"{name} should have shape (2, 2), but it has {array.shape}.", hint
        )
    return array


@exercise_check
def check_max_pool_by_hand(max_pooled, average_pooled) -> Feedback:
    """Exercise "Pooling by hand": 2 x 2 max and average pooling, stride 2."""
    expected_max, expected_avg = _pool(_FEATURE_MAP), _pool(_FEATURE_MAP, np.mean)
    max_pooled = _as_matrix(max_pooled, "max_pooled")
    if isinstance(max_pooled, Feedback):
        return max_pooled
    average_pooled = _as_matrix(average_pooled, "average_pooled")
    if isinstance(average_pooled, Feedback):
        return average_pooled
    if np.allclose(max_pooled, expected_avg) and np.allclose(
        average_pooled, expected_max
    ):
        return not_yet(
            "the two answers are swapped.", "max_pooled holds the largest values."
        )
    if not np.allclose(max_pooled, expected_max):
        if np.allclose(max_pooled, expected_max.T):
            return not_yet(
                "max_pooled is transposed.",
                "the first row of the answer comes from the top two rows of the map.",
            )
        if np.allclose(max_pooled, _pool(_FEATURE_MAP, np.min)):
            return not_yet("max_pooled holds the smallest value of each window.")
        if np.allclose(max_pooled, _pool(np.abs(_FEATURE_MAP))):
            return not_yet(
                "max_pooled looks like the largest absolute value of each window.",
                "max pooling keeps the largest value itself: -3 is smaller than 0.",
            )
        return not_yet(
            "max_pooled is not right.",
            "split the map into four 2 x 2 blocks and keep the largest number of each.",
        )
    if not np.allclose(average_pooled, expected_avg):
        if np.allclose(average_pooled, expected_avg * 4):
            return not_yet(
                "average_pooled holds the sums of the windows, not their means."
            )
        if np.allclose(average_pooled, expected_avg.T):
            return not_yet("average_pooled is transposed.")
        return not_yet(
            "average_pooled is not right.",
            "add the four numbers of each 2 x 2 block and divide by 4.",
        )
    return correct(
        "Max pooling keeps each block's strongest response; average pooling blurs it "
        "with its neighbours (the 6 in the bottom-left block becomes 0.75)."
    )


# --------------------------------------------------------------------------
# Exercise: write a 2 x 2 max pool
# --------------------------------------------------------------------------


def _test_maps(rng: np.random.Generator) -> list[np.ndarray]:
    """Five new maps per call: even sizes from 4 to 12, at least one not square,
    mostly negative values, and one 2 x 2 block that is negative throughout."""
    sizes = [tuple(rng.choice([4, 6, 8, 10, 12], size=2)) for _ in range(4)]
    sizes.append((2 * int(rng.integers(2, 5)), 2 * int(rng.integers(5, 7))))
    maps = []
    for height, width in sizes:
        feature_map = rng.normal(size=(height, width)) - 0.5
        row, column = 2 * rng.integers(height // 2), 2 * rng.integers(width // 2)
        block = feature_map[row : row + 2, column : column + 2]
        block[...] = -np.abs(block) - 0.1
        maps.append(feature_map)
    return maps


@exercise_check
def check_my_max_pool(function: Callable[[np.ndarray], Any]) -> Feedback:
    """Exercise "Write a max pool": the learner's 2 x 2, stride-2 max pool.

    Each call draws new maps, so no fixed answer can pass, and the verdict
    never shows the expected numbers.
    """
    for feature_map in _test_maps(hidden_inputs() or np.random.default_rng()):
        height, width = feature_map.shape
        answer = returned_array(
            function,
            feature_map.copy(),
            name="my_max_pool",
            case=f"a {height} x {width} map",
            hint="return the pooled map, a NumPy array.",
        )
        if isinstance(answer, Feedback):
            return answer
        expected = _pool(feature_map)
        if answer.shape != expected.shape:
            hint = (
                "the windows must not overlap: the output is half as high and half "
                "as wide."
                if answer.shape == (height - 1, width - 1)
                else "a 2 x 2 pool with stride 2 turns an H x W map into H/2 x W/2."
            )
            return not_yet(
                f"for a {height} x {width} map your function returned shape "
                f"{answer.shape}, not {expected.shape}.",
                hint,
            )
        if np.allclose(answer, expected):
            continue
        if np.allclose(answer, _pool(feature_map, np.mean)):
            return not_yet(
                "your function computes average pooling.", "use .max, not .mean."
            )
        wrong_grouping = feature_map.reshape(height // 2, width // 2, 2, 2).max(
            axis=(2, 3)
        )
        if np.allclose(answer, wrong_grouping):
            return not_yet(
                "your windows are not 2 x 2 blocks of the map.",
                "reshape to (H // 2, 2, W // 2, 2), so that axes 1 and 3 run inside a "
                "block, then take the max over axes (1, 3).",
            )
        return not_yet(
            f"for a {height} x {width} map your function's numbers are not the "
            "2 x 2, stride-2 max pool.",
            "each output cell is the largest of the 2 x 2 block of the map under it.",
        )
    return correct(
        "reshape(H // 2, 2, W // 2, 2).max(axis=(1, 3)) pools without a loop, as "
        "fast as NumPy can go."
    )


# --------------------------------------------------------------------------
# Exercise 5, an experiment: twice the filters
# --------------------------------------------------------------------------


def _layer_parameters(model: Any) -> dict[str, int]:
    return {layer.name: int(layer.count_params()) for layer in model.layers}


@exercise_check
def check_more_filters(
    model, flat_length, conv_params, hidden_params, total, grew_most
) -> Feedback:
    """The chapter's network with 24 filters instead of 12, and what the
    learner measured on it. The check reads every number from the learner's
    own model, and rebuilds it with 12 filters to find the layer that grew most.

    Chapter 6, exercise "Twice the filters".
    """
    import keras

    if not isinstance(model, keras.Model):
        return not_yet(
            f"model should be a Keras model, but it is {type(model).__name__}.",
            "build it with keras.Sequential([...]), as in the section above.",
        )
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    flats = [layer for layer in model.layers if isinstance(layer, keras.layers.Flatten)]
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(convs) != 1 or len(flats) != 1 or len(denses) != 2:
        return not_yet(
            "your model should have the chapter's layers: one Conv2D, one "
            f"Flatten and two Dense layers; it has {len(convs)}, {len(flats)} "
            f"and {len(denses)}.",
            "copy the keras.Sequential of the section 'The whole network' and "
            "change only the number of filters.",
        )
    if convs[0].filters != 24:
        return not_yet(
            f"your convolutional layer has {convs[0].filters} filters; the "
            "experiment asks for 24, twice the chapter's 12.",
            "change the first argument of Conv2D.",
        )
    measured = {
        "flat_length": int(np.prod(flats[0].output.shape[1:])),
        "conv_params": int(convs[0].count_params()),
        "hidden_params": int(denses[0].count_params()),
        "total": int(model.count_params()),
    }
    answers = [flat_length, conv_params, hidden_params, total]
    for (name, expected), answer in zip(measured.items(), answers, strict=True):
        if whole_number(answer) != expected:
            return not_yet(
                f"{name} is {answer!r}, but your model gives {expected}.",
                "read it from your model (layer.output.shape, count_params()).",
            )

    def with_12_filters(layer):
        config = layer.get_config()
        if layer is convs[0]:
            config["filters"] = 12
        return type(layer).from_config(config)

    baseline = _layer_parameters(
        keras.models.clone_model(model, clone_function=with_12_filters)
    )
    growth = {
        name: count - baseline[name] for name, count in _layer_parameters(model).items()
    }
    most = max(growth, key=growth.get)
    kind = type(model.get_layer(most)).__name__.lower()
    words = as_words(grew_most)
    if words is None or not (most.lower() in words or kind in words.split()):
        return not_yet(
            f"grew_most is {grew_most!r}, but that is not the layer that gained "
            "the most parameters.",
            "compare each layer's count_params() with the chapter's model.",
        )
    return correct(
        f"Twice the filters add {growth[convs[0].name]:,} parameters to the "
        f"convolution but {growth[most]:,} to '{most}': the flattened volume "
        f"doubles to {measured['flat_length']:,} values, and every one of them "
        "has a weight to each of the dense layer's units."
    )
