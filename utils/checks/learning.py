"""Exercise checks for chapter 2, "How an artificial neural network learns".

The checks do not reuse the chapter's network: where a check needs a true
gradient or a training run, it computes it here with ``tf.GradientTape`` (or a
closed form), so that a check is never a copy of the lesson it checks.
"""

from __future__ import annotations

import numpy as np

from utils.checks import (
    Feedback,
    as_array,
    as_number,
    close_enough,
    correct,
    exercise_check,
    hidden_inputs,
    is_placeholder,
    not_attempted,
    not_yet,
)

__all__ = [
    "LEARNING_RATE_EPOCHS",
    "LEARNING_RATE_TARGET",
    "LOSS_EXERCISE",
    "check_backward_mse",
    "check_learning_rate",
    "check_losses_by_hand",
    "check_sigmoid_derivative",
    "learning_rate_losses",
    "learning_rate_verdict",
]

#: The labels and predictions of the exercise "Losses by hand" (tuples, so that
#: no code can change the check's reference).
LOSS_EXERCISE = {
    "y": (1.0, 0.0, 1.0, 0.0),
    "y_pred": (0.8, 0.3, 0.6, 0.1),
}

#: Hand-rounded answers (0.299 for 0.29899) pass; 0.300 is not read as 0.299.
_LOSS_TOLERANCE = {"atol": 5e-4, "rtol": 0.0}


def _read_loss(value, name: str) -> float | Feedback:
    number = as_number(value)
    if number is not None and np.isfinite(number):
        return number
    if isinstance(value, str):
        return not_yet(
            f"{name} is the text {value!r}; write the number without quotes."
        )
    array = as_array(value)
    if array is not None and array.size > 1:
        return not_yet(
            f"{name} should be one number (the average over the four examples), "
            f"but it has {array.size} values.",
            "average the per-example losses with np.mean or by dividing by 4.",
        )
    return not_yet(f"{name} should be one finite number, not {value!r}.")


# ---------------------------------------------------------------------------
# Losses by hand
# ---------------------------------------------------------------------------


def _diagnose(answer: float, candidates) -> tuple[str, str] | None:
    """The (problem, hint) of the one candidate value ``answer`` matches; None
    if it matches none, or more than one (then the check cannot tell which)."""
    matches = [
        (problem, hint)
        for value, problem, hint in candidates
        if close_enough(answer, value, **_LOSS_TOLERANCE)
    ]
    return matches[0] if len(matches) == 1 else None


