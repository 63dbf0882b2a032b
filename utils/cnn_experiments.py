"""Experiments on a small ConvNet: transforms, cost counts, saliency, models.

Taught in chapter 7, "Training a CNN, and its strengths and weaknesses
measured". The image transforms (shift, rotate, rescale) are plain NumPy and
SciPy so that a test image can be moved by an exact number of pixels; the
model builders, the cost counts and the saliency map use Keras and TensorFlow,
which are imported inside the functions that need them (``import utils`` stays
fast).

Images are grey and shaped ``(height, width)`` for one image or
``(n, height, width)`` for a batch; a trailing channel axis of size 1, as
Keras wants it (``(height, width, 1)`` or ``(n, height, width, 1)``), is
accepted too and kept. (A 3-D array whose last axis has length 1 is read as
one image with its channel, not as a batch of one-pixel-wide images.)
"""

from __future__ import annotations

import math
import numbers
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from utils.validation import as_float_array, describe, require_int, require_number

__all__ = [
    "accuracy_under_transform",
    "build_digit_cnn",
    "build_digit_mlp",
    "conv2d_multiply_adds",
    "conv2d_parameters",
    "count_multiply_adds",
    "dense_multiply_adds",
    "dense_parameters",
    "place_on_canvas",
    "random_augment",
    "rescale_images",
    "reset_model",
    "rotate_images",
    "saliency_map",
    "shift_images",
    "stratified_subset",
    "tensorflow_multiply_adds",
    "train_classifier",
    "transform_images",
]


# --------------------------------------------------------------------------
# Image transforms
# --------------------------------------------------------------------------


def _as_image_stack(images: Any, name: str = "images"):
    """Return ``(stack of shape (n, h, w), function restoring the input's shape)``."""
    array = as_float_array(images, name)
    if array.ndim == 2:
        return array[None], lambda out: out[0]
    if array.ndim == 3 and array.shape[-1] == 1:
        # One image with its channel axis, as X[k] of a batch X (n, h, w, 1).
        return array[None, :, :, 0], lambda out: out[0, :, :, None]
    if array.ndim == 3:
        return array, lambda out: out
    if array.ndim == 4 and array.shape[-1] == 1:
        return array[..., 0], lambda out: out[..., None]
    raise ValueError(
        f"{name} must be one grey image (height, width) or (height, width, 1), a "
        f"batch (n, height, width) or (n, height, width, 1), but it has "
        f"shape {array.shape}. For colour images, transform each channel."
    )


def _affine_parameters(shape, shift, angle, scale):
    """Matrix and offset for :func:`scipy.ndimage.affine_transform` (one image).

    The forward map sends a point ``p`` (row, column) of the input to
    ``c + t + scale * R @ (p - c)``, where ``c`` is the image centre, ``t`` the
    shift and ``R`` a rotation that turns the picture counter-clockwise as it is
    displayed (rows grow downwards). SciPy needs the inverse map.
    """
    centre = (np.asarray(shape, dtype=float) - 1.0) / 2.0
    theta = math.radians(angle)
    cos, sin = math.cos(theta), math.sin(theta)
    rotation = np.array([[cos, -sin], [sin, cos]])
    matrix = rotation.T / scale
    offset = centre - matrix @ (centre + np.asarray(shift, dtype=float))
    return matrix, offset


def _output_dtype(images: Any) -> np.dtype:
    """Keep a floating dtype (float32 stays float32); anything else becomes float64."""
    dtype = np.asarray(images).dtype
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(float)


def _check_shift(shift: Any) -> tuple[float, float]:
    if (
        not isinstance(shift, Sequence | np.ndarray)
        or isinstance(shift, str)
        or len(shift) != 2
    ):
        raise TypeError(
            "shift must be a pair (rows down, columns right), for example (2, -1), "
            f"but got {describe(shift)}."
        )
    return (
        require_number(shift[0], "shift[0] (rows down)"),
        require_number(shift[1], "shift[1] (columns right)"),
    )


def _check_order(order: Any) -> int:
    return require_int(
        order, "order (0 nearest pixel, 1 bilinear)", maximum=1, minimum=0
    )


