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
    not_a_function,
    not_attempted,
    not_yet,
    one_number,
    returned_array,
    whole_number,
)

#: The labels and predictions of the exercise "Losses by hand" (tuples, so that
#: no code can change the check's reference).
LOSS_EXERCISE = {"y": (1.0, 0.0, 1.0, 0.0), "y_pred": (0.8, 0.3, 0.6, 0.1)}

#: Hand-rounded answers (0.299 for 0.29899) pass; 0.300 is not read as 0.299.
_LOSS_TOLERANCE = {"atol": 5e-4, "rtol": 0.0}


# --- Losses by hand ---


def _diagnose(answer: float, candidates) -> tuple[str, str] | None:
    """The (problem, hint) of the one candidate value ``answer`` matches; None
    if it matches none, or more than one (then the check cannot tell which)."""
    tol = _LOSS_TOLERANCE
    matches = [(p, h) for v, p, h in candidates if close_enough(answer, v, **tol)]
    return matches[0] if len(matches) == 1 else None


@exercise_check
def check_losses_by_hand(mse, cross_entropy) -> Feedback:
    """Exercise "Losses by hand": the MSE and cross-entropy of four predictions."""
    each = "each loss is one number, the average over the four examples."
    mse = one_number(mse, "mse", each)
    if isinstance(mse, Feedback):
        return mse
    cross_entropy = one_number(cross_entropy, "cross_entropy", each)
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
            (squared.sum(), "is the sum of the squared errors", "divide by 4."),
            (np.abs(p - y).mean(), "is the mean of the errors without squaring", ""),
            (np.sqrt(squared.mean()), "is the root of the mean squared error", ""),
            (right_ce, "is the cross-entropy of these predictions", ""),
        ]
        problem, hint = _diagnose(mse, mse_mistakes) or (
            "is not the mean squared error of these predictions",
            "for each example take (y_pred - y) ** 2, then average the four numbers.",
        )
        return not_yet(f"your mse, {mse:.4g}, {problem}.", hint)

    log10 = -(y * np.log10(p) + (1 - y) * np.log10(1 - p))
    ce_mistakes = [
        (-right_ce, "has the wrong sign", "put a minus sign in front."),
        (per_example.sum(), "is the sum over the examples", "divide by 4."),
        (log10.mean(), "uses logarithms to base 10", "use the natural log, np.log."),
        (
            -(y * np.log(p)).mean(),
            "leaves out the examples whose label is 0",
            "for a label 0 the loss is -log(1 - y_pred).",
        ),
        (right_mse, "is the mean squared error of these predictions", ""),
    ]
    problem, hint = _diagnose(cross_entropy, ce_mistakes) or (
        "is not the binary cross-entropy of these predictions",
        "for each example take -log(y_pred) if the label is 1 and "
        "-log(1 - y_pred) if it is 0, then average.",
    )
    return not_yet(
        f"your mse is right, but your cross_entropy ({cross_entropy:.4g}) {problem}.",
        hint,
    )


# --- The derivative of the sigmoid ---


