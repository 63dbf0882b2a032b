"""Assessment mode (issue 10, point 3): hidden inputs, forbidden calls, and
answer keys that are not shipped in clear.

Split from ``test_grader.py`` (whose helpers it borrows) so that pytest-xdist
can run the long grading batches on both cores.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from test_grader import (
    CHAPTER,
    MEMORY,
    ROOT,
    TIMEOUT,
    _answered,
    _sigmoid_table,
    _solutions,
)

sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "autograder"))

import coursework  # noqa: E402
import grader  # noqa: E402

# ---------------------------------------------------------------------------
# Assessment mode (issue 10, point 3)

CONVOLUTION = ROOT / "chapters" / "05_convolution.ipynb"
SECRET = "a test secret"


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