@exercise_check
def check_losses_by_hand(mse, cross_entropy) -> Feedback:
    """Exercise "Losses by hand": the MSE and cross-entropy of four predictions."""
    mse = _read_loss(mse, "mse")
    if isinstance(mse, Feedback):
        return mse
    cross_entropy = _read_loss(cross_entropy, "cross_entropy")
    if isinstance(cross_entropy, Feedback):
        return cross_entropy

    y, p = np.array(LOSS_EXERCISE["y"]), np.array(LOSS_EXERCISE["y_pred"])
    squared = (p - y) ** 2
    per_example = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    right_mse, right_ce = squared.mean(), per_example.mean()
    mse_ok = close_enough(mse, right_mse, **_LOSS_TOLERANCE)
    ce_ok = close_enough(cross_entropy, right_ce, **_LOSS_TOLERANCE)
    if mse_ok and ce_ok:
        return correct(
            f"MSE = {right_mse:.4f} and cross-entropy = {right_ce:.4f} nats. The "
            f"worst prediction, 0.6 for a 1, costs the most: {per_example[2]:.3f} "
            f"of the {per_example.sum():.3f} total."
        )
    if close_enough(mse, right_ce, **_LOSS_TOLERANCE) and close_enough(
        cross_entropy, right_mse, **_LOSS_TOLERANCE
    ):
        return not_yet(
            f"your mse ({mse:.4g}) is the cross-entropy and your cross_entropy "
            f"({cross_entropy:.4g}) is the mean squared error.",
            "give them in the order check_losses_by_hand(mse, cross_entropy).",
        )

    if not mse_ok:
        mse_mistakes = [
            (
                squared.sum(),
                "is the sum of the squared errors",
                "the *mean* squared error divides the sum by the number of examples.",
            ),
            (
                np.abs(p - y).mean(),
                "is the mean of the errors without squaring",
                "square each difference (y_pred - y) before averaging.",
            ),
            (
                np.sqrt(squared.mean()),
                "is the root of the mean squared error",
                "leave out the square root.",
            ),
        ]
        mse_mistakes.append(
            (
                right_ce,
                "is the cross-entropy of these predictions",
                "the mean squared error averages (y_pred - y) ** 2.",
            )
        )
        found = _diagnose(mse, mse_mistakes)
        problem, hint = found or (
            "is not the mean squared error of these predictions",
            "for each example take (y_pred - y) ** 2, then average the four numbers.",
        )
        return not_yet(f"your mse, {mse:.4g}, {problem}.", hint)

    log10 = -(y * np.log10(p) + (1 - y) * np.log10(1 - p))
    ce_mistakes = [
        (-right_ce, "has the wrong sign", "put a minus sign in front."),
        (
            per_example.sum(),
            "is the sum over the examples",
            "divide by the number of examples to get the mean.",
        ),
        (
            log10.mean(),
            "uses logarithms to base 10",
            "use the natural logarithm, np.log (ln on a calculator).",
        ),
        (
            -(y * np.log(p)).mean(),
            "leaves out the examples whose label is 0",
            "for a label 0 the loss is -log(1 - y_pred): 0.3 predicted for a 0 "
            "costs -log(0.7).",
        ),
        (
            right_mse,
            "is the mean squared error of these predictions",
            "the cross-entropy averages -log of the probability given to the "
            "right class.",
        ),
    ]
    found = _diagnose(cross_entropy, ce_mistakes)
    problem, hint = found or (
        "is not the binary cross-entropy of these predictions",
        "for each example take -log(y_pred) if the label is 1 and "
        "-log(1 - y_pred) if it is 0, then average.",
    )
    return not_yet(
        f"your mse is right, but your cross_entropy ({cross_entropy:.4g}) {problem}.",
        hint,
    )


# ---------------------------------------------------------------------------
# The derivative of the sigmoid
# ---------------------------------------------------------------------------


@exercise_check
def check_sigmoid_derivative(function) -> Feedback:
    """Exercise "The derivative of the sigmoid": compare with the closed form."""
    if not callable(function):
        return not_yet(
            "pass your function itself (sigmoid_derivative), not "
            f"{type(function).__name__}.",
        )
    z = np.array([-6.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 6.0])
    if (hidden := hidden_inputs()) is not None:  # a graded run's unseen inputs
        z = np.concatenate([z, hidden.uniform(-8.0, 8.0, size=9)])
    with np.errstate(all="ignore"):
        answer = function(z.copy())
    if is_placeholder(answer):
        return not_attempted("the exercise 'sigmoid derivative'")
    if answer is None:
        return not_yet(
            "your function returned None.", "end it with `return` and the formula."
        )
    values = as_array(answer)
    if values is None or values.shape != z.shape:
        shape = None if values is None else values.shape
        return not_yet(
            f"for {z.size} inputs your function returned {type(answer).__name__} "
            f"of shape {shape}, not {z.size} numbers.",
            "use NumPy operations (np.exp), which work element by element.",
        )
    s = 1.0 / (1.0 + np.exp(-z))
    expected = s * (1.0 - s)
    if close_enough(values, expected, atol=1e-6):
        return correct(
            "sigma'(z) = sigma(z) (1 - sigma(z)). It is at most 0.25, at z = 0, and "
            f"{expected[8]:.4f} at z = 6: a saturated sigmoid passes almost no "
            "gradient back."
        )
    mistakes = [
        (
            s,
            "your function returns the sigmoid itself, not its derivative.",
            "differentiate 1 / (1 + exp(-z)) with the chain rule, then write the "
            "result in terms of sigma(z).",
        ),
        (
            1.0 - s**2,
            "1 - sigma(z)**2 has the form of the derivative of tanh, not of the "
            "sigmoid.",
            "the sigmoid's derivative is a product of sigma(z) and another factor.",
        ),
        (
            s * (1.0 + s),
            "check the sign in your second factor: at z = 0 the slope is 0.25, "
            f"but yours gives {values[4]:.3g}.",
            "",
        ),
        (
            np.exp(-z),
            "exp(-z) is only the derivative of the inner part 1 + exp(-z), up to sign.",
            "apply the chain rule to (1 + exp(-z)) ** -1 as a whole.",
        ),
    ]
    for wrong, problem, hint in mistakes:
        if close_enough(values, wrong):
            return not_yet(problem, hint)
    worst = int(np.argmax(np.abs(values - expected)))
    return not_yet(
        f"at z = {z[worst]:g} your derivative is {values[worst]:.4g}, but the slope "
        f"of the sigmoid there is {expected[worst]:.4g}.",
        "differentiate 1 / (1 + exp(-z)) with the chain rule; you can check any "
        "point with (sigmoid(z + 1e-5) - sigmoid(z - 1e-5)) / 2e-5.",
    )


