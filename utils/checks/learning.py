"""Exercise checks for chapter 2, "How an artificial neural network learns"."""

from __future__ import annotations

import numpy as np

from utils.checks import (
    Feedback,
    close_enough,
    correct,
    exercise_check,
    is_placeholder,
    not_attempted,
    not_yet,
)
from utils.learning import (
    backward,
    forward,
    init_parameters,
    mean_squared_error,
    numerical_gradient,
    relative_error,
    train_network,
)

__all__ = [
    "LOSS_EXERCISE",
    "check_backward_mse",
    "check_learning_rate",
    "check_losses_by_hand",
    "check_sigmoid_derivative",
    "learning_rate_problem",
]

#: The labels and predictions of the exercise "Losses by hand".
LOSS_EXERCISE = {
    "y": np.array([1.0, 0.0, 1.0, 0.0]),
    "y_pred": np.array([0.8, 0.3, 0.6, 0.1]),
}


def _as_number(value, name: str) -> float | Feedback:
    if isinstance(value, bool):
        return not_yet(f"{name} should be a number, not {value}.")
    if isinstance(value, str):
        return not_yet(
            f"{name} is the text {value!r}; write the number without quotes."
        )
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return not_yet(f"{name} should be a number, but it is {type(value).__name__}.")
    if array.size != 1:
        return not_yet(
            f"{name} should be one number (the average over the four examples), "
            f"but it has {array.size} values.",
            "average the per-example losses with np.mean or by dividing by 4.",
        )
    number = float(array.reshape(()))
    if not np.isfinite(number):
        return not_yet(f"{name} is {number}; it should be a finite number.")
    return number


# ---------------------------------------------------------------------------
# Losses by hand
# ---------------------------------------------------------------------------


@exercise_check
def check_losses_by_hand(mse, cross_entropy) -> Feedback:
    """Exercise "Losses by hand": the MSE and cross-entropy of four predictions."""
    mse = _as_number(mse, "mse")
    if isinstance(mse, Feedback):
        return mse
    cross_entropy = _as_number(cross_entropy, "cross_entropy")
    if isinstance(cross_entropy, Feedback):
        return cross_entropy

    y, p = LOSS_EXERCISE["y"], LOSS_EXERCISE["y_pred"]
    squared = (p - y) ** 2
    per_example = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    tolerance = {"atol": 2e-3, "rtol": 0.0}

    mse_ok = close_enough(mse, squared.mean(), **tolerance)
    if not mse_ok:
        if close_enough(mse, squared.sum(), **tolerance):
            return not_yet(
                f"your mse, {mse:.4g}, is the sum of the squared errors.",
                "the *mean* squared error divides the sum by the number of examples.",
            )
        if close_enough(mse, np.abs(p - y).mean(), **tolerance):
            return not_yet(
                f"your mse, {mse:.4g}, is the mean of the errors without squaring.",
                "square each difference (y_pred - y) before averaging.",
            )
        if close_enough(mse, np.sqrt(squared.mean()), **tolerance):
            return not_yet(
                f"your mse, {mse:.4g}, is the root of the mean squared error.",
                "leave out the square root.",
            )
        return not_yet(
            f"your mse, {mse:.4g}, is not the mean squared error of these predictions.",
            "for each example take (y_pred - y) ** 2, then average the four numbers.",
        )

    if close_enough(cross_entropy, per_example.mean(), **tolerance):
        return correct(
            f"MSE = {squared.mean():.4f} and cross-entropy = "
            f"{per_example.mean():.4f} nats. The worst prediction, 0.6 for a 1, "
            f"costs the most: {per_example[2]:.3f} of the "
            f"{per_example.sum():.3f} total."
        )
    log10 = -(y * np.log10(p) + (1 - y) * np.log10(1 - p))
    only_positive = -(y * np.log(p))
    diagnoses = [
        (-per_example.mean(), "has the wrong sign", "put a minus sign in front."),
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
            only_positive.mean(),
            "leaves out the examples whose label is 0",
            "for a label 0 the loss is -log(1 - y_pred): 0.3 predicted for a 0 "
            "costs -log(0.7).",
        ),
    ]
    for wrong_value, problem, hint in diagnoses:
        if close_enough(cross_entropy, wrong_value, **tolerance):
            return not_yet(
                f"your mse is right, but your cross_entropy ({cross_entropy:.4g}) "
                f"{problem}.",
                hint,
            )
    return not_yet(
        f"your mse is right, but your cross_entropy ({cross_entropy:.4g}) is not "
        "the binary cross-entropy of these predictions.",
        "for each example take -log(y_pred) if the label is 1 and "
        "-log(1 - y_pred) if it is 0, then average.",
    )


