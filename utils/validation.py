"""Input checks shared by the public functions of :mod:`utils`.

Each raises ``TypeError`` or ``ValueError`` with a message a student can act on:
what was given, what was expected, and how to fix it.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def describe(value: Any) -> str:
    """A short description of ``value`` for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:80]


def require_int(
    value: Any,
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """Check that ``value`` is a whole number within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, but got {describe(value)}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, but got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, but got {value}.")
    return value


def require_number(value: Any, name: str) -> float:
    """Check that ``value`` is a real, finite number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, but got {describe(value)}.")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, but got {value}.")
    return float(value)


def as_float_array(value: Any, name: str, *, ndim: int | tuple[int, ...] | None = None):
    """Convert ``value`` to a float NumPy array, checking its number of dimensions."""
    if value is None or value is Ellipsis:
        raise TypeError(f"{name} must be an array of numbers, but got {value!r}.")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must be an array of numbers, but got {describe(value)} "
            f"that NumPy cannot turn into numbers ({error})."
        ) from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if array.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            raise ValueError(
                f"{name} must have {wanted} dimension(s), but it has shape "
                f"{array.shape} ({array.ndim} dimension(s))."
            )
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"{name} contains NaN or infinite values; remove or replace them."
        )
    return array
