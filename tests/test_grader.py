"""The grader on a class like the one in issue 10.

The Gradescope autograder and assessment mode have their own files
(``test_autograder.py``, ``test_assessment.py``), which borrow helpers from
this one.

One batch of chapter-1 submissions covers every way a submission can go: right
answers (with a space in the file name), untouched, faked by printing or by
redefining or patching the check, an exercise over the memory limit, deleted
exercise headings, an endless loop, a killed kernel, and a file that is not a
notebook. Each must get its own verdicts, and the batch must go on.
"""

from __future__ import annotations

import ast
import copy
import csv
import json
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "autograder"))

import coursework  # noqa: E402
import grader  # noqa: E402

CHAPTER = ROOT / "chapters" / "01_neurons.ipynb"
TIMEOUT = 90  # s per notebook: the endless loop costs this much (chapter 1: 10-50 s)
MEMORY = 3072  # MiB per kernel; the memory-hungry exercise asks for 4 GiB


def _solutions(chapter) -> dict[str, str]:
    """The code of each exercise's solution, by label."""
    found, label = {}, None
    for cell in chapter.cells:
        if coursework._is_solution_start(cell):
            label = cell.source.split("}", 1)[1].split()[0]
        elif coursework._is_solution_end(cell):
            label = None
        elif label and cell.cell_type == "code":
            found[label] = (found.get(label, "") + "\n\n" + cell.source).strip()
    return found


def _without_check_call(source: str) -> str:
    call = grader.last_check_call(source)
    lines = source.split("\n")
    return "\n".join(lines[: call.lineno - 1] + lines[call.end_lineno :])


def _student(tmp_path) -> nbformat.NotebookNode:
    chapter = nbformat.read(CHAPTER, as_version=4)
    return coursework.render(chapter, "student", CHAPTER.stem)


def _answered(student, edit) -> nbformat.NotebookNode:
    """A copy of ``student`` where ``edit(label, source, index)`` rewrites each exercise cell."""
    notebook = copy.deepcopy(student)
    cells = grader.exercise_cells(notebook)
    for number, (index, label) in enumerate(cells):
        cell = notebook.cells[index]
        cell.source = edit(label, cell.source, number)
    return notebook