def transform_images(
    images: Any,
    *,
    shift: Sequence[float] = (0.0, 0.0),
    angle: float = 0.0,
    scale: float = 1.0,
    order: int = 1,
) -> np.ndarray:
    """Rotate, rescale and shift grey images about their centre, keeping their size.

    Pixels that leave the frame are lost and uncovered pixels are filled with
    0 (black background, as in the digits); nothing wraps around.

    Parameters
    ----------
    images:
        Shape ``(h, w)``, ``(h, w, 1)``, ``(n, h, w)`` or ``(n, h, w, 1)``.
    shift:
        ``(rows, columns)``: positive moves the picture down and to the right.
    angle:
        Degrees; positive turns the picture counter-clockwise as displayed.
    scale:
        Magnification about the centre: 2 doubles the size, 0.5 halves it.
    order:
        Interpolation: 0 takes the nearest pixel, 1 is bilinear.

    Returns
    -------
    ndarray
        The transformed images, same shape as ``images``. With order 0 or 1,
        every output pixel is a weighted average of input pixels and the 0
        fill, so no value leaves their range.

    Notes
    -----
    Chapter 7, section "Shifted, rotated and rescaled digits".
    """
    from scipy import ndimage

    stack, restore = _as_image_stack(images)
    shift = _check_shift(shift)
    angle = require_number(angle, "angle (degrees)")
    scale = require_number(scale, "scale")
    if scale <= 0:
        raise ValueError(f"scale must be positive (1 keeps the size), not {scale}.")
    order = _check_order(order)
    matrix, offset = _affine_parameters(stack.shape[1:], shift, angle, scale)
    out = np.empty_like(stack, dtype=float)
    for index, picture in enumerate(stack):
        ndimage.affine_transform(
            picture,
            matrix,
            offset=offset,
            order=order,
            mode="grid-constant",
            cval=0.0,
            output=out[index],
        )
    return restore(out.astype(_output_dtype(images), copy=False))


def shift_images(images: Any, rows: float, columns: float, *, order: int = 1):
    """Move images ``rows`` pixels down and ``columns`` pixels right (0 fill, no wrap).

    Whole-pixel shifts are exact copies of the pixels. Chapter 7.
    """
    return transform_images(images, shift=(rows, columns), order=order)


def rotate_images(images: Any, angle: float, *, order: int = 1):
    """Turn images ``angle`` degrees counter-clockwise about their centre. Chapter 7."""
    return transform_images(images, angle=angle, order=order)


def rescale_images(images: Any, scale: float, *, order: int = 1):
    """Magnify images by ``scale`` about their centre, keeping the frame. Chapter 7."""
    return transform_images(images, scale=scale, order=order)


def place_on_canvas(images: Any, size: int) -> np.ndarray:
    """Centre images on a larger black canvas of ``size`` x ``size`` pixels.

    A margin around the digit lets it be shifted, rotated or magnified without
    losing pixels at the border. Chapter 7.
    """
    stack, restore = _as_image_stack(images)
    size = require_int(size, "size", minimum=1)
    height, width = stack.shape[1:]
    if size < max(height, width):
        raise ValueError(
            f"the canvas ({size} x {size}) must be at least as large as the images "
            f"({height} x {width}); choose size >= {max(height, width)}."
        )
    top, left = (size - height) // 2, (size - width) // 2
    canvas = np.zeros((len(stack), size, size), dtype=np.asarray(images).dtype)
    canvas[:, top : top + height, left : left + width] = stack
    return restore(canvas)


