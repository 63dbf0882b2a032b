"""Grade a class's notebooks: one kernel each, verdicts as data, a gradebook.

    python scripts/grader.py grade "submissions/*.ipynb" --out grades \\
        [--timeout 600] [--jobs 2] [--memory 4096] [--assess]

Every notebook runs in its own kernel, in a process of its own, with the
network blocked (``tests/netguard``) and its address space limited to
``--memory`` MiB. After each exercise cell the grader runs a cell of its own
(``utils.checks.recording``) that calls the genuine check on the arguments of
the cell's final check call and hands the verdict back as data; nothing the
notebook prints counts. Exercises are found by the label in their code cell's
metadata (``nn_book.exercise``, written by ``make student``), never by position.

Verdicts: ``passed``, ``not yet``, ``not attempted``, ``error`` (the exercise
cell raised, its answer could not be evaluated, or the file is not a
notebook), ``timeout`` (the notebook used up ``--timeout`` seconds before the
exercise was graded), ``crashed`` (the kernel died first) and, with
``--assess``, ``flagged`` (the answer calls what its exercise forbids). With
``--assess`` each check runs a second time, on hidden inputs (``assessment.py``);
the verdict is that run's, and grades.json keeps the first as ``self_study``. Results go to
``OUT/grades.csv`` (notebook, exercise, verdict, message), ``OUT/grades.json``
and the executed notebooks ``OUT/executed/``. The exit status is 0 whatever the
verdicts, 2 when grading could not run (no notebook matched, OUT not writable).

This file only needs the standard library, nbformat, nbclient and the book's
``utils`` in the kernel, so the Gradescope autograder ships it as it is.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import csv
import glob
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import assessment  # noqa: E402

VERDICTS = (
    "passed",
    "not yet",
    "flagged",
    "not attempted",
    "error",
    "timeout",
    "crashed",
)
MIME = "application/vnd.nn-book.verdict+json"  # = utils.checks.recording.MIME
META = "nn_book"
GRADER_TAG = "nn-book-grader"
EXERCISE_DIRECTIVE = re.compile(r"```\{exercise\}([^\n]*)\n:label: (\S+)")
SOLUTION_START = "{solution-start}"
SOLUTION_END = "{solution-end}"
CHECK_IMPORT = re.compile(r"from utils\.checks\.(\w+) import ([\w, ()\n]+)")
#: Start the kernel with its address space limited; execv keeps the limit.
LAUNCHER = (
    "import os, resource, sys\n"
    "limit = int(sys.argv[1])\n"
    "if limit > 0:\n"
    "    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
    "os.execv(sys.executable, [sys.executable, '-m', 'ipykernel_launcher',"
    " '-f', sys.argv[2]])\n"
)


# ---------------------------------------------------------------------------
# Finding exercises


def last_check_call(source: str, check: str | None = None) -> ast.Call | None:
    """The last top-level ``check_...(...)`` call in a cell (of ``check`` if given)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found = None
    for statement in tree.body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            func = statement.value.func
            name = getattr(func, "id", None) or getattr(func, "attr", None) or ""
            if name.startswith("check_") and (check is None or name == check):
                found = statement.value
    return found


def exercise_manifest(notebook) -> dict[str, dict]:
    """Each exercise of a chapter notebook: its check, call, title and number.

    An exercise is a ``{exercise}`` directive with a ``:label:``; its code cell
    is the next code cell outside a solution that ends in a ``check_...`` call.
    """
    modules: dict[str, str] = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for module, names in CHECK_IMPORT.findall(cell.source):
                for name in re.findall(r"check_\w+", names):
                    modules[name] = module
    manifest, pending, inside = {}, None, False
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for title, label in EXERCISE_DIRECTIVE.findall(cell.source):
                pending = (label, title.strip())
            inside = (inside or SOLUTION_START in cell.source) and (
                SOLUTION_END not in cell.source
            )
            continue
        if pending is None or inside or cell.cell_type != "code":
            continue
        call = last_check_call(cell.source)
        if call is None:
            continue
        label, title = pending
        check = getattr(call.func, "id", None) or call.func.attr
        manifest[label] = {
            "exercise": label,
            "title": title,
            "number": len(manifest) + 1,
            "module": modules.get(check, ""),
            "check": check,
            "call": ast.get_source_segment(cell.source, call),
        }
        pending = None
    return manifest


