"""A small multilayer network in NumPy: forward pass, losses, backpropagation.

Taught in chapter 2, "How an artificial neural network learns". Everything is
plain NumPy so that every formula is visible; the chapter checks each piece
against TensorFlow (``tf.GradientTape``) and Keras.

The network's parameters are a dict ``{"W1": ..., "b1": ..., "W2": ..., ...}``:
``W1`` has shape ``(n_inputs, n_hidden)`` and layer ``l`` computes
``Z_l = A_{l-1} @ W_l + b_l`` then ``A_l = activation(Z_l)``. Hidden layers use
``tanh``, ``sigmoid`` or ``relu``; the single output unit uses a sigmoid, so
the network answers with the probability of class 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from utils.activations import relu, sigmoid, tanh
from utils.validation import as_float_array, describe, require_int, require_number

__all__ = [
    "HIDDEN_ACTIVATIONS",
    "LOSSES",
    "backward",
    "binary_cross_entropy",
    "compare_gradients",
    "error_rate",
    "forward",
    "init_parameters",
    "mean_squared_error",
    "numerical_gradient",
    "predict_proba",
    "relative_error",
    "train_network",
]

#: Predictions are clipped to [EPSILON, 1 - EPSILON] before taking a logarithm.
EPSILON = 1e-12

#: Hidden-layer activations: name -> (function, derivative from Z and A = f(Z)).
HIDDEN_ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "tanh": (tanh, lambda Z, A: 1.0 - A**2),
    "sigmoid": (sigmoid, lambda Z, A: A * (1.0 - A)),
    "relu": (relu, lambda Z, A: (Z > 0).astype(float)),
}


def _fast_sigmoid(Z):
    # 1 / (1 + exp(-z)) written with tanh, which never overflows.
    return 0.5 * (1.0 + np.tanh(0.5 * Z))


#: The same activations without input checks, for the training loop.
_FAST_ACTIVATIONS: dict[str, Callable] = {
    "tanh": np.tanh,
    "sigmoid": _fast_sigmoid,
    "relu": lambda Z: np.maximum(Z, 0.0),
}

# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------


def _check_labels(y, name: str = "y") -> np.ndarray:
    y = as_float_array(y, name, ndim=(1, 2))
    if y.ndim == 2:
        if y.shape[1] != 1:
            raise ValueError(
                f"{name} must hold one label per example (shape (m,) or (m, 1)), "
                f"but it has shape {y.shape}."
            )
        y = y[:, 0]
    return y


def _check_pair(y, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y = _check_labels(y, "y")
    y_pred = _check_labels(y_pred, "y_pred")
    if y.shape != y_pred.shape:
        raise ValueError(
            f"y has {len(y)} labels but y_pred has {len(y_pred)} predictions; "
            "give one prediction per label."
        )
    if len(y) == 0:
        raise ValueError("y is empty; a loss needs at least one example.")
    return y, y_pred


def _check_probabilities(y_pred) -> None:
    if np.any(y_pred < 0) or np.any(y_pred > 1):
        raise ValueError(
            "y_pred must hold probabilities between 0 and 1 (the output of a "
            "sigmoid), but some values are outside [0, 1]."
        )


def _check_choice(value, name: str, choices: Iterable[str]) -> str:
    choices = tuple(choices)
    if value not in choices:
        known = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"unknown {name} {value!r}; choose one of {known}.")
    return value


def _check_parameters(params) -> int:
    """Check the parameter dict and return the number of layers."""
    if not isinstance(params, Mapping) or not params:
        raise TypeError(
            "params must be a dict like {'W1': ..., 'b1': ..., 'W2': ..., 'b2': ...}, "
            f"as made by init_parameters, but got {describe(params)}."
        )
    num_layers = len(params) // 2
    expected = {f"{kind}{layer}" for layer in range(1, num_layers + 1) for kind in "Wb"}
    if set(params) != expected:
        raise ValueError(
            f"params must have the keys {sorted(expected)} (one W and one b per "
            f"layer), but it has {sorted(params)}."
        )
    for layer in range(1, num_layers + 1):
        W = np.asarray(params[f"W{layer}"])
        b = np.asarray(params[f"b{layer}"])
        if W.ndim != 2 or b.ndim != 1 or b.shape[0] != W.shape[1]:
            raise ValueError(
                f"W{layer} must be a matrix (inputs x units) and b{layer} a vector "
                f"with one bias per unit, but they have shapes {W.shape} and {b.shape}."
            )
        if layer > 1:
            previous = np.asarray(params[f"W{layer - 1}"]).shape[1]
            if W.shape[0] != previous:
                raise ValueError(
                    f"W{layer} has {W.shape[0]} rows but layer {layer - 1} has "
                    f"{previous} units; the shapes of consecutive layers must match."
                )
    if np.asarray(params[f"W{num_layers}"]).shape[1] != 1:
        raise ValueError(
            "the last layer must have exactly one unit (the probability of class 1)."
        )
    return num_layers


def _check_inputs(params, X) -> tuple[int, np.ndarray]:
    num_layers = _check_parameters(params)
    X = as_float_array(X, "X", ndim=2)
    n_inputs = np.asarray(params["W1"]).shape[0]
    if X.shape[1] != n_inputs:
        raise ValueError(
            f"X has {X.shape[1]} columns but the network has {n_inputs} inputs; "
            "give one column per input."
        )
    return num_layers, X


# ---------------------------------------------------------------------------
# Losses and error rate
# ---------------------------------------------------------------------------


def mean_squared_error(y, y_pred) -> float:
    """Mean squared error ``mean((y_pred - y) ** 2)``.

    Parameters
    ----------
    y:
        The targets, shape ``(m,)`` or ``(m, 1)``.
    y_pred:
        The predictions, same length.

    Returns
    -------
    float
        The loss, averaged over the ``m`` examples.

    Notes
    -----
    Chapter 2, section "Measuring the error: loss functions".
    """
    y, y_pred = _check_pair(y, y_pred)
    return float(np.mean((y_pred - y) ** 2))


def binary_cross_entropy(y, y_pred) -> float:
    """Binary cross-entropy ``-mean(y log p + (1 - y) log(1 - p))``.

    Parameters
    ----------
    y:
        The labels, 0 or 1, shape ``(m,)`` or ``(m, 1)``.
    y_pred:
        The predicted probabilities of class 1, in [0, 1]. They are clipped to
        ``[1e-12, 1 - 1e-12]`` so that a confident wrong answer costs a large
        but finite amount instead of ``inf``.

    Returns
    -------
    float
        The loss in nats (natural logarithm), averaged over the examples.

    Notes
    -----
    Chapter 2, section "Measuring the error: loss functions".
    """
    y, y_pred = _check_pair(y, y_pred)
    _check_probabilities(y_pred)
    p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


#: The losses :func:`backward` knows, by name.
LOSSES: dict[str, Callable] = {
    "cross_entropy": binary_cross_entropy,
    "mse": mean_squared_error,
}


def _loss(loss: str, y, y_pred) -> float:
    """The loss without input checks (the training loop checks once)."""
    if loss == "mse":
        return float(np.mean((y_pred - y) ** 2))
    p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def error_rate(y, y_pred, threshold: float = 0.5) -> float:
    """The fraction of examples classified wrongly.

    Parameters
    ----------
    y:
        The true labels, 0 or 1.
    y_pred:
        Predicted labels or probabilities of class 1; a value counts as class 1
        when it is at least ``threshold``.
    threshold:
        The cut-off between the classes, in (0, 1).

    Returns
    -------
    float
        Between 0 (all right) and 1 (all wrong).

    Notes
    -----
    Chapter 2, section "Learning from examples".
    """
    y, y_pred = _check_pair(y, y_pred)
    threshold = require_number(threshold, "threshold")
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}.")
    if not np.all(np.isin(y, (0.0, 1.0))):
        raise ValueError("y must hold the labels 0 and 1.")
    return float(np.mean((y_pred >= threshold).astype(float) != y))


# ---------------------------------------------------------------------------
# The network
# ---------------------------------------------------------------------------


def init_parameters(layer_sizes: Sequence[int], *, seed: int = 0) -> dict:
    """Random starting weights and zero biases for a fully connected network.

    The weights of each layer are drawn uniformly from ``[-r, r]`` with
    ``r = sqrt(6 / (n_in + n_out))`` (Glorot and Bengio's scheme, the default
    of Keras' ``Dense`` layer), so that signals neither blow up nor die out.

    Parameters
    ----------
    layer_sizes:
        The number of units per layer, input first and output last, for
        example ``(2, 8, 1)``: two inputs, eight hidden units, one output.
    seed:
        Seed of the random generator, so that the same seed gives the same
        network.

    Returns
    -------
    dict
        ``{"W1": (n0, n1), "b1": (n1,), "W2": (n1, n2), "b2": (n2,), ...}``.

    Notes
    -----
    Chapter 2, section "A network is a function: the forward pass".
    """
    if isinstance(layer_sizes, str | bytes) or not isinstance(layer_sizes, Sequence):
        raise TypeError(
            "layer_sizes must be a list or tuple of unit counts, input first, such "
            f"as (2, 8, 1); got {describe(layer_sizes)}."
        )
    if len(layer_sizes) < 2:
        raise ValueError(
            "layer_sizes needs at least an input and an output size, such as (2, 1)."
        )
    sizes = [
        require_int(size, f"layer_sizes[{index}]", minimum=1)
        for index, size in enumerate(layer_sizes)
    ]
    if sizes[-1] != 1:
        raise ValueError(
            f"the output layer must have one unit (the probability of class 1), "
            f"not {sizes[-1]}."
        )
    seed = require_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (n_in, n_out) in enumerate(
        zip(sizes[:-1], sizes[1:], strict=True), start=1
    ):
        limit = np.sqrt(6.0 / (n_in + n_out))
        params[f"W{layer}"] = rng.uniform(-limit, limit, size=(n_in, n_out))
        params[f"b{layer}"] = np.zeros(n_out)
    return params


def forward(params, X, *, hidden_activation: str = "tanh"):
    """The forward pass: the network's predictions and what backward needs.

    Parameters
    ----------
    params:
        The weights and biases, as made by :func:`init_parameters`.
    X:
        The inputs, one example per row, shape ``(m, n_inputs)``.
    hidden_activation:
        ``"tanh"``, ``"sigmoid"`` or ``"relu"`` for the hidden layers.

    Returns
    -------
    y_pred : ndarray of shape (m,)
        The predicted probability of class 1 for each example.
    cache : dict
        ``A0`` (the inputs) and every layer's ``Z`` and ``A``, kept for
        :func:`backward`.

    Notes
    -----
    Chapter 2, section "A network is a function: the forward pass".
    """
    num_layers, X = _check_inputs(params, X)
    _check_choice(hidden_activation, "hidden_activation", HIDDEN_ACTIVATIONS)
    return _forward(params, X, num_layers, hidden_activation)


def _forward(params, X, num_layers: int, hidden_activation: str):
    """The forward pass without input checks (the training loop checks once)."""
    activation = _FAST_ACTIVATIONS[hidden_activation]
    cache = {"A0": X}
    A = X
    for layer in range(1, num_layers + 1):
        Z = A @ params[f"W{layer}"] + params[f"b{layer}"]
        A = _fast_sigmoid(Z) if layer == num_layers else activation(Z)
        cache[f"Z{layer}"] = Z
        cache[f"A{layer}"] = A
    return A[:, 0], cache


def predict_proba(params, X, *, hidden_activation: str = "tanh") -> np.ndarray:
    """The predicted probability of class 1 for each row of ``X``.

    A shortcut for ``forward(params, X)[0]``, handy for
    :func:`utils.plotting.plot_decision_boundary`. Chapter 2.
    """
    return forward(params, X, hidden_activation=hidden_activation)[0]


def backward(
    params,
    cache,
    y,
    *,
    loss: str = "cross_entropy",
    hidden_activation: str = "tanh",
    feedback_weights: Mapping | None = None,
) -> dict:
    """Backpropagation: the gradient of the loss with respect to every parameter.

    Starting from the output, the chain rule gives the error signal
    ``dZ`` of each layer from the one above:
    ``dW_l = A_{l-1}.T @ dZ_l``, ``db_l = sum(dZ_l)``,
    ``dZ_{l-1} = (dZ_l @ W_l.T) * f'(Z_{l-1})``.

    Parameters
    ----------
    params:
        The parameters used in the forward pass.
    cache:
        The second result of :func:`forward` on the same ``params``.
    y:
        The labels, 0 or 1, one per example.
    loss:
        ``"cross_entropy"`` (binary cross-entropy) or ``"mse"``, averaged over
        the examples.
    hidden_activation:
        The hidden activation used in the forward pass.
    feedback_weights:
        Leave as ``None`` for backpropagation. To try feedback alignment
        instead, give ``{"W2": B2, ...}``: fixed matrices, shaped like the
        weights they replace, through which the error is sent back instead of
        the transposed forward weights.

    Returns
    -------
    dict
        ``{"W1": dL/dW1, "b1": dL/db1, ...}``, each shaped like its parameter.

    Notes
    -----
    Chapter 2, section "Backpropagation: the chain rule, layer by layer".
    """
    num_layers = _check_parameters(params)
    _check_choice(loss, "loss", LOSSES)
    _check_choice(hidden_activation, "hidden_activation", HIDDEN_ACTIVATIONS)
    if not isinstance(cache, Mapping) or any(
        f"{kind}{layer}" not in cache
        for layer in range(num_layers + 1)
        for kind in "ZA"
        if not (kind == "Z" and layer == 0)
    ):
        raise TypeError(
            "cache must be the second result of forward(params, X) for the same "
            "params; call forward first."
        )
    y = _check_labels(y, "y")
    m = len(y)
    if cache["A0"].shape[0] != m:
        raise ValueError(
            f"the forward pass saw {cache['A0'].shape[0]} examples but y has {m} "
            "labels; give one label per example."
        )
    feedback = _check_feedback(feedback_weights, params)
    return _backward(params, cache, y, num_layers, loss, hidden_activation, feedback)


def _backward(params, cache, y, num_layers, loss, hidden_activation, feedback):
    """Backpropagation without input checks (the training loop checks once)."""
    derivative = HIDDEN_ACTIVATIONS[hidden_activation][1]
    m = len(y)
    p = cache[f"A{num_layers}"]
    target = y[:, None]
    if loss == "cross_entropy":
        # With a sigmoid output, sigma'(z) cancels the 1/(p(1-p)) of the loss.
        dZ = (p - target) / m
    else:
        dZ = 2.0 * (p - target) * p * (1.0 - p) / m

    grads = {}
    for layer in range(num_layers, 0, -1):
        grads[f"W{layer}"] = cache[f"A{layer - 1}"].T @ dZ
        grads[f"b{layer}"] = dZ.sum(axis=0)
        if layer > 1:
            back = feedback.get(f"W{layer}", params[f"W{layer}"])
            dA = dZ @ back.T
            dZ = dA * derivative(cache[f"Z{layer - 1}"], cache[f"A{layer - 1}"])
    return {name: grads[name] for name in params}


def _check_feedback(feedback_weights, params) -> dict:
    if feedback_weights is None:
        return {}
    if not isinstance(feedback_weights, Mapping):
        raise TypeError(
            "feedback_weights must be None or a dict like {'W2': B2} of fixed "
            f"matrices, but got {describe(feedback_weights)}."
        )
    checked = {}
    for name, matrix in feedback_weights.items():
        if name not in params or not name.startswith("W") or name == "W1":
            raise ValueError(
                f"feedback_weights can replace W2, W3, ... (the weights the error "
                f"flows back through), not {name!r}."
            )
        matrix = as_float_array(matrix, f"feedback_weights[{name!r}]", ndim=2)
        if matrix.shape != np.shape(params[name]):
            raise ValueError(
                f"feedback_weights[{name!r}] must have the shape of {name}, "
                f"{np.shape(params[name])}, but it has shape {matrix.shape}."
            )
        checked[name] = matrix
    return checked


# ---------------------------------------------------------------------------
# Checking gradients
# ---------------------------------------------------------------------------


def numerical_gradient(loss_function: Callable, params, *, eps: float = 1e-6) -> dict:
    """Estimate the gradient by central finite differences, one parameter at a time.

    For each number ``w`` in ``params`` it evaluates
    ``(L(w + eps) - L(w - eps)) / (2 * eps)``, so it costs two evaluations of
    the loss per parameter: slow, but simple enough to trust.

    Parameters
    ----------
    loss_function:
        A function of ``params`` that returns the loss, one number.
    params:
        A dict of NumPy arrays. It is left unchanged.
    eps:
        The step, small but not so small that rounding errors dominate.

    Returns
    -------
    dict
        The estimated gradient, shaped like ``params``.

    Notes
    -----
    Chapter 2, section "Checking the gradients".
    """
    if not callable(loss_function):
        raise TypeError(
            "loss_function must be a function of params that returns the loss."
        )
    if not isinstance(params, Mapping) or not params:
        raise TypeError(f"params must be a non-empty dict, got {describe(params)}.")
    eps = require_number(eps, "eps")
    if not 0 < eps < 1:
        raise ValueError(
            f"eps must be a small positive number such as 1e-6, got {eps}."
        )
    shifted = {
        name: as_float_array(value, f"params[{name!r}]").copy()
        for name, value in params.items()
    }
    grads = {}
    for name, array in shifted.items():
        grad = np.zeros_like(array)
        flat, flat_grad = array.reshape(-1), grad.reshape(-1)
        for index in range(flat.size):
            original = flat[index]
            flat[index] = original + eps
            loss_plus = float(loss_function(shifted))
            flat[index] = original - eps
            loss_minus = float(loss_function(shifted))
            flat[index] = original
            flat_grad[index] = (loss_plus - loss_minus) / (2.0 * eps)
        grads[name] = grad
    return grads


def relative_error(a, b) -> float:
    """``|a - b| / (|a| + |b|)`` with Euclidean norms; 0 when both are zero.

    Below about 1e-7 two gradients agree to rounding error; above 1e-3 one of
    them is almost certainly wrong. Chapter 2, section "Checking the gradients".
    """
    a = as_float_array(a, "a")
    b = as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(
            f"a and b must have the same shape to be compared, got {a.shape} and "
            f"{b.shape}."
        )
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def compare_gradients(grads: Mapping, reference: Mapping) -> dict[str, float]:
    """The :func:`relative_error` of each gradient against a reference.

    Parameters
    ----------
    grads, reference:
        Two dicts with the same keys, for example from :func:`backward` and
        :func:`numerical_gradient`; values may be NumPy arrays or tensors.

    Returns
    -------
    dict
        Parameter name -> relative error.

    Notes
    -----
    Chapter 2, section "Checking the gradients".
    """
    if not isinstance(grads, Mapping) or not isinstance(reference, Mapping):
        raise TypeError("grads and reference must both be dicts of arrays.")
    if set(grads) != set(reference):
        raise ValueError(
            f"grads has the keys {sorted(grads)} but reference has "
            f"{sorted(reference)}; compare gradients of the same parameters."
        )
    return {
        name: relative_error(np.asarray(grads[name]), np.asarray(reference[name]))
        for name in reference
    }


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------


def train_network(
    X,
    y,
    *,
    hidden_units: Sequence[int] = (8,),
    learning_rate: float = 0.5,
    num_epochs: int = 1000,
    loss: str = "cross_entropy",
    hidden_activation: str = "tanh",
    seed: int = 0,
    params=None,
    record_at: Iterable[int] = (),
    feedback_weights: Mapping | None = None,
):
    """Train the network by full-batch gradient descent.

    Each epoch runs :func:`forward` on all of ``X``, :func:`backward`, and the
    update ``W <- W - learning_rate * dL/dW`` for every parameter.

    Parameters
    ----------
    X, y:
        The training inputs, shape ``(m, n_inputs)``, and their 0/1 labels.
    hidden_units:
        Units per hidden layer, for example ``(8,)``; ignored if ``params`` is
        given.
    learning_rate:
        The step size, a positive number.
    num_epochs:
        How many passes (here, how many gradient steps) to take.
    loss, hidden_activation:
        As in :func:`backward`.
    seed:
        Seed for :func:`init_parameters`.
    params:
        Starting parameters (they are copied, not changed); by default a new
        network from :func:`init_parameters`.
    record_at:
        Epoch counts after which to keep a copy of the parameters (0 is the
        start), for drawing the network as it learns.
    feedback_weights:
        Passed to :func:`backward` (feedback alignment); ``None`` for
        backpropagation.

    Returns
    -------
    params : dict
        The trained parameters.
    history : dict
        ``"loss"``: the loss at the start of each epoch (before its update),
        the same convention as Keras' ``history.history["loss"]``;
        ``"snapshots"``: epoch -> parameters, for the epochs in ``record_at``.
        Training stops early if the loss stops being a finite number.

    Notes
    -----
    Chapter 2, sections "Training: XOR" and "Two moons".
    """
    X = as_float_array(X, "X", ndim=2)
    y = _check_labels(y, "y")
    if len(X) != len(y):
        raise ValueError(
            f"X has {len(X)} rows but y has {len(y)} labels; give one label per row."
        )
    if not np.all(np.isin(y, (0.0, 1.0))):
        raise ValueError("y must hold the labels 0 and 1.")
    learning_rate = require_number(learning_rate, "learning_rate")
    if learning_rate <= 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate}.")
    num_epochs = require_int(num_epochs, "num_epochs", minimum=1)
    record_at = {
        require_int(epoch, "each epoch in record_at", minimum=0, maximum=num_epochs)
        for epoch in record_at
    }
    if params is None:
        if isinstance(hidden_units, int) or not isinstance(hidden_units, Sequence):
            raise TypeError(
                "hidden_units must be a list or tuple such as (8,), one number per "
                f"hidden layer; got {describe(hidden_units)}."
            )
        params = init_parameters((X.shape[1], *hidden_units, 1), seed=seed)
    else:
        _check_inputs(params, X)
        params = {name: np.array(value, dtype=float) for name, value in params.items()}
    num_layers = _check_parameters(params)
    _check_choice(loss, "loss", LOSSES)
    _check_choice(hidden_activation, "hidden_activation", HIDDEN_ACTIVATIONS)
    feedback = _check_feedback(feedback_weights, params)

    history = {"loss": [], "snapshots": {}}
    for epoch in range(num_epochs + 1):
        if epoch in record_at:
            history["snapshots"][epoch] = {k: v.copy() for k, v in params.items()}
        if epoch == num_epochs:
            break
        y_pred, cache = _forward(params, X, num_layers, hidden_activation)
        value = _loss(loss, y, y_pred)
        history["loss"].append(value)
        if not np.isfinite(value):
            break
        grads = _backward(
            params, cache, y, num_layers, loss, hidden_activation, feedback
        )
        for name in params:
            params[name] = params[name] - learning_rate * grads[name]
    return params, history