def random_augment(
    images: Any,
    *,
    seed: int,
    max_shift: float = 0.0,
    max_angle: float = 0.0,
    scale_range: tuple[float, float] = (1.0, 1.0),
) -> np.ndarray:
    """A randomly shifted, rotated and rescaled copy of every image (augmentation).

    Each image gets its own shift (uniform in ``[-max_shift, max_shift]`` pixels
    along each axis), angle (uniform in ``[-max_angle, max_angle]`` degrees) and
    scale (uniform in ``scale_range``), applied as one bilinear transform.

    Parameters
    ----------
    images:
        Shape ``(n, h, w)`` or ``(n, h, w, 1)``.
    seed:
        Seed of the random generator: the same seed gives the same copies.

    Notes
    -----
    Chapter 7, section "Shifted, rotated and rescaled digits".
    """
    from scipy import ndimage

    ndim = np.ndim(images)
    if ndim == 2 or (ndim == 3 and np.shape(images)[-1] == 1):
        raise ValueError(
            "random_augment takes a batch, (n, h, w) or (n, h, w, 1); for one "
            "image, pass image[None]."
        )
    stack, restore = _as_image_stack(images)
    seed = require_int(seed, "seed", minimum=0)
    max_shift = require_number(max_shift, "max_shift")
    max_angle = require_number(max_angle, "max_angle")
    if max_shift < 0 or max_angle < 0:
        raise ValueError("max_shift and max_angle are sizes; give them as >= 0.")
    if (
        not isinstance(scale_range, Sequence | np.ndarray)
        or isinstance(scale_range, str)
        or len(scale_range) != 2
    ):
        raise TypeError(
            f"scale_range must be a pair (smallest, largest), not {describe(scale_range)}."
        )
    low = require_number(scale_range[0], "scale_range[0]")
    high = require_number(scale_range[1], "scale_range[1]")
    if not 0 < low <= high:
        raise ValueError(
            f"scale_range must satisfy 0 < smallest <= largest, but got ({low}, {high})."
        )
    rng = np.random.default_rng(seed)
    n = len(stack)
    shifts = rng.uniform(-max_shift, max_shift, size=(n, 2))
    angles = rng.uniform(-max_angle, max_angle, size=n)
    scales = rng.uniform(low, high, size=n)
    out = np.empty_like(stack)
    for index in range(n):
        matrix, offset = _affine_parameters(
            stack.shape[1:], shifts[index], angles[index], scales[index]
        )
        out[index] = ndimage.affine_transform(
            stack[index], matrix, offset=offset, order=1, mode="grid-constant", cval=0.0
        )
    return restore(out.astype(_output_dtype(images), copy=False))


def stratified_subset(labels: Any, size: int, *, seed: int = 0) -> np.ndarray:
    """Indices of ``size`` examples drawn with every class in its original share.

    Used to train on small subsets (chapter 7, "How much data does it need?").
    The indices are sorted; the same seed gives the same subset.
    """
    from sklearn.model_selection import train_test_split

    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(
            f"labels must be one-dimensional, not of shape {labels.shape}."
        )
    size = require_int(size, "size", minimum=1, maximum=len(labels))
    seed = require_int(seed, "seed", minimum=0)
    classes = np.unique(labels)
    if size < len(classes):
        raise ValueError(
            f"a stratified subset needs at least one example per class: size must "
            f"be at least {len(classes)}, not {size}."
        )
    indices = np.arange(len(labels))
    if size == len(labels):
        return indices
    if len(labels) - size < len(classes):
        # Too few examples are left out to leave one of each class out: drop a
        # random few (scikit-learn refuses to stratify such a split).
        left_out = np.random.default_rng(seed).choice(
            indices, len(labels) - size, replace=False
        )
        return np.setdiff1d(indices, left_out)
    chosen, _ = train_test_split(
        indices, train_size=size, stratify=labels, random_state=seed
    )
    return np.sort(chosen)


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------


def _check_input_shape(input_shape: Any) -> tuple[int, int, int]:
    if not isinstance(input_shape, Sequence) or len(input_shape) != 3:
        raise TypeError(
            "input_shape must be (height, width, channels), for example (20, 20, 1), "
            f"but got {describe(input_shape)}."
        )
    return tuple(
        require_int(value, f"input_shape[{i}]", minimum=1)
        for i, value in enumerate(input_shape)
    )


def _check_rate(rate: Any, name: str, upper: float) -> float:
    rate = require_number(rate, name)
    if not 0 <= rate < upper:
        raise ValueError(f"{name} must be in [0, {upper}), not {rate}.")
    return rate


