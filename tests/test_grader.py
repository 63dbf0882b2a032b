"""The grader on a class like the one in issue 10, and the Gradescope autograder.

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
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import numpy as np
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


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    import build

    folder = tmp_path_factory.mktemp("autograder")
    return build.build(CHAPTER, folder)


def _run_autograder(archive: Path, root: Path, submission) -> subprocess.Popen:
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(root / "source")
    for name in ("run_autograder", "setup.sh"):
        (root / "source" / name).chmod(0o755)
    (root / "submission").mkdir()
    nbformat.write(submission, root / "submission" / "answers.ipynb")
    env = {
        **os.environ,
        "AUTOGRADER_ROOT": str(root),
        "AUTOGRADER_TIMEOUT": str(TIMEOUT),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    return subprocess.Popen([str(root / "source" / "run_autograder")], env=env)


def test_the_autograder_gives_full_marks_to_the_solutions_and_none_to_nothing(
    autograder_zip, tmp_path
):
    chapter = nbformat.read(CHAPTER, as_version=4)
    solutions = _solutions(chapter)
    student = coursework.render(chapter, "student", CHAPTER.stem)
    right = _answered(
        student, lambda label, source, n: source + "\n\n" + solutions[label]
    )
    lookup = _answered(
        student,
        lambda label, source, n: (
            source
            + "\n\n"
            + solutions[label]
            + (
                "\n\n" + _sigmoid_table() + "\n\ncheck_sigmoid(my_sigmoid)"
                if label == "ex-neurons-sigmoid"
                else ""
            )
        ),
    )
    runs = {
        "right": _run_autograder(autograder_zip, tmp_path / "right", right),
        "untouched": _run_autograder(autograder_zip, tmp_path / "untouched", student),
        "lookup": _run_autograder(autograder_zip, tmp_path / "lookup", lookup),
    }
    for process in runs.values():
        assert process.wait(timeout=TIMEOUT + 120) == 0
    results = {
        name: json.loads((tmp_path / name / "results" / "results.json").read_text())
        for name in runs
    }
    tests = results["right"]["tests"]
    assert len(tests) == len(solutions)
    assert results["right"]["score"] == sum(test["max_score"] for test in tests)
    assert all(test["output"].startswith("passed: ✅ Correct") for test in tests)
    assert results["untouched"]["score"] == 0
    assert all(
        "not attempted" in test["output"] for test in results["untouched"]["tests"]
    )
    assert (tmp_path / "right" / "results" / "executed.ipynb").exists()
    # A submission is graded work: the lookup table loses the sigmoid's point.
    lookup_tests = {test["name"]: test for test in results["lookup"]["tests"]}
    assert results["lookup"]["score"] == len(solutions) - 1
    (sigmoid,) = [test for name, test in lookup_tests.items() if "sigmoid" in name]
    assert sigmoid["output"].startswith("not yet: passes the notebook's own inputs")
    # The secret was read, then removed before the learner's code ran.
    with zipfile.ZipFile(autograder_zip) as opened:
        assert "assessment-secret.txt" in opened.namelist()
    assert not (tmp_path / "right" / "source" / "assessment-secret.txt").exists()


def test_every_chapter_gets_an_autograder_with_its_exercises(tmp_path):
    import build

    for chapter in sorted((ROOT / "chapters").glob("*.ipynb")):
        archive = build.build(chapter, tmp_path)
        with zipfile.ZipFile(archive) as opened:
            names = set(opened.namelist())
            manifest = json.loads(opened.read("manifest.json"))
        assert {"setup.sh", "run_autograder", "grader.py", "requirements.txt"} <= names
        assert {"assessment.py", "assessment-secret.txt"} <= names
        assert "book/utils/checks/recording.py" in names
        assert len(manifest) >= 3
        assert all(spec["module"] and spec["check"] for spec in manifest.values())


# ---------------------------------------------------------------------------
# Assessment mode (issue 10, point 3)

CONVOLUTION = ROOT / "chapters" / "05_convolution.ipynb"
SECRET = "a test secret"


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


def _exercise_notebook(cells: dict[str, str]) -> nbformat.NotebookNode:
    """A small notebook: chapter 5's set-up, its imports, and exercise cells by label."""
    chapter = nbformat.read(CONVOLUTION, as_version=4)
    manifest = grader.exercise_manifest(chapter)
    setup = next(cell for cell in chapter.cells if cell.cell_type == "code")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(setup.source),
        nbformat.v4.new_code_cell(
            "import numpy as np\n"
            "from utils.checks.convolution import check_conv2d, check_output_size"
        ),
    ]
    for label, source in cells.items():
        spec = manifest[label]
        metadata = {
            "nn_book": {
                "exercise": label,
                "module": spec["module"],
                "check": spec["check"],
            }
        }
        notebook.cells.append(nbformat.v4.new_code_cell(source, metadata=metadata))
    return notebook


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    """A batch graded with --assess: right, a lookup table, and forbidden calls."""
    folder = tmp_path_factory.mktemp("assessed")
    chapter = nbformat.read(CHAPTER, as_version=4)
    solutions = _solutions(chapter)
    student = coursework.render(chapter, "student", CHAPTER.stem)
    conv_solutions = _solutions(nbformat.read(CONVOLUTION, as_version=4))
    own_conv = conv_solutions["ex-convolution-conv2d"]
    own_size = conv_solutions["ex-convolution-output-size"]

    def right(label, source, number):
        return source + "\n\n" + solutions[label]

    def lookup(label, source, number):
        answer = right(label, source, number)
        if label != "ex-neurons-sigmoid":
            return answer
        return answer + "\n\n" + _sigmoid_table() + "\n\ncheck_sigmoid(my_sigmoid)"

    def conv(body: str, size: str = own_size) -> nbformat.NotebookNode:
        return _exercise_notebook(
            {
                "ex-convolution-output-size": size,
                "ex-convolution-conv2d": body + "\n\ncheck_conv2d(my_conv2d)",
            }
        )

    book = "[None, :, :, None], kernel[:, :, None, None], stride=stride)[0, :, :, 0]"
    leak = "import os\nprint('secret:', os.environ.get('NN_BOOK_ASSESSMENT_SECRET'))\n"
    submissions = {
        "right.ipynb": _answered(student, right),
        "lookup.ipynb": _answered(student, lookup),
        "conv right.ipynb": conv(leak + own_conv),
        "conv alias.ipynb": conv(
            "from utils.conv import conv2d as c\n\n\n"
            f"def my_conv2d(image, kernel, stride=1):\n    return c(image{book}\n",
            size="from utils.conv import conv_output_size\n\n"
            "check_output_size(conv_output_size)",
        ),
        "conv module.ipynb": conv(
            "import utils.conv\n\n\n"
            "def my_conv2d(image, kernel, stride=1):\n"
            f"    return utils.conv.conv2d(image{book}\n"
        ),
        "conv scipy.ipynb": conv(
            "from scipy import signal\n\n\n"
            "def my_conv2d(image, kernel, stride=1):\n"
            "    full = signal.correlate2d(image, kernel, mode='valid')\n"
            "    return full[::stride, ::stride]\n"
        ),
    }
    for name, notebook in submissions.items():
        nbformat.write(notebook, folder / name)
    out = folder / "grades"
    previous = os.environ.get("NN_BOOK_ASSESSMENT_SECRET")
    os.environ["NN_BOOK_ASSESSMENT_SECRET"] = SECRET
    try:
        status = grader.main(
            ["grade", str(folder / "*.ipynb"), "--out", str(out), "--assess"]
            + ["--timeout", str(TIMEOUT), "--memory", str(MEMORY), "--jobs", "2"]
        )
    finally:
        if previous is None:
            del os.environ["NN_BOOK_ASSESSMENT_SECRET"]
        else:
            os.environ["NN_BOOK_ASSESSMENT_SECRET"] = previous
    report = json.loads((out / "grades.json").read_text())
    found = {
        Path(item["notebook"]).name: {e["exercise"]: e for e in item["exercises"]}
        for item in report["notebooks"]
    }
    return out, status, report, found, list(grader.exercise_manifest(chapter))


