"""Self-checking exercises: the mechanism every chapter's checks are built on.

A chapter's exercise cell ends with a call such as ``check_and_weights(w, b)``.
The check prints one of three answers, and never a traceback:

- ``✅ Correct: ...`` when the answer is right;
- ``❌ Not yet: ... Hint: ...`` when it is wrong, saying what is wrong;
- ``✏️ Not attempted yet: ...`` while the ``...`` placeholders are still there.

Each chapter has its own module of checks (``utils.checks.neurons`` for
chapter 1, and so on). A check is a function that returns a :class:`Feedback`
and is decorated with :func:`exercise_check`, which prints the feedback, turns
any error raised by the learner's code into a readable "not yet", and returns
the :class:`Feedback` so that tests can read ``feedback.passed``. Every check
also has ``check.evaluate(...)``, the same verdict without printing: the grader
(``utils.checks.recording``) calls it to record verdicts as data, not text.

Checks read answers with the shared readers of this module, so that 43, 43.0
and ``np.int64(43)`` are the same answer. :func:`as_number`, :func:`as_array`,
:func:`as_words` and :func:`whole_number` return None when a value cannot be
read that way; :func:`one_number`, :func:`whole_pair` (two whole numbers, such
as a height and width) and :func:`returned_array` (what a learner's function
returns, called on the check's inputs) return the :class:`Feedback` that says
what is wrong instead, so that a check is its teaching logic.

A check that calls the learner's function on test inputs also draws some from
:func:`hidden_inputs` when it returns a generator: it does only in the grader's
assessment run, seeded from a secret the learner never sees, so a function that
only knows the answers for the notebook's own inputs fails there.
"""

from __future__ import annotations

import functools
import hashlib
import numbers
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "Feedback",
    "answer_digest",
    "as_array",
    "as_number",
    "as_words",
    "close_enough",
    "correct",
    "exercise_check",
    "hidden_inputs",
    "is_placeholder",
    "not_a_function",
    "not_attempted",
    "not_yet",
    "one_number",
    "returned_array",
    "whole_number",
    "whole_pair",
]

PASS_MARK = "✅ Correct"
FAIL_MARK = "❌ Not yet"
TODO_MARK = "✏️ Not attempted yet"


@dataclass(frozen=True)
class Feedback:
    """The verdict of an exercise check.

    Attributes
    ----------
    passed:
        ``True`` if the answer is right, ``False`` if it is wrong, ``None`` if
        the learner has not attempted the exercise yet.
    message:
        What the learner reads.
    """

    passed: bool | None
    message: str

    def __str__(self) -> str:
        return self.message

    def _ipython_display_(self) -> None:
        # The decorator has already printed the message; showing the returned
        # object as well would print it twice.
        return None


def correct(message: str = "") -> Feedback:
    """A passing verdict, optionally with a short explanation."""
    text = f"{PASS_MARK}!" + (f" {message}" if message else "")
    return Feedback(True, text)


def not_yet(problem: str, hint: str = "") -> Feedback:
    """A failing verdict: what is wrong, and a hint on how to fix it."""
    text = f"{FAIL_MARK}: {problem}" + (f"\n   Hint: {hint}" if hint else "")
    return Feedback(False, text)


def not_attempted(what: str = "the exercise") -> Feedback:
    """The verdict while the ``...`` placeholders are still in place."""
    return Feedback(
        None,
        f"{TODO_MARK}: replace the ... in {what} with your answer,\n"
        "   then run the cell again.",
    )


#: The seed of the hidden inputs: None in self-study; set by the grader's
#: assessment run (utils.checks.recording.assessment), never by a notebook.
_hidden_seed: int | None = None


def hidden_inputs() -> np.random.Generator | None:
    """A generator of hidden test inputs in a graded run, None in self-study.

    Each call starts the same sequence, so a check draws the same hidden cases
    however often it asks.
    """
    return None if _hidden_seed is None else np.random.default_rng(_hidden_seed)


def answer_digest(exercise: str, answer: Any) -> str:
    """A salted digest of a normalised answer (its ``repr``), salted by the label.

    A check whose answer key is a short typed answer stores the digests of the
    right answers instead of the answers, and compares the digest of the
    learner's normalised answer with them: the key is not readable from the
    installed package. (The check itself still tells right from wrong.)
    """
    return hashlib.sha256(f"{exercise}\n{answer!r}".encode()).hexdigest()[:24]


def is_placeholder(value: Any) -> bool:
    """True if ``value`` is the ``...`` placeholder (or contains one)."""
    if value is Ellipsis:
        return True
    if isinstance(value, list | tuple):
        return any(is_placeholder(item) for item in value)
    if isinstance(value, dict):
        return any(is_placeholder(item) for item in value.values())
    if isinstance(value, np.ndarray) and value.dtype == object:
        return any(is_placeholder(item) for item in value.ravel())
    return False


