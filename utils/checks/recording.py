"""The grader's own channel: an exercise's verdict as data, not printed text.

``scripts/grader.py`` runs a notebook and, after each exercise cell, runs a cell
of its own that loads this module afresh (not the copy in ``sys.modules``,
which the learner's code could have replaced) and calls :func:`record`. It

1. reloads ``utils.checks`` and the chapter's check module from their files, so
   a ``check_...`` the learner redefined or patched into the module is replaced
   by the genuine one;
2. evaluates the arguments of the exercise cell's final check call in the
   kernel's namespace and passes them to the genuine check's quiet
   ``evaluate``;
3. publishes the verdict as a display output of type :data:`MIME`, stamped
   with the grader's one-off token, which the grader reads from its own cell.

Printing "✅ Correct!" therefore counts for nothing. What this cannot stop is
code that rewrites NumPy or the files of the installed package: the grader
keeps every executed notebook so that a teacher can read what passed.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import io
from typing import Any

MIME = "application/vnd.nn-book.verdict+json"
VERDICTS = {True: "passed", False: "not yet", None: "not attempted"}


def genuine_check(module: str, name: str):
    """The check ``utils.checks.<module>.<name>`` as its file defines it."""
    importlib.reload(importlib.import_module("utils.checks"))
    checks = importlib.reload(importlib.import_module(f"utils.checks.{module}"))
    return getattr(checks, name)


def verdict(module: str, name: str, call: str, namespace: dict) -> tuple[str, str]:
    """Evaluate the check call ``call`` (source text) with the genuine check.

    Returns ``(verdict, message)``; ``verdict`` is one of :data:`VERDICTS`'
    values, or ``"error"`` when the call's arguments cannot be evaluated.
    """
    tree = ast.parse(call.strip(), mode="eval")
    if not isinstance(tree.body, ast.Call):
        raise ValueError(f"not a call: {call!r}")
    tree.body.func = ast.Name("__nn_book_genuine_check__", ast.Load())
    code = compile(ast.fix_missing_locations(tree), "<grader>", "eval")
    scope = dict(namespace)
    scope["__nn_book_genuine_check__"] = genuine_check(module, name).evaluate
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            feedback = eval(code, scope)  # noqa: S307 - the learner's own expression
    except Exception as error:  # noqa: BLE001 - an undefined name, say
        return (
            "error",
            f"evaluating {call.strip()} raised {type(error).__name__}: {error}",
        )
    return VERDICTS[feedback.passed], feedback.message


def record(spec: dict[str, Any], namespace: dict) -> dict[str, Any]:
    """Grade one exercise and publish the result for the grader; returns it."""
    try:
        result, message = verdict(
            spec["module"], spec["check"], spec["call"], namespace
        )
    except Exception as error:  # noqa: BLE001 - a grader problem, reported as data
        result, message = "error", f"the grader failed: {type(error).__name__}: {error}"
    payload = {
        "token": spec["token"],
        "exercise": spec["exercise"],
        "verdict": result,
        "message": message,
    }
    from IPython.display import publish_display_data

    publish_display_data({MIME: payload, "text/plain": f"{result}: {message}"})
    return payload