@exercise_check
def check_sigmoid_derivative(function) -> Feedback:
    """Exercise "The derivative of the sigmoid": compare with the closed form."""
    z = np.array([-6.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 6.0])
    if (hidden := hidden_inputs()) is not None:  # a graded run's unseen inputs
        z = np.concatenate([z, hidden.uniform(-8.0, 8.0, size=9)])
    values = returned_array(
        function,
        z.copy(),
        name="sigmoid_derivative",
        shape=z.shape,
        case=f"{z.size} inputs",
        hint="use NumPy operations (np.exp), which work element by element.",
    )
    if isinstance(values, Feedback):
        return values
    s = 1.0 / (1.0 + np.exp(-z))
    expected = s * (1.0 - s)
    if close_enough(values, expected, atol=1e-6):
        return correct(
            "sigma'(z) = sigma(z) (1 - sigma(z)). It is at most 0.25, at z = 0, and "
            f"{expected[8]:.4f} at z = 6: a saturated sigmoid passes almost no "
            "gradient back."
        )
    chain = "apply the chain rule to (1 + exp(-z)) ** -1, then write it with sigma(z)."
    sign = (
        f"check the sign in your second factor: yours gives {values[4]:.3g} at z = 0."
    )
    mistakes = [
        (s, "your function returns the sigmoid itself, not its derivative.", chain),
        (1.0 - s**2, "1 - sigma(z)**2 is the derivative of tanh, not sigma.", chain),
        (s * (1.0 + s), sign, "the slope at z = 0 is 0.25."),
        (np.exp(-z), "exp(-z) is only the derivative of the inner part.", chain),
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


# --- Backpropagation for the squared error ---

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
    if (problem := not_a_function(function, "backward_mse")) is not None:
        return problem
    params, X, y = _gradient_problem()
    given = {name: value.copy() for name, value in params.items()}
    with np.errstate(all="ignore"):
        grads = function(given, X.copy(), y.copy())
    if not isinstance(grads, dict):
        what = "None" if grads is None else f"a {type(grads).__name__}"
        return not_yet(
            f"your function returned {what}, not a dict of gradients.",
            'return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}.',
        )
    if set(grads) != set(params):
        return not_yet(f"the dict should have the keys {sorted(params)}.")
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
        (0.5, "exactly half the right size", "d/dp (p - y)**2 = 2 (p - y)."),
        (len(y), "too large by the number of examples", "divide delta2 by m = len(y)."),
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


# --- Choosing a learning rate ---

#: The exercise "Pick a learning rate": train this long, reach this loss.
LEARNING_RATE_EPOCHS = 200
LEARNING_RATE_TARGET = 0.15
#: A loss that goes up by more than this between two epochs has risen; smaller
#: changes are rounding.
_RISE = 1e-9


def _seed_zero_start(sizes) -> dict[str, np.ndarray]:
    """The chapter's ``init_parameters(sizes, seed=0)``: weights uniform in
    +-sqrt(6 / (n_in + n_out)), biases zero."""
    rng, params = np.random.default_rng(0), {}
    for layer, (n_in, n_out) in enumerate(
        zip(sizes[:-1], sizes[1:], strict=True), start=1
    ):
        limit = np.sqrt(6.0 / (n_in + n_out))
        params[f"W{layer}"] = rng.uniform(-limit, limit, size=(n_in, n_out))
        params[f"b{layer}"] = np.zeros(n_out)
    return params


def _learning_rate_problem():
    """The chapter's two-moons training set and starting weights, made afresh."""
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split

    X, y = make_moons(n_samples=300, noise=0.25, random_state=0)
    X_train, _, y_train, _ = train_test_split(
        X, y, test_size=100, random_state=0, stratify=y
    )
    return X_train, y_train.astype(float), _seed_zero_start((2, 8, 1))


_TRAINING_LOOP = None


def _train(X, y, params, learning_rate: float, epochs: int):
    """Full-batch gradient descent on the mean cross-entropy of the tanh-sigmoid
    network, by ``tf.GradientTape`` in 64-bit floats (a ``tf.function`` traced
    once a session): the loss before each step, and the trained parameters."""
    global _TRAINING_LOOP
    import tensorflow as tf

    if _TRAINING_LOOP is None:

        @tf.function(reduce_retracing=True)
        def loop(X, y, W1, b1, W2, b2, learning_rate, epochs):
            losses = tf.TensorArray(tf.float64, size=epochs)
            for epoch in tf.range(epochs):
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
            return losses.stack(), W1, b1, W2, b2

        _TRAINING_LOOP = loop
    tensors = [tf.constant(params[name], tf.float64) for name in _PARAMETER_NAMES]
    rate = tf.constant(float(learning_rate), tf.float64)
    losses, *weights = _TRAINING_LOOP(
        tf.constant(X), tf.constant(y), *tensors, rate, tf.constant(epochs)
    )
    return losses.numpy(), {
        name: w.numpy() for name, w in zip(_PARAMETER_NAMES, weights, strict=True)
    }


def learning_rate_losses(learning_rate: float) -> np.ndarray:
    """The training loss before each of the exercise's 200 full-batch steps.

    Trained here with ``tf.GradientTape`` in 64-bit floats, not with the
    chapter's code. Once the loss stops being a finite number, the curve ends.
    """
    X_train, y_train, params = _learning_rate_problem()
    losses = _train(X_train, y_train, params, learning_rate, LEARNING_RATE_EPOCHS)[0]
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
    if passed:
        return correct(
            f"With learning_rate = {rate:g} the loss fell at every epoch, from "
            f"{losses[0]:.3f} to {losses[-1]:.3f} in {LEARNING_RATE_EPOCHS} epochs."
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


# --- How many examples does the detector need? ---

#: The chapter's "is it a 3?" training: full-batch steps from the seed-0 start.
THREE_LEARNING_RATE, THREE_EPOCHS = 2.0, 200


def _three_problem():
    """The chapter's "is it a 3?" training and test sets, made afresh."""
    from sklearn.model_selection import train_test_split

    from utils.data import load_digit_images

    images, digits = load_digit_images()
    X, y = images.reshape(len(images), 64).astype(float), (digits == 3) * 1.0
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


def _three_scores(params, X, y) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, recall_score

    hidden = np.tanh(X @ params["W1"] + params["b1"])
    is_three = (hidden @ params["W2"] + params["b2"])[:, 0] >= 0  # p >= 0.5
    return {
        "balanced": balanced_accuracy_score(y, is_three),
        "accuracy": accuracy_score(y, is_three),
        "recall": recall_score(y, is_three, zero_division=0.0),
    }


@exercise_check
def check_three_examples(n_train, params, balanced_accuracy) -> Feedback:
    """Exercise "How many examples does the detector need?": the check trains the
    same network itself and measures the learner's parameters on the test set."""
    X_train, X_test, y_train, y_test = _three_problem()
    n = whole_number(n_train)
    if n is None or not 10 <= n < len(y_train):
        return not_yet(
            f"n_train should be a whole number from 10 to {len(y_train) - 1}."
        )
    if not isinstance(params, dict) or set(params) != set(_PARAMETER_NAMES):
        return not_yet(
            "few_params should be the dict of W1, b1, W2 and b2 that train returns.",
            "train returns the parameters and the losses: few_params, _ = train(...).",
        )
    given = {name: as_array(params[name]) for name in _PARAMETER_NAMES}
    width = None if given["W1"] is None else given["W1"].shape[-1]
    shapes = {"W1": (64, width), "b1": (width,), "W2": (width, 1), "b2": (1,)}
    if any(given[name] is None or given[name].shape != shapes[name] for name in shapes):
        return not_yet("few_params is not a network with 64 inputs and one output.")
    number = as_number(balanced_accuracy)
    if number is None:
        return not_yet("few_balanced_accuracy should be one number.")

    start = _seed_zero_start((64, width, 1))
    rate, epochs = THREE_LEARNING_RATE, THREE_EPOCHS
    expected = _train(X_train[:n], y_train[:n], start, rate, epochs)[1]
    if not all(close_enough(given[k], expected[k], rtol=1e-5) for k in given):
        if all(close_enough(given[k], start[k]) for k in given):
            return not_yet("few_params are the untrained starting weights.")
        return not_yet(
            f"few_params are not what {epochs} steps with learning rate {rate:g} "
            f"give from init_parameters((64, {width}, 1), seed=0) on the first {n} "
            "training images.",
            "train on X3_train[:n_train] and y3_train[:n_train] with the chapter's "
            "learning_rate and num_epochs.",
        )
    test = _three_scores(given, X_test, y_test)
    own = _three_scores(given, X_train[:n], y_train[:n])
    if not close_enough(number, test["balanced"], **_LOSS_TOLERANCE):
        use = "use balanced_accuracy_score."
        mistakes = [
            (
                own["balanced"],
                "is measured on the training images",
                "measure on X3_test.",
            ),
            (test["accuracy"], "is the accuracy", use),
            (test["recall"], "is the recall of the 3s", use),
            (100 * test["balanced"], "is a percentage", "give it as a fraction."),
        ]
        problem, hint = _diagnose(number, mistakes) or (
            "is not what few_params score on the test set",
            "",
        )
        return not_yet(f"your balanced accuracy, {number:.4g}, {problem}.", hint)
    return correct(
        f"Trained on {n} images ({int(y_train[:n].sum())} of them 3s), the network "
        f"scores a test balanced accuracy of {test['balanced']:.3f} and finds "
        f"{test['recall']:.0%} of the test 3s. On its own training images its "
        f"accuracy is {own['accuracy']:.3f}."
    )