# ---------------------------------------------------------------------------
# Backpropagation for the squared error
# ---------------------------------------------------------------------------

_PARAMETER_NAMES = ("W1", "b1", "W2", "b2")


def _gradient_problem():
    """A small network (2 inputs, 3 tanh units, 1 sigmoid) and batch: fixed,
    or drawn from the hidden inputs of a graded run."""
    rng = hidden_inputs() or np.random.default_rng(2)
    params = {
        "W1": rng.normal(0, 0.8, size=(2, 3)),
        "b1": rng.normal(0, 0.5, size=3),
        "W2": rng.normal(0, 0.8, size=(3, 1)),
        "b2": rng.normal(0, 0.5, size=1),
    }
    X = rng.normal(size=(6, 2))
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    return params, X, y


def _tape_gradients(params, X, y, loss: str) -> dict[str, np.ndarray]:
    """The gradient of the mean ``"mse"`` or ``"cross_entropy"`` of the tanh-sigmoid
    network, by TensorFlow's automatic differentiation in 64-bit floats."""
    import tensorflow as tf

    variables = {name: tf.Variable(params[name]) for name in _PARAMETER_NAMES}
    with tf.GradientTape() as tape:
        hidden = tf.tanh(X @ variables["W1"] + variables["b1"])
        logits = (hidden @ variables["W2"] + variables["b2"])[:, 0]
        if loss == "mse":
            value = tf.reduce_mean((tf.sigmoid(logits) - y) ** 2)
        else:
            value = tf.reduce_mean(
                tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits)
            )
    gradients = tape.gradient(value, variables)
    return {name: gradients[name].numpy() for name in _PARAMETER_NAMES}


def _relative_error(a, b) -> float:
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


