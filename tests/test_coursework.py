"""Student and instructor versions, and the grader, from one source.

The student versions are executed: they must run without errors, and every
check must answer "not attempted" or "not yet", never "correct". The grader is
shown to pass a submission that contains the solutions and to fail a wrong one.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import coursework  # noqa: E402
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
    labels = coursework.EXERCISE_LABEL.findall(
        "\n".join(c.source for c in original.cells)
    )
    assert labels == coursework.EXERCISE_LABEL.findall(text)
    assert all(
        not cell.get("outputs") for cell in student.cells if cell.cell_type == "code"
    )
    assert "Student version" in student.cells[1].source


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_student_version_runs_and_every_check_says_not_yet(path, student_dir):
    results = coursework.grade(student_dir / path.name)
    assert results, "no exercises found"
    statuses = {result.label: result.status for result in results}
    assert set(statuses.values()) <= {"not attempted", "not yet"}, statuses


def test_instructor_version_keeps_the_solutions(instructor_dir):
    for path in CHAPTERS:
        original = nbformat.read(path, as_version=4)
        instructor = nbformat.read(instructor_dir / path.name, as_version=4)
        instructor_code = {
            cell.source for cell in instructor.cells if cell.cell_type == "code"
        }
        assert set(_solution_code(original)) <= instructor_code
        assert "Instructor version" in instructor.cells[1].source


def _submission(
    student_path: Path, chapter_path: Path, tmp_path: Path, *, tamper=None
) -> Path:
    """A student notebook whose exercise cells hold the chapter's solutions."""
    student = nbformat.read(student_path, as_version=4)
    chapter = nbformat.read(chapter_path, as_version=4)
    solutions = iter(_solution_code(chapter))
    answered = []
    for cell in student.cells:
        if (
            cell.cell_type == "code"
            and "..." in cell.source
            and "check_" in cell.source
        ):
            cell = copy.deepcopy(cell)
            # The student keeps the cell's imports and writes the answer below.
            answer = next(solutions)
            cell.source = cell.source + "\n\n" + (tamper(answer) if tamper else answer)
        answered.append(cell)
    student.cells = answered
    target = tmp_path / student_path.name
    nbformat.write(student, target)
    return target


def test_grader_passes_a_correct_submission_and_fails_a_wrong_one(
    student_dir, tmp_path
):
    chapter = ROOT / "chapters" / "01_neurons.ipynb"
    right = _submission(student_dir / chapter.name, chapter, tmp_path)
    results = {result.label: result.status for result in coursework.grade(right)}
    assert results and set(results.values()) == {"passed"}, results

    # A typical mistake: the AND neuron's bias too high (it computes OR).
    (tmp_path / "wrong").mkdir()
    wrong = _submission(
        student_dir / chapter.name,
        chapter,
        tmp_path / "wrong",
        tamper=lambda source: source.replace("bias = -1.5", "bias = -0.5"),
    )
    results = {result.label: result.status for result in coursework.grade(wrong)}
    assert results["ex-neurons-and"] == "not yet", results


def test_stripping_rejects_unbalanced_solution_markers():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_markdown_cell("```{solution-start} ex-a\n```"),
        nbformat.v4.new_code_cell("x = 1"),
    ]
    with pytest.raises(ValueError, match="never closed"):
        coursework.strip_solutions(notebook)
