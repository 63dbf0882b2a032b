"""The Gradescope autograder built for a chapter: full marks for the solutions,
none for an untouched notebook, and one for every chapter.

Split from ``test_grader.py`` (whose helpers it borrows) so that pytest-xdist
can run the long grading batches on both cores.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from test_grader import CHAPTER, ROOT, TIMEOUT, _answered, _sigmoid_table, _solutions

sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "autograder"))

import coursework  # noqa: E402


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