@exercise_check
def check_backward_mse(function) -> Feedback:
    """Exercise "Backpropagation for the squared error": compare with GradientTape."""
    if not callable(function):
        return not_yet(
            f"pass your function itself (backward_mse), not {type(function).__name__}."
        )
    params, X, y = _gradient_problem()
    given = {name: value.copy() for name, value in params.items()}
    with np.errstate(all="ignore"):
        grads = function(given, X.copy(), y.copy())
    if grads is None:
        return not_yet(
            "your function returned None.",
            'end it with return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}.',
        )
    if not isinstance(grads, dict):
        return not_yet(
            f"your function should return a dict of gradients, not "
            f"{type(grads).__name__}.",
            'return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}.',
        )
    if set(grads) != set(params):
        return not_yet(
            f"the dict should have the keys {sorted(params)}, but it has "
            f"{sorted(grads)}."
        )
    missing = [name for name in params if is_placeholder(grads[name])]
    if len(missing) == len(params):
        return not_attempted("the exercise 'backward mse'")
    if missing:
        return not_yet(
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} still ...",
            "compute every gradient before returning.",
        )
    answer = {name: as_array(grads[name]) for name in params}
    wrong_shapes = [
        f"{name} has shape {np.shape(grads[name])} instead of {params[name].shape}"
        for name in params
        if answer[name] is None or answer[name].shape != params[name].shape
    ]
    if wrong_shapes:
        return not_yet(
            "; ".join(wrong_shapes) + ".",
            "each gradient is an array with the shape of its parameter; sum db over "
            "the examples (axis=0).",
        )

    expected = _tape_gradients(params, X, y, "mse")
    errors = {n: _relative_error(answer[n], expected[n]) for n in params}
    if max(errors.values()) < 1e-6:
        return correct(
            "Your gradients agree with tf.GradientTape (largest relative error "
            f"{max(errors.values()):.0e}). Only the output's error signal changed: "
            "delta2 = 2 (p - y) p (1 - p) / m."
        )

    def all_close_to(reference) -> bool:
        return all(_relative_error(answer[n], reference[n]) < 1e-6 for n in params)

    if all_close_to(_tape_gradients(params, X, y, "cross_entropy")):
        return not_yet(
            "these are the gradients of the cross-entropy, not of the squared error.",
            "with the squared error the output's sigmoid derivative p (1 - p) does "
            "not cancel: delta2 = 2 (p - y) p (1 - p) / m.",
        )
    scaled = (
        (
            0.5,
            "exactly half the right size",
            "the derivative of (p - y)**2 is 2 (p - y).",
        ),
        (
            float(len(y)),
            "too large by the number of examples",
            "the loss is a mean, so divide delta2 by m = len(y).",
        ),
    )
    for factor, problem, hint in scaled:
        if all_close_to({n: factor * expected[n] for n in params}):
            return not_yet(f"your gradients are {problem}.", hint)
    wrong = [name for name in params if errors[name] >= 1e-6]
    if set(wrong) <= {"W1", "b1"}:
        return not_yet(
            f"dW2 and db2 are right but {' and '.join(wrong)} "
            f"{'is' if len(wrong) == 1 else 'are'} not (relative error "
            f"{max(errors[n] for n in wrong):.2g}).",
            "going back through the hidden layer, multiply delta2 @ W2.T by the "
            "derivative of tanh, 1 - A1**2.",
        )
    return not_yet(
        "your gradients differ from tf.GradientTape's for "
        + ", ".join(f"{n} (relative error {errors[n]:.2g})" for n in wrong)
        + ".",
        "start from the chapter's backward pass; only the line that computes "
        "delta2 needs to change.",
    )


# ---------------------------------------------------------------------------
# Choosing a learning rate
# ---------------------------------------------------------------------------

#: The exercise "Pick a learning rate": train this long, reach this loss.
LEARNING_RATE_EPOCHS = 200
LEARNING_RATE_TARGET = 0.15
#: A loss that goes up by more than this between two epochs has risen; smaller
#: changes are rounding.
_RISE = 1e-9


def _learning_rate_problem():
    """The chapter's two-moons training set and starting weights, made afresh.

    The weights are drawn as the chapter's ``init_parameters((2, 8, 1), seed=0)``
    draws them: uniform in +-sqrt(6 / (n_in + n_out)), biases zero.
    """
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split

    X, y = make_moons(n_samples=300, noise=0.25, random_state=0)
    X_train, _, y_train, _ = train_test_split(
        X, y, test_size=100, random_state=0, stratify=y
    )
    rng = np.random.default_rng(0)
    params = {}
    for layer, (n_in, n_out) in enumerate(((2, 8), (8, 1)), start=1):
        limit = np.sqrt(6.0 / (n_in + n_out))
        params[f"W{layer}"] = rng.uniform(-limit, limit, size=(n_in, n_out))
        params[f"b{layer}"] = np.zeros(n_out)
    return X_train, y_train.astype(float), params


_TRAINING_LOOP = None