def _compile(model, learning_rate: float, decay_steps: int | None):
    import keras

    learning_rate = require_number(learning_rate, "learning_rate")
    if learning_rate <= 0:
        raise ValueError(f"learning_rate must be positive, not {learning_rate}.")
    if decay_steps is not None:
        decay_steps = require_int(decay_steps, "decay_steps", minimum=1)
        learning_rate = keras.optimizers.schedules.CosineDecay(
            learning_rate, decay_steps
        )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def build_digit_cnn(
    input_shape: Sequence[int] = (20, 20, 1),
    *,
    filters: Sequence[int] = (16, 32),
    kernel_size: int = 3,
    dropout: float = 0.3,
    hidden_units: int = 0,
    global_pooling: bool = False,
    num_classes: int = 10,
    learning_rate: float = 0.01,
    decay_steps: int | None = None,
):
    """The chapter's small ConvNet, compiled and ready to train.

    With the default settings it is the network of chapter 7: two blocks of 16
    and 32 kernels, dropout of 0.3 and a dense read-out, 12,810 parameters on
    20 x 20 digits.

    One block per entry of ``filters``: ``Conv2D(f, kernel_size, 'same', ReLU)``
    then 2 x 2 max pooling. Then either ``Flatten`` (the default) or
    ``GlobalAveragePooling2D`` (``global_pooling=True``), an optional hidden
    dense layer, optional dropout, and a ``Dense(num_classes)`` layer that
    outputs **logits** (scores before the softmax). Compiled with Adam and the
    cross-entropy on logits.

    Parameters
    ----------
    input_shape:
        ``(height, width, channels)`` of one image.
    filters:
        Number of kernels in each convolutional block.
    dropout:
        Fraction of the flattened features dropped at random during training.
    hidden_units:
        Units of a hidden ReLU layer before the output (0: none).
    global_pooling:
        Average each feature map to one number instead of flattening, so that
        the classifier no longer knows *where* a feature was.
    learning_rate, decay_steps:
        Adam's step size; with ``decay_steps``, it falls along a half cosine
        to 0 over that many gradient steps (big steps first, small ones to
        settle at the end).

    Notes
    -----
    Chapter 7, section "A small ConvNet for the digits".
    """
    import keras

    input_shape = _check_input_shape(input_shape)
    if isinstance(filters, numbers.Integral) or not isinstance(filters, Sequence):
        raise TypeError(
            f"filters must be a list such as [8, 16], not {describe(filters)}."
        )
    if not filters:
        raise ValueError("filters must name at least one convolutional block.")
    filters = [require_int(f, "each number of filters", minimum=1) for f in filters]
    kernel_size = require_int(kernel_size, "kernel_size", minimum=1)
    dropout = _check_rate(dropout, "dropout", 1.0)
    hidden_units = require_int(hidden_units, "hidden_units", minimum=0)
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    side = min(input_shape[:2])
    if side < 2 ** len(filters):
        raise ValueError(
            f"{len(filters)} blocks halve the image {len(filters)} times, which a "
            f"{side}-pixel input cannot take; use fewer blocks or larger images."
        )
    layers = [keras.Input(shape=input_shape)]
    for count in filters:
        layers += [
            keras.layers.Conv2D(count, kernel_size, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
        ]
    layers.append(
        keras.layers.GlobalAveragePooling2D()
        if global_pooling
        else keras.layers.Flatten()
    )
    if hidden_units:
        layers.append(keras.layers.Dense(hidden_units, activation="relu"))
    if dropout > 0:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(num_classes))
    return _compile(keras.Sequential(layers), learning_rate, decay_steps)


def build_digit_mlp(
    input_shape: Sequence[int] = (20, 20, 1),
    *,
    hidden_units: int = 128,
    dropout: float = 0.0,
    num_classes: int = 10,
    learning_rate: float = 0.01,
    decay_steps: int | None = None,
):
    """A multilayer perceptron baseline: Flatten, Dense(hidden, ReLU), Dense(logits).

    Compiled like :func:`build_digit_cnn`, so the two can be compared on cost and
    accuracy. Chapter 7, section "What the convolution buys, and what it costs".
    """
    import keras

    input_shape = _check_input_shape(input_shape)
    hidden_units = require_int(hidden_units, "hidden_units", minimum=1)
    dropout = _check_rate(dropout, "dropout", 1.0)
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    layers = [
        keras.Input(shape=input_shape),
        keras.layers.Flatten(),
        keras.layers.Dense(hidden_units, activation="relu"),
    ]
    if dropout > 0:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(num_classes))
    return _compile(keras.Sequential(layers), learning_rate, decay_steps)


def _predict_classes(model, images: np.ndarray, batch_size: int = 2048) -> np.ndarray:
    """Predicted class of every image, in a few large batches."""
    predictions = [
        np.asarray(model(images[start : start + batch_size], training=False)).argmax(1)
        for start in range(0, len(images), batch_size)
    ]
    return np.concatenate(predictions) if predictions else np.zeros(0, dtype=int)