def test_assessment_passes_the_solutions(assessed):
    out, status, report, found, labels = assessed
    assert status == 0 and report["summary"]["assessment"] is True
    assert [found["right.ipynb"][label]["verdict"] for label in labels] == [
        "passed"
    ] * len(labels)
    assert all(
        e["self_study"]["verdict"] == "passed" for e in found["right.ipynb"].values()
    )
    conv = found["conv right.ipynb"]
    assert conv["ex-convolution-conv2d"]["verdict"] == "passed"
    assert conv["ex-convolution-output-size"]["verdict"] == "passed"


def test_a_lookup_table_passes_self_study_but_not_assessment(assessed):
    out, status, report, found, labels = assessed
    sigmoid = found["lookup.ipynb"]["ex-neurons-sigmoid"]
    assert sigmoid["self_study"]["verdict"] == "passed"
    assert sigmoid["verdict"] == "not yet"
    assert sigmoid["message"].startswith("passes the notebook's own inputs but not")
    others = [
        e["verdict"]
        for k, e in found["lookup.ipynb"].items()
        if k != "ex-neurons-sigmoid"
    ]
    assert others == ["passed"] * (len(labels) - 1)


@pytest.mark.parametrize(
    ("name", "label", "called"),
    [
        ("conv alias.ipynb", "ex-convolution-conv2d", "utils.conv.conv2d"),
        (
            "conv alias.ipynb",
            "ex-convolution-output-size",
            "utils.conv.conv_output_size",
        ),
        ("conv module.ipynb", "ex-convolution-conv2d", "utils.conv.conv2d"),
        ("conv scipy.ipynb", "ex-convolution-conv2d", "scipy.signal.correlate2d"),
    ],
)
def test_forbidden_calls_are_flagged(assessed, name, label, called):
    out, status, report, found, labels = assessed
    entry = found[name][label]
    assert entry["self_study"]["verdict"] == "passed"  # the shortcut works...
    assert entry["verdict"] == "flagged"  # ...and is flagged, in plain words
    assert entry["message"].startswith(
        f"calls {called}; the exercise asks you to write it"
    )
    assert report["summary"]["verdicts"]["flagged"] == 4
    with open(out / "grades.csv", newline="", encoding="utf-8") as file:
        rows = [
            row for row in csv.DictReader(file) if Path(row["notebook"]).name == name
        ]
    assert {row["exercise"]: row["verdict"] for row in rows}[label] == "flagged"