def exercise_check(function: Callable[..., Feedback]) -> Callable[..., Feedback]:
    """Turn a function returning :class:`Feedback` into a learner-facing check.

    The wrapped check prints the feedback and returns it. If the learner passed
    a placeholder, the check answers "not attempted" without calling the
    function. If the learner's code raises an error while being checked, the
    check answers "not yet" and names the error instead of showing a traceback.
    """

    @functools.wraps(function)
    def check(*args: Any, **kwargs: Any) -> Feedback:
        feedback = _evaluate(function, args, kwargs)
        print(feedback.message)
        return feedback

    def evaluate(*args: Any, **kwargs: Any) -> Feedback:
        """The same verdict as the check, returned without printing (for graders)."""
        return _evaluate(function, args, kwargs)

    check.evaluate = evaluate
    return check


def _evaluate(
    function: Callable[..., Feedback], args: tuple, kwargs: dict[str, Any]
) -> Feedback:
    if any(is_placeholder(value) for value in (*args, *kwargs.values())):
        return not_attempted(_exercise_name(function))
    try:
        feedback = function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - learner code can raise anything
        feedback = not_yet(
            f"checking your answer raised {type(error).__name__}: {error}",
            _where(error),
        )
    if not isinstance(feedback, Feedback):
        raise TypeError(
            f"the check {function.__name__} must return a Feedback, "
            f"not {type(feedback).__name__}; this is a bug in the book."
        )
    return feedback


def _exercise_name(function: Callable[..., Any]) -> str:
    name = function.__name__.removeprefix("check_").replace("_", " ")
    return f"the exercise '{name}'"


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    learner = [
        f for f in frames if "utils" not in f.filename.replace("\\", "/").split("/")
    ]
    if learner:
        frame = learner[-1]
        return f"the error came from line {frame.lineno} of your code: {frame.line}"
    return "read the message above, fix your code and run both cells again."


def close_enough(
    actual: Any, expected: Any, *, atol: float = 1e-6, rtol: float = 1e-6
) -> bool:
    """True if two numbers or arrays have the same shape and agree within tolerance.

    ``actual`` is read with :func:`as_array`; an answer that is not numbers is
    simply not close.
    """
    actual_array = as_array(actual)
    expected_array = np.asarray(expected, dtype=float)
    return (
        actual_array is not None
        and actual_array.shape == expected_array.shape
        and bool(np.allclose(actual_array, expected_array, atol=atol, rtol=rtol))
    )


def one_number(value: Any, name: str, hint: str = "") -> float | Feedback:
    """``value`` as a finite float (read with :func:`as_number`), or the
    :class:`Feedback` saying why it is not one number: a text in quotes, several
    numbers, or anything else (None, a bool, nan, inf). ``name`` names the answer
    in the feedback; ``hint`` follows the problem."""
    number = as_number(value)
    if number is not None and np.isfinite(number):
        return number
    if isinstance(value, str):
        problem = (
            f"{name} is the text {value!r:.40}, not one number: write it without "
            "quotes."
        )
    elif (array := as_array(value)) is not None and array.size > 1:
        problem = f"{name} should be one number, but it has {array.size} values."
    else:
        problem = f"{name} should be one finite number, not {value!r:.60}."
    return not_yet(problem, hint)


def whole_pair(
    value: Any, names: tuple[str, str] = ("height", "width"), hint: str = ""
) -> tuple[int, int] | Feedback:
    """``value`` as two ints, or the :class:`Feedback` saying why it is not two
    whole numbers.

    Accepts a tuple, list, 1-d array or TensorShape of two whole numbers (ints,
    whole floats, NumPy integers), such as ``(111, 88)``, ``[111.0, 88.0]`` or
    ``np.array([111, 88])``. ``names`` name the two numbers in the feedback; a
    check that takes two separate whole-number answers passes them as a tuple,
    ``whole_pair((parameters, multiply_adds), ("parameters", "multiply_adds"))``.
    ``hint`` follows the problem in the feedback.
    """
    wanted = f"({names[0]}, {names[1]})"
    if hasattr(value, "as_list"):  # a TensorShape
        value = value.as_list()
    if isinstance(value, np.ndarray) and value.ndim == 1:
        value = list(value)
    if not isinstance(value, list | tuple):
        return not_yet(f"give {wanted} as two whole numbers, not {value!r:.60}.", hint)
    if len(value) != 2:
        return not_yet(
            f"you gave {_shape_in_words((len(value),))}, {tuple(value)!r:.60}; "
            f"give two, {wanted}.",
            hint,
        )
    sides = tuple(whole_number(item) for item in value)
    for name, item, side in zip(names, value, sides, strict=True):
        if side is None:
            return not_yet(
                f"{wanted} should be two whole numbers, but {name} is {item!r:.40}.",
                hint,
            )
    return sides