def accuracy_under_transform(
    models, images: Any, labels: Any, transform: Callable, values: Sequence
):
    """Test accuracy after applying ``transform(images, value)`` for each value.

    Parameters
    ----------
    models:
        A Keras classifier taking ``images`` (with their channel axis), or a
        dict of them (name -> model): each transformed set is then computed once
        and scored by every model.
    images, labels:
        Test images ``(n, h, w, 1)`` and their integer labels ``(n,)``.
    transform:
        A function ``(images, value) -> images`` such as :func:`rotate_images`.
    values:
        The shifts, angles or scales to try.

    Returns
    -------
    ndarray of shape ``(len(values),)``, or a dict of them
        The fraction of correctly classified images for each value (for each
        model, if ``models`` is a dict).

    Notes
    -----
    Chapter 7, section "Shifted, rotated and rescaled digits".
    """
    images = np.asarray(images, dtype=np.float32)
    labels = np.asarray(labels)
    if not callable(transform):
        raise TypeError("transform must be a function (images, value) -> images.")
    if labels.ndim != 1 or len(labels) != len(images):
        raise ValueError(
            f"got {len(images)} images but labels of shape {labels.shape}; give "
            "one integer label per image."
        )
    named = models if isinstance(models, Mapping) else {"model": models}
    if not named or not all(callable(model) for model in named.values()):
        raise TypeError("models must be a Keras model or a dict of Keras models.")
    values = list(values)
    if not values:
        raise ValueError("values is empty: give at least one shift, angle or scale.")
    moved = np.concatenate(
        [np.asarray(transform(images, value), dtype=np.float32) for value in values]
    )
    if moved.shape[1:] != images.shape[1:]:
        raise ValueError(
            f"transform changed the image shape from {images.shape[1:]} to "
            f"{moved.shape[1:]}; it must keep the frame."
        )
    expected = np.tile(labels, len(values))
    accuracies = {
        name: (_predict_classes(model, moved) == expected)
        .reshape(len(values), len(labels))
        .mean(axis=1)
        for name, model in named.items()
    }
    return accuracies if isinstance(models, Mapping) else accuracies["model"]


# --------------------------------------------------------------------------
# Training many small models quickly
# --------------------------------------------------------------------------

#: Compiled training and evaluation steps, kept per model so that a model
#: trained again (after :func:`reset_model`) is not traced again.
_COMPILED_STEPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _compiled_steps(model):
    import tensorflow as tf

    if model in _COMPILED_STEPS:
        return _COMPILED_STEPS[model]
    if (
        getattr(model, "optimizer", None) is None
        or getattr(model, "loss", None) is None
    ):
        raise ValueError(
            "the model must be compiled with an optimizer and a loss first "
            "(build_digit_cnn and build_digit_mlp do it)."
        )
    image_spec = tf.TensorSpec((None, *model.inputs[0].shape[1:]), tf.float32)
    label_spec = tf.TensorSpec((None,), tf.int64)
    loss_function = model.loss

    def count_correct(labels, logits):
        hits = tf.equal(tf.argmax(logits, axis=1), labels)
        return tf.reduce_sum(tf.cast(hits, tf.float32))

    @tf.function(input_signature=[image_spec, label_spec])
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            loss = loss_function(labels, logits)
        gradients = tape.gradient(loss, model.trainable_variables)
        model.optimizer.apply_gradients(
            zip(gradients, model.trainable_variables, strict=True)
        )
        return loss, count_correct(labels, logits)

    @tf.function(input_signature=[image_spec, label_spec])
    def evaluate_step(images, labels):
        logits = model(images, training=False)
        return loss_function(labels, logits), count_correct(labels, logits)

    _COMPILED_STEPS[model] = (train_step, evaluate_step)
    return train_step, evaluate_step


def _check_labelled(images: Any, labels: Any, name: str):
    images = np.asarray(images, dtype=np.float32)
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(images):
        raise ValueError(
            f"{name}: got {len(images)} images but labels of shape {labels.shape}; "
            "give one integer label per image."
        )
    if len(labels) == 0:
        raise ValueError(f"{name}: there are no images to train or evaluate on.")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"{name}: labels must be integers (class numbers).")
    return images, labels.astype(np.int64)


