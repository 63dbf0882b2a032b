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

In assessment mode the spec also holds ``assessment``: a seed, derived by the
grader from a secret the learner never sees, and the callables the exercise
forbids. The check then runs a second time with :func:`utils.checks.hidden_inputs`
seeded (see :func:`assessment`), while :class:`CallWatch` notes every call the
learner's code makes, however it reached the callable (an alias, a default
argument, a wrapper of the book's); the first run's verdict is kept as
``self_study``.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib
import inspect
import io
import os
import sys
import sysconfig
from typing import Any

MIME = "application/vnd.nn-book.verdict+json"
VERDICTS = {True: "passed", False: "not yet", None: "not attempted"}
#: The verdict of a check that passed by calling what its exercise forbids.
FLAGGED = "flagged"


def genuine_check(module: str, name: str):
    """The check ``utils.checks.<module>.<name>`` as its file defines it."""
    importlib.reload(importlib.import_module("utils.checks"))
    checks = importlib.reload(importlib.import_module(f"utils.checks.{module}"))
    return getattr(checks, name)


def _compile_call(call: str):
    tree = ast.parse(call.strip(), mode="eval")
    if not isinstance(tree.body, ast.Call):
        raise ValueError(f"not a call: {call!r}")
    tree.body.func = ast.Name("__nn_book_genuine_check__", ast.Load())
    return compile(ast.fix_missing_locations(tree), "<grader>", "eval")


def verdict(
    module: str, name: str, call: str, namespace: dict, *, seed: int | None = None
) -> tuple[str, str]:
    """Evaluate the check call ``call`` (source text) with the genuine check.

    Returns ``(verdict, message)``; ``verdict`` is one of :data:`VERDICTS`'
    values, or ``"error"`` when the call's arguments cannot be evaluated. With
    ``seed``, the check also draws hidden inputs from it.
    """
    code = _compile_call(call)
    scope = dict(namespace)
    scope["__nn_book_genuine_check__"] = genuine_check(module, name).evaluate
    checks = sys.modules["utils.checks"]
    try:
        checks._hidden_seed = seed
        with contextlib.redirect_stdout(io.StringIO()):
            feedback = eval(code, scope)  # noqa: S307 - the learner's own expression
    except Exception as error:  # noqa: BLE001 - an undefined name, say
        return (
            "error",
            f"evaluating {call.strip()} raised {type(error).__name__}: {error}",
        )
    finally:
        checks._hidden_seed = None
    return VERDICTS[feedback.passed], feedback.message


def arguments(call: str, namespace: dict) -> list[Any]:
    """The values of the check call's arguments that are names (``my_conv2d``,
    ``module.f``): evaluating them again runs none of the learner's code."""
    tree = ast.parse(call.strip(), mode="eval").body
    found = []
    for node in [*tree.args, *(keyword.value for keyword in tree.keywords)]:
        if not isinstance(node, ast.Name | ast.Attribute):
            continue
        with contextlib.suppress(Exception):
            found.append(eval(ast.unparse(node), dict(namespace)))  # noqa: S307
    return found


# ---------------------------------------------------------------------------
# Assessment mode: forbidden calls