def _sigmoid_table() -> str:
    """A my_sigmoid that knows sigmoid(z) only for the inputs check_sigmoid shows."""
    from utils.activations import sigmoid

    shown = [-5.0, -1.0, -0.5, 0.0, 0.5, 1.0, 5.0]
    table = {z: float(sigmoid(z)) for z in shown}
    return (
        f"TABLE = {table!r}\n\n\n"
        "def my_sigmoid(z):\n"
        "    return np.array([TABLE.get(float(v), 0.5) for v in np.ravel(z)])\n"
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    chapter = nbformat.read(CHAPTER, as_version=4)
    manifest = grader.exercise_manifest(chapter)
    solutions = _solutions(chapter)
    student = coursework.render(chapter, "student", CHAPTER.stem)

    def right(label, source, number):
        return source + "\n\n" + solutions[label]

    def faked(label, source, number):
        spec = manifest[label]
        fake = f"def {spec['check']}(*args, **kwargs):\n    print('✅ Correct!')\n\n"
        if number == 0:  # print the pass mark instead of calling the check
            return _without_check_call(source) + "\nprint('✅ Correct!')"
        if number == 1:  # redefine the check after the cell's own import
            return source.replace(f"\n{spec['check']}(", f"\n{fake}{spec['check']}(")
        if number == 2:  # patch the check module itself
            return (
                f"import utils.checks.{spec['module']} as patched\n"
                f"patched.{spec['check']} = lambda *a, **k: print('✅ Correct!')\n"
                + source
            )
        return "big = bytearray(4 * 2**30)\n" + source  # over the memory limit

    def endless(label, source, number):
        # It sleeps in its loop, so the wait for the timeout does not take a
        # core from the rest of the suite; the grader's clock is the same.
        loop = "import time\nwhile True:\n    time.sleep(0.1)\n" if number == 1 else ""
        return loop + right(label, source, number)

    def killed(label, source, number):
        kill = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"
        return (kill if number == 1 else "") + right(label, source, number)

    headless = _answered(student, right)
    headless.cells = [
        cell
        for cell in headless.cells
        if not (cell.cell_type == "markdown" and cell.metadata.get("nn_book"))
    ]
    submissions = {
        "right answers.ipynb": _answered(student, right),
        "untouched.ipynb": student,
        "faked.ipynb": _answered(student, faked),
        "no headings.ipynb": headless,
        "endless.ipynb": _answered(student, endless),
        "killed.ipynb": _answered(student, killed),
    }
    for name, notebook in submissions.items():
        nbformat.write(notebook, folder / name)
    (folder / "not a notebook.ipynb").write_text("my answers are in the PDF\n")
    out = folder / "grades"
    status = grader.main(
        [
            "grade",
            str(folder / "*.ipynb"),
            "--out",
            str(out),
            "--timeout",
            str(TIMEOUT),
            "--memory",
            str(MEMORY),
            "--jobs",
            "2",
        ]
    )
    return folder, out, status, list(manifest)


def _verdicts(out: Path) -> dict[str, list[str]]:
    with open(out / "grades.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(Path(row["notebook"]).name, []).append(row["verdict"])
    return found


def test_the_batch_goes_on_and_writes_a_gradebook(batch):
    folder, out, status, labels = batch
    assert status == 0
    assert (out / "grades.json").exists()
    report = json.loads((out / "grades.json").read_text())
    assert report["summary"]["notebooks"] == 7
    executed = sorted(path.name for path in (out / "executed").iterdir())
    assert "right answers.ipynb" in executed and "killed.ipynb" in executed
    with open(out / "grades.csv", newline="", encoding="utf-8") as file:
        assert next(csv.reader(file)) == ["notebook", "exercise", "verdict", "message"]


def test_each_submission_gets_its_own_verdicts(batch):
    folder, out, status, labels = batch
    n = len(labels)
    verdicts = _verdicts(out)
    assert verdicts["right answers.ipynb"] == ["passed"] * n
    assert verdicts["untouched.ipynb"] == ["not attempted"] * n
    assert verdicts["faked.ipynb"] == ["not attempted"] * 3 + ["error"] * (n - 3)
    assert verdicts["no headings.ipynb"] == ["passed"] * n
    assert verdicts["endless.ipynb"] == ["passed"] + ["timeout"] * (n - 1)
    assert verdicts["killed.ipynb"] == ["passed"] + ["crashed"] * (n - 1)
    assert verdicts["not a notebook.ipynb"] == ["error"]


def test_verdicts_name_their_cause(batch):
    folder, out, status, labels = batch
    report = json.loads((out / "grades.json").read_text())
    by_name = {Path(item["notebook"]).name: item for item in report["notebooks"]}
    faked = by_name["faked.ipynb"]["exercises"]
    assert "MemoryError" in faked[3]["message"]
    assert by_name["endless.ipynb"]["status"] == "timeout"
    assert "died" in by_name["killed.ipynb"]["exercises"][1]["message"]
    assert by_name["right answers.ipynb"]["exercises"][0]["message"].startswith(
        "✅ Correct"
    )
    executed = nbformat.read(out / "executed" / "faked.ipynb", as_version=4)
    assert not any(grader.GRADER_TAG in cell.source for cell in executed.cells)
    assert executed.metadata["nn_book"]["grades"] == faked


def test_grading_that_cannot_run_exits_non_zero(tmp_path, capsys):
    assert grader.main(["grade", str(tmp_path / "*.ipynb")]) == 2
    blocker = tmp_path / "a file"
    blocker.write_text("")
    (tmp_path / "x.ipynb").write_text("{}")
    out = blocker / "grades"
    assert grader.main(["grade", str(tmp_path / "x.ipynb"), "--out", str(out)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_kernels_get_a_memory_limit_and_the_network_guard(tmp_path):
    folder = grader.kernel_dir(1024, ROOT / "tests" / "netguard")
    spec = json.loads((folder / "nn-book-grader" / "kernel.json").read_text())
    assert str(1024 * 2**20) in spec["argv"] and "RLIMIT_AS" in spec["argv"][2]
    assert spec["env"]["NN_BOOK_BLOCK_NETWORK"] == "1"
    assert spec["env"]["PYTHONPATH"].startswith(str(ROOT / "tests" / "netguard"))


def test_the_check_call_is_found_by_name_not_by_place():
    source = "x = 1\ncheck_a(x)\nprint('done')\ncheck_b(x, y=2)\n"
    assert ast.unparse(grader.last_check_call(source)) == "check_b(x, y=2)"
    assert ast.unparse(grader.last_check_call(source, "check_a")) == "check_a(x)"
    assert grader.last_check_call("def f(:\n") is None


@pytest.mark.skipif(sys.platform == "win32", reason="Windows keeps TCP")
def test_kernels_talk_over_sockets_of_their_own(tmp_path):
    # Free TCP ports are picked, closed and handed to the kernel, and a kernel
    # starting beside it can take one first (it then dies before it answers);
    # socket files in the grader's own folder cannot collide. The batch above
    # grades every submission this way.
    transport = grader.kernel_transport(tmp_path)
    assert transport["transport"] == "ipc"
    assert Path(transport["ip"]).parent == tmp_path