def _shape_in_words(shape: tuple[int, ...]) -> str:
    if shape == ():
        return "one number"
    if len(shape) == 1:
        return f"{shape[0]} number" + ("" if shape[0] == 1 else "s")
    return f"shape {shape}"


def not_a_function(value: Any, name: str) -> Feedback | None:
    """None if ``value`` is a function (anything callable), else the feedback
    asking for the function ``name`` itself rather than a value or a call."""
    if callable(value):
        return None
    return not_yet(
        f"{name} should be a function, not {type(value).__name__}: pass your "
        "function itself.",
        f"write {name} without brackets after it; the check calls it.",
    )


def returned_array(
    function: Any,
    *args: Any,
    name: str,
    shape: tuple[int, ...] | None = None,
    case: str = "",
    hint: str = "",
) -> np.ndarray | Feedback:
    """Call the learner's ``function(*args)`` and read its result as an array.

    Returns a float array (of ``shape``, if given) or the :class:`Feedback` that
    says, naming the function (``name``) and the inputs (``case``, as in
    ``"5 inputs"``), what went wrong: ``function`` is not a function, raises an
    error, still returns ``...``, returns None, returns something that is not
    numbers or an array of another shape. ``hint`` follows those last two. Pass
    copies of the check's own arrays: the learner's function may change its
    arguments. NumPy's overflow warnings are silenced; the check reports a nan.
    """
    if (problem := not_a_function(function, name)) is not None:
        return problem
    where = f"for {case}, " if case else ""
    expected = "an array of numbers" if shape is None else _shape_in_words(shape)
    if shape is not None and len(shape) > 1:
        expected = f"an array of {expected}"
    try:
        with np.errstate(all="ignore"):
            answer = function(*args)
    except Exception as error:  # noqa: BLE001 - learner code can raise anything
        return not_yet(
            f"{where}{name} raised {type(error).__name__}: {error}", _where(error)
        )
    if is_placeholder(answer):
        return not_attempted(f"{name} (its return line)")
    if answer is None:
        return not_yet(
            f"{where}{name} returned None (it returns nothing), not {expected}.",
            "end the function with return followed by its result.",
        )
    array = as_array(answer)
    if array is None:
        return not_yet(
            f"{where}{name} returned {type(answer).__name__}, not {expected}.", hint
        )
    if shape is not None and array.shape != tuple(shape):
        return not_yet(
            f"{where}{name} returned {_shape_in_words(array.shape)}, not {expected}.",
            hint,
        )
    return array


def whole_number(value: Any) -> int | None:
    """``value`` as an int if it is a whole number (``8``, ``8.0``, ``np.int64(8)``,
    a 0-d array or a one-element array), else None. Booleans are not numbers here."""
    number = as_number(value)
    if number is None or not np.isfinite(number) or not number.is_integer():
        return None
    return int(number)


# Reading the learner's answer. Every check reads numbers, arrays and names the
# same way, so that 43, 43.0, np.int64(43), a 0-d array or a one-element tensor
# are all the number 43, and a list, a NumPy array and a tensor of the right
# shape are all the same array. Each returns None when the value cannot be read
# that way; the check then says what it expected.


def as_number(value: Any) -> float | None:
    """``value`` as a float if it is one real number, else None.

    Accepts Python and NumPy integers and floats, 0-d arrays and arrays or
    tensors holding exactly one number (what ``np.sum`` or ``model(x)`` can
    return). Booleans, strings, NaN, lists and arrays of several numbers are
    not read as a number.
    """
    if isinstance(value, bool | np.bool_ | str | bytes | list | tuple):
        return None
    if isinstance(value, numbers.Real):
        number = float(value)
    else:
        array = as_array(value)
        if array is None or array.size != 1:
            return None
        number = float(array.reshape(-1)[0])
    return None if np.isnan(number) else number


def as_array(value: Any, shape: tuple[int, ...] | None = None) -> np.ndarray | None:
    """``value`` as a float NumPy array, or None if it is not an array of numbers.

    Accepts lists, tuples, NumPy arrays and anything with ``.numpy()`` (a
    TensorFlow tensor). With ``shape``, an array of any other shape is None.
    """
    if isinstance(value, str | bytes | dict) or value is None:
        return None
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        return None
    array = array.astype(float)
    if shape is not None and array.shape != tuple(shape):
        return None
    return array


def as_words(value: Any) -> str | None:
    """``value`` as lower-case words separated by single spaces, or None.

    ``"  Convolutional-Neural  Network! "`` reads as
    ``"convolutional neural network"``, so that a check can compare a typed
    name with its accepted spellings.
    """
    if not isinstance(value, str):
        return None
    cleaned = "".join(ch if ch.isalnum() else " " for ch in value.lower())
    return " ".join(cleaned.split()) or None