def _library_roots() -> tuple[str, ...]:
    """Folders whose code is not the learner's: the book's utils and Python's."""
    paths = sysconfig.get_paths()
    roots = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots |= {sys.prefix, sys.base_prefix, sys.exec_prefix}
    roots.add(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    roots = {os.path.join(os.path.realpath(root), "") for root in roots}
    return tuple(root for root in roots if root != os.sep)  # never all of "/"


def resolve(dotted: str) -> Any | None:
    """The object ``package.module.name`` names, or None if nothing imported it.

    Nothing is imported: a module no code has imported cannot have been called.
    """
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        value: Any = sys.modules.get(".".join(parts[:cut]))
        if value is None:
            continue
        try:
            for part in parts[cut:]:
                value = getattr(value, part)
        except AttributeError:
            return None
        return value
    return None


def _key(code) -> tuple[str, int, str]:
    """Where a function's code comes from: the same after its module is reloaded."""
    return code.co_filename, code.co_firstlineno, code.co_name


def _codes(value: Any) -> set:
    """The code of the function ``value`` wraps (decorators set ``__wrapped__``).

    Only the innermost function's: a decorator's wrapper code can be shared by
    every function it decorates (TensorFlow's dispatch wrapper is).
    """
    value = inspect.unwrap(_unwrapped(value))
    code = getattr(value, "__code__", None)
    return set() if code is None else {_key(code)}


def _unwrapped(value: Any) -> Any:
    """``value`` without functools.partial or bound-method wrapping."""
    for _ in range(10):
        if isinstance(value, functools.partial):
            value = value.func
        elif inspect.ismethod(value):
            value = value.__func__
        else:
            break
    return value


class CallWatch:
    """Note what the learner's code calls while a check runs (``sys.setprofile``).

    Every Python function a frame of the learner's code calls, directly or
    through any depth of library code, is noted; calls the check itself makes
    to its reference implementations are not. Code is the learner's when its
    file is outside the book's ``utils`` and Python's own folders (a notebook
    cell, or a module the learner wrote). A forbidden callable that is not a
    Python function (a NumPy ufunc such as ``scipy.special.expit``) is
    replaced, in its module and in the learner's namespace, by a spy that
    notes calls from the learner's code, until the watch ends.
    """

    def __init__(self, names: list[str] = (), namespaces: list[dict] = ()) -> None:
        self.called: set = set()
        self.builtins: set = set()
        self.spied: set = set()
        self._names = list(names)
        self._namespaces = list(namespaces)
        self._swapped: list[tuple[Any, str, Any, Any]] = []
        self._depth = 0
        self._learner: dict = {}
        self._roots = _library_roots()
        self._previous = None

    def _is_learner(self, code) -> bool:
        known = self._learner.get(code)
        if known is None:
            path = code.co_filename
            known = not (
                path in ("<grader>", "<string>")
                or path.startswith("<frozen")
                or os.path.realpath(path).startswith(self._roots)
            )
            self._learner[code] = known
        return known

    def _profile(self, frame, event, arg) -> None:
        if event == "call":
            if self._depth:
                self.called.add(_key(frame.f_code))
            if self._is_learner(frame.f_code):
                self._depth += 1
        elif event == "return":
            if self._is_learner(frame.f_code) and self._depth:
                self._depth -= 1
        elif event == "c_call" and self._depth:
            with contextlib.suppress(TypeError):
                self.builtins.add(arg)

    def _spy(self, name: str, target: Any):
        def spy(*args, **kwargs):
            if self._depth:
                self.spied.add(name)
            return target(*args, **kwargs)

        return spy

    def _swap(self, owner: Any, attribute: str, old: Any, new: Any) -> None:
        if isinstance(owner, dict):
            owner[attribute] = new
        else:
            setattr(owner, attribute, new)
        self._swapped.append((owner, attribute, old, new))

    def __enter__(self) -> CallWatch:
        for name in self._names:
            target = resolve(name)
            owner = resolve(name.rpartition(".")[0]) or sys.modules.get(
                name.rpartition(".")[0]
            )
            if target is None or owner is None or _codes(target):
                continue
            spy = self._spy(name, target)
            with contextlib.suppress(AttributeError, TypeError):
                self._swap(owner, name.rpartition(".")[2], target, spy)
            for namespace in self._namespaces:
                for key, value in list(namespace.items()):
                    if value is target:
                        self._swap(namespace, key, target, spy)
        self._previous = sys.getprofile()
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc) -> None:
        sys.setprofile(self._previous)
        for owner, attribute, old, new in reversed(self._swapped):
            if isinstance(owner, dict):
                if owner.get(attribute) is new:
                    owner[attribute] = old
            elif getattr(owner, attribute, None) is new:
                setattr(owner, attribute, old)
        self._swapped.clear()

    def forbidden(self, names: list[str], given: list[Any]) -> list[str]:
        """Those of ``names`` the learner's code called, or passed to the check."""
        passed = {id(_unwrapped(value)) for value in given}
        found = []
        for name in names:
            target = resolve(name)
            if target is None:
                continue
            codes = _codes(target)
            if (
                name in self.spied
                or id(_unwrapped(target)) in passed
                or codes & self.called
                or any(target is builtin for builtin in self.builtins)
                or any(_codes(value) & codes for value in given if callable(value))
            ):
                found.append(name)
        return found


def assess(spec: dict[str, Any], namespace: dict) -> tuple[str, str]:
    """The assessment verdict: hidden inputs, and no forbidden call."""
    settings = spec["assessment"]
    names = list(settings.get("forbidden", ()))
    given = arguments(spec["call"], namespace) if names else []
    namespaces = [namespace] + [  # a function from the learner's own module
        value.__globals__
        for value in map(_unwrapped, given)
        if inspect.isfunction(value) and value.__globals__ is not namespace
    ]
    with CallWatch(names, namespaces) as watch:
        result, message = verdict(
            spec["module"],
            spec["check"],
            spec["call"],
            namespace,
            seed=int(settings["seed"]),
        )
    used = watch.forbidden(names, given)
    if used:
        return FLAGGED, (
            f"calls {', '.join(used)}; the exercise asks you to write it "
            f"yourself. The check's verdict on the results: {message}"
        )
    return result, message


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
    if spec.get("assessment") and result != "not attempted":
        payload["self_study"] = {"verdict": result, "message": message}
        try:
            result, message = assess(spec, namespace)
        except Exception as error:  # noqa: BLE001 - reported as data
            result = "error"
            message = f"the assessment run failed: {type(error).__name__}: {error}"
        if payload["self_study"]["verdict"] == "passed" and result == "not yet":
            message = f"passes the notebook's own inputs but not hidden ones: {message}"
        payload.update(verdict=result, message=message)
    from IPython.display import publish_display_data

    publish_display_data({MIME: payload, "text/plain": f"{result}: {message}"})
    return payload