def train_classifier(
    model,
    images: Any,
    labels: Any,
    *,
    num_epochs: int,
    batch_size: int = 64,
    validation_data: tuple[Any, Any] | None = None,
    augment: Callable[[np.ndarray, int], np.ndarray] | None = None,
    seed: int = 0,
) -> dict[str, list[float]]:
    """Train a compiled Keras classifier with a lean mini-batch loop.

    It does what ``model.fit(images, labels, epochs=num_epochs,
    batch_size=batch_size, validation_data=validation_data)`` does (shuffle
    each epoch, one optimizer step per batch, the loss and accuracy averaged
    over the epoch's batches, then validation) without Keras's per-epoch
    bookkeeping, which dominates the cost of the chapter's many small runs.

    Parameters
    ----------
    model:
        A compiled Keras classifier that outputs logits (see
        :func:`build_digit_cnn`).
    images, labels:
        Training images in the shape the model takes, and integer labels.
    num_epochs, batch_size:
        Passes over the training set, and images per gradient step.
    validation_data:
        ``(images, labels)`` to evaluate after every epoch (optional).
    augment:
        A function ``(images, *, seed) -> images`` applied to the whole training
        set at the start of every epoch (a fresh random copy each time), for
        example ``functools.partial(random_augment, max_shift=3)``.
    seed:
        Seeds the shuffling (and, plus the epoch number, the augmentation).

    Returns
    -------
    dict
        ``"loss"`` and ``"accuracy"`` per epoch, and ``"val_loss"`` and
        ``"val_accuracy"`` with ``validation_data``, as in Keras's
        ``history.history``.

    Notes
    -----
    Chapter 7, sections on overfitting and on the amount of data. The test
    suite checks it against ``model.fit``.
    """
    import tensorflow as tf

    images, labels = _check_labelled(images, labels, "training data")
    num_epochs = require_int(num_epochs, "num_epochs", minimum=1)
    batch_size = require_int(batch_size, "batch_size", minimum=1)
    seed = require_int(seed, "seed", minimum=0)
    if augment is not None and not callable(augment):
        raise TypeError(
            "augment must be a function (images, *, seed) -> images, or None."
        )
    if validation_data is not None:
        if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
            raise TypeError("validation_data must be a pair (images, labels).")
        val_images, val_labels = _check_labelled(*validation_data, "validation data")
    train_step, evaluate_step = _compiled_steps(model)
    rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    if validation_data is not None:
        history.update(val_loss=[], val_accuracy=[])
    count = len(labels)
    for epoch in range(num_epochs):
        epoch_images = images
        if augment is not None:
            epoch_images = np.asarray(
                augment(images, seed=seed + epoch), dtype=np.float32
            )
            if epoch_images.shape != images.shape:
                raise ValueError(
                    f"augment changed the shape of the images from {images.shape} "
                    f"to {epoch_images.shape}; it must return one image per image."
                )
        order = rng.permutation(count)
        total_loss = total_correct = 0.0
        for start in range(0, count, batch_size):
            batch = order[start : start + batch_size]
            loss, correct = train_step(
                tf.constant(epoch_images[batch]), tf.constant(labels[batch])
            )
            total_loss += float(loss) * len(batch)
            total_correct += float(correct)
        history["loss"].append(total_loss / count)
        history["accuracy"].append(total_correct / count)
        if validation_data is not None:
            loss, correct = evaluate_step(
                tf.constant(val_images), tf.constant(val_labels)
            )
            history["val_loss"].append(float(loss))
            history["val_accuracy"].append(float(correct) / len(val_labels))
    return history