def exercise_cells(notebook) -> list[tuple[int, str]]:
    """(cell index, label) of every exercise code cell, by metadata label.

    A notebook without labels in its metadata (a chapter itself, or a notebook
    made before labels were stored) falls back to its ``{exercise}`` directives.
    """
    found = [
        (index, cell.metadata[META]["exercise"])
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        and isinstance(cell.metadata.get(META), dict)
        and cell.metadata[META].get("exercise")
    ]
    if found:
        return found
    pending, inside = None, False
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            for _, label in EXERCISE_DIRECTIVE.findall(cell.source):
                pending = label
            inside = (inside or SOLUTION_START in cell.source) and (
                SOLUTION_END not in cell.source
            )
        elif pending and not inside and last_check_call(cell.source):
            found.append((index, pending))
            pending = None
    return found


# ---------------------------------------------------------------------------
# Grading one notebook (in a worker process)


def grader_cell(spec: dict) -> str:
    """The cell the grader runs after an exercise cell (see utils.checks.recording)."""
    return (
        f"# {GRADER_TAG}: records the verdict of {spec['exercise']}\n"
        "def __nn_book_grade__(spec):\n"
        "    import importlib.util\n"
        "    import IPython\n"
        "    found = importlib.util.find_spec('utils.checks.recording')\n"
        "    recording = importlib.util.module_from_spec(found)\n"
        "    found.loader.exec_module(recording)\n"
        "    recording.record(spec, IPython.get_ipython().user_ns)\n"
        f"__nn_book_grade__(__import__('json').loads({json.dumps(spec)!r}))\n"
        "del __nn_book_grade__"
    )


def kernel_transport(folder: Path) -> dict:
    """Talk to the kernel over Unix sockets in `folder`, where the system has them.

    Over TCP, jupyter_client picks free ports, closes them and hands them to
    the kernel, and another process starting at the same moment (a second
    grading job, another kernel on a busy server) can take one in between: the
    kernel then dies before it answers ("Kernel died before replying to
    kernel_info"), and a student would get "crashed" for nothing. Socket files
    in a folder of our own cannot collide. Windows has no such sockets there,
    so it keeps TCP.
    """
    if os.name == "nt":
        return {}
    return {"transport": "ipc", "ip": str(folder / "kernel")}


def kernel_dir(memory_mib: int, netguard: Path | None) -> Path:
    """A kernelspec that starts ipykernel with a memory limit and no network."""
    folder = Path(tempfile.mkdtemp(prefix="nn-book-kernel-"))
    (folder / "nn-book-grader").mkdir()
    env = {
        "NN_BOOK_BLOCK_NETWORK": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "MPLBACKEND": "Agg",
    }
    if netguard is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(netguard), os.environ.get("PYTHONPATH", "")])
        )
    spec = {
        "argv": [
            sys.executable,
            "-c",
            LAUNCHER,
            str(memory_mib * 2**20),
            "{connection_file}",
        ],
        "display_name": "nn-book grader",
        "language": "python",
        "env": env,
    }
    (folder / "nn-book-grader" / "kernel.json").write_text(json.dumps(spec))
    return folder


def _error_of(cell) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename')}: {output.get('evalue')}"
    return None