# ---------------------------------------------------------------------------
# The derivative of the sigmoid
# ---------------------------------------------------------------------------


@exercise_check
def check_sigmoid_derivative(function) -> Feedback:
    """Exercise "The derivative of the sigmoid": compare with finite differences."""
    if not callable(function):
        return not_yet(
            "pass your function itself (sigmoid_derivative), not "
            f"{type(function).__name__}.",
        )
    z = np.array([-6.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 6.0])
    with np.errstate(all="ignore"):
        answer = function(z)
    if is_placeholder(answer):
        return not_attempted("the exercise 'sigmoid derivative'")
    if answer is None:
        return not_yet(
            "your function returned None.", "end it with `return` and the formula."
        )
    answer = np.asarray(answer, dtype=float)
    if answer.shape != z.shape:
        return not_yet(
            f"for 9 inputs your function returned shape {answer.shape}, not (9,).",
            "use NumPy operations (np.exp), which work element by element.",
        )
    s = 1.0 / (1.0 + np.exp(-z))
    expected = s * (1.0 - s)
    if close_enough(answer, expected, atol=1e-6):
        return correct(
            "sigma'(z) = sigma(z) (1 - sigma(z)). It is at most 0.25, at z = 0, and "
            f"{expected[-1]:.4f} at z = 6: a saturated sigmoid passes almost no "
            "gradient back."
        )
    if close_enough(answer, s):
        return not_yet(
            "your function returns the sigmoid itself, not its derivative.",
            "differentiate 1 / (1 + exp(-z)) with the chain rule, then write the "
            "result in terms of sigma(z).",
        )
    if close_enough(answer, 1.0 - s**2):
        return not_yet(
            "1 - sigma(z)**2 has the form of the derivative of tanh, not of the sigmoid.",
            "the sigmoid's derivative is a product of sigma(z) and another factor.",
        )
    if close_enough(answer, s * (1.0 + s)):
        return not_yet(
            "check the sign in your second factor: at z = 0 the slope is 0.25, "
            f"but yours gives {answer[4]:.3g}.",
        )
    if close_enough(answer, np.exp(-z)):
        return not_yet(
            "exp(-z) is only the derivative of the inner part 1 + exp(-z), up to sign.",
            "apply the chain rule to (1 + exp(-z)) ** -1 as a whole.",
        )
    worst = int(np.argmax(np.abs(answer - expected)))
    return not_yet(
        f"at z = {z[worst]:g} your derivative is {answer[worst]:.4g}, but the slope "
        f"of the sigmoid there is {expected[worst]:.4g}.",
        "differentiate 1 / (1 + exp(-z)) with the chain rule; you can check any "
        "point with (sigmoid(z + 1e-5) - sigmoid(z - 1e-5)) / 2e-5.",
    )


# ---------------------------------------------------------------------------
# Backpropagation for the squared error
# ---------------------------------------------------------------------------


def _gradient_problem():
    """A small fixed network and batch on which a learner's gradients are tested."""
    rng = np.random.default_rng(2)
    params = init_parameters((2, 3, 1), seed=7)
    params["b1"] = rng.normal(0, 0.5, size=3)
    params["b2"] = rng.normal(0, 0.5, size=1)
    X = rng.normal(size=(6, 2))
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    return params, X, y