def test_the_secret_stays_out_of_the_kernel(assessed):
    out, status, report, found, labels = assessed
    executed = nbformat.read(out / "executed" / "conv right.ipynb", as_version=4)
    printed = "".join(
        output.get("text", "")
        for cell in executed.cells
        for output in cell.get("outputs", [])
    )
    assert "secret: None" in printed
    assert SECRET not in json.dumps(executed)
    assert not (out / "assessment-secret.txt").exists()  # it came from the environment


def test_hidden_inputs_depend_on_the_secret_the_notebook_and_the_exercise():
    import assessment

    seed = assessment.exercise_seed("s", "digest", "ex-a")
    assert seed == assessment.exercise_seed("s", "digest", "ex-a")
    others = {
        assessment.exercise_seed("t", "digest", "ex-a"),
        assessment.exercise_seed("s", "other", "ex-a"),
        assessment.exercise_seed("s", "digest", "ex-b"),
    }
    assert seed not in others and len(others) == 3


def test_the_forbidden_list_names_real_exercises_and_callables():
    import importlib

    import assessment

    from utils.checks import recording

    labels = set(grader.load_manifest(None))
    for label, names in assessment.FORBIDDEN.items():
        assert label in labels, f"{label} is no exercise of the book"
        for name in names:
            parts = name.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                try:
                    importlib.import_module(".".join(parts[:cut]))
                    break
                except ImportError:
                    continue
            assert callable(recording.resolve(name)), name


def _key(value) -> str:
    if isinstance(value, dict):
        return repr(sorted((k, _key(v)) for k, v in value.items()))
    if isinstance(value, np.ndarray):
        return repr((value.shape, value.tobytes()))
    return repr(value)


def _function_checks():
    """(check, right function) of every check that calls a function the learner wrote."""
    from utils.activations import sigmoid
    from utils.checks import (
        applications,
        convolution,
        learning,
        network_types,
        neurons,
        training_cnns,
    )
    from utils.conv import conv_output_size

    def recall(ranked, relevant, k):
        return sum(item in relevant for item in ranked[:k]) / len(relevant)

    return [
        (neurons.check_sigmoid, sigmoid),
        (learning.check_sigmoid_derivative, lambda z: sigmoid(z) * (1 - sigmoid(z))),
        (
            learning.check_backward_mse,
            lambda params, X, y: learning._tape_gradients(params, X, y, "mse"),
        ),
        (network_types.check_rbf_unit, network_types._reference_rbf_unit),
        (convolution.check_output_size, conv_output_size),
        (training_cnns.check_shift_digit, training_cnns._reference_shift),
        (applications.check_recall_at_k, recall),
    ]


@pytest.mark.parametrize("number", range(7))
def test_function_checks_try_hidden_inputs_in_assessment(number):
    """A table of the answers to the inputs a check shows passes self-study only."""
    import utils.checks

    check, right = _function_checks()[number]
    table = {}

    def learner(*args):
        answer = right(*args)
        table[_key(args)] = answer
        return answer

    assert check.evaluate(learner).passed

    def lookup(*args):
        return table.get(_key(args), args[0])

    assert check.evaluate(lookup).passed  # the table passes in self-study
    utils.checks._hidden_seed = 12345
    try:
        assert check.evaluate(right).passed  # right answers pass the hidden inputs
        assert check.evaluate(lookup).passed is False  # the table does not
    finally:
        utils.checks._hidden_seed = None