def grade_notebook(
    path: Path,
    *,
    manifest: dict[str, dict],
    timeout: float,
    memory_mib: int,
    netguard: Path | None,
    executed: Path | None = None,
    secret: str | None = None,
) -> dict:
    """Execute one notebook and return its verdicts (see the module docstring).

    With ``secret``, each exercise is assessed too (see ``assessment.py``).
    """
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    started = time.monotonic()
    report = {"notebook": str(path), "status": "graded", "exercises": []}
    try:
        notebook = nbformat.read(path, as_version=4)
        cells = exercise_cells(notebook)
    except Exception as error:  # noqa: BLE001 - anything unreadable
        report["status"] = "not a notebook"
        report["exercises"] = [
            {
                "exercise": "",
                "verdict": "error",
                "message": f"not a readable notebook: {type(error).__name__}: {error}",
            }
        ]
        return report
    labels = [label for _, label in cells]
    digest = assessment.notebook_digest(path) if secret else ""
    chapter_labels = _chapter_of(labels, manifest)
    expected = list(dict.fromkeys(chapter_labels + labels))
    token = secrets.token_hex(16)
    run = nbformat.from_dict(notebook)
    run.cells = []
    graded: dict[int, str] = {}  # index of a grader cell in `run` -> label
    exercise_at: dict[str, int] = {}  # label -> index of its exercise cell in `run`
    by_index = dict(cells)
    for index, cell in enumerate(notebook.cells):
        run.cells.append(cell)
        label = by_index.get(index)
        if label is None:
            continue
        reference = manifest.get(label, {})
        check = reference.get("check") or cell.metadata.get(META, {}).get("check")
        module = reference.get("module") or cell.metadata.get(META, {}).get("module")
        call = last_check_call(cell.source, check)
        source = (
            ast.get_source_segment(cell.source, call)
            if call is not None
            else reference.get("call")
        )
        exercise_at[label] = len(run.cells) - 1
        if not (check and module and source):
            continue
        spec = {
            "token": token,
            "exercise": label,
            "module": module,
            "check": check,
            "call": source,
        }
        if secret:
            spec["assessment"] = {
                "seed": assessment.exercise_seed(secret, digest, label),
                "forbidden": assessment.forbidden(label),
            }
        run.cells.append(
            nbformat.v4.new_code_cell(
                grader_cell(spec), metadata={"tags": [GRADER_TAG]}
            )
        )
        graded[len(run.cells) - 1] = label
    deadline = started + timeout
    kernels = kernel_dir(memory_mib, netguard)
    manager = AsyncKernelManager(
        kernel_name="nn-book-grader",
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]),
        **kernel_transport(kernels),
    )
    client = NotebookClient(
        run,
        km=manager,
        kernel_name="nn-book-grader",
        timeout_func=lambda cell: max(1, int(deadline - time.monotonic())),
        allow_errors=True,
        startup_timeout=max(60, int(timeout)),
        resources={"metadata": {"path": str(path.parent)}},
    )
    stopped = None
    try:
        client.execute()
    except CellTimeoutError:
        report["status"] = "timeout"
        stopped = (
            f"the notebook did not finish within its {timeout:g} s "
            "before this exercise was graded"
        )
    except DeadKernelError:
        report["status"] = "crashed"
        stopped = (
            "the kernel died before this exercise was graded (the code exited, "
            f"crashed, or went over the {memory_mib} MiB memory limit)"
        )
    except Exception as error:  # noqa: BLE001 - a kernel that would not start, say
        report["status"] = "crashed"
        stopped = f"the notebook could not be run: {type(error).__name__}: {error}"
    verdicts: dict[str, dict] = {}
    for index, label in graded.items():
        for output in run.cells[index].get("outputs", []):
            payload = output.get("data", {}).get(MIME)
            if (
                isinstance(payload, dict)
                and payload.get("token") == token
                and payload.get("exercise") == label
                and payload.get("verdict") in VERDICTS
            ):
                verdicts[label] = payload
    for label in expected:
        entry = {"exercise": label, "title": manifest.get(label, {}).get("title", "")}
        error = (
            _error_of(run.cells[exercise_at[label]]) if label in exercise_at else None
        )
        if label not in exercise_at:
            entry.update(verdict="not attempted", message="no cell for this exercise")
        elif error and label in verdicts:
            entry.update(verdict="error", message=f"the exercise cell raised {error}")
        elif label in verdicts:
            entry.update(
                verdict=verdicts[label]["verdict"], message=verdicts[label]["message"]
            )
            if "self_study" in verdicts[label]:
                entry["self_study"] = verdicts[label]["self_study"]
        elif stopped:
            entry.update(verdict=report["status"], message=stopped)
        else:
            entry.update(
                verdict="error", message="the grader found no check call to run"
            )
        report["exercises"].append(entry)
    if not expected:
        report["exercises"] = [
            {"exercise": "", "verdict": "error", "message": "no exercises found"}
        ]
    report["assessed"] = bool(secret)
    report["seconds"] = round(time.monotonic() - started, 1)
    if executed is not None:
        run.cells = [cell for i, cell in enumerate(run.cells) if i not in graded]
        run.metadata[META] = {"grades": report["exercises"]}
        executed.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(run, executed)
        report["executed"] = str(executed)
    return report