def reset_model(model) -> None:
    """Give a compiled model fresh random weights and a fresh optimizer state.

    Training the same model object again after this costs no new tracing by
    TensorFlow (about a second per model on a laptop CPU), which is how the
    chapter afford to train a dozen models. The new weights are drawn from the
    layers' initialisers (seeded by :func:`utils.setup`), the optimizer's step
    counter and moment estimates go back to zero; its learning rate is kept.

    Notes
    -----
    Chapter 7, section "How much data does it need?".
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"reset_model needs a Keras model, not {describe(model)}.")
    fresh = keras.models.clone_model(model)
    model.set_weights(fresh.get_weights())
    if model.optimizer is not None:
        for variable in model.optimizer.variables:
            if not variable.path.endswith("learning_rate"):
                variable.assign(np.zeros(variable.shape, dtype=variable.dtype))


# --------------------------------------------------------------------------
# Counting parameters and multiply-adds
# --------------------------------------------------------------------------


def _size_pair(value: Any, name: str) -> tuple[int, int]:
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != 2:
            raise ValueError(f"{name} must be one number or a pair, not {value!r}.")
        return (
            require_int(value[0], name, minimum=1),
            require_int(value[1], name, minimum=1),
        )
    size = require_int(value, name, minimum=1)
    return size, size


def conv2d_parameters(
    kernel_size: int | Sequence[int],
    in_channels: int,
    filters: int,
    *,
    use_bias: bool = True,
) -> int:
    """Learned numbers in a Conv2D layer: ``(kh * kw * in_channels + 1) * filters``.

    Chapter 5 derives it; chapter 7 compares it with a dense layer.
    """
    kh, kw = _size_pair(kernel_size, "kernel_size")
    in_channels = require_int(in_channels, "in_channels", minimum=1)
    filters = require_int(filters, "filters", minimum=1)
    return (kh * kw * in_channels + (1 if use_bias else 0)) * filters


def conv2d_multiply_adds(
    output_size: int | Sequence[int],
    kernel_size: int | Sequence[int],
    in_channels: int,
    filters: int,
) -> int:
    """Multiply-adds of one Conv2D layer on one image.

    Every one of the ``out_h * out_w * filters`` output values is a dot product
    of length ``kh * kw * in_channels``. (Bias additions are not counted.)
    Chapter 7, section "What the convolution buys, and what it costs".
    """
    oh, ow = _size_pair(output_size, "output_size")
    kh, kw = _size_pair(kernel_size, "kernel_size")
    in_channels = require_int(in_channels, "in_channels", minimum=1)
    filters = require_int(filters, "filters", minimum=1)
    return oh * ow * filters * kh * kw * in_channels


def dense_parameters(in_features: int, units: int, *, use_bias: bool = True) -> int:
    """Learned numbers in a Dense layer: ``(in_features + 1) * units``. Chapter 7."""
    in_features = require_int(in_features, "in_features", minimum=1)
    units = require_int(units, "units", minimum=1)
    return (in_features + (1 if use_bias else 0)) * units


def dense_multiply_adds(in_features: int, units: int) -> int:
    """Multiply-adds of a Dense layer on one input vector: ``in_features * units``."""
    in_features = require_int(in_features, "in_features", minimum=1)
    units = require_int(units, "units", minimum=1)
    return in_features * units


def count_multiply_adds(model) -> list[dict[str, Any]]:
    """One row per layer of a built Keras model: its cost on one image.

    Each row holds ``layer`` (name), ``output shape``, ``parameters``,
    ``multiply-adds`` (from :func:`conv2d_multiply_adds` and
    :func:`dense_multiply_adds`; pooling, activations and flattening count 0)
    and ``outputs`` (numbers the layer produces per image, which training must
    keep in memory for the backward pass).

    Raises
    ------
    ValueError
        For a layer with weights other than ``Conv2D`` or ``Dense``.

    Notes
    -----
    Chapter 7, section "What the convolution buys, and what it costs".
    """
    import keras

    if not isinstance(model, keras.Model) or not model.built:
        raise TypeError(
            "count_multiply_adds needs a built Keras model (give it an Input)."
        )
    rows = []
    for layer in model.layers:
        output_shape = tuple(int(size) for size in layer.output.shape[1:])
        params = layer.count_params()
        if isinstance(layer, keras.layers.Conv2D) and not isinstance(
            layer, keras.layers.Conv2DTranspose
        ):
            kernel = tuple(int(size) for size in layer.kernel.shape)
            if layer.data_format != "channels_last" or tuple(layer.dilation_rate) != (
                1,
                1,
            ):
                raise ValueError(
                    f"layer {layer.name}: only channels-last, undilated Conv2D is counted."
                )
            if layer.groups != 1:
                raise ValueError(
                    f"layer {layer.name}: grouped convolutions are not counted."
                )
            macs = conv2d_multiply_adds(
                output_shape[:2], kernel[:2], kernel[2], kernel[3]
            )
        elif isinstance(layer, keras.layers.Dense):
            kernel = tuple(int(size) for size in layer.kernel.shape)
            positions = int(np.prod(output_shape[:-1])) if len(output_shape) > 1 else 1
            macs = positions * dense_multiply_adds(kernel[0], kernel[1])
        elif params == 0:
            macs = 0
        else:
            raise ValueError(
                f"layer {layer.name} ({type(layer).__name__}) has weights but "
                "count_multiply_adds only knows Conv2D and Dense layers."
            )
        rows.append(
            {
                "layer": layer.name,
                "output shape": output_shape,
                "parameters": params,
                "multiply-adds": macs,
                "outputs": int(np.prod(output_shape)),
            }
        )
    return rows


def tensorflow_multiply_adds(model) -> dict[str, int]:
    """Multiply-adds per matrix operation, as TensorFlow's profiler counts them.

    Traces ``model`` on one input, freezes its weights into the graph and asks
    ``tf.compat.v1.profiler`` for the floating-point operations of every
    ``Conv2D`` and ``MatMul`` op; each multiply-add is 2 operations. Used in
    chapter 7 to check :func:`count_multiply_adds` against the library.

    Returns
    -------
    dict
        Op name -> multiply-adds, in graph order.
    """
    import keras
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2,
    )

    if not isinstance(model, keras.Model) or not model.built:
        raise TypeError(
            "tensorflow_multiply_adds needs a built Keras model (give it an Input)."
        )
    spec = tf.TensorSpec((1, *model.inputs[0].shape[1:]), model.inputs[0].dtype)
    traced = tf.function(lambda x: model(x, training=False)).get_concrete_function(spec)
    graph = convert_variables_to_constants_v2(traced).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    profile = tf.compat.v1.profiler.profile(
        graph=graph,
        run_meta=tf.compat.v1.RunMetadata(),
        cmd="graph",
        options=options,
    )
    flops = {}

    def walk(node):
        flops[node.name] = node.float_ops
        for child in node.children:
            walk(child)

    walk(profile)
    counted = {}
    for op in graph.get_operations():
        if op.type in ("Conv2D", "MatMul") and op.name in flops:
            counted[op.name] = flops[op.name] // 2
    return counted


# --------------------------------------------------------------------------
# Saliency
# --------------------------------------------------------------------------


def saliency_map(
    model, images: Any, class_indices: Any = None, *, absolute: bool = True
) -> np.ndarray:
    """Gradient of a class score with respect to every input pixel.

    For each image, the score is the model's output for ``class_indices[i]``
    (the predicted class if ``None``). With a model that outputs logits, as the
    chapter's do, this is the class score before the softmax, as in Simonyan,
    Vedaldi and Zisserman (2014). A large value means that a small change of
    that pixel changes the score a lot; it does **not** mean that the pixel is
    the reason for the decision (see chapter 7 for the limits).

    Parameters
    ----------
    model:
        A Keras (or any TensorFlow-differentiable) model.
    images:
        A batch in the shape the model takes, for example ``(n, 20, 20, 1)``.
    class_indices:
        One class per image, or ``None`` for the predicted classes.
    absolute:
        Return ``|gradient|`` (the usual picture) or the signed gradient.

    Returns
    -------
    ndarray
        Same shape as ``images``.

    Notes
    -----
    Chapter 7, section "What did it look at? Saliency maps".
    """
    import tensorflow as tf

    if not callable(model):
        raise TypeError("model must be a Keras model or another callable network.")
    inputs = getattr(model, "inputs", None)
    dtype = inputs[0].dtype if inputs else "float32"
    x = tf.convert_to_tensor(as_float_array(images, "images"), dtype=dtype)
    if x.shape.rank < 2:
        raise ValueError("images must be a batch: add a first axis with images[None].")
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = model(x, training=False)
    if scores.shape.rank != 2 or scores.shape[0] != x.shape[0]:
        raise ValueError(
            f"the model must return one row of class scores per image, but returned "
            f"shape {tuple(scores.shape)} for {x.shape[0]} images."
        )
    num_classes = scores.shape[1]
    if class_indices is None:
        chosen = np.asarray(tf.argmax(scores, axis=1))
    else:
        chosen = np.asarray(class_indices)
        if chosen.ndim == 0:
            chosen = np.full(x.shape[0], chosen)
        if chosen.shape != (x.shape[0],) or not np.issubdtype(chosen.dtype, np.integer):
            raise ValueError(
                f"class_indices must hold one whole number per image ({x.shape[0]}), "
                f"but got {describe(class_indices)}."
            )
        if chosen.min() < 0 or chosen.max() >= num_classes:
            raise ValueError(
                f"class indices must be between 0 and {num_classes - 1}, "
                f"but got {chosen.min()} to {chosen.max()}."
            )
    # Recompute inside a fresh tape: the score picked is a function of x alone.
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = model(x, training=False)
        picked = tf.gather(scores, chosen, axis=1, batch_dims=1)
        total = tf.reduce_sum(picked)
    gradient = tape.gradient(total, x).numpy()
    return np.abs(gradient) if absolute else gradient