def _training_loop():
    """A ``tf.function`` that runs the exercise's full-batch gradient descent,
    traced once per session, and returns the loss before each step."""
    global _TRAINING_LOOP
    if _TRAINING_LOOP is None:
        import tensorflow as tf

        @tf.function
        def loop(X, y, W1, b1, W2, b2, learning_rate):
            losses = tf.TensorArray(tf.float64, size=LEARNING_RATE_EPOCHS)
            for epoch in tf.range(LEARNING_RATE_EPOCHS):
                with tf.GradientTape() as tape:
                    tape.watch([W1, b1, W2, b2])
                    logits = (tf.tanh(X @ W1 + b1) @ W2 + b2)[:, 0]
                    loss = tf.reduce_mean(
                        tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits)
                    )
                dW1, db1, dW2, db2 = tape.gradient(loss, [W1, b1, W2, b2])
                losses = losses.write(epoch, loss)
                W1 = W1 - learning_rate * dW1
                b1 = b1 - learning_rate * db1
                W2 = W2 - learning_rate * dW2
                b2 = b2 - learning_rate * db2
            return losses.stack()

        _TRAINING_LOOP = loop
    return _TRAINING_LOOP


def learning_rate_losses(learning_rate: float) -> np.ndarray:
    """The training loss before each of the exercise's 200 full-batch steps.

    Trained here with ``tf.GradientTape`` in 64-bit floats, not with the
    chapter's code. Once the loss stops being a finite number, the curve ends.
    """
    import tensorflow as tf

    X_train, y_train, params = _learning_rate_problem()
    tensors = [tf.constant(params[name]) for name in _PARAMETER_NAMES]
    losses = _training_loop()(
        tf.constant(X_train),
        tf.constant(y_train),
        *tensors,
        tf.constant(float(learning_rate), tf.float64),
    ).numpy()
    not_finite = np.flatnonzero(~np.isfinite(losses))
    return losses if not_finite.size == 0 else losses[: not_finite[0] + 1]


def learning_rate_verdict(losses) -> tuple[bool, str]:
    """Read a loss curve: ``(passed, diagnosis)``, the diagnosis one of
    ``"reaches the target"``, ``"too large"`` (the loss rose between two epochs,
    or stopped being finite) or ``"too small"`` (it fell at every epoch but ends
    at or above the target)."""
    losses = np.asarray(losses, dtype=float)
    if not np.all(np.isfinite(losses)) or np.any(np.diff(losses) > _RISE):
        return False, "too large"
    if len(losses) < LEARNING_RATE_EPOCHS or losses[-1] >= LEARNING_RATE_TARGET:
        return False, "too small"
    return True, "reaches the target"


@exercise_check
def check_learning_rate(learning_rate) -> Feedback:
    """Exercise "Pick a learning rate": 200 epochs must bring the loss below 0.15,
    falling at every epoch."""
    rate = as_number(learning_rate)
    if rate is None:
        return not_yet(f"learning_rate should be one number, not {learning_rate!r}.")
    if not np.isfinite(rate) or rate <= 0:
        return not_yet(
            f"learning_rate must be a positive number, got {rate}.",
            "gradient descent steps *against* the gradient with a positive step size.",
        )
    losses = learning_rate_losses(rate)
    passed, diagnosis = learning_rate_verdict(losses)
    start = losses[0]
    if passed:
        return correct(
            f"With learning_rate = {rate:g} the loss fell at every epoch, from "
            f"{start:.3f} to {losses[-1]:.3f} in {LEARNING_RATE_EPOCHS} epochs."
        )
    if diagnosis == "too large":
        if not np.all(np.isfinite(losses)):
            what = f"the loss stopped being a number at epoch {len(losses) - 1}"
        else:
            changes = np.diff(losses)
            worst = int(np.argmax(changes))
            what = (
                f"the loss went up at {int(np.sum(changes > _RISE))} of the "
                f"{len(changes)} steps, most at epoch {worst + 1}, from "
                f"{losses[worst]:.3f} to {losses[worst + 1]:.3f} (it ends at "
                f"{losses[-1]:.3f})"
            )
        return not_yet(
            f"with learning_rate = {rate:g} {what}: the steps overshoot.",
            "this learning rate is too large; try a smaller one.",
        )
    return not_yet(
        f"with learning_rate = {rate:g} the loss fell at every epoch, but only to "
        f"{losses[-1]:.3f} in {LEARNING_RATE_EPOCHS} epochs (the goal is below "
        f"{LEARNING_RATE_TARGET}).",
        "this learning rate is too small; try a larger one.",
    )