def _chapter_of(labels: list[str], manifest: dict[str, dict]) -> list[str]:
    """Every exercise label of the chapter the found labels belong to."""
    chapters = {
        spec.get("chapter") for label, spec in manifest.items() if label in labels
    }
    chapters.discard(None)
    return [
        label for label, spec in manifest.items() if spec.get("chapter") in chapters
    ]


# ---------------------------------------------------------------------------
# A batch


def expand(patterns: list[str]) -> list[Path]:
    """Files matching the patterns, in order; a pattern can hold several (shell-quoted)."""
    paths: list[Path] = []
    for pattern in patterns:
        for word in shlex.split(pattern) if not Path(pattern).exists() else [pattern]:
            matches = sorted(glob.glob(word)) if glob.has_magic(word) else [word]
            paths += [Path(match) for match in matches if Path(match).is_file()]
    return list(dict.fromkeys(paths))


def _executed_name(path: Path, taken: set[str]) -> str:
    name, number = path.name, 1
    while name in taken:
        number += 1
        name = f"{path.stem}-{number}{path.suffix}"
    taken.add(name)
    return name


def _worker(
    path, out: Path, executed: Path, args, manifest_file: Path, secret: str | None
) -> dict:
    result = out / ".work" / f"{executed.stem}.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "one",
        str(path),
        "--result",
        str(result),
        "--executed",
        str(executed),
        "--manifest",
        str(manifest_file),
        "--timeout",
        str(args.timeout),
        "--memory",
        str(args.memory),
    ]
    if args.netguard:
        command += ["--netguard", str(args.netguard)]
    if secret:
        command.append("--assess")  # the secret goes through stdin, not argv or env
    env = {k: v for k, v in os.environ.items() if k != assessment.SECRET_VARIABLE}
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=env,
    )
    try:
        _, stderr = process.communicate(
            input=(secret or "") + "\n", timeout=args.timeout + 180
        )
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        _, stderr = process.communicate()
    if result.exists():
        return json.loads(result.read_text())
    tail = " ".join((stderr or "").strip().splitlines()[-2:])
    return {
        "notebook": str(path),
        "status": "crashed",
        "exercises": [
            {
                "exercise": "",
                "verdict": "crashed",
                "message": f"the grader failed: {tail}",
            }
        ],
    }


