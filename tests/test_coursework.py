"""Student and instructor versions from one source, in Markdown that renders anywhere.

The student versions are executed by the grader: they must run, and every
check must answer "not attempted" or "not yet", never "correct". The grader
itself is tested on a class of submissions in ``test_grader.py``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import coursework  # noqa: E402
import grader  # noqa: E402
from notebooks import chapter_notebooks  # noqa: E402

CHAPTERS = chapter_notebooks()


def _solution_code(notebook) -> list[str]:
    sources, inside = [], False
    for cell in notebook.cells:
        if coursework._is_solution_start(cell):
            inside = True
        elif coursework._is_solution_end(cell):
            inside = False
        elif inside and cell.cell_type == "code":
            sources.append(cell.source)
    return sources


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    output = tmp_path_factory.mktemp("student")
    coursework.write_versions("student", output)
    return output


@pytest.fixture(scope="module")
def instructor_dir(tmp_path_factory):
    output = tmp_path_factory.mktemp("instructor")
    coursework.write_versions("instructor", output)
    return output


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_student_version_has_no_solution_but_every_exercise(path, student_dir):
    original = nbformat.read(path, as_version=4)
    student = nbformat.read(student_dir / path.name, as_version=4)
    text = "\n".join(cell.source for cell in student.cells)
    assert "{solution-start}" not in text and "{solution-end}" not in text
    student_code = {cell.source for cell in student.cells if cell.cell_type == "code"}
    solutions = _solution_code(original)
    assert solutions, "the chapter has solution cells"
    leaked = [source for source in solutions if source in student_code]
    assert not leaked, f"solution code left in the student version: {leaked[:1]}"
    labels = list(grader.exercise_manifest(original))
    assert [label for _, label in grader.exercise_cells(student)] == labels
    assert student.metadata["nn_book"]["exercises"] == labels
    assert all(
        not cell.get("outputs") for cell in student.cells if cell.cell_type == "code"
    )
    assert "Student version" in student.cells[1].source
    assert "no worked solutions" in student.cells[1].source


def test_student_versions_run_and_no_check_says_correct(student_dir, tmp_path):
    out = tmp_path / "grades"
    assert grader.main(["grade", str(student_dir / "*.ipynb"), "--out", str(out)]) == 0
    report = json.loads((out / "grades.json").read_text())
    assert len(report["notebooks"]) == len(CHAPTERS)
    for notebook in report["notebooks"]:
        verdicts = {
            entry["exercise"]: entry["verdict"] for entry in notebook["exercises"]
        }
        assert len(verdicts) >= 3, notebook["notebook"]
        assert set(verdicts.values()) <= {"not attempted", "not yet"}, notebook


@pytest.mark.parametrize("kind", ["student", "instructor"])
def test_versions_are_plain_markdown_with_numbered_exercises(
    kind, student_dir, instructor_dir
):
    folder = student_dir if kind == "student" else instructor_dir
    for path in CHAPTERS:
        original = nbformat.read(path, as_version=4)
        version = nbformat.read(folder / path.name, as_version=4)
        markdown = "\n".join(
            c.source for c in version.cells if c.cell_type == "markdown"
        )
        assert not re.search(r"\{[\w:-]+\}`|^(```|:::)\{", markdown, re.MULTILINE), path
        number = int(path.stem[:2])
        manifest = grader.exercise_manifest(original)
        for label, spec in manifest.items():
            heading = f"### Exercise {number}.{spec['number']}: {spec['title']}"
            cell = next(c for c in version.cells if heading in c.source)
            assert cell.metadata["nn_book"]["exercise"] == label
        maths = [
            c.source.count("$") for c in original.cells if "{exercise}" in c.source
        ]
        kept = [
            c.source.count("$") for c in version.cells if "### Exercise" in c.source
        ]
        assert maths == kept, path
        assert "folded" not in markdown, path
        solutions = markdown.count("#### Solution to Exercise")
        assert solutions == (0 if kind == "student" else len(manifest)), path


def test_myst_roles_and_admonitions_become_markdown():
    numbers = {"ex-a": "2.1"}
    source = (
        "A {term}`neuron` and a {term}`unit <artificial neuron>`, see {ref}`ex-a`"
        " {footcite:p}`rosenblatt1958` and {footcite:t}`minsky1969`;"
        " accuracy {glue:text}`cnn_accuracy:.3f`.\n\n"
        "```{admonition} In this chapter\n:class: tip\n**Goal** $x^2$\n```"
    )
    cited: list[str] = []
    text = coursework.plain_markdown(source, numbers, cited)
    assert "A neuron and a unit, see Exercise 2.1 (Rosenblatt, 1958)" in text
    assert "Minsky and Papert (1969)" in text and "`cnn_accuracy`" in text
    assert "> **In this chapter**\n>\n> **Goal** $x^2$" in text
    assert cited == ["rosenblatt1958", "minsky1969"]


def test_instructor_version_keeps_the_solutions(instructor_dir):
    for path in CHAPTERS:
        original = nbformat.read(path, as_version=4)
        instructor = nbformat.read(instructor_dir / path.name, as_version=4)
        instructor_code = {
            cell.source for cell in instructor.cells if cell.cell_type == "code"
        }
        assert set(_solution_code(original)) <= instructor_code
        assert "Instructor version" in instructor.cells[1].source
        assert "followed by its worked solution" in instructor.cells[1].source


def test_stripping_rejects_unbalanced_solution_markers():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_markdown_cell("```{solution-start} ex-a\n```"),
        nbformat.v4.new_code_cell("x = 1"),
    ]
    with pytest.raises(ValueError, match="never closed"):
        coursework.strip_solutions(notebook)