def test_typed_answer_keys_are_not_shipped_in_clear():
    """The keys the review read from the package are digests or worked out."""
    from utils.checks import cnn_limits, convnet_layers, network_types

    text = repr(network_types.NETWORK_TYPE_TASKS)
    assert not any(name in text for name in network_types._TYPE_NAMES)
    assert network_types.fits("skin_photos", "convolutional")
    assert not network_types.fits("skin_photos", "recurrent")
    assert not hasattr(convnet_layers, "_SHAPES")
    assert not hasattr(convnet_layers, "_COUNTS")
    assert not set(cnn_limits._TRUE_STATEMENTS) & set("abcde")
    source = Path(cnn_limits.__file__).read_text()
    assert 'frozenset({"a", "d"})' not in source


LEARNER_MODULE = """
import numpy as np
import scipy.special
import utils.conv
from scipy.special import expit as e
from utils.checks.convnet_layers import _pool as p
from utils.conv import conv2d as c


def honest(image, kernel, stride=1):
    rows = (image.shape[0] - kernel.shape[0]) // stride + 1
    columns = (image.shape[1] - kernel.shape[1]) // stride + 1
    out = np.zeros((rows, columns))
    for i in range(rows):
        for j in range(columns):
            window = image[i * stride :, j * stride :][: kernel.shape[0], : kernel.shape[1]]
            out[i, j] = np.sum(window * kernel)
    return out


def alias(image, kernel, stride=1):
    return c(image[None, :, :, None], kernel[:, :, None, None], stride=stride)[0, :, :, 0]


def default(image, kernel, stride=1, op=utils.conv.conv2d):
    return op(image[None, :, :, None], kernel[:, :, None, None], stride=stride)[0, :, :, 0]


def ufunc_alias(z):
    return e(z)


def private_alias(feature_map):
    return p(feature_map)
"""


@pytest.mark.parametrize(
    ("module", "check", "label", "function", "verdict", "called"),
    [
        (
            "convolution",
            "check_conv2d",
            "ex-convolution-conv2d",
            "honest",
            "passed",
            "",
        ),
        (
            "convolution",
            "check_conv2d",
            "ex-convolution-conv2d",
            "alias",
            "flagged",
            "utils.conv.conv2d",
        ),
        (
            "convolution",
            "check_conv2d",
            "ex-convolution-conv2d",
            "default",
            "flagged",
            "utils.conv.conv2d",
        ),
        (
            "convolution",
            "check_conv2d",
            "ex-convolution-conv2d",
            "utils.conv.conv2d",
            "flagged",
            "utils.conv.conv2d",
        ),
        (
            "neurons",
            "check_sigmoid",
            "ex-neurons-sigmoid",
            "ufunc_alias",
            "flagged",
            "scipy.special.expit",
        ),
        (
            "convnet_layers",
            "check_my_max_pool",
            "ex-convnet-layers-my-max-pool",
            "private_alias",
            "flagged",
            "utils.checks.convnet_layers._pool",
        ),
    ],
)
def test_the_watch_sees_every_way_to_a_forbidden_callable(
    tmp_path, monkeypatch, module, check, label, function, verdict, called
):
    """Aliases, default arguments, the callable itself, a ufunc, a private reference;
    and not the check's own calls of its reference (the honest answer passes)."""
    import importlib

    import assessment
    import scipy.special

    from utils.checks import recording

    (tmp_path / "learner_code.py").write_text(LEARNER_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    # The kernel reloads the checks; here that would leave the other tests'
    # check modules with a stale Feedback class, so use the ones imported.
    monkeypatch.setattr(
        recording,
        "genuine_check",
        lambda name, check: getattr(
            importlib.import_module(f"utils.checks.{name}"), check
        ),
    )
    learner = importlib.import_module("learner_code")
    namespace = dict(vars(learner))
    spec = {
        "module": module,
        "check": check,
        "call": f"{check}({function})",
        "assessment": {"seed": 3, "forbidden": assessment.forbidden(label)},
    }
    result, message = recording.assess(spec, namespace)
    assert result == verdict, message
    if called:
        assert message.startswith(f"calls {called}; the exercise asks you to write it")
    assert isinstance(scipy.special.expit, np.ufunc)  # the spies are gone again
    assert isinstance(learner.e, np.ufunc)