def grade_batch(args) -> int:
    paths = expand(args.notebooks)
    if not paths:
        print(f"grader: no file matches {' '.join(args.notebooks)!r}", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        (out / "executed").mkdir(parents=True, exist_ok=True)
        (out / ".work").mkdir(exist_ok=True)
        probe = out / ".work" / "probe"
        probe.write_text("")
        probe.unlink()
    except OSError as error:
        print(f"grader: cannot write to {out}: {error}", file=sys.stderr)
        return 2
    secret = None
    if args.assess:
        secret = assessment.read_secret() or assessment.new_secret()
    manifest = load_manifest(args.manifest)
    manifest_file = out / ".work" / "manifest.json"
    manifest_file.write_text(json.dumps(manifest))
    taken: set[str] = set()
    jobs = [(path, out / "executed" / _executed_name(path, taken)) for path in paths]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [
            pool.submit(_worker, path, out, executed, args, manifest_file, secret)
            for path, executed in jobs
        ]
        reports = []
        for (path, _), future in zip(jobs, futures, strict=True):
            report = future.result()
            reports.append(report)
            counts = _counts(report)
            print(f"{path}: {report['status']}, {counts}", flush=True)
    write_gradebook(
        out, reports, seconds=time.monotonic() - started, assessed=bool(secret)
    )
    if secret and not assessment.read_secret():
        (out / assessment.SECRET_FILE).write_text(secret + "\n")
        print(
            f"assessment secret of this run in {out / assessment.SECRET_FILE}: set "
            f"{assessment.SECRET_VARIABLE} to it to grade with the same hidden inputs"
        )
    for leftover in (out / ".work").iterdir():
        leftover.unlink()
    (out / ".work").rmdir()
    print(f"grades of {len(reports)} notebooks in {out / 'grades.csv'} and grades.json")
    return 0


def _counts(report: dict) -> str:
    verdicts = [entry["verdict"] for entry in report["exercises"]]
    return ", ".join(f"{verdicts.count(v)} {v}" for v in VERDICTS if v in verdicts)


def write_gradebook(
    out: Path, reports: list[dict], *, seconds: float, assessed: bool = False
) -> None:
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["notebook", "exercise", "verdict", "message"])
        for report in reports:
            for entry in report["exercises"]:
                writer.writerow(
                    [
                        report["notebook"],
                        entry["exercise"],
                        entry["verdict"],
                        entry["message"],
                    ]
                )
    summary = {
        "notebooks": len(reports),
        "seconds": round(seconds, 1),
        "assessment": assessed,
        "verdicts": {
            verdict: sum(
                entry["verdict"] == verdict
                for report in reports
                for entry in report["exercises"]
            )
            for verdict in VERDICTS
        },
    }
    (out / "grades.json").write_text(
        json.dumps(
            {"summary": summary, "notebooks": reports}, indent=1, ensure_ascii=False
        )
        + "\n",
        encoding="utf-8",
    )


def load_manifest(path: str | None) -> dict[str, dict]:
    """The exercises' manifest: from a JSON file, else from the book's chapters."""
    if path:
        return json.loads(Path(path).read_text())
    chapters = HERE.parent / "chapters"
    return chapters_manifest(sorted(chapters.glob("*.ipynb")))


def chapters_manifest(paths: list[Path]) -> dict[str, dict]:
    import nbformat

    manifest = {}
    for path in paths:
        for label, spec in exercise_manifest(nbformat.read(path, as_version=4)).items():
            manifest[label] = {**spec, "chapter": path.stem}
    return manifest


def default_netguard() -> Path | None:
    for folder in (HERE / "netguard", HERE.parent / "tests" / "netguard"):
        if (folder / "sitecustomize.py").exists():
            return folder
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("grade", "one"):
        command = sub.add_parser(name)
        command.add_argument("notebooks", nargs="+")
        command.add_argument(
            "--timeout", type=float, default=600, help="s per notebook"
        )
        command.add_argument("--memory", type=int, default=4096, help="MiB per kernel")
        command.add_argument("--manifest", help="exercises' JSON (default: chapters/)")
        command.add_argument("--netguard", type=Path, default=default_netguard())
    grade = sub.choices["grade"]
    grade.add_argument("--out", default="grades")
    grade.add_argument("--jobs", type=int, default=2)
    for command in sub.choices.values():
        command.add_argument(
            "--assess",
            action="store_true",
            help="also run each check on hidden inputs and flag forbidden calls",
        )
    one = sub.choices["one"]
    one.add_argument("--result", type=Path, required=True)
    one.add_argument("--executed", type=Path)
    args = parser.parse_args(argv)
    if args.command == "grade":
        return grade_batch(args)
    secret = sys.stdin.readline().strip() if args.assess else None
    report = grade_notebook(
        Path(args.notebooks[0]),
        manifest=load_manifest(args.manifest),
        timeout=args.timeout,
        memory_mib=args.memory,
        netguard=args.netguard,
        executed=args.executed,
        secret=secret or None,
    )
    args.result.write_text(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