@exercise_check
def check_backward_mse(function) -> Feedback:
    """Exercise "Backpropagation for the squared error": a gradient check."""
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
    shapes = {name: np.shape(grads[name]) for name in params}
    wrong_shapes = [
        f"{name} has shape {shapes[name]} instead of {params[name].shape}"
        for name in params
        if shapes[name] != params[name].shape
    ]
    if wrong_shapes:
        return not_yet(
            "; ".join(wrong_shapes) + ".",
            "each gradient has the shape of its parameter; sum db over the "
            "examples (axis=0).",
        )

    def loss_of(p):
        return mean_squared_error(y, forward(p, X)[0])

    expected = numerical_gradient(loss_of, params)
    errors = {name: relative_error(grads[name], expected[name]) for name in params}
    if max(errors.values()) < 1e-6:
        return correct(
            "Your gradients pass the gradient check (largest relative error "
            f"{max(errors.values()):.0e}). Only the output's error signal changed: "
            "delta2 = 2 (p - y) p (1 - p) / m."
        )

    _, cache = forward(params, X)
    cross_entropy = backward(params, cache, y, loss="cross_entropy")
    if all(relative_error(grads[n], cross_entropy[n]) < 1e-6 for n in params):
        return not_yet(
            "these are the gradients of the cross-entropy, not of the squared error.",
            "with the squared error the output's sigmoid derivative p (1 - p) does "
            "not cancel: delta2 = 2 (p - y) p (1 - p) / m.",
        )
    for factor, problem, hint in (
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
    ):
        if all(relative_error(grads[n], factor * expected[n]) < 1e-6 for n in params):
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
        "the gradient check fails for "
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


def learning_rate_problem():
    """The two-moons training set of chapter 2 (200 points, noise 0.25).

    Returns ``(X_train, y_train)``, the same split as in the chapter.
    """
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split

    X, y = make_moons(n_samples=300, noise=0.25, random_state=0)
    X_train, _, y_train, _ = train_test_split(
        X, y, test_size=100, random_state=0, stratify=y
    )
    return X_train, y_train.astype(float)


@exercise_check
def check_learning_rate(learning_rate) -> Feedback:
    """Exercise "Pick a learning rate": 200 epochs must bring the loss below 0.15.

    The loss must also never rise above its starting value on the way.
    """
    if isinstance(learning_rate, bool) or not isinstance(
        learning_rate, int | float | np.integer | np.floating
    ):
        return not_yet(
            f"learning_rate should be one number, not {type(learning_rate).__name__}."
        )
    learning_rate = float(learning_rate)
    if not np.isfinite(learning_rate) or learning_rate <= 0:
        return not_yet(
            f"learning_rate must be a positive number, got {learning_rate}.",
            "gradient descent steps *against* the gradient with a positive step size.",
        )
    X_train, y_train = learning_rate_problem()
    _, history = train_network(
        X_train,
        y_train,
        hidden_units=(8,),
        learning_rate=learning_rate,
        num_epochs=LEARNING_RATE_EPOCHS,
        seed=0,
    )
    losses = np.asarray(history["loss"])
    start, final, peak = losses[0], losses[-1], losses.max()
    if peak > start or not np.isfinite(final):
        epoch = int(np.argmax(losses))
        return not_yet(
            f"with learning_rate = {learning_rate:g} the loss jumped from "
            f"{start:.3f} to {peak:.3g} at epoch {epoch}: the steps overshoot.",
            "this learning rate is too large; try a smaller one.",
        )
    if final >= LEARNING_RATE_TARGET:
        return not_yet(
            f"with learning_rate = {learning_rate:g} the loss fell only to "
            f"{final:.3f} in {LEARNING_RATE_EPOCHS} epochs (the goal is below "
            f"{LEARNING_RATE_TARGET}).",
            "this learning rate is too small; try a larger one.",
        )
    return correct(
        f"With learning_rate = {learning_rate:g} the loss fell from {start:.3f} to "
        f"{final:.3f} in {LEARNING_RATE_EPOCHS} epochs without ever rising above "
        "where it started."
    )
